"""The accounts as import targets (services/imports.py): units (the 业主名册), ledger lines and the project's
ledgers read back from their sheets, and the confirmations the committee returns with the owner statements.

Every cell is checked by the same cleaner as a form's value (services/accounts.FIELDS). A unit without an id is
matched by its unit number (a 业主名册 from the developer updates the units it names instead of adding twins); a
line names its unit by unit number; a prepaid line's part after the cut-off follows its amount and period. A line's
state moves only as the rules allow, a dispute with its reason and evidence. The confirmations sheet moves states
only (确认 / 有争议 with a reason), previewed as state changes, applied all or nothing.
"""

import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import select

from ..db.models import SIGNED_KINDS, LedgerLine, ProjectLedger, Unit
from ..domain.accounts import NEEDS_REASON, LineState, can_move
from ..domain.money import format_fen
from ..i18n import CATALOGS, _
from . import accounts
from .errors import UserError
from .handover import area_text
from .imports import ImportField, ImportTarget, RowChanges

#: CHOICE fields -> their label group (accounts.label).
_GROUPS = {"category": "category", "direction": "direction", "state": "state", "kind": "kind", "result": "state"}
_MONEY = ("amount_fen",)


class AccountsImport(ImportTarget):
    """What the accounts registers share; a subclass names its register, sheet and fields."""

    register: ClassVar[str]

    def clean(self, key: str, value: Any) -> Any:
        return accounts.clean(self.register, key, value)

    def show(self, key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "area_m2":
            return area_text(value)
        if key in _MONEY:
            return format_fen(value)
        if key in _GROUPS:
            return accounts.label(_GROUPS[key], value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


#: Fields a row must have (the others may be left empty).
_REQUIRED = {"unit": ("unit_no",), "line": ("unit_no", "category", "amount_fen"), "ledger": ("kind", "amount_fen")}


def _fields(register: str) -> tuple[ImportField, ...]:
    return tuple(ImportField(key, required=key in _REQUIRED[register]) for key in accounts.FIELDS[register])


class UnitImport(AccountsImport):
    """The units: a 业主名册 (房号, 业主, 面积, 电话 …) updates the units it names by number and adds the others;
    the preview names the units on the register that the list leaves off."""

    register, sheet, table, prefix = "unit", "units", Unit.__table__, "U"
    fields = _fields("unit")
    content = ("unit_no",)
    natural_key = "unit_no"
    report_absent = True

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("unit_no") or "")

    def __init__(self, session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.numbers: set[str] | None = None
        """The unit numbers taken: the project's, and those the file's rows take as they are checked."""

    def check(self, stored, values) -> list[tuple[str, str]]:
        """A unit number another unit has (of the project, or a row earlier in the file)."""
        number = values.get("unit_no")
        if number is None or (stored is not None and stored["unit_no"] == number):
            return []
        if self.numbers is None:
            self.numbers = {row["unit_no"] for row in self.existing.values()}
        if number in self.numbers:
            return [("unit_no", _("accounts.error.unit_taken", value=number))]
        self.numbers.add(number)
        return []

    def new_row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        row = super().new_row(values)
        row["building"] = row.get("building") or accounts.building_of(row["unit_no"])
        return row


class _UnitNumbers:
    """The project's units by number and by id, read once per import."""

    def __init__(self, session, project_id: int) -> None:
        rows = session.execute(select(Unit.id, Unit.unit_no, Unit.public_id).where(Unit.project_id == project_id))
        self.by_no: dict[str, int] = {}
        self.no_of: dict[int, str] = {}
        self.by_public: dict[str, int] = {}
        for key, number, public_id in rows:
            self.by_no[number], self.no_of[key], self.by_public[public_id] = key, number, key

    def key(self, number: str) -> int:
        """The unit's database id (a unit number, or its U- id); UserError naming the unit when none."""
        found = self.by_no.get(number)
        if found is None and number[:2].upper() == "U-":
            found = self.by_public.get(f"U-{number[2:].zfill(4)}")
        if found is None:
            raise UserError("accounts.error.unknown_unit", field="unit_no", value=number)
        return found


class LineImport(AccountsImport):
    """Ledger lines, each naming its unit by number; state moves as the rules allow."""

    register, sheet, table, prefix = "line", "lines", LedgerLine.__table__, "L"
    fields = _fields("line")
    content = ("unit_no", "category", "period_start", "period_end", "amount_fen")
    columns = ("unit_id", "after_cutoff_fen")

    def __init__(self, session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.units = _UnitNumbers(session, project_id)
        self.cutoff = accounts.cutoff(session, project_id)

    def clean_unit_no(self, value: Any) -> str:
        number = accounts.clean_unit_no(value)
        self.units.key(number)
        return number

    def current_unit_no(self, row: Mapping[str, Any]) -> str:
        return self.units.no_of[row["unit_id"]]

    def columns_unit_no(self, value: str) -> dict[str, Any]:
        return {"unit_id": self.units.key(value)}

    def clean_state(self, value: Any) -> str | None:
        """A state as typed; an empty cell is None (a stored line keeps its state, a new one is unconfirmed)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return accounts.clean("line", "state", value)

    def same_direction(self, row: Mapping[str, Any], value: Any) -> bool:
        """An empty direction leaves a stored line's as it is (a new line's follows its category)."""
        return value is None or row["direction"] == value

    def same_state(self, row: Mapping[str, Any], value: Any) -> bool:
        return value is None or row["state"] == value

    def check(self, stored, values) -> list[tuple[str, str]]:
        """The period in order; a state the rules allow from the stored one; a dispute's reason and evidence."""
        merged = {**(stored or {}), **{k: v for k, v in values.items() if v is not None or k not in _KEEP}}
        start, end = merged.get("period_start"), merged.get("period_end")
        if start is not None and end is not None and end < start:
            return [("period_end", _("accounts.error.period_order"))]
        old = stored["state"] if stored else LineState.UNCONFIRMED.value
        new = merged.get("state") or old
        if stored and not can_move(LineState(old), LineState(new)):
            return [("state", _("accounts.error.bad_move", value=stored["public_id"], old=accounts.label("state", old),
                                new=accounts.label("state", new)))]
        if new in NEEDS_REASON or new == LineState.CARVED_OUT:
            if not merged.get("dispute_reason"):
                return [("dispute_reason", _("accounts.error.reason_required"))]
            if not merged.get("evidence_ref"):
                return [("evidence_ref", _("accounts.error.evidence_required"))]
        return []

    def new_row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        row = super().new_row(values)
        row["direction"] = row.get("direction") or accounts.default_direction(row["category"])
        row["state"] = row.get("state") or LineState.UNCONFIRMED.value
        row["after_cutoff_fen"] = accounts.after_cutoff(row["category"], row["amount_fen"], row["period_start"],
                                                        row["period_end"], self.cutoff)
        return row

    def before_apply(self, changed: list[RowChanges]) -> None:
        """A changed amount, period or category recomputes the line's part after the cut-off."""
        for change in changed:
            line = {**change.row, **change.columns}
            after = accounts.after_cutoff(line["category"], line["amount_fen"], line["period_start"],
                                          line["period_end"], self.cutoff)
            if after != change.row["after_cutoff_fen"]:
                change.columns["after_cutoff_fen"] = after

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False


#: Fields whose empty cell leaves a stored line's value (not a change to empty).
_KEEP = ("direction", "state")


class LedgerImport(AccountsImport):
    """The project's own ledgers (公共收益 and its costs, 维修资金, 酬金制结余, 包干制, vendor balances)."""

    register, sheet, table, prefix = "ledger", "ledgers", ProjectLedger.__table__, "G"
    fields = _fields("ledger")
    content = ("kind", "description", "amount_fen")

    def check(self, stored, values) -> list[tuple[str, str]]:
        """A negative amount only where the kind allows it (a fund's usage, a deficit, a loss)."""
        kind = values.get("kind", stored["kind"] if stored else None)
        amount = values.get("amount_fen", stored["amount_fen"] if stored else 0)
        if amount < 0 and kind not in SIGNED_KINDS:
            return [("amount_fen", _("accounts.error.negative_kind", kind=accounts.label("kind", kind)))]
        return []

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("description") or "")

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False


# -- the confirmations the committee returns ---------------------------------------------------------------------


def _reply_words() -> dict[str, str]:
    """Every way a reply may be written -> the state it asks for: the codes, the states' and the replies' labels
    in every language, and the words people use (同意, 无异议, 异议 …)."""
    words = {"confirmed": "confirmed", "disputed": "disputed", "确认": "confirmed", "同意": "confirmed",
             "无异议": "confirmed", "无误": "confirmed", "√": "confirmed", "有异议": "disputed", "异议": "disputed",
             "争议": "disputed", "不同意": "disputed", "×": "disputed"}
    for catalog in CATALOGS.values():
        for code in ("confirmed", "disputed"):
            for key in (f"accounts.state.{code}", f"accounts.reply.{code}"):
                if key in catalog:
                    words[_fold(catalog[key])] = code
    return words


def _fold(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


class ConfirmationImport(AccountsImport):
    """Replies to the owner statements: a line confirmed, or disputed with a reason (the returned statement is
    its evidence unless the sheet names another); a blank reply changes nothing. Rows name lines by id; the unit
    number, when given, must be the line's. Any bad row refuses the whole apply (ImportTarget.all_or_nothing)."""

    register, sheet, table, prefix = "line", "confirmations", LedgerLine.__table__, "L"
    fields = (ImportField("unit_no"), ImportField("result"), ImportField("reason"), ImportField("evidence"))
    columns = ("unit_id", "state", "dispute_reason", "evidence_ref")
    all_or_nothing = True

    def __init__(self, session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.units = _UnitNumbers(session, project_id)
        self.words = _reply_words()
        self.reply: str | None = None

    def clean(self, key: str, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if key == "unit_no":
            return accounts.clean_unit_no(value)
        if key == "result":
            state = self.words.get(_fold(value))
            if state is None:
                raise UserError("accounts.error.bad_reply", field="result", value=value,
                                allowed=f"{_('accounts.reply.confirmed')} / {_('accounts.reply.disputed')}")
            return state
        return accounts.clean("line", "dispute_reason" if key == "reason" else "evidence_ref", value)

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        return {"unit_no": lambda: self.units.no_of.get(row["unit_id"]), "result": lambda: row["state"],
                "reason": lambda: row["dispute_reason"], "evidence": lambda: row["evidence_ref"]}[key]()

    def same(self, key: str, row: Mapping[str, Any], value: Any) -> bool:
        """A blank cell, the unit number (a check, not a change), a reply the line already meets (a settled line
        is confirmed, a carved-out one disputed), a reason or evidence given with anything but a dispute: no
        change."""
        if value is None or key == "unit_no":
            return True
        if key == "result":
            return row["state"] == value or (row["state"], value) in _MET
        if self.reply not in NEEDS_REASON:
            return True
        return self.current(key, row) == value

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        return {{"result": "state", "reason": "dispute_reason", "evidence": "evidence_ref"}[key]: value}

    def check(self, stored, values) -> list[tuple[str, str]]:
        """A line named by id, of the unit named; a move the rules allow; a dispute's reason. Remembers the row's
        reply (`reply`) for the comparisons of its reason and evidence, which the planner makes next."""
        self.reply = values.get("result")
        if stored is None:
            return [("public_id", _("accounts.error.reply_needs_line"))]
        unit = values.get("unit_no")
        if unit is not None and unit != self.units.no_of.get(stored["unit_id"]):
            return [("unit_no", _("accounts.error.reply_other_unit", id=stored["public_id"],
                                  unit=self.units.no_of.get(stored["unit_id"], "")))]
        new = values.get("result")
        if new is None or new == stored["state"] or (stored["state"], new) in _MET:
            return []
        if not can_move(LineState(stored["state"]), LineState(new)):
            return [("result", _("accounts.error.bad_move", value=stored["public_id"],
                                 old=accounts.label("state", stored["state"]),
                                 new=accounts.label("state", new)))]
        if new in NEEDS_REASON and not (values.get("reason") or stored["dispute_reason"]):
            return [("reason", _("accounts.error.reason_required"))]
        return []

    def before_apply(self, changed: list[RowChanges]) -> None:
        """A dispute without evidence named has the returned statement as its evidence."""
        for change in changed:
            state = change.columns.get("state", change.row["state"])
            if state in NEEDS_REASON and not change.columns.get("evidence_ref", change.row["evidence_ref"]):
                change.columns["evidence_ref"] = _("accounts.import.reply_evidence")

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False


#: (stored state, reply) pairs the line already meets.
_MET = {("settled", "confirmed"), ("carved_out", "disputed")}
