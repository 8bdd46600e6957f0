"""The screen registry drives keys, palette, help and dashboard cards; bindings are translated through
Textual's public BINDINGS, following the language at creation; the help lists each key once."""

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from exit_tui.i18n import _, set_language
from exit_tui.ui import registry
from exit_tui.ui.modals.confirm import ConfirmScreen
from exit_tui.ui.modals.help import HelpScreen, help_sections
from exit_tui.ui.registry import Area, AreaCard, CardView
from exit_tui.ui.screens.base import ProjectScreen
from exit_tui.ui.screens.checklist import ChecklistRequest, ChecklistScreen
from exit_tui.ui.screens.dashboard import DashboardScreen
from exit_tui.ui.widgets.cards import Card

from .ui_helpers import demo_app, settle


class NotesScreen(ProjectScreen):
    """A trivial area, registered by the test only: it shows the request it was opened with."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="notes")
        yield Footer()

    def reload(self) -> None:
        self.query_one("#notes", Static).update(f"request: {self.take_request()}")


NOTES = Area("notes", "9", "Notes", "Notes", "Notes of the test", "tests.test_registry:NotesScreen",
             cards=(AreaCard("notes", lambda data: CardView("Notes", str(data.total), request="from the card"), 99),))


#: A screen reached from the palette only (as the audit log is): no key.
LOG = Area("log", None, "Change log", "Log", "Every change", "tests.test_registry:NotesScreen")


@pytest.fixture
def notes(monkeypatch):
    monkeypatch.setitem(registry.AREAS, "notes", NOTES)
    monkeypatch.setitem(registry.AREAS, "log", LOG)


@pytest.fixture(params=["zh", "en"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("zh")


def help_rows_of(app) -> list[tuple[str, str, str]]:
    """The help rows for the app's current screen, without opening the help."""
    here, everywhere = help_sections(app.screen)
    return [(b.key, row.description, row.detail) for row in here + everywhere for b in row.bindings]


def help_rows(screen) -> list[tuple[str, str, str]]:
    """(keys, action, detail) of every row of the help table (headings included)."""
    table = screen.query_one(DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_a_registered_area_gets_its_key_palette_entry_help_line_and_card(tmp_path, notes):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        card = app.screen.query_one("#card-notes", Card)
        assert "Notes" in str(card.render()) and card.mode == "notes"
        assert [c.id for c in app.screen.query(Card)][-1] == "card-notes"  # order 99: the last card
        assert "Notes" in [title for title, _help, _cb in app.palette_commands()]
        footer = [a.binding.key for a in app.screen.active_bindings.values() if a.binding.show]
        assert footer[:7] == ["2", "3", "4", "5", "6", "7", "9"]  # the dashboard offers the other areas' keys first

        await pilot.press("question_mark")
        await settle(pilot)
        assert ("9", "Notes", "Notes of the test") in help_rows(app.screen)
        await pilot.press("escape")

        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen) and app.current_mode == "notes"
        assert str(app.screen.query_one("#notes", Static).render()) == "request: None"

        await pilot.press("1")
        await settle(pilot)
        await pilot.click("#card-notes")
        await settle(pilot)
        assert str(app.screen.query_one("#notes", Static).render()) == "request: from the card"

        [open_log] = [callback for title, _help, callback in app.palette_commands() if title == "Change log"]
        assert "Log" not in [row[1] for row in help_rows_of(app)]
        open_log()
        await settle(pilot)
        assert app.current_mode == "log" and isinstance(app.screen, NotesScreen)


async def test_show_hands_the_request_to_the_screen_once_also_when_it_is_already_shown(tmp_path):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.show("checklist", ChecklistRequest(phase_no=4))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        assert screen.query_one("#phase").value == 4
        app.show("checklist", ChecklistRequest(phase_no=2))  # already shown: it reloads with the new request
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#phase").value == 2
        assert app.take_request("checklist") is None  # taken


async def test_every_area_is_a_mode_with_its_key_and_palette_entry(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [title for title, _help, _cb in app.palette_commands()]
        for area in registry.areas():
            assert _(area.name) in titles
            if area.key:
                await pilot.press(area.key)
            else:  # a palette-only area (the audit log)
                app.show(area.mode)
            await settle(pilot)
            assert app.current_mode == area.mode and app.screen.area == area.mode


@pytest.mark.parametrize("keys", [(), ("2",), ("3",)], ids=["dashboard", "checklist", "timeline"])
async def test_help_lists_each_key_once_with_a_description(tmp_path, language, keys):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        here, everywhere = help_sections(app.screen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = [row for row in help_rows(app.screen) if row[1]]  # headings have no action
        shown = [key for keys_text, _action, _detail in rows for key in keys_text.split(" / ")]
        assert len(shown) == len(set(shown)), shown
        for keys_text, _action, detail in rows:  # vim keys are described, or shown beside their arrow
            if {"j", "k"} & set(keys_text.split(" / ")):
                assert detail or {"↑", "↓"} & set(keys_text.split(" / ")), keys_text
        assert [row.bindings[0].key for row in everywhere[:3]] == ["1", "2", "3"]  # the areas first
        assert {b.key for row in here for b in row.bindings}.isdisjoint(
            {b.key for row in everywhere for b in row.bindings})


class VimScreen(Screen):
    BINDINGS = [Binding("j", "down", "key.down", id="vim-down"), Binding("k", "up", "key.up", id="vim-up")]


async def test_help_describes_vim_keys_as_the_arrows():
    class VimApp(App):
        def on_mount(self) -> None:
            self.push_screen(VimScreen())

    async with VimApp().run_test() as pilot:
        await pilot.pause()
        here, _everywhere = help_sections(pilot.app.screen)
        assert {row.bindings[0].key: row.detail for row in here}.items() >= {"j": "同 ↓", "k": "同 ↑"}.items()


async def test_vim_keys_bound_with_the_arrows_are_shown_beside_them(tmp_path):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        here, _everywhere = help_sections(app.screen)
        [row] = [row for row in here if "j" in {b.key for b in row.bindings}]
        assert row.detail or "down" in {b.key for b in row.bindings}


def test_bindings_follow_the_language_when_a_screen_is_created():
    def descriptions() -> dict[str, str]:
        return {b.key: b.description for b in type(ConfirmScreen("t", "m")).BINDINGS}

    zh = descriptions()
    set_language("en")
    try:
        en = descriptions()
    finally:
        set_language("zh")
    assert (zh["y"], en["y"]) == ("是", "Yes")
    assert (zh["tab"], en["tab"]) == ("下一个控件", "Next field")  # Textual's own, through the catalog
    assert isinstance(ConfirmScreen("t", "m"), ConfirmScreen)
    assert type(ConfirmScreen("t", "m")) is type(ConfirmScreen("t", "m"))  # one class per language, cached


def test_no_private_binding_tables_are_touched():
    package = Path(__file__).parents[1] / "exit_tui"
    offenders = [str(p) for p in package.rglob("*.py") if re.search(r"\._bindings\b", p.read_text("utf-8"))]
    assert offenders == []
