"""Importing the rows of any register read from a spreadsheet: one planner, one applier, for every register.

A register takes part by declaring an ImportTarget (its sheet key, table, id prefix and per-field hooks); the
planner validates every row, matches it to the project's rows by public id, and says what would change field by
field; the applier writes it through the audited write path (services/audit.py), in the caller's transaction
(Backend.call commits; any exception rolls everything back, so an import is all accepted rows or nothing).
A register whose service must do the writing (a risk's status move, a drill's follow-up tasks:
services/risks_import.py) overrides ImportTarget.add_rows / update_rows and writes through it, audited the same.
A preview runs the applier inside a savepoint and rolls it back, so it reports exactly what applying would do,
knock-on changes included (tasks that follow a moved task, statutory flags); where the target says the changes
can have none (new rows only, say), the preview writes nothing at all.

Rows come from io/ as ImportRow (values typed by column kind, keyed by column key). A key missing from a row's
values means the file has no such column: the field is left as it is. A key present with None means an empty
cell: optional fields are cleared, required ones reject the row (a new row takes the field's default if it has
one, reported as such). Importing the same file twice changes nothing the second time: values compare in the form
the hooks give them, and a row without an id that is already in the project exactly as written counts as
unchanged instead of being added again.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from operator import itemgetter
from typing import Any, ClassVar

from sqlalchemy import Table, select
from sqlmodel import Session

from ..db.models import IdCounter, Project
from ..domain.text import without_controls
from ..i18n import _, _n
from ..speed import gc_paused
from . import audit
from .errors import NotFound, UserError
from .ids import next_public_ids
from .readmodels import Conflict, FieldChange, ImportReport, ImportRow, Rejection, ReplanPreview

_ID = re.compile(r"^([A-Z]+)-?(\d+)$")
ROW_VERSION = "row_version"
"""The column key of a row's version in an exported sheet (io/spec.ROW_VERSION)."""
_CHUNK = 500  # ids in one SQL `IN (...)` list
NO_DEFAULT = object()
_UNSET = object()
ABSENT = object()
"""A field of a planned new row that the file has no column for."""


def normalize_id(value: object) -> str:
    """`t-0042`, ` Ｔ－００４２ ` -> `T-0042`; anything that is not prefix-digits comes back folded, upper case."""
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    match = _ID.match(text)
    if match and len(match[2]) <= 9:
        return f"{match[1]}-{int(match[2]):04d}"
    return text


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- what a register declares ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    """One imported column of a register."""

    key: str
    """The column key (io/spec.py) and, unless the target's hooks say otherwise, the table column."""
    required: bool = False
    default: Any = NO_DEFAULT
    """The value a new row takes when the cell is empty (reported as a default, not as an error)."""


class ImportTarget:
    """A register as an import target. Subclass it per register and set the class attributes; override the
    per-field hooks (`clean_<key>`, `current_<key>`, `same_<key>`, `columns_<key>`, `show_<key>`) where a field
    is more than its column, and the row hooks where the register needs them. One instance serves one import.
    """

    sheet: ClassVar[str]
    """The key of the register's SheetSpec (io/spec.py)."""
    table: ClassVar[Table]
    prefix: ClassVar[str]
    """Public ids of the register's rows start with this (`T-0042`)."""
    fields: ClassVar[tuple[ImportField, ...]]
    content: ClassVar[tuple[str, ...]] = ()
    """Fields that identify a row written without an id (a twin already in the project is not added again)."""
    columns: ClassVar[tuple[str, ...]] = ()
    """Table columns the hooks read of each stored row (id, public_id and the fields' keys always are)."""
    natural_key: ClassVar[str | None] = None
    """A field whose value names a row as surely as its id (a unit's number, 房号): a row without an id whose value
    (cleaned) is a stored row's updates that row, as a row with its id would (a list from others has no ids)."""
    all_or_nothing: ClassVar[bool] = False
    """Any rejected row refuses the whole apply (UserError), not only that row: for a register whose rows only
    make sense together (the confirmations returned with the owner statements)."""
    report_absent: ClassVar[bool] = False
    """Say which of the project's rows the file does not list (ImportReport.absent): for a register that
    others send lists of, whose preview compares their list with ours."""

    def __init__(self, session: Session, project_id: int, today: date) -> None:
        self.session, self.project_id, self.today = session, project_id, today
        self.existing: dict[str, dict[str, Any]] = {}
        """The project's stored rows by public id (set by the planner before any row is cleaned)."""
        self._hooks = {  # looked up once: a large import calls them for every cell
            (kind, spec.key): getattr(self, f"{kind}_{spec.key}", None)
            for kind in ("clean", "current", "same", "columns", "show") for spec in self.fields
        }
        self.cleaners = [(spec, self._per_field("clean", spec.key)) for spec in self.fields]
        """(field, its clean function or None where a cell is taken as it is), for the planner's loop."""
        self._writers = [(spec.key, self._per_field("columns", spec.key)) for spec in self.fields]
        self.comparers = {spec.key: self._comparer(spec.key) for spec in self.fields}
        """Field key -> `same(key, ·, ·)` as one callable (row, value) -> bool, for the planner's loop."""

    def _hook(self, kind: str, key: str):
        hook = self._hooks.get((kind, key), _UNSET)
        return getattr(self, f"{kind}_{key}", None) if hook is _UNSET else hook

    def _per_field(self, kind: str, key: str) -> Callable[[Any], Any] | None:
        """The field's hook of that kind as one callable (None: no hook, the default applies), so that a large
        import does not look it up again for every cell; a subclass overriding the generic method itself
        (`clean`, `columns_for`, `current`, `same`) gets that method, bound to the key."""
        method = {"clean": "clean", "columns": "columns_for", "current": "current", "same": "same"}[kind]
        if getattr(type(self), method) is not getattr(ImportTarget, method):
            return partial(getattr(self, method), key)
        return self._hooks[kind, key]

    def _comparer(self, key: str) -> Callable[[Mapping[str, Any], Any], bool]:
        """`same(key, ·, ·)` as one callable."""
        same = self._per_field("same", key)
        if same is not None:
            return same
        current = self._per_field("current", key) or itemgetter(key)
        return lambda row, value: current(row) == value

    # field hooks: defaults
    def clean(self, key: str, value: Any) -> Any:
        """The typed value of a cell (the reader typed it by column kind); raise UserError to reject it."""
        hook = self._hook("clean", key)
        return hook(value) if hook else value

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        """A stored row's value of field `key`, in the form `clean` returns."""
        hook = self._hook("current", key)
        return hook(row) if hook else row[key]

    def same(self, key: str, row: Mapping[str, Any], value: Any) -> bool:
        hook = self._hook("same", key)
        return hook(row, value) if hook else self.current(key, row) == value

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        """The table columns (name -> value) that setting field `key` to `value` writes."""
        hook = self._hook("columns", key)
        return hook(value) if hook else {key: value}

    def show(self, key: str, value: Any) -> str:
        """A cleaned value as a person reads it in the report (current language)."""
        hook = self._hook("show", key)
        return hook(value) if hook else ("" if value is None else str(value))

    def show_stored(self, key: str, row: Mapping[str, Any]) -> str:
        return self.show(key, self.current(key, row))

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Problems of a whole row as (column key, reason), once its cells are clean: a rule between fields, or
        a change the stored row (None for a new row) does not allow. The row is rejected when there are any."""
        return []

    def notes_for(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """What an accepted row would bring about that the preview should say, as (column key, text): not an
        error (e.g. key counts that would no longer balance). Reported with the row's notes."""
        return []

    def describe(self, values: Mapping[str, Any]) -> str:
        """A row's name as the preview shows it beside a new row's number or an absent row's id ("" for none),
        from cleaned values (a new row) or a stored row's `content` fields."""
        return ""

    # row hooks
    def new_row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Table columns of a new row (project_id, public_id and created_at are added by the applier); a field
        the file has no column for is set as an empty cell would set it, so every new row has the same columns."""
        row: dict[str, Any] = {}
        for key, columns in self._writers:
            value = values[key] if key in values else self.clean(key, None)
            if columns is None:
                row[key] = value
            else:
                row.update(columns(value))
        return row

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        """Write `count` new rows from their cleaned values (a stream: a large import builds them a batch at a
        time); returns their public ids, in order. By default in bulk through audit.insert_rows; a register whose
        new rows bring more about (a drill's follow-up tasks) writes them through its service instead."""
        ids = next_public_ids(self.session, self.project_id, self.prefix, count) if count else []
        now = datetime.now(UTC)
        audit.insert_rows(self.session, self.table, (
            {"project_id": self.project_id, "public_id": public_id, "created_at": now, **self.new_row(row)}
            for public_id, row in zip(ids, values, strict=True)
        ))
        return ids

    def update_rows(self, changed: list["RowChanges"]) -> None:
        """Write the updates, by default in bulk through audit.update_rows; a register whose service says more
        (a status move, further follow-up tasks) writes them through it instead (RowChanges.fields)."""
        audit.update_rows(self.session, self.table, [
            audit.RowUpdate(update.row["id"], update.row, update.columns) for update in changed if update.columns
        ])

    def has_knock_on(self, changed: list["RowChanges"]) -> bool:
        """Whether applying these updates (and the new rows) may change anything else (other rows, flags): a
        preview measures that by applying in a savepoint; False spares it those writes (after_apply would
        return None)."""
        return True

    def before_apply(self, changed: list["RowChanges"]) -> None:
        """Called once before anything is written, with the updates to come (e.g. to remember what knock-on
        changes are measured from)."""

    def after_apply(self, changed: list["RowChanges"]) -> ReplanPreview | None:
        """Called once after the rows are written; returns the knock-on changes it made, if any."""
        return None


@dataclass
class RowChanges:
    row: Mapping[str, Any]
    """The stored row before the import."""
    columns: dict[str, Any]
    """Table column -> new value."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Field key -> its cleaned new value, for each field the row changes (what a service takes)."""


@dataclass
class _Plan:
    new_rows: list[tuple] = field(default_factory=list)
    """(Excel row number, *cleaned values) of every row to add: the value of each of the target's fields in
    order, or ABSENT for a field the file has no column for (a tuple, not a dict: a large import holds one per
    row; `_values` turns it back into a dict)."""
    updates: list[RowChanges] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    notes: list[Rejection] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


# -- the planner -------------------------------------------------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(target: ImportTarget) -> dict[str, dict[str, Any]]:
    table = target.table
    names = dict.fromkeys(("id", "project_id", "public_id", *target.columns, *(f.key for f in target.fields)))
    columns = [table.c[name] for name in names if name in table.c]
    rows = target.session.execute(select(*columns).where(table.c.project_id == target.project_id))
    keys = list(rows.keys())
    public_id = keys.index("public_id")
    return {row[public_id]: dict(zip(keys, row)) for row in rows}


def _unknown_reasons(target: ImportTarget, unknown: set[str]) -> dict[str, str]:
    """Why ids absent from the project are refused: deleted here, belonging to another project, or unknown."""
    session, table = target.session, target.table
    counter = session.get(IdCounter, (target.project_id, target.prefix))
    last = counter.last if counter else 0
    projects = Project.__table__
    elsewhere: dict[str, str] = {}
    for chunk in _chunks(sorted(unknown)):
        rows = session.execute(
            select(table.c.public_id, projects.c.name)
            .join(projects, projects.c.id == table.c.project_id)
            .where(table.c.public_id.in_(chunk), table.c.project_id != target.project_id)
            .order_by(table.c.project_id)
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


def _clean_row(target: ImportTarget, row: ImportRow, *, new: bool) -> tuple[dict, list, list[Rejection]]:
    """The row's cleaned values, its problems as (column key, reason), and notes on it (defaults it took,
    control characters removed)."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    notes: list[Rejection] = []
    cells = row.values
    for spec, clean in target.cleaners:
        key = spec.key
        if key in cells:
            value = cells[key]
        elif new:
            value = None
        else:
            continue  # the file has no such column: the stored value stays
        # No such column, or an empty cell: a new row takes the default, a required field is missing.
        if (spec.required or new) and (value is None or (isinstance(value, str) and (not value or value.isspace()))):
            if new and spec.default is not NO_DEFAULT:
                values[key] = spec.default
                notes.append(Rejection(row.sheet, row.row, key,
                                       _("import.default_used", value=target.show(key, spec.default))))
                continue
            if spec.required:
                problems.append((key, _("import.required")))
                continue
            if key not in cells:
                continue  # an optional field of a new row: new_row sets it as an empty cell would
        if value.__class__ is str:
            value, removed = without_controls(value)
            if removed:
                notes.append(Rejection(row.sheet, row.row, key, _n("import.controls_removed", removed, n=removed)))
        if clean is None:
            values[key] = value
            continue
        try:
            values[key] = clean(value)
        except UserError as error:
            problems.append((key, error.message()))
    return values, problems, notes


def _plan(target: ImportTarget, rows: list[ImportRow], overwrite: Callable[[str], bool]) -> _Plan:
    target.session.flush()  # the Core reads below must see what this transaction already wrote
    existing = _existing(target)
    versions = audit.row_versions(target.session, target.project_id, target.table.name)
    target.existing = existing
    plan = _Plan()

    ids: list[str | None] = []
    seen: dict[str, list[int]] = defaultdict(list)
    named = _by_natural_key(target) if target.natural_key else None
    for row in rows:
        raw = row.values.get("public_id")
        public_id = None if _is_empty(raw) else normalize_id(raw)
        if public_id is None and named is not None:
            public_id = named(row)
        ids.append(public_id)
        if public_id:
            seen[public_id].append(row.row)
    unknown = {i for i in seen if i not in existing and (m := _ID.match(i)) and m[1] == target.prefix}
    reasons = _unknown_reasons(target, unknown) if unknown else {}
    claimed = {i for i in seen if i in existing}  # rows that a line of the file names by id
    by_content: dict[tuple, list[str]] | None = None
    compare = target.comparers
    says_notes = type(target).notes_for is not ImportTarget.notes_for

    for row, public_id in zip(rows, ids, strict=True):
        stored = existing.get(public_id) if public_id else None
        problems: list[tuple[str, str]] = []
        if public_id:
            match = _ID.match(public_id)
            if not match:
                problems.append(("public_id", _("import.bad_id", value=public_id)))
            elif match[1] != target.prefix:
                problems.append(("public_id", _("import.wrong_kind", value=public_id, prefix=target.prefix)))
            elif len(seen[public_id]) > 1:
                rows_text = ", ".join(str(n) for n in seen[public_id])
                problems.append(("public_id", _("import.duplicate_id", value=public_id, rows=rows_text)))
            elif stored is None:
                problems.append(("public_id", reasons[public_id]))
        values, cell_problems, notes = _clean_row(target, row, new=public_id is None)
        problems += cell_problems
        if not problems:
            problems = target.check(stored, values)
        if problems:
            plan.rejected += [Rejection(row.sheet, row.row, key, reason) for key, reason in problems]
            continue
        plan.notes += notes
        if says_notes:
            plan.notes += [Rejection(row.sheet, row.row, key, text) for key, text in target.notes_for(stored, values)]

        if stored is None:  # a row without an id: new, unless the project already has it exactly as written
            if target.content:
                if by_content is None:
                    by_content = defaultdict(list)
                    for other in existing.values():
                        key = tuple(target.current(k, other) for k in target.content)
                        by_content[key].append(other["public_id"])
                key = tuple([values.get(k) for k in target.content])
                twin = next(
                    (i for i in by_content.get(key, ()) if i not in claimed
                     and all(compare[k](existing[i], v) for k, v in values.items())),
                    None,
                )
                if twin is not None:
                    claimed.add(twin)
                    plan.unchanged += 1
                    continue
            plan.new_rows.append((row.row, *[values.get(spec.key, ABSENT) for spec in target.fields]))
            continue

        columns: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        changes = []
        for key, value in values.items():
            if compare[key](stored, value):
                continue
            changes.append(FieldChange(public_id, key, target.show_stored(key, stored), target.show(key, value)))
            columns.update(target.columns_for(key, value))
            fields[key] = value
        if not changes:
            plan.unchanged += 1
            continue
        exported = row.values.get(ROW_VERSION)
        newest = versions.get(public_id, 0)
        if isinstance(exported, int) and newest > exported:  # changed here since the file was exported
            plan.conflicts.append(Conflict(row.sheet, row.row, public_id, newest, tuple(c.field for c in changes)))
            if not overwrite(public_id):
                continue  # kept as it is in the database unless the user chooses the file's values
        plan.changed += changes
        plan.updates.append(RowChanges(stored, columns, fields))
    if plan.conflicts:
        who = audit.last_changes(target.session, {c.version for c in plan.conflicts})
        plan.conflicts = [replace(c, actor=who[c.version].actor, at=who[c.version].at) for c in plan.conflicts]
    if target.report_absent:
        plan.absent = [_named(target, public_id, {key: target.current(key, existing[public_id])
                                                  for key in target.content})
                       for public_id in sorted(existing.keys() - claimed)]
    return plan


def _by_natural_key(target: ImportTarget) -> Callable[[ImportRow], str | None]:
    """`row -> the public id of the stored row its natural key names` (None: none, or a cell that does not
    clean: the row's own cleaning reports it)."""
    key = target.natural_key
    index = {target.current(key, row): public_id for public_id, row in target.existing.items()}

    def find(row: ImportRow) -> str | None:
        value = row.values.get(key)
        if _is_empty(value):
            return None
        try:
            return index.get(target.clean(key, value))
        except UserError:
            return None

    return find


def _named(target: ImportTarget, text: str, values: Mapping[str, Any]) -> str:
    """`text` (a row number or id) followed by the row's name where the target names its rows."""
    name = target.describe(values) if type(target).describe is not ImportTarget.describe else ""
    return f"{text} {name}" if name else text


def _values(keys: list[str], planned: tuple) -> dict[str, Any]:
    """A planned new row's cleaned values by field key (fields the file has no column for left out)."""
    return {key: value for key, value in zip(keys, planned[1:], strict=True) if value is not ABSENT}


def _apply(target: ImportTarget, plan: _Plan) -> tuple[list[str], ReplanPreview | None]:
    target.before_apply(plan.updates)
    keys = [spec.key for spec in target.fields]
    # a generator: the new rows are built a batch at a time
    ids = target.add_rows((_values(keys, planned) for planned in plan.new_rows), len(plan.new_rows))
    target.update_rows(plan.updates)
    return ids, target.after_apply(plan.updates)


def _report(plan: _Plan, added: list[str], knock_on: ReplanPreview | None, applied: bool) -> ImportReport:
    return ImportReport(added=added, changed=plan.changed, unchanged=plan.unchanged, rejected=plan.rejected,
                        notes=plan.notes, knock_on=knock_on, applied=applied, conflicts=plan.conflicts,
                        absent=plan.absent)


def import_rows(
    session: Session, target_type: type[ImportTarget], project_id: int, rows: list[ImportRow], today: date,
    *, apply: bool, overwrite: bool | Collection[str] = (), strict: bool = False,
) -> ImportReport:
    """Plan (apply=False: a preview, nothing written) or apply the import of `rows` into one register.

    A row changed in the database since the file was exported (its ROW_VERSION is older than the row's newest
    audit entry) is a conflict: its changes are applied only when `overwrite` is True or names it, and are
    otherwise left out and reported; with `strict`, applying with conflicts left raises UserError instead.
    FieldChange.field and Rejection.column are column keys (`status`, `due_date`, `public_id`); io/ turns them
    into the headers a person reads. A preview lists new rows as `row N` placeholders.
    """
    if session.get(Project, project_id) is None:
        raise NotFound("error.project_not_found", value=project_id)
    target = target_type(session, project_id, today)
    chosen = frozenset() if isinstance(overwrite, bool) else frozenset(overwrite)
    with gc_paused():
        plan = _plan(target, rows, (lambda _id: True) if overwrite is True else chosen.__contains__)
        del rows  # the plan holds what is needed: a caller that passed its only reference frees the rows here
        if apply and target.all_or_nothing and plan.rejected:
            raise UserError("import.all_or_nothing", n=len({(r.sheet, r.row) for r in plan.rejected}))
        if apply and strict and any(c.public_id not in chosen for c in plan.conflicts) and overwrite is not True:
            raise UserError("import.conflicts_refused", n=len(plan.conflicts),
                            ids=", ".join(c.public_id for c in plan.conflicts[:10]))
        if apply:
            added, knock_on = _apply(target, plan)
            return _report(plan, added, knock_on, applied=True)
        knock_on = None
        if (plan.new_rows or plan.updates) and target.has_knock_on(plan.updates):
            savepoint = session.begin_nested()  # the same writes as apply, to measure their knock-on, then undone
            try:
                _ids, knock_on = _apply(target, plan)
            finally:
                savepoint.rollback()
            session.expire_all()
    added = [_("import.new_row", row=planned[0]) for planned in plan.new_rows]
    if type(target).describe is not ImportTarget.describe:  # "row 3 小区绿化竣工图": what their list adds
        keys = [spec.key for spec in target.fields]
        added = [_named(target, text, _values(keys, planned)) for text, planned in zip(added, plan.new_rows)]
    return _report(plan, added, knock_on, applied=False)
