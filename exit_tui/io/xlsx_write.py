"""The generic spreadsheet writer: a handover package (index sheet + one sheet per declared schedule) in one .xlsx.

Every sheet is written in openpyxl's write-only (streaming) mode, so a sheet of any length costs the memory of one
row. What write-only mode allows, and how this module uses it:

- freeze panes, column widths and the sheet properties (fit-to-page flag) are written at the top of the sheet
  XML, so they are set before the first row is appended; a row's height is written with the row, so it is set
  just before that row is appended;
- autofilter, merged cells, data validation, hyperlinks, print options, margins, page setup and header/footer
  are written after the rows, so they are set once the row count is known;
- print titles (the repeated header row) are a workbook-level defined name, written at save;
- cells that need a style (dates, money, wrapped or formula-like text, headers) are passed as cells with a
  prepared style; other values are passed plain, which is what keeps a 10k-row sheet close to raw openpyxl speed.
Nothing the issue asks for is impossible in write-only mode. What it cannot do is go back: a row, once appended,
cannot be read or changed (so the index, written first, takes its row counts from the rows handed in, and the
dropdowns and autofilter are sized from them), and nothing measures text, so the height of a row of wrapped text
is estimated here (text_lines) — LibreOffice does not grow such rows on its own when it opens a file.

After the schedules, a package may hold a Timeline sheet: the tasks with their dates and a weekly Gantt drawn in
cell fills (one narrow column per week, the weeks of today, T and the contract end bordered), printed landscape.
Its first cell is its title, by which the reader (io/read.py) knows to skip it.

User text is always text: a value beginning with = + - @ (or a tab / carriage return) is written as a string cell
with Excel's quotePrefix flag, never as a formula.

The file is written to a temporary file beside the target and moved into place with os.replace, so the target is
either the old file or the complete new one; a target open in Excel or WPS gives ExportError ("close and retry").
"""

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from typing import TYPE_CHECKING

from ..i18n import CATALOGS, _, pick
from ..i18n.labels import role_label, status_label
from .atomic import ExportError, atomic_path, export_errors
from .spec import Column, Kind, SheetSpec

if TYPE_CHECKING:  # openpyxl itself is imported only when a file is written (importing io/ stays light)
    from openpyxl import Workbook

    from ..services.readmodels import Timeline, TimelineTask

#: Excel's paper size code for A4.
PAPER_A4 = 9
#: Cell number formats.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
#: Excel's limits: inline data-validation lists, characters in a cell, characters in a sheet name.
MAX_INLINE_LIST = 255
MAX_CELL_TEXT = 32767
MAX_SHEET_TITLE = 31
#: Total column width (in characters) above which a sheet prints in landscape.
LANDSCAPE_ABOVE = 100
#: How often (in rows) `progress` is called.
PROGRESS_EVERY = 500
#: First characters that make Excel (or openpyxl) read text as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters XML 1.0 cannot hold (openpyxl raises IllegalCharacterError on them): dropped from user text.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
#: Characters Windows and Excel refuse in sheet names.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

SIGNATURE_PARTIES = ("export.signature_handover", "export.signature_receiver", "export.signature_supervisor")


@dataclass(frozen=True)
class Package:
    """What goes into a handover package. Texts are already in the user's language."""

    title: str
    """The project's title line (its name; the public id may follow): on the index and in every page header."""
    exit_type: str
    """The exit type's label."""
    key_dates: Sequence[tuple[str, date]]
    """(label, date) of the project's key dates, in order."""
    generated_at: datetime
    """When the package was made (an aware datetime is shown in local time)."""
    sheets: Sequence[
        tuple[SheetSpec, Sequence[Mapping[str, object]]] | tuple[SheetSpec, Iterable[Mapping[str, object]], int]
    ]
    """One schedule per entry: its declaration and its rows, each a dict keyed by column key with typed values
    (str, int, date, int fen for MONEY, a choice code for CHOICE; None or a missing key for an empty cell).
    A third item, the row count, lets the rows be any iterable (e.g. a stream from the database, read once,
    while the sheet is written): the index, written first, shows that count."""
    details: Sequence[tuple[str, object]] = field(default_factory=tuple)
    """Further (label, value) lines for the index, after the title line (address, units ...)."""
    timeline: "Timeline | None" = None
    """The project's timeline: written as a Gantt sheet after the schedules (its texts picked here)."""


# -- widths ----------------------------------------------------------------------------------------------------


class _CharWidths(dict):
    """Width of each character met so far (1, or 2 for East Asian wide and full-width ones)."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        return width


_CHAR_WIDTHS = _CharWidths()
_char_width = _CHAR_WIDTHS.__getitem__


def display_width(text: object) -> int:
    """Width of `text` in character cells: East Asian wide and full-width characters count as two."""
    text = "" if text is None else str(text)
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


#: Room for the autofilter button at the right of a (bold) header cell.
FILTER_BUTTON = 3


def column_width(column: Column) -> int:
    """The declared width, widened to fit the header (and the autofilter button) and every choice label."""
    width = max(column.width, display_width(column.header) + FILTER_BUTTON)
    if column.kind is Kind.CHOICE:
        width = max([width, *(display_width(_choice_label(column, code)) + 1 for code in column.choices)])
    return width


def _choice_label(column: Column, code: object) -> str:
    if column.label is None:
        return str(code)
    try:
        return column.label(code)
    except ValueError:  # a code the column does not know: show it as it is
        return str(code)


# -- text safety -----------------------------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """User text as a cell can hold it: line breaks as Excel writes them (\\n), characters XML cannot carry
    removed, cut at Excel's cell limit."""
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text[:MAX_CELL_TEXT]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (Excel: at most 31 characters, none of []:*?/\\, not quoted at the ends)."""
    base = _BAD_SHEET_CHARS.sub("_", text).strip("'").strip() or "Sheet"
    base = base[:MAX_SHEET_TITLE]
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA (as openpyxl.utils.get_column_letter, without importing openpyxl)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(title: str) -> str:
    """A sheet name as formulas and links refer to it: `'任务清单'` (quotes inside doubled)."""
    return "'" + title.replace("'", "''") + "'"


def _header_footer_text(text: str, limit: int = 80) -> str:
    """Text for a page header/footer: `&` is a control character there, so it is doubled."""
    return clean_text(text)[:limit].replace("&", "&&")


def signature_markers() -> set[str]:
    """The signature block's title in every language: a reader stops at a row whose first cell is one of them."""
    return {catalog["export.signature_title"] for catalog in CATALOGS.values()}


# -- styles ----------------------------------------------------------------------------------------------------


def _styled_cell_class(Cell):
    """A cell whose style is one of the workbook's prepared styles, registered once: its style id is stored
    with it, not looked up (hashing the style) again for every cell written."""

    class StyledCell(Cell):
        __slots__ = ("style_id",)
        has_style = True

    return StyledCell


class _Styles:
    """Prepared cell styles of one workbook (style arrays, registered with the workbook once and shared by the
    cells that use them: a prepared style is never changed), and the cell maker."""

    def __init__(self, ws) -> None:
        from openpyxl.cell.cell import Cell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.Cell = Cell
        self.StyledCell = _styled_cell_class(Cell)
        self.ids: dict[int, int] = {}  # id(style array) -> its index in the workbook's cell styles
        self.ws = ws
        thin = Side(style="thin", color="808080")
        make = self.make

        # Data cells align to the top: in a row grown for a wrapped text, every cell starts on the first line.
        top = Alignment(vertical="top")
        self.plain = make(alignment=top)
        self.text_wrap = make(alignment=Alignment(vertical="top", wrap_text=True))
        self.text_quoted = make(alignment=Alignment(vertical="top", wrap_text=True), quotePrefix=True)
        self.date = make(number_format=DATE_FORMAT, alignment=Alignment(horizontal="center", vertical="top"))
        self.money = make(number_format=MONEY_FORMAT, alignment=top)
        self.date_left = make(number_format=DATE_FORMAT, alignment=Alignment(horizontal="left", vertical="top"))
        self.datetime_left = make(number_format=DATETIME_FORMAT,
                                  alignment=Alignment(horizontal="left", vertical="top"))
        self.int_left = make(alignment=Alignment(horizontal="left", vertical="top"))
        self.bold_top = make(font=Font(bold=True), alignment=top)
        self.header = make(
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="D9E1F2"),
            border=Border(left=thin, right=thin, top=thin, bottom=thin),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
        self.title = make(font=Font(bold=True, size=16))
        self.bold = make(font=Font(bold=True))
        self.section = make(font=Font(bold=True, size=12))
        self.link = make(font=Font(color="0563C1", underline="single"))
        self.sign_label = make(font=Font(bold=True), alignment=Alignment(vertical="bottom"))
        self.sign_line = make(alignment=Alignment(vertical="bottom"))

    def make(self, **attrs):
        """A prepared style with `attrs` (font=..., fill=...), registered with the workbook."""
        cell = self.Cell(self.ws, 1, 1)
        for name, value in attrs.items():
            setattr(cell, name, value)
        style = cell._style
        self.ids[id(style)] = self.ws.parent._cell_styles.add(style)
        return style

    def cell(self, ws, style, value, data_type: str):
        """A cell of `ws` holding `value` as `data_type` (s, n, d) with a prepared style; no type guessing,
        so a string is never turned into a formula."""
        if style is None:
            cell = self.Cell(ws, 1, 1)
        else:
            cell = self.StyledCell(ws, 1, 1)
            cell._style = style
            cell.style_id = self.ids[id(style)]
        cell._value = value
        cell.data_type = data_type
        return cell


def _text_cell(ws, styles: _Styles, text: str, style=None):
    """A string cell that can never be a formula."""
    text = clean_text(text)
    if looks_like_formula(text):
        style = styles.text_quoted
    return styles.cell(ws, style if style is not None else styles.text_wrap, text, "s")


# -- one schedule sheet ----------------------------------------------------------------------------------------


#: Height (points) of one line of 11-point text (CJK fonts need a little more than Excel's 15); a row of wrapped
#: text gets a multiple of it.
LINE_HEIGHT = 16
#: Rows never grow beyond this many lines (Excel's limit is 409 points).
MAX_LINES = 27


def text_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide (an estimate: CJK counts two,
    Latin text gets a little slack for breaking at spaces)."""
    usable = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        wide = display_width(paragraph)
        if not paragraph.isascii() or " " not in paragraph:
            lines += max(1, -(-wide // usable))
        else:
            lines += max(1, -(-wide * 11 // (usable * 10)))
    return min(lines, MAX_LINES)


class _RowLines:
    """The tallest wrapped cell of the row being built (row heights must be set before a row is streamed), and
    whether the row being written is a tall one (its plain values then top-aligned too)."""

    __slots__ = ("lines", "top")

    def __init__(self) -> None:
        self.lines = 1
        self.top = False


#: How many distinct texts per column _column_writer remembers.
SEEN_TEXTS = 256


def _column_writer(ws, styles: _Styles, column: Column, width: int, row: _RowLines) -> Callable[[object], object]:
    """A function turning one column's typed values into what ws.append takes (a plain value or a styled cell).
    The column's kind is looked at once, here, not once per cell."""
    make = styles.cell
    wrap_style, quoted_style = styles.text_wrap, styles.text_quoted

    # Texts repeat down a column (phase names, owners, labels): what each one becomes is worked out once.
    seen: dict[str, tuple[str, object, int]] = {}  # text -> (cleaned text, its style or None, its lines)

    def text(value: object):
        known = seen.get(value) if value.__class__ is str else None
        if known is None:
            text = clean_text(value)
            # Short text is written plain (cheap); text that would not fit on one line wraps, and its row grows.
            wraps = "\n" in text or (2 * len(text) >= width and display_width(text) >= width)
            lines = text_lines(text, width) if wraps else 1
            style = quoted_style if text.startswith(FORMULA_START) else wrap_style if wraps else None
            known = (text, style, lines)
            if value.__class__ is str and len(seen) < SEEN_TEXTS:
                seen[value] = known
        text, style, lines = known
        if lines > row.lines:
            row.lines = lines
        return text if style is None else make(ws, style, text, "s")

    kind = column.kind
    if kind is Kind.DATE:
        date_style = styles.date

        def write(value: object):
            if value is None or value == "":
                return None
            if isinstance(value, date):
                return make(ws, date_style, value.date() if isinstance(value, datetime) else value, "d")
            return text(value)

    elif kind is Kind.MONEY:
        money_style = styles.money

        def write(value: object):
            if value is None or value == "":
                return None
            if isinstance(value, int) and not isinstance(value, bool):
                return make(ws, money_style, Decimal(value) / 100, "n")
            return text(value)

    elif kind is Kind.INT:

        def write(value: object):
            if value is None or value == "":
                return None
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            return text(value)

    elif kind is Kind.CHOICE:
        labels: dict[object, str] = {}  # code -> label, worked out once per code

        def write(value: object):
            if value is None or value == "":
                return None
            try:
                label = labels[value]
            except KeyError:
                label = labels[value] = _choice_label(column, value)
            except TypeError:  # an unhashable value: shown as it is
                label = _choice_label(column, value)
            return text(label)

    else:

        def write(value: object):
            if value is None or value == "":
                return None
            return text(value)

    return write


def _row_appender(ws, state: _RowLines) -> Callable[[int, list], None]:
    """`append(number, cells)`: stream row `number`, grown to `state.lines` lines when the column writers found
    a wrapped text that needs more (every cell then top-aligned, so the row reads from its first line)."""
    heights = ws.row_dimensions
    tall_rows: dict[int, dict[str, str]] = {}  # lines -> the row attributes of a row that tall
    append = ws.append

    def append_row(number: int, cells: list) -> None:
        if state.lines == 1:
            append(cells)
            return
        # The row's attributes as the streamed writer reads them (dict(RowDimension(height=...))), made once per
        # height instead of a RowDimension per row.
        tall = tall_rows.get(state.lines)
        if tall is None:
            heights[number].height = LINE_HEIGHT * state.lines
            tall = tall_rows[state.lines] = dict(heights[number])
        heights[number] = tall
        state.lines = 1
        state.top = True
        append(cells)
        state.top = False
        del heights[number]  # written with its row: keep no RowDimension per tall row in memory

    return append_row


def _prepared_rows(ws, styles: _Styles, row: _RowLines):
    """A stand-in for the write-only sheet's `_values_to_row`, for rows made only of None, int, str and
    prepared cells (what the column writers return): openpyxl's own tries `cell.value = value` first, which for
    a prepared cell fails with a ValueError whose message reprs the cell — most of the cost of a styled cell.
    A str here is already known to be plain text (never formula-like), an int a number. In a tall row
    (`row.top`) plain values are written top-aligned, like the prepared cells. As in openpyxl, the cell that
    carries a plain value is reused: each cell is written as soon as it is yielded."""
    Cell, StyledCell = styles.Cell, styles.StyledCell
    flat = Cell(ws)
    top = StyledCell(ws)
    top._style, top.style_id = styles.plain, styles.ids[id(styles.plain)]

    def values_to_row(values, row_idx):
        carrier = top if row.top else flat
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            kind = value.__class__
            if kind is StyledCell or kind is Cell:
                cell = value
            elif kind is str:
                cell = carrier
                cell._value, cell.data_type = value, "s"
            elif kind is int:
                cell = carrier
                cell._value, cell.data_type = value, "n"
            else:  # not made by the column writers: openpyxl's own conversion, on a fresh cell
                cell = StyledCell(ws) if row.top else Cell(ws)
                if row.top:
                    cell._style, cell.style_id = top._style, top.style_id
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    return values_to_row


def _page_setup(ws, title: str, project: str, total_width: int, generated: datetime, grid: bool = False) -> None:
    """A4, fit to the page width (any number of pages down), landscape when wide, headers and page numbers;
    `grid` prints the cell grid (schedules: rows are easier to follow across a wide page)."""
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if total_width > LANDSCAPE_ABOVE else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = grid
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = _header_footer_text(project)
    ws.oddHeader.right.text = _header_footer_text(title, 40)
    ws.oddFooter.left.text = _header_footer_text(generated.strftime("%Y-%m-%d %H:%M"))
    ws.oddFooter.center.text = _("export.page_footer")


def _fit_to_page(ws) -> None:
    """Must be set before the first row: the sheet properties are written at the top of a streamed sheet."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


@dataclass
class _Lists:
    """Dropdown lists too long (or too awkward) to write inline: kept on one hidden sheet, a column each."""

    title: str = ""
    columns: list[list[str]] = field(default_factory=list)

    def add(self, labels: list[str]) -> str:
        self.columns.append(labels)
        letter = column_letter(len(self.columns))
        return f"{quote_sheet(self.title)}!${letter}$1:${letter}${len(labels)}"


def _dropdown(column: Column, lists: _Lists):
    """A list validation offering the column's labels: inline when short, else from the hidden list sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation

    labels = [clean_text(_choice_label(column, code)) for code in column.choices]
    inline = ",".join(labels)
    if len(inline) > MAX_INLINE_LIST or any("," in label or '"' in label for label in labels):
        formula = lists.add(labels)
    else:
        formula = f'"{inline}"'
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not column.required,
        showErrorMessage=True,
        errorTitle=_("export.choice_error_title")[:32],
        error=_("export.choice_error")[:255],
    )


def _write_schedule(
    wb: "Workbook",
    styles: _Styles,
    title: str,
    spec: SheetSpec,
    rows: Iterable[Mapping[str, object]],
    package: Package,
    generated: datetime,
    lists: _Lists,
    tick: Callable[[], None],
) -> None:
    ws = wb.create_sheet(title)
    columns = spec.columns
    widths = [column_width(c) for c in columns]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _fit_to_page(ws)

    ws.append([_text_cell(ws, styles, c.header, styles.header) for c in columns])
    state = _RowLines()
    ws._values_to_row = _prepared_rows(ws, styles, state)  # the data rows: only what the column writers return
    pairs = [(_column_writer(ws, styles, c, w, state), c.key) for c, w in zip(columns, widths)]
    append = _row_appender(ws, state)
    number = 1
    for row in rows:
        number += 1
        get = row.get
        append(number, [write(get(key)) for write, key in pairs])
        tick()

    last_col = column_letter(len(columns))
    last_row = number
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    ws.print_title_rows = "1:1"
    if last_row > 1:
        for index, column in enumerate(columns, start=1):
            if column.kind is Kind.CHOICE and column.choices:
                validation = _dropdown(column, lists)
                letter = column_letter(index)
                validation.add(f"{letter}2:{letter}{last_row}")
                ws.data_validations.append(validation)
    _signature_block(ws, styles, widths, last_row + 1)
    _page_setup(ws, title, package.title, sum(widths), generated, grid=True)


#: Height (points) of a signature line: room to sign above it.
SIGNATURE_ROW_HEIGHT = 36


def _signature_block(ws, styles: _Styles, widths: list[int], first_row: int) -> None:
    """A blank row, a title, then one tall line per party: who (seal), signature, date, in three merged boxes
    spread over the sheet's width (so the block prints the same whatever the columns).

    `first_row` is the row the block starts on (row heights must be set before a streamed row is written)."""
    total, count = sum(widths), len(widths)
    starts, running = [0], 0
    for index, width in enumerate(widths):
        if len(starts) < 3 and index > starts[-1] and running >= total * len(starts) / 3:
            starts.append(index)
        running += width
    while len(starts) < 3:  # a sheet of one or two columns: the boxes still go side by side
        starts.append(starts[-1] + 1)
    ends = [starts[1] - 1, starts[2] - 1, max(count - 1, starts[2])]

    def merge(row: int, first: int, last: int) -> None:
        if last > first:
            ws.merged_cells.add(f"{column_letter(first + 1)}{row}:{column_letter(last + 1)}{row}")

    ws.append([])
    title_row = first_row + 1
    ws.append([_text_cell(ws, styles, _("export.signature_title"), styles.section)])
    merge(title_row, 0, count - 1)
    for row, party in enumerate(SIGNATURE_PARTIES, start=title_row + 1):
        ws.row_dimensions[row].height = SIGNATURE_ROW_HEIGHT
        line = [None] * (ends[2] + 1)
        line[starts[0]] = _text_cell(ws, styles, _(party), styles.sign_label)
        line[starts[1]] = _text_cell(ws, styles, _("export.signature_name"), styles.sign_line)
        line[starts[2]] = _text_cell(ws, styles, _("export.signature_date"), styles.sign_line)
        ws.append(line)
        for first, last in zip(starts, ends):
            merge(row, first, last)


# -- the timeline sheet ----------------------------------------------------------------------------------------


#: Width (characters) of one week column of the Gantt; its header (the week's Monday) is written upright.
WEEK_WIDTH = 3
#: Rows above the data of the timeline sheet: title and months, then the column headers and weeks.
TIMELINE_HEADER_ROWS = 2
#: Bar fills (RGB) by the state of the task; a milestone is a ◆ on its state's fill.
BAR_FILLS = {"done": "A9D08E", "open": "9DC3E6", "at_risk": "FFC000", "overdue": "FF7C80"}
#: The ◆ of a statutory deadline.
DEADLINE_COLOR = "C00000"
#: Border colours of the marked week columns, strongest first (a week holding two is drawn as the first).
MARKS = {"today": "FF0000", "handover": "7030A0", "contract_end": "ED7D31"}
DIAMOND = "◆"


def timeline_markers() -> set[str]:
    """The timeline sheet's title (its cell A1) in every language: a reader skips a sheet starting with one."""
    return {catalog["export.timeline_title"] for catalog in CATALOGS.values()}


def _timeline_columns() -> tuple[Column, ...]:
    """The columns left of the weeks (headers in the current language)."""
    columns = (
        ("public_id", _("export.timeline_id"), Kind.TEXT, 8),
        ("phase_no", _("export.timeline_phase"), Kind.INT, 5),
        ("title", _("export.timeline_task"), Kind.TEXT, 30),
        ("owner", _("export.timeline_owner"), Kind.TEXT, 12),
        ("start", _("export.timeline_start"), Kind.DATE, 11),
        ("due", _("export.timeline_due"), Kind.DATE, 11),
        ("status", _("export.timeline_status"), Kind.TEXT, 8),
        ("flags", _("export.timeline_flags"), Kind.TEXT, 14),
    )
    return tuple(Column(key, text, text, kind, width=max(width, display_width(text) + 2))
                 for key, text, kind, width in columns)


class _Gantt:
    """The week columns of one timeline sheet: Monday-start weeks from its first to its last day, the marked
    ones (today, T, contract end), and the shared cells that draw them."""

    def __init__(self, ws, styles: _Styles, timeline: "Timeline") -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws, self.styles = ws, styles
        self.first = timeline.first_day - timedelta(days=timeline.first_day.weekday())
        self.mondays = [self.first + timedelta(weeks=n)
                        for n in range((timeline.last_day - self.first).days // 7 + 1)]
        dates = timeline.project.dates
        self.marks: dict[int, list[str]] = {}  # week -> its marks, strongest first
        for mark, day in (("today", timeline.today), ("handover", dates.handover),
                          ("contract_end", dates.contract_end)):
            week = self.week(day)
            if week is not None:
                self.marks.setdefault(week, []).append(mark)
        self._cells: dict[tuple, object] = {}
        self.Alignment, self.Border, self.Font, self.PatternFill, self.Side = Alignment, Border, Font, PatternFill, Side
        # A row with no bar: only the marked weeks have a cell (their border).
        self.blank = [self.cell(None, self._mark(week)) for week in range(len(self.mondays))]

    def week(self, day: date) -> int | None:
        """The index of the week holding `day`; None outside the chart."""
        week = (day - self.first).days // 7
        return week if 0 <= week < len(self.mondays) else None

    def _mark(self, week: int) -> str | None:
        marks = self.marks.get(week)
        return marks[0] if marks else None

    def cell(self, kind: str | None, mark: str | None, value: str | None = None):
        """The cell of a week: `kind` a bar fill or "deadline", `mark` the column's mark, `value` ◆ or None.
        One cell per look, shared by every row (a prepared cell is written as soon as it is appended)."""
        key = (kind, mark, value)
        if key == (None, None, None):
            return None
        made = self._cells.get(key)
        if made is None:
            attrs: dict[str, object] = {"alignment": self.Alignment(horizontal="center", vertical="top")}
            if mark is not None:
                side = self.Side(style="medium", color=MARKS[mark])
                attrs["border"] = self.Border(left=side, right=side)
            if kind in BAR_FILLS:
                attrs["fill"] = self.PatternFill("solid", fgColor=BAR_FILLS[kind])
            if kind == "deadline":
                attrs["font"] = self.Font(bold=True, color=DEADLINE_COLOR)
            made = self._cells[key] = self.styles.cell(self.ws, self.styles.make(**attrs), value, "s")
        return made

    def row(self, bars: Iterable[tuple[int | None, str]], value: str | None = None) -> list:
        """The week cells of a row: `bars` (week, kind) filled, the marked weeks bordered."""
        cells = self.blank.copy()
        for week, kind in bars:
            if week is not None:
                cells[week] = self.cell(kind, self._mark(week), value)
        return cells

    def task_row(self, task: "TimelineTask", today: date) -> list:
        kind = task.state
        if task.occurrences:  # a recurring task: a cell per occurrence, each in its own state
            return self.row((self.week(o.day), task.occurrence_state(o, today)) for o in task.occurrences)
        if task.milestone:
            return self.row([(self.week(task.due), kind)], DIAMOND)
        first = self.week(max(task.start, self.first)) or 0
        last = self.week(task.due)
        last = len(self.mondays) - 1 if last is None else last
        return self.row((week, kind) for week in range(first, last + 1))

    def header_rows(self, left: int) -> tuple[list, list, list[str], int]:
        """The month row and the week row (after `left` leading cells), the month merges, and the height (points)
        of the week row, whose labels (the Monday, and today / T / contract end) are written upright."""
        styles, ws, mondays = self.styles, self.ws, self.mondays
        months: list = [None] * (left + len(mondays))
        month_style = styles.make(font=self.Font(bold=True), alignment=self.Alignment(horizontal="left"),
                                  border=self.Border(left=self.Side(style="thin", color="808080")))
        starts = [w for w, monday in enumerate(mondays) if w == 0 or monday.month != mondays[w - 1].month]
        merges = []
        for start, end in zip(starts, [*starts[1:], len(mondays)]):
            label = _("export.timeline_month", year=mondays[start].year, month=mondays[start].month)
            if display_width(label) > (end - start) * WEEK_WIDTH + 1:  # a month cut short by the chart's ends
                label = ""
            months[left + start] = styles.cell(ws, month_style, label or None, "s")
            if end - start > 1:
                merges.append(f"{column_letter(left + start + 1)}1:{column_letter(left + end)}1")
        labels = {"today": _("export.timeline_today"), "handover": _("export.timeline_handover"),
                  "contract_end": _("export.timeline_contract_end")}
        weeks: list = [None] * left
        longest = 5
        for week, monday in enumerate(mondays):
            marks = self.marks.get(week, [])
            text = " ".join([f"{monday:%m-%d}", *(labels[m] for m in marks)])
            longest = max(longest, display_width(text))
            weeks.append(styles.cell(ws, self._week_header(marks[0] if marks else None), text, "s"))
        return months, weeks, merges, 5 * longest + 12  # 9-point text: about five points a character cell

    def _week_header(self, mark: str | None):
        key = ("header", mark)
        style = self._cells.get(key)
        if style is None:
            thin = self.Side(style="thin", color="808080")
            side = self.Side(style="medium", color=MARKS[mark]) if mark else thin
            style = self._cells[key] = self.styles.make(
                font=self.Font(bold=mark is not None, size=9, color=MARKS[mark] if mark else None),
                fill=self.PatternFill("solid", fgColor="D9E1F2"),
                border=self.Border(left=side, right=side, top=thin, bottom=thin),
                alignment=self.Alignment(horizontal="center", vertical="bottom", textRotation=90),
            )
        return style


def _write_timeline(
    wb: "Workbook", styles: _Styles, title: str, timeline: "Timeline", package: Package, generated: datetime,
    tick: Callable[[], None],
) -> None:
    ws = wb.create_sheet(title)
    columns = _timeline_columns()
    left = len(columns)
    gantt = _Gantt(ws, styles, timeline)
    widths = [c.width for c in columns]
    for index, width in enumerate([*widths, *[WEEK_WIDTH] * len(gantt.mondays)], start=1):
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = f"{column_letter(left + 1)}{TIMELINE_HEADER_ROWS + 1}"
    _fit_to_page(ws)

    months, weeks, merges, height = gantt.header_rows(left)
    months[0] = _text_cell(ws, styles, _("export.timeline_title"), styles.section)
    ws.append(months)
    ws.row_dimensions[2].height = height
    weeks[:left] = [_text_cell(ws, styles, c.header, styles.header) for c in columns]
    ws.append(weeks)

    state = _RowLines()
    ws._values_to_row = _prepared_rows(ws, styles, state)
    writers = [(_column_writer(ws, styles, c, c.width, state), c.key) for c in columns]
    append = _row_appender(ws, state)
    number = TIMELINE_HEADER_ROWS
    separator = _("export.timeline_separator")
    deadline_titles = {d.key: pick(d.title_zh, d.title_en) for d in timeline.deadlines}
    for deadline in timeline.deadlines:
        number += 1
        flags = [_("export.timeline_impossible")] if deadline.impossible else []
        if deadline.missed_by:
            flags.append(_("export.timeline_missed_by", tasks=", ".join(deadline.missed_by)))
        values = {"title": _("export.timeline_deadline", title=deadline_titles[deadline.key], basis=deadline.basis),
                  "due": deadline.day, "flags": separator.join(flags)}
        week_cells = gantt.row([(gantt.week(deadline.day), "deadline")], DIAMOND)
        append(number, [*(write(values.get(key)) for write, key in writers), *week_cells])
    owners: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for task in timeline.tasks:
        number += 1
        owner = owners.get(task.owner)
        if owner is None:
            owner = owners[task.owner] = role_label(task.owner)
        status = statuses.get(task.status)
        if status is None:
            status = statuses[task.status] = status_label(task.status)
        flags = [_(key) for key, on in (("export.timeline_critical", task.critical),
                                        ("export.timeline_at_risk", task.at_risk),
                                        ("export.timeline_overdue", task.overdue)) if on]
        flags += [_("export.timeline_late_for", deadline=deadline_titles.get(key, key)) for key in task.late_for]
        values = {"public_id": task.public_id, "phase_no": task.phase_no, "title": pick(task.title_zh, task.title_en),
                  "owner": owner, "start": task.start, "due": task.due, "status": status,
                  "flags": separator.join(flags)}
        append(number, [*(write(values[key]) for write, key in writers), *gantt.task_row(task, timeline.today)])
        tick()
    _timeline_legend(ws, styles, gantt)

    ws.merged_cells.add(f"A1:{column_letter(left)}1")
    for merge in merges:
        ws.merged_cells.add(merge)
    ws.print_title_rows = f"1:{TIMELINE_HEADER_ROWS}"
    ws.print_title_cols = f"A:{column_letter(left)}"
    _page_setup(ws, title, package.title, sum(widths) + WEEK_WIDTH * len(gantt.mondays), generated, grid=True)
    ws.page_setup.orientation = "landscape"  # a Gantt is wide, however short the project


def _timeline_legend(ws, styles: _Styles, gantt: _Gantt) -> None:
    """A blank row, then the legend: a sample cell in column A, what it means beside it."""
    samples = [(gantt.cell(kind, None), f"export.timeline_legend_{kind}") for kind in BAR_FILLS]
    samples += [(gantt.cell("open", None, DIAMOND), "export.timeline_legend_milestone"),
                (gantt.cell("deadline", None, DIAMOND), "export.timeline_legend_deadline")]
    samples += [(gantt.cell(None, mark), f"export.timeline_legend_{mark}") for mark in MARKS]
    ws.append([])
    ws.append([_text_cell(ws, styles, _("export.timeline_legend"), styles.bold)])
    for sample, key in samples:
        ws.append([sample, styles.cell(ws, None, _(key), "s")])


# -- the index sheet -------------------------------------------------------------------------------------------


def _write_index(
    ws, styles: _Styles, package: Package, generated: datetime, titles: list[str], counts: list[int]
) -> None:
    """Title, the project's facts and key dates, then the sheets with their row counts, each a link to it."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    label_texts = [_("export.project"), _("export.exit_type"), _("export.generated_at"), _("export.sheet")]
    label_texts += [label for label, _value in (*package.details, *package.key_dates)] + titles
    value_texts = [package.title, package.exit_type, *(str(v) for _label, v in package.details)]
    label_width = min(max(display_width(t) for t in label_texts) + 4, 40)
    value_width = min(max([20, *(display_width(t) + 2 for t in value_texts)]), 60)
    ws.column_dimensions["A"].width = label_width
    ws.column_dimensions["B"].width = value_width
    _fit_to_page(ws)
    row_number = 0

    def append(cells: list, *texts: tuple[str, int]) -> None:
        """Append a row, first making it tall enough for the longest of `texts` (text, column width)."""
        nonlocal row_number
        row_number += 1
        lines = max([1, *(text_lines(text, width) for text, width in texts)])
        if lines > 1:
            ws.row_dimensions[row_number].height = LINE_HEIGHT * lines
        ws.append(cells)

    def text(value: object, style=None):
        return _text_cell(ws, styles, str(value), style if style is not None else styles.text_wrap)

    def fact(label: str, value: object) -> None:
        if isinstance(value, datetime):
            cell = styles.cell(ws, styles.datetime_left, value, "d")
        elif isinstance(value, date):
            cell = styles.cell(ws, styles.date_left, value, "d")
        elif isinstance(value, int) and not isinstance(value, bool):
            cell = styles.cell(ws, styles.int_left, value, "n")
        else:
            cell = text(value)
        append([text(label, styles.bold_top), cell], (label, label_width), (str(value), value_width))

    append([text(_("export.package_title"), styles.title)])
    append([])
    fact(_("export.project"), package.title)
    for label, value in package.details:
        fact(label, value)
    fact(_("export.exit_type"), package.exit_type)
    for label, day in package.key_dates:
        fact(label, day)
    fact(_("export.generated_at"), generated)
    append([])
    append([text(_("export.contents"), styles.section)])
    append([text(_("export.sheet"), styles.header), text(_("export.rows"), styles.header)])
    for sheet, count in zip(titles, counts):
        link = _text_cell(ws, styles, sheet, styles.link)
        link.hyperlink = Hyperlink(ref="A1", location=f"{quote_sheet(sheet)}!A1", display=sheet)
        append([link, styles.cell(ws, styles.int_left, count, "n")])
    _page_setup(ws, ws.title, package.title, label_width + value_width, generated)


# -- the package -----------------------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    """Excel has no time zones: an aware datetime becomes the local wall-clock time."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def _check_target(path: Path) -> None:
    """Refuse early (before the work) a target that Excel, WPS or LibreOffice holds open."""
    folder = path.parent
    # Excel and WPS leave `~$name` beside an open file; LibreOffice leaves `.~lock.name#`.
    for lock in (f"~${path.name}", f".~lock.{path.name}#"):
        if (folder / lock).exists():
            raise ExportError("export.locked", name=path.name)
    if path.exists():
        try:
            with open(path, "r+b"):  # Windows refuses this while Excel holds the file
                pass
        except PermissionError:
            raise ExportError("export.locked", name=path.name) from None
        except OSError:
            pass  # not a regular file, or unreadable: the final replace reports it


def write_package(
    path: Path, package: Package, progress: Callable[[int, int], None] | None = None
) -> None:
    """Write `package` to `path` (.xlsx) atomically; `progress(done_rows, total_rows)` every ~500 rows.

    Raises ExportError (one translated line) when the target is open elsewhere or cannot be written; the
    previous file, if any, is then untouched and no temporary file is left behind."""
    from openpyxl import Workbook

    path = Path(path)
    _check_target(path)
    sheets = _sheet_entries(package)
    timeline = package.timeline
    total = sum(count for _spec, _rows, count in sheets) + (len(timeline.tasks) if timeline else 0)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    generated = _local(package.generated_at)
    wb = Workbook(write_only=True)
    try:
        with export_errors(path), atomic_path(path) as temp:
            wb.properties.creator = "exit-tui"
            wb.properties.title = clean_text(package.title)[:200]
            taken: set[str] = set()
            index_title = sheet_title(_("export.index_sheet"), taken)
            titles = [sheet_title(spec.title, taken) for spec, _rows, _count in sheets]
            counts = [count for _spec, _rows, count in sheets]
            if timeline is not None:
                timeline_title = sheet_title(_("export.timeline_sheet"), taken)
                titles.append(timeline_title)
                counts.append(len(timeline.tasks))
            lists = _Lists(title=sheet_title(_("export.lists_sheet"), taken))
            index = wb.create_sheet(index_title)
            styles = _Styles(index)
            _write_index(index, styles, package, generated, titles, counts)
            for title, (spec, rows, _count) in zip(titles, sheets):
                _write_schedule(wb, styles, title, spec, rows, package, generated, lists, tick)
            if timeline is not None:
                _write_timeline(wb, styles, timeline_title, timeline, package, generated, tick)
            if lists.columns:
                _write_lists(wb, styles, lists)
            wb.save(temp)
    except BaseException:
        _discard(wb)
        raise
    if progress is not None:
        progress(total, total)


def _sheet_entries(package: Package) -> list[tuple[SheetSpec, Iterable[Mapping[str, object]], int]]:
    """(spec, rows, count) of each schedule: the count as given, or the length of the rows."""
    entries = []
    for entry in package.sheets:
        if len(entry) == 3:
            spec, rows, count = entry
        else:
            spec, rows = entry
            count = len(rows)
        entries.append((spec, rows, count))
    return entries


def _write_lists(wb: "Workbook", styles: _Styles, lists: _Lists) -> None:
    ws = wb.create_sheet(lists.title)
    ws.sheet_state = "hidden"
    longest = max(len(labels) for labels in lists.columns)
    for row in range(longest):
        ws.append([styles.cell(ws, None, clean_text(labels[row]), "s") if row < len(labels) else None
                   for labels in lists.columns])


def _discard(wb: "Workbook") -> None:
    """Remove the per-sheet stream files openpyxl made for a failed write (atomic_path removes the target's)."""
    for ws in getattr(wb, "_sheets", []):
        writer = getattr(ws, "_writer", None)
        out = getattr(writer, "out", None)
        if writer is None or not isinstance(out, str):
            continue
        for closable in (getattr(ws, "_rows", None), writer):  # the row stream first, then its file
            try:
                if closable is not None:
                    closable.close()
            except Exception:  # noqa: BLE001 - best effort: a failed write may have broken the stream
                pass
        try:
            os.remove(out)
        except OSError:
            pass
