"""Owner statements (对账单): one block per unit, each starting a new printed page (A4 portrait) — a title, the
unit and its owner, the unit's lines, the totals each way and the net, then a confirmation box for the owner's
reply and signature. Units are spread over sheets of at most PER_SHEET units (Excel keeps at most 1,023 manual
page breaks on a sheet).

Written for reading only: the importer skips these sheets by name (io/registers.read_only_titles), and the
confirmations come back on their own sheet (对账确认回执, io/spec.CONFIRMATIONS).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..i18n import _
from .spec import Column, Kind
from .xlsx_sheet import (
    A4_POINTS, CHAR_PIXELS, LINE_HEIGHT, MARGIN_SIDES, Formats, column_writer, page_setup, set_widths, write_row,
    write_text,
)
from .xlsx_text import sheet_title, text_lines

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

#: Units on one sheet: one manual page break each, and Excel keeps at most 1,023 on a sheet.
PER_SHEET = 1000
#: The statement's table (headers are none of a register's).
COLUMNS = (
    Column("public_id", "明细号", "Line", width=8),
    Column("category", "项目", "Item", width=11),
    Column("period", "计费期间", "Period", width=25),
    Column("direction", "收付", "Way", width=9),
    Column("amount_fen", "金额(元)", "Amount", Kind.MONEY, width=11),
    Column("after_cutoff_fen", "其中截止日后", "After cut-off", Kind.MONEY, width=10),
    Column("state", "核对状态", "State", width=11),  # Unconfirmed
    Column("source_ref", "单据", "Document", width=10),
)
WIDTHS = [c.width for c in COLUMNS]
AMOUNT_COL = 4
#: How much wider than Calibri's a reader's default font may draw the columns (LibreOffice without Carlito falls
#: back to DejaVu Sans: ~1.35x, measured by tests/perf/print_check.py): the print scale leaves room for it, so
#: every column is on the unit's page.
WIDE_FONT = 1.4
#: Heights (points): the title, a row of the confirmation box where the owner writes.
TITLE_HEIGHT, REPLY_HEIGHT, SIGN_HEIGHT = 26, 48, 36


@dataclass(frozen=True)
class Statement:
    """One unit's statement; texts already in the user's language."""

    facts: Sequence[str]
    """Lines under the title: the project and cut-off, the unit and its owner."""
    lines: Sequence[Mapping[str, object]]
    """Rows keyed by COLUMNS' keys (amounts in fen)."""
    totals: Sequence[tuple[str, int]]
    """(label, fen): owed by the owner, owed to the owner, the net."""


def print_scale(total_width: int) -> int:
    """The print scale (percent) at which `total_width` characters fit A4 portrait, WIDE_FONT included."""
    room = (A4_POINTS[0] - 2 * MARGIN_SIDES * 72) / (total_width * CHAR_PIXELS * 0.75 * WIDE_FONT)
    return max(10, min(100, int(100 * room)))


def sheet_base() -> str:
    """The statements' sheet name (then numbered when there are several)."""
    return _("accounts.print.statement_sheet")


def write_statements(workbook: "Workbook", formats: Formats, statements: Sequence[Statement],
                     heading: tuple[str, datetime], tick: Callable[[], None], taken: set[str]) -> list[str]:
    """Write the statements, PER_SHEET units a sheet; returns the sheets' titles."""
    chunks = [statements[i:i + PER_SHEET] for i in range(0, len(statements), PER_SHEET)] or [[]]
    titles = []
    for number, chunk in enumerate(chunks, start=1):
        base = sheet_base() if len(chunks) == 1 else f"{sheet_base()} {number}"
        title = sheet_title(base, taken)
        titles.append(title)
        _write_sheet(workbook, formats, title, chunk, heading, tick)
    return titles


def _write_sheet(workbook: "Workbook", formats: Formats, title: str, statements: Sequence[Statement],
                 heading: tuple[str, datetime], tick: Callable[[], None]) -> None:
    ws = workbook.add_worksheet(title)
    set_widths(ws, WIDTHS)
    total, last = sum(WIDTHS), len(WIDTHS) - 1
    writers = [(column_writer(ws, formats, c, w), c.key) for c, w in zip(COLUMNS, WIDTHS)]
    title_format = formats.get(bold=True, font_size=16, align="center", valign="vcenter")
    label_format = formats.get(bold=True, align="right", valign="top")
    sum_format = formats.get(bold=True, num_format="#,##0.00", valign="top", top=1)
    box = {"border": 1, "text_wrap": True, "valign": "top"}
    box_format, sign_format = formats.get(**box), formats.get(**box, bold=True)
    breaks: list[int] = []
    row = 0

    def line(text: str, cell_format, height: float | None = None) -> None:
        nonlocal row
        ws.merge_range(row, 0, row, last, "", cell_format)
        write_text(ws, formats, row, 0, text, cell_format)
        lines = text_lines(text, total)
        ws.set_row(row, height or LINE_HEIGHT * lines + (4 if lines > 1 else 0))
        row += 1

    for number, statement in enumerate(statements):
        if number:
            breaks.append(row)  # each unit on a page of its own
        line(_("accounts.print.statement_title"), title_format, TITLE_HEIGHT)
        for fact in statement.facts:
            line(fact, formats.text_wrap)
        row += 1
        for col, column in enumerate(COLUMNS):
            write_text(ws, formats, row, col, column.header, formats.header)
        ws.set_row(row, LINE_HEIGHT * 2)
        row += 1
        for item in statement.lines:
            write_row(ws, row, [(write, item.get(key)) for write, key in writers])
            row += 1
            tick()
        if not statement.lines:
            line(_("accounts.print.no_lines"), formats.plain)
        for label, fen in statement.totals:
            ws.merge_range(row, 0, row, AMOUNT_COL - 1, "", label_format)
            write_text(ws, formats, row, 0, label, label_format)
            ws.write_number(row, AMOUNT_COL, fen / 100, sum_format)
            row += 1
        row += 1
        line(_("accounts.print.statement_note"), formats.text_wrap)
        line(_("accounts.print.reply_boxes"), sign_format, LINE_HEIGHT * 2)
        line(_("accounts.print.reply_reason"), box_format, REPLY_HEIGHT)
        line(_("accounts.print.reply_sign"), sign_format, SIGN_HEIGHT)
    project, generated = heading
    # A print scale, not "fit to width": Excel ignores manual page breaks on a sheet fitted to the page.
    page_setup(ws, title, project, total, generated, scale=print_scale(total))
    if breaks:
        ws.set_h_pagebreaks(breaks)
