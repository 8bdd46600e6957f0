"""The calendar export from the UI: palette, default path in Documents, the file written, the count shown; the
task form's notice on working days without holiday data."""

import icalendar
import platformdirs
from textual.command import CommandPalette
from textual.widgets import Button, Input, Static

from exit_tui.ui.modals.calendar_dialog import CalendarDialog
from exit_tui.ui.modals.task_form import TaskForm
from exit_tui.ui.screens.dashboard import DashboardScreen

from .ui_helpers import demo_app, settle


async def open_from_the_palette(pilot) -> CalendarDialog:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*"导出日历")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, CalendarDialog)
    return dialog


async def test_palette_exports_the_calendar_to_the_default_path(tmp_path, monkeypatch):
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(platformdirs, "user_documents_path", lambda: documents)
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert ("导出日历 (.ics)" in [title for title, _help, _cb in app.palette_commands()])
        dialog = await open_from_the_palette(pilot)
        default = dialog.query_one("#path", Input).value
        assert default == str(documents / "锦绣华庭[一期] 物业退出-日历-2026-11-28.ics")
        await pilot.press("enter")  # accept the default
        await settle(pilot, rounds=5)
        assert isinstance(app.screen, DashboardScreen)
        written = documents / "锦绣华庭[一期] 物业退出-日历-2026-11-28.ics"
        events = icalendar.Calendar.from_ical(written.read_bytes()).walk("VEVENT")
        assert len(events) > 20
        messages = [str(n.message) for n in app._notifications]
        assert any(str(written) in m and f"{len(events)} 个" in m for m in messages)


async def test_a_missing_folder_is_shown_in_the_dialog_and_escape_cancels(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_export_calendar()
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CalendarDialog)
        dialog.query_one("#path", Input).value = str(tmp_path / "nowhere" / "cal")
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        assert app.screen is dialog
        hint = dialog.query_one("#field-path .hint")
        assert hint.has_class("-error") and "nowhere" in str(hint.render())
        assert not dialog.query_one("#export", Button).disabled
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not list(tmp_path.glob("**/*.ics"))


async def test_the_task_form_says_when_working_days_fall_in_a_year_without_holiday_data(tmp_path):
    """The demo's T is 2027-01-02: `T +3wd` is counted Monday to Friday (no 2027 data), `合同到期 -3wd` is not."""
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = TaskForm(app.project, [], None)
        app.push_screen(form)
        await settle(pilot)
        hint = form.query_one("#field-due .hint", Static)
        due = form.query_one("#due", Input)
        for text, noticed in (("T +3wd", True), ("合同到期 -3工作日", False), ("T +3d", False)):
            due.value = text
            await pilot.pause()
            assert not hint.has_class("-error")
            assert ("2027 年没有法定节假日数据" in str(hint.render())) is noticed, text
