"""The dashboard's handover card (ui/registry.handover_card): the share handed over, what is owed, key gaps and
open punch-list items, an alert while anything is owed or a key count does not balance, in both languages."""

from dataclasses import replace

import pytest

from exit_tui.i18n import set_language
from exit_tui.services import handover
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.readmodels import HandoverSummary
from exit_tui.ui.registry import handover_card
from exit_tui.ui.requests import HandoverRequest
from tests.helpers import TODAY


@pytest.fixture
def dashboard(backend, project):
    return backend.call(load_dashboard, project.id, TODAY)


def test_a_fresh_project_shows_nothing_handed_and_no_alert(dashboard):
    view = handover_card(dashboard)
    assert (view.caption, view.short, view.figure) == ("移交进度", "移交进度", "0%")
    assert view.note == f"0/{dashboard.handover.items}" and dashboard.handover.items > 50
    assert not view.alert and view.request == HandoverRequest("document")


@pytest.mark.parametrize(("figures", "shown", "alert"), [
    (HandoverSummary(items=200, handed=50, open_inspections=5), ("25%", "查验 5"), False),
    (HandoverSummary(items=200, handed=199, not_handed=3), ("99%", "未移交 3"), True),
    (HandoverSummary(items=200, handed=200, key_discrepancies=1), ("100%", "钥匙差异 1"), True),
    (HandoverSummary(items=309, handed=60, not_handed=2, key_discrepancies=1, open_inspections=9),
     ("19%", "未移交 2 · 钥匙差异 1 · 查验 9"), True),
    (HandoverSummary(items=200, handed=200), ("100%", "200/200"), False),
    (HandoverSummary(), ("0%", "0/0"), False),
])
def test_figure_note_and_alert(dashboard, figures, shown, alert):
    view = handover_card(replace(dashboard, handover=figures))
    assert (view.figure, view.note) == shown and view.alert is alert


def test_in_english(dashboard):
    set_language("en")
    view = handover_card(replace(dashboard, handover=HandoverSummary(items=4, handed=1, not_handed=3,
                                                                      key_discrepancies=1, open_inspections=5)))
    assert (view.caption, view.short, view.figure) == ("Handover", "Handover", "25%")
    assert view.note == "Not handed 3 · Key gaps 1 · Punch list 5" and view.alert


def test_the_card_reads_the_services_figures(backend, project):
    backend.call(handover.update_item, project.id, "key", "K-0001", handed_out=3, received=2)
    view = handover_card(backend.call(load_dashboard, project.id, TODAY))
    assert view.note == "钥匙差异 1" and view.alert
