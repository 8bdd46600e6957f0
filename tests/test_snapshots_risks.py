"""SVG snapshots of the Risks screen (heatmap and register, drill log, the risk and drill forms), in Chinese and
English, at 120x40 and 80x24."""

import pytest

from exit_tui.services import risks

from .test_snapshots import keys_then_settle, language  # noqa: F401 - the zh/en fixture
from .ui_helpers import demo_app

SIZES = {"wide": (120, 40), "narrow": (80, 24)}


@pytest.mark.parametrize("size", SIZES)
def test_risks(snap_compare, tmp_path, language, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("6"))


@pytest.mark.parametrize("size", SIZES)
def test_drill_log(snap_compare, tmp_path, language, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("6", "]"))


def test_risk_form_with_its_score_history(snap_compare, tmp_path, language):
    """R-0005 re-rated twice after the demo was made: its sparkline and figures above the fields."""
    app, backend, project_id = demo_app(tmp_path)
    backend.call(risks.update_risk, project_id, "R-0005", likelihood=3, impact=4, note="[维保] 已续签")
    backend.call(risks.update_risk, project_id, "R-0005", likelihood=5)
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=keys_then_settle("6", "down", "down", "down", "down", "enter"))


def test_drill_form(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys_then_settle("6", "down", "x"))
