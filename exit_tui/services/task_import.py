"""The task register as an import target (services/imports.py): how each column of the Tasks sheet is read,
compared with the stored task and written.

An owner's role name (either language) equals its key; a title is the user's text, trimmed at the ends and
otherwise exact, compared with the title shown; a blank status on a new row means to do. A due cell may be a
date or an offset (`T+10d`, `T-0042 +5d`); tasks counted from a task whose date changed follow it, and the
preview lists those moves and the statutory flags that appear or clear, as the replan preview does.
"""

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..db.models import Task
from ..domain.enums import PHASE_COUNT, TaskStatus
from ..domain.schedule import DueRule, rule_from_parts
from ..domain.templates import roles
from ..i18n import CATALOGS
from ..i18n.labels import owner_from_label, role_label, rule_label, status_label
from . import timeline
from .errors import UserError
from .imports import ImportField, ImportTarget, RowChanges
from .inputs import check_year, clean_basis, clean_title, parse_due_text
from .projects import project_dates, project_row
from .readmodels import ReplanPreview, shown_title


def _fold(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def _status_words() -> dict[str, TaskStatus]:
    """Every way a status may be written: its code and its label in each language."""
    words: dict[str, TaskStatus] = {}
    for status in TaskStatus:
        words[_fold(status.value)] = status
        for catalog in CATALOGS.values():
            label = catalog.get(f"status.{status.value}")
            if label:
                words[_fold(label)] = status
    return words


def _whole(value: Any) -> int:
    """3, 3.0, "3", "３" -> 3; anything else raises ValueError."""
    number = float(unicodedata.normalize("NFKC", str(value)).strip())
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


class TaskImport(ImportTarget):
    sheet = "tasks"
    table = Task.__table__
    prefix = "T"
    fields = (
        ImportField("phase_no", required=True),
        ImportField("title", required=True),
        ImportField("owner"),
        ImportField("due_date", required=True),
        ImportField("status", required=True, default=TaskStatus.TODO),
        ImportField("legal_basis"),
        ImportField("note"),
    )
    content = ("title", "phase_no", "due_date")
    columns = ("title", "title_zh", "title_en", "due_anchor", "due_offset", "done_on")

    def __init__(self, session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.dates = project_dates(project_row(session, project_id))
        self.statuses = _status_words()
        self.status_of: dict[str, TaskStatus] = {}
        """Statuses by the text a file wrote them in (a large file writes a few texts many times)."""
        self.owners: dict[str, str] = {}
        self.before: list | None = None

    # phase
    def clean_phase_no(self, value: Any) -> int:
        try:
            number = value if value.__class__ is int else _whole(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not 1 <= number <= PHASE_COUNT:
            raise UserError("error.bad_phase", field="phase", max=PHASE_COUNT)
        return number

    # title: one text, the user's (template titles stay bilingual until edited)
    def clean_title(self, value: Any) -> str:
        return clean_title(str(value))

    def current_title(self, row: Mapping) -> str:
        return shown_title(row["title"], row["title_zh"], row["title_en"])

    # owner
    def clean_owner(self, value: Any) -> str:
        """A role's name (either language, any width) -> its key; any other text stays as written, trimmed."""
        if value is None:
            return ""
        text = str(value)
        owner = self.owners.get(text)
        if owner is None:
            key = owner_from_label(unicodedata.normalize("NFKC", text))
            owner = self.owners[text] = key if key in roles() else text.strip()
        return owner

    def current_owner(self, row: Mapping) -> str:
        return (row["owner"] or "").strip()

    def show_owner(self, value: str) -> str:
        return role_label(value)

    # due date: a date, or an offset from a project date or another task
    def clean_due_date(self, value: Any) -> tuple[date, DueRule | None]:
        if isinstance(value, datetime):
            return check_year(value.date(), "due"), None
        if isinstance(value, date):
            return check_year(value, "due"), None
        tasks = {key: row["due_date"] for key, row in self.existing.items()}
        return parse_due_text(str(value), self.dates, tasks)

    def current_due_date(self, row: Mapping) -> tuple[date, DueRule | None]:
        return row["due_date"], rule_from_parts(row["due_anchor"], row["due_offset"])

    def same_due_date(self, row: Mapping, value: tuple[date, DueRule | None]) -> bool:
        due, rule = value
        if rule is None:  # a plain date: the same date keeps the task's rule
            return due == row["due_date"]
        return (due, rule) == self.current_due_date(row)

    def columns_due_date(self, value: tuple[date, DueRule | None]) -> dict[str, Any]:
        due, rule = value
        return {"due_date": due, "due_anchor": rule.anchor_code if rule else None,
                "due_offset": rule.offset if rule else None}

    def show_due_date(self, value: tuple[date, DueRule | None]) -> str:
        due, rule = value
        return f"{due.isoformat()} ({rule_label(str(rule))})" if rule else due.isoformat()

    # status (done_on follows it, as in the checklist)
    def clean_status(self, value: Any) -> TaskStatus:
        status = self.status_of.get(value) if value.__class__ is str else None  # a text seen before
        if status is None:
            status = self.statuses.get(_fold(value))
            if status is None:
                raise UserError("error.bad_status", field="status", value=value)
            if value.__class__ is str:
                self.status_of[value] = status
        return status

    def current_status(self, row: Mapping) -> TaskStatus:
        return TaskStatus(row["status"])

    def columns_status(self, value: TaskStatus) -> dict[str, Any]:
        return {"status": value.value, "done_on": self.today if value is TaskStatus.DONE else None}

    def show_status(self, value: TaskStatus) -> str:
        return status_label(value)

    # legal basis and note
    def clean_legal_basis(self, value: Any) -> str | None:
        return clean_basis(None if value is None else str(value))

    def current_legal_basis(self, row: Mapping) -> str | None:
        return row["legal_basis"] or None

    def clean_note(self, value: Any) -> str:
        return "" if value is None else str(value).strip()

    def current_note(self, row: Mapping) -> str:
        return (row["note"] or "").strip()

    # rows
    def new_row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        row = super().new_row(values)
        # A user's row has one title; the template columns hold it too, for readers that show those.
        row["title_zh"] = row["title_en"] = row["title"]
        return row

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        # Only a due date or a status can move others or raise a statutory flag (new rows serve no deadline).
        return any({"due_date", "status"} & update.columns.keys() for update in changed)

    def before_apply(self, changed: list[RowChanges]) -> None:
        if self.has_knock_on(changed):
            self.before = timeline.plan_snapshot(self.session, self.project_id)

    def after_apply(self, changed: list[RowChanges]) -> ReplanPreview | None:
        """Tasks counted from a task whose date changed follow it; returns those moves and the statutory flags
        that appear or clear (the tasks the file itself changed are reported as changes, not as moves)."""
        if self.before is None:
            return None
        if any("due_date" in update.columns for update in changed):
            timeline.follow_rules(self.session, self.project_id)
        direct = {update.row["public_id"] for update in changed if "due_date" in update.columns}
        return timeline.effects_since(self.session, self.project_id, self.before, direct)
