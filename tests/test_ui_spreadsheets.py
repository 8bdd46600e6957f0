"""Export and import from the UI, as a coordinator does it: e, path, progress, done; i, file, preview, apply."""

import openpyxl
from textual.widgets import Button, DataTable, Input, Label

from exit_tui.domain.enums import TaskStatus
from exit_tui.services import checklist
from exit_tui.ui.modals.export_dialog import ExportDialog
from exit_tui.ui.modals.import_dialog import ImportPicker, ImportPreview
from exit_tui.ui.screens.dashboard import DashboardScreen

from .ui_helpers import FROZEN_TODAY, demo_app, settle


async def export_with_the_dialog(pilot, target) -> None:
    await pilot.press("e")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    default = dialog.query_one("#path", Input).value
    assert default.endswith(".xlsx") and "锦绣华庭" in default
    dialog.query_one("#path", Input).value = str(target)
    await pilot.press("ctrl+s")
    await settle(pilot, rounds=5)


async def test_export_from_the_dashboard_writes_the_package(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    target = tmp_path / "out" / "package.xlsx"
    target.parent.mkdir()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await export_with_the_dialog(pilot, target)
        assert isinstance(app.screen, DashboardScreen)
        assert any(str(target) in str(n.message) for n in app._notifications)
    workbook = openpyxl.load_workbook(target, read_only=True)
    try:
        total = backend.call(checklist.list_tasks, project_id, checklist.TaskQuery(), FROZEN_TODAY).total
        ids = {row[0] for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
               if row and isinstance(row[0], str) and row[0].startswith("T-")}
        assert len(ids) == total
    finally:
        workbook.close()


async def test_export_to_a_folder_that_cannot_be_written_shows_the_reason_in_the_dialog(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await export_with_the_dialog(pilot, blocker / "package.xlsx")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#field-path .hint").has_class("-error")
        assert not app.screen.query_one("#export", Button).disabled


async def test_import_previews_then_applies_the_changes(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    target = tmp_path / "package.xlsx"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await export_with_the_dialog(pilot, target)

        workbook = openpyxl.load_workbook(target)
        sheet = next(ws for ws in workbook.worksheets if ws.sheet_state == "visible" and ws["A1"].value != None
                     and any(str(c.value).startswith("T-") for c in ws["A"] if c.value))
        header = next(r for r in sheet.iter_rows() if any(c.value in ("状态", "Status") for c in r))
        status_col = next(c.column for c in header if c.value in ("状态", "Status"))
        first = next(r for r in sheet.iter_rows(min_row=header[0].row + 1) if str(r[0].value).startswith("T-"))
        changed_id = first[0].value
        before = backend.call(checklist.get_task, project_id, changed_id, FROZEN_TODAY)
        new_status = "待办" if before.status is TaskStatus.DONE else "已完成"
        sheet.cell(row=first[0].row, column=status_col).value = new_status
        workbook.save(target)

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportPicker)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot, rounds=5)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert "修改 1 行" in str(preview.query_one("#summary", Label).render())
        changes = preview.query_one("#changes", DataTable)
        assert changes.row_count == 1 and str(changes.get_row_at(0)[0]) == changed_id
        assert backend.call(checklist.get_task, project_id, changed_id, FROZEN_TODAY) == before  # preview only
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        assert isinstance(app.screen, DashboardScreen)
        after = backend.call(checklist.get_task, project_id, changed_id, FROZEN_TODAY)
        assert after.status is not before.status


async def test_a_stale_file_shows_conflicts_and_applies_only_the_rows_chosen(tmp_path):
    """Export, change two tasks in the app, import the old file: both are conflicts, kept as the app has them,
    unless space on a conflict row takes the file's values for that row."""
    app, backend, project_id = demo_app(tmp_path)
    target = tmp_path / "package.xlsx"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await export_with_the_dialog(pilot, target)
        rows = backend.call(checklist.list_tasks, project_id, checklist.TaskQuery(limit=10_000), FROZEN_TODAY).rows
        first, second = [t for t in rows if t.status is TaskStatus.TODO][:2]
        for task in (first, second):
            backend.call(checklist.toggle_done, project_id, task.public_id, FROZEN_TODAY)

        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot, rounds=5)
        preview = app.screen
        conflicts = preview.query_one("#conflicts", DataTable)
        assert conflicts.display and conflicts.row_count == 2
        assert preview.query_one("#changes", DataTable).row_count == 0
        conflicts.focus()
        conflicts.move_cursor(row=[str(conflicts.get_row_at(r)[1]) for r in range(2)].index(first.public_id))
        await pilot.press("space")
        await settle(pilot, rounds=5)
        assert str(conflicts.get_row_at(conflicts.cursor_row)[0]) == "[x]"
        assert preview.query_one("#changes", DataTable).row_count == 1
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        assert isinstance(app.screen, DashboardScreen)
    assert backend.call(checklist.get_task, project_id, first.public_id, FROZEN_TODAY).status is TaskStatus.TODO
    assert backend.call(checklist.get_task, project_id, second.public_id, FROZEN_TODAY).status is TaskStatus.DONE


async def test_import_of_a_missing_file_is_refused_in_the_picker(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(tmp_path / "nope.xlsx")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportPicker)
        assert app.screen.query_one("#field-path .hint").has_class("-error")


async def test_a_refused_file_shows_its_reason_in_the_preview(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 200)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(fake)
        await pilot.press("enter")
        await settle(pilot, rounds=5)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert "photo.xlsx" in str(preview.query_one("#summary", Label).render())
        assert preview.query_one("#apply", Button).disabled


async def test_a_committees_list_shows_what_it_leaves_off_our_register(tmp_path):
    from exit_tui.i18n import zh
    from exit_tui.services import handover

    app, backend, project_id = demo_app(tmp_path)
    path = tmp_path / "业委会资料清单.csv"
    path.write_text("资料名称,份数\n竣工总平面图,1\n小区绿化竣工图,1\n", encoding="utf-8-sig")
    documents = backend.call(handover.list_items, project_id, "document")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot, rounds=5)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert f"对方清单没有列出的 {len(documents) - 1} 项" in str(preview.query_one("#summary", Label).render())
        changes = preview.query_one("#changes", DataTable)
        rows = [tuple(str(cell) for cell in changes.get_row_at(i)[:2]) for i in range(changes.row_count)]
        assert rows[0] == ("第 3 行 小区绿化竣工图", zh.MESSAGES["dialog.import_new_row"])
        assert (f"{documents[1].public_id} {documents[1].name}", "对方清单未列出") in rows
