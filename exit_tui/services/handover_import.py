"""The handover registers as import targets (services/imports.py): documents, facilities, keys and inspection
items read back from their sheets by public id. Every cell is checked by the same cleaner as a form's value
(services/handover.FIELDS); a name is one text stored in both languages; an inspection item's state moves only as
the state rules allow. A list sent by the developer, the committee or the incoming company is imported the same
way: its rows without our ids are new, and the preview names what is on the register but not in their list.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from ..db.models import Document, Facility, HandoverKey, InspectionItem
from ..domain.handover import PREFIX, InspectionState, KeyKind, can_move, key_discrepancy
from ..i18n import _, pick
from . import handover
from .errors import UserError
from .imports import ImportField, ImportTarget

#: Fields stored as a yes/no code in the sheet and a bool in the table.
_FLAGS = ("owners_money", "account_handed")
#: CHOICE fields -> their label group (handover.label).
_GROUPS = {"category": None, "form": "form", "status": "status", "condition": "condition", "method": "method",
           "kind": "key_kind", "state": "state"}


class HandoverImport(ImportTarget):
    """What the four handover registers share; a subclass names its register, sheet and fields."""

    register: ClassVar[str]
    group_of_category: ClassVar[str | None] = None
    report_absent = True

    def clean(self, key: str, value: Any) -> Any:
        return handover.clean(self.register, key, value)

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        if key == "name":
            return pick(row["name_zh"], row["name_en"])
        if key in _FLAGS:
            return bool(row[key])
        return row[key]

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        return handover.columns(key, value)

    def describe(self, values: Mapping[str, Any]) -> str:
        """The item's name (an inspection item's description), shown beside a new or an absent row."""
        return str(values.get("name") or values.get("description") or "")

    def show(self, key: str, value: Any) -> str:
        if value is None:
            return ""
        if key in _FLAGS:
            return handover.label("flag", "yes" if value else "no")
        if key == "area_m2":
            return handover.area_text(value)
        if key in _GROUPS:
            return handover.label(_GROUPS[key] or self.group_of_category, value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


def _fields(register: str, required: tuple[str, ...]) -> tuple[ImportField, ...]:
    return tuple(ImportField(key, required=key in required) for key in handover.FIELDS[register])


class DocumentImport(HandoverImport):
    register, sheet, table, prefix = "document", "documents", Document.__table__, PREFIX["document"]
    group_of_category = "doc_category"
    fields = _fields("document", ("name",))
    content = ("name",)
    columns = ("name_zh", "name_en")


class FacilityImport(HandoverImport):
    register, sheet, table, prefix = "facility", "facilities", Facility.__table__, PREFIX["facility"]
    group_of_category = "facility_category"
    fields = _fields("facility", ("name",))
    content = ("name", "location")
    columns = ("name_zh", "name_en")


class KeyImport(HandoverImport):
    register, sheet, table, prefix = "key", "keys", HandoverKey.__table__, PREFIX["key"]
    fields = _fields("key", ("name",))
    content = ("name",)
    columns = ("name_zh", "name_en")

    def notes_for(self, stored, values) -> list[tuple[str, str]]:
        """Counts handed out and received that the import leaves unequal (where they were equal, or on a new
        row): the discrepancy the keys register shows in red, said in the preview before it is applied."""
        def counts(row: Mapping[str, Any]) -> tuple[str, int, int]:
            return (row.get("kind", KeyKind.KEY.value), row.get("handed_out", 0), row.get("received", 0))

        before = counts(stored) if stored else None
        after = counts({**(stored or {}), **values})
        if not key_discrepancy(*after) or (before is not None and key_discrepancy(*before)):
            return []
        _kind, handed_out, received = after
        key = "received" if "received" in values else "handed_out"
        return [(key, _("handover.import.unbalanced", handed_out=handed_out, received=received))]


class InspectionImport(HandoverImport):
    register, sheet, table, prefix = "inspection", "inspections", InspectionItem.__table__, PREFIX["inspection"]
    fields = _fields("inspection", ("description",))
    content = ("description",)
    report_absent = False  # a punch list is the project's own

    def __init__(self, session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.refs: set[str] | None = None

    def clean_item_ref(self, value: Any) -> str | None:
        ref = handover.clean("inspection", "item_ref", value)
        if ref is not None:
            if self.refs is None:  # every document, facility and key id of the project, read once
                self.refs = set(handover.item_names(self.session, self.project_id))
            if ref not in self.refs:
                raise UserError("handover.error.unknown_item", field="item_ref", value=ref)
        return ref

    def clean(self, key: str, value: Any) -> Any:
        return self.clean_item_ref(value) if key == "item_ref" else super().clean(key, value)

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """A state the rules do not allow from the stored one; a dispute without its reason."""
        old = InspectionState(stored["state"]) if stored else InspectionState.OPEN
        state = values.get("state", old)
        reason = values.get("dispute_reason", stored["dispute_reason"] if stored else "")
        if stored and not can_move(old, InspectionState(state)):
            return [("state", _("handover.error.bad_move", old=handover.label("state", old),
                                new=handover.label("state", state)))]
        if state == InspectionState.DISPUTED and not reason:
            return [("dispute_reason", _("handover.error.reason_required"))]
        return []
