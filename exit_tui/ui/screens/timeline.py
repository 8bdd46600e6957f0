"""Timeline: the project's tasks as a Gantt against today, T, the contract end and the statutory deadlines."""

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Label
from textual.worker import get_current_worker

from ...domain.enums import TaskStatus
from ...i18n import _, _n, pick
from ...i18n.labels import phase_name, rule_label, status_label
from ...services.readmodels import DatedItem, PhaseRead, Timeline, TimelineTask
from ..modals.task_form import TaskForm
from ..requests import HandoverRequest, PeopleRequest, RisksRequest
from ..widgets.gantt import DATED_GROUPS, ZOOM_NAMES, Gantt, Layout, Row, lay_out, release_in_thread
from .base import ProjectScreen

SEP = " | "


def describe(row: Row | None, timeline: Timeline | None) -> str:
    """The status line for the row under the cursor: its dates, slack, rule and flags in words."""
    if row is None or timeline is None:
        return ""
    if row.kind == "task":
        return describe_task(row.task, timeline)
    if row.kind == "dated":
        if row.group == "risks":
            return describe_risk(row, timeline)
        if row.group == "parties":
            return describe_party(row.dated, timeline)
        return describe_dated(row.dated, timeline)
    if row.kind == "deadline":
        deadline = row.deadline
        parts = [f"{deadline.basis} {pick(deadline.title_zh, deadline.title_en)}",
                 _("timeline.deadline_day", day=deadline.day.isoformat()), _("timeline.rule", rule=rule_label(deadline.rule))]
        if deadline.impossible:
            parts.append(_("timeline.impossible"))
        if deadline.missed_by:
            parts.append(_("timeline.missed_by", ids=", ".join(deadline.missed_by)))
        return SEP.join(parts)
    if row.kind == "phase":
        parts = [f"{row.phase.no:02d} {phase_name(row.phase.name_zh, row.phase.name_en)}",
                 _("timeline.phase_done", done=row.done, total=row.total)]
        if row.start is not None:
            parts.append(_("timeline.span", start=row.start.isoformat(), end=row.end.isoformat()))
        return SEP.join(parts)
    if row.key in DATED_GROUPS:
        return DATED_GROUPS[row.key].count(row.total)
    return _n("timeline.deadlines_count", row.total, n=row.total)


def describe_risk(row: Row, timeline: Timeline) -> str:
    """A risk's review (when, overdue) or its drill schedule (how many days, from when to when, the next one),
    with the risk's status and who owns it or leads its plan."""
    dated = row.dated
    parts = [f"{dated.public_id} {pick(dated.text_zh, dated.text_en)}"]
    if row.series:
        days = [item.day for item in row.series]
        coming = next((day for day in days if day >= timeline.today), None)
        parts.append(_n("timeline.drills", len(days), n=len(days), first=days[0].isoformat(),
                        last=days[-1].isoformat()))
        if coming is not None:
            parts.append(_("timeline.next_drill", day=coming.isoformat()))
    else:
        parts.append(_("timeline.review_day", day=dated.day.isoformat()))
        if dated.day < timeline.today:
            parts.append(_("timeline.overdue"))
    parts.append(_(f"risks.status.{dated.status}"))
    if dated.note:
        parts.append(dated.note)
    return SEP.join(parts)


def describe_party(dated: DatedItem, timeline: Timeline) -> str:
    """A notice not sent (its deadline, status, legal basis) or a contract to end (its last notice day, decision,
    notice period), overdue once past."""
    parts = [f"{dated.public_id} {pick(dated.text_zh, dated.text_en)}"]
    if dated.kind == "notice":
        parts += [_("timeline.notice_deadline", day=dated.day.isoformat()), _(f"parties.status.{dated.status}")]
    else:
        parts += [_("timeline.last_notice_day", day=dated.day.isoformat()),
                  _(f"parties.decision.{dated.status or 'none'}")]
    if dated.day < timeline.today:
        parts.append(_("timeline.overdue"))
    if dated.note:
        parts.append(dated.note if dated.kind == "notice" else _("timeline.notice_period", period=dated.note))
    return SEP.join(parts)


def describe_dated(dated: DatedItem, timeline: Timeline) -> str:
    """A handover date: the item, when it is promised or due, its state, why it is owed or who must fix it."""
    parts = [f"{dated.public_id} {pick(dated.text_zh, dated.text_en)}"]
    if dated.kind == "promised":
        parts += [_("timeline.promised", day=dated.day.isoformat(), batch=dated.batch),
                  _(f"handover.outcome.{dated.status}")]
    else:
        parts += [_("timeline.inspection_deadline", day=dated.day.isoformat()), _(f"handover.state.{dated.status}")]
    if dated.day < timeline.today:
        parts.append(_("timeline.overdue"))
    if dated.note:
        parts.append(dated.note)
    return SEP.join(parts)


def describe_task(task: TimelineTask, timeline: Timeline) -> str:
    if task.start == task.due:
        parts = [f"{task.public_id} " + _("timeline.due", due=task.due.isoformat())]
    else:
        parts = [f"{task.public_id} " + _("timeline.span", start=task.start.isoformat(), end=task.due.isoformat())]
    parts.append(status_label(task.status))
    if task.milestone:
        parts.append(_("timeline.milestone"))
    if task.overdue:
        parts.append(_("timeline.overdue"))
    if task.at_risk:
        parts.append(_("timeline.at_risk"))
    if task.status is not TaskStatus.DONE:
        slack = _n("timeline.slack", task.slack_days, n=task.slack_days)
        parts.append(_("timeline.critical") if task.critical else slack)
    bases = {d.key: d.basis for d in timeline.deadlines}
    parts += [_("timeline.late_for", basis=bases.get(key, key)) for key in task.late_for]
    if task.rule:
        parts.append(_("timeline.rule", rule=rule_label(task.rule)))
    if task.occurrences:
        done = sum(1 for o in task.occurrences if o.done_on)
        parts.append(_("timeline.occurrences", done=done, n=len(task.occurrences)))
    return SEP.join(parts)


LEGEND = (
    ("█", "gantt--open", "timeline.legend_open"),
    ("█", "gantt--done", "timeline.legend_done"),
    ("█", "gantt--overdue", "timeline.legend_overdue"),
    ("█", "gantt--at-risk", "timeline.legend_at_risk"),
    ("▓", "gantt--label", "timeline.legend_critical"),
    ("◆", "gantt--open", "timeline.legend_milestone"),
    ("●", "gantt--open", "timeline.legend_recurring"),
    ("│", "gantt--today", "timeline.legend_today"),
    ("┃", "gantt--handover", "timeline.legend_handover"),
    ("┃", "gantt--contract-end", "timeline.legend_contract_end"),
    ("┊", "gantt--deadline", "timeline.legend_deadline"),
)


class TimelineScreen(ProjectScreen):
    BINDINGS = [
        Binding("m", "occurrences", "key.occurrences", tooltip="tip.occurrences", show=False, id="occurrences"),
    ]
    DEFAULT_CSS = """
    TimelineScreen #timeline-status, TimelineScreen #timeline-legend { height: 1; width: 1fr; margin: 0 1; }
    TimelineScreen #timeline-legend { color: $text-muted; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.timeline: Timeline | None = None
        self.phases: list[PhaseRead] = []
        self._keep: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(id="timeline-status")
        yield Label(id="timeline-legend")
        yield Gantt(id="gantt")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Gantt).focus()

    def reload(self) -> None:
        self.app.call_service("timeline.load_timeline", self.app.project.id, self.app.today, then=self._loaded,
                              group="timeline", exclusive=True)

    def _loaded(self, timeline: Timeline) -> None:
        """The service kept the timeline until the next write: the same one is already shown; a new one is laid
        out (every row built) in a worker, off the UI thread."""
        if timeline is self.timeline:
            if self._keep:
                self.query_one(Gantt).select_key(self._keep)
                self._keep = None
            return
        # A description of our own: Textual's default is the repr of the work, here of every task.
        self.app.run_worker(partial(self._lay_out, timeline), thread=True, group="timeline-rows", exclusive=True,
                            exit_on_error=False, description="timeline rows")

    def _lay_out(self, timeline: Timeline) -> None:
        try:
            layout = lay_out(timeline)
        except Exception as error:  # noqa: BLE001 - shown to the user, never swallowed silently
            self.app.call_from_thread(self.app.show_failure, error)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, layout)

    def show(self, timeline: Timeline | Layout) -> None:
        """Show a timeline (laid out already, or here)."""
        gantt = self.query_one(Gantt)
        previous = self.timeline
        first = previous is None
        gantt.load(timeline, keep=self._keep)
        self.timeline = gantt.timeline
        release_in_thread(self.app, previous)  # the last reference to the old plan may be ours: not freed here
        del previous
        self.phases = self.timeline.phases
        self._keep = None
        self._show_legend()
        if first:
            # Textual refreshes the app's CSS when a mode is first shown, before its screen is mounted, so it does
            # it again (40-85 ms on the UI thread) the next time the mode is shown. Once more after the first chart
            # is drawn (the screen mounted and current, the plan computed) and every later open is spared that step.
            self.call_after_refresh(self.app.refresh_css, animate=False)

    def on_resize(self) -> None:
        if self.timeline is not None:
            self._show_legend()

    def _show_legend(self) -> None:
        """Every item of the legend, on as many lines as the width needs (an item is never split or cut)."""
        gantt = self.query_one(Gantt)
        width = max(20, self.size.width - 2)
        lines = [Text()]
        dated = self.timeline.dated if self.timeline is not None else {}
        legend = LEGEND + tuple(("◇", group.legend_style, group.legend) for area, group in DATED_GROUPS.items()
                                if dated.get(area))  # only the areas with dated items
        for glyph, style, key in legend:
            item = Text(glyph, style=gantt.get_component_rich_style(style, partial=True))
            item.append(f" {_(key)}", style="dim")
            if lines[-1] and lines[-1].cell_len + 2 + item.cell_len > width:
                lines.append(Text())
            elif lines[-1]:
                lines[-1].append("  ")
            lines[-1].append_text(item)
        self.query_one("#timeline-legend", Label).update(Text("\n").join(lines))

    @on(Gantt.CursorMoved)
    def cursor_moved(self, event: Gantt.CursorMoved) -> None:
        gantt = self.query_one(Gantt)
        text = Text(_("timeline.zoom", zoom=_(ZOOM_NAMES[gantt.zoom])) + SEP, style="dim")
        text.append(describe(event.row, self.timeline))  # user text: never markup
        text.no_wrap, text.overflow = True, "ellipsis"
        self.query_one("#timeline-status", Label).update(text)

    @on(Gantt.TaskChosen)
    def task_chosen(self, event: Gantt.TaskChosen) -> None:
        self.app.call_service("checklist.get_task", self.app.project.id, event.public_id, self.app.today,
                              then=self._edit)

    @on(Gantt.DatedChosen)
    def dated_chosen(self, event: Gantt.DatedChosen) -> None:
        """A handover date: the Handover screen on its batch (a promise) or the punch list (a deadline); a risk's
        review or drill schedule: the Risks screen on that risk; a notice or a contract: the People screen on it
        (tab "notice" or "contract")."""
        dated = event.dated
        if event.area == "risks":
            self.app.show("risks", RisksRequest(key=dated.public_id))
            return
        if event.area == "parties":
            self.app.show("people", PeopleRequest(tab=dated.kind, key=dated.public_id))
            return
        tab = "inspection" if dated.kind == "inspection" else "batch"
        key = dated.public_id if tab == "inspection" else dated.batch
        self.app.show("handover", HandoverRequest(tab, "filter.open" if tab == "inspection" else "", key))

    def _edit(self, task) -> None:
        self.app.push_screen(TaskForm(self.app.project, self.phases, task), self._form_closed)

    def _form_closed(self, saved_id: str | None) -> None:
        if saved_id:
            self._keep = saved_id
            self.reload()

    def action_occurrences(self) -> None:
        """A recurring task: mark its occurrences done one by one."""
        row = self.query_one(Gantt).cursor_row
        if row is None or row.kind != "task":
            return
        task = row.task
        if not task.recurrence:
            self.notify(_("occ.not_recurring", id=task.public_id))
            return
        from ..modals.occurrences import OccurrencesDialog

        def closed(changed: bool | None) -> None:
            if changed:
                self._keep = task.public_id
                self.reload()

        self.app.push_screen(OccurrencesDialog(self.app.project.id, task.public_id, task.title_zh, task.title_en),
                             closed)

    def palette_commands(self) -> list:
        gantt = self.query_one(Gantt)
        return [
            (_("cmd.occurrences"), _("tip.occurrences"), self.action_occurrences),
            (_("timeline.key_today"), _("timeline.tip_today"), gantt.action_today),
            (_("timeline.key_zoom_in"), _("timeline.tip_zoom_in"), lambda: gantt.action_zoom(-1)),
            (_("timeline.key_zoom_out"), _("timeline.tip_zoom_out"), lambda: gantt.action_zoom(1)),
            (_("timeline.key_collapse"), _("timeline.tip_collapse"), gantt.action_collapse_all),
        ]
