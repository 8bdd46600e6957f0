"""Rich Text builders for table cells. User text always goes through Text(), never markup."""

from rich.text import Text

from ...domain.enums import TaskStatus
from ...domain.text import visible
from ...i18n.labels import status_label

STATUS_STYLES = {
    TaskStatus.TODO: "",
    TaskStatus.DOING: "bold cyan",
    TaskStatus.BLOCKED: "bold magenta",
    TaskStatus.DONE: "green",
}


def progress_bar(done: int, total: int, width: int = 20) -> Text:
    filled = round(width * done / total) if total else 0
    bar = Text("█" * filled, style="green")
    bar.append("░" * (width - filled), style="dim")
    return bar


def status_cell(status: TaskStatus) -> Text:
    mark = "✓ " if status is TaskStatus.DONE else ""
    return Text(mark + status_label(status), style=STATUS_STYLES[status])


def due_cell(due, overdue: bool) -> Text:
    text = Text(due.isoformat(), style="bold red" if overdue else "")
    if overdue:
        text.append(" !", style="bold red")
    return text


def weekday_name(day) -> str:
    """Mon..Sun / 周一..周日 in the current language."""
    from ...i18n import _

    return _(f"weekday.{day.weekday()}")


def plain(value: str | None, style: str = "") -> Text:
    return Text(visible(value or ""), style=style, no_wrap=True, overflow="ellipsis")
