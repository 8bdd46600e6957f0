"""Drive the People screen (key 7) on the demo's staff list: the totals and alerts, the filter choices, the form
with the severance working, a placement art 42 refuses, a re-planned leaving date that moves the follow-up tasks,
the settings form, and the dashboard's staff card opening the screen on the alerts."""

from decimal import Decimal

from textual.widgets import Input, Select, Static

from exit_tui.domain.money import format_fen
from exit_tui.services import checklist, staff
from exit_tui.ui.modals.record_form import RecordForm
from exit_tui.ui.screens.people import EmployeeForm, PeopleScreen, has_alert

from .ui_helpers import demo_app, settle


async def open_people(pilot) -> PeopleScreen:
    await settle(pilot)
    await pilot.press("7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen)
    return screen


async def test_the_register_shows_its_totals_alerts_and_filters(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    employees = backend.call(staff.list_employees, project_id)
    summary = backend.call(staff.staff_summary, project_id, app.today)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_people(pilot)
        assert screen.table.shown_keys() == [e.public_id for e in employees]
        shown = str(screen.query_one("#staff-summary", Static).render())
        assert format_fen(summary.severance_fen) in shown
        assert summary.art41_reached and "41" in shown
        assert all(ref in shown for ref in (*summary.blocked, *summary.incomplete))
        total = sum(e.amount_fen for e in employees)
        assert total == summary.severance_fen  # the count line sums what the rows show
        assert format_fen(total) in str(screen.query_one("#count-line").render())

        screen.query_one("#choice", Select).value = "alerts"
        await settle(pilot)
        assert screen.table.shown_keys() == [e.public_id for e in employees if has_alert(e)]
        assert set(screen.table.shown_keys()) == {*summary.blocked, *summary.incomplete}
        await pilot.press("f")  # the next choice: every placement in turn
        await settle(pilot)
        assert str(screen.query_one("#choice", Select).value) == "placement:"
        await pilot.press("f", "f", "f")  # 待定, 调岗, 新公司接收 -> 协商解除
        await settle(pilot)
        agreed = [e.public_id for e in employees if e.placement == "agreed"]
        assert screen.table.shown_keys() == agreed
        await pilot.press("slash", *employees[0].name)
        await settle(pilot)
        assert screen.table.shown_keys() == []  # the first employee is not placed by agreement


async def test_the_form_shows_the_working_and_a_new_leaving_date_moves_the_tasks(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    leaver = next(e for e in backend.call(staff.list_employees, project_id)
                  if e.severance is not None and e.severance.amount and e.tasks)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_people(pilot)
        screen.table.move_to_key(leaver.public_id)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EmployeeForm)
        working = str(form.query_one("#working-text", Static).render())
        assert format_fen(leaver.severance.amount) in working
        assert f"{leaver.severance.months}" in working and "47" in working
        form.query_one("#leaving_date", Input).value = "2027年2月26日"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        after = backend.call(staff.get_employee, project_id, leaver.public_id)
        assert str(after.leaving_date) == "2027-02-26" and after.tasks == leaver.tasks
        dues = {backend.call(checklist.get_task, project_id, ref, app.today).due_date for ref in after.tasks}
        assert min(dues).isoformat() == "2027-02-26"  # the certificate is due on the leaving day
        assert screen.table.cursor_row.public_id == leaver.public_id
        assert after.severance.months >= leaver.severance.months


async def test_art42_refuses_a_dismissal_on_its_field_and_nothing_is_written(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    protected = next(e for e in backend.call(staff.list_employees, project_id) if e.protected)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_people(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#name", Input).value = "[新] 王芳"
        form.query_one("#hire_date", Input).value = "2019-03-01"
        form.query_one("#protected", Input).value = "孕期、产期、哺乳期"
        form.query_one("#wages", Input).value = "6000, 6200"
        form.query_one("#placement", Select).value = "art41"
        form.query_one("#leaving_date", Input).value = "2027-01-09"
        before = len(backend.call(staff.list_employees, project_id))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and app.focused is form.query_one("#placement", Select)
        assert len(backend.call(staff.list_employees, project_id)) == before
        form.query_one("#placement", Select).value = "agreed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        new = backend.call(staff.list_employees, project_id)[-1]
        assert new.name == "[新] 王芳" and new.placement == "agreed" and new.wages_fen == (600_000, 620_000)
        assert new.severance.months == Decimal("8.0")  # 2019-03-01 .. 2027-01-09: 7 years 10 months -> 8
        assert screen.table.cursor_row.public_id == new.public_id
    assert protected.blocks  # the demo's protected employee is shown blocked


async def test_settings_override_the_profile_and_the_card_opens_the_alerts(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_people(pilot)
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#workforce", Input).value = "200"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert backend.call(staff.staff_settings, project_id, app.today).workforce == 200
        summary = str(screen.query_one("#staff-summary", Static).render())
        assert not backend.call(staff.staff_summary, project_id, app.today).art41_reached
        assert "41" not in summary.split("\n")[0]

        await pilot.press("1")
        await settle(pilot)
        await pilot.click("#card-staff")
        await settle(pilot)
        assert app.screen is screen and str(screen.query_one("#choice", Select).value) == "alerts"
