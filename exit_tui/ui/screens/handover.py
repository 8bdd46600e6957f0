"""Handover and joint inspection: the registers of documents (D-), facilities and equipment (A-), keys and
accounts (K-), the inspection punch list (I-) and the handover batches (B-) the three parties sign — one tab each.

The tables and forms take their headers, kinds and choices from the registers' sheet declarations (io/spec.py), so
the screen, the form, the sheet and the import say the same thing. Items marked with `space` on any register tab
are gathered into a batch with `b`; enter on a batch opens it (outcomes, signing, amendments).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Select

from ...domain.handover import OWED
from ...i18n import _, _n
from ...io.spec import DOCUMENTS, FACILITIES, INSPECTIONS, KEYS, SheetSpec
from ..modals.batch import BatchScreen, gather_form, parties_form
from ..modals.record_form import RecordForm, form_columns
from ..requests import HandoverRequest
from ..widgets.register_table import Column, Pieces, RegisterTable, Totals, field_texts
from .register_screen import RegisterScreen, RegisterTab

SPECS: dict[str, SheetSpec] = {"document": DOCUMENTS, "facility": FACILITIES, "key": KEYS, "inspection": INSPECTIONS}
ITEM_TABS = ("document", "facility", "key")
"""The registers whose items go into batches."""

MAX_CHOICE_WIDTH = 13
"""A choice column is as wide as its longest label, up to this."""
STATE_STYLES = {"open": "warning", "assigned": "info", "recheck": "accent", "closable": "success", "closed": "dim",
                "disputed": "error"}
STATUS_STYLES = {"pending": "", "ready": "info", "handed": "success", "missing": "error"}
CONDITION_STYLES = {"unchecked": "dim", "good": "success", "fair": "", "poor": "error"}
NEXT_STATE = {"open": "assigned", "assigned": "recheck", "recheck": "closable", "closable": "closed"}
"""`n` moves an inspection item one step along the usual path."""


def _labels(spec: SheetSpec, key: str) -> dict[str, str]:
    column = spec.column(key)
    return {code: column.label(code) for code in column.choices}


def _choice(spec: SheetSpec, key: str, width: int, styles: dict[str, str] | None = None, **kw: Any) -> Column:
    """A choice column of a sheet, shown by its labels (coloured by `styles`)."""
    labels = _labels(spec, key)
    width = min(max(width, *map(cell_len, labels.values())), MAX_CHOICE_WIDTH)  # "To re-inspect" whole
    cell = None
    if styles:
        def cell(row: Any, key=key) -> Pieces:
            code = getattr(row, key)
            return [(labels.get(code, code), styles.get(code, ""))]
    return Column(key, spec.column(key).header, width, kind="choice", labels=labels, cell=cell, **kw)


def _text(spec: SheetSpec, key: str, width: int, **kw: Any) -> Column:
    return Column(key, spec.column(key).header, width, **kw)


def _id(row: Any) -> Pieces:
    return [(row.public_id, "dim")]


def _flag(value: bool) -> str:
    return _("handover.flag.yes") if value else ""


def document_columns() -> list[Column]:
    s = DOCUMENTS
    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id, cell=_id),
        _choice(s, "category", 14, optional=True),
        _text(s, "name", 24, flex=1),
        _text(s, "copies", 6, kind="int"),
        _choice(s, "form", 8),
        _text(s, "holder", 10, optional=True),
        _choice(s, "status", 8, STATUS_STYLES),
        _text(s, "legal_basis", 12, optional=True, get=lambda r: r.legal_basis or "",
              cell=lambda r: [(r.legal_basis or "", "dim")]),
    ]


def _area(row: Any) -> str:
    return "" if row.area_m2 is None else f"{row.area_m2 // 100}.{row.area_m2 % 100:02d}"


def facility_columns() -> list[Column]:
    s = FACILITIES
    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id, cell=_id),
        _text(s, "code", 10, optional=True),
        _text(s, "name", 18, flex=1,
              cell=lambda r: [(r.name, ""), (" ¥", "accent")] if r.owners_money else r.name),
        _choice(s, "category", 10, optional=True),
        _text(s, "location", 12, optional=True),
        Column("quantity", s.column("quantity").header, 8, kind="int", align="right",
               get=lambda r: r.quantity, cell=lambda r: f"{r.quantity} {r.unit}".strip() if r.quantity else "-"),
        Column("area_m2", s.column("area_m2").header, 9, kind="int", optional=True, get=lambda r: r.area_m2,
               cell=_area),
        _choice(s, "condition", 8, CONDITION_STYLES),
        _choice(s, "method", 6, optional=True),
        _text(s, "result", 12, optional=True),
    ]


def _check(row: Any) -> Pieces:
    if row.kind == "account":
        return [(_("handover.flag.yes") if row.account_handed else _("handover.account_open"),
                 "success" if row.account_handed else "warning")]
    if row.discrepancy:
        return [(f"{_('handover.discrepancy')} {row.received - row.handed_out:+d}", "error")]
    return [("✓", "success")]


def key_columns() -> list[Column]:
    s = KEYS
    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id, cell=_id),
        _text(s, "name", 20, flex=1),
        _choice(s, "kind", 8),
        _text(s, "handed_out", 8, kind="int"),
        _text(s, "received", 8, kind="int"),
        Column("discrepancy", s.column("discrepancy").header, 12, get=lambda r: r.discrepancy, cell=_check),
        _text(s, "handed_to", 10, optional=True),
        _text(s, "handed_on", 10, kind="date", optional=True),
    ]


def inspection_columns(today: date) -> list[Column]:
    s = INSPECTIONS

    def deadline(row: Any) -> Pieces:
        if row.deadline is None:
            return ""
        late = row.state != "closed" and row.deadline < today
        return [(row.deadline.isoformat() + (" !" if late else ""), "error" if late else "")]

    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id, cell=_id),
        _text(s, "description", 24, flex=1),
        _text(s, "item_ref", 8, optional=True, get=lambda r: r.item_ref or ""),
        _text(s, "responsible", 14),
        Column("deadline", s.column("deadline").header, 12, kind="date", get=lambda r: r.deadline, cell=deadline),
        _choice(s, "state", 8, STATE_STYLES),
        _text(s, "recheck_on", 10, kind="date", optional=True),
        _text(s, "raised_by", 8, optional=True),
    ]


def batch_columns() -> list[Column]:
    def signed(batch: Any) -> Pieces:
        if not batch.signed:
            return [(_("handover.unsigned"), "warning")]
        day = max((s.signed_on for s in batch.signatures if s.signed_on), default=None)
        return [(_("handover.signed_on", day=day.isoformat() if day else ""), "success")]

    def owed(batch: Any) -> int:
        return sum(item.outcome in OWED for item in batch.items)

    return [
        Column("id", _("col.id"), 7, get=lambda b: b.public_id, cell=_id),
        Column("title", _("handover.col.batch_title"), 20, flex=1, get=lambda b: b.title),
        Column("created_on", _("handover.col.created_on"), 10, kind="date", optional=True),
        Column("items", _("handover.col.items"), 6, kind="int", get=lambda b: len(b.items)),
        Column("owed", _("handover.col.owed"), 8, kind="int", get=owed,
               cell=lambda b: [(str(owed(b)), "error" if owed(b) else "dim")]),
        Column("amendments", _("handover.col.amendments"), 6, kind="int", optional=True,
               get=lambda b: len(b.amendments)),
        Column("signed", _("handover.col.signed"), 18, get=lambda b: b.signed, cell=signed),
    ]


#: Tab -> the choices of its filter drop-down: (catalog key, predicate); the first shows every row.
FILTERS: dict[str, list[tuple[str, Callable[[Any], bool] | None]]] = {
    "document": [("handover.filter.all", None),
                 *((f"handover.status.{c}", lambda r, c=c: r.status == c) for c in STATUS_STYLES)],
    "facility": [("handover.filter.all", None), ("handover.filter.poor", lambda r: r.condition == "poor"),
                 ("handover.filter.unchecked", lambda r: r.condition == "unchecked"),
                 ("handover.filter.owners_money", lambda r: r.owners_money),
                 ("handover.filter.premises", lambda r: r.category == "premises")],
    "key": [("handover.filter.all", None), ("handover.filter.discrepancy", lambda r: r.discrepancy),
            ("handover.filter.accounts", lambda r: r.kind == "account")],
    "inspection": [("handover.filter.all", None), ("filter.open", lambda r: r.state != "closed"),
                   *((f"handover.state.{c}", lambda r, c=c: r.state == c) for c in STATE_STYLES)],
    "batch": [("handover.filter.all", None), ("handover.unsigned", lambda b: not b.signed),
              ("handover.filter.signed", lambda b: b.signed)],
}


class HandoverScreen(RegisterScreen):
    BINDINGS = [
        Binding("slash", "focus_filter", "key.filter", tooltip="tip.handover_filter", id="filter"),
        Binding("a", "add", "key.add", tooltip="tip.handover_add", id="add"),
        Binding("d,delete", "delete", "key.delete", tooltip="tip.handover_delete", id="delete"),
        Binding("b", "batch", "key.to_batch", tooltip="tip.to_batch", id="batch"),
        Binding("n", "next_state", "key.next_state", tooltip="tip.next_state", show=False, id="next-state"),
        Binding("t", "parties", "key.parties", tooltip="tip.parties", show=False, id="parties"),
        Binding("f", "cycle_filter", "key.choice_filter", tooltip="tip.choice_filter", show=False,
                id="choice-filter"),
    ]

    TABS = tuple(
        RegisterTab(register, f"handover.register.{register}", "handover.list_items", "handover.delete_item",
                    view_name=f"handover.register.{register}", placeholder="handover.filter_placeholder")
        for register in ("document", "facility", "key", "inspection")
    ) + (RegisterTab("batch", "handover.register.batch", "handover.list_batches", "handover.delete_batch",
                     view_name="handover.register.batch", placeholder="handover.filter_placeholder"),)

    def __init__(self) -> None:
        super().__init__()
        self._choices: dict[str, int] = {}
        """Tab -> the filter drop-down's choice its table was left with."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        register = self.tab.id
        if register == "inspection":
            return inspection_columns(self.app.today)
        return {"document": document_columns, "facility": facility_columns, "key": key_columns,
                "batch": batch_columns}[register]()

    def search_text(self, row: Any) -> str:
        values = field_texts(row)
        if self.tab.id == "batch":
            values += [f"{item.item_ref} {item.name}" for item in row.items]
        return " ".join(values)

    def make_table(self) -> RegisterTable:
        counters = {"discrepancy": lambda r: r.discrepancy} if self.tab.id == "key" else None
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text, counters=counters,
                             id=self.table_id())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Marking and `b` belong to the registers whose items go into batches; `n` to the punch list."""
        if action in ("mark", "batch"):
            return self.tab.id in ITEM_TABS
        if action == "next_state":
            return self.tab.id == "inspection"
        return super().check_action(action, parameters)

    def reload(self, keep: str | None = None) -> None:
        """Read the shown tab again; a request from another screen (the dashboard's card) first picks the tab
        and its filter."""
        request = self.take_request()
        if isinstance(request, HandoverRequest):
            keys = [key for key, _predicate in FILTERS[request.tab]]
            self._choices[request.tab] = keys.index(request.filter) if request.filter in keys else 0
            self._keep = request.key or self._keep
            if self.switch_for_request(request.tab):
                return  # read once shown
            self.tab_shown()
        super().reload(keep)

    def load_args(self) -> tuple:
        if self.tab.id == "batch":
            return (self.app.project.id,)
        return (self.app.project.id, self.tab.id)

    def delete_args(self) -> tuple:
        return self.load_args()

    def compose_filters(self) -> ComposeResult:
        yield Select(self._filter_options(), value=0, allow_blank=False, id="choice")

    def _filter_options(self) -> list[tuple[str, int]]:
        return [(_(key), i) for i, (key, _predicate) in enumerate(FILTERS[self.tab.id])]

    def tab_shown(self) -> None:
        """The drop-down lists the new tab's choices, on the one this tab's table was left with."""
        select = self.query_one("#choice", Select)
        choice = self._choices.get(self.tab.id, 0)
        with self.prevent(Select.Changed):
            select.set_options(self._filter_options())
            select.value = choice
        self.table.set_predicate(FILTERS[self.tab.id][choice][1])

    def count_text(self, totals: Totals) -> str:
        text = super().count_text(totals)
        marked = len(self.marked_items())
        if marked > (totals.marked if self.tab.id in ITEM_TABS else 0):  # items marked on other tabs too
            text += "  " + _n("handover.marked_all", marked, n=marked)
        discrepancies = totals.counts.get("discrepancy", 0)
        return text + ("  " + _n("handover.discrepancies", discrepancies, n=discrepancies) if discrepancies else "")

    # -- filter -------------------------------------------------------------------------------------------

    @on(Select.Changed, "#choice")
    def choice_changed(self, event: Select.Changed) -> None:
        choice = event.value if isinstance(event.value, int) else 0
        self._choices[self.tab.id] = choice
        self.table.set_predicate(FILTERS[self.tab.id][choice][1])

    def action_cycle_filter(self) -> None:
        select = self.query_one("#choice", Select)
        select.value = (select.value + 1) % len(FILTERS[self.tab.id])

    # -- rows ---------------------------------------------------------------------------------------------

    def _form(self, row: Any | None, **options: Any) -> RecordForm:
        register = self.tab.id
        spec = SPECS[register]
        columns = form_columns(spec)
        project = self.app.project.id
        if row is None:
            heading = _("handover.form.add", register=_(f"handover.register.{register}"))
            return RecordForm(heading, columns, "handover.add_item", (project, register), **options)
        values = {c.key: getattr(row, c.key, None) for c in columns}
        heading = _("handover.form.edit", id=row.public_id)
        return RecordForm(heading, columns, "handover.update_item", (project, register, row.public_id),
                          values=values, **options)

    def add(self) -> None:
        if self.tab.id == "batch":
            self._gather(self.marked_items())
        elif self.tab.id == "inspection":  # an inspection round: item after item, ctrl+s for the next
            self.app.push_screen(self._form(None, keep_open=True, focus="description",
                                            clear_after=("item_ref", "description", "evidence")),
                                 lambda saved: self.reload(keep=saved))
        else:
            self.app.push_screen(self._form(None), self._saved)

    def edit(self, row: Any) -> None:
        if self.tab.id == "batch":
            self.app.push_screen(BatchScreen(self.app.project.id, row.public_id), lambda _changed: self.reload())
        else:
            self.app.push_screen(self._form(row), self._saved)

    def _saved(self, public_id: str | None) -> None:
        if public_id:
            self.reload(keep=public_id)

    def delete_prompt(self, row: Any) -> tuple[str, str]:
        name = getattr(row, "name", None) or getattr(row, "description", None) or getattr(row, "title", "")
        return _("handover.confirm_delete_title"), _("handover.confirm_delete", id=row.public_id, name=name)

    def deleted(self, key: str) -> None:
        self.notify(_("checklist.deleted", id=key))
        super().deleted(key)

    # -- batches ------------------------------------------------------------------------------------------

    def marked_items(self) -> list[str]:
        """The items marked on the documents, facilities and keys tabs, in their order."""
        return [key for register in ITEM_TABS for key in self._tables[register].shown_keys()
                if key in self._tables[register].marked]

    def action_batch(self) -> None:
        """`b`: the items marked (on any register tab) into a new or an unsigned batch."""
        self._gather(self.marked_items())

    def _gather(self, items: list[str]) -> None:
        def loaded(batches: list) -> None:
            def gathered(batch_id: str | None) -> None:
                if batch_id:
                    for register in ITEM_TABS:
                        self._tables[register].clear_marks()
                    self.notify(_("handover.gathered", id=batch_id))
                    self.reload()

            self.app.push_screen(gather_form(self.app.project.id, items, batches), gathered)

        self.app.call_service("handover.list_batches", self.app.project.id, then=loaded)

    def action_parties(self) -> None:
        """`t`: the three parties (company and representative), printed in every signature block."""
        self.app.call_service("handover.list_parties", self.app.project.id,
                              then=lambda parties: self.app.push_screen(parties_form(self.app.project.id, parties)))

    # -- inspection ---------------------------------------------------------------------------------------

    def action_next_state(self) -> None:
        """`n`: an inspection item one step on (待分派 → 已分派 → 待复查 → 可关闭 → 已关闭)."""
        if self.tab.id != "inspection":
            return
        row = self.current_row()
        if row is None:
            return
        new = NEXT_STATE.get(row.state)
        if new is None:
            self.notify(_("handover.no_next_state", id=row.public_id), severity="warning")
            return

        def moved(item: Any) -> None:
            self.table.update_row(item.public_id, item)
            self.notify(_("handover.state_now", id=item.public_id,
                          state=INSPECTIONS.column("state").label(item.state)))

        self.app.call_service("handover.move_inspection", self.app.project.id, row.public_id, new, then=moved)

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.to_batch"), _("tip.to_batch"), self.action_batch),
            (_("key.parties"), _("tip.parties"), self.action_parties),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]

