"""The generic reader: a spreadsheet from outside (.xlsx/.xlsm/.csv) -> typed rows of the declared sheets.

Files sent back by owners' committees are messy: a title row or two above the header, headers in either
language with spaces or full-width characters, columns shuffled, extra columns, blank rows, dates as serial
numbers or Chinese text, amounts with ¥ and separators. `read_file` finds each sheet's header row, maps its
headers to the columns of a SheetSpec (io/spec.py) and types every cell; a cell it cannot read becomes a
Rejection (sheet, Excel row number, header as written, reason) and keeps its row out of `rows`.

Nothing here writes: the import service (services/imports.py) compares the rows with the database.

Workbooks are read with python-calamine, plus one pass over the raw parts for what it cannot say (formulas
without a cached value, error cells, DTDs): see io/xlsx_read.py. Speed (tests/perf/bench_excel.py): several
times faster than pandas read_excel.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path

from ..domain.dates import DateParseError, normalize, parse_date
from ..domain.money import AmountParseError, parse_fen
from ..i18n import _
from ..services.readmodels import ImportRow, Rejection
from .guards import MAX_CELL_CHARS, MAX_ROWS, FileRefused, check_file
from .spec import SHEETS, Column, Kind, SheetSpec, normalize_header
from .xlsx_read import (
    NO_CACHED_VALUE,
    Cells,
    CellError,
    HostileXml,
    Rows,
    SheetPart,
    calamine_rows,
    repaired,
    scan,
    special_cells,
)
from .xlsx_text import signature_markers, timeline_markers
from ..speed import gc_paused

WINDOWS_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's 1900 date system; CSV files have no other."""
MAC_EPOCH = datetime(1904, 1, 1)
"""Day 0 of the 1904 date system (old Mac workbooks)."""

HEADER_SCAN_ROWS = 20
"""How many non-empty rows at the top of a sheet may hold its header (the rest are titles)."""
_SHOWN_CHARS = 40
_LIST = " / "


@dataclass(frozen=True)
class ReadSheet:
    """One sheet of the file that matched a declared sheet."""

    name: str
    """The sheet's name as the file has it (a CSV file's stem)."""
    spec: SheetSpec
    header_row: int
    """The Excel row number of the header row."""
    rows: list[ImportRow]
    """The rows read without a problem, in file order. `values` holds a key for each imported column the file
    has (a column absent from the file has no key: leave that field alone); None for an empty cell."""
    rejected: list[Rejection]
    """Cell problems (a row with any problem is not in `rows`), or one problem at the header row naming the
    required columns the sheet lacks (then `rows` is empty)."""
    ignored_columns: list[str]
    """Headers, as written, that no column of the spec accepts (or a second header for a column already found)."""


@dataclass(frozen=True)
class ReadResult:
    sheets: list[ReadSheet]
    """The sheets that matched a spec, in file order; sheets matching none (an index) and hidden sheets (dropdown
    lists) are left out."""


def read_file(path: Path, specs: Iterable[SheetSpec] = SHEETS.values()) -> ReadResult:
    """Read an .xlsx/.xlsm/.csv file. Raises FileRefused (one translated line) for a file that is refused
    before or while parsing: see io/guards.py, plus entity expansion, damage and sheets over 1,048,576 rows."""
    path = Path(path)
    specs = tuple(specs)
    with gc_paused():
        if check_file(path) == "csv":
            sheet = _read_grid(path.stem, _csv_rows(path), specs, WINDOWS_EPOCH, csv_file=True)
            return ReadResult([sheet] if sheet else [])
        return ReadResult(_read_workbook(path, specs))


# -- .xlsx / .xlsm -----------------------------------------------------------------------------------------


def _read_workbook(path: Path, specs: tuple[SheetSpec, ...]) -> list[ReadSheet]:
    """Every visible worksheet, in order, read with python-calamine (see io/xlsx_read.py); an exported package's
    timeline sheet is recognised from the scan and not read."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        scanned = scan(path)
        copy = repaired(path, scanned)
        book = CalamineWorkbook.from_path(str(path)) if copy is None else CalamineWorkbook.from_filelike(copy)
    except HostileXml:
        raise FileRefused(path, _("io.refused_entities")) from None
    except Exception:  # a hostile or broken file can fail anywhere in the zip, the XML or calamine
        raise FileRefused(path, _("io.refused_damaged")) from None
    epoch = MAC_EPOCH if scanned.date1904 else WINDOWS_EPOCH
    timeline = timeline_markers()
    found: list[ReadSheet] = []
    with book, zipfile.ZipFile(path) as archive:
        for meta in book.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue  # hidden sheets (dropdown lists) are not the user's data
            part = scanned.sheets.get(meta.name)
            if part is not None and part.first_text is not None and part.first_text.strip() in timeline:
                continue
            sheet = _read_grid(meta.name, _sheet_rows(path, book, archive, meta.name, part), specs, epoch)
            if sheet is not None:
                found.append(sheet)
    return found


def _sheet_rows(path: Path, book, archive: zipfile.ZipFile, name: str, part: SheetPart | None) -> Rows:
    """The sheet's non-empty rows; a sheet longer than Excel allows, or damaged, becomes FileRefused."""

    def check_rows(rows: int) -> None:
        if rows > MAX_ROWS:
            raise FileRefused(path, _("io.refused_rows", sheet=name, rows=f"{rows:,}", limit=f"{MAX_ROWS:,}"))

    if part is not None:
        check_rows(part.declared_rows)
    try:
        sheet = book.get_sheet_by_name(name)
        specials = special_cells(archive, part.part) if part is not None and part.special else {}
    except HostileXml:
        raise FileRefused(path, _("io.refused_entities")) from None
    except Exception:
        raise FileRefused(path, _("io.refused_damaged")) from None
    if sheet.end is not None:
        check_rows(sheet.end[0] + 1)
    if specials:
        check_rows(max(specials))
    yield from calamine_rows(sheet, specials)


# -- .csv --------------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Rows:
    text = _decode(path, path.read_bytes())  # the size was checked by the guard
    csv.field_size_limit(MAX_CELL_CHARS)  # the csv module's limit is per process; ours is the same everywhere
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    row_no = 0
    try:
        for row_no, fields in enumerate(reader, 1):
            if row_no > MAX_ROWS:
                raise FileRefused(path, _("io.refused_rows", sheet=path.stem, rows=f"{row_no:,}",
                                          limit=f"{MAX_ROWS:,}"))
            cells = {i: v for i, v in enumerate(fields, 1) if v and not v.isspace()}
            if cells:
                yield row_no, cells
    except csv.Error as error:  # a field over the size limit, a broken quote at the end …
        if "field larger than field limit" in str(error):
            raise FileRefused(path, _("io.refused_cell", row=row_no + 1, limit=f"{MAX_CELL_CHARS:,}")) from None
        raise FileRefused(path, _("io.refused_csv", row=row_no + 1)) from None


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else GB18030 (a superset of GBK)."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(path, _("io.refused_encoding")) from None


def _sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one that splits most of the first lines, then into the most fields."""
    lines = [line for line in text[:65536].splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        try:
            widths = [len(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # the reading proper will say where
            continue
        score = (sum(1 for width in widths if width > 1), max(widths, default=0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


# -- header row and typing ---------------------------------------------------------------------------------


def _read_grid(name: str, rows: Rows, specs: tuple[SheetSpec, ...], epoch: datetime,
               csv_file: bool = False) -> ReadSheet | None:
    """Find the header among the first rows, then type every row below it, down to the end of the sheet or to
    the title of a signature block (a row holding only that). None when no spec matches.

    A sheet with an id column needs no other required column: rows with an id change only the columns present
    (the service rejects a new row lacking one). A CSV row with more fields than the header is rejected (an
    unquoted comma shifts every field after it)."""
    head = list(islice(rows, HEADER_SCAN_ROWS))
    signature = signature_markers()
    above = next((i for i, (_row, cells) in enumerate(head)  # no header below a signature block's title
                  if len(cells) == 1 and _text(next(iter(cells.values()))) in signature), len(head))
    found = None if _is_timeline(head) else _find_header(name, head[:above], specs)
    if found is None:
        rows.close()  # release the sheet's part now
        return None
    position, spec = found
    header_row, header_cells = head[position]
    mapped: list[tuple[int, Column, str]] = []
    ignored: list[str] = []
    lookup = _header_lookup(spec)
    taken: set[str] = set()
    for index in sorted(header_cells):
        written = _text(header_cells[index])
        column = lookup.get(normalize_header(written))
        if column is None or column.key in taken:
            if written:
                ignored.append(written)
            continue
        taken.add(column.key)
        mapped.append((index, column, written))
    missing = [c for c in spec.columns if c.required and c.imported and c.key not in taken]
    if missing and "public_id" not in taken:
        rows.close()
        reason = _("io.missing_columns", columns=_LIST.join(c.header for c in missing))
        return ReadSheet(name, spec, header_row, [], [Rejection(name, header_row, "", reason)], ignored)
    plan = [(index, column.key, written, _converter(column, epoch)) for index, column, written in mapped
            if column.imported]
    required = [(column.key, written, column.defaulted) for _index, column, written in mapped
                if column.imported and column.required]
    accepted: list[ImportRow] = []
    rejected: list[Rejection] = []
    width = max(header_cells) if csv_file else None
    for row_no, cells in chain(head[position + 1:], rows):
        if len(cells) == 1 and _text(next(iter(cells.values()))) in signature:
            rows.close()
            break  # the signature block under an exported sheet (io/xlsx_write.py): the data ended above it
        values: dict[str, object] = {}
        problems: list[Rejection] = []
        blank = True
        for index, key, written, convert in plan:
            raw = cells.get(index)
            if raw is None or (raw.__class__ is str and (not raw or raw.isspace())):
                values[key] = None
                continue
            blank = False
            try:
                values[key] = convert(raw)
            except _Bad as bad:
                problems.append(Rejection(name, row_no, written, bad.reason))
        if blank:
            continue
        if width is not None and max(cells) > width:
            problems.append(Rejection(name, row_no, "", _("io.extra_fields", fields=max(cells), header=width)))
        new = not values.get("public_id")
        for key, written, defaulted in required:
            if key in values and values[key] is None and not (defaulted and new):
                problems.append(Rejection(name, row_no, written, _("io.required_missing")))
        if problems:
            rejected.extend(problems)
        else:
            accepted.append(ImportRow(name, row_no, values))
    return ReadSheet(name, spec, header_row, accepted, rejected, ignored)


def _is_timeline(head: list[tuple[int, Cells]]) -> bool:
    """True for an exported package's timeline sheet (its first cell is the sheet's title): a chart of the tasks,
    whose headers look like a task sheet's, not rows to import."""
    if not head or head[0][0] != 1:
        return False
    cells = head[0][1]
    return bool(cells) and _text(cells[min(cells)]) in timeline_markers()


def _header_lookup(spec: SheetSpec) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in spec.columns:
        for header in column.names():
            lookup.setdefault(header, column)
    return lookup


def _find_header(name: str, head: list[tuple[int, Cells]],
                 specs: tuple[SheetSpec, ...]) -> tuple[int, SheetSpec] | None:
    """The (position in head, spec) whose row names the most columns of the spec, a row naming every required
    column first; the earliest row wins a tie. A row counts when it names two columns or more and at least half
    of the spec's required columns (any one will do when the sheet is named after the spec): a title, an index
    or a sheet of another kind that shares a few common headers (编号, 状态, 备注) is not taken for a header."""
    best: tuple[tuple[bool, int], int, SheetSpec] | None = None
    for spec in specs:
        lookup = _header_lookup(spec)
        titled = normalize_header(name) in {normalize_header(t) for t in (spec.key, spec.zh, spec.en)}
        needed = min(2, len(spec.columns))
        required = {c.key for c in spec.columns if c.required and c.imported}
        for position, (_row_no, cells) in enumerate(head):
            named = {column.key for value in cells.values() if value.__class__ is str
                     and (column := lookup.get(normalize_header(value))) is not None}
            complete = required <= named
            if titled:
                if not named:
                    continue
            elif len(named) < needed or not (complete or 2 * len(named & required) >= len(required)):
                continue
            score = (complete, len(named))
            if best is None or score > best[0] or (score == best[0] and position < best[1]):
                best = (score, position, spec)
    return None if best is None else (best[1], best[2])


# -- typing one cell: each converter returns the typed value or raises _Bad with the reason ---------------


_UNSEEN = object()
_SEEN_VALUES, _SEEN_CHARS = 1000, 100
"""How many distinct texts (of at most so many characters) and dates of a column keep their typed value:
repeated cells (owners, statuses, dates) are typed once and share one object, while a column of unique titles
keeps only its first few."""


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _converter(column: Column, epoch: datetime) -> Callable[[object], object]:
    kind = column.kind
    if kind == Kind.DATE:
        convert = lambda raw: _to_date(raw, epoch)  # noqa: E731
    elif kind == Kind.MONEY:
        convert = _to_fen
    elif kind == Kind.INT:
        convert = _to_int
    elif kind == Kind.ID:
        convert = _to_id
    elif kind == Kind.CHOICE:
        convert = _choice_converter(column)
    else:
        convert = _to_text

    seen: dict[object, object] = {}

    def checked(raw: object) -> object:
        kind = raw.__class__
        if kind is str or kind is datetime:  # a text or a date met again: its value again (one object for all)
            value = seen.get(raw, _UNSEEN)
            if value is _UNSEEN:
                value = convert(raw)
                if len(seen) < _SEEN_VALUES and (kind is datetime or len(raw) <= _SEEN_CHARS):  # type: ignore[arg-type]
                    seen[raw] = value
            return value
        if raw is NO_CACHED_VALUE:
            raise _Bad(_("io.formula_no_value"))
        if kind is CellError:
            raise _Bad(_("io.cell_error", value=raw.text))  # type: ignore[attr-defined]
        return convert(raw)

    return checked


def _float_decimal(value: float) -> Decimal:
    """A float cell as Excel shows it: at most 15 significant digits (Excel's precision), so 1234.5 stays
    1234.5, 99.0 is 99 and a sum cached as 0.30000000000000004 is 0.3 — never binary noise, never float maths."""
    return Decimal(format(value, ".15g"))


def _text(raw: object) -> str:
    """Any cell as the text it shows, stripped."""
    if raw.__class__ is str:
        return raw.strip()  # type: ignore[union-attr]
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return format(_float_decimal(raw).normalize(), "f")
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, (date, time)):
        return raw.isoformat()
    if isinstance(raw, CellError):
        return raw.text
    return str(raw).strip()


def _shown(raw: object) -> str:
    """A cell's text for a message, cut short."""
    text = _text(raw)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."


def _to_text(raw: object) -> str | None:
    text = _text(raw)
    if len(text) > MAX_CELL_CHARS:
        raise _Bad(_("io.cell_too_long", limit=f"{MAX_CELL_CHARS:,}"))
    return text or None


def _to_id(raw: object) -> str | None:
    return unicodedata.normalize("NFKC", _text(raw)).strip().upper() or None


_INT_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?")


def _to_int(raw: object) -> int:
    number: Decimal | None = None
    if isinstance(raw, bool):
        pass
    elif isinstance(raw, int):
        return raw
    elif isinstance(raw, float):
        if raw.is_integer() and -1e15 < raw < 1e15:
            return int(raw)  # exactly what its 15 digits say
        number = _float_decimal(raw)
    elif isinstance(raw, str):
        text = normalize(raw)
        if _INT_TEXT.fullmatch(text):
            number = Decimal(text.replace(",", ""))
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise _Bad(_("io.not_an_integer", value=_shown(raw)))
    return int(number)


_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
"""A date serial written as text (a CSV saved from a sheet whose date column was formatted General)."""
_MAX_SERIAL = 2958466  # 10000-01-01


def _to_date(raw: object, epoch: datetime) -> date:
    """Real dates, serial numbers whatever their number format (Excel's Chinese formats come back as plain
    numbers), 20260301, and text in the forms parse_date knows."""
    try:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            text = normalize(raw)
            if _SERIAL_TEXT.fullmatch(text):
                return _from_serial(Decimal(text), epoch)
            return parse_date(text)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            number = Decimal(raw) if isinstance(raw, int) else _float_decimal(raw)
            if number == number.to_integral_value() and 19000101 <= number <= 29991231:
                return parse_date(str(int(number)))  # 20260301 typed as a number
            return _from_serial(number, epoch)
    except (DateParseError, ValueError, OverflowError, ArithmeticError):
        pass
    raise _Bad(_("io.not_a_date", value=_shown(raw)))


def _from_serial(number: Decimal, epoch: datetime) -> date:
    if not 1 <= number < _MAX_SERIAL:
        raise ValueError(number)
    days = float(number)
    if epoch == WINDOWS_EPOCH and days < 60:
        days += 1  # Excel counts a 29 February 1900 that never was
    return (epoch + timedelta(days=days)).date()


def _to_fen(raw: object) -> int:
    try:
        if isinstance(raw, bool):
            raise AmountParseError(raw)
        if isinstance(raw, int):
            return parse_fen(raw)
        if isinstance(raw, float):
            return parse_fen(_float_decimal(raw))
        if isinstance(raw, (str, Decimal)):
            return parse_fen(raw)
    except (AmountParseError, ArithmeticError, ValueError):
        pass
    raise _Bad(_("io.not_an_amount", value=_shown(raw)))


def _choice_converter(column: Column) -> Callable[[object], str]:
    names = column.choice_names()
    label = column.label or str

    def to_choice(raw: object) -> str:
        code = names.get(normalize_header(_text(raw)))
        if code is None:
            allowed = _LIST.join(label(choice) for choice in column.choices)
            raise _Bad(_("io.unknown_choice", value=_shown(raw), allowed=allowed))
        return code

    return to_choice
