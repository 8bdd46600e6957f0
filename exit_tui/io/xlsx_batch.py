"""The sheet of one handover batch, what the three parties sign: a title, a line saying when it was made and
signed, its items as signed (BATCH_ITEMS), its amendments below them (AMENDMENTS, on the same columns), then the
three-party signature block, filled with the signers and the date when signed; printed on A4 with its title and
header rows repeated on every page, the signature block kept on one page.

Written for reading only: the importer finds no register's header here (tests/test_handover_import.py).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..i18n import _
from .spec import AMENDMENTS, BATCH_ITEMS
from .xlsx_schedule import signature_block
from .xlsx_sheet import LINE_HEIGHT, Formats, Pages, column_writer, page_setup, set_widths, write_row, write_text
from .xlsx_text import display_width, text_lines

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

#: Columns of the items' table (and, the last one spanning two, of the amendments').
WIDTHS = [max(c.width, display_width(c.zh) + 1) for c in BATCH_ITEMS.columns]


@dataclass(frozen=True)
class PrintedBatch:
    """One batch as printed; texts already in the user's language."""

    public_id: str
    heading: str
    """The title line: `移交批次 B-0001 第一批资料`."""
    details: str
    """One line under it: made on, signed on (or not yet), counts by outcome, its note."""
    items: Sequence[Mapping[str, object]]
    """Rows of BATCH_ITEMS: each item as signed (outcome label, promised date, reason)."""
    amendments: Sequence[Mapping[str, object]]
    """Rows of AMENDMENTS: number, item, date, who recorded it, what changed and why."""
    signed: Sequence[tuple[str, date | None]]
    """(signer, date) of 移交方, 接收方, 监交方 when signed; empty when not."""

    @property
    def rows(self) -> int:
        """Its row count on the index: items and amendments."""
        return len(self.items) + len(self.amendments)


def write_batch(workbook: "Workbook", formats: Formats, title: str, batch: PrintedBatch,
                heading: tuple[str, datetime], tick: Callable[[], None], signers: Sequence[str] = ()) -> None:
    """Write `batch` as sheet `title`; `heading` is the project's title line and the package's time (page header
    and footer), `signers` the parties (company and representative) named in the signature block."""
    ws = workbook.add_worksheet(title)
    set_widths(ws, WIDTHS)
    total, last_col = sum(WIDTHS), len(WIDTHS) - 1
    pages = Pages(total)

    def line(row: int, text: str, cell_format, height: float | None = None) -> None:
        """A text over the whole width (merged), its row as tall as its wrapped lines."""
        ws.merge_range(row, 0, row, last_col, "", cell_format)
        write_text(ws, formats, row, 0, text, cell_format)
        height = height or LINE_HEIGHT * text_lines(text, total) + (4 if row == 0 else 0)
        ws.set_row(row, height)
        pages.add(height, repeated=row < 3)

    def header(row: int, texts: list[str], spans: int = 0) -> None:
        """A header row; with `spans`, the last text covers the last two columns."""
        height = LINE_HEIGHT * max(text_lines(t, w) for t, w in zip(texts, WIDTHS))
        for col, text in enumerate(texts):
            if spans and col == len(texts) - 1:
                ws.merge_range(row, col, row, col + 1, "", formats.header)
            write_text(ws, formats, row, col, text, formats.header)
        ws.set_row(row, height)
        pages.add(height, repeated=row < 3)

    line(0, batch.heading, formats.get(bold=True, font_size=12, text_wrap=True, valign="vcenter"))
    line(1, batch.details, formats.text_wrap)
    header(2, [c.header for c in BATCH_ITEMS.columns])
    ws.repeat_rows(0, 2)
    ws.freeze_panes(3, 0)
    writers = [(column_writer(ws, formats, c, w), c.key) for c, w in zip(BATCH_ITEMS.columns, WIDTHS)]
    row = 2
    for item in batch.items:
        row += 1
        lines = write_row(ws, row, [(write, item.get(key)) for write, key in writers])
        ws.set_row(row, LINE_HEIGHT * lines)  # every height given: the page estimate is exact
        pages.add(LINE_HEIGHT * lines)
        tick()
    if batch.amendments:
        row += 2  # a blank row, the amendments' title and header, their rows
        pages.add()
        change_width = WIDTHS[-2] + WIDTHS[-1]
        writers = [(column_writer(ws, formats, c, w), c.key)
                   for c, w in zip(AMENDMENTS.columns, [*WIDTHS[:-2], change_width])]
        pages.keep(LINE_HEIGHT * 3)  # the title, the header and a first amendment together
        line(row, _("export.amendments_title"), formats.bold)
        row += 1
        header(row, [c.header for c in AMENDMENTS.columns], spans=1)
        for amendment in batch.amendments:
            row += 1
            ws.merge_range(row, last_col - 1, row, last_col, "", formats.text_wrap)
            lines = write_row(ws, row, [(write, amendment.get(key)) for write, key in writers])
            ws.set_row(row, LINE_HEIGHT * lines)
            pages.add(LINE_HEIGHT * lines)
            tick()
    signature_block(ws, formats, WIDTHS, row + 1, signers, batch.signed, pages)
    project, generated = heading
    page_setup(ws, title, project, total, generated, grid=True, pages=pages)
