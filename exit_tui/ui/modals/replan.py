"""Replanning: pick a project date to change, then see what the change does before it is applied."""

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ...domain.dates import DateParseError, parse_date
from ...domain.enums import Anchor
from ...domain.text import visible
from ...domain.money import format_fen
from ...i18n import _, _n, pick
from ...services.readmodels import DeadlineRead, PlanChange, ProjectRead, ReplanPreview
from ..bindings import Localized
from .form import Field, FormScreen

#: Moves listed one by one; the rest are counted (the apply still moves them all).
MAX_LISTED = 200


def deadline_text(deadline: DeadlineRead) -> str:
    return f"{deadline.basis} {visible(pick(deadline.title_zh, deadline.title_en))} ({deadline.day.isoformat()})"


def preview_text(preview: ReplanPreview) -> Text:
    """The preview as lines: statutory flags that appear or clear and warnings first (they matter most), then the
    moves from -> to."""
    text = Text()

    def section(title: str, style: str = "bold") -> None:
        if text:
            text.append("\n")
        text.append(title + "\n", style=style)

    for flags, heading, line, style in (
        (preview.flags_added, "replan.flags_added", "replan.misses", "red"),
        (preview.flags_cleared, "replan.flags_cleared", "replan.meets", "green"),
    ):
        if flags:
            section(_(heading), f"bold {style}")
        for flag in flags:
            text.append(f"  {flag.public_id}  ", style="bold")
            text.append(_(line, deadline=deadline_text(flag.deadline)), style=style)
            text.append("  " + visible(pick(flag.title_zh, flag.title_en)) + "\n", style="dim")
    for deadline in preview.warnings_added:
        section(_("replan.impossible", deadline=deadline_text(deadline)), "bold red")
    for deadline in preview.warnings_cleared:
        section(_("replan.possible_again", deadline=deadline_text(deadline)), "bold green")
    if preview.prepaid is not None:  # T is the settlement cut-off: the prepaid lines' splits move with it
        prepaid = preview.prepaid
        section(_n("replan.prepaid", len(prepaid.changes), n=len(prepaid.changes),
                   before=format_fen(prepaid.prepaid_before_fen), after=format_fen(prepaid.prepaid_after_fen)))
    if preview.notices:  # notices not sent whose deadline moves with the project's date
        section(_n("replan.notices", len(preview.notices), n=len(preview.notices)))
        for notice in preview.notices:
            days = (notice.new - notice.old).days
            text.append(f"  {notice.public_id}  ", style="bold")
            text.append(f"{notice.old.isoformat()} -> {notice.new.isoformat()} ({days:+d}) ")
            text.append(visible(f"{notice.stakeholder_name}: {notice.subject}") + "\n", style="dim")
    if preview.moves:
        section(_n("replan.moves", len(preview.moves), n=len(preview.moves)))
        for move in preview.moves[:MAX_LISTED]:
            days = (move.new - move.old).days
            text.append(f"  {move.public_id}  ", style="bold")
            text.append(f"{move.old.isoformat()} -> {move.new.isoformat()} ({days:+d}) ")
            text.append(visible(pick(move.title_zh, move.title_en)) + "\n", style="dim")
        if (more := len(preview.moves) - MAX_LISTED) > 0:
            text.append("  " + _n("replan.more", more, n=more) + "\n", style="dim")
    if preview.kept_done:
        section(_n("replan.kept_done", preview.kept_done, n=preview.kept_done), "dim")
    if not text:
        text.append(_("replan.nothing_moves"))
    return text


class ReplanDialog(Localized, ModalScreen[bool]):
    """Shows a ReplanPreview; dismisses True to apply, False to go back. Cancel has the focus (the safe choice,
    as in every confirmation): applying takes ctrl+s or a deliberate move to 应用."""

    BINDINGS = [
        Binding("ctrl+s", "answer(True)", "key.apply", id="apply"),
        Binding("escape", "answer(False)", "key.cancel", id="cancel"),
    ]

    def __init__(self, title: str, preview: ReplanPreview) -> None:
        super().__init__()
        self.heading = title
        self.preview = preview

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="replan-dialog"):
            yield Label(Text(self.heading, style="bold"), classes="dialog-title")
            with VerticalScroll(id="replan-lines"):
                yield Static(preview_text(self.preview), id="replan-text")
            with Horizontal(classes="buttons"):
                yield Button(_("button.apply"), id="apply", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "apply")

    def action_answer(self, apply: bool) -> None:
        self.dismiss(apply)


class ProjectDateForm(Localized, FormScreen[PlanChange | None]):
    """Pick one of the four project dates and type its new value; dismisses with the PlanChange."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "preview", "key.preview", id="preview"),
    ]

    def __init__(self, project: ProjectRead, anchor: Anchor = Anchor.HANDOVER) -> None:
        super().__init__()
        self.project = project
        self.anchor = anchor

    def compose(self) -> ComposeResult:
        options = [(_(f"field.{a.value}"), a.value) for a in Anchor]
        with Vertical(classes="dialog", id="project-date-form"):
            yield Label(Text(_("replan.date_title"), style="bold"), classes="dialog-title")
            yield Field(_("replan.which"), Select(options, value=self.anchor.value, allow_blank=False, id="anchor"),
                        "anchor")
            yield Field(_("replan.new_date"), Input(self._current().isoformat(), id="value"), "value")
            with Horizontal(classes="buttons"):
                yield Button(_("button.preview"), id="preview", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def _current(self) -> date:
        return self.project.dates[self.anchor]

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Select.Changed, "#anchor")
    def anchor_changed(self, event: Select.Changed) -> None:
        self.anchor = Anchor(event.value)
        self.query_one("#value", Input).value = self._current().isoformat()

    @on(Input.Changed, "#value")
    def value_changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    def _check(self, text: str) -> date | None:
        field = self.query_one("#field-value", Field)
        try:
            day = parse_date(text)
        except DateParseError:
            field.show_error(_("error.bad_date", field=_(f"field.{self.anchor.value}"), value=text))
            return None
        field.show_hint(_("replan.from_to", old=self._current().isoformat(), new=day.isoformat()))
        return day

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "preview":
            self.action_preview()
        else:
            self.dismiss(None)

    def action_preview(self) -> None:
        day = self._check(self.query_one("#value", Input).value)
        if day is not None:
            self.dismiss(PlanChange(day.isoformat(), anchor=self.anchor.value))
