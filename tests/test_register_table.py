"""The register table on its own: filter, sort, marks, totals, one-row updates, safe text, keys and mouse."""

from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from textual.app import App, ComposeResult

from exit_tui.ui.widgets.register_table import Column, RegisterTable, fit, layout

from .ui_helpers import FROZEN_TODAY, demo_app, settle


@dataclass(frozen=True)
class Charge:
    key: str
    title: str
    amount: int
    """fen"""
    due: date | None
    status: str
    group: str = "g1"


COLUMNS = [
    Column("key", "Id", width=6),
    Column("title", "Title", width=12, flex=1),
    Column("amount", "Amount", width=12, kind="money"),
    Column("due", "Due", width=10, kind="date"),
    Column("status", "Status", width=8, kind="choice", labels={"open": "Open", "paid": "Paid"}),
]

ROWS = [
    Charge("C-1", "water fee", 10, date(2026, 3, 1), "open"),
    Charge("C-2", "电费 [一期] 公共照明", 123456, date(2026, 1, 5), "paid"),
    Charge("C-3", "water meter", 10, None, "open"),
    Charge("C-4", "parking", 10, date(2026, 1, 5), "paid"),
]


class TableApp(App):
    def __init__(self, rows, **table_args) -> None:
        super().__init__()
        self.rows = rows
        self.table_args = table_args
        self.edits: list[str] = []
        self.exports = 0

    def compose(self) -> ComposeResult:
        yield RegisterTable(COLUMNS, key_of=lambda r: r.key, search_text=lambda r: f"{r.key} {r.title}",
                            id="t", **self.table_args)

    def on_mount(self) -> None:
        table = self.query_one(RegisterTable)
        table.set_rows(self.rows)
        table.focus()

    def on_register_table_edit(self, message: RegisterTable.Edit) -> None:
        self.edits.append(message.key)

    def on_register_table_export_view(self, message: RegisterTable.ExportView) -> None:
        self.exports += 1


def line(table: RegisterTable, y: int) -> str:
    """The text drawn on line `y` of the table (0 is the header)."""
    return "".join(segment.text for segment in table.render_line(y))


async def started(app: TableApp, pilot) -> RegisterTable:
    await pilot.pause()
    return app.query_one(RegisterTable)


async def test_filter_as_you_type_narrows_and_coalesces():
    app = TableApp(ROWS)
    async with app.run_test(size=(80, 12)) as pilot:
        table = await started(app, pilot)
        for text in ("w", "wa", "wat", "water"):  # a burst: only the last text is applied
            table.set_query(text)
        assert table.filter_text == ""
        await pilot.pause()
        assert table.filter_text == "water"
        assert table.shown_keys() == ["C-1", "C-3"]
        table.set_query("water m")  # grew: narrows the last result, two words must both match
        await pilot.pause()
        assert table.shown_keys() == ["C-3"]
        assert "water meter" in line(table, 1) and line(table, 2).strip() == ""
        table.set_query("一期")  # CJK, case and width folded
        await pilot.pause()
        assert table.shown_keys() == ["C-2"]
        table.set_query("")
        await pilot.pause()
        assert table.shown_keys() == ["C-1", "C-2", "C-3", "C-4"]


async def test_sort_by_key_and_header_click_is_stable_with_an_arrow():
    app = TableApp(ROWS)
    async with app.run_test(size=(80, 12)) as pilot:
        table = await started(app, pilot)
        table.sort_by("amount")
        await pilot.pause()
        assert table.shown_keys() == ["C-1", "C-3", "C-4", "C-2"]  # equal amounts keep their order
        assert "Amount ▲" in line(table, 0)
        await pilot.press("less_than_sign")
        assert table.shown_keys() == ["C-2", "C-1", "C-3", "C-4"]
        assert "Amount ▼" in line(table, 0)
        table.sort_by("due")
        assert table.shown_keys() == ["C-2", "C-4", "C-1", "C-3"]  # no date last
        table.sort_by("due", descending=True)
        assert table.shown_keys() == ["C-1", "C-2", "C-4", "C-3"]  # still last
        table.sort_by(None)
        await pilot.press("greater_than_sign")  # the first column
        assert table.sort_column == "key"
        x = line(table, 0).index("Status")
        await pilot.click(RegisterTable, offset=(x + 1, 0))  # a header click sorts by that column
        assert (table.sort_column, table.sort_descending) == ("status", False)
        assert table.shown_keys() == ["C-1", "C-3", "C-2", "C-4"]  # choices in their declared order
        await pilot.click(RegisterTable, offset=(x + 1, 0))
        await pilot.click(RegisterTable, offset=(x + 1, 0))
        assert table.sort_column is None and table.shown_keys() == ["C-1", "C-2", "C-3", "C-4"]


async def test_marks_and_exact_totals_of_the_rows_shown():
    rows = [Charge(f"C-{i}", "fee", 10, None, "open") for i in range(1, 11)]  # ten times 0.10
    app = TableApp(rows, counters={"open": lambda r: r.status == "open"})
    async with app.run_test(size=(80, 16)) as pilot:
        table = await started(app, pilot)
        assert table.totals().sums == {"amount": 100}
        assert table.totals().shown == 10 and table.totals().total == 10
        table.set_predicate(lambda r: r.key != "C-10")
        assert table.totals().sums == {"amount": 90}
        table.toggle_mark("C-2")
        table.toggle_mark("C-5")
        assert table.totals().marked == 2 and table.marked == {"C-2", "C-5"}
        await pilot.pause()
        assert line(table, 2).startswith("*") and not line(table, 1).startswith("*")
        assert table.totals().counts == {"open": 9}
        table.update_row("C-3", Charge("C-3", "fee", 123_456_789, None, "paid"))
        assert table.totals().sums == {"amount": 80 + 123_456_789}
        assert table.totals().counts == {"open": 8}
        assert "1,234,567.89" in line(table, 3)
        table.clear_marks()
        assert table.totals().marked == 0


async def test_update_row_changes_one_line_without_rebuilding(monkeypatch):
    app = TableApp(ROWS)
    async with app.run_test(size=(80, 12)) as pilot:
        table = await started(app, pilot)
        rebuilt = []
        monkeypatch.setattr(table, "_show", lambda keep: rebuilt.append(keep))
        table.update_row("C-3", Charge("C-3", "water meter (new)", 20, None, "paid"))
        await pilot.pause()
        assert rebuilt == []
        assert "water meter (new)" in line(table, 3) and "Paid" in line(table, 3)
        assert table.cell_text("C-3", "status") == "Paid"
        monkeypatch.undo()
        table.set_predicate(lambda r: r.status == "open")
        table.update_row("C-1", Charge("C-1", "water fee", 10, None, "paid"))  # leaves the filter: taken out
        assert table.shown_keys() == []
        table.update_row("C-1", Charge("C-1", "water fee", 10, None, "open"))  # and back
        assert table.shown_keys() == ["C-1"]


async def test_groups_get_headings_in_the_loaded_order_only():
    rows = [Charge("C-1", "a", 1, None, "open", "g1"), Charge("C-2", "b", 2, None, "paid", "g1"),
            Charge("C-3", "c", 3, None, "open", "g2")]
    app = TableApp(rows, group_of=lambda r: r.group, group_label=lambda key, rs: [(f"{key} ({len(rs)})", "")])
    async with app.run_test(size=(80, 12)) as pilot:
        table = await started(app, pilot)
        assert table.view_keys() == ["g1", "C-1", "C-2", "g2", "C-3"]
        assert "g1 (2)" in line(table, 1)
        table.set_query("b")
        await pilot.pause()
        assert table.view_keys() == ["g1", "C-2"] and "g1 (1)" in line(table, 1)
        table.sort_by("amount", descending=True)
        assert table.view_keys() == ["C-2"]


async def test_user_text_is_shown_as_typed_and_safe():
    hostile = "\x1b]0;pwned\x07\x1b[2J title \u202eevil"
    rows = [Charge("C-1", "[bold]not markup[/bold]", 1, None, "open"),
            Charge("C-2", hostile, 1, None, "open"),
            Charge("C-3", "长标题" * 20, 1, None, "open")]
    app = TableApp(rows)
    async with app.run_test(size=(100, 12)) as pilot:
        table = await started(app, pilot)
        assert "[bold]not markup[/bold]" in line(table, 1)
        shown = line(table, 2)
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "\\x1b]0;pwned\\x07" in shown
        title = table.column_width("title")
        assert cell_len(line(table, 3)) == table.scrollable_content_region.width
        cut = [text for text, _style in fit("长标题" * 20, title)]
        assert cell_len("".join(cut)) == title and cut[-1] == "…"
        assert "".join(cut) in line(table, 3)


def test_layout_gives_the_flexible_column_the_rest_and_drops_optional_columns():
    columns = [Column("a", "A", width=10), Column("b", "B", width=20, flex=1), Column("c", "C", width=10,
                                                                                      optional=True)]
    assert [(c.key, w) for c, w in layout(columns, 100)] == [("a", 10), ("b", 78), ("c", 10)]
    assert [(c.key, w) for c, w in layout(columns, 35)] == [("a", 10), ("b", 24)]  # c dropped for b's minimum
    assert fit("abc", 5, right=True) == [("  ", ""), ("abc", "")]


async def test_keys_and_mouse_move_the_cursor_and_ask_for_edit_and_export():
    rows = [Charge(f"C-{i}", f"row {i}", i, None, "open") for i in range(1, 101)]
    app = TableApp(rows)
    async with app.run_test(size=(80, 12)) as pilot:
        table = await started(app, pilot)
        await pilot.press("j", "down", "k")
        assert table.cursor_key == "C-2"
        await pilot.press("pagedown")
        assert table.cursor == 1 + table.visible_rows
        await pilot.press("end")
        assert table.cursor_key == "C-100" and round(table.scroll_y) > 0
        assert "row 100" in line(table, table.visible_rows)  # scrolled into view, drawn on the last line
        await pilot.press("home", "enter")
        assert app.edits == ["C-1"]
        await pilot.click(RegisterTable, offset=(10, 3))
        assert table.cursor_key == "C-3"
        await pilot.double_click(RegisterTable, offset=(10, 4))
        assert table.cursor_key == "C-4" and app.edits == ["C-1", "C-4"]
        await pilot.press("e")
        assert app.exports == 1


async def test_checklist_filter_burst_then_one_escape_shows_every_task(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.table
        total = len(table.shown_keys())
        await pilot.press("slash", *"T-00", "2", "escape")
        await settle(pilot)
        assert app.focused is table and table.filter_text == ""
        assert len(table.shown_keys()) == total
        assert FROZEN_TODAY  # the demo is dated; the count line says what is shown
        assert f"{total}/{total}" in str(app.screen.query_one("#count-line").render())


async def test_e_exports_the_filtered_view_to_a_workbook(tmp_path):
    import openpyxl

    from exit_tui.ui.screens.register_screen import ViewExportDialog

    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.table
        await pilot.press("slash", *"T-000", "enter")  # T-0001 .. T-0009
        await settle(pilot)
        shown = table.shown_keys()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ViewExportDialog)
        target = tmp_path / "view.xlsx"
        app.screen.query_one("#path").value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ViewExportDialog)
    sheet = openpyxl.load_workbook(target).active
    values = list(sheet.values)
    assert values[0][:5] == ("编号", "任务", "负责人", "截止日期", "状态")
    assert [row[0] for row in values[1:]] == shown and len(shown) == 9
    first = table.row(shown[0])
    assert values[1][3].date() == first.shown_due and values[1][4] == "已完成"
