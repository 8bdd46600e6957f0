"""What every sheet of a package shares: the workbook's cell formats, typed column writers, print set-up.

Sheets are written with XlsxWriter in constant_memory mode: each row goes to disk as soon as the next one
starts, so a sheet of any length costs the memory of one row. Rows must be written top to bottom; within a row,
any order; a row's height may be set until the next row starts. Settings (columns, freeze panes, validation,
merges, page set-up, print titles) can be given at any time and are written when the workbook closes.

User text is always written with write_string (the workbook is also opened with strings_to_formulas off), and a
text beginning with = + - @ (or a tab / carriage return) gets Excel's quotePrefix flag, so that editing the cell
in Excel never turns it into a formula.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..i18n import _
from .spec import Column, Kind
from .xlsx_text import (
    FORMULA_START,
    LINE_HEIGHT,
    choice_label,
    clean_text,
    display_width,
    header_footer_text,
    text_lines,
)

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

#: Excel's paper size code for A4.
PAPER_A4 = 9
#: Cell number formats.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
#: Total column width (in characters) above which a sheet prints in landscape.
LANDSCAPE_ABOVE = 100
#: Pixels per character of column width (Calibri 11's digit): a width of w characters is written as w exactly.
CHAR_PIXELS = 7
#: How many distinct texts per column a column writer remembers.
SEEN_TEXTS = 256
#: A4 in points (portrait width, height) and the margins page_setup gives (inches: sides, top and bottom).
A4_POINTS = (595.3, 841.9)
MARGIN_SIDES, MARGIN_ENDS = 0.4, 0.7
#: Height (points) of a row of one line whose height is not set (Excel's default).
DEFAULT_ROW_HEIGHT = 15
GREY = "#808080"
HEADER_FILL = "#D9E1F2"


class Formats:
    """The workbook's cell formats: each distinct set of properties made once (XlsxWriter keeps every format it
    is given), the common ones by name. Data cells align to the top: in a row grown for a wrapped text, every
    cell starts on the first line."""

    def __init__(self, workbook: "Workbook") -> None:
        self._workbook = workbook
        self._made: dict[tuple, Format] = {}
        get = self.get
        self.plain = get(valign="top")
        self.text_wrap = get(valign="top", text_wrap=True)
        self.text_quoted = get(valign="top", text_wrap=True, quote_prefix=True)
        self.date = get(num_format=DATE_FORMAT, align="center", valign="top")
        self.money = get(num_format=MONEY_FORMAT, valign="top")
        self.date_left = get(num_format=DATE_FORMAT, align="left", valign="top")
        self.datetime_left = get(num_format=DATETIME_FORMAT, align="left", valign="top")
        self.int_left = get(align="left", valign="top")
        self.bold_top = get(bold=True, valign="top")
        self.header = get(bold=True, pattern=1, bg_color=HEADER_FILL, border=1, border_color=GREY,
                          align="center", valign="vcenter", text_wrap=True)
        self.title = get(bold=True, font_size=16)
        self.bold = get(bold=True)
        self.section = get(bold=True, font_size=12)
        self.link = get(font_color="#0563C1", underline=1)
        self.alert = get(valign="top", text_wrap=True, bold=True, font_color="#C00000")
        self.sign_label = get(bold=True, valign="bottom", text_wrap=True)  # a long party name takes two lines
        self.sign_line = get(valign="bottom", text_wrap=True)

    def get(self, **properties: object) -> "Format":
        """The format with these XlsxWriter properties (bold=True, bg_color=..., left=2 ...)."""
        key = tuple(sorted(properties.items()))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._workbook.add_format(dict(properties))
        return made


def write_text(ws: "Worksheet", formats: Formats, row: int, col: int, value: object,
               cell_format: "Format | None" = None) -> None:
    """A string cell that can never be a formula (formula-like text gets the quote prefix)."""
    text = clean_text(value)
    if text.startswith(FORMULA_START):
        cell_format = formats.text_quoted
    ws.write_string(row, col, text, cell_format if cell_format is not None else formats.text_wrap)


ColumnWriter = Callable[[int, int, object], int]
"""`write(row, col, value)` writes one typed, non-empty value and returns how many lines its row needs."""


def column_writer(ws: "Worksheet", formats: Formats, column: Column, width: int) -> ColumnWriter:
    """The writer of one column's typed values (str, int, date, int fen for MONEY, a code for CHOICE); the
    column's kind is looked at once, here, not once per cell. A value of another type is written as its text."""
    write_string = ws.write_string
    wrap_format, quoted_format, plain_format = formats.text_wrap, formats.text_quoted, formats.plain
    if column.alert:
        wrap_format = plain_format = formats.alert
    # Texts repeat down a column (phase names, owners, labels): what each one becomes is worked out once.
    seen: dict[object, tuple[str, Format, int]] = {}

    def text(row: int, col: int, value: object) -> int:
        known = seen.get(value) if value.__class__ is str else None
        if known is None:
            cleaned = clean_text(value)
            # Text that would not fit on one line wraps, and its row grows.
            wraps = "\n" in cleaned or (2 * len(cleaned) >= width and display_width(cleaned) >= width)
            lines = text_lines(cleaned, width) if wraps else 1
            if cleaned.startswith(FORMULA_START):
                cell_format = quoted_format
            else:
                cell_format = wrap_format if wraps else plain_format
            known = (cleaned, cell_format, lines)
            if value.__class__ is str and len(seen) < SEEN_TEXTS:
                seen[value] = known
        write_string(row, col, known[0], known[1])
        return known[2]

    kind = column.kind
    if kind is Kind.DATE:
        write_datetime, date_format = ws.write_datetime, formats.date

        def write(row: int, col: int, value: object) -> int:
            if isinstance(value, date):
                write_datetime(row, col, value.date() if isinstance(value, datetime) else value, date_format)
                return 1
            return text(row, col, value)

    elif kind is Kind.MONEY or kind is Kind.INT:
        write_number = ws.write_number
        money = kind is Kind.MONEY
        number_format = formats.money if money else plain_format

        def write(row: int, col: int, value: object) -> int:
            if value.__class__ is int:
                # Fen to yuan: a float within 15 significant digits, written with 16 (exact to the fen).
                write_number(row, col, value / 100 if money else value, number_format)
                return 1
            return text(row, col, value)

    elif kind is Kind.CHOICE:
        labels: dict[object, str] = {}  # code -> label, worked out once per code

        def write(row: int, col: int, value: object) -> int:
            try:
                label = labels[value]
            except KeyError:
                label = labels[value] = choice_label(column, value)
            except TypeError:  # an unhashable value: shown as it is
                label = choice_label(column, value)
            return text(row, col, label)

    else:
        write = text
    return write


def write_row(ws: "Worksheet", row: int, cells: list[tuple[ColumnWriter, object]]) -> int:
    """Write (writer, value) pairs into `row` (column = position; None and "" left empty) and grow the row to
    the tallest wrapped text; returns its height in lines."""
    lines = 1
    for col, (write, value) in enumerate(cells):
        if value is None or value == "":
            continue
        needed = write(row, col, value)
        if needed > lines:
            lines = needed
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * lines)
    return lines


def set_widths(ws: "Worksheet", widths: list[int]) -> None:
    """Column widths in characters (a CJK character counts two), written exactly as given."""
    for col, width in enumerate(widths):
        ws.set_column_pixels(col, col, width * CHAR_PIXELS)


def page_setup(ws: "Worksheet", title: str, project: str, total_width: int, generated: datetime,
               grid: bool = False, landscape: bool = False, pages: "Pages | None" = None,
               scale: int | None = None) -> None:
    """A4, fit to the page width (any number of pages down), landscape when wide, headers and page numbers;
    `grid` prints the cell grid (schedules: rows are easier to follow across a wide page); `pages` gives the
    page breaks put before a block that would not fit on its page (Pages.keep). LibreOffice keeps them on a sheet
    fitted to one page wide (tests/perf/print_check.py); Excel may not, on a sheet set to "fit to" — a print
    scale would keep them there, but cut the last column wherever a reader's columns come out wider. A sheet
    whose breaks matter more than that (the owner statements: a page per unit) gives its `scale` instead."""
    ws.set_paper(PAPER_A4)
    if landscape or total_width > LANDSCAPE_ABOVE:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if scale is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(scale)
    if pages is not None and pages.breaks:
        ws.set_h_pagebreaks(pages.breaks)
    ws.center_horizontally()
    if grid:
        ws.hide_gridlines(0)  # 0: gridlines shown and printed
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    ws.set_header(f"&L{header_footer_text(project)}&R{header_footer_text(title, 40)}", {"margin": 0.3})
    footer = f"&L{header_footer_text(generated.strftime('%Y-%m-%d %H:%M'))}&C{_('export.page_footer')}"
    ws.set_footer(footer, {"margin": 0.3})


class Pages:
    """Where the pages of a printed sheet end, estimated from the heights of its rows, so that a block (a
    signature block) can be kept on one page: A4 as page_setup sets it, fitted to the sheet's width, with the
    rows repeated at the top of every page (print titles) counted on each page."""

    def __init__(self, total_width: int, landscape: bool = False) -> None:
        short, long = A4_POINTS
        wide = landscape or total_width > LANDSCAPE_ABOVE
        width, height = (long, short) if wide else (short, long)
        sheet_width = total_width * CHAR_PIXELS * 0.75  # pixels at 96 dpi -> points
        fitting = (width - 2 * MARGIN_SIDES * 72) / sheet_width if sheet_width else 1.0
        self.scale = max(10, min(100, int(100 * fitting)))
        """The print scale (percent) that fits the sheet's width on the page."""
        self.height = (height - 2 * MARGIN_ENDS * 72) * 100 / self.scale
        """What one page holds, in the sheet's points."""
        self.repeated = 0.0
        self.used = 0.0
        self.row = 0
        self.breaks: list[int] = []
        """Rows (0-based) that start a new page by a manual break."""

    def add(self, height: float = DEFAULT_ROW_HEIGHT, repeated: bool = False) -> None:
        """The next row, `height` points tall; `repeated` for a print-title row."""
        if repeated:
            self.repeated += height
        if self.used + height > self.height and self.used > self.repeated:
            self.used = self.repeated
        self.used += height
        self.row += 1

    def keep(self, height: float) -> None:
        """The next rows, `height` points in all, go on one page: a break before them when they would not fit
        on the page they start (and they fit on a page of their own)."""
        if self.used + height > self.height and self.repeated + height <= self.height and self.used > self.repeated:
            self.breaks.append(self.row)
            self.used = self.repeated
