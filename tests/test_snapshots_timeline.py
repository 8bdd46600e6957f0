"""SVG snapshots of the timeline (demo project, clock frozen at 2026-11-28): week and month zoom at 120x40, and
the week zoom at 80x24. Update after a deliberate change with
`uv run pytest tests/test_snapshots_timeline.py --snapshot-update`, then look at the SVGs."""

from .test_snapshots import SIZE, keys_then_settle
from .ui_helpers import demo_app


def test_timeline_week_zoom(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("3", "j", "j", "j", "j", "j", "j"))


def test_timeline_month_zoom_english(snap_compare, tmp_path):
    from exit_tui.i18n import set_language

    set_language("en")
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("3", "minus", "j"))


def test_timeline_day_zoom_at_80x24(snap_compare, tmp_path):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys_then_settle("3", "plus", "down"))
