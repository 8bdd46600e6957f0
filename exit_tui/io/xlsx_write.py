"""The generic spreadsheet writer: a handover package (index sheet + one sheet per declared schedule + one per
handover batch + the timeline) in one .xlsx, written with XlsxWriter's public API.

- xlsx_text: what a cell, column or sheet name may hold (widths that count CJK double, formula-safe text);
- xlsx_sheet: the cell formats, typed column writers and print set-up every sheet shares;
- xlsx_schedule: one sheet per SheetSpec (io/spec.py), generic: another area adds a sheet by declaration only;
- xlsx_batch: one sheet per handover batch, what the three parties sign (built by handover_print);
- xlsx_timeline: the weekly Gantt;
- xlsx_statement: the owner statements, a workbook of their own (write_workbook), a page per unit;
- here: what goes into a package, the index sheet, and writing the file safely.

Every sheet streams (XlsxWriter's constant_memory mode): memory stays flat whatever the project's size. The
index, written first, takes its row counts from the counts handed in.

The file is written to a temporary file beside the target and moved into place (io/atomic.py), so the target is
either the old file or the complete new one; XlsxWriter's own scratch files go to a folder beside the target too
(not the system temp folder), removed afterwards, or at the next export of that file when the process was killed.
A target open in Excel or WPS gives ExportError ("close and retry"); any failure is one line, nothing else printed.
"""

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from .atomic import ExportError, atomic_path, export_errors, scratch_folder
from .spec import SheetSpec
from .xlsx_batch import PrintedBatch, write_batch
from .xlsx_schedule import SIGNATURE_ROW_HEIGHT, Above, Lists, write_schedule
from .xlsx_sheet import DATE_FORMAT, MONEY_FORMAT, PAPER_A4, Formats, page_setup, set_widths, write_text
from .xlsx_text import (
    FILTER_BUTTON,
    LINE_HEIGHT,
    clean_text,
    column_width,
    display_width,
    quote_sheet,
    sheet_title,
    signature_markers,
    text_lines,
    timeline_markers,
)
from .xlsx_timeline import BAR_FILLS, DEADLINE_COLOR, MARKS, write_timeline

if TYPE_CHECKING:  # xlsxwriter itself is imported only when a file is written (importing io/ stays light)
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from ..services.readmodels import Timeline

__all__ = [
    "BAR_FILLS", "DATE_FORMAT", "DEADLINE_COLOR", "FILTER_BUTTON", "LINE_HEIGHT", "MARKS", "MONEY_FORMAT",
    "PAPER_A4", "SIGNATURE_ROW_HEIGHT", "ExportError", "Package", "column_width", "display_width",
    "signature_markers", "text_lines", "timeline_markers", "write_package", "write_workbook",
]

#: How often (in rows) `progress` is called.
PROGRESS_EVERY = 500


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
    signers: Sequence[str] = field(default_factory=tuple)
    """The handing, receiving and supervising parties (company and representative), printed beside their role in
    every signature block; blank where not known."""
    batches: Sequence[tuple[str, PrintedBatch]] = field(default_factory=tuple)
    """(sheet title, batch) of each handover batch: a sheet each, after the schedules, for the parties to sign."""
    timeline: "Timeline | None" = None
    """The project's timeline: written as a Gantt sheet after the schedules (its texts picked here)."""
    above: Mapping[str, Above] = field(default_factory=dict)
    """Blocks written above a schedule's header, by sheet key (the risk register's heatmap)."""
    writers: Mapping[str, "SheetWriter"] = field(default_factory=dict)
    """Sheets written otherwise than as a schedule, by sheet key (the contingency plans, a page each)."""


SheetWriter = Callable[["Workbook", Formats, str, Iterable[Mapping[str, object]], tuple[str, datetime],
                        Callable[[], None]], None]
"""`write(workbook, formats, title, rows, heading, tick)`: a sheet of its own layout, from a register's rows
(`heading` the project's title line and the package's time; `tick` once per row)."""


# -- the index sheet -------------------------------------------------------------------------------------------


def _write_index(ws: "Worksheet", formats: Formats, package: Package, generated: datetime,
                 contents: list[tuple[str, int]]) -> None:
    """Title, the project's facts and key dates, then the sheets with their row counts, each a link to it."""
    label_texts = [_("export.project"), _("export.exit_type"), _("export.generated_at"), _("export.sheet")]
    label_texts += [label for label, _value in (*package.details, *package.key_dates)]
    label_texts += [title for title, _count in contents]
    value_texts = [package.title, package.exit_type, *(str(v) for _label, v in package.details)]
    label_width = min(max(display_width(t) for t in label_texts) + 4, 40)
    value_width = min(max([20, *(display_width(t) + 2 for t in value_texts)]), 60)
    set_widths(ws, [label_width, value_width])
    row = -1

    def fact(label: str, value: object) -> None:
        nonlocal row
        row += 1
        write_text(ws, formats, row, 0, label, formats.bold_top)
        if isinstance(value, datetime):
            ws.write_datetime(row, 1, value, formats.datetime_left)
        elif isinstance(value, date):
            ws.write_datetime(row, 1, value, formats.date_left)
        elif isinstance(value, int) and not isinstance(value, bool):
            ws.write_number(row, 1, value, formats.int_left)
        else:
            write_text(ws, formats, row, 1, value)
        lines = max(text_lines(label, label_width), text_lines(str(value), value_width))
        if lines > 1:
            ws.set_row(row, LINE_HEIGHT * lines)

    write_text(ws, formats, 0, 0, _("export.package_title"), formats.title)
    row = 1  # a blank row under the title
    fact(_("export.project"), package.title)
    for label, value in package.details:
        fact(label, value)
    fact(_("export.exit_type"), package.exit_type)
    for label, day in package.key_dates:
        fact(label, day)
    fact(_("export.generated_at"), generated)
    row += 2  # a blank row, then the contents
    write_text(ws, formats, row, 0, _("export.contents"), formats.section)
    row += 1
    write_text(ws, formats, row, 0, _("export.sheet"), formats.header)
    write_text(ws, formats, row, 1, _("export.rows"), formats.header)
    for title, count in contents:
        row += 1
        ws.write_url(row, 0, f"internal:{quote_sheet(title)}!A1", formats.link, clean_text(title))
        ws.write_number(row, 1, count, formats.int_left)
    page_setup(ws, ws.get_name(), package.title, label_width + value_width, generated)


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


class _Sink(io.RawIOBase):
    """The package's file as XlsxWriter's zip writer sees it. Once writing failed (a full disk, a data source
    that broke), or the file was closed, everything is a no-op: the zip writer XlsxWriter leaves open is then
    collected without a second error (Python would print it: "Exception ignored in ZipFile.__del__"); the file
    itself is removed by atomic_path."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.done = False
        """Set when the file is finished with, either way: nothing reaches it any more."""

    def _call(self, method: str, *args):
        if self.done:
            return len(args[0]) if method == "write" else 0
        try:
            return getattr(self._stream, method)(*args)
        except (OSError, ValueError):
            self.done = True
            raise

    def write(self, data) -> int:
        return self._call("write", data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._call("seek", offset, whence)

    def tell(self) -> int:
        return self._call("tell")

    def flush(self) -> None:
        self._call("flush")

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


def write_package(
    path: Path, package: Package, progress: Callable[[int, int], None] | None = None
) -> None:
    """Write `package` to `path` (.xlsx) atomically; `progress(done_rows, total_rows)` every ~500 rows.

    Raises ExportError (one translated line) when the target is open elsewhere or cannot be written; the
    previous file, if any, is then untouched and no temporary file is left behind."""
    path = Path(path)
    _check_target(path)
    sheets = _sheet_entries(package)
    timeline = package.timeline
    total = (sum(count for _spec, _rows, count in sheets) + sum(batch.rows for _title, batch in package.batches)
             + (len(timeline.tasks) if timeline else 0))
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    with export_errors(path), atomic_path(path) as temp, scratch_folder(path) as scratch:
        with open(temp, "wb") as stream:
            sink = _Sink(stream)
            try:
                _write_book(sink, scratch, package, sheets, tick)
            finally:
                sink.done = True
    if progress is not None:
        progress(total, total)


def write_workbook(path: Path, title: str, build: Callable[["Workbook", Formats], None]) -> None:
    """Write another workbook (the owner statements, io/xlsx_statement.py) as a package is written: refused
    while open elsewhere, streamed, atomic, one-line errors; `build(workbook, formats)` adds its sheets."""
    path = Path(path)
    _check_target(path)
    with export_errors(path), atomic_path(path) as temp, scratch_folder(path) as scratch:
        with open(temp, "wb") as stream:
            sink = _Sink(stream)
            try:
                workbook = _open_book(sink, scratch, title)
                build(workbook, Formats(workbook))
                _close_book(workbook)
            finally:
                sink.done = True


def _open_book(sink: _Sink, scratch: Path, title: str) -> "Workbook":
    from xlsxwriter import Workbook

    workbook = Workbook(sink, {"constant_memory": True, "tmpdir": str(scratch), "strings_to_formulas": False,
                               "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"title": clean_text(title)[:200], "author": "exit-tui"})
    return workbook


def _close_book(workbook: "Workbook") -> None:
    from xlsxwriter.exceptions import FileCreateError

    try:
        workbook.close()
    except FileCreateError as error:  # XlsxWriter's wrapper of the OSError that stopped it
        raise error.args[0] if error.args and isinstance(error.args[0], OSError) else OSError(str(error)) from None


def _write_book(sink: _Sink, scratch: Path, package: Package,
                sheets: list[tuple[SheetSpec, Iterable[Mapping[str, object]], int]],
                tick: Callable[[], None]) -> None:
    workbook = _open_book(sink, scratch, package.title)
    generated = _local(package.generated_at)
    heading = (package.title, generated)
    timeline = package.timeline
    taken: set[str] = set()
    index_title = sheet_title(_("export.index_sheet"), taken)
    contents = [(sheet_title(spec.title, taken), count) for spec, _rows, count in sheets]
    batches = [(sheet_title(title, taken), batch) for title, batch in package.batches]
    contents += [(title, batch.rows) for title, batch in batches]
    if timeline is not None:
        contents.append((sheet_title(_("export.timeline_sheet"), taken), len(timeline.tasks)))
    lists = Lists(title=sheet_title(_("export.lists_sheet"), taken))
    formats = Formats(workbook)
    _write_index(workbook.add_worksheet(index_title), formats, package, generated, contents)
    for (title, _count), (spec, rows, _count) in zip(contents, sheets):
        writer = package.writers.get(spec.key)
        if writer is not None:
            writer(workbook, formats, title, rows, heading, tick)
        else:
            write_schedule(workbook, formats, title, spec, rows, lists, heading, tick, package.signers,
                           package.above.get(spec.key))
    for title, batch in batches:
        write_batch(workbook, formats, title, batch, heading, tick, package.signers)
    if timeline is not None:
        write_timeline(workbook, formats, contents[-1][0], timeline, heading, tick)
    lists.write(workbook)
    _close_book(workbook)
