"""Drive the Accounts screen like a coordinator: units, drill-down into a unit's lines, filters, the state keys
(one line, the marked lines, a whole unit), a dispute's reason, the exact totals line and the cut-off preview."""

from textual.widgets import Input, Label, Select

from exit_tui.domain.money import format_fen
from exit_tui.services import accounts
from exit_tui.ui.modals.confirm import ConfirmScreen
from exit_tui.ui.modals.cutoff import CutoffForm
from exit_tui.ui.modals.record_form import RecordForm
from exit_tui.ui.screens.accounts import AccountsScreen, parse_range

from .ui_helpers import demo_app, settle


async def open_accounts(pilot) -> AccountsScreen:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    return screen


def count_line(screen) -> str:
    return str(screen.query_one("#count-line", Label).render())


def test_amount_ranges_as_typed():
    assert parse_range("100-500") == (10000, 50000)
    assert parse_range(">1,000") == (100000, None)
    assert parse_range("<50") == (None, 5000)
    assert parse_range("¥300") == (30000, 30000)
    assert parse_range("1000~2000") == (100000, 200000)
    assert parse_range("") == (None, None)
    assert parse_range("abc") is None
    assert parse_range("12.345") is None  # a third decimal is not an amount, never rounded


async def test_units_show_their_totals_exactly(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    units = backend.call(accounts.list_units, project_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_accounts(pilot)
        assert screen.tab.id == "unit"
        assert screen.table.shown_keys() == [u.public_id for u in units]
        text = count_line(screen)
        assert format_fen(sum(u.owes_fen for u in units)) in text
        assert format_fen(sum(u.owed_fen for u in units)) in text
        # filtered: the totals are those of the rows shown
        unit = units[3]
        await pilot.press("slash", *unit.unit_no, "enter")
        await settle(pilot)
        shown = [screen.table.row(key) for key in screen.table.shown_keys()]
        assert unit.public_id in screen.table.shown_keys()
        assert format_fen(sum(u.owes_fen for u in shown)) in count_line(screen)


async def test_enter_on_a_unit_opens_its_lines_and_escape_widens_again(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    units = backend.call(accounts.list_units, project_id)
    unit = next(u for u in units if u.lines >= 2)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_accounts(pilot)
        screen.table.move_to_key(unit.public_id)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.tab.id == "line"
        lines = backend.call(accounts.list_lines, project_id, unit.unit_no)
        assert screen.table.shown_keys() == [line.public_id for line in lines]
        assert unit.unit_no in count_line(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert len(screen.table.shown_keys()) == len(backend.call(accounts.list_lines, project_id))


async def test_state_keys_move_one_line_the_marked_lines_and_a_dispute_needs_its_reason(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_accounts(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert screen.tab.id == "line"
        screen.query_one("#state", Select).value = "unconfirmed"
        await settle(pilot)
        first, second, third = screen.table.shown_keys()[:3]

        screen.table.move_to_key(first)
        await pilot.press("c")
        await settle(pilot)
        assert backend.call(accounts.get_item, project_id, "line", first).state == "confirmed"
        assert first not in screen.table.shown_keys()  # no longer unconfirmed: out of the filter

        for key in (second, third):
            screen.table.move_to_key(key)
            await pilot.press("space")
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        await pilot.press("ctrl+s")  # no reason: refused on the field, nothing changed
        await settle(pilot)
        assert app.screen is form
        assert backend.call(accounts.get_item, project_id, "line", second).state == "unconfirmed"
        form.query_one("#reason", Input).value = "业主称 [2026年3月] 已在前台缴清"
        form.query_one("#evidence", Input).value = "收据 No.0012345"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        for key in (second, third):
            line = backend.call(accounts.get_item, project_id, "line", key)
            assert (line.state, line.dispute_reason) == ("disputed", "业主称 [2026年3月] 已在前台缴清")

        # A move the rules forbid (unconfirmed -> carved out) changes nothing and says why.
        screen.query_one("#state", Select).value = "unconfirmed"
        await settle(pilot)
        key = screen.table.shown_keys()[0]
        screen.table.move_to_key(key)
        await pilot.press("o")
        await settle(pilot)
        assert backend.call(accounts.get_item, project_id, "line", key).state == "unconfirmed"


async def test_c_on_a_unit_confirms_every_line_of_it(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    units = backend.call(accounts.list_units, project_id)
    unit = next(u for u in units if u.unconfirmed >= 2 and not u.disputed)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_accounts(pilot)
        screen.table.move_to_key(unit.public_id)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # several lines at once: asked first
        await pilot.press("y")
        await settle(pilot)
        lines = backend.call(accounts.list_lines, project_id, unit.unit_no)
        assert lines and all(line.state in ("confirmed", "settled", "carved_out") for line in lines)
        assert screen.table.row(unit.public_id).closed


async def test_the_cut_off_is_previewed_then_applied(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    before = backend.call(accounts.cutoff, project_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_accounts(pilot)
        await pilot.press("K")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CutoffForm)
        new = before.replace(day=1)
        form.query_one("#day", Input).value = new.isoformat()
        await pilot.press("enter")
        await settle(pilot)
        assert backend.call(accounts.cutoff, project_id) == before  # a preview writes nothing
        assert new.isoformat() in str(form.query_one("#cutoff-preview").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CutoffForm)
        assert backend.call(accounts.cutoff, project_id) == new


async def test_statements_of_the_marked_units_are_written_with_a_page_each(tmp_path):
    import openpyxl

    from exit_tui.ui.modals.statements import StatementsDialog

    app, backend, project_id = demo_app(tmp_path)
    target = tmp_path / "对账单 [1号楼].xlsx"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_accounts(pilot)
        await pilot.press("space", "space")  # the first two units marked
        await settle(pilot)
        shown = [screen.table.row(key).unit_no for key in screen.table.shown_keys()[:2]]
        assert shown == ["1-1-101", "1-1-102"]
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatementsDialog) and dialog.units == shown
        dialog.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        assert not isinstance(app.screen, StatementsDialog)
    book = openpyxl.load_workbook(target, read_only=True)
    text = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "1-1-101" in text and "1-1-102" in text and "1-1-201" not in text


async def test_lines_filtered_by_category_state_and_amount_range_with_exact_totals(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    every = backend.call(accounts.list_lines, project_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_accounts(pilot)
        await pilot.press("right")
        await settle(pilot)
        screen.query_one("#category", Select).value = "prepaid"
        screen.query_one("#state", Select).value = "open"
        screen.query_one("#range", Input).value = "1000-4000"
        await settle(pilot)
        open_prepaid = [line for line in every
                        if line.category == "prepaid" and line.state in ("unconfirmed", "disputed")]
        expected = [line for line in open_prepaid if 100000 <= line.amount_fen <= 400000]
        assert 0 < len(expected) < len(open_prepaid)
        assert expected and screen.table.shown_keys() == [line.public_id for line in expected]
        owed = sum(line.due_fen for line in expected if line.direction == "owed")
        assert format_fen(owed) in count_line(screen)
        screen.query_one("#range", Input).value = "12.345"  # not an amount: said, and no row is hidden by it
        await settle(pilot)
        assert screen.query_one("#range", Input).has_class("-invalid")
        assert screen.table.shown_keys() == [line.public_id for line in open_prepaid]


async def test_a_line_for_an_unknown_unit_or_a_third_decimal_is_refused_on_its_field(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    before = len(backend.call(accounts.list_lines, project_id))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_accounts(pilot)
        await pilot.press("right", "a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#unit_no", Input).value = "9-9-999"
        form.query_one("#amount_fen", Input).value = "12.345"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.query_one("#field-amount_fen").has_error
        form.query_one("#amount_fen", Input).value = "12.34"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-unit_no").has_error
        assert form.focused is form.query_one("#unit_no", Input)
        assert len(backend.call(accounts.list_lines, project_id)) == before
