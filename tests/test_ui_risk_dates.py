"""Risk reviews and drills where the coordinator looks every day: the timeline's group of them (enter opens the
Risks screen on the risk), the dashboard's next-up list (a late review shown like an overdue task) and the
checklist's count line (late reviews said, not mixed into the tasks)."""

from textual.widgets import Label

from exit_tui.services.dashboard import load_dashboard
from exit_tui.ui.screens.checklist import ChecklistScreen
from exit_tui.ui.screens.dashboard import DashboardScreen
from exit_tui.ui.screens.risks import RisksScreen
from exit_tui.ui.widgets.gantt import Gantt

from .test_ui_timeline import open_timeline
from .ui_helpers import FROZEN_TODAY, demo_app, settle


async def test_enter_on_a_risk_row_of_the_timeline_opens_the_risks_screen_on_it(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        await pilot.press("home")
        keys = [row.key for row in gantt.rows]
        drill = next(key for key in keys if key.startswith("risks:") and key.endswith("/drill"))
        await pilot.press(*["down"] * keys.index(drill))
        row = gantt.cursor_row
        assert row.key == drill and len(row.series) > 1  # every drill day of the risk on this one row
        status = str(app.screen.query_one("#timeline-status", Label).render())
        assert f"{row.dated.public_id} " in status and f"演练 {len(row.series)} 次" in status
        assert "风险复核/演练" in str(app.screen.query_one("#timeline-legend", Label).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RisksScreen)
        assert app.screen.table.cursor_key == row.dated.public_id


async def test_a_late_review_is_in_the_next_up_list_like_an_overdue_task(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    late = backend.call(load_dashboard, project_id, FROZEN_TODAY).late_reviews
    assert [r.public_id for r in late] == ["R-0003"], "the demo has one review overdue"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        next_up = screen.next_up
        assert "R-0003" in next_up.shown_keys()
        assert next_up.cell_text("R-0003", "title") == f"复核: {late[0].text_zh}"
        assert next_up.cell_text("R-0003", "due") == f"{late[0].day.isoformat()} !"
        lines = [line for line in next_up.shown_rows()]
        assert [line.due for line in lines] == sorted(line.due for line in lines)  # among the tasks by date
        next_up.focus()
        next_up.move_cursor(next_up.shown_keys().index("R-0003"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RisksScreen)
        assert app.screen.table.cursor_key == "R-0003"


async def test_the_checklist_says_how_many_reviews_are_late(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        count = app.screen.query_one("#count-line", Label).render()
        assert "风险复核逾期 1 项 (6 查看)" in str(count)
        assert any("风险复核" in str(count)[span.start:span.end] for span in count.spans)  # in its own colour
        assert all(row.public_id.startswith("T-") for row in app.screen.table.shown_rows())  # tasks only
