"""A terminal Gantt chart drawn with Textual's line API: only the visible rows and columns are rendered.

Layout: a fixed label column on the left and a 2-line date axis on top stay put; the chart part scrolls in both
directions. Rows: the statutory deadlines group, a group per other area with dated items (handover dates, risk
reviews and drills: DATED_GROUPS), then each phase's header and its tasks (groups collapse).
Per-row geometry ("marks") is computed once per zoom level and row and cached; a repaint only slices it.
Cells of wide (CJK) characters are kept as the character followed by a NUL placeholder, so that slicing a
string of cells never splits a character and every line has exactly the widget's width.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...domain.enums import TaskStatus
from ...domain.text import visible
from ...i18n import _, _n, get_language, pick
from ...i18n.labels import phase_name
from ...services.readmodels import DatedItem, DeadlineRead, PhaseRead, Timeline, TimelineTask
from ...speed import kept_frozen
from ..bindings import Localized

HEADER = 2
"""Lines of the date axis above the rows."""
ZOOMS = ("day", "week", "month")
ZOOM_NAMES = {"day": "timeline.zoom_day", "week": "timeline.zoom_week", "month": "timeline.zoom_month"}
WIDE = "\0"
"""Placeholder for the second cell of a wide character."""
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cells(text: str) -> str:
    """`text` as one string item per terminal cell (a wide character is followed by a placeholder)."""
    if text.isascii():
        return text
    return "".join(ch + WIDE if cell_len(ch) == 2 else ch for ch in text)


def fit(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` cells (never half a wide character)."""
    return set_cell_size(text, width) if width > 0 else ""


# -- scale and axis ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Maps days to columns at one zoom: day = 3 columns a day, week = 1 column a day, month = 1 column a week.

    `origin` (a Monday) is column 0."""

    zoom: str
    origin: date

    @property
    def days_per_col(self) -> int:
        return 7 if self.zoom == "month" else 1

    @property
    def cols_per_day(self) -> int:
        return 3 if self.zoom == "day" else 1

    def col(self, day: date) -> int:
        """The first column of `day`."""
        return (day - self.origin).days * self.cols_per_day // self.days_per_col

    def mid(self, day: date) -> int:
        """The column where a one-day mark (◆, a vertical line) of `day` goes."""
        return self.col(day) + self.cols_per_day // 2

    def span(self, start: date, end: date) -> tuple[int, int]:
        """First and last column (inclusive) of the days `start`..`end`."""
        first = self.col(start)
        return first, max(first, self.col(end) + self.cols_per_day - 1)

    def day_at(self, col: int) -> date:
        return self.origin + timedelta(days=col * self.days_per_col // self.cols_per_day)


def origin_for(first_day: date) -> date:
    """Column 0: the Monday at least a week before the first day shown."""
    start = first_day - timedelta(days=7)
    return start - timedelta(days=start.weekday())


def axis_lines(scale: Scale, n_cols: int) -> tuple[str, str]:
    """The two axis lines (ASCII, `n_cols` long): coarse labels (month or year) and fine ones (days or months)."""
    top, bottom = [" "] * n_cols, [" "] * n_cols
    ends = {"top": -1, "bottom": -1}

    def put(line: list[str], which: str, col: int, label: str) -> None:
        if col <= ends[which] or col >= n_cols:
            return  # would touch the previous label: skipped
        for i, ch in enumerate(label[: n_cols - col]):
            line[col + i] = ch
        ends[which] = col + len(label)

    last = scale.day_at(n_cols) + timedelta(days=7)
    day = scale.origin
    if scale.zoom == "month":
        put(top, "top", 0, f"{day.year}")  # the year the chart starts in, then each January's
    while day <= last:
        col = scale.col(day)
        if scale.zoom == "month":
            if day.day == 1 or (col == 0 and day.day <= 14):
                month = MONTHS_EN[day.month - 1] if get_language() == "en" else f"{day.month}"
                put(bottom, "bottom", col, month)
                if day.month == 1:
                    put(top, "top", col, f"{day.year}")
        else:
            if day.day == 1 or col == 0:
                put(top, "top", col, f"{day.year}-{day.month:02d}")
            if scale.zoom == "day":
                put(bottom, "bottom", col, f"{day.day:>2}")
            elif day.weekday() == 0:
                put(bottom, "bottom", col, f"{day.day}")
        day += timedelta(days=1)
    return "".join(top), "".join(bottom)


# -- rows ----------------------------------------------------------------------------------------------


@dataclass(slots=True, unsafe_hash=True)
class Row:
    """One line of the chart: a group header ("deadlines" or a phase), a statutory deadline, or a task.

    Treat as read-only: not frozen only because a 50k-task plan makes 50k rows, built faster without a frozen
    dataclass's per-field object.__setattr__."""

    kind: str
    """"group", "deadline", "dated" (another area's date: a handover promise, a risk review, a drill schedule),
    "phase" or "task"."""
    key: str
    """The task's public id; `deadline:<key>`; `<area>:<item key>` (`handover:B-0001/D-0009`, `risks:R-0001/review`)
    or `<area>:<public id>/<kind>` for a series (`risks:R-0002/drill`); `phase:<no>`; `deadlines` or the area
    (`handover`, `risks`) for the groups."""
    group: str
    """The key of the group row this row belongs to (its own key for a group row)."""
    task: TimelineTask | None = None
    deadline: DeadlineRead | None = None
    phase: PhaseRead | None = None
    done: int = 0
    total: int = 0
    start: date | None = None
    end: date | None = None
    dated: DatedItem | None = None
    """A dated row's item (a series row's first)."""
    series: tuple[DatedItem, ...] = ()
    """A series row's items (the days of one risk's drill schedule), drawn on one line as a recurring task is."""


@dataclass(frozen=True)
class Mark:
    """Something drawn in the chart part of a row, from column `col` on: cells of text, one component class."""

    col: int
    text: str
    style: str


@dataclass(frozen=True)
class DatedGroup:
    """How the chart shows one area's dated items (Timeline.dated): an area joins by declaring one."""

    title: str
    """Catalog key of the group row's label."""
    count: Callable[[int], str]
    """The group row's status line for its `n` rows."""
    style: Callable[[DatedItem, date], str]
    """The component class of an item's ◇ on `today`."""
    legend: str
    """Catalog key of the legend's ◇ item, in the component class `legend_style`."""
    legend_style: str
    kinds: tuple[tuple[str, str], ...] = ()
    """(kind, catalog key) of the word put before the title (`复核`, `演练`); none for the handover's items."""
    series: frozenset[str] = frozenset()
    """Kinds whose items of one public id share a row (a drill schedule), drawn as a recurring task's days."""


def handover_style(dated: DatedItem, today: date) -> str:
    """A handover date past is overdue; a promised date is a warning, an inspection deadline a deadline."""
    if dated.day < today:
        return "gantt--overdue"
    return "gantt--at-risk" if dated.kind == "promised" else "gantt--deadline"


def risk_style(dated: DatedItem, today: date) -> str:
    """A review past is overdue (as the dashboard counts it), one to come a deadline; a drill day past is muted
    (whether it was held is in the drill log, not in the schedule), one to come open."""
    if dated.kind == "review":
        return "gantt--overdue" if dated.day < today else "gantt--deadline"
    return "gantt--recurring" if dated.day < today else "gantt--open"


def party_style(dated: DatedItem, today: date) -> str:
    """A notice's deadline or a contract's last notice day: overdue once past (nothing was sent), else a
    deadline."""
    return "gantt--overdue" if dated.day < today else "gantt--deadline"


#: The groups of other areas' dated items, by area (services/timeline.DATED_AREAS).
DATED_GROUPS: dict[str, DatedGroup] = {
    "handover": DatedGroup(
        title="timeline.handover_items", count=lambda n: _n("timeline.handover_count", n, n=n),
        style=handover_style, legend="timeline.legend_dated", legend_style="gantt--at-risk"),
    "risks": DatedGroup(
        title="timeline.risk_items", count=lambda n: _n("timeline.risk_count", n, n=n),
        style=risk_style, legend="timeline.legend_risks", legend_style="gantt--deadline",
        kinds=(("review", "timeline.risk_review"), ("drill", "timeline.risk_drill")), series=frozenset({"drill"})),
    "parties": DatedGroup(
        title="timeline.party_items", count=lambda n: _n("timeline.party_count", n, n=n),
        style=party_style, legend="timeline.legend_parties", legend_style="gantt--deadline",
        kinds=(("notice", "timeline.party_notice"), ("contract", "timeline.party_contract"))),
}


def dated_rows(area: str, items: tuple[DatedItem, ...]) -> list[Row]:
    """An area's group row and its items' rows, by date (a series on the row of its first day)."""
    series_kinds = DATED_GROUPS[area].series
    group = Row("group", area, area)
    rows = [group]
    series: dict[str, list[DatedItem]] = {}
    for item in items:
        if item.kind in series_kinds:
            key = f"{area}:{item.public_id}/{item.kind}"
            if key not in series:
                series[key] = []
                rows.append(Row("dated", key, area, dated=item))
            series[key].append(item)
        else:
            rows.append(Row("dated", f"{area}:{item.key}", area, dated=item))
    for row in rows:
        if row.key in series:
            row.series = tuple(series[row.key])
    group.total = len(rows) - 1  # a drill schedule counts once
    return rows


def build_rows(timeline: Timeline) -> list[Row]:
    """Every row of the chart, in order (collapsing only hides rows)."""
    rows: list[Row] = []
    if timeline.deadlines:
        rows.append(Row("group", "deadlines", "deadlines", total=len(timeline.deadlines)))
        rows += [Row("deadline", f"deadline:{d.key}", "deadlines", deadline=d) for d in timeline.deadlines]
    for area, items in timeline.dated.items():
        if items and area in DATED_GROUPS:
            rows += dated_rows(area, items)
    by_phase: dict[int, list[TimelineTask]] = {}
    for task in timeline.tasks:
        by_phase.setdefault(task.phase_no, []).append(task)
    phases = {p.no: p for p in timeline.phases}
    for no in sorted(set(phases) | set(by_phase)):
        tasks = by_phase.get(no, [])
        key = f"phase:{no}"
        rows.append(Row(
            "phase", key, key, phase=phases.get(no, PhaseRead(no, "", "")),
            done=sum(t.status is TaskStatus.DONE for t in tasks), total=len(tasks),
            start=min((t.start for t in tasks), default=None), end=max((t.due for t in tasks), default=None),
        ))
        rows += [Row("task", t.public_id, key, task=t) for t in tasks]
    return rows


@dataclass(frozen=True)
class Layout:
    """What the chart shows of a timeline, prepared once (off the UI thread for a large plan, see lay_out)."""

    timeline: Timeline
    rows: list[Row]
    """Every row, in order (build_rows)."""
    origin: date
    """The day of column 0."""
    last_day: date
    """The last day the chart must reach (Timeline.last_day)."""
    groups: frozenset[str]
    """Keys of the rows that collapse (the deadlines group and the phases)."""


def lay_out(timeline: Timeline) -> Layout:
    """The rows and the extent of `timeline`: pure computation over every task, safe in a thread worker."""
    first = timeline.first_day
    origin = origin_for(min([first, *(d.day for d in timeline.deadlines if (first - d.day).days < 90)]))
    with kept_frozen():
        rows = build_rows(timeline)
        groups = frozenset(r.key for r in rows if r.kind in ("group", "phase"))
    return Layout(timeline, rows, origin, timeline.last_day, groups)


def release_in_thread(app, *objects: object) -> None:
    """Drop references to a large structure (a previous timeline, its rows) in a thread worker: freeing a 50k-task
    plan's hundreds of thousands of objects takes tens of ms, a stall when done on the UI thread."""
    held = list(objects)
    del objects
    app.run_worker(held.clear, thread=True, group="gantt-release", exit_on_error=False, description="release rows")


def task_style(task: TimelineTask) -> str:
    """The component class of a task's bar: done, overdue, at risk or open."""
    return "gantt--" + task.state.replace("_", "-")


def deadline_style(deadline: DeadlineRead, default: str) -> str:
    """Impossible and missed deadlines stand out; others use `default`."""
    return {"impossible": "gantt--impossible", "missed": "gantt--overdue"}.get(deadline.fault, default)


def row_marks(row: Row, scale: Scale, today: date) -> list[Mark]:
    """What a row draws in the chart part at this scale (computed once per row and zoom, then cached)."""
    if row.kind == "task":
        task = row.task
        style = task_style(task)
        if task.recurrence and task.occurrences:
            first, last = scale.span(task.start, task.due)
            marks = [Mark(first, "─" * (last - first + 1), "gantt--recurring")]
            for occurrence in task.occurrences:
                kind = "gantt--" + task.occurrence_state(occurrence, today)
                marks.append(Mark(scale.mid(occurrence.day), "●", kind))
            return marks
        if task.milestone:
            return [Mark(scale.mid(task.due), "◆", style)]
        first, last = scale.span(task.start, task.due)
        return [Mark(first, ("▓" if task.critical else "█") * (last - first + 1), style)]
    if row.kind == "deadline":
        deadline = row.deadline
        style = deadline_style(deadline, "gantt--deadline")
        col = scale.mid(deadline.day)
        return [Mark(col, "◆", style), Mark(col + 2, cells(deadline.basis), style)]
    if row.kind == "dated":
        style_of = DATED_GROUPS[row.group].style
        if row.series:  # one risk's drill days, on a line from the first to the last
            first, last = scale.span(row.series[0].day, row.series[-1].day)
            return [Mark(first, "─" * (last - first + 1), "gantt--recurring"),
                    *(Mark(scale.mid(item.day), "◇", style_of(item, today)) for item in row.series)]
        style, col = style_of(row.dated, today), scale.mid(row.dated.day)
        return [Mark(col, "◇", style), Mark(col + 2, row.dated.public_id, style)]
    if row.kind == "phase" and row.start is not None:
        first, last = scale.span(row.start, row.end)
        return [Mark(first, "─" * (last - first + 1), "gantt--phase-span")]
    return []


def row_label(row: Row, collapsed: bool) -> list[tuple[str, str]]:
    """The label column's parts (plain text, component class) of a row."""
    arrow = "▶ " if collapsed else "▼ "
    if row.kind == "group":
        title = _("timeline.deadlines") if row.key == "deadlines" else _(DATED_GROUPS[row.key].title)
        return [(arrow + title, "gantt--group"), (f"  {row.total}", "gantt--dim")]
    if row.kind == "phase":
        name = phase_name(row.phase.name_zh, row.phase.name_en)
        return [(f"{arrow}{row.phase.no:02d} {name}", "gantt--group"), (f"  {row.done}/{row.total}", "gantt--dim")]
    if row.kind == "deadline":
        deadline = row.deadline
        style = deadline_style(deadline, "gantt--label")
        flag = "!" if deadline.fault else " "
        return [(f"{flag} ", style), (f"{deadline.basis} ", style),
                (visible(pick(deadline.title_zh, deadline.title_en)), "gantt--label")]
    if row.kind == "dated":
        dated = row.dated
        parts = [(f"{dated.public_id} ", "gantt--dim")]
        word = dict(DATED_GROUPS[row.group].kinds).get(dated.kind)
        if word:
            parts.append((_(word) + " ", "gantt--dim"))
        return [*parts, (visible(pick(dated.text_zh, dated.text_en)), "gantt--label")]
    task = row.task
    title_style = {"gantt--done": "gantt--dim", "gantt--open": "gantt--label"}.get(task_style(task), task_style(task))
    return [(f"{task.public_id} ", "gantt--dim"), ("*" if task.critical else " ", "gantt--critical"),
            (visible(pick(task.title_zh, task.title_en)), title_style)]


# -- the widget ----------------------------------------------------------------------------------------


class Gantt(Localized, ScrollView, can_focus=True):
    """The timeline chart. Posts `CursorMoved` as the row cursor moves and `TaskChosen` on enter/double-click."""

    BINDINGS = [
        Binding("enter", "choose", "timeline.key_open", tooltip="timeline.tip_open", id="gantt-open"),
        Binding("space", "toggle", "timeline.key_toggle", tooltip="timeline.tip_toggle", show=False,
                id="gantt-toggle"),
        Binding("plus,equals_sign", "zoom(-1)", "timeline.key_zoom_in", tooltip="timeline.tip_zoom_in",
                id="gantt-zoom-in"),
        Binding("minus", "zoom(1)", "timeline.key_zoom_out", tooltip="timeline.tip_zoom_out", id="gantt-zoom-out"),
        Binding("t", "today", "timeline.key_today", tooltip="timeline.tip_today", id="gantt-today"),
        Binding("c", "collapse_all", "timeline.key_collapse", tooltip="timeline.tip_collapse", id="gantt-collapse"),
        Binding("c", "expand_all", "timeline.key_expand", tooltip="timeline.tip_expand", id="gantt-expand"),
        Binding("up,k", "cursor(-1)", "timeline.key_up", show=False, id="gantt-up"),
        Binding("down,j", "cursor(1)", "timeline.key_down", show=False, id="gantt-down"),
        Binding("pageup", "page(-1)", "timeline.key_page_up", show=False, id="gantt-page-up"),
        Binding("pagedown", "page(1)", "timeline.key_page_down", show=False, id="gantt-page-down"),
        Binding("home", "edge(-1)", "timeline.key_first", show=False, id="gantt-first"),
        Binding("end", "edge(1)", "timeline.key_last", show=False, id="gantt-last"),
        Binding("left,h", "pan(-1)", "timeline.key_left", tooltip="timeline.tip_pan", show=False,
                id="gantt-left"),
        Binding("right,l", "pan(1)", "timeline.key_right", tooltip="timeline.tip_pan", show=False,
                id="gantt-right"),
    ]

    COMPONENT_CLASSES = {
        "gantt--header", "gantt--label", "gantt--dim", "gantt--group", "gantt--cursor", "gantt--done",
        "gantt--open", "gantt--overdue", "gantt--at-risk", "gantt--critical", "gantt--recurring",
        "gantt--phase-span", "gantt--deadline", "gantt--impossible", "gantt--today", "gantt--handover",
        "gantt--contract-end", "gantt--divider", "gantt--today-axis",
    }

    DEFAULT_CSS = """
    Gantt { height: 1fr; scrollbar-size-horizontal: 1; scrollbar-size-vertical: 1; }
    Gantt > .gantt--header { color: $text-muted; text-style: bold; }
    Gantt > .gantt--label { color: $text; }
    Gantt > .gantt--dim { color: $text-muted; }
    Gantt > .gantt--group { color: $accent; text-style: bold; }
    Gantt > .gantt--cursor { background: $block-cursor-blurred-background; }
    Gantt:focus > .gantt--cursor { background: $block-cursor-background; }
    Gantt > .gantt--done { color: $success; }
    Gantt > .gantt--open { color: $primary-lighten-1; }
    Gantt > .gantt--overdue { color: $error; text-style: bold; }
    Gantt > .gantt--at-risk { color: $warning; }
    Gantt > .gantt--critical { color: $error; text-style: bold; }
    Gantt > .gantt--recurring { color: $text-muted; }
    Gantt > .gantt--phase-span { color: $accent-darken-1; }
    Gantt > .gantt--deadline { color: $secondary; }
    Gantt > .gantt--impossible { color: $text-error; background: $error-muted; text-style: bold; }
    Gantt > .gantt--today { color: $accent; text-style: bold; }
    Gantt > .gantt--today-axis { color: $accent; text-style: bold reverse; }
    Gantt > .gantt--handover { color: $error; }
    Gantt > .gantt--contract-end { color: $warning; }
    Gantt > .gantt--divider { color: $panel-lighten-2; }
    """

    class CursorMoved(Message):
        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    class TaskChosen(Message):
        def __init__(self, public_id: str) -> None:
            super().__init__()
            self.public_id = public_id

    class DatedChosen(Message):
        """enter or a double click on a dated item of another area (`area`: a handover promise, an inspection
        deadline, a risk's review or drill schedule)."""

        def __init__(self, area: str, dated: DatedItem) -> None:
            super().__init__()
            self.area = area
            self.dated = dated

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline: Timeline | None = None
        self.zoom = "week"
        self.cursor = 0
        self.rows: list[Row] = []
        """The rows shown (collapsed groups hide their members)."""
        self._all: list[Row] = []
        self._groups: frozenset[str] = frozenset()
        """Keys of the rows that collapse (asked for on every refresh of the bindings: kept, not recounted)."""
        self._collapsed: set[str] = set()
        self._origin = date.today()
        self._last_day = self._origin
        self._scale = Scale(self.zoom, self._origin)
        self._n_cols = 0
        self._axis = ("", "")
        self._lines: dict[int, tuple[str, str]] = {}
        """Vertical lines: column -> (glyph, component class)."""
        self._marks: dict[str, list[Mark]] = {}
        self._styles: dict[tuple[str, bool], Style] = {}
        self.label_width = 24

    # -- data -------------------------------------------------------------------------------------------

    def load(self, timeline: Timeline | Layout, keep: str | None = None) -> None:
        """Show `timeline` (or its Layout, prepared in a worker), with the cursor on row `keep` (or on the same
        row as before) when it is there."""
        layout = timeline if isinstance(timeline, Layout) else lay_out(timeline)
        keep = keep or self.cursor_key
        first_load = self.timeline is None
        previous = [self.timeline, self._all, self.rows, self._marks]
        self.timeline = layout.timeline
        self._all = layout.rows
        self._groups = layout.groups
        self._origin = layout.origin
        self._last_day = layout.last_day
        self._rebuild(keep)
        self._set_scale(self.zoom)
        release_in_thread(self.app, previous)
        previous = None
        if first_load:
            self.call_after_refresh(self.action_today)

    def _rebuild(self, keep: str | None) -> None:
        """The rows shown, after collapsing; the cursor stays on `keep` (or its group) when possible."""
        collapsed = self._collapsed
        if collapsed:
            self.rows = [r for r in self._all if r.kind in ("group", "phase") or r.group not in collapsed]
        else:
            self.rows = self._all  # nothing hidden: no copy of a long list
        found = self._index_of(keep)
        if found is None:
            group = next((r.group for r in self._all if r.key == keep), None)
            found = self._index_of(group)
        self.cursor = found if found is not None else min(self.cursor, max(len(self.rows) - 1, 0))
        self._update_virtual_size()
        self._cursor_changed()

    def _index_of(self, key: str | None) -> int | None:
        if key is None:
            return None
        return next((i for i, row in enumerate(self.rows) if row.key == key), None)

    def _set_scale(self, zoom: str) -> None:
        """Geometry of the chart at `zoom`: columns, axis and vertical lines (row marks are computed lazily)."""
        self.zoom = zoom
        self._scale = Scale(zoom, self._origin)
        self._marks = {}
        timeline = self.timeline
        if timeline is None:
            return
        self._n_cols = self._scale.span(self._last_day, self._last_day + timedelta(days=21))[1] + 1
        self._axis = axis_lines(self._scale, self._n_cols)
        dates = timeline.project.dates
        lines: dict[int, tuple[str, str]] = {}
        for deadline in timeline.deadlines:
            lines[self._scale.mid(deadline.day)] = ("┊", "gantt--deadline")
        lines[self._scale.mid(dates.contract_end)] = ("┃", "gantt--contract-end")
        lines[self._scale.mid(dates.handover)] = ("┃", "gantt--handover")
        lines[self._scale.mid(timeline.today)] = ("│", "gantt--today")
        self._lines = {col: line for col, line in lines.items() if 0 <= col < self._n_cols}
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.label_width + self._n_cols, HEADER + len(self.rows))
        self.refresh()

    def marks(self, row: Row) -> list[Mark]:
        marks = self._marks.get(row.key)
        if marks is None:
            marks = self._marks[row.key] = row_marks(row, self._scale, self.timeline.today)
        return marks

    @property
    def cursor_row(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def cursor_key(self) -> str | None:
        row = self.cursor_row
        return row.key if row else None

    @property
    def chart_width(self) -> int:
        """Columns of the chart part on screen."""
        return max(1, self.scrollable_content_region.width - self.label_width)

    @property
    def visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER)

    def day_at_centre(self) -> date:
        return self._scale.day_at(round(self.scroll_x) + self.chart_width // 2)

    # -- size -------------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        label_width = min(56, max(24, self.size.width * 3 // 10))
        if label_width != self.label_width:
            self.label_width = label_width
            self._update_virtual_size()

    # -- drawing ----------------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}

    def _style(self, name: str | None, cursor: bool = False) -> Style:
        key = (name or "", cursor)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if name:
                style += self.get_component_rich_style(name, partial=True)
            if cursor:
                style += Style(bgcolor=self.get_component_rich_style("gantt--cursor").bgcolor)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        x0 = round(self.scroll_x)
        if self.timeline is None:
            return Strip.blank(width, self.rich_style)
        chart = max(0, width - self.label_width)
        if y < HEADER:
            return self._header_line(y, x0, chart, width)
        index = round(self.scroll_y) + y - HEADER
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        return self._row_line(self.rows[index], index == self.cursor, x0, chart, width)

    def _header_line(self, y: int, x0: int, chart: int, width: int) -> Strip:
        label = _(ZOOM_NAMES[self.zoom]) if y == 0 else _("timeline.col_task")
        text = self._axis[y][x0:x0 + chart].ljust(chart)
        segments = [Segment(fit(" " + label, self.label_width - 1), self._style("gantt--header")),
                    Segment("│", self._style("gantt--divider"))]
        first, last = self._scale.span(self.timeline.today, self.timeline.today)
        first, last = max(first - x0, 0), min(last - x0 + 1, chart)
        header = self._style("gantt--header")
        if y == 1 and first < last:
            today = text[first:last]
            if not today.strip():
                today = today[:(last - first) // 2] + "▼" + today[(last - first) // 2 + 1:]
            segments += [Segment(text[:first], header), Segment(today, self._style("gantt--today-axis")),
                         Segment(text[last:], header)]
        else:
            segments.append(Segment(text, header))
        return Strip(segments, width)

    def _row_line(self, row: Row, cursor: bool, x0: int, chart: int, width: int) -> Strip:
        segments = []
        used = 0
        room = self.label_width - 1
        for text, style in row_label(row, row.group in self._collapsed):
            part = fit(text, min(cell_len(text), room - used))
            if part:
                segments.append(Segment(part, self._style(style, cursor)))
                used += cell_len(part)
        if used < room:
            segments.append(Segment(" " * (room - used), self._style(None, cursor)))
        segments.append(Segment("│", self._style("gantt--divider", cursor)))
        if chart:
            segments += self._chart_segments(row, cursor, x0, chart)
        return Strip(segments, width)

    def _chart_segments(self, row: Row, cursor: bool, x0: int, chart: int) -> list[Segment]:
        """The visible columns x0..x0+chart of a row: vertical lines, then the row's marks on top."""
        chars = [" "] * chart
        styles: list[str | None] = [None] * chart
        for col, (glyph, style) in self._lines.items():
            if x0 <= col < x0 + chart:
                chars[col - x0], styles[col - x0] = glyph, style
        for mark in self.marks(row):
            start, end = max(mark.col, x0), min(mark.col + len(mark.text), x0 + chart)
            if start >= end:
                continue
            chars[start - x0:end - x0] = mark.text[start - mark.col:end - mark.col]
            styles[start - x0:end - x0] = [mark.style] * (end - start)
        # A wide character cut at either edge becomes a space.
        if chars[0] == WIDE:
            chars[0] = " "
        if chars[-1] != WIDE and cell_len(chars[-1]) == 2:
            chars[-1] = " "
        segments = []
        run_start = 0
        for i in range(1, chart + 1):
            if i == chart or styles[i] != styles[run_start]:
                text = "".join(chars[run_start:i]).replace(WIDE, "")
                segments.append(Segment(text, self._style(styles[run_start], cursor)))
                run_start = i
        return segments

    # -- keys and mouse ---------------------------------------------------------------------------------

    def _cursor_changed(self) -> None:
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor_row))

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and scroll it into view."""
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + self.visible_rows:
            self.scroll_to(y=index - self.visible_rows + 1, animate=False, immediate=True)
        if index != self.cursor:
            self.cursor = index
            self._cursor_changed()

    def select_key(self, key: str) -> bool:
        """Move the cursor to the row with `key` (a task's public id, `phase:N`, ...); False when not shown."""
        index = self._index_of(key)
        if index is not None:
            self.move_cursor(index)
        return index is not None

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor + step * self.visible_rows)

    def action_edge(self, step: int) -> None:
        self.move_cursor(0 if step < 0 else len(self.rows) - 1)

    def action_pan(self, step: int) -> None:
        self.scroll_to(x=round(self.scroll_x) + step * max(1, self.chart_width // 6), animate=False,
                       immediate=True)

    def action_zoom(self, step: int) -> None:
        """Zoom in (-1) or out (+1), keeping the date at the centre of the chart where it was."""
        new = ZOOMS.index(self.zoom) + step
        if not 0 <= new < len(ZOOMS) or self.timeline is None:
            return
        centre = self.day_at_centre()
        self._set_scale(ZOOMS[new])
        self.scroll_to(x=max(0, self._scale.mid(centre) - self.chart_width // 2), animate=False, immediate=True)
        self.post_message(self.CursorMoved(self.cursor_row))

    def action_today(self) -> None:
        """Scroll so that today is in the left third of the chart."""
        if self.timeline is not None:
            x = self._scale.mid(self.timeline.today) - self.chart_width // 3
            self.scroll_to(x=max(0, x), animate=False, immediate=True)

    def action_toggle(self) -> None:
        row = self.cursor_row
        if row is not None and row.kind in ("group", "phase"):
            self._collapsed ^= {row.key}
            self._rebuild(row.key)
            self.refresh_bindings()

    def action_collapse_all(self) -> None:
        """Collapse every group, or expand them all when all are collapsed already."""
        groups = self._groups
        self._collapsed = set() if groups <= self._collapsed else set(groups)
        row = self.cursor_row
        self._rebuild(row.group if row and self._collapsed else (row.key if row else None))
        self.refresh_bindings()

    def action_expand_all(self) -> None:
        self.action_collapse_all()

    @property
    def all_collapsed(self) -> bool:
        return bool(self._groups) and self._groups <= self._collapsed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`c` is offered as what it will do: collapse all, or expand all when every group is collapsed."""
        if action in ("collapse_all", "expand_all"):
            return (action == "expand_all") == self.all_collapsed
        return True

    def action_choose(self) -> None:
        row = self.cursor_row
        if row is None:
            return
        if row.kind == "task":
            self.post_message(self.TaskChosen(row.key))
        elif row.kind == "dated" and row.dated is not None:
            self.post_message(self.DatedChosen(row.group, row.dated))
        elif row.kind in ("group", "phase"):
            self.action_toggle()

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y - HEADER
        if event.y < HEADER or not 0 <= index < len(self.rows):
            return
        self.move_cursor(index)
        if event.chain >= 2:
            self.action_choose()
