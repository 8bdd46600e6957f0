"""Handover and joint inspection: the documents (D-), facilities (A-) and keys (K-) registers seeded from
data/handover/ by exit type, the inspection punch list (I-), handover batches (B-) the three parties sign, and
the parties themselves.

Every write is an ORM change or an audit.insert_rows, so it is audited, undone and deleted with the project.
Values are checked here (UserError naming the field) by one cleaner per field (`FIELDS`), which the spreadsheet
import (services/handover_import.py) uses too. A signed batch is locked: a change to it is an amendment recorded
beside it, never an edit of what was signed.
"""

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from ..db.models import (
    BatchAmendment, BatchItem, Document, Facility, HandoverBatch, HandoverKey, InspectionItem, Party, Project,
)
from ..domain.handover import (
    OPEN_STATES, OWED, PREFIX, Condition, DocCategory, DocForm, DocStatus, FacilityCategory, InspectionState,
    KeyKind, Method, Outcome, PartyRole, can_move, key_discrepancy, seed_for,
)
from ..domain.money import AmountParseError, parse_fen
from ..i18n import _, pick
from . import audit
from .errors import NotFound, UserError
from .ids import next_public_ids
from .inputs import MAX_TITLE, choice_field, clean_basis, clean_field, date_field, text_field
from .readmodels import HandoverDate, HandoverSummary, handover_summary

MAX_COUNT = 1_000_000

# -- audit declarations (parents first: a project is deleted children first) ---------------------------------------

audit.declare(Party.__table__, "party")
audit.declare(Document.__table__, "document")
audit.declare(Facility.__table__, "facility")
audit.declare(HandoverKey.__table__, "key")
audit.declare(InspectionItem.__table__, "inspection")
audit.declare(HandoverBatch.__table__, "batch")
audit.declare(BatchItem.__table__, "batch_item")
audit.declare(BatchAmendment.__table__, "amendment")

#: Register -> its table model.
MODELS: dict[str, type] = {
    "document": Document, "facility": Facility, "key": HandoverKey, "inspection": InspectionItem,
}
#: Registers a batch or an inspection item may name.
ITEM_REGISTERS = ("document", "facility", "key")


def label(group: str, code: str | None) -> str:
    """A code's label in the current language: `label("status", "ready")` -> 已备齐 (catalog `handover.<group>.`)."""
    return _(f"handover.{group}.{code}") if code else ""


# -- cleaners: one per field, shared by the forms' services and the import ---------------------------------------


_text = partial(text_field, "handover")
_choice = partial(choice_field, "handover")
_date = date_field


def _required(field: str, key: str = "handover.error.name_required") -> Callable[[Any], str]:
    text = _text(field, MAX_TITLE)

    def clean(value: Any) -> str:
        cleaned = text(value)
        if not cleaned:
            raise UserError(key, field=field)
        return cleaned
    return clean


def _count(field: str, default: int = 0) -> Callable[[Any], int]:
    def clean(value: Any) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if isinstance(value, bool) or not text.isdigit() or int(text) > MAX_COUNT:
            raise UserError("handover.error.bad_count", field=field, value=text)
        return int(text)
    return clean


_YES = {"yes", "y", "true", "1", "是", "√", "✓"}
_NO = {"no", "n", "false", "0", "否", ""}


def _flag(field: str) -> Callable[[Any], bool]:
    def clean(value: Any) -> bool:
        if isinstance(value, bool) or value is None:
            return bool(value)
        text = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if text in _YES or text == label("flag", "yes").lower():
            return True
        if text in _NO or text == label("flag", "no").lower():
            return False
        raise UserError("handover.error.bad_flag", field=field, value=value)
    return clean


def clean_area(value: Any) -> int | None:
    """Square metres as typed (`12.5`, `１２.５０㎡`) -> hundredths; an int is already hundredths (as the sheet's
    reader gives it); empty -> None (not measured)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        hundredths = value
    else:
        try:
            hundredths = parse_fen(unicodedata.normalize("NFKC", str(value)).replace("m2", "").replace("m²", ""))
        except AmountParseError:
            raise UserError("handover.error.bad_area", field="area_m2", value=value) from None
    if not 0 <= hundredths <= MAX_COUNT * 100:
        raise UserError("handover.error.bad_area", field="area_m2", value=value)
    return hundredths


def area_text(hundredths: int | None) -> str:
    """Hundredths of a square metre as typed: 1250 -> `12.50`; None -> ``."""
    return "" if hundredths is None else f"{hundredths // 100}.{hundredths % 100:02d}"


def _basis(value: Any) -> str | None:
    return clean_basis(None if value is None else str(value))


def _ref(value: Any) -> str | None:
    """`d-3`, `Ｄ－０００３` -> `D-0003` (existence is checked against the project by `check_ref`)."""
    if value is None or not str(value).strip():
        return None
    from .imports import normalize_id

    return normalize_id(value)


#: Register -> field -> cleaner. The field `name` is stored in name_zh and name_en (one text in both).
FIELDS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "document": {
        "category": _choice("category", DocCategory, "doc_category", DocCategory.OTHER),
        "name": _required("name"),
        "copies": _count("copies", 1),
        "form": _choice("form", DocForm, "form", DocForm.ORIGINAL),
        "pages": _text("pages", 100),
        "holder": _text("holder", 200),
        "status": _choice("status", DocStatus, "status", DocStatus.PENDING),
        "legal_basis": _basis,
        "note": _text("note"),
    },
    "facility": {
        "code": _text("code", 100),
        "name": _required("name"),
        "category": _choice("category", FacilityCategory, "facility_category", FacilityCategory.FACILITY),
        "location": _text("location", 200),
        "quantity": _count("quantity"),
        "unit": _text("unit", 20),
        "area_m2": clean_area,
        "condition": _choice("condition", Condition, "condition", Condition.UNCHECKED),
        "method": _choice("method", Method, "method", Method.OBSERVE),
        "result": _text("result"),
        "owners_money": _flag("owners_money"),
        "legal_basis": _basis,
        "note": _text("note"),
    },
    "key": {
        "name": _required("name"),
        "kind": _choice("kind", KeyKind, "key_kind", KeyKind.KEY),
        "handed_out": _count("handed_out"),
        "received": _count("received"),
        "account_handed": _flag("account_handed"),
        "handed_to": _text("handed_to", 200),
        "handed_on": _date("handed_on"),
        "legal_basis": _basis,
        "note": _text("note"),
    },
    "inspection": {
        "item_ref": _ref,
        "description": _required("description", "handover.error.description_required"),
        "responsible": _text("responsible", 200),
        "deadline": _date("deadline"),
        "recheck_on": _date("recheck_on"),
        "evidence": _text("evidence"),
        "raised_by": _text("raised_by", 200),
        "state": _choice("state", InspectionState, "state", InspectionState.OPEN),
        "dispute_reason": _text("dispute_reason"),
    },
}


def clean(register: str, field: str, value: Any) -> Any:
    """One field's value checked and typed; raises UserError naming the field."""
    return clean_field("handover", FIELDS[register], field, value)


def columns(field: str, value: Any) -> dict[str, Any]:
    """The table columns a field's cleaned value is stored in."""
    return {"name_zh": value, "name_en": value} if field == "name" else {field: value}


def check_ref(session: Session, project_id: int, ref: str | None, field: str = "item_ref") -> str | None:
    """`ref` when it names a document, facility or key of the project (or is None); else UserError."""
    if ref is None:
        return None
    for register in ITEM_REGISTERS:
        model = MODELS[register]
        if ref.startswith(PREFIX[register] + "-") and session.execute(
            select(model.id).where(model.project_id == project_id, model.public_id == ref)
        ).first():
            return ref
    raise UserError("handover.error.unknown_item", field=field, value=ref)


def check_refs(session: Session, project_id: int, refs: Iterable[str | None], field: str = "items") -> list:
    """check_ref of many refs at once (one query per register); UserError names the first unknown one."""
    refs = list(refs)
    found: set[str] = set()
    for register in ITEM_REGISTERS:
        model = MODELS[register]
        wanted = [ref for ref in refs if ref and ref.startswith(PREFIX[register] + "-")]
        if wanted:
            found.update(session.execute(select(model.public_id).where(
                model.project_id == project_id, col(model.public_id).in_(wanted))).scalars())
    unknown = next((ref for ref in refs if ref and ref not in found), None)
    if unknown is not None:
        raise UserError("handover.error.unknown_item", field=field, value=unknown)
    return refs


def check_dispute(state: str, reason: str) -> None:
    """A disputed inspection item needs its reason."""
    if state == InspectionState.DISPUTED and not reason:
        raise UserError("handover.error.reason_required", field="dispute_reason")


# -- read models -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRead:
    public_id: str
    category: str
    name: str
    copies: int
    form: str
    pages: str
    holder: str
    status: str
    note: str
    legal_basis: str | None


@dataclass(frozen=True)
class FacilityRead:
    public_id: str
    code: str
    name: str
    category: str
    location: str
    quantity: int
    unit: str
    area_m2: int | None
    """Hundredths of a square metre (area_text shows it)."""
    condition: str
    method: str
    result: str
    owners_money: bool
    note: str
    legal_basis: str | None


@dataclass(frozen=True)
class KeyRead:
    public_id: str
    name: str
    kind: str
    handed_out: int
    received: int
    account_handed: bool
    handed_to: str
    handed_on: date | None
    note: str
    legal_basis: str | None

    @property
    def discrepancy(self) -> bool:
        """The count received differs from the count handed out (never for an account)."""
        return key_discrepancy(self.kind, self.handed_out, self.received)


@dataclass(frozen=True)
class InspectionRead:
    public_id: str
    item_ref: str | None
    description: str
    responsible: str
    deadline: date | None
    recheck_on: date | None
    evidence: str
    raised_by: str
    state: str
    dispute_reason: str


@dataclass(frozen=True)
class PartyRead:
    role: str
    company: str
    representative: str


@dataclass(frozen=True)
class BatchItemRead:
    item_ref: str
    name: str
    """The item's name in the current language (its id when it has since been deleted)."""
    outcome: str
    """As it stands now: the signed outcome, or the newest amendment's."""
    promised_on: date | None
    reason: str
    signed_outcome: str
    """As the batch recorded it (what was signed, for a signed batch); likewise its promised date and reason."""
    signed_promised_on: date | None
    signed_reason: str


@dataclass(frozen=True)
class AmendmentRead:
    no: int
    item_ref: str | None
    outcome: str | None
    promised_on: date | None
    reason: str
    made_on: date
    made_by: str


@dataclass(frozen=True)
class Signature:
    role: str
    name: str
    signed_on: date | None


@dataclass(frozen=True)
class BatchRead:
    public_id: str
    title: str
    created_on: date
    signed: bool
    signatures: tuple[Signature, ...]
    """移交方, 接收方, 监交方 in that order."""
    note: str
    items: tuple[BatchItemRead, ...]
    amendments: tuple[AmendmentRead, ...]


@dataclass(frozen=True)
class OutstandingRead:
    """An item not (fully) handed over, from the 未移交清单."""

    batch: str
    item_ref: str
    name: str
    outcome: str
    promised_on: date | None
    reason: str


def _name(row: Any) -> str:
    return pick(row.name_zh, row.name_en)


def _document(row: Document) -> DocumentRead:
    return DocumentRead(row.public_id, row.category, _name(row), row.copies, row.form, row.pages, row.holder,
                        row.status, row.note, row.legal_basis)


def _facility(row: Facility) -> FacilityRead:
    return FacilityRead(row.public_id, row.code, _name(row), row.category, row.location, row.quantity, row.unit,
                        row.area_m2, row.condition, row.method, row.result, bool(row.owners_money), row.note,
                        row.legal_basis)


def _key(row: HandoverKey) -> KeyRead:
    return KeyRead(row.public_id, _name(row), row.kind, row.handed_out, row.received, bool(row.account_handed),
                   row.handed_to, row.handed_on, row.note, row.legal_basis)


def _inspection(row: InspectionItem) -> InspectionRead:
    return InspectionRead(row.public_id, row.item_ref, row.description, row.responsible, row.deadline,
                          row.recheck_on, row.evidence, row.raised_by, row.state, row.dispute_reason)


READERS: dict[str, Callable[[Any], Any]] = {
    "document": _document, "facility": _facility, "key": _key, "inspection": _inspection,
}


# -- seeding -----------------------------------------------------------------------------------------------------


def seed_registers(session: Session, project_id: int) -> dict[str, int]:
    """Add the seed list items of the project's exit type that its registers lack (by seed key): all of them for
    a new project, the missing ones for a project made before handover existed. Returns how many per register."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    added: dict[str, int] = {}
    now = datetime.now(UTC)
    for register in ITEM_REGISTERS:
        model = MODELS[register]
        have = set(session.execute(select(model.seed_key).where(model.project_id == project_id)).scalars())
        items = [item for item in seed_for(register, project.exit_type) if item.key not in have]
        ids = next_public_ids(session, project_id, PREFIX[register], len(items)) if items else []
        audit.insert_rows(session, model.__table__, [
            {"project_id": project_id, "public_id": public_id, "seed_key": item.key, "name_zh": item.zh,
             "name_en": item.en, "legal_basis": item.basis, "created_at": now, **_seed_columns(register, item)}
            for public_id, item in zip(ids, items, strict=True)
        ])
        added[register] = len(items)
    return added


def _seed_columns(register: str, item) -> dict[str, Any]:
    """The register's own columns of a seeded item; every other column takes its default."""
    defaults = {name: column.default.arg for name, column in MODELS[register].__table__.c.items()
                if column.default is not None and not callable(column.default.arg)}
    if register == "document":
        own = {"category": item.category, "form": item.form or DocForm.ORIGINAL.value}
    elif register == "facility":
        own = {"category": item.category, "method": item.method or Method.OBSERVE.value,
               "unit": pick(item.unit_zh, item.unit_en)}
    else:
        own = {"kind": item.category}
    return {**defaults, **own}


# -- the registers: list, add, update, delete ----------------------------------------------------------------------


def list_items(session: Session, project_id: int, register: str) -> list:
    """Every row of a register (`document`, `facility`, `key`, `inspection`) as read models, by public id."""
    model = MODELS[register]
    rows = session.scalars(select(model).where(model.project_id == project_id).order_by(col(model.id)))
    return [READERS[register](row) for row in rows]


def _row(session: Session, project_id: int, register: str, public_id: str):
    model = MODELS[register]
    row = session.scalars(select(model).where(model.project_id == project_id, model.public_id == public_id)).first()
    if row is None:
        raise NotFound("handover.error.not_found", value=public_id)
    return row


def get_item(session: Session, project_id: int, register: str, public_id: str):
    return READERS[register](_row(session, project_id, register, public_id))


def _cleaned(session: Session, project_id: int, register: str, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {field: clean(register, field, value) for field, value in values.items()}
    if "item_ref" in cleaned:
        check_ref(session, project_id, cleaned["item_ref"])
    return cleaned


def add_item(session: Session, project_id: int, register: str, **values: Any):
    """A new row of a register; fields not given take their empty value (a name or description is required).
    An inspection item starts 待分派 unless a state is given (a dispute needs its reason)."""
    fields = FIELDS[register]
    cleaned = _cleaned(session, project_id, register, {field: values.get(field) for field in fields})
    extra = set(values) - set(fields)
    if extra:
        raise UserError("handover.error.unknown_field", field=min(extra), value=min(extra))
    if register == "inspection":
        check_dispute(cleaned["state"], cleaned["dispute_reason"])
    row = MODELS[register](project_id=project_id, public_id=next_public_ids(session, project_id, PREFIX[register])[0],
                           created_at=datetime.now(UTC))
    for field, value in cleaned.items():
        for name, column_value in columns(field, value).items():
            setattr(row, name, column_value)
    session.add(row)
    session.flush()
    return READERS[register](row)


def update_item(session: Session, project_id: int, register: str, public_id: str, **values: Any):
    """Change some fields of a row (only those given). An inspection item's state moves only as the state rules
    allow (domain/handover.TRANSITIONS); a dispute needs its reason."""
    row = _row(session, project_id, register, public_id)
    cleaned = _cleaned(session, project_id, register, values)
    if register == "inspection":
        state = cleaned.get("state", row.state)
        if not can_move(InspectionState(row.state), InspectionState(state)):
            raise UserError("handover.error.bad_move", field="state", old=label("state", row.state),
                            new=label("state", state))
        check_dispute(state, cleaned.get("dispute_reason", row.dispute_reason))
    for field, value in cleaned.items():
        for name, column_value in columns(field, value).items():
            if getattr(row, name) != column_value:
                setattr(row, name, column_value)
    session.flush()
    return READERS[register](row)


def move_inspection(session: Session, project_id: int, public_id: str, state: InspectionState | str,
                    reason: str = "") -> InspectionRead:
    """Move an inspection item to another state (refused when the rules forbid it; 有争议 needs a reason)."""
    values: dict[str, Any] = {"state": state}
    if reason or state == InspectionState.DISPUTED:
        values["dispute_reason"] = reason
    return update_item(session, project_id, "inspection", public_id, **values)


def delete_item(session: Session, project_id: int, register: str, public_id: str) -> None:
    """Remove a row (its id is never given again). An item named in a signed batch stays: the batch is a record."""
    row = _row(session, project_id, register, public_id)
    signed = session.execute(
        select(HandoverBatch.public_id).join(BatchItem, col(BatchItem.batch_id) == HandoverBatch.id)
        .where(BatchItem.project_id == project_id, BatchItem.item_ref == public_id, col(HandoverBatch.signed))
    ).scalar()
    if signed:
        raise UserError("handover.error.in_signed_batch", value=public_id, batch=signed)
    session.delete(row)
    session.flush()


# -- parties -----------------------------------------------------------------------------------------------------


def list_parties(session: Session, project_id: int) -> list[PartyRead]:
    """The three parties in role order (empty names for one not given yet)."""
    stored = {p.public_id: p for p in session.scalars(select(Party).where(Party.project_id == project_id))}
    return [PartyRead(role.value, stored[role].company if role in stored else "",
                      stored[role].representative if role in stored else "") for role in PartyRole]


def set_party(session: Session, project_id: int, role: PartyRole | str, company: str = "",
              representative: str = "") -> PartyRead:
    """Store one party's company and representative (printed in every signature block, offered as signer)."""
    role = PartyRole(role)
    company, representative = _text("company", 200)(company), _text("representative", 200)(representative)
    party = session.scalars(select(Party).where(Party.project_id == project_id, Party.public_id == role.value)).first()
    if party is None:
        party = Party(project_id=project_id, public_id=role.value)
    if party.company != company:
        party.company = company
    if party.representative != representative:
        party.representative = representative
    session.add(party)
    session.flush()
    return PartyRead(role.value, company, representative)


def set_parties(session: Session, project_id: int, **fields: str) -> list[PartyRead]:
    """The three parties at once, from fields `<role>_company` and `<role>_representative` (the parties form);
    a role not named is left as it is."""
    stored = {party.role: party for party in list_parties(session, project_id)}
    for role in PartyRole:
        company, representative = (fields.get(f"{role.value}_{name}") for name in ("company", "representative"))
        if company is not None or representative is not None:
            old = stored[role.value]
            set_party(session, project_id, role, old.company if company is None else company,
                      old.representative if representative is None else representative)
    return list_parties(session, project_id)


# -- batches -----------------------------------------------------------------------------------------------------


def _batch(session: Session, project_id: int, public_id: str) -> HandoverBatch:
    batch = session.scalars(select(HandoverBatch).where(HandoverBatch.project_id == project_id,
                                                     HandoverBatch.public_id == public_id)).first()
    if batch is None:
        raise NotFound("handover.error.not_found", value=public_id)
    return batch


def _unsigned(session: Session, project_id: int, public_id: str) -> HandoverBatch:
    batch = _batch(session, project_id, public_id)
    if batch.signed:
        raise UserError("handover.error.batch_signed", value=public_id)
    return batch


def item_names(session: Session, project_id: int) -> dict[str, str]:
    """Public id -> name (current language) of every document, facility and key of the project; a facility with
    a location names it too (`电梯 · 3#楼 1号梯`: a batch lists twelve lifts, and each must be told apart)."""
    names: dict[str, str] = {}
    for register in ITEM_REGISTERS:
        model = MODELS[register]
        where = model.project_id == project_id
        if model is Facility:
            rows = session.execute(select(model.public_id, model.name_zh, model.name_en, model.location).where(where))
            names.update((public_id, " · ".join(filter(None, (pick(zh, en), location))))
                         for public_id, zh, en, location in rows)
        else:
            rows = session.execute(select(model.public_id, model.name_zh, model.name_en).where(where))
            names.update((public_id, pick(zh, en)) for public_id, zh, en in rows)
    return names


def _check_outcome(outcome: str, promised_on: date | None, reason: str) -> None:
    if outcome in OWED and (promised_on is None or not reason):
        raise UserError("handover.error.owed", field="promised_on" if promised_on is None else "reason",
                        outcome=label("outcome", outcome))


_outcome = _choice("outcome", Outcome, "outcome", Outcome.HANDED)


def create_batch(session: Session, project_id: int, title: str, items: Iterable[str] = (), *,
                 ready_documents: bool = False, created_on: date | None = None, note: str = "") -> BatchRead:
    """A new batch of the items picked (public ids of documents, facilities, keys) and, with `ready_documents`,
    every document 已备齐; each starts 已移交. Refused when it would hold nothing."""
    title = _required("title", "handover.error.title_required")(title)
    refs = check_refs(session, project_id, [_ref(item) for item in items], "item_ref")
    if ready_documents:
        refs += session.execute(select(Document.public_id).where(
            Document.project_id == project_id, Document.status == DocStatus.READY.value).order_by(col(Document.id))
        ).scalars().all()
    refs = list(dict.fromkeys(ref for ref in refs if ref))
    if not refs:
        raise UserError("handover.error.batch_empty", field="items")
    public_id = next_public_ids(session, project_id, PREFIX["batch"])[0]
    batch = HandoverBatch(project_id=project_id, public_id=public_id, title=title, note=_text("note")(note),
                          created_on=created_on or date.today(), created_at=datetime.now(UTC))
    session.add(batch)
    session.flush()
    for ref in refs:
        session.add(BatchItem(project_id=project_id, batch_id=batch.id, public_id=f"{public_id}/{ref}", item_ref=ref))
    session.flush()
    return get_batch(session, project_id, public_id)


def add_to_batch(session: Session, project_id: int, batch_id: str, items: Iterable[str]) -> BatchRead:
    """Add items to an unsigned batch (those already in it are left as they are)."""
    batch = _unsigned(session, project_id, batch_id)
    have = set(session.execute(select(BatchItem.item_ref).where(BatchItem.batch_id == batch.id)).scalars())
    for item in items:
        ref = check_ref(session, project_id, _ref(item), "items")
        if ref and ref not in have:
            have.add(ref)
            session.add(BatchItem(project_id=project_id, batch_id=batch.id, public_id=f"{batch_id}/{ref}",
                                  item_ref=ref))
    session.flush()
    return get_batch(session, project_id, batch_id)


def gather_batch(session: Session, project_id: int, batch: str, items: Iterable[str] = (), *, title: str = "",
                 ready_documents: bool = False, note: str = "") -> BatchRead:
    """The items picked into a batch: a new one (`batch` "new", with its title) or an unsigned one."""
    if batch == "new":
        return create_batch(session, project_id, title, items, ready_documents=ready_documents, note=note)
    found = add_to_batch(session, project_id, batch, items)
    if ready_documents:
        ready = session.execute(select(Document.public_id).where(
            Document.project_id == project_id, Document.status == DocStatus.READY.value)).scalars().all()
        found = add_to_batch(session, project_id, batch, ready)
    return found


def _batch_item(session: Session, batch: HandoverBatch, ref: str) -> BatchItem:
    item = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id, BatchItem.item_ref == ref)).first()
    if item is None:
        raise UserError("handover.error.not_in_batch", field="item_ref", value=ref, batch=batch.public_id)
    return item


def remove_from_batch(session: Session, project_id: int, batch_id: str, item_ref: str) -> BatchRead:
    batch = _unsigned(session, project_id, batch_id)
    session.delete(_batch_item(session, batch, _ref(item_ref) or ""))
    session.flush()
    return get_batch(session, project_id, batch_id)


def set_outcome(session: Session, project_id: int, batch_id: str, item_ref: str, outcome: Outcome | str,
                promised_on: date | str | None = None, reason: str = "") -> BatchRead:
    """What became of an item of an unsigned batch; 未移交 and 部分移交 need a promised date and a reason."""
    batch = _unsigned(session, project_id, batch_id)
    item = _batch_item(session, batch, _ref(item_ref) or "")
    outcome, promised, reason = _outcome(outcome), _date("promised_on")(promised_on), _text("reason")(reason)
    _check_outcome(outcome, promised, reason)
    for name, value in (("outcome", outcome), ("promised_on", promised), ("reason", reason)):
        if getattr(item, name) != value:
            setattr(item, name, value)
    session.flush()
    return get_batch(session, project_id, batch_id)


def update_batch(session: Session, project_id: int, batch_id: str, *, title: str | None = None,
                 note: str | None = None) -> BatchRead:
    batch = _unsigned(session, project_id, batch_id)
    if title is not None:
        batch.title = _required("title", "handover.error.title_required")(title)
    if note is not None:
        batch.note = _text("note")(note)
    session.flush()
    return get_batch(session, project_id, batch_id)


def delete_batch(session: Session, project_id: int, batch_id: str) -> None:
    """Remove an unsigned batch with its items (a signed one is a record and stays)."""
    batch = _unsigned(session, project_id, batch_id)
    for item in session.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id)):
        session.delete(item)
    session.flush()
    session.delete(batch)
    session.flush()


def sign_batch(session: Session, project_id: int, batch_id: str, signed_on: date | str | None = None,
               **signers: str) -> BatchRead:
    """Record the three signatures and lock the batch. Signers (`handing=`, `receiving=`, `supervising=`) default
    to the parties' representatives; each is required. Documents handed over in it become 已移交."""
    batch = _unsigned(session, project_id, batch_id)
    day = _date("signed_on")(signed_on) or date.today()
    parties = {party.role: party.representative for party in list_parties(session, project_id)}
    for role in PartyRole:
        name = _text(role.value, 200)(signers.get(role.value) or parties[role.value])
        if not name:
            raise UserError("handover.error.signer_required", field=role.value, role=label("role", role.value))
        setattr(batch, f"{role.value}_signer", name)
        setattr(batch, f"{role.value}_signed_on", day)
    batch.signed = True
    items = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id)).all()
    _mark_documents(session, project_id, [item.item_ref for item in items if item.outcome == Outcome.HANDED])
    session.flush()
    return get_batch(session, project_id, batch_id)


def _mark_documents(session: Session, project_id: int, refs: list[str]) -> None:
    documents = [ref for ref in refs if ref.startswith(PREFIX["document"] + "-")]
    if documents:
        for document in session.scalars(select(Document).where(Document.project_id == project_id,
                                                            col(Document.public_id).in_(documents))):
            if document.status != DocStatus.HANDED:
                document.status = DocStatus.HANDED.value


def amend_batch(session: Session, project_id: int, batch_id: str, reason: str, *, item_ref: str | None = None,
                outcome: Outcome | str | None = None, promised_on: date | str | None = None,
                made_on: date | None = None) -> BatchRead:
    """Record an amendment to a signed batch: a note, or a new outcome of one of its items (未移交 and 部分移交
    with a promised date). The signed record is untouched; the amendment is audited and printed beside it."""
    batch = _batch(session, project_id, batch_id)
    if not batch.signed:
        raise UserError("handover.error.batch_not_signed", value=batch_id)
    reason = _required("reason", "handover.error.amendment_reason")(reason)
    ref = _ref(item_ref)
    if ref is not None:
        _batch_item(session, batch, ref)
    code = _outcome(outcome) if outcome is not None else None
    if code is not None and ref is None:
        raise UserError("handover.error.required", field="item_ref")
    promised = _date("promised_on")(promised_on)
    if code is not None:
        _check_outcome(code, promised, reason)
    last = session.execute(select(func.max(BatchAmendment.no)).where(BatchAmendment.batch_id == batch.id)).scalar()
    no = (last or 0) + 1
    session.add(BatchAmendment(project_id=project_id, batch_id=batch.id, public_id=f"{batch_id}#{no}", no=no,
                               item_ref=ref, outcome=code, promised_on=promised, reason=reason,
                               made_on=made_on or date.today(), made_by=audit.actor()))
    if code == Outcome.HANDED and ref:
        _mark_documents(session, project_id, [ref])
    session.flush()
    return get_batch(session, project_id, batch_id)


def _batch_read(batch: HandoverBatch, items: list[BatchItem], amendments: list[BatchAmendment],
                names: Mapping[str, str]) -> BatchRead:
    current = {item.item_ref: (item.outcome, item.promised_on, item.reason) for item in items}
    for amendment in amendments:
        if amendment.item_ref and amendment.outcome:
            current[amendment.item_ref] = (amendment.outcome, amendment.promised_on, amendment.reason)
    return BatchRead(
        public_id=batch.public_id, title=batch.title, created_on=batch.created_on, signed=bool(batch.signed),
        signatures=tuple(Signature(role.value, getattr(batch, f"{role.value}_signer"),
                                   getattr(batch, f"{role.value}_signed_on")) for role in PartyRole),
        note=batch.note,
        items=tuple(BatchItemRead(item.item_ref, names.get(item.item_ref, item.item_ref), *current[item.item_ref],
                                  item.outcome, item.promised_on, item.reason) for item in items),
        amendments=tuple(AmendmentRead(a.no, a.item_ref, a.outcome, a.promised_on, a.reason, a.made_on, a.made_by)
                         for a in amendments),
    )


def _batches(session: Session, project_id: int, batches: list[HandoverBatch]) -> list[BatchRead]:
    ids = [batch.id for batch in batches]
    items: dict[int, list[BatchItem]] = {batch_id: [] for batch_id in ids}
    for item in session.scalars(select(BatchItem).where(col(BatchItem.batch_id).in_(ids)).order_by(col(BatchItem.id))):
        items[item.batch_id].append(item)
    amendments: dict[int, list[BatchAmendment]] = {batch_id: [] for batch_id in ids}
    for amendment in session.scalars(select(BatchAmendment).where(col(BatchAmendment.batch_id).in_(ids))
                                  .order_by(col(BatchAmendment.no))):
        amendments[amendment.batch_id].append(amendment)
    names = item_names(session, project_id)
    return [_batch_read(batch, items[batch.id], amendments[batch.id], names) for batch in batches]


def list_batches(session: Session, project_id: int) -> list[BatchRead]:
    """Every batch, oldest first, with its items (outcomes as amended) and amendments."""
    query = select(HandoverBatch).where(HandoverBatch.project_id == project_id).order_by(col(HandoverBatch.id))
    return _batches(session, project_id, list(session.scalars(query)))


def get_batch(session: Session, project_id: int, public_id: str) -> BatchRead:
    return _batches(session, project_id, [_batch(session, project_id, public_id)])[0]


def outstanding(session: Session, project_id: int) -> list[OutstandingRead]:
    """The 未移交清单: every item whose outcome (as amended) is 未移交 or 部分移交, across batches, by promised
    date."""
    found = [OutstandingRead(batch.public_id, item.item_ref, item.name, item.outcome, item.promised_on, item.reason)
             for batch in list_batches(session, project_id) for item in batch.items if item.outcome in OWED]
    return sorted(found, key=lambda o: (o.promised_on or date.max, o.batch, o.item_ref))


def dated_items(session: Session, project_id: int) -> tuple[HandoverDate, ...]:
    """What the timeline and the calendar show of the handover, by date: the promised date of every item owed
    (as outstanding() lists them) and the deadline of every open inspection item. Cheap on any project: the batch
    items, then amendments and names only when something is batched, inspection items from their state index."""
    owed: dict[tuple[int, str], list] = {}
    batches: dict[int, str] = {}
    for batch_id, batch, ref, outcome, promised, reason in session.execute(
            select(BatchItem.batch_id, HandoverBatch.public_id, BatchItem.item_ref, BatchItem.outcome,
                   BatchItem.promised_on, BatchItem.reason)
            .join(HandoverBatch, col(HandoverBatch.id) == BatchItem.batch_id)
            .where(BatchItem.project_id == project_id)):
        owed[batch_id, ref] = [outcome, promised, reason]
        batches[batch_id] = batch
    if owed:
        for batch_id, ref, outcome, promised, reason in session.execute(
                select(BatchAmendment.batch_id, BatchAmendment.item_ref, BatchAmendment.outcome,
                       BatchAmendment.promised_on, BatchAmendment.reason)
                .where(BatchAmendment.project_id == project_id, col(BatchAmendment.outcome).is_not(None))
                .order_by(col(BatchAmendment.batch_id), col(BatchAmendment.no))):
            if (batch_id, ref) in owed:
                owed[batch_id, ref] = [outcome, promised, reason]
    owed = {key: value for key, value in owed.items() if value[0] in OWED and value[1] is not None}
    names = _names(session, project_id, {ref for _batch, ref in owed})
    found = [HandoverDate("promised", ref, *names.get(ref, (ref, ref)), promised, outcome, reason, batches[batch_id])
             for (batch_id, ref), (outcome, promised, reason) in owed.items()]
    found += [HandoverDate("inspection", public_id, text, text, deadline, status=state, note=responsible)
              for public_id, text, deadline, state, responsible in session.execute(
                  select(InspectionItem.public_id, InspectionItem.description, InspectionItem.deadline,
                         InspectionItem.state, InspectionItem.responsible)
                  .where(InspectionItem.project_id == project_id, col(InspectionItem.state).in_(sorted(OPEN_STATES)),
                         col(InspectionItem.deadline).is_not(None)))]
    return tuple(sorted(found, key=lambda item: (item.day, item.kind, item.key)))


def _names(session: Session, project_id: int, refs: set[str]) -> dict[str, tuple[str, str]]:
    """Public id -> (zh, en) name of the given documents, facilities and keys."""
    names: dict[str, tuple[str, str]] = {}
    for register in ITEM_REGISTERS:
        model = MODELS[register]
        wanted = sorted(ref for ref in refs if ref.startswith(PREFIX[register] + "-"))
        if wanted:
            names.update((public_id, (zh, en)) for public_id, zh, en in session.execute(
                select(model.public_id, model.name_zh, model.name_en)
                .where(model.project_id == project_id, col(model.public_id).in_(wanted))))
    return names


def summary(session: Session, project_id: int) -> HandoverSummary:
    """The handover card's figures (share handed over, 未移交 count, key discrepancies, open inspection items), from
    narrow indexed queries (the quick start reads the same rows with sqlite3: db/quickread.py)."""
    items = sum(session.execute(select(func.count()).select_from(MODELS[register])
                                .where(MODELS[register].project_id == project_id)).scalar_one()
                for register in ITEM_REGISTERS)
    handed = session.execute(select(Document.public_id).where(
        Document.project_id == project_id, Document.status == DocStatus.HANDED.value)).scalars()
    keys = session.execute(select(HandoverKey.kind, HandoverKey.handed_out, HandoverKey.received)
                           .where(HandoverKey.project_id == project_id)).all()
    open_items = session.execute(select(func.count()).select_from(InspectionItem).where(
        InspectionItem.project_id == project_id, col(InspectionItem.state).in_(sorted(OPEN_STATES)))
    ).scalar_one()
    return handover_summary(items, handed, _batch_outcomes(session, project_id),
                            _amended_outcomes(session, project_id), keys, open_items)


def _batch_outcomes(session: Session, project_id: int) -> list:
    """(batch id, item ref, outcome, batch signed, item still on its register) of the project's batch items."""
    present = [select(MODELS[register].id).where(MODELS[register].project_id == project_id,
                                                  MODELS[register].public_id == BatchItem.item_ref).exists()
               for register in ITEM_REGISTERS]
    return session.execute(
        select(BatchItem.batch_id, BatchItem.item_ref, BatchItem.outcome, HandoverBatch.signed, or_(*present))
        .join(HandoverBatch, col(HandoverBatch.id) == BatchItem.batch_id)
        .where(BatchItem.project_id == project_id)).all()


def _amended_outcomes(session: Session, project_id: int) -> list:
    """(batch id, no, item ref, outcome) of the amendments that change an item's outcome."""
    return session.execute(
        select(BatchAmendment.batch_id, BatchAmendment.no, BatchAmendment.item_ref, BatchAmendment.outcome)
        .where(BatchAmendment.project_id == project_id, col(BatchAmendment.outcome).is_not(None),
               col(BatchAmendment.item_ref).is_not(None))).all()


# -- rows of the sheets ------------------------------------------------------------------------------------------


def export_rows(session: Session, project_id: int, register: str) -> tuple[int, Iterator[dict]]:
    """(count, rows) of a register's sheet (io/spec.py): read models as dicts, names in the current language."""
    items = list_items(session, project_id, register)
    return len(items), (_sheet_row(item) for item in items)


def _sheet_row(item: Any) -> dict:
    row = dict(item.__dict__)
    if isinstance(item, FacilityRead):
        row["owners_money"] = "yes" if item.owners_money else "no"
    elif isinstance(item, KeyRead):
        row["account_handed"] = "yes" if item.account_handed else "no"
        row["discrepancy"] = _("handover.discrepancy") if item.discrepancy else ""
    return row


# -- rows of the sheets written for reading only (未移交清单, 验收报告; the batches: io/handover_print.py) --------


def outstanding_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 未移交清单's rows (outcomes as amended, by promised date)."""
    rows = [{"batch": o.batch, "item_ref": o.item_ref, "name": o.name, "outcome": label("outcome", o.outcome),
             "promised_on": o.promised_on, "reason": o.reason} for o in outstanding(session, project_id)]
    return len(rows), iter(rows)


def report_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 验收报告: counts by register and state, handed over, not handed over, key discrepancies, open items."""
    def counts(model, column) -> dict[str, int]:
        return dict(session.execute(select(column, func.count()).where(model.project_id == project_id)
                                    .group_by(column)).all())

    rows: list[dict] = []

    def section(title: str, group: str, codes: type[StrEnum], found: dict[str, int]) -> None:
        rows.extend({"section": title, "measure": label(group, code.value), "number": found.get(code.value, 0)}
                    for code in codes)

    section(_("handover.register.document"), "status", DocStatus, counts(Document, Document.status))
    section(_("handover.register.facility"), "condition", Condition, counts(Facility, Facility.condition))
    section(_("handover.register.key"), "key_kind", KeyKind, counts(HandoverKey, HandoverKey.kind))
    section(_("handover.register.inspection"), "state", InspectionState,
            counts(InspectionItem, InspectionItem.state))
    figures = summary(session, project_id)
    total = _("handover.register.total")
    rows += [
        {"section": total, "measure": _("handover.report.items"), "number": figures.items},
        {"section": total, "measure": _("handover.report.handed"), "number": figures.handed},
        {"section": total, "measure": _("handover.report.not_handed"), "number": figures.not_handed},
        {"section": total, "measure": _("handover.report.key_discrepancies"), "number": figures.key_discrepancies},
        {"section": total, "measure": _("handover.report.open_inspections"), "number": figures.open_inspections},
    ]
    return len(rows), iter(rows)
