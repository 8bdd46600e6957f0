"""Every screen usable at 80x24 in Chinese and English (issue 9 items 23-25): the tests read what the terminal
shows, line by line, from the app's own screenshot."""

import html
import re

import pytest
from rich.cells import cell_len
from textual.widgets import Button, DataTable, Input

from exit_tui.i18n import _, set_language
from exit_tui.ui.modals.confirm import ConfirmScreen
from exit_tui.ui.modals.help import HelpScreen
from exit_tui.ui.modals.project_form import ProjectForm
from exit_tui.ui.modals.replan import ReplanDialog
from exit_tui.ui.modals.task_form import TaskForm
from exit_tui.ui.screens.checklist import ChecklistScreen
from exit_tui.ui.widgets.cards import Card

from .ui_helpers import demo_app, settle

SMALL = (80, 24)
_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                   r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>')


def screen_lines(app) -> list[str]:
    """The terminal's lines as the user sees them (wide characters take two cells, as on the terminal)."""
    width, height = app.size
    cells: list[list[str]] = [[" "] * width for _ in range(height)]
    svg = app.export_screenshot()
    char_width = 12.2  # Rich's SVG export: 0.61 of its 20 px font
    for x, line, text in _TEXT.findall(svg):
        column = round(float(x) / char_width)
        for char in html.unescape(text).replace("\xa0", " "):
            if column < width:
                cells[int(line)][column] = char
                if cell_len(char) == 2 and column + 1 < width:
                    cells[int(line)][column + 1] = ""
            column += cell_len(char)
    return ["".join(row).rstrip() for row in cells]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


@pytest.fixture(params=["zh", "en"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("zh")


# -- dashboard ---------------------------------------------------------------------------------------------


async def test_dashboard_cards_keep_three_whole_lines_at_80x24(tmp_path, language):
    """Each card: its caption (short form where the full one does not fit) on one line, the figure, the note;
    nothing wrapped out of the card."""
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for card in app.screen.query(Card):
            view = card.shown
            lines = str(card.render()).split("\n")
            assert len(lines) == 3
            assert lines[0] in (view.caption, view.short), (lines, view)
            assert lines[1] == view.figure
            assert all(cell_len(line) <= card.content_size.width for line in lines)
        text = screen_text(app)
        deadline = app.screen.query_one("#card-deadline", Card).shown
        assert (deadline.short or deadline.caption) in text
        assert "下一法定期\n" not in text and " 限 " not in text


async def test_dashboard_phases_show_name_count_and_overdue_at_80x24(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if _("col.done_total") in line)
        assert _("col.overdue") in header  # the last column is on screen, not scrolled out of it
        phases = app.screen.query_one("#phases", DataTable)
        name = str(phases.get_cell("1", "phase"))
        assert any(name in line and "/" in line for line in lines)


async def test_dashboard_at_120_columns_keeps_long_captions_and_bars(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for card in app.screen.query(Card):
            assert str(card.render()).split("\n")[0] == card.shown.caption
        assert "bar" in app.screen.query_one("#phases", DataTable).columns


# -- help ----------------------------------------------------------------------------------------------------


async def test_help_descriptions_wrap_instead_of_being_cut_at_80x24(tmp_path, language):
    """The 'what it does' column, read off the screen from its heading down, holds each visible row's whole
    line on what its key does (a long one over two lines)."""
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("2", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app)
        heading = next(i for i, line in enumerate(lines) if _("help.detail") in line)
        start = cell_len(lines[heading][: lines[heading].index(_("help.detail"))])
        column = "".join(_cells_from(line, start).rstrip("█▎▊▆▂▄ ").strip() for line in lines[heading + 1:])
        shown = column.replace(" ", "")
        table = app.screen.query_one(DataTable)
        details = [str(table.get_row_at(i)[2]) for i in range(6)]
        assert any(cell_len(d) > table.columns["detail"].width for d in details)  # one at least must wrap
        for detail in details:
            assert detail.replace(" ", "") in shown


def _cells_from(line: str, start: int) -> str:
    """The part of `line` from terminal cell `start` on."""
    used = 0
    for index, char in enumerate(line):
        if used >= start:
            return line[index:]
        used += cell_len(char)
    return ""
