"""Notices' deadlines and contracts' last notice days where the coordinator looks every day: the timeline's group
of them (enter asks for the People screen on the notice or contract) and the dashboard's next-up list (an overdue
notice and a contract past its last notice day shown like overdue tasks). The People screen's tabs are tested with
the screen; here the request it is sent is recorded."""

from textual.widgets import Label

from exit_tui.services.dashboard import load_dashboard
from exit_tui.ui.requests import PeopleRequest
from exit_tui.ui.screens.dashboard import DashboardScreen

from .test_ui_timeline import open_timeline
from .ui_helpers import FROZEN_TODAY, demo_app, settle


def _record(app) -> list:
    shown: list = []
    app.show = lambda mode, request=None: shown.append((mode, request))
    return shown


async def test_enter_on_a_notice_row_of_the_timeline_asks_for_the_people_screen(tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        gantt = await open_timeline(pilot)
        shown = _record(app)
        keys = [row.key for row in gantt.rows]
        for key, tab in (("parties:N-0004", "notice"), ("parties:C-0006", "contract")):
            gantt.move_cursor(keys.index(key))
            await pilot.pause()
            status = str(app.screen.query_one("#timeline-status", Label).render())
            assert key.split(":")[1] in status and "已逾期" in status
            await pilot.press("enter")
            await settle(pilot)
            assert shown[-1] == ("people", PeopleRequest(tab=tab, key=key.split(":")[1]))
        assert "通知/合同期限" in str(app.screen.query_one("#timeline-legend", Label).render())


async def test_an_overdue_notice_and_a_late_contract_are_in_the_next_up_list(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    late = backend.call(load_dashboard, project_id, FROZEN_TODAY).late_parties
    assert [(d.kind, d.public_id) for d in late] == [("contract", "C-0006"), ("notice", "N-0004")]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        next_up = screen.next_up
        notice, contract = late[1], late[0]
        assert next_up.cell_text("N-0004", "title") == f"通知: {notice.text_zh}"
        assert next_up.cell_text("C-0006", "title") == f"合同通知: {contract.text_zh}"
        assert next_up.cell_text("N-0004", "due") == f"{notice.day.isoformat()} !"
        lines = list(next_up.shown_rows())
        assert [line.due for line in lines] == sorted(line.due for line in lines)  # among the tasks by date
        shown = _record(app)
        next_up.focus()
        for key, tab in (("N-0004", "notice"), ("C-0006", "contract")):
            next_up.move_cursor(next_up.shown_keys().index(key))
            await pilot.press("enter")
            await settle(pilot)
            assert shown[-1] == ("people", PeopleRequest(tab=tab, key=key))
