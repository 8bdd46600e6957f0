"""What a spreadsheet cell, column or sheet name may hold, measured and made safe: no spreadsheet library here.

Shared by the writer (io/xlsx_write.py and its sheets) and the reader (io/read.py, which knows an exported
package's signature block and timeline sheet by the texts defined here).
"""

import re
import unicodedata

from ..i18n import CATALOGS
from .spec import Column, Kind

#: Excel's limits: inline data-validation lists, characters in a cell, characters in a sheet name.
MAX_INLINE_LIST = 255
MAX_CELL_TEXT = 32767
MAX_SHEET_TITLE = 31
#: First characters that make Excel read text as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters XML 1.0 cannot hold: dropped from user text.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
#: Characters Windows and Excel refuse in sheet names.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: Room for the autofilter button at the right of a (bold) header cell.
FILTER_BUTTON = 3
#: Height (points) of one line of 11-point text (CJK fonts need a little more than Excel's 15); a row of wrapped
#: text gets a multiple of it.
LINE_HEIGHT = 16
#: Rows never grow beyond this many lines (Excel's limit is 409 points).
MAX_LINES = 27


# -- widths ----------------------------------------------------------------------------------------------------


class _CharWidths(dict):
    """Width of each character met so far (1, or 2 for East Asian wide and full-width ones)."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        return width


_char_width = _CharWidths().__getitem__


def display_width(text: object) -> int:
    """Width of `text` in character cells: East Asian wide and full-width characters count as two."""
    text = "" if text is None else str(text)
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def choice_label(column: Column, code: object) -> str:
    """The label a CHOICE cell shows for `code` (the code itself when the column does not know it)."""
    if column.label is None:
        return str(code)
    try:
        return column.label(code)
    except ValueError:
        return str(code)


def column_width(column: Column) -> int:
    """The declared width, widened to fit the header (and the autofilter button) and every choice label."""
    width = max(column.width, display_width(column.header) + FILTER_BUTTON)
    if column.kind is Kind.CHOICE:
        width = max([width, *(display_width(choice_label(column, code)) + 1 for code in column.choices)])
    return width


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


def header_footer_text(text: str, limit: int = 80) -> str:
    """Text for a page header/footer: `&` is a control character there, so it is doubled."""
    return clean_text(text)[:limit].replace("&", "&&")


# -- names -----------------------------------------------------------------------------------------------------


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
    """1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(title: str) -> str:
    """A sheet name as formulas and links refer to it: `'任务清单'` (quotes inside doubled)."""
    return "'" + title.replace("'", "''") + "'"


# -- markers the reader knows an exported package by -------------------------------------------------------------


def signature_markers() -> set[str]:
    """The signature block's title in every language: a reader stops at a row whose first cell is one of them."""
    return {catalog["export.signature_title"] for catalog in CATALOGS.values()}


def timeline_markers() -> set[str]:
    """The timeline sheet's title (its cell A1) in every language: a reader skips a sheet starting with one."""
    return {catalog["export.timeline_title"] for catalog in CATALOGS.values()}
