"""Stakeholders, notices and contracts through spreadsheets (issue 14): the rows the package writes of 相关方,
相关方与通知 and 合同清单, and the three registers as import targets (services/imports.py), read back by public id.

Every cell is checked by the cleaner the forms use (services/parties.STAKEHOLDER_FIELDS / NOTICE_FIELDS,
services/contracts.FIELDS): dates as typed, choices and yes/no in either language, amounts in yuan. Existing rows
are written through the services (update_stakeholder, update_notice, update_contract: audited, a notice's status
moving only forward with the proof each step needs, a contract's lift or fire gap raised in the risk register);
new ones in bulk through their services' new-row builders and audit.insert_rows. What the service would refuse
(a status move backwards, a step without its proof, a stakeholder or notice the project does not have, a contract
ending before it starts) is refused on its row, before anything is written.
"""

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from ..db.models import Contract, Notice, Stakeholder
from ..domain.money import format_fen
from ..domain.parties import PREFIX, NoticeStatus, can_reach
from ..i18n import _
from . import audit, contracts, parties
from .errors import UserError
from .imports import ImportField, ImportTarget, RowChanges, normalize_id

#: CHOICE fields -> their label group (parties.label).
_GROUPS = {"kind": "kind", "channel": "channel", "proof_kind": "proof", "status": "status", "decision": "decision"}
_FLAGS = ("statutory", "agreement_signed")


def _show(key: str, value: Any, groups: Mapping[str, str] = _GROUPS) -> str:
    if key in _FLAGS:
        return parties.label("flag", "yes" if value else "no")
    if key in groups:
        return parties.label(groups[key], value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if key == "outstanding":
        return format_fen(value)
    return str(value)


def _flag(value: bool) -> str:
    return "yes" if value else "no"


# -- the rows the package writes ---------------------------------------------------------------------------------


def stakeholder_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """相关方's rows (keyed by io/spec.STAKEHOLDERS' column keys), in the order added, with their notice counts."""
    found = parties.list_stakeholders(session, project_id)
    rows = ({"public_id": s.public_id, "kind": s.kind, "name": s.name, "contact": s.contact, "phone": s.phone,
             "address": s.address, "note": s.note, "notices": s.notices, "open_notices": s.open_notices}
            for s in found)
    return len(found), rows


def notice_alerts(notice) -> str:
    """What the sheet warns of on a notice, one line each: overdue (not sent, its deadline past), refused, a
    statutory notice sent without proof."""
    lines = []
    if notice.overdue:
        lines.append(_("parties.sheet.overdue"))
    if notice.status == NoticeStatus.REFUSED:
        lines.append(_("parties.sheet.refused"))
    elif notice.at_risk:
        lines.append(_("parties.sheet.no_proof"))
    return "\n".join(lines)


def notice_rows(session: Session, project_id: int, today: date) -> tuple[int, Iterator[dict]]:
    """相关方与通知's rows: each notice with its stakeholder's name and contact, its deadline read from the rule as
    of `today`, the proof it has and its alerts, by stakeholder (in the order they were added), then as added."""
    found = parties.list_notices(session, project_id, today)
    people = {s.public_id: s for s in parties.list_stakeholders(session, project_id)}
    order = {public_id: index for index, public_id in enumerate(people)}
    found.sort(key=lambda n: order.get(n.stakeholder, len(order)))

    def rows() -> Iterator[dict]:
        for n in found:
            person = people.get(n.stakeholder)
            contact = " ".join(filter(None, (person.contact, person.phone))) if person else ""
            yield {"public_id": n.public_id, "stakeholder": n.stakeholder, "stakeholder_name": n.stakeholder_name,
                   "contact": contact, "subject": n.subject, "rule": n.rule, "deadline": n.deadline,
                   "basis": n.basis, "statutory": _flag(n.statutory), "channel": n.channel, "sent_on": n.sent_on,
                   "proof_kind": n.proof_kind, "proof_ref": n.proof_ref, "status": n.status, "note": n.note,
                   "alerts": notice_alerts(n)}

    return len(found), rows()


def contract_alerts(contract) -> str:
    """What the sheet warns of on a contract: late (its last notice day past, no notice sent), a gap in lift or
    fire maintenance before the handover day."""
    lines = []
    if contract.late:
        lines.append(_("parties.sheet.late"))
    if contract.gap:
        lines.append(_("parties.sheet.gap"))
    return "\n".join(lines)


def contract_rows(session: Session, project_id: int, today: date) -> tuple[int, Iterator[dict]]:
    """合同清单's rows: each contract with its last notice day, its notice's status and its flags as of `today`."""
    found = contracts.list_contracts(session, project_id, today)
    rows = ({"public_id": c.public_id, "counterparty": c.counterparty, "kind": c.kind, "start": c.start,
             "end": c.end, "notice_period": c.notice_period, "last_notice_day": c.last_notice_day,
             "clause": c.clause, "decision": c.decision, "notice_ref": c.notice_ref,
             "notice_status": parties.label("status", c.notice_status) if c.notice_status else "",
             "agreement_signed": _flag(c.agreement_signed), "outstanding": c.outstanding_fen,
             "vendor_ref": c.vendor_ref, "note": c.note, "alerts": contract_alerts(c)}
            for c in found)
    return len(found), rows


# -- the registers -----------------------------------------------------------------------------------------------


class StakeholderImport(ImportTarget):
    """The stakeholders by public id; a row without one is a new stakeholder (a twin by name is not added)."""

    sheet, table, prefix = "stakeholders", Stakeholder.__table__, PREFIX["stakeholder"]
    fields = tuple(ImportField(key, required=key == "name") for key in parties.STAKEHOLDER_FIELDS)
    content = ("name",)

    def clean(self, key: str, value: Any) -> Any:
        return parties.clean(key, value, register="stakeholder")

    def show(self, key: str, value: Any) -> str:
        return _show(key, value)

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("name") or "")

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        rows = parties.new_stakeholder_rows(self.session, self.project_id, [dict(row) for row in values])
        audit.insert_rows(self.session, self.table, rows)
        return [row["public_id"] for row in rows]

    def update_rows(self, changed: list[RowChanges]) -> None:
        for change in changed:
            parties.update_stakeholder(self.session, self.project_id, change.row["public_id"], **change.fields)

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False


class NoticeImport(ImportTarget):
    """The notices by public id; a row without one is a new notice for the stakeholder it names (by id, or by
    name as typed), its status as far as its proof allows."""

    sheet, table, prefix = "notices", Notice.__table__, PREFIX["notice"]
    fields = tuple(ImportField(key, required=key in ("stakeholder", "subject", "rule"))
                   for key in parties.NOTICE_FIELDS)
    content = ("stakeholder", "subject")
    columns = ("stakeholder_id",)

    def __init__(self, session: Session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        stored = session.execute(select(Stakeholder.id, Stakeholder.public_id, Stakeholder.name)
                                 .where(Stakeholder.project_id == project_id).order_by(Stakeholder.id)).all()
        self.stakeholder_ids = {public_id: key for key, public_id, _name in stored}
        self.stakeholder_refs = {key: public_id for key, public_id, _name in stored}
        self.by_name: dict[str, str] = {}
        for _key, public_id, name in stored:
            self.by_name.setdefault(name, public_id)

    def clean(self, key: str, value: Any) -> Any:
        cleaned = parties.clean(key, value, register="notice")
        if key == "stakeholder":  # the stakeholder's public id, named by id or by name
            ref = normalize_id(cleaned)
            if ref not in self.stakeholder_ids:
                ref = self.by_name.get(cleaned.strip(), "")
            if not ref:
                raise UserError("parties.error.stakeholder_not_found", field=key, value=cleaned)
            return ref
        return cleaned

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        if key == "stakeholder":
            return self.stakeholder_refs.get(row["stakeholder_id"])
        if key == "statutory":
            return bool(row[key])
        return row[key]

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        if key == "stakeholder":
            return {"stakeholder_id": self.stakeholder_ids[value]}
        return {key: value}

    def show(self, key: str, value: Any) -> str:
        return _show(key, value)

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("subject") or "")

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """As the form: a status moves only forward, and each status has the proof it needs."""
        def value(key: str, empty: Any = "") -> Any:
            if key in values:
                return values[key]
            return stored[key] if stored is not None else empty

        status = value("status", "pending")
        if stored is not None and status != stored["status"] and not can_reach(stored["status"], status):
            return [("status", _("parties.error.bad_move", value=stored["public_id"],
                                 old=parties.label("status", stored["status"]),
                                 new=parties.label("status", status)))]
        try:
            parties.check_proof(status, value("sent_on", None), value("channel"), value("proof_kind"),
                                value("proof_ref"), value("note"))
        except UserError as error:
            return [(error.field or "status", error.message())]
        return []

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        rows = parties.new_notice_rows(self.session, self.project_id, [dict(row) for row in values])
        audit.insert_rows(self.session, self.table, rows)
        return [row["public_id"] for row in rows]

    def update_rows(self, changed: list[RowChanges]) -> None:
        for change in changed:
            parties.update_notice(self.session, self.project_id, change.row["public_id"], self.today,
                                  **change.fields)

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False


#: Contract fields stored under another column.
_CONTRACT_COLUMNS = {"outstanding": "outstanding_fen"}


class ContractImport(ImportTarget):
    """The contracts by public id; a row without one is a new contract (a twin by counterparty and kind is not
    added again). A lift or fire maintenance contract that now leaves a gap before T is raised in the risk
    register, as the form does."""

    sheet, table, prefix = "contracts", Contract.__table__, PREFIX["contract"]
    fields = tuple(ImportField(key, required=key == "counterparty") for key in contracts.FIELDS)
    content = ("counterparty", "kind")
    columns = tuple(_CONTRACT_COLUMNS.values())

    def __init__(self, session: Session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.notices = set(session.execute(select(Notice.public_id).where(Notice.project_id == project_id))
                           .scalars())

    def clean(self, key: str, value: Any) -> Any:
        return contracts.clean(key, value)

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        if key == "agreement_signed":
            return bool(row[key])
        return row[_CONTRACT_COLUMNS.get(key, key)]

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        return contracts.columns(key, value)

    def show(self, key: str, value: Any) -> str:
        return _show(key, value, {**_GROUPS, "kind": "contract_kind"})

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("counterparty") or "")

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """As the form: not ending before it starts, and a notice that the project has."""
        def value(key: str) -> Any:
            if key in values:
                return values[key]
            return stored[key] if stored is not None else None

        problems = []
        start, end = value("start"), value("end")
        if start is not None and end is not None and end < start:
            problems.append(("end", _("parties.error.ends_before_start", value=end.isoformat(),
                                      start=start.isoformat())))
        ref = values.get("notice_ref")
        if ref and ref not in self.notices:
            problems.append(("notice_ref", _("parties.error.notice_not_found", value=ref)))
        return problems

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        rows = contracts.new_rows(self.session, self.project_id, [dict(row) for row in values])
        if rows:
            audit.insert_rows(self.session, self.table, rows)
            contracts.raise_gaps(self.session, self.project_id)
        return [row["public_id"] for row in rows]

    def update_rows(self, changed: list[RowChanges]) -> None:
        for change in changed:
            contracts.update_contract(self.session, self.project_id, change.row["public_id"], self.today,
                                      **change.fields)

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False
