"""The cells of an .xlsx/.xlsm workbook, sheet by sheet: python-calamine reads the values, one pass over the raw
parts says what calamine does not.

python-calamine (Rust) reads a sheet about ten times faster than openpyxl, typed as the file types it: numbers
as float, date-formatted cells as date/datetime (Excel's built-in Chinese date formats, ids 27-36 and 50-58,
come back as plain serial numbers, which the reader converts in date columns), text as str. Two things it
cannot tell: a formula cell whose file holds no calculated value (written by a program, never opened in Excel)
and a cell showing an error (#DIV/0!, #REF! ...); both read as an empty string. So before calamine opens the file,
`scan` streams every XML part once (decompressed, never parsed) and:

- refuses a part declaring a DTD (the only way to declare the entities of an entity-expansion attack) or an
  encoding in which `<!DOCTYPE` could not be seen (guards.py looked at the first bytes only);
- notes, per sheet, the rows its `<dimension>` declares, the text of an inline A1 cell (an exported package's
  timeline sheet is known by it and not read at all), and whether the sheet has any formula or error cell.
Only a sheet with formulas or errors is parsed once more (the standard library's C parser, behind the DTD check)
to find those cells, which then overlay calamine's values: NO_CACHED_VALUE or CellError.
"""

import io
import posixpath
import re
import zipfile
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

_DOCTYPES = tuple("<!DOCTYPE".encode(c) for c in ("ascii", "utf-16-le", "utf-16-be"))
_XML_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_SAFE_ENCODINGS = {b"utf-8", b"utf8", b"utf-16", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1"}
#: What a formula or error cell looks like in a sheet's XML (`<f>`, `<f t="shared" …>`, `<x:f>`, `t="e"`).
_SPECIAL_MARKS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b't="e"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
_DIMENSION_ELEMENT = re.compile(rb'<(?:\w+:)?dimension\s[^>]*/>')
_A1_INLINE = re.compile(rb'<(?:\w+:)?c\s+r="A1"[^>]*?\st="inlineStr"[^>]*>\s*<(?:\w+:)?is>\s*'
                        rb'<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</')
_RANGE = re.compile(r"\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_OVERLAP = 32
_CHUNK_BYTES = 1 << 20
_DIGITS = "0123456789"


class HostileXml(Exception):
    """A part declares a DTD."""


class _NoCachedValue:
    def __repr__(self) -> str:
        return "NO_CACHED_VALUE"


NO_CACHED_VALUE = _NoCachedValue()
"""A formula cell the file holds no calculated value for (written by a program, never opened in Excel)."""


@dataclass(frozen=True)
class CellError:
    """A cell showing an Excel error (`#DIV/0!`, `#REF!`, `#N/A` …), usually a formula's cached result."""

    text: str


Cells = dict[int, object]
"""One row: 1-based column number -> raw value (str, int, float, date, datetime, bool, CellError,
NO_CACHED_VALUE); empty cells left out."""
Rows = Generator[tuple[int, Cells], None, None]
"""A sheet's non-empty rows as (Excel row number, cells), streamed."""


@dataclass
class SheetPart:
    """What a sheet's raw XML says."""

    part: str
    declared_rows: int = 0
    """The last row its <dimension> names (0 without one, or a malformed one)."""
    bad_dimension: bool = False
    """Its <dimension> is malformed (calamine refuses the sheet: see `repaired`)."""
    first_text: str | None = None
    """The text of its A1 cell when that is an inline string (as exit-tui and other streaming writers write)."""
    special: bool = False
    """True when it has formula or error cells."""


@dataclass
class Scan:
    sheets: dict[str, SheetPart] = field(default_factory=dict)
    """By sheet name."""
    date1904: bool = False


def _has_doctype(data: bytes) -> bool:
    """Whether `data` holds a DTD declaration in any of those encodings (substring search: over a large sheet
    many times faster than the equivalent regular expression)."""
    return any(mark in data for mark in _DOCTYPES)


def scan(path: Path) -> Scan:
    """Stream every XML part of the workbook once (see the module's docstring). Raises HostileXml for a DTD;
    ValueError, KeyError, StopIteration, ElementTree.ParseError, zipfile errors and OSError for a damaged file."""
    with zipfile.ZipFile(path) as archive:
        heads: dict[str, bytes] = {}
        special: set[str] = set()
        for info in archive.infolist():
            if info.filename.lower().endswith(_XML_SUFFIXES):
                head, marked = _scan_part(archive, info)
                heads[info.filename] = head
                if marked:
                    special.add(info.filename)
        ElementTree.fromstring(archive.read("[Content_Types].xml"))  # a broken one: damaged
        found = Scan()
        workbook_part, parts = _sheet_parts(archive, found)
        for name, part in parts.items():
            head = heads.get(part, b"")
            sheet = found.sheets[name] = SheetPart(part, special=part in special)
            if (dimension := _DIMENSION.search(head)) is not None:
                reference = dimension[1].decode("ascii", "replace")
                sheet.declared_rows = _last_row(reference)
                sheet.bad_dimension = _RANGE.fullmatch(reference) is None
            if (a1 := _A1_INLINE.search(head)) is not None:
                sheet.first_text = unescape(a1[1].decode("utf-8", "replace"))
        return found


def repaired(path: Path, found: Scan) -> io.BytesIO | None:
    """A copy of the workbook (in memory) with the malformed <dimension> elements left out, which says nothing
    anyway (the rows say where the data is); None when there is none."""
    broken = {sheet.part for sheet in found.sheets.values() if sheet.bad_dimension}
    if not broken:
        return None
    copy = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in broken:
                data = _DIMENSION_ELEMENT.sub(b"", data, count=1)
            target.writestr(info, data)
    copy.seek(0)
    return copy


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bytes, bool]:
    """The part's first chunk, and whether it has formula or error marks; refuses a DTD or an odd encoding."""
    marked = False
    with archive.open(info) as stream:
        head = chunk = stream.read(_CHUNK_BYTES)
        declared = _XML_ENCODING.match(head)
        if declared and declared[1].lower() not in _SAFE_ENCODINGS:
            raise ValueError(f"XML encoding {declared[1]!r}")  # unreadable rather than hostile: "damaged"
        tail = b""
        while chunk:
            window = tail + chunk
            if _has_doctype(window):
                raise HostileXml(info.filename)
            if not marked:
                marked = any(mark in window for mark in _SPECIAL_MARKS)
            tail = window[-_OVERLAP:]
            chunk = stream.read(_CHUNK_BYTES)
    return head, marked


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    """A small part, parsed whole (refused when it declares a DTD)."""
    data = archive.read(part)
    if _has_doctype(data):
        raise HostileXml(part)
    return ElementTree.fromstring(data)


def _sheet_parts(archive: zipfile.ZipFile, found: Scan, visible_only: bool = False) -> tuple[str, dict[str, str]]:
    """The workbook part, and each sheet's part by sheet name in workbook order (from the workbook and its
    relationships); sets the date system."""
    package_rels = _xml(archive, "_rels/.rels")
    workbook_part = next(rel.get("Target", "") for rel in package_rels
                         if rel.get("Type", "").endswith("/officeDocument")).lstrip("/")
    workbook = _xml(archive, workbook_part)
    folder, base = posixpath.split(workbook_part)
    rels = _xml(archive, posixpath.join(folder, "_rels", base + ".rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "workbookPr":
            found.date1904 = element.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet" and not (visible_only and element.get("state", "visible") != "visible"):
            rel_id = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
            target = targets.get(rel_id, "")
            if target:
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                parts[element.get("name", "")] = part
    return workbook_part, parts


def first_rows(path: Path, rows: int, columns: int) -> list[list[object]]:
    """The first `rows` rows of the workbook's first visible sheet (an exported package's index), `columns`
    cells each (None for an empty one), read as a stream: no other sheet is touched, the sheet is read no
    further than those rows, and shared strings only as far as those rows use them. Values as the file holds
    them (text, numbers; dates as serials). Raises as `scan` does."""
    with zipfile.ZipFile(path) as archive:
        _workbook, parts = _sheet_parts(archive, Scan(), visible_only=True)
        if not parts:
            return []
        grid: list[list[object]] = []
        shared: list[tuple[int, int]] = []  # (row index, column index) of the cells holding a shared string
        row_no = column = 0
        with archive.open(next(iter(parts.values()))) as stream:
            for event, element in ElementTree.iterparse(_NoDoctype(stream), events=("start", "end")):
                tag = _local(element.tag)
                if event == "start":
                    if tag == "row":
                        number = element.get("r")
                        row_no = int(number) if number else row_no + 1
                        if row_no > rows:
                            break
                        column = 0
                    continue
                if tag != "c":
                    continue
                reference = element.get("r")
                column = _column(reference) if reference else column + 1
                if column > columns:
                    continue
                while len(grid) < row_no:
                    grid.append([None] * columns)
                value = _cell_value(element)
                if element.get("t") == "s" and value is not None:
                    shared.append((row_no - 1, column - 1))
                grid[row_no - 1][column - 1] = value
        if shared:
            strings = _shared_strings(archive, max(int(grid[r][c]) for r, c in shared))
            for r, c in shared:
                index = int(grid[r][c])
                grid[r][c] = strings[index] if index < len(strings) else None
        return grid


def _cell_value(element: ElementTree.Element) -> object:
    """A `<c>` element's value: inline text, a shared string's index (as text), a number, a boolean, else
    its text as written."""
    kind = element.get("t")
    if kind == "inlineStr":
        inline = next((child for child in element if _local(child.tag) == "is"), None)
        return None if inline is None else _rich_text(inline) or None
    value = next((child.text for child in element if _local(child.tag) == "v"), None)
    if value is None or kind in ("s", "str", "e"):
        return value
    if kind == "b":
        return value == "1"
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def _rich_text(element: ElementTree.Element) -> str:
    """The text of an `<si>` or `<is>` element: its `<t>`, or its runs' `<t>` (phonetic runs left out)."""
    texts: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            texts.append(child.text or "")
        elif tag == "r":
            texts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(texts)


def _shared_strings(archive: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings table up to index `last`, read as a stream (phonetic runs left out)."""
    names = {info.filename.lower(): info.filename for info in archive.infolist()}
    part = names.get("xl/sharedstrings.xml")
    strings: list[str] = []
    if part is None:
        return strings
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(_NoDoctype(stream)):
            if _local(element.tag) == "si":
                strings.append(_rich_text(element))
                element.clear()
                if len(strings) > last:
                    break
    return strings


def _last_row(reference: str) -> int:
    """The last row of a range such as `A1:J20001` (0 when it names none)."""
    last = reference.rsplit(":", 1)[-1].lstrip("$").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$")
    return int(last) if last.isdigit() else 0


class _NoDoctype:
    """A part's bytes on their way to the C parser, refused if they declare a DTD (the scan saw none; this
    guards the parse itself)."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._tail = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        window = self._tail + chunk
        if _has_doctype(window):
            raise HostileXml("DOCTYPE")
        self._tail = window[-_OVERLAP:]
        return chunk


def _column(coordinate: str) -> int:
    letters = coordinate.rstrip(_DIGITS)
    if not letters or not letters.isascii() or not letters.isalpha() or len(letters) > 3:
        raise ValueError(f"bad cell reference {coordinate!r}")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def special_cells(archive: zipfile.ZipFile, part: str) -> dict[int, Cells]:
    """The formula cells without a cached value and the error cells of a sheet: {row: {column: value}}. A formula
    whose result is text (t="str") may be empty: that is an empty cell, not a missing value."""
    found: dict[int, Cells] = {}
    row_no = 0
    column = 0
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(_NoDoctype(stream), events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    number = element.get("r")
                    row_no = int(number) if number else row_no + 1
                    column = 0
                continue
            if tag == "c":
                reference = element.get("r")
                column = _column(reference) if reference else column + 1
                kind = element.get("t")
                value = None
                formula = False
                for child in element:
                    child_tag = _local(child.tag)
                    if child_tag == "v":
                        value = child.text or None
                    elif child_tag == "f":
                        formula = True
                if kind == "e":
                    found.setdefault(row_no, {})[column] = CellError(value or "#N/A")
                elif formula and value is None and kind != "str":
                    found.setdefault(row_no, {})[column] = NO_CACHED_VALUE
            elif tag == "row":
                element.clear()
        return found


def calamine_rows(sheet, specials: dict[int, Cells]) -> Rows:
    """A calamine sheet's non-empty rows with Excel row and column numbers, `specials` laid over them."""
    start = sheet.start
    pending = deque(sorted(specials))
    if start is not None:
        # python-calamine 0.9 yields every row from the first (blank ones above the data included) and each row
        # from the first column holding data (tests/test_read.py checks both).
        first_col = start[1] + 1
        for row_no, values in enumerate(sheet.iter_rows(), 1):
            while pending and pending[0] < row_no:
                extra = pending.popleft()
                yield extra, dict(specials[extra])
            cells = {col: value for col, value in enumerate(values, first_col) if value != ""}
            if pending and pending[0] == row_no:
                cells.update(specials[pending.popleft()])
            if cells:
                yield row_no, cells
    for extra in pending:
        yield extra, dict(specials[extra])
