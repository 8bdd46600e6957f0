"""Accounts (DOMAIN.md section 4): the units (U-) and their owners, each unit's ledger lines (L-) reconciled with
the owners (未确认 → 已确认 / 有争议 → 已结清, a dispute carved out), the project's own ledgers (G-), the settlement
cut-off with the split of prepaid lines, and the settlement's totals.

Every write is an ORM change or an audit.insert_rows/update_rows, so it is audited, undone and deleted with the
project. Values are checked here (UserError naming the field) by one cleaner per field (`FIELDS`), which the
spreadsheet import uses too. Every total is a SQL SUM of integer fen; reads select the columns they need and build
the read models from plain tuples (fast at 5,000 units and 100,000 lines).
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from ..db.models import SIGNED_KINDS, LedgerLine, Project, ProjectLedger, Unit
from ..domain.accounts import (
    CLOSED_STATES, NEEDS_REASON, UNIT_MOVES, Direction, LedgerKind, LineCategory, LineState, can_move,
    split_at_cutoff,
)
from ..domain.money import AmountParseError, parse_fen
from ..i18n import _
from . import audit
from .errors import NotFound, UserError
from .handover import clean_area
from .ids import next_public_ids
from .inputs import choice_field, clean_field, clean_text, clean_values, date_field, text_field
from .readmodels import (
    AccountsFigures, CategoryTotal, CutoffChange, CutoffPreview, LedgerRead, LineRead, SettlementSummary, UnitRead,
    accounts_figures,
)

MAX_UNIT_NO = 50
#: The largest amount of one line (10^11 yuan): 100,000 of them still sum within a 64-bit integer.
MAX_FEN = 10**13

# -- audit declarations (parents first: a project is deleted children first) ---------------------------------------

audit.declare(Unit.__table__, "unit")
audit.declare(LedgerLine.__table__, "line")
audit.declare(ProjectLedger.__table__, "ledger")

#: Register -> its table model and public id prefix.
MODELS: dict[str, type] = {"unit": Unit, "line": LedgerLine, "ledger": ProjectLedger}
PREFIX = {"unit": "U", "line": "L", "ledger": "G"}
#: Categories whose lines the owner usually is owed (the default direction); the others the owner owes.
OWED_BY_DEFAULT = frozenset({LineCategory.PREPAID, LineCategory.DEPOSIT})


def label(group: str, code: str | None) -> str:
    """A code's label in the current language: `label("state", "disputed")` -> 有争议 (`accounts.<group>.<code>`)."""
    return _(f"accounts.{group}.{code}") if code else ""


# -- cleaners: one per field, shared by the forms' services and the import ---------------------------------------


_text = partial(text_field, "accounts")
_choice = partial(choice_field, "accounts")
_date = date_field


def clean_unit_no(value: Any) -> str:
    """A unit number as owners write it: NFKC (full-width digits and dashes folded), trimmed, inner spaces
    removed (`３－１－２０１ ` -> `3-1-201`); required."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_text("" if value is None else str(value))))
    text = text.replace("－", "-").replace("—", "-").replace("–", "-")
    if not text:
        raise UserError("accounts.error.unit_required", field="unit_no")
    if len(text) > MAX_UNIT_NO:
        raise UserError("accounts.error.too_long", field="unit_no", max=MAX_UNIT_NO)
    return text


def _optional_choice(field: str, codes: type[StrEnum], group: str) -> Callable[[Any], str | None]:
    """As _choice, but empty gives None (the service fills it in from other fields)."""
    required = _choice(field, codes, group)

    def clean(value: Any) -> str | None:
        return None if value is None or not str(value).strip() else required(value)
    return clean


def _amount(field: str, signed: bool = False) -> Callable[[Any], int]:
    """An amount as typed (`¥1,234.50`, `1234.5元`, full-width digits, `(12.00)` negative) -> fen; an int is
    fen already (as the sheet reader gives it). Required, not zero, at most two decimals; negative only when
    `signed` (the range is checked by the caller that knows the kind)."""
    def clean(value: Any) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise UserError("accounts.error.amount_required", field=field)
        if isinstance(value, bool) or isinstance(value, float):
            raise UserError("accounts.error.bad_amount", field=field, value=value)
        if isinstance(value, int):
            fen = value
        else:
            try:
                fen = parse_fen(value if isinstance(value, Decimal) else unicodedata.normalize("NFKC", str(value)))
            except AmountParseError:
                raise UserError("accounts.error.bad_amount", field=field, value=value) from None
        if fen == 0 or abs(fen) > MAX_FEN or (fen < 0 and not signed):
            raise UserError("accounts.error.bad_amount", field=field, value=value)
        return fen
    return clean


#: Register -> field -> cleaner. A line names its unit by `unit_no` (a unit number, or its U- id).
FIELDS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "unit": {
        "unit_no": clean_unit_no,
        "building": _text("building", 100),
        "area_m2": clean_area,
        "owner": _text("owner", 200),
        "phone": _text("phone", 100),
        "note": _text("note"),
    },
    "line": {
        "unit_no": clean_unit_no,
        "category": _choice("category", LineCategory, "category"),
        "period_start": _date("period_start"),
        "period_end": _date("period_end"),
        "amount_fen": _amount("amount_fen"),
        "direction": _optional_choice("direction", Direction, "direction"),
        "meter_reading": _text("meter_reading", 200),
        "source_ref": _text("source_ref", 200),
        "state": _choice("state", LineState, "state", LineState.UNCONFIRMED),
        "dispute_reason": _text("dispute_reason"),
        "evidence_ref": _text("evidence_ref", 500),
        "note": _text("note"),
    },
    "ledger": {
        "kind": _choice("kind", LedgerKind, "kind"),
        "description": _text("description", 500),
        "counterparty": _text("counterparty", 200),
        "day": _date("day"),
        "amount_fen": _amount("amount_fen", signed=True),
        "source_ref": _text("source_ref", 200),
        "note": _text("note"),
    },
}
def clean(register: str, field: str, value: Any) -> Any:
    """One field's value checked and typed; raises UserError naming the field."""
    return clean_field("accounts", FIELDS[register], field, value)


def building_of(unit_no: str) -> str:
    """The building a unit number names by its first part (`3-1-201` -> `3`); `` when it has no parts."""
    first, sep, _rest = unit_no.partition("-")
    return first if sep else ""


def default_direction(category: str) -> str:
    """Prepaid fees and deposits are owed to the owner; arrears, parking, utilities and others the owner owes."""
    return (Direction.OWED if category in OWED_BY_DEFAULT else Direction.OWES).value


def check_line(values: Mapping[str, Any], cutoff: date) -> dict[str, Any]:
    """A line's cleaned values made whole: the period in order, the direction filled in, a dispute's reason and
    evidence present, the part after the cut-off computed (prepaid lines only)."""
    line = dict(values)
    start, end = line.get("period_start"), line.get("period_end")
    if start is not None and end is not None and end < start:
        raise UserError("accounts.error.period_order", field="period_end")
    if not line.get("direction"):
        line["direction"] = default_direction(line["category"])
    if line.get("state") in NEEDS_REASON or line.get("state") == LineState.CARVED_OUT:
        _check_reason(line.get("dispute_reason", ""), line.get("evidence_ref", ""))
    line["after_cutoff_fen"] = after_cutoff(line["category"], line["amount_fen"], start, end, cutoff)
    return line


def after_cutoff(category: str, amount_fen: int, start: date | None, end: date | None, cutoff: date) -> int:
    """The part after the cut-off a line keeps: split_at_cutoff for a prepaid line, 0 for any other."""
    return split_at_cutoff(amount_fen, start, end, cutoff) if category == LineCategory.PREPAID else 0


def _check_reason(reason: str, evidence: str) -> None:
    if not reason:
        raise UserError("accounts.error.reason_required", field="dispute_reason")
    if not evidence:
        raise UserError("accounts.error.evidence_required", field="evidence_ref")


# -- the cut-off ---------------------------------------------------------------------------------------------------


def cutoff(session: Session, project_id: int) -> date:
    """The project's settlement cut-off: the one set, else the handover day T (the day itself is the old
    company's)."""
    row = session.execute(select(Project.settlement_cutoff, Project.handover_date)
                          .where(Project.id == project_id)).first()
    if row is None:
        raise NotFound("error.project_not_found", value=project_id)
    return row[0] or row[1]


def _prepaid(session: Session, project_id: int) -> list:
    """(id, public id, unit no, amount, start, end, part after the cut-off) of the project's prepaid lines."""
    return session.execute(
        select(LedgerLine.id, LedgerLine.public_id, Unit.unit_no, LedgerLine.amount_fen, LedgerLine.period_start,
               LedgerLine.period_end, LedgerLine.after_cutoff_fen)
        .join(Unit, col(Unit.id) == LedgerLine.unit_id)
        .where(LedgerLine.project_id == project_id, LedgerLine.category == LineCategory.PREPAID.value)
        .order_by(col(LedgerLine.id))).all()


def _cutoff_preview(session: Session, project_id: int, day: date) -> tuple[CutoffPreview, list]:
    old = cutoff(session, project_id)
    rows = _prepaid(session, project_id)
    changes, updates, before, after = [], [], 0, 0
    for key, public_id, unit_no, amount, start, end, stored in rows:
        new = split_at_cutoff(amount, start, end, day)
        before, after = before + stored, after + new
        if new != stored:
            changes.append(CutoffChange(public_id, unit_no, stored, new))
            updates.append(audit.RowUpdate(key, {"public_id": public_id, "project_id": project_id,
                                                 "after_cutoff_fen": stored}, {"after_cutoff_fen": new}))
    return CutoffPreview(old, day, tuple(changes), before, after), updates


def preview_cutoff(session: Session, project_id: int, day: date | str | None) -> CutoffPreview:
    """What setting the cut-off to `day` (None or empty: back to T) would change: every prepaid line whose part
    after the cut-off changes, and the prepaid totals after the old and the new cut-off. Writes nothing."""
    return _cutoff_preview(session, project_id, _cutoff_day(session, project_id, day))[0]


def set_cutoff(session: Session, project_id: int, day: date | str | None) -> CutoffPreview:
    """Set the settlement cut-off (None or empty: the handover day T) and recompute every prepaid line's part
    after it (audited); returns what changed, as preview_cutoff showed it."""
    new = _cutoff_day(session, project_id, day)
    preview, updates = _cutoff_preview(session, project_id, new)
    project = session.get(Project, project_id)
    stored = None if day is None or (isinstance(day, str) and not day.strip()) else new
    if project.settlement_cutoff != stored:
        project.settlement_cutoff = stored
        session.flush()
    audit.update_rows(session, LedgerLine.__table__, updates)
    return preview


def resplit(session: Session, project_id: int) -> CutoffPreview:
    """Recompute the prepaid lines' parts after the cut-off as it stands (after the handover day T moved, when
    the cut-off is T's)."""
    return set_cutoff(session, project_id, session.get(Project, project_id).settlement_cutoff)


def _cutoff_day(session: Session, project_id: int, day: date | str | None) -> date:
    if day is None or (isinstance(day, str) and not day.strip()):
        handover = session.execute(select(Project.handover_date).where(Project.id == project_id)).scalar()
        if handover is None:
            raise NotFound("error.project_not_found", value=project_id)
        return handover
    return _date("cutoff")(day)


# -- reads ---------------------------------------------------------------------------------------------------------

#: A line's due in SQL (as LineRead.due_fen): a prepaid line's part after the cut-off, any other line's amount.
DUE = case((LedgerLine.category == LineCategory.PREPAID.value, LedgerLine.after_cutoff_fen),
           else_=LedgerLine.amount_fen)
_OWES = LedgerLine.direction == Direction.OWES.value
_COUNTED = LedgerLine.state != LineState.CARVED_OUT.value
#: The states of lines that keep a unit open (every state not in CLOSED_STATES).
OPEN_STATES = sorted(state.value for state in LineState if state not in CLOSED_STATES)


def _count(state: LineState):
    return func.sum(case((LedgerLine.state == state.value, 1), else_=0))


def _units_query(project_id: int):
    """Every unit of the project with its totals: one GROUP BY over the lines' (project, unit) index, joined."""
    totals = (
        select(LedgerLine.unit_id.label("unit_id"),
               func.sum(case((_COUNTED & _OWES, DUE), else_=0)).label("owes"),
               func.sum(case((_COUNTED & ~_OWES, DUE), else_=0)).label("owed"),
               func.count().label("lines"), _count(LineState.UNCONFIRMED).label("unconfirmed"),
               _count(LineState.DISPUTED).label("disputed"), _count(LineState.CARVED_OUT).label("carved_out"))
        .where(LedgerLine.project_id == project_id).group_by(LedgerLine.unit_id).subquery()
    )
    zero = 0
    return (
        select(Unit.public_id, Unit.unit_no, Unit.building, Unit.area_m2, Unit.owner, Unit.phone, Unit.note,
               func.coalesce(totals.c.owes, zero), func.coalesce(totals.c.owed, zero),
               func.coalesce(totals.c.lines, zero), func.coalesce(totals.c.unconfirmed, zero),
               func.coalesce(totals.c.disputed, zero), func.coalesce(totals.c.carved_out, zero))
        .outerjoin(totals, totals.c.unit_id == Unit.id)
        .where(Unit.project_id == project_id).order_by(col(Unit.id))
    )


def _reads(cls: type, rows: Iterable[tuple]) -> list:
    """Frozen read models from rows of their fields in order, built at half the cost of calling the class (whose
    frozen __init__ sets each field through object.__setattr__): a 100,000-line list is read in a worker."""
    names, new = tuple(field.name for field in fields(cls)), object.__new__
    made = []
    for row in rows:
        item = new(cls)
        item.__dict__.update(zip(names, row))
        made.append(item)
    return made


def _rows(session: Session, query) -> list:
    """The rows of a Core query (tuples, no ORM loading: a large list reads much faster)."""
    return session.connection().execute(query).all()


def list_units(session: Session, project_id: int) -> list[UnitRead]:
    """Every unit, in the order they were added, with the totals of its lines (each a SQL SUM)."""
    return _reads(UnitRead, _rows(session, _units_query(project_id)))


def _line_columns():
    return (LedgerLine.public_id, Unit.unit_no, LedgerLine.category, LedgerLine.period_start, LedgerLine.period_end,
            LedgerLine.amount_fen, LedgerLine.direction, LedgerLine.after_cutoff_fen, LedgerLine.meter_reading,
            LedgerLine.source_ref, LedgerLine.state, LedgerLine.dispute_reason, LedgerLine.evidence_ref,
            LedgerLine.note)


def _lines_query(project_id: int):
    return (select(*_line_columns()).join(Unit, col(Unit.id) == LedgerLine.unit_id)
            .where(LedgerLine.project_id == project_id))


def list_lines(session: Session, project_id: int, unit: str | None = None) -> list[LineRead]:
    """Every line of the project (or of one unit: its unit number or U- id), in the order they were added."""
    query = _lines_query(project_id)
    if unit is not None:
        query = query.where(LedgerLine.unit_id == _unit_key(session, project_id, unit))
    return _reads(LineRead, _rows(session, query.order_by(col(LedgerLine.id))))


def list_ledgers(session: Session, project_id: int) -> list[LedgerRead]:
    """Every line of the project's own ledgers, in the order they were added."""
    t = ProjectLedger
    rows = _rows(session, select(t.public_id, t.kind, t.description, t.counterparty, t.day, t.amount_fen,
                                 t.source_ref, t.note).where(t.project_id == project_id).order_by(col(t.id)))
    return _reads(LedgerRead, rows)


def get_item(session: Session, project_id: int, register: str, public_id: str):
    """One row of a register as its read model."""
    key = _row_key(session, project_id, register, public_id)
    if register == "unit":
        return UnitRead(*session.execute(_units_query(project_id).where(Unit.id == key)).one())
    if register == "line":
        return LineRead(*session.execute(_lines_query(project_id).where(LedgerLine.id == key)).one())
    return next(item for item in list_ledgers(session, project_id) if item.public_id == public_id)


def _unit_key(session: Session, project_id: int, ref: Any, field: str = "unit_no") -> int:
    """The database id of a unit named by its unit number or its U- id; UserError naming `field` if none."""
    text = clean_unit_no(ref)
    found = session.execute(select(Unit.id).where(Unit.project_id == project_id, Unit.unit_no == text)).scalar()
    if found is None and re.fullmatch(r"[Uu]-\d+", text):
        found = session.execute(select(Unit.id).where(Unit.project_id == project_id,
                                                      Unit.public_id == public_id_of(text))).scalar()
    if found is None:
        raise UserError("accounts.error.unknown_unit", field=field, value=text)
    return found


def public_id_of(value: Any) -> str:
    """A public id as typed (`l-42`, `Ｌ－００４２`) -> `L-0042`."""
    from .imports import normalize_id  # the import machinery builds on this module

    return normalize_id(value)


def _row_key(session: Session, project_id: int, register: str, public_id: str) -> int:
    model = MODELS[register]
    key = session.execute(select(model.id).where(model.project_id == project_id,
                                                 model.public_id == public_id_of(public_id))).scalar()
    if key is None:
        raise NotFound("accounts.error.not_found", value=public_id)
    return key


# -- writes --------------------------------------------------------------------------------------------------------


def _cleaned(register: str, values: Mapping[str, Any], whole: bool) -> dict[str, Any]:
    """Values checked by their cleaners; with `whole` (a new row) every field, those not given empty."""
    return clean_values("accounts", FIELDS[register], values, whole)


def new_rows(session: Session, project_id: int, register: str, items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The table rows of new items of a register (values as typed or typed), each field checked; a line's unit
    looked up by its number. For add_item and for bulk writers (the demo, the import) that then call
    audit.insert_rows. Raises UserError naming the field of the first bad item."""
    items = [_cleaned(register, item, whole=True) for item in items]
    now = datetime.now(UTC)
    ids = next_public_ids(session, project_id, PREFIX[register], len(items)) if items else []
    if register == "line":
        day = cutoff(session, project_id)
        units = dict(session.execute(select(Unit.unit_no, Unit.id).where(Unit.project_id == project_id)).all())
        items = [_line_columns_of(session, project_id, check_line(item, day), units) for item in items]
    elif register == "unit":
        for item in items:
            item["building"] = item["building"] or building_of(item["unit_no"])
        _check_unique(session, project_id, [item["unit_no"] for item in items])
    else:
        for item in items:
            _check_kind(item["kind"], item["amount_fen"])
    return [{"project_id": project_id, "public_id": public_id, "created_at": now, **item}
            for public_id, item in zip(ids, items, strict=True)]


def _line_columns_of(session: Session, project_id: int, line: dict, units: Mapping[str, int]) -> dict:
    ref = line.pop("unit_no")
    line["unit_id"] = units[ref] if ref in units else _unit_key(session, project_id, ref)
    return line


def _check_unique(session: Session, project_id: int, numbers: list[str], own: int | None = None) -> None:
    """Unit numbers free in the project (and among themselves); `own` is the unit being renumbered."""
    seen: set[str] = set()
    for number in numbers:
        if number in seen:
            raise UserError("accounts.error.unit_taken", field="unit_no", value=number)
        seen.add(number)
    taken = session.execute(select(Unit.unit_no).where(Unit.project_id == project_id, col(Unit.unit_no).in_(numbers),
                                                       col(Unit.id) != (own or 0))).scalar()
    if taken is not None:
        raise UserError("accounts.error.unit_taken", field="unit_no", value=taken)


def _check_kind(kind: str, amount_fen: int) -> None:
    if amount_fen < 0 and kind not in SIGNED_KINDS:
        raise UserError("accounts.error.negative_kind", field="amount_fen", kind=label("kind", kind))


def add_item(session: Session, project_id: int, register: str, **values: Any):
    """A new unit, line or project ledger line (register `unit`, `line`, `ledger`) from values as typed in a
    form or typed; fields not given take their empty value. Returns its read model."""
    (row,) = new_rows(session, project_id, register, [values])
    audit.insert_rows(session, MODELS[register].__table__, [row])
    return get_item(session, project_id, register, row["public_id"])


def update_item(session: Session, project_id: int, register: str, public_id: str, **values: Any):
    """Change some fields of a row (only those given). A line's state moves as move_lines moves it (the state
    rules, a dispute's reason and evidence); its part after the cut-off follows its amount and period."""
    model = MODELS[register]
    key = _row_key(session, project_id, register, public_id)
    cleaned = _cleaned(register, values, whole=False)
    row = session.get(model, key)
    if register == "unit" and "unit_no" in cleaned:
        _check_unique(session, project_id, [cleaned["unit_no"]], own=key)
    elif register == "line":
        cleaned = _line_changes(session, project_id, row, cleaned)
    elif register == "ledger":
        _check_kind(cleaned.get("kind", row.kind), cleaned.get("amount_fen", row.amount_fen))
    for name, value in cleaned.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    session.flush()
    return get_item(session, project_id, register, row.public_id)


def _line_changes(session: Session, project_id: int, row: LedgerLine, cleaned: dict) -> dict:
    if "unit_no" in cleaned:
        cleaned["unit_id"] = _unit_key(session, project_id, cleaned.pop("unit_no"))
    if "state" in cleaned and cleaned["state"] != row.state:
        _check_move(row.public_id, row.state, cleaned["state"])
    if cleaned.get("direction") is None:
        cleaned.pop("direction", None)
    merged = {name: cleaned.get(name, getattr(row, name)) for name in
              ("category", "period_start", "period_end", "amount_fen", "direction", "state", "dispute_reason",
               "evidence_ref")}
    if "category" in cleaned and "direction" not in cleaned:
        merged["direction"] = None  # a new category brings its own direction unless one is given
    whole = check_line(merged, cutoff(session, project_id))
    return {**cleaned, "direction": whole["direction"], "after_cutoff_fen": whole["after_cutoff_fen"]}


def delete_item(session: Session, project_id: int, register: str, public_id: str) -> None:
    """Remove a row (its id is never given again). A unit with lines stays: its lines go first."""
    key = _row_key(session, project_id, register, public_id)
    if register == "unit":
        lines = session.execute(select(func.count()).select_from(LedgerLine).where(LedgerLine.unit_id == key)).scalar()
        if lines:
            raise UserError("accounts.error.unit_has_lines", value=public_id, n=lines)
    audit.delete_rows(session, MODELS[register].__table__, MODELS[register].__table__.c.id == key)


def _check_move(public_id: str, old: str, new: str) -> None:
    if not can_move(LineState(old), LineState(new)):
        raise UserError("accounts.error.bad_move", field="state", value=public_id, old=label("state", old),
                        new=label("state", new))


def unit_line_ids(session: Session, project_id: int, units: list[str], state: LineState | str) -> list[str]:
    """The lines of the units named (unit numbers or U- ids) that moving the whole unit to `state` moves
    (domain UNIT_MOVES: confirming a unit confirms its unconfirmed lines), in order."""
    target = LineState(clean("line", "state", state))
    keys = [_unit_key(session, project_id, unit) for unit in units]
    t = LedgerLine
    return list(session.execute(
        select(t.public_id).where(t.project_id == project_id, col(t.unit_id).in_(keys),
                                  col(t.state).in_([s.value for s in UNIT_MOVES[target]])).order_by(col(t.id))
    ).scalars())


def move_lines(session: Session, project_id: int, public_ids: list[str], state: LineState | str, reason: str = "",
               evidence: str = "") -> list[LineRead]:
    """Move lines to `state`, all or nothing: refused with the first line that may not move (domain
    TRANSITIONS). 有争议 needs a reason and an evidence reference (given here, or already on the line); they are
    kept when a line moves on, as its record. Lines already in `state` stay as they are. Returns the lines."""
    state = clean("line", "state", state)
    reason, evidence = clean("line", "dispute_reason", reason), clean("line", "evidence_ref", evidence)
    wanted = list(dict.fromkeys(public_id_of(public_id) for public_id in public_ids))
    t = LedgerLine
    rows = {row.public_id: row for row in session.execute(
        select(t.id, t.public_id, t.project_id, t.state, t.dispute_reason, t.evidence_ref)
        .where(t.project_id == project_id, col(t.public_id).in_(wanted)))}
    updates = []
    for public_id in wanted:
        row = rows.get(public_id)
        if row is None:
            raise NotFound("accounts.error.not_found", value=public_id)
        if row.state == state:
            continue
        _check_move(public_id, row.state, state)
        changes: dict[str, Any] = {"state": state}
        if state in NEEDS_REASON:
            changes["dispute_reason"], changes["evidence_ref"] = reason or row.dispute_reason, evidence or row.evidence_ref
            try:
                _check_reason(changes["dispute_reason"], changes["evidence_ref"])
            except UserError as error:
                raise UserError(error.key, field=error.field, value=public_id) from None
        updates.append(audit.RowUpdate(row.id, dict(row._mapping), changes))
    audit.update_rows(session, t.__table__, updates)
    found = {line.public_id: line for line in session.execute(
        _lines_query(project_id).where(col(t.public_id).in_(wanted))).all()}
    return [LineRead(*found[public_id]) for public_id in wanted]


# -- the settlement ------------------------------------------------------------------------------------------------


def settlement(session: Session, project_id: int) -> SettlementSummary:
    """The settlement's figures: lines by category, direction and state, prepaid after the cut-off, the project
    ledgers by kind, the carve-outs, units closed. Every total a SQL SUM of integer fen."""
    t = LedgerLine
    by_category = tuple(CategoryTotal(*row) for row in session.execute(
        select(t.category, t.direction, t.state, func.count(), func.sum(t.amount_fen), func.sum(DUE))
        .where(t.project_id == project_id).group_by(t.category, t.direction, t.state)
        .order_by(t.category, t.direction, t.state)))
    counted = select(func.coalesce(func.sum(case((_OWES, DUE), else_=0)), 0),
                     func.coalesce(func.sum(case((~_OWES, DUE), else_=0)), 0),
                     func.coalesce(func.sum(case((t.category == LineCategory.PREPAID.value, t.after_cutoff_fen),
                                                 else_=0)), 0))
    owes, owed, prepaid = session.execute(counted.where(t.project_id == project_id, _COUNTED)).one()
    kinds = dict(session.execute(select(ProjectLedger.kind, func.sum(ProjectLedger.amount_fen))
                                 .where(ProjectLedger.project_id == project_id).group_by(ProjectLedger.kind)).all())
    carve_outs = tuple(_reads(LineRead, _rows(session, _lines_query(project_id).where(
        t.state == LineState.CARVED_OUT.value).order_by(col(t.id)))))
    figures = figures_of(session, project_id)
    return SettlementSummary(
        cutoff=cutoff(session, project_id), by_category=by_category, prepaid_after_cutoff_fen=prepaid,
        **{f"{kind.value}_fen": kinds.get(kind.value, 0) for kind in LedgerKind},
        carve_outs=carve_outs, units=figures.units, units_closed=figures.units_closed, owes_fen=owes, owed_fen=owed)


def figures_of(session: Session, project_id: int) -> AccountsFigures:
    """The dashboard card's figures, each read from an index alone (the quick start reads the same rows with
    sqlite3: db/quickread.py): dues by state, units with lines, units with open lines, units."""
    t = LedgerLine
    by_state = session.execute(select(t.state, func.sum(DUE)).where(
        t.project_id == project_id, col(t.state).in_(OPEN_STATES)).group_by(t.state)).all()
    with_lines = session.execute(select(func.count(func.distinct(t.unit_id))).where(t.project_id == project_id)).scalar()
    open_units = session.execute(select(func.count(func.distinct(t.unit_id))).where(
        t.project_id == project_id, col(t.state).in_(OPEN_STATES))).scalar()
    units = session.execute(select(func.count()).select_from(Unit).where(Unit.project_id == project_id)).scalar()
    return accounts_figures(by_state, with_lines, open_units, units)


def statements(session: Session, project_id: int,
               units: list[str] | None = None) -> list[tuple[UnitRead, list[LineRead]]]:
    """Each unit (all of them, or those named by unit number or U- id, in that order) with its lines: the owner
    statements' contents."""
    every = list_units(session, project_id)
    if units is not None:
        by_no = {unit.unit_no: unit for unit in every}
        by_id = {unit.public_id: unit for unit in every}
        chosen = []
        for ref in units:
            number = clean_unit_no(ref)
            unit = by_no.get(number) or by_id.get(number.upper())
            if unit is None:
                raise UserError("accounts.error.unknown_unit", field="unit_no", value=number)
            chosen.append(unit)
        every = list(dict.fromkeys(chosen))
    lines: dict[str, list[LineRead]] = {unit.unit_no: [] for unit in every}
    if units is not None and len(every) <= 50:  # a few units: each one's lines from the (project, unit) index
        for unit in every:
            lines[unit.unit_no] = list_lines(session, project_id, unit.unit_no)
    else:
        for line in list_lines(session, project_id):
            if line.unit_no in lines:
                lines[line.unit_no].append(line)
    return [(unit, lines[unit.unit_no]) for unit in every]


# -- rows of the sheets --------------------------------------------------------------------------------------------

READERS: dict[str, Callable[[Session, int], list]] = {"unit": list_units, "line": list_lines, "ledger": list_ledgers}


def export_rows(session: Session, project_id: int, register: str) -> tuple[int, Iterator[dict]]:
    """(count, rows) of a register's sheet: read models as dicts (codes for choices, fen, hundredths of m²)."""
    items = READERS[register](session, project_id)
    return len(items), (dict(item.__dict__) for item in items)
