"""Drive the timeline like a coordinator: open it with 3, zoom, scroll, jump to today, collapse, edit a task."""

from rich.cells import cell_len
from textual.widgets import Label

from exit_tui.services.timeline import load_timeline
from exit_tui.ui.modals.task_form import TaskForm
from exit_tui.ui.screens.timeline import TimelineScreen
from exit_tui.ui.widgets.gantt import HEADER, Gantt

from .ui_helpers import FROZEN_TODAY, demo_app, settle


async def open_timeline(pilot) -> Gantt:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TimelineScreen)
    return pilot.app.screen.query_one(Gantt)


def lines(gantt: Gantt) -> list[str]:
    return ["".join(s.text for s in gantt.render_line(y)) for y in range(gantt.scrollable_content_region.height)]


def today_visible(gantt: Gantt) -> bool:
    col = gantt._scale.mid(FROZEN_TODAY) - round(gantt.scroll_x)
    return 0 <= col < gantt.chart_width


async def test_three_opens_every_task_and_deadline(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        timeline = backend.call(load_timeline, project_id, FROZEN_TODAY)
        assert [r.key for r in gantt.rows if r.kind == "task"] == [t.public_id for t in timeline.tasks]
        assert sum(r.kind == "deadline" for r in gantt.rows) == len(timeline.deadlines)
        assert today_visible(gantt)  # opens on today
        assert "民法典947" in "".join(lines(gantt))


async def test_zoom_changes_the_axis_and_keeps_the_centre(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        assert gantt.zoom == "week"
        week_axis = lines(gantt)[:HEADER]
        centre = gantt.day_at_centre()
        await pilot.press("plus")
        assert gantt.zoom == "day" and lines(gantt)[:HEADER] != week_axis
        assert abs((gantt.day_at_centre() - centre).days) <= 1
        await pilot.press("plus")  # already at the finest zoom
        assert gantt.zoom == "day"
        await pilot.press("minus", "minus")
        assert gantt.zoom == "month"
        assert gantt.max_scroll_x == 0  # the whole plan fits at month zoom
        await pilot.press("plus")
        assert gantt.zoom == "week" and 0 < gantt.max_scroll_x
        status = str(app.screen.query_one("#timeline-status", Label).render())
        assert "按周" in status


async def test_scroll_sideways_and_back_to_today(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        start = gantt.scroll_x
        await pilot.press("right")
        assert gantt.scroll_x > start
        await pilot.press("l", "l")
        moved = gantt.scroll_x
        await pilot.press("h")
        assert start < gantt.scroll_x < moved
        await pilot.press("left", "left", "left", "left", "left", "left", "left", "left")
        assert gantt.scroll_x < start
        for _ in range(30):
            await pilot.press("l")
        assert not today_visible(gantt)
        await pilot.press("t")
        assert today_visible(gantt)
        col = gantt._scale.mid(FROZEN_TODAY) - round(gantt.scroll_x)
        assert col <= gantt.chart_width // 3 + 1


async def test_enter_on_a_task_opens_the_checklist_form_and_keeps_the_cursor(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        assert gantt.select_key("T-0012")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskForm) and app.screen.item.public_id == "T-0012"
        app.screen.query_one("#note").value = "已张贴, 见照片 [B区]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert gantt.cursor_key == "T-0012"
        status = str(app.screen.query_one("#timeline-status", Label).render())
        assert "T-0012" in status


async def test_enter_on_a_phase_collapses_it_and_c_collapses_all(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        total = len(gantt.rows)
        phase_tasks = sum(r.group == "phase:2" and r.kind == "task" for r in gantt.rows)
        assert gantt.select_key("phase:2")
        await pilot.press("enter")
        assert len(gantt.rows) == total - phase_tasks and gantt.cursor_key == "phase:2"
        assert "▶ 02" in "".join(lines(gantt))
        await pilot.press("space")
        assert len(gantt.rows) == total
        await pilot.press("c")
        assert all(r.kind in ("group", "phase") for r in gantt.rows)


async def test_mouse_click_selects_and_double_click_opens(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        gantt.move_cursor(next(i for i, r in enumerate(gantt.rows) if r.key == "parties"))
        gantt.action_toggle()  # the notices' group collapsed: the first task is in view
        await pilot.pause()
        row = next(i for i, r in enumerate(gantt.rows) if r.kind == "task")
        await pilot.click(Gantt, offset=(3, HEADER + row))
        assert gantt.cursor == row
        await pilot.double_click(Gantt, offset=(3, HEADER + row))
        await settle(pilot)
        assert isinstance(app.screen, TaskForm) and app.screen.item.public_id == gantt.rows[row].key


async def test_80x24_keeps_every_line_aligned(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        gantt = await open_timeline(pilot)
        assert gantt.label_width == 24 and gantt.chart_width >= 50 and gantt.visible_rows >= 15
        width = gantt.scrollable_content_region.width
        for key in ("j", "plus", "l", "minus", "minus", "t"):
            await pilot.press(key)
            for text in lines(gantt):
                assert cell_len(text) == width
                assert cell_len(text[:text.index("│")]) == gantt.label_width - 1


async def test_editing_a_date_from_the_timeline_goes_through_the_replan_preview(tmp_path):
    from datetime import timedelta

    from textual.widgets import Input

    from exit_tui.ui.modals.replan import ReplanDialog

    from .test_ui_replan import by_template, dialog_text

    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        punch = by_template(backend, project_id, "punch-list")
        acceptance = by_template(backend, project_id, "joint-acceptance")
        assert gantt.select_key(punch.public_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskForm)
        app.screen.query_one("#due", Input).value = (punch.due_date + timedelta(days=3)).isoformat()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReplanDialog)
        assert acceptance.public_id in dialog_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen) and gantt.cursor_key == punch.public_id
        moved = next(t for t in app.screen.timeline.tasks if t.public_id == acceptance.public_id)
        assert moved.due == acceptance.due_date + timedelta(days=3)  # the Gantt shows the new plan


async def test_m_marks_occurrences_from_the_timeline(tmp_path):
    from textual.widgets import SelectionList

    from exit_tui.services import timeline
    from exit_tui.ui.modals.occurrences import OccurrencesDialog

    from .test_ui_replan import by_template

    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        meeting = by_template(backend, project_id, "team-meeting")
        assert gantt.select_key(meeting.public_id)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, OccurrencesDialog)
        before = backend.call(timeline.list_occurrences, project_id, meeting.public_id)
        last = len(before) - 1  # ahead of today: still open in the demo
        app.screen.query_one(SelectionList).highlighted = last
        await pilot.press("space", "escape")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        marks = backend.call(timeline.list_occurrences, project_id, meeting.public_id)
        assert marks[last].done_on == FROZEN_TODAY and marks[:last] == before[:last]
        row = next(t for t in app.screen.timeline.tasks if t.public_id == meeting.public_id)
        assert row.occurrences[last].done_on == FROZEN_TODAY
