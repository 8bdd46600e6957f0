"""SVG snapshots of the Risks screen (heatmap and register), in Chinese and English, at 120x40 and 80x24."""

import pytest

from .test_snapshots import keys_then_settle, language  # noqa: F401 - the zh/en fixture
from .ui_helpers import demo_app

SIZES = {"wide": (120, 40), "narrow": (80, 24)}


@pytest.mark.parametrize("size", SIZES)
def test_risks(snap_compare, tmp_path, language, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("6"))
