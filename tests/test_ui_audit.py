"""The audit log screen: reached from the palette (it has no key), lists every change with who, when, what and
old -> new, filters by text, entity and action, shows an entry whole, exports the view, and changes nothing."""

from openpyxl import load_workbook
from textual.widgets import Select

from exit_tui.services import audit, checklist
from exit_tui.services.readmodels import TaskChanges
from exit_tui.ui.modals.message import MessageScreen
from exit_tui.ui.screens.audit import AuditScreen

from .ui_helpers import FROZEN_TODAY, demo_app, settle


async def open_audit(pilot):
    await settle(pilot)
    pilot.app.show("audit")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AuditScreen)
    return pilot.app.screen


async def test_the_audit_screen_lists_filters_and_shows_entries(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    backend.call(checklist.update_task, project_id, "T-0007", TaskChanges(note="业委会 [张主任] 已签收"), FROZEN_TODAY)
    total = len(backend.call(audit.list_entries, project_id, None))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_audit(pilot)
        table = screen.table
        assert len(table.shown_keys()) == total
        newest = table.shown_rows()[0]
        assert (newest.public_id, newest.field, newest.new) == ("T-0007", "note", "业委会 [张主任] 已签收")
        assert "业委会 [张主任] 已签收" in table.cell_text(str(newest.id), "change")

        await pilot.press("slash")
        await pilot.press(*"T-0007")
        await settle(pilot)
        assert {row.public_id for row in table.shown_rows()} == {"T-0007"}
        await pilot.press("escape")
        await settle(pilot)

        screen.query_one("#action", Select).value = "update"
        await settle(pilot)
        assert {row.action for row in table.shown_rows()} == {"update"}
        screen.query_one("#action", Select).clear()
        screen.query_one("#entity", Select).value = "phase"
        await settle(pilot)
        assert {row.entity for row in table.shown_rows()} == {"phase"} and len(table.shown_keys()) == 20

        table.focus()
        await pilot.press("home", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MessageScreen)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("d")  # append-only: nothing happens but a notice
        await settle(pilot)
        assert len(backend.call(audit.list_entries, project_id, None)) == total


async def test_the_audit_view_exports_what_is_shown(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_audit(pilot)
        screen.query_one("#entity", Select).value = "phase"
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        path = tmp_path / "audit.xlsx"
        app.screen.query_one("#path").value = str(path)
        await pilot.press("enter")
        await settle(pilot, rounds=6)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert sum(1 for row in rows if "阶段" in row) == 20  # the entity as the screen shows it
