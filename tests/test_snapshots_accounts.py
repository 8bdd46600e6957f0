"""SVG snapshots of the Accounts screen (units, a unit's lines, every unit's lines, the project ledgers, a dispute's
form), in Chinese and English, at 120x40 and 80x24. The demo's ledger has CJK owners and compound surnames."""

import pytest

from .test_snapshots import keys_then_settle, language  # noqa: F401 - the zh/en fixture
from .ui_helpers import demo_app

SIZES = {"wide": (120, 40), "narrow": (80, 24)}
VIEWS = {"units": ("5",), "unit-lines": ("5", "down", "enter"), "lines": ("5", "right"),
         "ledgers": ("5", "right", "right"), "dispute-form": ("5", "right", "x")}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_accounts(snap_compare, tmp_path, language, view, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle(*VIEWS[view]))
