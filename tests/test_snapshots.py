"""SVG snapshots of every screen at 120x40 with the clock frozen, in Chinese and English.

The demo data has CJK text and a title with [brackets]. Update after a deliberate change with
`uv run pytest tests/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

import pytest

from exit_tui.i18n import set_language

from .ui_helpers import demo_app, settle

SIZE = (120, 40)


@pytest.fixture(params=["zh", "en"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("zh")


def keys_then_settle(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_welcome(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path, with_project=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle())


def test_dashboard(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle())


def test_checklist(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("2", "down", "down", "down"))


def test_task_form_with_a_bad_date(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)

    async def run_before(pilot) -> None:
        await keys_then_settle("2", "down", "down", "enter")(pilot)
        pilot.app.screen.query_one("#due").value = "2026-02-30"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("2", "question_mark"))


def test_checklist_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys_then_settle("2"))


def test_export_dialog(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)

    async def run_before(pilot) -> None:
        await keys_then_settle("e")(pilot)
        pilot.app.screen.query_one("#path").value = "/home/coordinator/Documents/锦绣华庭[一期]-移交资料包.xlsx"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def returned_package(tmp_path):
    """An app on the demo and its package sent back with a status, a date in Chinese form, a new row and a bad
    date."""
    import openpyxl

    from exit_tui.io.export import export_package

    from .ui_helpers import FROZEN_TODAY

    app, backend, project_id = demo_app(tmp_path)
    path = tmp_path / "回传.xlsx"
    backend.call(export_package, project_id, path, today=FROZEN_TODAY)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    header = next(r for r in sheet.iter_rows() if r[0].value == "编号")
    column = {c.value: c.column for c in header}
    rows = [r[0].row for r in sheet.iter_rows(min_row=header[0].row + 1) if str(r[0].value or "").startswith("T-")]
    sheet.cell(rows[3], column["状态"]).value = "已完成"
    sheet.cell(rows[4], column["截止日期"]).value = "2026年12月20日"
    sheet.cell(rows[5], column["截止日期"]).value = "下周一"
    sheet.insert_rows(rows[-1] + 1)
    for key, value in {"阶段": 4, "任务": "核对 [C区] 储藏室钥匙", "负责人": "工程维修", "截止日期": "2026/12/15",
                       "状态": "待办"}.items():
        sheet.cell(rows[-1] + 1, column[key]).value = value
    workbook.save(path)
    return app, path


def preview_of(path):
    from exit_tui.ui.modals.import_dialog import ImportPreview

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ImportPreview(path))
        await settle(pilot, rounds=5)

    return run_before


def test_import_preview(snap_compare, tmp_path):
    """The preview of a package sent back with a status, a date in Chinese form, a new row and a bad date."""
    app, path = returned_package(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=preview_of(path))


def test_replan_preview(snap_compare, tmp_path):
    """r, a later handover day T, enter: the moves and the statutory deadline it would miss, before applying."""
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("r", "ctrl+u", *"2027-01-09", "enter"))


def test_occurrences_dialog(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    keys = ("2", *["down"] * 5, "m")  # T-0008, the weekly exit-team meeting
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle(*keys))


def test_audit_log(snap_compare, tmp_path, language):
    """The audit log (palette only), its times fixed: the demo's entries carry the time the test data was made."""
    import sqlite3

    app, backend, _ = demo_app(tmp_path)
    with sqlite3.connect(backend.engine.url.database) as shell:
        shell.execute("UPDATE audit_entry SET at = '2026-11-28 01:30:00.000000', actor = '王经理'")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.show("audit")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- every screen and dialog at 80x24 (a laptop's split terminal) ------------------------------------------

SMALL = (80, 24)


def test_dashboard_at_80x24(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle())


def test_welcome_at_80x24(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path, with_project=False)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle())


def test_help_at_80x24(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("2", "question_mark"))


def test_new_task_form_at_80x24(snap_compare, tmp_path, language):
    """Every field a visible box, the focused one's caption highlighted, no error before anything is typed."""
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("2", "a"))


def test_edit_task_form_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("2", "down", "down", "enter"))


def test_replan_preview_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    keys = ("r", "ctrl+u", *"2027-01-09", "enter")
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle(*keys))


def test_project_form_and_switcher_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("p", "n"))


def test_switcher_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("p"))


def test_export_dialog_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)

    async def run_before(pilot) -> None:
        await keys_then_settle("e")(pilot)
        pilot.app.screen.query_one("#path").value = "/home/coordinator/Documents/锦绣华庭[一期]-移交资料包.xlsx"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_import_preview_at_80x24(snap_compare, tmp_path):
    app, path = returned_package(tmp_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=preview_of(path))


def test_audit_log_at_80x24(snap_compare, tmp_path):
    import sqlite3

    app, backend, _ = demo_app(tmp_path)
    with sqlite3.connect(backend.engine.url.database) as shell:
        shell.execute("UPDATE audit_entry SET at = '2026-11-28 01:30:00.000000', actor = '王经理'")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.show("audit")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
