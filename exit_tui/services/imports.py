"""Importing task rows read from a spreadsheet: validate every row, diff against the project, apply.

`plan_tasks` only reads and says what an import would do; `apply_tasks` does it, in the caller's transaction
(Backend.call commits; any exception rolls everything back, so an import is all accepted rows or nothing).

Rows come from io/ as ImportRow (typed values keyed by column key, see io/spec.py TASKS). A key missing from a
row's values means the file has no such column: the field is left as it is. A key present with None means an empty
cell: optional fields are cleared, required ones reject the row.

Comparisons normalise the way the sheet is written and read, so that importing the same file twice changes
nothing the second time: an owner's role name (either language) equals its key, titles compare with collapsed
whitespace against the title shown in the current language, None equals "", a row without an id that is already
in the project exactly as written counts as unchanged instead of being added again.
"""

import re
import unicodedata
from functools import partial
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Column, Connection, Table, bindparam, insert, select
from sqlmodel import Session

from ..db.models import AuditEntry, IdCounter, Project, Task
from ..domain.enums import PHASE_COUNT, TaskStatus
from ..domain.schedule import DueRule, ProjectDates, rule_from_parts
from ..domain.templates import roles
from ..i18n import CATALOGS, _, get_language, pick
from ..i18n.labels import owner_from_label, role_label, rule_label, status_label
from . import audit
from .errors import NotFound, UserError
from .ids import next_public_ids
from .inputs import clean_basis, clean_title, parse_due_text
from .readmodels import FieldChange, ImportReport, ImportRow, Rejection
from ..speed import gc_paused

PREFIX = "T"
"""Public ids of task rows start with this prefix (`T-0042`)."""

#: Fields an imported row may set, in the order they are compared and reported (column keys of io/spec TASKS).
FIELDS = ("phase_no", "title", "owner", "due_date", "status", "legal_basis", "note")
REQUIRED = frozenset({"phase_no", "title", "due_date", "status"})

_ID = re.compile(r"^([A-Z]+)-?(\d+)$")
_CHUNK = 500  # ids in one SQL `IN (...)` list
_BATCH = 2000  # rows in one executemany (bounds the memory a 20k-row import needs)

_task = Task.__table__
_audit = AuditEntry.__table__

#: The columns read for every task of the project (core rows, no ORM objects).
_COLUMNS = (
    _task.c.id, _task.c.public_id, _task.c.phase_no, _task.c.title_zh, _task.c.title_en, _task.c.owner,
    _task.c.due_date, _task.c.due_anchor, _task.c.due_offset, _task.c.status, _task.c.legal_basis, _task.c.note,
)


# -- reading a row ---------------------------------------------------------------------------------------------


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


def normalize_id(value: object) -> str:
    """`t-0042`, ` Ｔ－００４２ ` -> `T-0042`; anything that is not prefix-digits comes back folded, upper case."""
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    match = _ID.match(text)
    if match and len(match[2]) <= 9:
        return f"{match[1]}-{int(match[2]):04d}"
    return text


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Cleaned:
    """The validated values of one row (only the fields the row gives), or the problems found."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(column key, reason) pairs; a row with any problem is rejected."""


class _Cleaner:
    """Validates rows one by one (caches what repeats from row to row: status words, owners)."""

    def __init__(self, dates: ProjectDates, task_dates: Mapping[str, date] | None = None) -> None:
        self.dates = dates
        self.task_dates = task_dates or {}
        self.statuses = _status_words()
        self.owners: dict[str, str] = {}
        self.required = _("import.required")

    def row(self, raw: Mapping, *, new: bool) -> _Cleaned:
        out = _Cleaned()
        for key in FIELDS:
            if key not in raw:
                if new and key in REQUIRED:
                    out.problems.append((key, self.required))
                continue
            value = raw[key]
            if key in REQUIRED and (value is None or (value.__class__ is str and not value.strip())):
                out.problems.append((key, self.required))
                continue
            try:
                out.values[key] = getattr(self, key)(value)
            except UserError as error:
                out.problems.append((key, error.message()))
        return out

    def phase_no(self, value: Any) -> int:
        try:
            number = value if value.__class__ is int else _whole(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not 1 <= number <= PHASE_COUNT:
            raise UserError("error.bad_phase", field="phase", max=PHASE_COUNT)
        return number

    def title(self, value: Any) -> str:
        text = str(value)
        title = clean_title(text)
        return text if title == text else title  # the same string object: less memory on big imports

    def owner(self, value: Any) -> str:
        """A role's name (either language, any width) -> its key; any other text stays as written, stripped."""
        if value is None:
            return ""
        text = str(value)
        owner = self.owners.get(text)
        if owner is None:
            key = owner_from_label(unicodedata.normalize("NFKC", text))
            owner = self.owners[text] = key if key in roles() else text.strip()
        return owner

    def due_date(self, value: Any) -> tuple[date, DueRule | None]:
        if isinstance(value, datetime):
            return value.date(), None
        if isinstance(value, date):
            return value, None
        # A date as text, or an offset such as `T+10d` or `T-0042 +5d` (counted from a task of the project).
        return parse_due_text(str(value), self.dates, self.task_dates)

    def status(self, value: Any) -> TaskStatus:
        status = self.statuses.get(_fold(value))
        if status is None:
            raise UserError("error.bad_status", field="status", value=value)
        return status

    def legal_basis(self, value: Any) -> str | None:
        return clean_basis(None if value is None else str(value))

    def note(self, value: Any) -> str:
        return "" if value is None else str(value).strip()  # strip() returns the same object when unchanged


def _whole(value: Any) -> int:
    """3, 3.0, "3", "３" -> 3; anything else raises ValueError."""
    number = float(unicodedata.normalize("NFKC", str(value)).strip())
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


# -- comparing with what is stored -----------------------------------------------------------------------------


def _title_shown(task: Mapping) -> str:
    """The title as the sheet shows it in the current language (and as it is compared)."""
    return " ".join(pick(task["title_zh"], task["title_en"]).split())


def _current(task: Mapping, key: str) -> Any:
    """A stored task's value of field `key`, in the form _Cleaner returns."""
    if key == "title":
        return _title_shown(task)
    if key == "due_date":
        return task["due_date"]
    if key == "status":
        return TaskStatus(task["status"])
    if key == "legal_basis":
        return task["legal_basis"] or None
    if key in ("owner", "note"):
        return (task[key] or "").strip()
    return task[key]


def _same(task: Mapping, key: str, value: Any) -> bool:
    if key == "due_date":
        due, rule = value
        if rule is None:  # a plain date: the same date keeps the task's rule
            return due == task["due_date"]
        return due == task["due_date"] and rule == rule_from_parts(task["due_anchor"], task["due_offset"])
    return _current(task, key) == value


def _display(key: str, value: Any, task: Mapping | None = None) -> str:
    """A value as a person reads it in the report (current language)."""
    if key == "due_date":
        if task is not None:  # the stored side: show the rule the date follows, if any
            due, rule = task["due_date"], rule_from_parts(task["due_anchor"], task["due_offset"])
        else:
            due, rule = value
        return f"{due.isoformat()} ({rule_label(str(rule))})" if rule else due.isoformat()
    if value is None:
        return ""
    if key == "status":
        return status_label(value)
    if key == "owner":
        return role_label(value)
    return str(value)


def _columns_for(key: str, value: Any, today: date, language: str) -> dict[str, Any]:
    """The database columns (name -> new value) that setting field `key` to `value` writes."""
    if key == "title":
        return {"title_en" if language == "en" else "title_zh": value}
    if key == "due_date":
        due, rule = value
        return {"due_date": due, "due_anchor": rule.anchor_code if rule else None,
                "due_offset": rule.offset if rule else None}
    if key == "status":
        return {"status": value.value, "done_on": today if value is TaskStatus.DONE else None}
    return {key: value}


# -- the plan --------------------------------------------------------------------------------------------------


class _NewTask(NamedTuple):
    """A validated row to add, compact (a 20k-row import holds 20k of these until it writes them)."""

    row: int
    """The Excel row number."""
    phase_no: int
    title: str
    owner: str
    due_date: date
    rule: DueRule | None
    status: TaskStatus
    legal_basis: str | None
    note: str


@dataclass
class _Update:
    task_id: int
    public_id: str
    columns: dict[str, Any]
    """Database column -> new value."""
    audit: list[tuple[str, Any, Any]]
    """(column, old, new) for every audited column that changes (done_on follows status, as in checklist)."""


@dataclass
class _Plan:
    new_rows: list[_NewTask] = field(default_factory=list)
    updates: list[_Update] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def report(self, added: list[str], applied: bool) -> ImportReport:
        return ImportReport(added=added, changed=self.changed, unchanged=self.unchanged,
                            rejected=self.rejected, applied=applied)


def _project_dates(session: Session, project_id: int) -> ProjectDates:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    return ProjectDates(project.decision_date, project.contract_end, project.handover_date, project.continuation_end)


def _existing_tasks(session: Session, project_id: int) -> dict[str, dict[str, Any]]:
    rows = session.execute(select(*_COLUMNS).where(_task.c.project_id == project_id))
    return {row.public_id: dict(row._mapping) for row in rows}


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _unknown_reasons(session: Session, project_id: int, unknown: set[str]) -> dict[str, str]:
    """Why ids absent from the project are refused: deleted here, belonging to another project, or unknown."""
    counter = session.get(IdCounter, (project_id, PREFIX))
    last = counter.last if counter else 0
    elsewhere: dict[str, str] = {}
    for chunk in _chunks(sorted(unknown)):
        rows = session.execute(
            select(_task.c.public_id, Project.__table__.c.name)
            .join(Project.__table__, Project.__table__.c.id == _task.c.project_id)
            .where(_task.c.public_id.in_(chunk), _task.c.project_id != project_id)
            .order_by(_task.c.project_id)
        )
        for public_id, name in rows:
            elsewhere.setdefault(public_id, name)
    reasons = {}
    for public_id in unknown:
        if int(public_id.split("-")[1]) <= last:
            reasons[public_id] = _("import.deleted_id", value=public_id)
        elif public_id in elsewhere:
            reasons[public_id] = _("import.other_project", value=public_id, project=elsewhere[public_id])
        else:
            reasons[public_id] = _("import.unknown_id", value=public_id)
    return reasons


def _content_key(title: str, phase_no: int, due: date) -> tuple[str, int, date]:
    return " ".join(title.split()), phase_no, due


def _plan(session: Session, project_id: int, rows: list[ImportRow], today: date) -> _Plan:
    session.flush()  # the core reads below must see what this transaction already wrote through the ORM
    existing = _existing_tasks(session, project_id)
    cleaner = _Cleaner(_project_dates(session, project_id), {k: t["due_date"] for k, t in existing.items()})
    language = get_language()
    plan = _Plan()

    # Ids: normalised, then counted (an id repeated in the file is refused on every row that has it).
    ids: list[str | None] = []
    seen: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        raw = row.values.get("public_id")
        public_id = None if _is_empty(raw) else normalize_id(raw)
        ids.append(public_id)
        if public_id:
            seen[public_id].append(row.row)
    unknown = {
        i for i in seen
        if i not in existing and (m := _ID.match(i)) and m[1] == PREFIX
    }
    unknown_reasons = _unknown_reasons(session, project_id, unknown) if unknown else {}

    claimed = {i for i in seen if i in existing}  # tasks that a row names by id
    by_content: dict[tuple, list[str]] | None = None  # built on the first row without an id

    for row, public_id in zip(rows, ids, strict=True):
        task = existing.get(public_id) if public_id else None
        problems: list[tuple[str, str]] = []
        if public_id:
            match = _ID.match(public_id)
            if not match:
                problems.append(("public_id", _("import.bad_id", value=public_id)))
            elif match[1] != PREFIX:
                problems.append(("public_id", _("import.wrong_kind", value=public_id, prefix=PREFIX)))
            elif len(seen[public_id]) > 1:
                rows_text = ", ".join(str(n) for n in seen[public_id])
                problems.append(("public_id", _("import.duplicate_id", value=public_id, rows=rows_text)))
            elif task is None:
                problems.append(("public_id", unknown_reasons[public_id]))
        cleaned = cleaner.row(row.values, new=public_id is None)
        problems += cleaned.problems
        if problems:
            plan.rejected += [Rejection(row.sheet, row.row, key, reason) for key, reason in problems]
            continue

        values = cleaned.values
        if task is None:  # a row without an id: new, unless the project already has it exactly as written
            if by_content is None:
                by_content = defaultdict(list)
                for t in existing.values():
                    for title in {t["title_zh"], t["title_en"]}:
                        by_content[_content_key(title, t["phase_no"], t["due_date"])].append(t["public_id"])
            key = _content_key(values["title"], values["phase_no"], values["due_date"][0])
            twin = next(
                (i for i in by_content.get(key, ()) if i not in claimed
                 and all(_same(existing[i], k, v) for k, v in values.items() if k != "title")),
                None,
            )
            if twin is not None:
                claimed.add(twin)
                plan.unchanged += 1
            else:
                due, rule = values["due_date"]
                plan.new_rows.append(_NewTask(
                    row.row, values["phase_no"], values["title"], values.get("owner", ""), due, rule,
                    values["status"], values.get("legal_basis"), values.get("note", ""),
                ))
            continue

        columns: dict[str, Any] = {}
        trail: list[tuple[str, Any, Any]] = []
        for key, value in values.items():
            if _same(task, key, value):
                continue
            plan.changed.append(FieldChange(public_id, key, _display(key, _current(task, key), task),
                                            _display(key, value)))
            for name, new in _columns_for(key, value, today, language).items():
                if name != "done_on" and task.get(name) != new:
                    trail.append((name, task[name], new))
                columns[name] = new
        if columns:
            plan.updates.append(_Update(task["id"], public_id, columns, trail))
        else:
            plan.unchanged += 1
    return plan


def plan_tasks(session: Session, project_id: int, rows: list[ImportRow], today: date) -> ImportReport:
    """What importing `rows` would do, writing nothing. New rows are listed as `row N` placeholders.

    FieldChange.field and Rejection.column are column keys (`status`, `due_date`, `public_id`); io/ turns them
    into the headers a person reads.
    """
    with gc_paused():
        plan = _plan(session, project_id, rows, today)
    added = [_("import.new_row", row=new.row) for new in plan.new_rows]
    return plan.report(added, applied=False)


def apply_tasks(session: Session, project_id: int, rows: list[ImportRow], today: date) -> ImportReport:
    """Import `rows`: add the new tasks, update the changed fields, each audited; rejected rows are skipped.

    Writes in the caller's transaction and commits nothing: the caller (Backend.call) commits, and any
    exception raised on the way rolls back every row, so the database holds all accepted rows or none.
    """
    with gc_paused():
        plan = _plan(session, project_id, rows, today)
        now = datetime.now(UTC)
        added = _insert_new(session, project_id, plan.new_rows, today, now)
        _write_updates(session, project_id, plan.updates)
    # Core statements bypass the identity map: tasks of this session loaded earlier must reload.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Task) and obj.project_id == project_id:
            session.expire(obj)
    if any("due_date" in update.columns for update in plan.updates):
        from .timeline import follow_rules  # tasks counted from a task whose date changed follow it

        follow_rules(session, project_id)
    return plan.report(added, applied=True)


def _insert_new(
    session: Session, project_id: int, new_rows: list[_NewTask], today: date, now: datetime
) -> list[str]:
    """Core INSERTs (executemany) of the new tasks and their `create` audit entries, a batch at a time."""
    if not new_rows:
        return []
    ids = next_public_ids(session, project_id, PREFIX, len(new_rows))
    session.flush()  # the id counter, before the core inserts
    actor = audit._actor  # noqa: SLF001 - the audit module's actor, written here in bulk
    connection = session.connection()
    # Rows go to the driver as tuples, each value in the form SQLAlchemy's column type would bind it (dates as
    # its ISO text): no per-row parameter dicts and processing, which cost more than SQLite's own work.
    add_task, fast = _bulk_insert(connection, _task, _TASK_COLUMNS)
    add_entry, _fast = _bulk_insert(connection, _audit, _AUDIT_COLUMNS)
    # On the fast path values go to the driver as they are, so dates are converted here, once; otherwise
    # SQLAlchemy converts them itself.
    binder = partial(_binder, connection) if fast else (lambda _column: (lambda value: value))
    day, moment = binder(_task.c.due_date), binder(_task.c.created_at)
    created, at = moment(now), binder(_audit.c.at)(now)
    done_on = day(today)
    for start in range(0, len(new_rows), _BATCH):
        tasks = []  # columns left out (template_key, recurrence, ...; audit `old`) are NULL
        trail = []
        batch = zip(ids[start:start + _BATCH], new_rows[start:start + _BATCH], strict=True)
        for public_id, new in batch:
            rule = new.rule
            status = new.status
            tasks.append((
                project_id, public_id, new.phase_no, new.title, new.title, new.owner, day(new.due_date),
                rule.anchor.value if rule else None, rule.offset if rule else None, status.value,
                new.legal_basis, new.note, done_on if status is TaskStatus.DONE else None, created,
            ))
            # The entry checklist.add_task records through audit.record, here added in bulk.
            trail.append((project_id, at, actor, "create", "task", public_id, "", new.title))
        add_task(tasks)
        add_entry(trail)
    return ids


_TASK_COLUMNS = ("project_id", "public_id", "phase_no", "title_zh", "title_en", "owner", "due_date", "due_anchor",
                 "due_offset", "status", "legal_basis", "note", "done_on", "created_at")
_AUDIT_COLUMNS = ("project_id", "at", "actor", "action", "entity", "public_id", "field", "new")


def _bulk_insert(
    connection: Connection, table: Table, names: tuple[str, ...]
) -> tuple[Callable[[list[tuple]], None], bool]:
    """An executemany of `table`'s INSERT for rows given as tuples in the order of `names`, and whether it is the
    fast driver-level one (values bound as they are: convert them with _binder first)."""
    statement = insert(table)
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(names))
    if tuple(compiled.positiontup or ()) != names:
        # Another paramstyle (PostgreSQL's drivers bind by name) or a column default SQLAlchemy would add: the
        # ordinary Core executemany, slower but right everywhere.
        return (lambda rows: connection.execute(statement, [dict(zip(names, row, strict=True)) for row in rows]),
                False)
    sql = compiled.string
    return (lambda rows: connection.exec_driver_sql(sql, rows)), True


def _binder(connection: Connection, column: Column) -> Callable[[Any], Any]:
    """How SQLAlchemy turns a Python value of `column` into the driver's value (identity when it does not)."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return (lambda value: None if value is None else process(value)) if process else (lambda value: value)


def _write_updates(session: Session, project_id: int, updates: list[_Update]) -> None:
    """One executemany per set of changed columns; one audit entry per changed column."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for update in updates:
        for name, old, new in update.audit:
            audit.record(session, project_id, "update", "task", update.public_id, name, old, new)
        groups[tuple(sorted(update.columns))].append(
            {"task_id": update.task_id, **{f"new_{name}": value for name, value in update.columns.items()}}
        )
    session.flush()  # the audit entries, before the core statements
    for names, params in groups.items():
        statement = (
            _task.update()
            .where(_task.c.id == bindparam("task_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        for chunk in _chunks(params, _BATCH):
            session.execute(statement, chunk)
