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
