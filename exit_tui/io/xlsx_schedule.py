"""One schedule sheet of a package, generic over its SheetSpec (io/spec.py): a header row, the rows streamed
below it, dropdowns on CHOICE columns, an autofilter, then a signature block; printed on A4.

Dropdown lists too long for Excel's inline limit (255 characters), or with labels holding a comma or a quote, are
kept on one hidden sheet (`Lists`), written after the schedules.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from ..i18n import _
from .spec import Column, Kind, SheetSpec
from .xlsx_sheet import (
    DEFAULT_ROW_HEIGHT, LINE_HEIGHT, Formats, Pages, column_writer, page_setup, set_widths, write_row, write_text,
)
from .xlsx_text import (
    MAX_INLINE_LIST, choice_label, clean_text, column_letter, column_width, quote_sheet, text_lines,
)

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

SIGNATURE_PARTIES = ("export.signature_handover", "export.signature_receiver", "export.signature_supervisor")
#: Height (points) of a signature line: room to sign above it.
SIGNATURE_ROW_HEIGHT = 36
#: Width (characters) counted for a signature box in a column the sheet has not sized (a sheet of 1-2 columns).
NARROW_BOX = 12


class Above(Protocol):
    """A block a schedule sheet carries above its header row (the risk register's heatmap)."""

    def write(self, ws: "Worksheet", formats: Formats, widths: list[int], pages: Pages) -> int:
        """Write rows from the sheet's first down (`widths`: those of its shown columns, from the first), each
        added to `pages`; returns how many rows it took, a blank row under it included: the header's row."""
        ...


@dataclass
class Lists:
    """Dropdown lists kept on one hidden sheet, a column each."""

    title: str = ""
    columns: list[list[str]] = field(default_factory=list)

    def add(self, labels: list[str]) -> str:
        """Keep `labels`; the range they will be on, as a validation refers to it."""
        self.columns.append(labels)
        letter = column_letter(len(self.columns))
        return f"={quote_sheet(self.title)}!${letter}$1:${letter}${len(labels)}"

    def write(self, workbook: "Workbook") -> None:
        """The hidden sheet itself (nothing when no list was kept)."""
        if not self.columns:
            return
        ws = workbook.add_worksheet(self.title)
        ws.hide()
        longest = max(len(labels) for labels in self.columns)
        for row in range(longest):
            for col, labels in enumerate(self.columns):
                if row < len(labels):
                    ws.write_string(row, col, labels[row])


def write_schedule(
    workbook: "Workbook",
    formats: Formats,
    title: str,
    spec: SheetSpec,
    rows: Iterable[Mapping[str, object]],
    lists: Lists,
    heading: tuple[str, datetime],
    tick: Callable[[], None],
    signers: Sequence[str] = (),
    above: Above | None = None,
) -> None:
    """Write `rows` (dicts keyed by column key, typed values) as sheet `title`; `heading` is the project's title
    line and the package's time, for the page header and footer; `signers` fill the signature block's parties.
    `above` is a block written over the header row; the header is then not frozen (the block would fill the
    screen), only repeated on every printed page."""
    ws = workbook.add_worksheet(title)
    columns = spec.columns
    widths = [column_width(c) for c in columns]
    set_widths(ws, widths)
    for col, column in enumerate(columns):
        if column.hidden:
            ws.set_column(col, col, None, None, {"hidden": True})
    shown = [w for c, w in zip(columns, widths) if not c.hidden]  # hidden columns come last
    pages = Pages(sum(shown))
    top = above.write(ws, formats, shown, pages) if above is not None else 0
    if top == 0:
        ws.freeze_panes(1, 0)
    for col, column in enumerate(columns):
        write_text(ws, formats, top, col, column.header, formats.header)
    pages.add(repeated=True)
    writers = [(column_writer(ws, formats, c, w), c.key) for c, w in zip(columns, widths)]
    add_row = pages.add
    last = top
    for last, row in enumerate(rows, start=top + 1):
        get = row.get
        lines = write_row(ws, last, [(write, get(key)) for write, key in writers])
        add_row(DEFAULT_ROW_HEIGHT if lines == 1 else LINE_HEIGHT * lines)
        tick()

    ws.autofilter(top, 0, last, len(columns) - 1)
    ws.repeat_rows(top)
    if last > top:
        for col, column in enumerate(columns):
            if column.kind is Kind.CHOICE and column.choices:
                ws.data_validation(top + 1, col, last, col, _dropdown(column, lists))
    signature_block(ws, formats, shown, last + 1, signers, pages=pages)
    project, generated = heading
    page_setup(ws, title, project, sum(shown), generated, grid=True, pages=pages)


def _dropdown(column: Column, lists: Lists) -> dict:
    """A list validation offering the column's labels: inline when short, else from the hidden list sheet."""
    labels = [clean_text(choice_label(column, code)) for code in column.choices]
    inline = ",".join(labels)
    if len(inline) > MAX_INLINE_LIST or any("," in label or '"' in label for label in labels):
        source: object = lists.add(labels)
    else:
        source = labels
    return {
        "validate": "list",
        "source": source,
        "ignore_blank": not column.required,
        "error_type": "stop",
        "error_title": _("export.choice_error_title")[:32],
        "error_message": _("export.choice_error")[:255],
    }


def _thirds(widths: list[int]) -> list[int]:
    """The first columns of the three boxes of a signature line: the column edges nearest to 42% and 72% of the
    width (the party's box, holding its company and representative, is the widest). A sheet of one or two
    columns puts the boxes after it, side by side."""
    count = len(widths)
    if count < 3:
        return [0, 1, 2]
    edges = [sum(widths[:index]) for index in range(count)]
    total = sum(widths)
    return [0, *min(((a, b) for a in range(1, count - 1) for b in range(a + 1, count)),
                    key=lambda ab: abs(edges[ab[0]] - 0.42 * total) + abs(edges[ab[1]] - 0.72 * total))]


def signature_block(ws: "Worksheet", formats: Formats, widths: list[int], blank_row: int,
                    signers: Sequence[str] = (), signed: Sequence[tuple[str, date | None]] = (),
                    pages: Pages | None = None, parties: Sequence[str] = SIGNATURE_PARTIES) -> None:
    """A blank row, a title, then one tall line per party: who (seal) with the party's name when known, signature,
    date, in three merged boxes spread over the sheet's width (so the block prints the same whatever the columns).
    `signed` gives each party's signer and date where the record was signed (they fill the signature and date);
    with `pages`, the block starts a new page rather than being split across two. `parties` are the catalog keys
    of who signs (the handover's three parties unless a sheet names others: the severance sheet's employer)."""
    count = len(widths)
    starts = _thirds(widths)
    ends = [starts[1] - 1, starts[2] - 1, max(count - 1, starts[2])]
    room = [sum(widths[first:last + 1]) or NARROW_BOX for first, last in zip(starts, ends)]
    lines = []
    for index, party in enumerate(parties):
        signer = signers[index] if index < len(signers) else ""
        name, day = signed[index] if index < len(signed) else ("", None)
        texts = (
            f"{_(party)} {signer}".strip(),
            _("export.signature_signed_name", name=name) if name else _("export.signature_name"),
            _("export.signature_signed_date", day=day.isoformat()) if day else _("export.signature_date"),
        )
        # A box narrower than its text (a sheet of few columns, a long party name) wraps: the line grows.
        height = max(SIGNATURE_ROW_HEIGHT, LINE_HEIGHT * (1 + max(map(text_lines, texts, room))))
        lines.append((texts, height))
    if pages is not None:
        pages.keep(DEFAULT_ROW_HEIGHT + LINE_HEIGHT + sum(height for _texts, height in lines))

    def box(row: int, first: int, last: int, text: str, cell_format) -> None:
        if last > first:
            ws.merge_range(row, first, row, last, "", cell_format)
        write_text(ws, formats, row, first, text, cell_format)

    title_row = blank_row + 1
    box(title_row, 0, count - 1, _("export.signature_title"), formats.section)
    cell_formats = (formats.sign_label, formats.sign_line, formats.sign_line)
    for row, (texts, height) in enumerate(lines, start=title_row + 1):
        ws.set_row(row, height)
        for first, last, text, cell_format in zip(starts, ends, texts, cell_formats):
            box(row, first, last, text, cell_format)
