"""Risks: the 5×5 heatmap of the open risks (impact across, likelihood up) above the risk register. Enter on a cell
narrows the register to the risks rated so (escape widens it again); the register filters as you type and by
status; its form is made from the register's declaration (io/spec.RISKS); `t` makes a checklist task of a risk's
mitigation work, linked back to it.
"""

from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Select

from ...domain.risks import OPEN_STATUSES, Status
from ...i18n import _, _n
from ...io.spec import RISKS
from ..modals.record_form import RecordForm, form_columns
from ..widgets.heatmap import SIZE, Heatmap
from ..widgets.register_table import Column, Pieces, RegisterTable, Totals
from .register_screen import RegisterScreen

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


class RisksScreen(RegisterScreen):
    BINDINGS = [
        Binding("t", "task", "key.risk_task", tooltip="tip.risk_task", id="risk-task"),
        Binding("g", "heatmap", "key.heatmap", tooltip="tip.heatmap", id="heatmap"),
        Binding("escape", "clear_filter", "key.clear_filter", tooltip="tip.risks_clear", show=False,
                id="clear-filter"),
    ]

    LOAD_SERVICE = "risks.list_risks"
    DELETE_SERVICE = "risks.delete_risk"
    PLACEHOLDER = "risks.filter_placeholder"
    VIEW_NAME = "risks.register"

    def __init__(self) -> None:
        super().__init__()
        self.cell: tuple[int, int] | None = None
        """The heatmap cell the register is narrowed to, (likelihood, impact)."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return risk_columns()

    def search_text(self, risk: Any) -> str:
        return " ".join((risk.public_id, risk.title, risk.trigger, risk.owner, risk.mitigation, risk.plan,
                         _(f"risks.category.{risk.category}"), _(f"risks.status.{risk.status}")))

    def compose_top(self) -> ComposeResult:
        yield Heatmap(id="heatmap")

    def compose_filters(self) -> ComposeResult:
        yield Select([(_("risks.filter.open"), "open"), (_("risks.filter.all"), "all")]
                     + [(_(f"risks.status.{s.value}"), s.value) for s in Status],
                     value="open", allow_blank=False, id="status")

    def make_table(self) -> RegisterTable:
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text,
                             counters={"high": lambda r: r.level in ("high", "extreme") and r.status in OPEN},
                             id=self.table_id())

    def count_text(self, totals: Totals) -> str:
        text = super().count_text(totals)
        if self.cell is not None:
            text = _("risks.cell", likelihood=self.cell[0], impact=self.cell[1]) + "  " + text
        high = totals.counts.get("high", 0)
        return text + ("  " + _n("risks.high_open", high, n=high) if high else "")

    def on_mount(self) -> None:
        super().on_mount()
        self._apply_filters()

    def reload(self, keep: str | None = None) -> None:
        self.take_request()  # the dashboard's card opens the screen as it is
        super().reload(keep)
        self.app.call_service("risks.heatmap", self.app.project.id, then=self._levels)

    def _levels(self, heatmap) -> None:
        """Each cell's level (the profile's thresholds); the counts are those of the rows shown."""
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
        self.table.set_predicate(lambda r: (statuses is None or r.status in statuses)
                                 and (cell is None or (r.likelihood, r.impact) == cell))

    @on(RegisterTable.Changed)
    def rows_changed(self, event: RegisterTable.Changed) -> None:
        self._count_cells()

    def _count_cells(self) -> None:
        """The heatmap counts the open risks the status and text filters leave (not the cell chosen)."""
        status = self.query_one("#status", Select).value
        statuses = set(OPEN) if status in ("open", "all") else {status}
        counts = [[0] * SIZE for _ in range(SIZE)]
        table = self.table
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

    def _form(self, risk: Any | None) -> RecordForm:
        columns = form_columns(RISKS)
        project = self.app.project.id
        if risk is None:
            return RecordForm(_("risks.form.add"), columns, "risks.add_risk", (project,))
        values = {c.key: getattr(risk, c.key, None) for c in columns}
        return RecordForm(_("risks.form.edit", id=risk.public_id), columns, "risks.update_risk",
                          (project, risk.public_id), values=values)

    def add(self) -> None:
        self.app.push_screen(self._form(None), lambda saved: self.reload(keep=saved) if saved else None)

    def edit(self, risk: Any) -> None:
        self.app.push_screen(self._form(risk), lambda saved: self.reload(keep=saved) if saved else None)

    def delete_prompt(self, risk: Any) -> tuple[str, str]:
        return _("risks.confirm_delete_title"), _("risks.confirm_delete", id=risk.public_id, title=risk.title)

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

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.heatmap"), _("tip.heatmap"), self.action_heatmap),
            (_("key.risk_task"), _("tip.risk_task"), self.action_task),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]
