"""Drive the Risks screen: the heatmap counts what the register holds, enter on a cell narrows the register to it,
the form re-rates a risk (its score and level follow), and `t` makes a mitigation task linked back."""

from textual.widgets import Input, Label, Select

from exit_tui.services import risks
from exit_tui.ui.modals.record_form import RecordForm
from exit_tui.ui.screens.risks import OPEN, RisksScreen
from exit_tui.ui.widgets.heatmap import Heatmap

from .ui_helpers import demo_app, settle


async def open_risks(pilot) -> RisksScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RisksScreen)
    return screen


async def test_the_heatmap_counts_the_open_risks_and_a_cell_narrows_the_register(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    register = backend.call(risks.list_risks, project_id)
    open_risks_ = [r for r in register if r.status in OPEN]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_risks(pilot)
        heat = screen.query_one(Heatmap)
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                expected = sum((r.likelihood, r.impact) == (likelihood, impact) for r in open_risks_)
                assert heat.counts[likelihood - 1][impact - 1] == expected
        assert screen.table.shown_keys() == [r.public_id for r in open_risks_]

        top = max(open_risks_, key=lambda r: r.score)
        await pilot.press("g")
        heat.cursor = (top.likelihood, top.impact)
        await pilot.press("enter")
        await settle(pilot)
        cell = [r.public_id for r in open_risks_ if (r.likelihood, r.impact) == (top.likelihood, top.impact)]
        assert screen.table.shown_keys() == cell
        assert f"{top.likelihood} × " in str(screen.query_one("#count-line", Label).render())
        await pilot.press("escape")
        await settle(pilot)
        assert screen.table.shown_keys() == [r.public_id for r in open_risks_]

        screen.query_one("#status", Select).value = "all"
        await settle(pilot)
        assert screen.table.shown_keys() == [r.public_id for r in register]


async def test_the_form_re_rates_a_risk_and_t_makes_its_task(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    risk = next(r for r in backend.call(risks.list_risks, project_id) if r.status in OPEN and r.score < 20)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_risks(pilot)
        screen.table.move_to_key(risk.public_id)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#likelihood", Input).value = "5"
        form.query_one("#impact", Input).value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        after = backend.call(risks.get_risk, project_id, risk.public_id)
        assert (after.score, after.level) == (25, "extreme")
        assert screen.query_one(Heatmap).counts[4][4] >= 1

        await pilot.press("t")
        await settle(pilot)
        linked = backend.call(risks.get_risk, project_id, risk.public_id).tasks
        assert len(linked) == len(risk.tasks) + 1
