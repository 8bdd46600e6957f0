"""A register table on Textual's line API: only the rows on screen are drawn, so 100,000 rows stay instant.

Rows are plain objects (dataclasses, named tuples) with a stable key, loaded once. Filtering as you type, sorting,
a status predicate, marks and totals all run in memory over them; a one-row change (`update_row`) redraws that row
only. Data flow: attributes down (`set_rows`, `set_query`, `set_predicate`, `sort_by`), messages up (`Edit`,
`ExportView`, `Changed`). Every text from the data is shown through `visible()` (control characters escaped) and
drawn as segments, never parsed as markup, so `[brackets]` show as typed.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from itertools import groupby
from operator import attrgetter
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...domain.dates import normalize
from ...domain.money import format_fen
from ..bindings import Localized
from ...domain.text import visible

Pieces = str | Sequence[tuple[str, str]]
"""What a cell shows: a text, or (text, style names) pieces; style names are the table's own (dim, error …)."""

HEADER = 1
"""Lines of column headers above the rows."""
GAP = 1
"""Cells between two columns."""
ELLIPSIS = "…"
STYLE_NAMES = ("dim", "bold", "error", "success", "warning", "accent", "info", "group")


@dataclass(frozen=True)
class Column:
    """One declared column of a register."""

    key: str
    header: str
    """The header text (already translated)."""
    width: int = 10
    """Cells; for a flexible column, its minimum."""
    flex: int = 0
    """More than 0: the column shares the room the fixed columns leave, in proportion to `flex`."""
    kind: str = "text"
    """text, int, date, money (integer fen, shown `1,234.50`) or choice (a value shown by its label)."""
    align: str = ""
    """left or right; by default int and money are right aligned, the rest left."""
    labels: Mapping[Any, str] | None = None
    """choice: value -> label, in the order a sort follows."""
    get: Callable[[Any], Any] | None = None
    """The row's value; by default the row's attribute named `key`."""
    cell: Callable[[Any], Pieces] | None = None
    """What the cell shows, when the kind's formatting of the value is not enough (styles, suffixes)."""
    optional: bool = False
    """Left out when the terminal is too narrow to give the flexible columns their minimum."""

    def value(self, row: Any) -> Any:
        return self.get(row) if self.get is not None else getattr(row, self.key)

    def pieces(self, row: Any) -> Pieces:
        if self.cell is not None:
            return self.cell(row)
        return format_value(self.kind, self.value(row), self.labels)

    def sort_key(self, row: Any) -> tuple:
        """None sorts last in either direction of the kind's natural order (choices by their declared order)."""
        value = self.value(row)
        if value is None:
            return (1, 0)
        if self.kind == "choice" and self.labels is not None:
            order = list(self.labels)
            return (0, order.index(value) if value in order else len(order))
        if self.kind == "text":
            return (0, str(value).casefold())
        return (0, value)

    @property
    def right(self) -> bool:
        return (self.align or ("right" if self.kind in ("int", "money") else "left")) == "right"


def field_texts(row: Any) -> list[str]:
    """The values of a read model's fields as texts (strings, numbers, dates; empty ones left out): what `/`
    looks in on a screen of dataclass rows. Cheap enough for 100,000 rows in the loading worker."""
    return [str(value) for value in _fields_of(type(row))(row)
            if isinstance(value, str | int | date) and not isinstance(value, bool) and value]


@cache
def _fields_of(kind: type) -> Callable[[Any], tuple]:
    """All the fields of a read model at once."""
    getter = attrgetter(*(f.name for f in fields(kind)))
    return getter if len(fields(kind)) > 1 else lambda row: (getter(row),)


def format_value(kind: str, value: Any, labels: Mapping[Any, str] | None = None) -> str:
    """A value as its kind shows it: money in fen as `1,234.50`, a date as ISO, a choice by its label."""
    if value is None:
        return ""
    if kind == "money":
        return format_fen(int(value))
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "choice" and labels is not None:
        return labels.get(value, str(value))
    return str(value)


def fit(pieces: Pieces, width: int, right: bool = False) -> list[tuple[str, str]]:
    """`pieces` made exactly `width` cells: cut with an ellipsis (never half a wide character) or padded."""
    if isinstance(pieces, str):
        pieces = [(pieces, "")]
    pieces = [(visible(text), style) for text, style in pieces if text]
    used = sum(cell_len(text) for text, _style in pieces)
    if used <= width:
        pad = (" " * (width - used), "")
        return [pad, *pieces] if right else [*pieces, pad]
    out: list[tuple[str, str]] = []
    room = width - 1
    for text, style in pieces:
        size = cell_len(text)
        if size >= room:
            out.append((set_cell_size(text, room), style))
            out.append((ELLIPSIS, style))
            return out
        out.append((text, style))
        room -= size
    return out  # not reached: the pieces were wider than `width`


def layout(columns: Sequence[Column], width: int) -> list[tuple[Column, int]]:
    """The columns shown at `width` cells and their widths: fixed ones as declared, flexible ones sharing the
    rest; optional columns are dropped (last first) while the flexible ones would get less than their minimum."""
    shown = list(columns)

    def room(cols: list[Column]) -> int:
        return width - sum(c.width for c in cols if not c.flex) - GAP * max(len(cols) - 1, 0)

    while room(shown) < sum(c.width for c in shown if c.flex) and any(c.optional for c in shown):
        last_optional = max(i for i, c in enumerate(shown) if c.optional)
        shown.pop(last_optional)
    free = room(shown)
    flexible = [c for c in shown if c.flex]
    total_flex = sum(c.flex for c in flexible) or 1
    widths: dict[str, int] = {}
    given = 0
    for i, c in enumerate(flexible):
        share = free - given if i == len(flexible) - 1 else free * c.flex // total_flex
        widths[c.key] = max(c.width, share)
        given += widths[c.key]
    return [(c, widths.get(c.key, c.width)) for c in shown]


@dataclass(frozen=True)
class Totals:
    """The count/totals line's figures for the rows shown."""

    shown: int
    total: int
    marked: int
    sums: dict[str, int]
    """Money column key -> exact sum in fen over the rows shown."""
    counts: dict[str, int]
    """Counter name -> how many of the rows shown it holds for."""


@dataclass(frozen=True)
class Prepared:
    """Rows and what a table derives from them, made by `RegisterTable.prepare` — in the worker that loaded them,
    so that showing 100,000 rows costs the screen a few milliseconds."""

    rows: list[Any]
    keys: list[str]
    index: dict[str, int]
    texts: list[str]
    groups: list[int] | None
    group_keys: list[str]
    values: dict[str, list[int]]
    totals: dict[str, int]
    """The sum of each of `values` over every row (the totals line when nothing is filtered out)."""


class RegisterTable(Localized, ScrollView, can_focus=True):
    """A table of one register's rows. `key_of(row)` is the row's stable key (its public id); `search_text(row)`
    the text the filter looks in; `group_of(row)` (optional) groups consecutive rows under a heading drawn by
    `group_label(group, rows)` while the table is in its loaded order; `counters` (name -> predicate) are counted
    over the rows shown for the totals line."""

    BINDINGS = [
        Binding("enter", "edit", "key.edit", tooltip="tip.edit", id="register-edit"),
        Binding("e", "export", "key.export_view", tooltip="tip.export_view", show=False, id="register-export"),
        Binding("greater_than_sign", "sort_next", "key.sort", tooltip="tip.sort", show=False,
                id="register-sort"),
        Binding("less_than_sign", "sort_reverse", "key.sort_reverse", tooltip="tip.sort_reverse", show=False,
                id="register-sort-reverse"),
        Binding("up,k", "cursor(-1)", "key.up", show=False, id="register-up"),
        Binding("down,j", "cursor(1)", "key.down", show=False, id="register-down"),
        Binding("pageup", "page(-1)", "key.page_up", show=False, id="register-page-up"),
        Binding("pagedown", "page(1)", "key.page_down", show=False, id="register-page-down"),
        Binding("home", "edge(-1)", "key.first", show=False, id="register-first"),
        Binding("end", "edge(1)", "key.last", show=False, id="register-last"),
    ]

    COMPONENT_CLASSES = {
        "register--header", "register--cursor", "register--even", "register--marked",
        *(f"register--{name}" for name in STYLE_NAMES),
    }

    DEFAULT_CSS = """
    RegisterTable { height: 1fr; background: $surface; scrollbar-size-vertical: 1; overflow-x: hidden; }
    RegisterTable:focus { background-tint: $foreground 5%; }
    RegisterTable > .register--header { text-style: bold; background: $panel; color: $foreground; }
    RegisterTable > .register--cursor { background: $block-cursor-blurred-background; }
    RegisterTable:focus > .register--cursor { background: $block-cursor-background; }
    RegisterTable > .register--even { background: $surface-lighten-1 50%; }
    RegisterTable > .register--marked { background: $secondary-muted; }
    RegisterTable > .register--dim { color: $text-muted; }
    RegisterTable > .register--bold { text-style: bold; }
    RegisterTable > .register--error { color: $text-error; text-style: bold; }
    RegisterTable > .register--success { color: $text-success; }
    RegisterTable > .register--warning { color: $text-warning; text-style: bold; }
    RegisterTable > .register--accent { color: $text-accent; text-style: bold; }
    RegisterTable > .register--info { color: $text-primary; text-style: bold; }
    RegisterTable > .register--group { color: $text-accent; text-style: bold; }
    """

    class Edit(Message):
        """enter or a double click on a row: edit the row with `key`."""

        def __init__(self, table: "RegisterTable", key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class ExportView(Message):
        """`e`: export the rows shown, in the order shown (`table.shown_rows()`, `table.shown_columns()`)."""

        def __init__(self, table: "RegisterTable") -> None:
            super().__init__()
            self.table = table

    class Changed(Message):
        """The rows shown, their marks or their totals changed (one pending message is enough)."""

        def __init__(self, table: "RegisterTable") -> None:
            super().__init__()
            self.table = table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, RegisterTable.Changed) and message.table is self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key_of: Callable[[Any], str],
        search_text: Callable[[Any], str] | None = None,
        group_of: Callable[[Any], str] | None = None,
        group_label: Callable[[str, list[Any]], Pieces] | None = None,
        counters: Mapping[str, Callable[[Any], bool]] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.key_of = key_of
        self.search_text = search_text or (lambda row: " ".join(str(c.value(row) or "") for c in self.columns))
        self.group_of = group_of
        self.group_label = group_label
        self.sort_column: str | None = None
        """The column the rows are sorted by; None keeps the loaded order (with group headings)."""
        self.sort_descending = False
        self.marked: set[str] = set()
        """Keys of the rows marked for a batch action."""
        self.cursor = 0
        """Position of the cursor in the view (headings included)."""
        self.filter_text = ""
        """The filter text applied."""
        self._rows: list[Any] = []
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._texts: list[str] = []
        self._groups: list[int] | None = None
        self._group_keys: list[str] = []
        self._predicate: Callable[[Any], bool] | None = None
        self._order: list[int] = []
        self._base: list[int] = []
        """Rows in order that pass the predicate."""
        self._shown: list[int] = []
        """Rows in order that pass the predicate and the query."""
        self._view: list[int] = []
        """What the lines show: a row index, or -(group + 1) for a group heading."""
        self._runs: dict[int, tuple[int, int]] = {}
        """Group -> the view positions of its rows."""
        self._sort_keys: dict[str, list[tuple]] = {}
        self._counters = dict(counters or {})
        self._measures: dict[str, Callable[[Any], int]] = {
            **{c.key: (lambda row, c=c: c.value(row) or 0) for c in self.columns if c.kind == "money"},
            **{name: (lambda row, f=f: 1 if f(row) else 0) for name, f in self._counters.items()},
        }
        """What the totals line adds up over the rows shown: money columns (fen) and counters (0 or 1 a row)."""
        self._values: dict[str, list[int]] = {key: [] for key in self._measures}
        self._totals: dict[str, int] = {key: 0 for key in self._measures}
        self._sums: dict[str, int] = {key: 0 for key in self._measures}
        self._pending_query: str | None = None
        self._labels: dict[int, Pieces] = {}
        self._lines: dict[tuple, Strip] = {}
        self._styles: dict[tuple[str, str, int | None], Style] = {}
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = -1

    # -- data down ----------------------------------------------------------------------------------------

    def prepare(self, rows: Iterable[Any]) -> Prepared:
        """Everything `set_rows` derives from the rows, computed without touching the widget: safe to call in a
        worker thread (the keys, search texts, groups and summed values are functions of the rows alone)."""
        rows = rows if isinstance(rows, list) else list(rows)
        keys = [self.key_of(row) for row in rows]
        text = self.search_text
        groups, group_keys = None, []
        if self.group_of is not None:
            found: dict[str, int] = {}
            groups = [found.setdefault(self.group_of(row), len(found)) for row in rows]
            group_keys = list(found)
        values = {key: list(map(measure, rows)) for key, measure in self._measures.items()}
        return Prepared(rows, keys, {key: i for i, key in enumerate(keys)},
                        [normalize(text(row)).casefold() for row in rows], groups, group_keys, values,
                        {key: sum(column) for key, column in values.items()})

    def set_rows(self, rows: Iterable[Any] | Prepared, keep: str | None = None) -> None:
        """Show `rows` (a full reload), or rows made ready by `prepare`: the filter, predicate, sort and marks still
        apply. The cursor stays on `keep`, else on the row it was on, else at the same position."""
        keep = keep or self.cursor_key
        ready = rows if isinstance(rows, Prepared) else self.prepare(rows)
        self._rows, self._keys, self._index, self._texts = ready.rows, ready.keys, ready.index, ready.texts
        if self.group_of is not None:
            self._groups, self._group_keys = ready.groups, ready.group_keys
        self._values, self._totals = ready.values, ready.totals
        self._sort_keys = {}
        self.marked = {key for key in self.marked if key in self._index}
        self._sort()
        self._refilter(keep, narrow=False)

    def update_row(self, key: str, row: Any) -> None:
        """Change one row in place (its line redrawn, nothing rebuilt); a row that leaves the filter is taken out."""
        i = self._index.get(key)
        if i is None:
            return
        old_group = self._groups[i] if self._groups is not None else None
        if self.group_of is not None and self._group_keys[old_group] != self.group_of(row):
            self._rows[i] = row
            self.set_rows(self._rows, keep=key)  # moved to another group: the headings change
            return
        self._rows[i] = row
        self._texts[i] = normalize(self.search_text(row)).casefold()
        for column_key, keys in self._sort_keys.items():
            keys[i] = self._column(column_key).sort_key(row)
        shown = self._position(i) is not None
        for key, values in self._values.items():
            new = self._measures[key](row)
            if shown:
                self._sums[key] += new - values[i]
            self._totals[key] += new - values[i]
            values[i] = new
        passes = self._predicate is None or self._predicate(row)
        if shown and not (passes and self._matches(i)):
            keep = self.cursor_key
            if not passes:
                self._base.remove(i)
            self._shown.remove(i)
            self._show(keep if keep != key else None)
        elif not shown and passes and self._matches(i):
            self._refilter(self.cursor_key, narrow=False)
        else:
            self._lines = {}  # only the lines refreshed below are drawn again now
            position = self._position(i)
            self._refresh_position(position)
            if old_group in self._runs:
                self._labels.pop(old_group, None)
                self._refresh_position(self._runs[old_group][0] - 1)
            self.post_message(self.Changed(self))

    def remove_row(self, key: str) -> None:
        """Take one row out (after a delete) without reloading."""
        i = self._index.get(key)
        if i is not None:
            self.set_rows([r for j, r in enumerate(self._rows) if j != i])

    def set_query(self, text: str) -> None:
        """Filter as you type: a burst of calls is coalesced, only the latest text is applied."""
        first = self._pending_query is None
        self._pending_query = text
        if first:
            self.call_later(self._apply_query)

    def _apply_query(self) -> None:
        text, self._pending_query = self._pending_query, None
        if text is not None and text != self.filter_text:
            narrow = bool(self.filter_text) and text.startswith(self.filter_text)
            self.filter_text = text
            self._filter(self.cursor_key, narrow)

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        """Show only rows for which `predicate(row)` is true (a status filter); None shows every row."""
        self._predicate = predicate
        self._refilter(self.cursor_key, narrow=False)

    def sort_by(self, column: str | None, descending: bool = False) -> None:
        """Sort by `column` (stable, None last); None returns to the loaded order."""
        self.sort_column, self.sort_descending = column, descending
        keep = self.cursor_key
        self._sort()
        self._refilter(keep, narrow=False)
        self.refresh()

    def toggle_mark(self, key: str | None = None) -> None:
        """Mark or unmark a row (the cursor's by default) for a batch action."""
        key = key or self.cursor_key
        if key is None:
            return
        self.marked ^= {key}
        self._lines = {k: v for k, v in self._lines.items() if k[0] != self._index[key]}
        self._refresh_position(self._position(self._index[key]))
        self.post_message(self.Changed(self))

    def clear_marks(self) -> None:
        self.marked = set()
        self._lines = {}
        self.refresh()
        self.post_message(self.Changed(self))

    # -- reading ------------------------------------------------------------------------------------------

    def row(self, key: str) -> Any | None:
        i = self._index.get(key)
        return self._rows[i] if i is not None else None

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (a heading's group key on a heading), None when empty."""
        if not 0 <= self.cursor < len(self._view):
            return None
        item = self._view[self.cursor]
        return self._keys[item] if item >= 0 else self._group_keys[-item - 1]

    @property
    def cursor_row(self) -> Any | None:
        """The row under the cursor; None on a heading or when empty."""
        if not 0 <= self.cursor < len(self._view) or self._view[self.cursor] < 0:
            return None
        return self._rows[self._view[self.cursor]]

    def rows_where(self, predicate: Callable[[Any], bool], query: str = "") -> Iterator[Any]:
        """The loaded rows for which `predicate` holds and that `query` matches as the filter box would (a view of
        the rows beside the one shown: the Risks screen's heatmap counts every cell, whatever cell is chosen)."""
        terms = normalize(query).casefold().split()
        texts = self._texts
        return (row for i, row in enumerate(self._rows)
                if predicate(row) and all(term in texts[i] for term in terms))

    def shown_keys(self) -> list[str]:
        """Keys of the rows shown, in order (headings left out)."""
        return [self._keys[i] for i in self._shown]

    def shown_rows(self) -> list[Any]:
        return [self._rows[self._index[key]] for key in self.shown_keys()]

    def view_keys(self) -> list[str]:
        """What the lines show, in order: row keys and group keys of headings."""
        return [self._keys[i] if i >= 0 else self._group_keys[-i - 1] for i in self._view]

    def shown_columns(self) -> list[Column]:
        """The columns drawn at the current width."""
        self._fit_columns(self.scrollable_content_region.width)
        return [column for column, _width in self._layout] or self.columns

    def cell_text(self, key: str, column: str) -> str:
        """The plain text a cell shows in full (before any cut to its width)."""
        pieces = self._column(column).pieces(self.row(key))
        return visible(pieces if isinstance(pieces, str) else "".join(text for text, _style in pieces))

    def column_width(self, column: str) -> int | None:
        self._fit_columns(self.scrollable_content_region.width)
        return next((width for c, width in self._layout if c.key == column), None)

    def totals(self) -> Totals:
        sums = {key: total for key, total in self._sums.items() if key not in self._counters}
        counts = {key: total for key, total in self._sums.items() if key in self._counters}
        return Totals(len(self._shown), len(self._rows), len(self.marked), sums, counts)

    # -- filtering and sorting ----------------------------------------------------------------------------

    def _column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def _sort(self) -> None:
        order = list(range(len(self._rows)))
        if self.sort_column is not None:
            keys = self._sort_keys.get(self.sort_column)
            if keys is None:
                column = self._column(self.sort_column)
                keys = self._sort_keys[self.sort_column] = [column.sort_key(row) for row in self._rows]
            order.sort(key=keys.__getitem__, reverse=self.sort_descending)
            if self.sort_descending:  # None stays last
                missing = [i for i in order if keys[i][0]]
                order = [i for i in order if not keys[i][0]] + missing
        self._order = order

    def _terms(self) -> list[str]:
        return normalize(self.filter_text).casefold().split()

    def _matches(self, i: int) -> bool:
        text = self._texts[i]
        return all(term in text for term in self._terms())

    def _refilter(self, keep: str | None, narrow: bool) -> None:
        predicate, rows = self._predicate, self._rows
        self._base = self._order if predicate is None else [i for i in self._order if predicate(rows[i])]
        self._filter(keep, narrow)

    def _filter(self, keep: str | None, narrow: bool) -> None:
        """Apply the query to the rows passing the predicate; a query that only grew narrows the last result."""
        shown = self._shown if narrow else self._base
        texts = self._texts
        for term in self._terms():
            shown = [i for i in shown if term in texts[i]]
        self._shown = list(shown) if shown is self._base else shown  # never an alias of _base or _order
        self._show(keep)

    def _show(self, keep: str | None) -> None:
        """Rebuild the view (headings included), the sums, the cursor and the scroll size."""
        groups = self._groups
        self._runs, self._labels, self._lines = {}, {}, {}
        if groups is None or self.sort_column is not None:
            self._view = self._shown
        else:
            view: list[int] = []
            for group, run in groupby(self._shown, groups.__getitem__):
                view.append(-group - 1)
                start = len(view)
                view.extend(run)
                self._runs[group] = (start, len(view))
            self._view = view
        if len(self._shown) == len(self._rows):  # every row shown: the sums made with the rows
            self._sums = dict(self._totals)
        else:
            self._sums = {key: sum(map(values.__getitem__, self._shown)) for key, values in self._values.items()}
        position = self._key_position(keep)
        self.cursor = position if position is not None else min(self.cursor, max(len(self._view) - 1, 0))
        self.virtual_size = Size(self.size.width, HEADER + len(self._view))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Changed(self))

    def _position(self, i: int) -> int | None:
        """The view position of row `i`, None when it is not shown."""
        if self._groups is not None and self.sort_column is None:
            run = self._runs.get(self._groups[i])
            if run is None:
                return None
            try:
                return self._view.index(i, *run)
            except ValueError:
                return None
        try:
            return self._view.index(i)
        except ValueError:
            return None

    def _key_position(self, key: str | None) -> int | None:
        if key is None:
            return None
        if key in self._index:
            return self._position(self._index[key])
        if key in self._group_keys:
            run = self._runs.get(self._group_keys.index(key))
            return run[0] - 1 if run else None
        return None

    # -- drawing ------------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, HEADER + len(self._view))

    def _fit_columns(self, width: int) -> None:
        """Lay the columns out for `width` cells (the room left by the mark gutter and the scrollbar)."""
        if width != self._layout_width:
            self._layout_width = width
            self._layout = layout(self.columns, max(0, width - 1))
            self._lines = {}

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles, self._lines = {}, {}

    def on_focus(self) -> None:
        self._lines = {}
        self.refresh()

    def on_blur(self) -> None:
        self._lines = {}
        self.refresh()

    def _style(self, names: str, base: str, column: int | None = None) -> Style:
        """The style of a piece: the table's, the line's background (`base`), the piece's style names. A cell's
        pieces carry their column as meta (as DataTable's do): clicks can tell the column, and cells stay
        separate segments (an SVG screenshot then places each cell where the terminal does)."""
        key = (names, base, column)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            for name in base.split():
                style += Style(bgcolor=self.get_component_rich_style(f"register--{name}").bgcolor)
            for name in names.split():
                if name in STYLE_NAMES:
                    style += self.get_component_rich_style(f"register--{name}", partial=True)
            if "header" in base:
                style += self.get_component_rich_style("register--header")
            if column is not None:
                style += Style.from_meta({"column": column})
            self._styles[key] = style
        return style

    def _refresh_position(self, position: int | None) -> None:
        if position is not None:
            self.refresh_line(HEADER + position)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._fit_columns(width)
        if y < HEADER:
            return self._header_line(width)
        position = round(self.scroll_y) + y - HEADER
        if position >= len(self._view):
            return Strip.blank(width, self.rich_style)
        item = self._view[position]
        cursor = position == self.cursor
        marked = item >= 0 and self._keys[item] in self.marked
        key = (item, position & 1, cursor, marked, width)
        strip = self._lines.get(key)
        if strip is None:
            if len(self._lines) > 512:
                self._lines = {}
            base = " ".join(name for name, on in (("even", position & 1), ("marked", marked), ("cursor", cursor))
                            if on)
            strip = self._lines[key] = (self._row_line(item, marked, base, width) if item >= 0
                                        else self._heading_line(-item - 1, base, width))
        return strip

    def _header_line(self, width: int) -> Strip:
        segments = [Segment(" ", self._style("", "header"))]
        for n, (column, size) in enumerate(self._layout):
            label = column.header
            if column.key == self.sort_column:
                label += " ▼" if self.sort_descending else " ▲"
            if n:
                segments.append(Segment(" " * GAP, self._style("", "header")))
            for text, style in fit(label, size, column.right):
                segments.append(Segment(text, self._style(style, "header", n)))
        return Strip(segments).adjust_cell_length(width, self._style("", "header"))

    def _row_line(self, i: int, marked: bool, base: str, width: int) -> Strip:
        row = self._rows[i]
        segments = [Segment("*" if marked else " ", self._style("bold", base))]
        gap = Segment(" " * GAP, self._style("", base))
        for n, (column, size) in enumerate(self._layout):
            if n:
                segments.append(gap)
            for text, style in fit(column.pieces(row), size, column.right):
                segments.append(Segment(text, self._style(style, base, n)))
        return Strip(segments).adjust_cell_length(width, self._style("", base))

    def _heading_line(self, group: int, base: str, width: int) -> Strip:
        label = self._labels.get(group)
        if label is None:
            start, end = self._runs.get(group, (0, 0))
            rows = [self._rows[i] for i in self._view[start:end]]
            key = self._group_keys[group]
            label = self._labels[group] = self.group_label(key, rows) if self.group_label else key
        segments = [Segment(text, self._style(style or "group", base)) for text, style in fit(label, width - 1)]
        return Strip([Segment(" ", self._style("", base)), *segments]).adjust_cell_length(
            width, self._style("", base))

    # -- cursor, keys and mouse ---------------------------------------------------------------------------

    @property
    def visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + self.visible_rows:
            self.scroll_to(y=self.cursor - self.visible_rows + 1, animate=False, immediate=True)

    def move_cursor(self, position: int) -> None:
        """Put the cursor on view position `position` (clamped) and scroll it into view."""
        if not self._view:
            return
        position = max(0, min(position, len(self._view) - 1))
        if position != self.cursor:
            old, self.cursor = self.cursor, position
            self._refresh_position(old)
            self._refresh_position(position)
        self._scroll_cursor_into_view()

    def move_to_key(self, key: str) -> bool:
        """Put the cursor on the row (or group heading) with `key`; False when it is not shown."""
        position = self._key_position(key)
        if position is None:
            return False
        self.move_cursor(position)
        return True

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor + step * self.visible_rows)

    def action_edge(self, step: int) -> None:
        self.move_cursor(0 if step < 0 else len(self._view) - 1)

    def action_edit(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.Edit(self, self.key_of(row)))

    def action_export(self) -> None:
        self.post_message(self.ExportView(self))

    def action_sort_next(self) -> None:
        """The next column (ascending); after the last, back to the loaded order."""
        keys = [c.key for c in self.shown_columns()]
        index = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        self.sort_by(keys[index] if index < len(keys) else None)

    def action_sort_reverse(self) -> None:
        if self.sort_column is not None:
            self.sort_by(self.sort_column, not self.sort_descending)

    def on_click(self, event: events.Click) -> None:
        if event.y < HEADER:
            self._header_clicked(event.x)
            return
        position = round(self.scroll_y) + event.y - HEADER
        if 0 <= position < len(self._view):
            self.move_cursor(position)
            if event.chain >= 2:
                self.action_edit()

    def _header_clicked(self, x: int) -> None:
        """Sort by the clicked column; a second click reverses, a third returns to the loaded order."""
        left = 1
        for column, size in self._layout:
            if left <= x < left + size + GAP:
                if column.key != self.sort_column:
                    self.sort_by(column.key)
                elif not self.sort_descending:
                    self.sort_by(column.key, True)
                else:
                    self.sort_by(None)
                return
            left += size + GAP
