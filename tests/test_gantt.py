"""The Gantt widget's pure parts (scale, axis, rows, marks, truncation) and its lines in a bare app."""

from datetime import date, timedelta

from rich.cells import cell_len
from textual.app import App

from exit_tui.i18n import set_language
from exit_tui.ui.widgets.gantt import (
    HEADER, WIDE, Gantt, Scale, axis_lines, build_rows, cells, fit, lay_out, origin_for, row_label, row_marks,
)

from .timeline_data import DATES, TODAY, big_timeline, sample_timeline

MONDAY = date(2026, 11, 2)


def test_scale_columns_at_each_zoom():
    day, week, month = (Scale(z, MONDAY) for z in ("day", "week", "month"))
    assert (day.col(MONDAY + timedelta(days=2)), day.mid(MONDAY + timedelta(days=2))) == (6, 7)
    assert day.span(MONDAY, MONDAY + timedelta(days=1)) == (0, 5)
    assert week.span(MONDAY + timedelta(days=3), MONDAY + timedelta(days=9)) == (3, 9)
    assert month.span(MONDAY + timedelta(days=6), MONDAY + timedelta(days=7)) == (0, 1)
    assert month.day_at(2) == MONDAY + timedelta(days=14) and day.day_at(7) == MONDAY + timedelta(days=2)


def test_origin_is_a_monday_at_least_a_week_before():
    origin = origin_for(date(2026, 9, 1))
    assert origin.weekday() == 0 and 7 <= (date(2026, 9, 1) - origin).days < 14


def test_axis_labels():
    set_language("en")
    top, bottom = axis_lines(Scale("week", MONDAY), 70)
    assert len(top) == len(bottom) == 70
    assert top.startswith("2026-11") and top[29:36] == "2026-12"  # 1 December is 29 days after 2 November
    assert bottom.split() == ["2", "9", "16", "23", "30", "7", "14", "21", "28", "4"]
    top, bottom = axis_lines(Scale("day", MONDAY), 12)
    assert bottom == " 2  3  4  5 "
    top, bottom = axis_lines(Scale("month", date(2026, 10, 26)), 20)
    assert bottom.split()[:4] == ["Nov", "Dec", "Jan", "Feb"] and top.split() == ["2026", "2027"]
    set_language("zh")
    assert axis_lines(Scale("month", date(2026, 10, 26)), 20)[1].split()[:3] == ["11", "12", "1"]


def test_cells_and_fit_keep_wide_characters_whole():
    assert cells("民法典947") == f"民{WIDE}法{WIDE}典{WIDE}947"
    assert fit("核对[B区]钥匙", 7) == "核对[B " and cell_len(fit("核对[B区]钥匙", 8)) == 8
    assert fit("ab", 5) == "ab   "


def test_rows_group_deadlines_then_phases_then_tasks():
    timeline = sample_timeline()
    rows = build_rows(timeline)
    assert [r.kind for r in rows[:4]] == ["group", "deadline", "deadline", "deadline"]
    assert [r.key for r in rows if r.kind == "phase"] == ["phase:1", "phase:2", "phase:3"]
    phase1 = rows[4]
    assert (phase1.done, phase1.total, phase1.start, phase1.end) == (1, 2, date(2026, 9, 1), date(2026, 12, 5))
    assert [r.key for r in rows if r.kind == "task"] == [t.public_id for t in timeline.tasks]


def test_marks_bars_milestones_occurrences_and_deadlines():
    timeline = sample_timeline()
    scale = Scale("week", origin_for(timeline.first_day))
    rows = {r.key: r for r in build_rows(timeline)}
    (bar,) = row_marks(rows["T-0002"], scale, TODAY)  # critical: shaded
    assert bar.text == "▓" * 16 and bar.style == "gantt--open" and bar.col == scale.col(date(2026, 11, 20))
    assert row_marks(rows["T-0003"], scale, TODAY)[0].style == "gantt--overdue"
    assert row_marks(rows["T-0004"], scale, TODAY)[0].style == "gantt--at-risk"
    assert row_marks(rows["T-0001"], scale, TODAY)[0].text == "█" * 10
    (diamond,) = row_marks(rows["T-0005"], scale, TODAY)
    assert (diamond.text, diamond.col) == ("◆", scale.col(DATES.handover))
    line, *occurrences = row_marks(rows["T-0006"], scale, TODAY)
    assert line.style == "gantt--recurring" and len(occurrences) == 14
    assert [o.style for o in occurrences[:5]] == ["gantt--done"] * 3 + ["gantt--overdue", "gantt--open"]
    diamond, label = row_marks(rows["deadline:notice_90"], scale, TODAY)
    assert diamond.style == "gantt--overdue" and label.text == cells("民法典947")  # missed by T-0003
    assert row_marks(rows["deadline:early"], scale, TODAY)[0].style == "gantt--impossible"


def test_labels_mark_collapse_critical_and_impossible():
    rows = {r.key: r for r in build_rows(sample_timeline())}
    assert row_label(rows["phase:1"], False)[0][0].startswith("▼ 01")
    assert row_label(rows["phase:1"], True)[0][0].startswith("▶ 01")
    assert row_label(rows["T-0002"], False)[1] == ("*", "gantt--critical")
    assert row_label(rows["deadline:early"], False)[0] == ("! ", "gantt--impossible")


class GanttApp(App):
    def __init__(self, timeline) -> None:
        super().__init__()
        self.timeline = timeline

    def compose(self):
        yield Gantt()

    def on_mount(self) -> None:
        self.query_one(Gantt).load(self.timeline)
        self.query_one(Gantt).focus()


def line_texts(gantt: Gantt) -> list[str]:
    return ["".join(s.text for s in gantt.render_line(y)) for y in range(gantt.scrollable_content_region.height)]


async def test_every_line_has_the_same_width_and_the_divider_in_place():
    for size in ((80, 24), (160, 30)):
        app = GanttApp(sample_timeline())
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            gantt = app.query_one(Gantt)
            width = gantt.scrollable_content_region.width
            for zoom in ("+", "-", "-"):
                await pilot.press(zoom)
                for x in (0, 13, 41):  # cutting wide characters of deadline labels at the left edge
                    gantt.scroll_to(x=x, animate=False, immediate=True)
                    await pilot.pause()
                    texts = line_texts(gantt)
                    assert all(cell_len(text) == width for text in texts)
                    for text in texts[:HEADER + len(gantt.rows)]:
                        assert cell_len(text[:text.index("│")]) == gantt.label_width - 1
            assert "[B区]" in "".join(line_texts(gantt))  # user text, not markup
            assert gantt.label_width == (24 if size[0] == 80 else 48)


async def test_cursor_stays_on_the_task_across_reloads_and_collapsing():
    app = GanttApp(sample_timeline())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        gantt = app.query_one(Gantt)
        assert gantt.select_key("T-0004")
        gantt.load(sample_timeline())
        assert gantt.cursor_key == "T-0004"
        await pilot.press("c")  # collapse all: the cursor goes to the task's phase
        assert gantt.cursor_key == "phase:2" and all(r.kind in ("group", "phase") for r in gantt.rows)
        await pilot.press("c")
        assert len(gantt.rows) == len(build_rows(sample_timeline()))


async def test_a_layout_made_in_a_worker_draws_what_the_timeline_would():
    timeline = sample_timeline()
    layout = lay_out(timeline)  # what the timeline screen makes in a thread worker
    assert layout.rows == build_rows(timeline) and layout.last_day == timeline.last_day
    assert layout.origin.weekday() == 0 and layout.origin < timeline.first_day
    app = GanttApp(timeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        gantt = app.query_one(Gantt)
        assert gantt.select_key("T-0004")
        direct = line_texts(gantt)
        gantt.load(layout)
        await pilot.pause()
        assert gantt.timeline is timeline and gantt.cursor_key == "T-0004" and line_texts(gantt) == direct


async def test_ten_thousand_tasks_draw_only_what_is_visible():
    app = GanttApp(big_timeline(10_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        gantt = app.query_one(Gantt)
        assert gantt.virtual_size.height == HEADER + len(gantt.rows) > 10_000
        await pilot.press("end")
        assert gantt.cursor == len(gantt.rows) - 1 and gantt.scroll_y > 9_000
        assert len(gantt._marks) < 100  # geometry computed for the rows drawn, not for all
