"""The settlement cut-off is the handover day T unless one is set apart: moving T (the replan preview, `r`) splits
every prepaid line again, previewed first and written in the same transaction; a cut-off of its own stays put."""

from datetime import date

from exit_tui.domain.accounts import split_at_cutoff
from exit_tui.services import accounts, timeline
from exit_tui.services.readmodels import PlanChange


def _prepaid(backend, project):
    backend.call(accounts.add_item, project.id, "unit", unit_no="3-1-201", owner="欧阳娜娜")
    return backend.call(accounts.add_item, project.id, "line", unit_no="3-1-201", category="prepaid",
                        amount_fen="2,400.00", period_start="2026-07-01", period_end="2027-06-30")


def test_moving_t_splits_the_prepaid_lines_again_previewed_then_written(backend, project):
    line = _prepaid(backend, project)
    t = project.dates.handover
    assert line.after_cutoff_fen == split_at_cutoff(240000, date(2026, 7, 1), date(2027, 6, 30), t)
    new_t = date(2027, 3, 31)
    change = PlanChange(new_t.isoformat(), anchor="handover")

    preview = backend.call(timeline.preview_replan, project.id, change)
    assert preview.prepaid is not None and [c[0] for c in preview.prepaid.changes] == [line.public_id]
    assert backend.call(accounts.get_item, project.id, "line", line.public_id).after_cutoff_fen == line.after_cutoff_fen

    backend.call(timeline.apply_replan, project.id, change)
    moved = backend.call(accounts.get_item, project.id, "line", line.public_id)
    assert moved.after_cutoff_fen == split_at_cutoff(240000, date(2026, 7, 1), date(2027, 6, 30), new_t)
    assert backend.call(accounts.cutoff, project.id) == new_t


def test_a_cut_off_of_its_own_stays_when_t_moves(backend, project):
    line = _prepaid(backend, project)
    backend.call(accounts.set_cutoff, project.id, "2026-12-31")
    before = backend.call(accounts.get_item, project.id, "line", line.public_id).after_cutoff_fen
    change = PlanChange("2027-03-31", anchor="handover")
    assert backend.call(timeline.preview_replan, project.id, change).prepaid is None
    backend.call(timeline.apply_replan, project.id, change)
    assert backend.call(accounts.get_item, project.id, "line", line.public_id).after_cutoff_fen == before
    assert backend.call(accounts.cutoff, project.id) == date(2026, 12, 31)
