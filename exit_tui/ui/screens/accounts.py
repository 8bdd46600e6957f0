"""Accounts: every unit's balance with the company at the settlement cut-off, each unit's ledger lines and the
project's own ledgers — one tab each — and the reconciliation with owners: a line is confirmed, disputed (with
its reason and evidence), carved out of the settlement, or settled, one key per state, on the marked lines at
once. Amounts are integer fen throughout; the totals line sums the rows shown, exactly.

Enter on a unit opens its lines (the lines tab, narrowed to that unit; escape widens it again).
"""

from collections.abc import Callable
from functools import cache
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select

from ...domain.accounts import CLOSED_STATES, Direction, LedgerKind, LineCategory, LineState
from ...domain.money import AmountParseError, format_fen, parse_fen
from ...i18n import _, _n, get_language
from ...io.spec import LEDGERS, LINES, UNITS
from ..modals.confirm import ConfirmScreen
from ..modals.record_form import RecordForm, field_column, form_columns
from ..requests import AccountsRequest
from ..widgets.register_table import Column, Pieces, RegisterTable, Totals, field_texts
from .register_screen import RegisterScreen, RegisterTab

SPECS = {"unit": UNITS, "line": LINES, "ledger": LEDGERS}
STATE_STYLES = {"unconfirmed": "", "confirmed": "info", "disputed": "error", "carved_out": "warning",
                "settled": "success"}


def state_label(code: str) -> str:
    return _(f"accounts.state.{code}")


def _money(key: str, header: str, get: Callable[[Any], int], width: int = 12, **kw: Any) -> Column:
    return Column(key, header, width, kind="money", get=get, **kw)


def _unit_state(unit: Any) -> Pieces:
    """✓ when every line is confirmed, settled or carved out; else what is still open."""
    if not unit.lines:
        return [("-", "dim")]
    if unit.closed:
        return [("✓ " + _("accounts.unit_closed"), "success")]
    parts = []
    if unit.disputed:
        parts.append((_("accounts.unit_disputed", n=unit.disputed), "error"))
    if unit.unconfirmed:
        parts.append((_("accounts.unit_open", n=unit.unconfirmed), ""))
    return [(text + (" " if i < len(parts) - 1 else ""), style) for i, (text, style) in enumerate(parts)]


def unit_columns() -> list[Column]:
    s = UNITS
    return [
        Column("unit_no", s.column("unit_no").header, 10),
        Column("building", s.column("building").header, 6, optional=True),
        Column("owner", s.column("owner").header, 10, flex=1),
        Column("phone", s.column("phone").header, 12, optional=True),
        _money("owes", _("accounts.col.owes"), lambda u: u.owes_fen),
        _money("owed", _("accounts.col.owed"), lambda u: u.owed_fen),
        _money("net", _("accounts.col.net"), lambda u: u.net_fen, optional=True),
        Column("state", _("accounts.col.state"), 14, get=lambda u: (not u.closed, u.disputed), cell=_unit_state),
    ]


def _period(line: Any) -> str:
    if line.period_start is None and line.period_end is None:
        return ""
    start = line.period_start.isoformat() if line.period_start else ""
    end = line.period_end.isoformat() if line.period_end else ""
    return f"{start}~{end}"


def line_columns() -> list[Column]:
    s = LINES
    categories = {c.value: _(f"accounts.category.{c.value}") for c in LineCategory}
    states = {c.value: state_label(c.value) for c in LineState}
    return [
        Column("id", s.column("public_id").header, 8, get=lambda r: r.public_id, cell=lambda r: [(r.public_id, "dim")]),
        Column("unit_no", s.column("unit_no").header, 10),
        Column("category", s.column("category").header, min(max(map(cell_len, categories.values())), 12),
               kind="choice", labels=categories),
        Column("period", _("accounts.col.period"), 21, optional=True, get=lambda r: r.period_start, cell=_period),
        _money("amount", s.column("amount_fen").header, lambda r: r.amount_fen, optional=True),
        _money("owes", _("accounts.col.owes"), lambda r: r.due_fen if r.direction == "owes" else 0,
               cell=lambda r: format_fen(r.due_fen) if r.direction == "owes" else ""),
        _money("owed", _("accounts.col.owed"), lambda r: r.due_fen if r.direction == "owed" else 0,
               cell=lambda r: format_fen(r.due_fen) if r.direction == "owed" else ""),
        Column("state", s.column("state").header, min(max(map(cell_len, states.values())), 12), kind="choice",
               labels=states,
               cell=lambda r: [(states.get(r.state, r.state), STATE_STYLES.get(r.state, ""))]),
        Column("reason", _("accounts.col.reason"), 12, flex=1, optional=True,
               get=lambda r: r.dispute_reason or r.source_ref),
    ]


def ledger_columns() -> list[Column]:
    s = LEDGERS
    kinds = {k.value: _(f"accounts.kind.{k.value}") for k in LedgerKind}
    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id, cell=lambda r: [(r.public_id, "dim")]),
        Column("kind", s.column("kind").header, 12, kind="choice", labels=kinds),
        Column("description", s.column("description").header, 16, flex=1),
        Column("counterparty", s.column("counterparty").header, 12, optional=True),
        Column("day", s.column("day").header, 10, kind="date", optional=True),
        _money("amount", s.column("amount_fen").header, lambda r: r.amount_fen),
        Column("source_ref", s.column("source_ref").header, 10, optional=True),
    ]


def row_search_text(row: Any) -> str:
    """What `/` looks in: every text of the row (unit number, owner, phone, document, reason, note …), a code
    with its label too (`arrears 物业费欠费`)."""
    labels = _code_labels(get_language())
    texts = field_texts(row)
    return " ".join(texts + [labels[text] for text in texts if text in labels])


@cache
def _code_labels(language: str) -> dict[str, str]:
    """Every code of a line or a ledger (category, direction, state, kind) -> its label in `language`."""
    groups = {"category": LineCategory, "direction": Direction, "state": LineState, "kind": LedgerKind}
    return {code.value: _(f"accounts.{group}.{code.value}") for group, codes in groups.items() for code in codes}


def parse_range(text: str) -> tuple[int | None, int | None] | None:
    """An amount range as typed: `100-500`, `>1000`, `<50`, `1,000~2,000`, `¥300` (exactly) -> (low, high) fen;
    None when it is not one (the box then shows an error)."""
    text = text.strip().replace("~", "-").replace("～", "-").replace("—", "-")
    if not text:
        return (None, None)
    try:
        if text.startswith((">", "≥")):
            return (parse_fen(text.lstrip(">≥=").strip()), None)
        if text.startswith(("<", "≤")):
            return (None, parse_fen(text.lstrip("<≤=").strip()))
        if "-" in text.strip("-"):
            low, high = text.split("-", 1)
            return (parse_fen(low.strip()), parse_fen(high.strip()))
        exact = parse_fen(text)
    except AmountParseError:
        return None
    return (exact, exact)


OPEN_STATES = frozenset(s.value for s in LineState if s not in CLOSED_STATES)
"""The states that keep a unit open (unconfirmed, disputed)."""
FILTER_STATES = ("", "open", *(s.value for s in LineState))
"""The lines tab's state choices: all, open (unconfirmed or disputed), each state."""


class AccountsScreen(RegisterScreen):
    BINDINGS = [
        Binding("c", "move('confirmed')", "key.confirm_line", tooltip="tip.confirm_line", id="confirm"),
        Binding("x", "move('disputed')", "key.dispute_line", tooltip="tip.dispute_line", id="dispute"),
        Binding("o", "move('carved_out')", "key.carve_out", tooltip="tip.carve_out", show=False, id="carve-out"),
        Binding("s", "move('settled')", "key.settle_line", tooltip="tip.settle_line", show=False, id="settle"),
        Binding("u", "move('unconfirmed')", "key.unconfirm_line", tooltip="tip.unconfirm_line", show=False,
                id="unconfirm"),
        Binding("K", "cutoff", "key.cutoff", tooltip="tip.cutoff", show=False, id="cutoff"),
        Binding("w", "statements", "key.statements", tooltip="tip.statements", show=False, id="statements"),
        Binding("escape", "clear_filter", "key.clear_filter", tooltip="tip.accounts_clear", show=False,
                id="clear-filter"),
    ]

    TABS = (
        RegisterTab("unit", "accounts.tab.unit", "accounts.list_units", "accounts.delete_item",
                    view_name="accounts.tab.unit", placeholder="accounts.filter_placeholder"),
        RegisterTab("line", "accounts.tab.line", "accounts.list_lines", "accounts.delete_item",
                    view_name="accounts.tab.line", placeholder="accounts.filter_placeholder"),
        RegisterTab("ledger", "accounts.tab.ledger", "accounts.list_ledgers", "accounts.delete_item",
                    view_name="accounts.tab.ledger", placeholder="accounts.filter_placeholder"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.unit: str | None = None
        """The unit whose lines the lines tab shows (enter on a unit), or None for every unit's."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return {"unit": unit_columns, "line": line_columns, "ledger": ledger_columns}[self.tab.id]()

    def key_of(self, row: Any) -> str:
        return row.public_id

    def search_text(self, row: Any) -> str:
        return row_search_text(row)

    def make_table(self) -> RegisterTable:
        counters = None
        if self.tab.id == "unit":
            counters = {"closed": lambda u: u.closed}
        elif self.tab.id == "line":
            counters = {"disputed": lambda r: r.state == "disputed"}
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text, counters=counters,
                             id=self.table_id())

    def load_args(self) -> tuple:
        return (self.app.project.id,)

    def delete_args(self) -> tuple:
        return (self.app.project.id, self.tab.id)

    def compose_filters(self) -> ComposeResult:
        yield Select([(_("accounts.filter.all_categories"), "")]
                     + [(_(f"accounts.category.{c.value}"), c.value) for c in LineCategory],
                     value="", allow_blank=False, id="category")
        labels = {"": _("accounts.filter.all_states"), "open": _("accounts.filter.open")}
        yield Select([(labels.get(s) or state_label(s), s) for s in FILTER_STATES], value="", allow_blank=False,
                     id="state")
        yield Input(placeholder=_("accounts.range_placeholder"), id="range")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """State keys belong to the lines tab (and to the units tab: they move every line of the marked units)."""
        if action == "move":
            return self.tab.id in ("line", "unit")
        return super().check_action(action, parameters)

    def tab_shown(self) -> None:
        for widget in ("#category", "#state", "#range"):
            self.query_one(widget).display = self.tab.id == "line"
        self._apply_filters()

    def on_mount(self) -> None:
        super().on_mount()
        self.tab_shown()

    def count_text(self, totals: Totals) -> str:
        text = super().count_text(totals)
        if self.tab.id == "line" and self.unit:
            text = _("accounts.unit_lines", unit=self.unit) + "  " + text
        if self.tab.id == "unit":
            text += "  " + _("accounts.units_closed", n=totals.counts.get("closed", 0), total=totals.shown)
        if self.tab.id == "ledger":  # the owners' public revenue: gross less its reasonable costs (民法典282)
            rows = self.table.shown_rows()
            net = sum(r.amount_fen for r in rows if r.kind == "revenue") - sum(
                r.amount_fen for r in rows if r.kind == "revenue_cost")
            text += "  " + _("accounts.revenue_net", amount=format_fen(net))
        if totals.counts.get("disputed"):
            text += "  " + _n("accounts.disputed_lines", totals.counts["disputed"], n=totals.counts["disputed"])
        return text

    # -- requests and loading -----------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        request = self.take_request()
        if isinstance(request, AccountsRequest):
            self.unit = request.unit
            with self.prevent(Select.Changed):
                self.query_one("#state", Select).value = request.state
            if request.tab != self.tab.id:
                self.query_one("#register-tabs").active = f"tab-{request.tab}"
                return
            self._apply_filters()
        super().reload(keep)

    # -- filters ------------------------------------------------------------------------------------------

    @on(Select.Changed, "#category")
    @on(Select.Changed, "#state")
    def filters_changed(self) -> None:
        self._apply_filters()

    @on(Input.Changed, "#range")
    def range_typed(self) -> None:
        self._apply_filters()

    def _apply_filters(self) -> None:
        """The lines tab's unit, category, state and amount range as its table's predicate."""
        if self.tab.id != "line":
            return
        unit, category = self.unit, self.query_one("#category", Select).value
        state = self.query_one("#state", Select).value
        box = self.query_one("#range", Input)
        bounds = parse_range(box.value)
        box.set_class(bounds is None, "-invalid")
        low, high = bounds or (None, None)
        if not (unit or category or state or low is not None or high is not None):
            self.table.set_predicate(None)
            return
        states = OPEN_STATES if state == "open" else {state} if state else None

        def keep(line: Any) -> bool:
            return ((unit is None or line.unit_no == unit) and (not category or line.category == category)
                    and (states is None or line.state in states)
                    and (low is None or line.amount_fen >= low) and (high is None or line.amount_fen <= high))

        self.table.set_predicate(keep)

    def action_clear_filter(self) -> None:
        """escape: the filter text first, then the unit the lines were narrowed to."""
        box = self.query_one("#filter", Input)
        if not box.value and self.tab.id == "line" and self.unit:
            self.unit = None
            self._apply_filters()
            self.show_count()
        super().action_clear_filter()

    # -- rows ---------------------------------------------------------------------------------------------

    def edit(self, row: Any) -> None:
        if self.tab.id == "unit":  # drill down: the unit's lines
            self.unit = row.unit_no
            self.query_one("#register-tabs").active = "tab-line"
            self._apply_filters()
            return
        self.app.push_screen(self._form(row), self._saved)

    def add(self) -> None:
        defaults = {"unit_no": self.unit} if self.tab.id == "line" and self.unit else None
        self.app.push_screen(self._form(None, defaults), self._saved)

    def _form(self, row: Any | None, defaults: dict | None = None) -> RecordForm:
        register = self.tab.id
        columns = [c for c in form_columns(SPECS[register]) if c.key != "state"]  # states move by their keys
        project = self.app.project.id
        if row is None:
            heading = _("accounts.form.add", register=_(f"accounts.tab.{register}"))
            return RecordForm(heading, columns, "accounts.add_item", (project, register), defaults=defaults)
        values = {c.key: getattr(row, c.key, None) for c in columns}
        return RecordForm(_("accounts.form.edit", id=row.public_id), columns, "accounts.update_item",
                          (project, register, row.public_id), values=values)

    def _saved(self, public_id: str | None) -> None:
        if public_id:
            self.reload(keep=public_id)

    def delete_prompt(self, row: Any) -> tuple[str, str]:
        name = getattr(row, "unit_no", "") or getattr(row, "description", "")
        return _("accounts.confirm_delete_title"), _("accounts.confirm_delete", id=row.public_id, name=name)

    # -- reconciliation -----------------------------------------------------------------------------------

    def _targets(self) -> list[str]:
        """The marked rows shown, or the one under the cursor."""
        table = self.table
        keys = [key for key in table.shown_keys() if key in table.marked] if table.marked else []
        if keys:
            return keys
        row = self.current_row()
        return [row.public_id] if row is not None else []

    def action_move(self, state: str) -> None:
        """The marked lines (on the units tab: every line of the marked units) to `state`; 有争议 asks for the
        reason and the evidence first."""
        targets = self._targets()
        if not targets:
            return
        if self.tab.id == "unit":
            units = [self.table.row(key).unit_no for key in targets]
            self.app.call_service("accounts.unit_line_ids", self.app.project.id, units, state,
                                  then=lambda ids: self._move(ids, state) if ids else self.notify(
                                      _("accounts.nothing_to_move", state=state_label(state)), severity="warning"))
            return
        self._move(targets, state)

    def _move(self, ids: list[str], state: str) -> None:
        if not ids:
            return
        project = self.app.project.id
        if state == "disputed":
            columns = [field_column("reason", _("accounts.field.reason"), required=True),
                       field_column("evidence", _("accounts.field.evidence"), required=True)]
            form = RecordForm(_n("accounts.form.dispute", len(ids), n=len(ids)), columns, "accounts.move_lines",
                              (project, ids, state))
            self.app.push_screen(form, lambda done: self._moved_all() if done is not None else None)
            return
        if len(ids) > 1:
            question = _n("accounts.confirm_move", len(ids), n=len(ids), state=state_label(state))

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.app.call_service("accounts.move_lines", project, ids, state, then=self._moved)

            self.app.push_screen(ConfirmScreen(_("accounts.confirm_move_title"), question), confirmed)
            return
        self.app.call_service("accounts.move_lines", project, ids, state, then=self._moved)

    def _moved(self, lines: list) -> None:
        """Each line changed is redrawn in place; the units' totals are read again when that tab is shown."""
        if self.tab.id == "line":
            table = self.table
            for line in lines:
                table.update_row(line.public_id, line)
            table.clear_marks()
            self._stale.add("unit")
        else:
            self.table.clear_marks()
            self.reload()
        if lines:
            self.notify(_n("accounts.moved", len(lines), n=len(lines), state=state_label(lines[0].state)))

    def _moved_all(self) -> None:
        self.table.clear_marks()
        self.reload()

    # -- statements ---------------------------------------------------------------------------------------

    def action_statements(self) -> None:
        """`w`: owner statements of the marked units, else of the units shown (all of them when none is filtered
        out), on the units tab; of the unit whose lines are shown, on the lines tab."""
        table = self._tables["unit"]
        if self.tab.id == "line" and self.unit:
            units: list[str] | None = [self.unit]
        elif table.marked:
            units = [table.row(key).unit_no for key in table.shown_keys() if key in table.marked]
        else:
            shown = table.shown_keys()
            units = None if len(shown) == table.totals().total else [table.row(key).unit_no for key in shown]
        count = len(units) if units is not None else table.totals().total
        if not count:
            self.notify(_("accounts.no_units"), severity="warning")
            return
        from ..modals.statements import StatementsDialog

        def written(result) -> None:
            if result is not None:
                self.notify(_("accounts.statements_done", units=result.units, lines=result.lines,
                              path=str(result.path)), timeout=10)

        self.app.push_screen(StatementsDialog(units, count), written)

    # -- cut-off ------------------------------------------------------------------------------------------

    def action_cutoff(self) -> None:
        """`K` (shift+k; k moves up): the settlement cut-off date; every prepaid line's split is shown before it is changed."""
        from ..modals.cutoff import CutoffForm

        self.app.push_screen(CutoffForm(self.app.project.id), lambda changed: self.reload() if changed else None)

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.cutoff"), _("tip.cutoff"), self.action_cutoff),
            (_("key.statements"), _("tip.statements"), self.action_statements),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]

