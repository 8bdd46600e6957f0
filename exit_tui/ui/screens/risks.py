"""Risks: two tabs, the risk register under the 5×5 heatmap of the open risks (impact across, likelihood up), and
the drill log. Enter on a heatmap cell narrows the register to the risks rated so (escape widens it again); the
register filters as you type and by status; the forms are made from the sheet declarations (io/spec.RISKS,
DRILLS), the risk's with its score over time. `t` makes a checklist task of a risk's mitigation work, `x` records
a drill of its plan, whose follow-up actions become checklist tasks, both linked back to the risk.
"""

from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select

from ...domain.risks import OPEN_STATUSES, Status
from ...i18n import _, _n
from ...io.spec import DRILLS, RISKS
from ..modals.record_form import RecordForm, field_column, form_columns
from ..requests import RisksRequest
from ..widgets.heatmap import SIZE, Heatmap
from ..widgets.register_table import Column, Pieces, RegisterTable, Totals
from ..widgets.score_trend import ScoreTrend
from .register_screen import RegisterScreen, RegisterTab

LEVEL_STYLES = {"low": "success", "medium": "info", "high": "warning", "extreme": "bold error"}
STATUS_STYLES = {"identified": "", "responding": "info", "occurred": "error", "closed": "dim"}
OPEN = frozenset(status.value for status in OPEN_STATUSES)


def risk_columns() -> list[Column]:
    s = RISKS
    levels = {code: _(f"risks.level.{code}") for code in LEVEL_STYLES}
    statuses = {code.value: _(f"risks.status.{code.value}") for code in Status}

    def level(risk: Any) -> Pieces:
        return [(f"{risk.score:>2} {levels.get(risk.level, risk.level)}", LEVEL_STYLES.get(risk.level, ""))]

    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id, cell=lambda r: [(r.public_id, "dim")]),
        Column("title", s.column("title").header, 20, flex=1),
        Column("category", s.column("category").header, 6, kind="choice",
               labels={code: _(f"risks.category.{code}") for code in ("handover", "owners", "staff", "safety",
                                                                      "finance", "reputation", "contract", "data")}),
        Column("score", _("risks.col.score"), 3 + max(map(cell_len, levels.values())), kind="int", align="left",
               get=lambda r: r.score, cell=level),
        Column("owner", s.column("owner").header, 10, optional=True),
        Column("status", s.column("status").header, min(max(map(cell_len, statuses.values())), 10), kind="choice",
               labels=statuses,
               cell=lambda r: [(statuses.get(r.status, r.status), STATUS_STYLES.get(r.status, ""))]),
        Column("next_review", s.column("next_review").header, 10, kind="date", optional=True),
    ]


def drill_columns() -> list[Column]:
    d = DRILLS
    return [
        Column("id", d.column("public_id").header, 7, get=lambda r: r.public_id,
               cell=lambda r: [(r.public_id, "dim")]),
        Column("risk", d.column("risk").header, 8),
        Column("risk_title", RISKS.column("title").header, 12, flex=1, optional=True),
        Column("held_on", d.column("held_on").header, 10, kind="date"),
        Column("scenario", d.column("scenario").header, 16, flex=1),
        Column("participants", d.column("participants").header, 12, optional=True),
        Column("findings", d.column("findings").header, 16, flex=1, optional=True),
        Column("tasks", _("risks.col.tasks"), 5, kind="int", get=lambda r: len(r.tasks),
               cell=lambda r: str(len(r.tasks)) if r.tasks else [("-", "dim")]),
    ]


class RiskForm(RecordForm):
    """The risk's form, with its score over time (read from the audit log) above the fields."""

    def __init__(self, *args: Any, risk: str, levels: tuple[tuple[str, ...], ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.risk, self.levels = risk, levels

    def compose_header(self) -> ComposeResult:
        yield ScoreTrend(id="score-trend")

    def on_mount(self) -> None:
        super().on_mount()
        self.app.call_service("risks.score_history", self.app.project.id, self.risk, then=self._history)

    def _history(self, points: list) -> None:
        levels = self.levels
        self.query_one(ScoreTrend).show(points, self.app.today,
                                        lambda likelihood, impact: levels[likelihood - 1][impact - 1])


class RisksScreen(RegisterScreen):
    BINDINGS = [
        Binding("t", "task", "key.risk_task", tooltip="tip.risk_task", id="risk-task"),
        Binding("x", "drill", "key.risk_drill", tooltip="tip.risk_drill", id="risk-drill"),
        Binding("g", "heatmap", "key.heatmap", tooltip="tip.heatmap", id="heatmap"),
        Binding("escape", "clear_filter", "key.clear_filter", tooltip="tip.risks_clear", show=False,
                id="clear-filter"),
    ]

    TABS = (
        RegisterTab("risk", "risks.tab.risk", "risks.list_risks", "risks.delete_risk", view_name="risks.register",
                    placeholder="risks.filter_placeholder"),
        RegisterTab("drill", "risks.tab.drill", "risks.list_drills", "risks.delete_drill",
                    view_name="risks.drill_log", placeholder="risks.drill_placeholder"),
    )
    RISK_ACTIONS = frozenset({"task", "heatmap"})
    """Actions of the register tab only."""

    def __init__(self) -> None:
        super().__init__()
        self.cell: tuple[int, int] | None = None
        """The heatmap cell the register is narrowed to, (likelihood, impact)."""
        self.levels: tuple[tuple[str, ...], ...] = tuple(("",) * SIZE for _ in range(SIZE))
        """Each heatmap cell's level, from the project's thresholds."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return risk_columns() if self.tab.id == "risk" else drill_columns()

    def search_text(self, row: Any) -> str:
        if self.tab.id == "drill":
            return " ".join((row.public_id, row.risk, row.risk_title, row.held_on.isoformat(), row.participants, row.scenario,
                             row.findings, *row.tasks))
        return " ".join((row.public_id, row.title, row.trigger, row.owner, row.mitigation, row.plan,
                         _(f"risks.category.{row.category}"), _(f"risks.status.{row.status}")))

    def compose_top(self) -> ComposeResult:
        yield Heatmap(id="heatmap")

    def compose_filters(self) -> ComposeResult:
        yield Select([(_("risks.filter.open"), "open"), (_("risks.filter.all"), "all")]
                     + [(_(f"risks.status.{s.value}"), s.value) for s in Status],
                     value="open", allow_blank=False, id="status")

    def make_table(self) -> RegisterTable:
        if self.tab.id == "drill":
            return super().make_table()
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text,
                             counters={"high": lambda r: r.level in ("high", "extreme") and r.status in OPEN},
                             id=self.table_id())

    def count_text(self, totals: Totals) -> str:
        text = super().count_text(totals)
        if self.tab.id == "drill":
            return text
        if self.cell is not None:
            text = _("risks.cell", likelihood=self.cell[0], impact=self.cell[1]) + "  " + text
        high = totals.counts.get("high", 0)
        return text + ("  " + _n("risks.high_open", high, n=high) if high else "")

    def on_mount(self) -> None:
        super().on_mount()
        self._apply_filters()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.RISK_ACTIONS:
            return self.tab.id == "risk"
        return super().check_action(action, parameters)

    def tab_shown(self) -> None:
        """The heatmap and the status choice belong to the register tab."""
        on_register = self.tab.id == "risk"
        self.query_one(Heatmap).display = on_register
        self.query_one("#status", Select).display = on_register

    def reload(self, keep: str | None = None) -> None:
        """Read the shown tab again (and the heatmap's levels); a request from another screen (the timeline, the
        dashboard) first picks the tab, the status choice and the row."""
        request = self.take_request()
        if isinstance(request, RisksRequest):
            if request.status:
                self.query_one("#status", Select).value = request.status
            if request.key:
                self.cell = None
                self.query_one("#filter", Input).value = ""
                self._apply_filters()
            self._keep = request.key or self._keep
            if self.switch_for_request(request.tab):
                return  # read once shown
        super().reload(keep)
        self.app.call_service("risks.heatmap", self.app.project.id, then=self._levels)

    def _levels(self, heatmap) -> None:
        """Each cell's level (the profile's thresholds); the counts are those of the rows shown."""
        self.levels = heatmap.levels
        self.query_one(Heatmap).show(heatmap.counts, heatmap.levels)
        self._count_cells()

    # -- filters and the heatmap --------------------------------------------------------------------------

    @on(Select.Changed, "#status")
    def status_changed(self) -> None:
        self._apply_filters()

    def _apply_filters(self) -> None:
        status = self.query_one("#status", Select).value
        statuses = set(OPEN) if status == "open" else None if status == "all" else {status}
        cell = self.cell
        self.query_one("#register-risk", RegisterTable).set_predicate(lambda r: (statuses is None or r.status in statuses)
                                 and (cell is None or (r.likelihood, r.impact) == cell))

    @on(RegisterTable.Changed)
    def rows_changed(self, event: RegisterTable.Changed) -> None:
        if event.table.id == "register-risk":
            self._count_cells()

    def _count_cells(self) -> None:
        """The heatmap counts the open risks the status and text filters leave (not the cell chosen)."""
        status = self.query_one("#status", Select).value
        statuses = set(OPEN) if status in ("open", "all") else {status}
        counts = [[0] * SIZE for _ in range(SIZE)]
        table = self.query_one("#register-risk", RegisterTable)
        terms = table.filter_text
        for risk in table.rows_where(lambda r: r.status in statuses, terms):
            counts[risk.likelihood - 1][risk.impact - 1] += 1
        self.query_one(Heatmap).show(counts)

    @on(Heatmap.Chosen)
    def cell_chosen(self, event: Heatmap.Chosen) -> None:
        self.cell = (event.likelihood, event.impact)
        self._apply_filters()
        self.table.focus()

    def action_heatmap(self) -> None:
        self.query_one(Heatmap).focus()

    def action_clear_filter(self) -> None:
        """escape: the cell chosen first, then the filter text."""
        if self.cell is not None:
            self.cell = None
            self._apply_filters()
            self.show_count()
            return
        super().action_clear_filter()

    # -- rows ---------------------------------------------------------------------------------------------

    def _risk_form(self, risk: Any | None) -> RecordForm:
        columns = form_columns(RISKS)
        project = self.app.project.id
        if risk is None:
            return RecordForm(_("risks.form.add"), columns, "risks.add_risk", (project,))
        values = {c.key: getattr(risk, c.key, None) for c in columns}
        return RiskForm(_("risks.form.edit", id=risk.public_id), columns, "risks.update_risk",
                        (project, risk.public_id), values=values, risk=risk.public_id, levels=self.levels)

    def _drill_form(self, drill: Any | None, risk: str = "") -> RecordForm:
        actions = field_column("follow_ups", _("risks.follow_ups_more" if drill else "risks.follow_ups_field"))
        columns = [actions if c.key == "follow_ups" else c for c in form_columns(DRILLS)]
        project, today = self.app.project.id, self.app.today
        if drill is None:
            return RecordForm(_("risks.drill_form.add"), columns, "risks.record_drill", (project, today),
                              defaults={"risk": risk, "held_on": today}, focus="scenario" if risk else "risk")
        values = {c.key: getattr(drill, c.key, None) for c in columns if c.key != "follow_ups"}
        return RecordForm(_("risks.drill_form.edit", id=drill.public_id), columns, "risks.update_drill",
                          (project, drill.public_id, today), values=values, focus="findings")

    def _open(self, form: RecordForm) -> None:
        self.app.push_screen(form, lambda saved: self.reload(keep=saved) if saved else None)

    def add(self) -> None:
        self._open(self._risk_form(None) if self.tab.id == "risk" else self._drill_form(None))

    def edit(self, row: Any) -> None:
        self._open(self._risk_form(row) if self.tab.id == "risk" else self._drill_form(row))

    def delete_prompt(self, row: Any) -> tuple[str, str]:
        if self.tab.id == "drill":
            return _("risks.confirm_delete_drill_title"), _("risks.confirm_delete_drill", id=row.public_id,
                                                             risk=row.risk, n=len(row.tasks))
        return _("risks.confirm_delete_title"), _("risks.confirm_delete", id=row.public_id, title=row.title)

    def action_task(self) -> None:
        """`t`: a checklist task for the risk's mitigation work, linked back to it."""
        risk = self.current_row()
        if risk is None:
            return

        def made(task_id: str) -> None:
            self.notify(_("risks.task_made", task=task_id, id=risk.public_id))
            self.reload(keep=risk.public_id)

        self.app.call_service("risks.create_task_for", self.app.project.id, risk.public_id, self.app.today,
                              then=made)

    def action_drill(self) -> None:
        """`x`: record a drill of the plan of the risk under the cursor (on the drill log, of the drill's risk);
        its follow-up actions become checklist tasks. The drill log is shown after, on the new record."""
        row = self.table.cursor_row
        risk = "" if row is None else row.public_id if self.tab.id == "risk" else row.risk

        def saved(drill_id: str | None) -> None:
            if drill_id:
                self.notify(_("risks.drill_made", id=drill_id))
                self.app.show("risks", RisksRequest(tab="drill", key=drill_id))

        self.app.push_screen(self._drill_form(None, risk), saved)

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.heatmap"), _("tip.heatmap"), self.action_heatmap),
            (_("key.risk_task"), _("tip.risk_task"), self.action_task),
            (_("key.risk_drill"), _("tip.risk_drill"), self.action_drill),
            (_("key.next_tab"), _("tip.next_tab"), lambda: self.action_tab(1)),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]
