"""Drive the Risks screen: the heatmap counts what the register holds, enter on a cell narrows the register to it,
the form shows the score's history and re-rates a risk (its score and level follow), `t` makes a mitigation task
linked back, `x` records a drill whose follow-ups become tasks, the drill log tab edits and deletes drills, and
another screen's request opens a tab on a row."""

from textual.widgets import Input, Label, Select

from exit_tui.services import checklist, risks
from exit_tui.ui.modals.confirm import ConfirmScreen
from exit_tui.ui.modals.record_form import RecordForm
from exit_tui.ui.requests import RisksRequest
from exit_tui.ui.screens.risks import OPEN, RisksScreen
from exit_tui.ui.widgets.heatmap import Heatmap
from exit_tui.ui.widgets.score_trend import ScoreTrend

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

        await pilot.press("slash", *"安全")  # after a text filter: the cells count the open risks it leaves
        await settle(pilot)
        shown = [r for r in open_risks_ if r.public_id in screen.table.shown_keys()]
        assert 0 < len(shown) < len(open_risks_)
        assert sum(map(sum, heat.counts)) == len(shown)
        for risk in shown:
            assert heat.counts[risk.likelihood - 1][risk.impact - 1] >= 1


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
        history = backend.call(risks.score_history, project_id, risk.public_id)
        trend = str(form.query_one(ScoreTrend).render())
        assert " → ".join(str(p.score) for p in history[-6:]) in trend
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


async def test_x_records_a_drill_whose_follow_ups_become_tasks_then_the_log_edits_and_deletes_it(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    risk = next(r for r in backend.call(risks.list_risks, project_id) if r.status in OPEN)
    before = len(backend.call(risks.list_drills, project_id))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_risks(pilot)
        screen.table.move_to_key(risk.public_id)
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm) and form.query_one("#risk", Input).value == risk.public_id
        assert form.query_one("#held_on", Input).value == app.today.isoformat()
        assert app.focused is form.query_one("#scenario", Input)
        await pilot.press(*"[停电] 演练")
        form.query_one("#follow_ups", Input).value = "检查发电机；更新应急联系表"
        form.query_one("#held_on", Input).value = "2026-13-01"  # no such month: refused on its field
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and app.focused is form.query_one("#held_on", Input)
        assert len(backend.call(risks.list_drills, project_id)) == before
        form.query_one("#held_on", Input).value = "2026年11月20日"
        await pilot.press("ctrl+s")
        await settle(pilot)
        drills = backend.call(risks.list_drills, project_id)
        new = next(d for d in drills if d.scenario == "[停电] 演练")
        assert len(drills) == before + 1 and new.risk == risk.public_id and len(new.tasks) == 2
        titles = [backend.call(checklist.get_task, project_id, ref, app.today).title_zh for ref in new.tasks]
        assert titles == ["检查发电机", "更新应急联系表"]
        # the drill log is shown, on the new record; the heatmap and the status choice belong to the register
        assert screen.tab.id == "drill" and screen.table.cursor_row.public_id == new.public_id
        assert not screen.query_one(Heatmap).display and not screen.query_one("#status").display
        assert "[停电] 演练" in screen.table.render_line(2).text + "".join(
            screen.table.render_line(y).text for y in range(1, 10))

        await pilot.press("enter")  # correct the findings; the follow-ups field adds more tasks
        await settle(pilot)
        form = app.screen
        assert form.query_one("#scenario", Input).value == "[停电] 演练"
        form.query_one("#findings", Input).value = "发电机未能自启"
        await pilot.press("ctrl+s")
        await settle(pilot)
        fixed = backend.call(risks.list_drills, project_id, drill=new.public_id)[0]
        assert fixed.findings == "发电机未能自启" and fixed.tasks == new.tasks

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert len(backend.call(risks.list_drills, project_id)) == before
        assert all(backend.call(checklist.get_task, project_id, ref, app.today) for ref in new.tasks)

        await pilot.press("[")  # back on the register: its keys again
        await settle(pilot)
        assert screen.tab.id == "risk" and screen.query_one(Heatmap).display


async def test_a_request_opens_a_tab_on_a_row_whatever_was_filtered(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    closed = next(r for r in backend.call(risks.list_risks, project_id) if r.status == "closed")
    drill = backend.call(risks.list_drills, project_id)[0]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_risks(pilot)
        screen.query_one("#filter", Input).value = "nothing matches this"
        await settle(pilot)
        app.show("risks", RisksRequest(key=closed.public_id, status="all"))
        await settle(pilot)
        assert screen.table.cursor_row.public_id == closed.public_id
        assert screen.query_one("#filter", Input).value == ""
        await pilot.press("1")
        await settle(pilot)
        app.show("risks", RisksRequest(tab="drill", key=drill.public_id))
        await settle(pilot)
        assert app.screen is screen and screen.tab.id == "drill"
        assert screen.table.cursor_row.public_id == drill.public_id
