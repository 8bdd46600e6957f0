"""The Timeline sheet of a package: the statutory deadlines, other areas' dates (handover promises and inspection
deadlines, risk reviews and drill schedules, notices' deadlines and contracts' last notice days), then the tasks
with their dates, and a weekly Gantt drawn in cell fills (one narrow column per week; the weeks of today, T and the
contract end bordered), printed landscape. Its first cell is its title, by which the reader (io/read.py) knows to
skip it. Streamed row by row, like the schedules.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..i18n import _, pick
from ..i18n.labels import role_label, status_label
from .spec import Column, Kind
from .xlsx_sheet import GREY, HEADER_FILL, Formats, column_writer, page_setup, set_widths, write_row, write_text
from .xlsx_text import display_width

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from ..services.readmodels import Timeline, TimelineTask

#: Width (characters) of one week column of the Gantt; its header (the week's Monday) is written upright.
WEEK_WIDTH = 3
#: Rows above the data: title and months, then the column headers and weeks.
TIMELINE_HEADER_ROWS = 2
#: Bar fills (RGB) by the state of the task; a milestone is a ◆ on its state's fill.
BAR_FILLS = {"done": "A9D08E", "open": "9DC3E6", "at_risk": "FFC000", "overdue": "FF7C80"}
#: The ◆ of a statutory deadline.
DEADLINE_COLOR = "C00000"
#: Border colours of the marked week columns, strongest first (a week holding two is drawn as the first).
MARKS = {"today": "FF0000", "handover": "7030A0", "contract_end": "ED7D31"}
DIAMOND = "◆"
DATED = "◇"
"""Another area's date (a handover promise, an inspection deadline, a risk review, a drill), as the app's timeline
draws it."""
#: XlsxWriter's border style codes.
THIN, MEDIUM = 1, 2

WeekCell = tuple["Format", str | None]
"""How one week cell of a row looks (its format) and what it holds (◆ or nothing)."""


def _timeline_columns() -> tuple[Column, ...]:
    """The columns left of the weeks (headers in the current language)."""
    columns = (
        ("public_id", _("export.timeline_id"), Kind.TEXT, 8),
        ("phase_no", _("export.timeline_phase"), Kind.INT, 5),
        ("title", _("export.timeline_task"), Kind.TEXT, 30),
        ("owner", _("export.timeline_owner"), Kind.TEXT, 12),
        ("start", _("export.timeline_start"), Kind.DATE, 11),
        ("due", _("export.timeline_due"), Kind.DATE, 11),
        ("status", _("export.timeline_status"), Kind.TEXT, 8),
        ("flags", _("export.timeline_flags"), Kind.TEXT, 14),
    )
    return tuple(Column(key, text, text, kind, width=max(width, display_width(text) + 2))
                 for key, text, kind, width in columns)


class _Gantt:
    """The week columns of one timeline sheet: Monday-start weeks from its first to its last day, the marked
    ones (today, T, contract end), and the formats that draw them."""

    def __init__(self, formats: Formats, timeline: "Timeline") -> None:
        self.formats = formats
        self.first = timeline.first_day - timedelta(days=timeline.first_day.weekday())
        self.mondays = [self.first + timedelta(weeks=n)
                        for n in range((timeline.last_day - self.first).days // 7 + 1)]
        dates = timeline.project.dates
        self.marks: dict[int, list[str]] = {}  # week -> its marks, strongest first
        for mark, day in (("today", timeline.today), ("handover", dates.handover),
                          ("contract_end", dates.contract_end)):
            week = self.week(day)
            if week is not None:
                self.marks.setdefault(week, []).append(mark)
        self._cells: dict[tuple, WeekCell | None] = {}
        # A row with no bar: only the marked weeks have a cell (their border).
        self.blank = {week: self.cell(None, self._mark(week)) for week in self.marks}

    def week(self, day: date) -> int | None:
        """The index of the week holding `day`; None outside the chart."""
        week = (day - self.first).days // 7
        return week if 0 <= week < len(self.mondays) else None

    def _mark(self, week: int) -> str | None:
        marks = self.marks.get(week)
        return marks[0] if marks else None

    def cell(self, kind: str | None, mark: str | None, value: str | None = None) -> WeekCell | None:
        """A week cell: `kind` a bar fill or "deadline", `mark` the column's mark, `value` ◆ or None."""
        key = (kind, mark, value)
        if key in self._cells:
            return self._cells[key]
        made: WeekCell | None = None
        if key != (None, None, None):
            props: dict[str, object] = {"align": "center", "valign": "top"}
            if mark is not None:
                props.update(left=MEDIUM, right=MEDIUM, left_color=f"#{MARKS[mark]}", right_color=f"#{MARKS[mark]}")
            if kind in BAR_FILLS:
                props.update(pattern=1, bg_color=f"#{BAR_FILLS[kind]}")
            if kind == "deadline":
                props.update(bold=True, font_color=f"#{DEADLINE_COLOR}")
            made = (self.formats.get(**props), value)
        self._cells[key] = made
        return made

    def row(self, bars: Iterable[tuple[int | None, str]], value: str | None = None) -> dict[int, WeekCell]:
        """The week cells of a row, by week: `bars` (week, kind) filled, the marked weeks bordered."""
        cells = dict(self.blank)
        for week, kind in bars:
            if week is not None:
                cells[week] = self.cell(kind, self._mark(week), value)
        return cells

    def task_row(self, task: "TimelineTask", today: date) -> dict[int, WeekCell]:
        kind = task.state
        if task.occurrences:  # a recurring task: a cell per occurrence, each in its own state
            return self.row((self.week(o.day), task.occurrence_state(o, today)) for o in task.occurrences)
        if task.milestone:
            return self.row([(self.week(task.due), kind)], DIAMOND)
        first = self.week(max(task.start, self.first)) or 0
        last = self.week(task.due)
        last = len(self.mondays) - 1 if last is None else last
        return self.row((week, kind) for week in range(first, last + 1))

    def header_rows(self, ws: "Worksheet", left: int) -> None:
        """The month row (row 0, after the title) and the week row (row 1, after the column headers), whose
        labels (the Monday, and today / T / contract end) are written upright."""
        formats, mondays = self.formats, self.mondays
        month_format = formats.get(bold=True, align="left", left=THIN, left_color=GREY)
        starts = [w for w, monday in enumerate(mondays) if w == 0 or monday.month != mondays[w - 1].month]
        for start, end in zip(starts, [*starts[1:], len(mondays)]):
            label = _("export.timeline_month", year=mondays[start].year, month=mondays[start].month)
            if display_width(label) > (end - start) * WEEK_WIDTH + 1:  # a month cut short by the chart's ends
                label = ""
            if end - start > 1:
                ws.merge_range(0, left + start, 0, left + end - 1, "", month_format)
            if label:
                ws.write_string(0, left + start, label, month_format)
            else:
                ws.write_blank(0, left + start, None, month_format)
        labels = {"today": _("export.timeline_today"), "handover": _("export.timeline_handover"),
                  "contract_end": _("export.timeline_contract_end")}
        longest = 5
        for week, monday in enumerate(mondays):
            marks = self.marks.get(week, [])
            text = " ".join([f"{monday:%m-%d}", *(labels[m] for m in marks)])
            longest = max(longest, display_width(text))
            ws.write_string(1, left + week, text, self._week_header(marks[0] if marks else None))
        ws.set_row(1, 5 * longest + 12)  # 9-point upright text: about five points a character cell

    def _week_header(self, mark: str | None) -> "Format":
        side = {"left": MEDIUM, "right": MEDIUM, "left_color": f"#{MARKS[mark]}", "right_color": f"#{MARKS[mark]}"} \
            if mark else {"left": THIN, "right": THIN, "left_color": GREY, "right_color": GREY}
        font = {"bold": True, "font_color": f"#{MARKS[mark]}"} if mark else {}
        return self.formats.get(font_size=9, pattern=1, bg_color=HEADER_FILL, top=THIN, bottom=THIN,
                                top_color=GREY, bottom_color=GREY, align="center", valign="bottom", rotation=90,
                                **side, **font)

    def legend(self) -> list[tuple[WeekCell | None, str]]:
        """(sample cell, catalog key of what it means) for the legend."""
        samples = [(self.cell(kind, None), f"export.timeline_legend_{kind}") for kind in BAR_FILLS]
        samples += [(self.cell("open", None, DIAMOND), "export.timeline_legend_milestone"),
                    (self.cell("deadline", None, DIAMOND), "export.timeline_legend_deadline")]
        samples += [(self.cell(None, mark), f"export.timeline_legend_{mark}") for mark in MARKS]
        return samples


def _write_week_cells(ws: "Worksheet", row: int, left: int, cells: dict[int, WeekCell | None]) -> None:
    for week, cell in cells.items():
        if cell is None:
            continue
        cell_format, value = cell
        if value is None:
            ws.write_blank(row, left + week, None, cell_format)
        else:
            ws.write_string(row, left + week, value, cell_format)


def _risk_rows(timeline: "Timeline", gantt: _Gantt) -> Iterable[tuple[dict, dict[int, WeekCell]]]:
    """(column values, week cells) of each open risk's review (overdue when past) and drill schedule (from its
    first to its last drill day on the timeline)."""
    drills: dict[str, list] = {}
    for dated in timeline.risk_dates:
        if dated.kind == "drill":
            drills.setdefault(dated.public_id, []).append(dated)
            continue
        overdue = dated.day < timeline.today
        title = _("export.timeline_review", title=pick(dated.text_zh, dated.text_en))
        values = {"public_id": dated.public_id, "title": title, "owner": dated.note, "due": dated.day,
                  "status": _(f"risks.status.{dated.status}"), "flags": _("export.timeline_overdue") if overdue else ""}
        yield values, gantt.row([(gantt.week(dated.day), "overdue" if overdue else "deadline")], DATED)
    for public_id, items in drills.items():
        first = items[0]
        title = _("export.timeline_drills", title=pick(first.text_zh, first.text_en), n=len(items))
        values = {"public_id": public_id, "title": title, "owner": first.note, "start": first.day,
                  "due": items[-1].day, "status": _(f"risks.status.{first.status}")}
        yield values, gantt.row(((gantt.week(item.day), "deadline") for item in items), DATED)


def _party_rows(timeline: "Timeline", gantt: _Gantt) -> Iterable[tuple[dict, dict[int, WeekCell]]]:
    """(column values, week cells) of each notice not sent (at its deadline) and each contract to end with no
    notice sent (at its last notice day), overdue when past."""
    for dated in timeline.party_dates:
        overdue = dated.day < timeline.today
        name = pick(dated.text_zh, dated.text_en)
        if dated.kind == "notice":  # its status and legal basis
            title = _("export.timeline_notice", title=name)
            status, note = _(f"parties.status.{dated.status}"), dated.note
        else:  # its decision and notice period
            title = _("export.timeline_contract", title=name)
            status = _(f"parties.decision.{dated.status or 'none'}")
            note = _("timeline.notice_period", period=dated.note)
        flags = [_("export.timeline_overdue")] if overdue else []
        values = {"public_id": dated.public_id, "title": title, "due": dated.day, "status": status,
                  "flags": _("export.timeline_separator").join([*flags, note] if note else flags)}
        yield values, gantt.row([(gantt.week(dated.day), "overdue" if overdue else "deadline")], DATED)


def write_timeline(
    workbook: "Workbook", formats: Formats, title: str, timeline: "Timeline", heading: tuple[str, datetime],
    tick: Callable[[], None],
) -> None:
    ws = workbook.add_worksheet(title)
    columns = _timeline_columns()
    left = len(columns)
    gantt = _Gantt(formats, timeline)
    widths = [c.width for c in columns]
    set_widths(ws, [*widths, *[WEEK_WIDTH] * len(gantt.mondays)])
    ws.freeze_panes(TIMELINE_HEADER_ROWS, left)

    ws.merge_range(0, 0, 0, left - 1, "", formats.section)
    write_text(ws, formats, 0, 0, _("export.timeline_title"), formats.section)
    gantt.header_rows(ws, left)
    for col, column in enumerate(columns):
        write_text(ws, formats, 1, col, column.header, formats.header)

    writers = [(column_writer(ws, formats, c, c.width), c.key) for c in columns]
    row = TIMELINE_HEADER_ROWS - 1
    separator = _("export.timeline_separator")
    deadline_titles = {d.key: pick(d.title_zh, d.title_en) for d in timeline.deadlines}
    for deadline in timeline.deadlines:
        row += 1
        flags = [_("export.timeline_impossible")] if deadline.impossible else []
        if deadline.missed_by:
            flags.append(_("export.timeline_missed_by", tasks=", ".join(deadline.missed_by)))
        values = {"title": _("export.timeline_deadline", title=deadline_titles[deadline.key], basis=deadline.basis),
                  "due": deadline.day, "flags": separator.join(flags)}
        write_row(ws, row, [(write, values.get(key)) for write, key in writers])
        _write_week_cells(ws, row, left, gantt.row([(gantt.week(deadline.day), "deadline")], DIAMOND))
    for dated in timeline.handover_dates:  # another area's dates: a handover promise, an inspection deadline
        row += 1
        name = pick(dated.text_zh, dated.text_en)
        title = (_("export.timeline_promised", name=name, batch=dated.batch) if dated.kind == "promised"
                 else _("export.timeline_inspection", name=name))
        values = {"public_id": dated.public_id, "title": title, "due": dated.day, "flags": dated.note}
        write_row(ws, row, [(write, values.get(key)) for write, key in writers])
        _write_week_cells(ws, row, left, gantt.row([(gantt.week(dated.day), "deadline")], DATED))
    for values, cells in _risk_rows(timeline, gantt):  # a review a row, a drill schedule a row (◇ each drill)
        row += 1
        write_row(ws, row, [(write, values.get(key)) for write, key in writers])
        _write_week_cells(ws, row, left, cells)
    for values, cells in _party_rows(timeline, gantt):  # a notice's deadline, a contract's last notice day
        row += 1
        write_row(ws, row, [(write, values.get(key)) for write, key in writers])
        _write_week_cells(ws, row, left, cells)
    owners: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for task in timeline.tasks:
        row += 1
        owner = owners.get(task.owner)
        if owner is None:
            owner = owners[task.owner] = role_label(task.owner)
        status = statuses.get(task.status)
        if status is None:
            status = statuses[task.status] = status_label(task.status)
        flags = [_(key) for key, on in (("export.timeline_critical", task.critical),
                                        ("export.timeline_at_risk", task.at_risk),
                                        ("export.timeline_overdue", task.overdue)) if on]
        flags += [_("export.timeline_late_for", deadline=deadline_titles.get(key, key)) for key in task.late_for]
        values = {"public_id": task.public_id, "phase_no": task.phase_no, "title": pick(task.title_zh, task.title_en),
                  "owner": owner, "start": task.start, "due": task.due, "status": status,
                  "flags": separator.join(flags)}
        write_row(ws, row, [(write, values[key]) for write, key in writers])
        _write_week_cells(ws, row, left, gantt.task_row(task, timeline.today))
        tick()

    row += 2  # a blank row, then the legend: a sample cell in column A, what it means beside it
    write_text(ws, formats, row, 0, _("export.timeline_legend"), formats.bold)
    for sample, key in gantt.legend():
        row += 1
        _write_week_cells(ws, row, 0, {0: sample})
        ws.write_string(row, 1, _(key))

    ws.repeat_rows(0, TIMELINE_HEADER_ROWS - 1)
    ws.repeat_columns(0, left - 1)
    project, generated = heading
    page_setup(ws, title, project, sum(widths) + WEEK_WIDTH * len(gantt.mondays), generated, grid=True,
               landscape=True)  # a Gantt is wide, however short the project
