"""Contracts to end or hand over (合同解除, issue 14; DOMAIN.md section 7): C-0001 with its counterparty, kind,
term, notice period and decision. The last day to give notice is read (end − notice period, dateutil), never
stored; a contract decided to end whose last notice day has passed with no notice sent is late, and a lift or
fire maintenance contract ending before the handover day T leaves a gap in service, raised once in the risk
register (the seeded `lift-fire-interruption` risk, noted with the contract's id).

Every write is an ORM change or an audit.insert_rows / delete_rows: audited, undone as one change (with the risk
it raised), deleted with the project. One cleaner per field (`FIELDS`), which the contract sheet's import uses.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from ..db.models import Contract, Notice, Risk
from ..domain.risks import Status as RiskStatus
from ..domain.parties import (
    ENDING, PREFIX, SENT_STATUSES, ContractDecision, ContractKind, contract_gap, contract_late, last_notice_day,
    parse_period,
)
from ..i18n import _
from . import audit
from .errors import UserError
from .ids import next_public_ids, row_of
from .inputs import choice_field, clean_field, clean_values, date_field, flag_field, money_field, text_field
from .parties import project_of
from .readmodels import ContractRead, PartyDate

audit.declare(Contract.__table__, "contract")

#: The seeded risk a lift or fire maintenance gap is raised on (data/risks.toml).
GAP_RISK = "lift-fire-interruption"

_text = partial(text_field, "parties")


def _counterparty(value: Any) -> str:
    text = _text("counterparty", 200)(value)
    if not text:
        raise UserError("parties.error.required", field="counterparty")
    return text


def _period(value: Any) -> str:
    """A notice period as typed (`30d`, `90天`, `3m`, `3个月`), kept so; "" when none."""
    text = _text("notice_period", 20)(value)
    try:
        parse_period(text)
    except ValueError:
        raise UserError("parties.error.bad_period", field="notice_period", value=text) from None
    return text


def _notice_ref(value: Any) -> str | None:
    from .imports import normalize_id

    text = _text("notice_ref", 20)(value)
    return normalize_id(text) if text else None


FIELDS: dict[str, Callable[[Any], Any]] = {
    "counterparty": _counterparty,
    "kind": choice_field("parties", "kind", ContractKind, "contract_kind", ContractKind.OTHER),
    "start": date_field("start"),
    "end": date_field("end"),
    "notice_period": _period,
    "clause": _text("clause"),
    "decision": choice_field("parties", "decision", ContractDecision, "decision", ""),
    "notice_ref": _notice_ref,
    "agreement_signed": flag_field("parties", "agreement_signed"),
    "outstanding": money_field("parties", "outstanding"),
    "vendor_ref": _text("vendor_ref", 200),
    "note": _text("note"),
}
_COLUMN = {"outstanding": "outstanding_fen"}


def clean(field: str, value: Any) -> Any:
    """One field's value checked and typed; raises UserError naming the field."""
    return clean_field("parties", FIELDS, field, value)


def columns(field: str, value: Any) -> dict[str, Any]:
    """The table columns a field's cleaned value is stored in."""
    return {_COLUMN.get(field, field): value}


def _cleaned(values: Mapping[str, Any], whole: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for field, value in clean_values("parties", FIELDS, values, whole).items():
        found.update(columns(field, value))
    return found


def _check(session: Session, project_id: int, row: Mapping[str, Any]) -> None:
    """A contract ends on or after its start, and names a notice of the project when it names one."""
    start, end = row.get("start"), row.get("end")
    if start is not None and end is not None and end < start:
        raise UserError("parties.error.ends_before_start", field="end", value=end.isoformat(),
                        start=start.isoformat())
    ref = row.get("notice_ref")
    if ref and session.execute(select(Notice.id).where(Notice.project_id == project_id,
                                                       Notice.public_id == ref)).first() is None:
        raise UserError("parties.error.notice_not_found", field="notice_ref", value=ref)


# -- reads ---------------------------------------------------------------------------------------------------------


def _rows(session: Session, project_id: int, *where):
    linked = select(Notice.status).where(Notice.project_id == Contract.project_id,
                                         Notice.public_id == Contract.notice_ref).scalar_subquery()
    return session.execute(select(Contract, linked).where(Contract.project_id == project_id, *where)
                           .order_by(col(Contract.id))).all()


def _read(row: Contract, notice_status: str | None, handover: date, today: date) -> ContractRead:
    last_day = last_notice_day(row.end, row.notice_period)
    status = notice_status or ""
    return ContractRead(
        row.public_id, row.counterparty, row.kind, row.start, row.end, row.notice_period, last_day, row.clause,
        row.decision, row.notice_ref, status, bool(row.agreement_signed), row.outstanding_fen, row.vendor_ref,
        row.note, contract_late(row.decision, last_day, status in SENT_STATUSES, today),
        contract_gap(row.kind, row.end, row.decision, handover))


def list_contracts(session: Session, project_id: int, today: date) -> list[ContractRead]:
    """Every contract in the order added, with its last notice day, its notice's status and its flags."""
    handover = project_of(session, project_id).handover_date
    return [_read(row, status, handover, today) for row, status in _rows(session, project_id)]


def _contract_row(session: Session, project_id: int, public_id: str) -> Contract:
    return row_of(session, Contract, project_id, public_id, "parties.error.contract_not_found")


def get_contract(session: Session, project_id: int, public_id: str, today: date) -> ContractRead:
    row = _contract_row(session, project_id, public_id)
    ((found, status),) = _rows(session, project_id, Contract.id == row.id)
    return _read(found, status, project_of(session, project_id).handover_date, today)


def notice_days(session: Session, project_id: int) -> list[PartyDate]:
    """Last notice days of the contracts not decided or decided to end, whose notice is not sent (for
    parties.dated_items)."""
    found = []
    for row, status in _rows(session, project_id, col(Contract.decision).in_(["", *sorted(ENDING)])):
        day = last_notice_day(row.end, row.notice_period)
        if day is not None and (status or "") not in SENT_STATUSES:
            found.append(PartyDate("contract", row.public_id, row.counterparty, row.counterparty, day, row.decision,
                                   row.notice_period))
    return found


# -- writes --------------------------------------------------------------------------------------------------------


def new_rows(session: Session, project_id: int, items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The table rows of new contracts (values as typed), each checked: for add_contract and bulk writers (an
    import, the demo) that then call audit.insert_rows and raise_gaps. UserError naming the field otherwise."""
    cleaned = [_cleaned(item, whole=True) for item in items]
    for values in cleaned:
        _check(session, project_id, values)
    ids = next_public_ids(session, project_id, PREFIX["contract"], len(cleaned)) if cleaned else []
    now = datetime.now(UTC)
    return [{"project_id": project_id, "public_id": public_id, "created_at": now, **values}
            for public_id, values in zip(ids, cleaned, strict=True)]


def add_contract(session: Session, project_id: int, today: date, **values: Any) -> ContractRead:
    """A new contract from values as typed (a counterparty is required; the kind defaults to 其他)."""
    project_of(session, project_id)
    (row,) = new_rows(session, project_id, [values])
    audit.insert_rows(session, Contract.__table__, [row])
    raise_gaps(session, project_id)
    return get_contract(session, project_id, row["public_id"], today)


def update_contract(session: Session, project_id: int, public_id: str, today: date, **values: Any) -> ContractRead:
    """Change some fields of a contract (only those given); a gap it now leaves is raised in the risk register."""
    row = _contract_row(session, project_id, public_id)
    changes = _cleaned(values, whole=False)
    _check(session, project_id, {name: changes.get(name, getattr(row, name)) for name in ("start", "end")}
           | {"notice_ref": changes.get("notice_ref")})
    for name, value in changes.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    session.flush()
    raise_gaps(session, project_id)
    return get_contract(session, project_id, row.public_id, today)


def delete_contract(session: Session, project_id: int, public_id: str) -> None:
    """Remove a contract (its id is never given again); the risk noted with it keeps the note."""
    row = _contract_row(session, project_id, public_id)
    audit.delete_rows(session, Contract.__table__, Contract.__table__.c.id == row.id)


def gap_note(contract: str, end: date, handover: date) -> str:
    """The line a gap adds to the risk's note (the contract's id first: how raise_gaps knows it is there)."""
    return _("parties.gap_note", id=contract, end=end.isoformat(), handover=handover.isoformat())


def raise_gaps(session: Session, project_id: int) -> list[str]:
    """Note each lift or fire contract leaving a gap before T on the risk register's `lift-fire-interruption`
    risk (added again from data/risks.toml when the register lacks it), once per contract: a contract already
    named in the note is not noted again, and a closed risk is reopened by a new one. Returns the contracts noted
    now."""
    project = project_of(session, project_id)
    gaps = [row for row, _status in _rows(session, project_id)
            if contract_gap(row.kind, row.end, row.decision, project.handover_date)]
    if not gaps:
        return []
    risk = _gap_risk(session, project_id) or _add_gap_risk(session, project_id, project.exit_type)
    lines = [line for line in (risk.note or "").splitlines() if line.strip()]
    new = [row for row in gaps if not any(line.startswith(row.public_id + " ") for line in lines)]
    if new:
        risk.note = "\n".join([*lines, *(gap_note(row.public_id, row.end, project.handover_date) for row in new)])
        if risk.status == RiskStatus.CLOSED:  # a new gap reopens it: identified again
            risk.status = RiskStatus.IDENTIFIED.value
        session.flush()
    return [row.public_id for row in new]


def _gap_risk(session: Session, project_id: int) -> Risk | None:
    return session.scalars(select(Risk).where(Risk.project_id == project_id, Risk.seed_key == GAP_RISK)).first()


def _add_gap_risk(session: Session, project_id: int, exit_type: str) -> Risk:
    """The seed's `lift-fire-interruption` risk, added (audited) to a register that lacks it."""
    from ..domain.risks import seed_risks
    from . import risks

    item = next(seed for seed in seed_risks() if seed.key == GAP_RISK)
    likelihood, impact = item.rating(exit_type)
    (row,) = risks.new_rows(session, project_id, [{
        "title": item.zh, "category": item.category, "phase_no": item.phase, "likelihood": likelihood,
        "impact": impact, "legal_basis": item.basis, "drill_rule": item.drill_rule}])
    row.update(seed_key=GAP_RISK, title_zh=item.zh, title_en=item.en, trigger_zh=item.trigger_zh,
               trigger_en=item.trigger_en, mitigation_zh=item.mitigation_zh, mitigation_en=item.mitigation_en,
               plan_zh=item.plan_zh, plan_en=item.plan_en)
    audit.insert_rows(session, Risk.__table__, [row])
    return _gap_risk(session, project_id)
