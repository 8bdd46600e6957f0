"""SVG snapshots of the Handover screen (every tab), a batch, and its forms — in Chinese and English, at 120x40
and 80x24. The demo's handover data has CJK text and names with [brackets]."""

import pytest

from .test_snapshots import keys_then_settle, language  # noqa: F401 - the zh/en fixture
from .ui_helpers import demo_app, settle

SIZES = {"wide": (120, 40), "narrow": (80, 24)}
TABS = {"document": (), "facility": ("right",), "key": ("right",) * 2, "inspection": ("right",) * 3,
        "batch": ("right",) * 4}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", TABS)
def test_handover_tab(snap_compare, tmp_path, language, tab, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("4", *TABS[tab]))


@pytest.mark.parametrize("size", SIZES)
def test_signed_batch(snap_compare, tmp_path, language, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("4", *TABS["batch"], "enter"))


def test_outcome_form_of_an_unsigned_batch_with_an_error(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)

    async def run_before(pilot) -> None:
        await keys_then_settle("4", *TABS["batch"], "down", "enter", "enter")(pilot)
        pilot.app.screen.query_one("#outcome").value = "not_handed"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZES["wide"], run_before=run_before)


def test_inspection_entry_form(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES["narrow"],
                        run_before=keys_then_settle("4", *TABS["inspection"], "a"))
