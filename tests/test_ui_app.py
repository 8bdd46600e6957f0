"""The app around the checklist: start-up choice, dashboard, welcome, new project, help, palette, English."""

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, Select, Static

from exit_tui.config import State
from exit_tui.i18n import set_language
from exit_tui.services import projects
from exit_tui.services.backend import Backend
from exit_tui.services.dashboard import load_dashboard
from exit_tui.ui.app import ExitApp
from exit_tui.ui.modals.help import HelpScreen
from exit_tui.ui.modals.project_form import ProjectForm
from exit_tui.ui.modals.project_switcher import ProjectSwitcher
from exit_tui.ui.screens.checklist import ChecklistScreen
from exit_tui.ui.screens.dashboard import DashboardScreen
from exit_tui.ui.screens.welcome import WelcomeScreen
from exit_tui.ui.widgets.cards import Card

from .ui_helpers import FROZEN_TODAY, demo_app, settle, task_keys


def card_text(screen, card_id: str) -> str:
    return str(screen.query_one(f"#{card_id}", Card).render())


async def test_dashboard_shows_the_projects_figures(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    expected = backend.call(load_dashboard, project_id, FROZEN_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert str(expected.overdue) in card_text(screen, "card-overdue")
        assert "35 天" in card_text(screen, "card-handover")
        assert "25 天" in card_text(screen, "card-contract")
        assert f"{expected.done}/{expected.total}" in card_text(screen, "card-done")
        phases = screen.phases
        assert len(phases.shown_keys()) == 20
        first = expected.phases[0]
        assert phases.cell_text("1", "count") == f"{first.done}/{first.total}"
        assert app.title == "锦绣华庭[一期] 物业退出"
        assert "35 天" in app.sub_title


async def test_enter_on_a_phase_opens_the_checklist_on_that_phase(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        phases = app.screen.phases
        phases.focus()
        phases.move_cursor(3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.query_one("#phase", Select).value == 4
        assert {t.phase_no for t in app.screen.table.shown_rows()} == {4}


async def test_clicking_the_overdue_card_shows_overdue_tasks_only(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    expected = backend.call(load_dashboard, project_id, FROZEN_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#card-overdue")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        table = app.screen.table
        assert len(task_keys(table)) == expected.overdue
        assert all(t.overdue for t in table.shown_rows())


async def test_empty_database_shows_welcome_and_m_opens_the_demo(tmp_path):
    demo_db = tmp_path / "demo.db"  # the demo has a database of its own (tests/test_projects.py)
    app, backend, _ = demo_app(tmp_path, with_project=False, demo_key=str(demo_db),
                               demo_backend=lambda: Backend.open(str(demo_db), create=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.project.name == "锦绣华庭[一期] 物业退出"
        assert backend.call(projects.list_projects) == []


async def test_new_project_form_validates_then_creates(tmp_path):
    app, backend, _ = demo_app(tmp_path, with_project=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProjectForm)
        form.query_one("#name", Input).value = "滨江花园 [二期]"
        form.query_one("#contract_end", Input).value = "2027-03-31"
        form.query_one("#handover", Input).value = "2027-03-01"  # before the contract end: refused
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        hint = form.query_one("#field-handover .hint", Static)
        assert hint.has_class("-error") and "移交日不能早于合同到期日" in str(hint.render())
        assert backend.call(projects.list_projects) == []
        form.query_one("#handover", Input).value = "2027年4月10日"
        form.query_one("#units", Input).value = "860"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [created] = backend.call(projects.list_projects)
        assert (created.name, created.units, created.dates.handover.isoformat()) == ("滨江花园 [二期]", 860,
                                                                                  "2027-04-10")
        assert app.title == "滨江花园 [二期]"


async def test_start_opens_the_last_project_used(tmp_path):
    app, backend, first_id = demo_app(tmp_path)
    second = backend.call(projects.create_project, name="第二个项目", exit_type="transfer",
                          contract_end="2027-06-30", handover="2027-06-15", today=FROZEN_TODAY)
    state = State(tmp_path / "state.json")
    state.set("last_project:test", second.id)
    app = ExitApp(backend, state=state, db_key="test", today=FROZEN_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.project.id == second.id


async def test_several_projects_and_none_remembered_asks_which(tmp_path):
    app, backend, first_id = demo_app(tmp_path)
    backend.call(projects.create_project, name="第二个项目", exit_type="transfer",
                 contract_end="2027-06-30", handover="2027-06-15", today=FROZEN_TODAY)
    app = ExitApp(backend, state=State(tmp_path / "fresh.json"), db_key="test", today=FROZEN_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProjectSwitcher)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.project.name == "第二个项目"


async def test_help_lists_the_screens_keys_translated(tmp_path):
    app, backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        actions = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert {"过滤", "完成", "新增", "删除", "仅看逾期", "切换项目", "帮助", "退出", "命令面板"} <= actions
        await pilot.press("escape")
        assert isinstance(app.screen, ChecklistScreen)


async def test_palette_is_translated_and_opens_screens(tmp_path):
    app, backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder == "搜索命令..."
        titles = [title for title, _help, _cb in app.palette_commands()]
        assert {"仪表盘", "任务清单", "切换项目", "新建退出项目"} <= set(titles)
        system = [c.title for c in app.get_system_commands(app.screen)]
        assert system == ["主题", "按键", "截图", "退出"]
        await pilot.press(*"任务清单")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("zh")


async def test_english_everywhere(tmp_path, english):
    app, backend, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "35 days" in card_text(app.screen, "card-handover")
        assert "Handover day T" in app.sub_title
        assert app.screen.phases.cell_text("1", "phase") == "Exit plan"
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.table
        first = task_keys(table)[0]
        assert table.cell_text(first, "title").isascii()
        footer_keys = {a.binding.description for a in app.screen.active_bindings.values() if a.binding.show}
        assert {"Filter", "Done", "Add", "Delete", "Status"} <= footer_keys


async def test_a_database_too_new_stops_the_app_with_one_line(tmp_path):
    import sqlite3
    from functools import partial

    path = tmp_path / "new.db"
    Backend.open(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_info SET version = 99")
    app = ExitApp(partial(Backend.open, str(path)), today=FROZEN_TODAY)
    messages = []
    exit_app = app.exit
    app.exit = lambda *args, **kwargs: (messages.append(str(kwargs.get("message"))), exit_app(*args, **kwargs))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):  # the app stops itself once the worker finds the database too new
            if app._exit:
                break
            await pilot.pause(0.05)
    assert app.return_code == 1
    [message] = messages
    assert message.startswith("exit-tui:") and "99" in message and "\n" not in message
