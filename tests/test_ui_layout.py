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
        assert deadline.caption in text or deadline.short in text
        assert "下一法定期\n" not in text and " 限 " not in text


async def test_dashboard_phases_show_name_count_and_overdue_at_80x24(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if _("col.done_total") in line)
        assert _("col.overdue") in header  # the last column is on screen, not scrolled out of it
        name = app.screen.phases.cell_text("1", "phase")
        assert any(name in line and "/" in line for line in lines)


async def test_dashboard_at_120_columns_keeps_long_captions_and_bars(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for card in app.screen.query(Card):
            assert str(card.render()).split("\n")[0] == card.shown.caption
        assert "bar" in [column.key for column in app.screen.phases.shown_columns()]


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
        column = "".join(_cells_from(line, start).rstrip("▁▂▃▄▅▆▇█▏▎▍▌▋▊▉ ").strip() for line in lines[heading + 1:])
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


# -- forms -----------------------------------------------------------------------------------------------------


async def open_new_task_form(pilot) -> TaskForm:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, TaskForm)
    return form


async def test_fields_look_like_fields_and_a_new_task_form_is_not_wrong_before_typing(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_new_task_form(pilot)
        dialog = form.query_one("#task-form")
        for name in ("owner", "due", "legal_basis", "note"):  # not focused: still a box, not a label
            assert form.query_one(f"#{name}", Input).styles.background != dialog.styles.background
        text = screen_text(app)
        assert _("error.date_required") not in text
        assert _("button.save") in text  # the whole form and its buttons fit at 80x24
        form.query_one("#title", Input).value = "核对 [C区] 储藏室钥匙"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _("error.date_required") in screen_text(app)  # said when saving
        assert form.focused is form.query_one("#due", Input)


async def test_escape_asks_before_throwing_edits_away(tmp_path):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_new_task_form(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        form = await open_new_task_form(pilot)
        await pilot.press(*"移交钥匙")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is app.screen.query_one("#no", Button)  # keep editing is the default
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and form.query_one("#title", Input).value == "移交钥匙"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)


async def test_a_service_error_focuses_the_field_at_fault(tmp_path):
    """The service finds that the task the due date counts from does not exist: the error is on the due date,
    which takes the focus (the user pressed ctrl+s in the title)."""
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_new_task_form(pilot)
        await pilot.press(*"复核钥匙清单")
        form.query_one("#due", Input).value = "T-0999 +3d"
        form.query_one("#title", Input).focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form.field("due").has_error
        assert form.focused is form.query_one("#due", Input)


async def test_project_form_at_80x24_puts_a_service_error_on_its_field(tmp_path, language):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(ProjectForm())
        await settle(pilot)
        text = screen_text(app)
        assert _("field.name") in text and _("field.handover") in text
        form = app.screen
        form.query_one("#name", Input).value = "第二个项目"
        form.query_one("#contract_end", Input).value = "2027-03-31"
        form.query_one("#handover", Input).value = "2027-03-01"  # before the contract ends: refused
        form.query_one("#name", Input).focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.query_one("#field-handover").has_error
        assert form.focused is form.query_one("#handover", Input)


# -- the safe choice is the default -------------------------------------------------------------------------


async def test_replan_preview_focuses_cancel(tmp_path):
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r", "ctrl+u", *"2027-01-09", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReplanDialog)
        assert app.screen.focused is app.screen.query_one("#cancel", Button)
        await pilot.press("enter")  # enter alone applies nothing
        await settle(pilot)
        assert not isinstance(app.screen, ReplanDialog)
        assert app.project.dates.handover.isoformat() != "2027-01-09"


# -- checklist filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, (120, 40)])
async def test_checklist_filter_bar_fits_on_one_line(tmp_path, language, size):
    """The filter box shows its whole placeholder; each choice box shows its choice on the arrow's line (a long
    one cut with an ellipsis, never wrapped over the border)."""
    from textual.widgets import Select

    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        app.screen.query_one("#phase", Select).value = 5  # the longest phase names
        await settle(pilot)
        lines = screen_lines(app)
        row = next(i for i, line in enumerate(lines) if _("checklist.filter_placeholder") in line)
        assert _("filter.all") in lines[row] and "05" in lines[row]
        assert _("checklist.overdue_only") in lines[row]
        below = lines[row + 1].strip("▊▎▁ ")
        assert not below, f"text wrapped under the filter bar: {below!r}"


# -- timeline ----------------------------------------------------------------------------------------------


async def test_timeline_legend_is_whole_and_c_says_what_it_will_do(tmp_path, language):
    from exit_tui.ui.screens.timeline import LEGEND

    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        lines = screen_lines(app)
        for _glyph, _style, key in LEGEND:  # every item, on the legend's lines under the status line
            assert any(_(key) in line for line in lines[2:5]), _(key)
        footer = lines[-1]
        assert _("timeline.key_collapse") in footer and _("timeline.key_expand") not in footer
        await pilot.press("c")  # all folded: c now expands them
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert _("timeline.key_expand") in footer and _("timeline.key_collapse") not in footer
        await pilot.press("c")
        await settle(pilot)
        assert _("timeline.key_collapse") in screen_lines(app)[-1]
        assert not app.screen.query_one("#gantt").all_collapsed


# -- wording (issue 9 item 26) ----------------------------------------------------------------------------


def help_text(capsys, *args: str) -> str:
    from exit_tui import cli

    with pytest.raises(SystemExit) as caught:
        cli.main([*args, "--help"])
    assert caught.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_commands_arguments_are_not_listed_as_commands(capsys, command):
    text = help_text(capsys, "--lang", "zh", command)
    assert "参数:" in text and "命令:" not in text
    file_line = next(line for line in text.splitlines() if line.strip().startswith("FILE"))
    assert len(file_line.split()) > 1  # the file argument says what it is
    assert "命令:" in help_text(capsys, "--lang", "zh")  # the top level still lists its commands as such


def test_every_option_of_new_says_what_it_is(capsys, language):
    text = help_text(capsys, "--lang", language, "new")
    for key in ("name", "type", "contract_end", "handover", "decision", "continuation_end", "units", "address",
                "profile"):
        assert _(f"cli.opt_{key}")[:8] in text, key


def test_counts_and_spacing_in_sentences(language):
    """The import notice names the added rows; one day is "1 day"; "T" stands apart from the Chinese after it."""
    from exit_tui.i18n import _n

    notice = _("dialog.import_done", added=1, changed=2, rejected=0)
    assert ("新增 1 行" if language == "zh" else "1 added") in notice
    assert "1 days" not in _n("form.duration_hint", 1, n=1)
    assert "1 tasks" not in _n("switcher.delete_question", 1, project="P-0002 新项目", tasks=1)
    title = _("replan.title_date", field=_("field.handover"), date="2027-01-09")
    assert ("移交日 T 为 2027-01-09" if language == "zh" else "Handover day T to 2027-01-09") in title
    assert "T或" not in _("cmd.replan_help")


async def test_checklist_titles_are_readable_at_80x24(tmp_path, language):
    """Titles keep most of their width (they were cut to about 8 characters): at least 30 cells of each."""
    app, _backend, _project = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.table
        text = screen_text(app)
        for key in table.shown_keys()[:5]:
            title = table.cell_text(key, "title")
            cut = title
            while cell_len(cut) > 30:
                cut = cut[:-1]
            assert cut in text, title
