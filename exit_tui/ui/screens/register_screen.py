"""The list screen every register shares: a filter bar, the count/totals line, the register table, the footer.

A subclass declares its columns, the service that loads its rows, the search text of a row, and what add, edit,
delete and the batch action do. Rows load once per `reload()` in a worker; filtering, sorting, marks and totals
then run in memory in the table, and a one-row change updates that row (`table.update_row`).

A screen with several registers (Handover: documents, facilities, keys …) declares `TABS`: one `RegisterTab`
each, shown as tabs above one filter bar, each with its own table (loaded when first shown, its filter, sort and
marks kept while another tab is shown). The hooks below then answer for the current tab, `self.tab`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, Footer, Header, Input, Label, Tab, Tabs

from ...domain.money import format_fen
from ...i18n import _, _n
from ..modals.confirm import ConfirmScreen
from ..modals.export_dialog import FileExportDialog
from ..widgets.register_table import Column, Prepared, RegisterTable, Totals, format_value
from .base import ProjectScreen


@dataclass(frozen=True)
class RegisterTab:
    """One register of a screen: its tab, the services that load and delete its rows, its view's name."""

    id: str
    label: str = ""
    """Catalog key of the tab's title."""
    load: str = ""
    """"module.function" under exit_tui.services returning the rows: called as f(session, *load_args())."""
    delete: str = ""
    """"module.function" deleting one row: called as f(session, project_id, key) (after `delete_args`)."""
    dependants: str = ""
    """"module.function" naming what else a delete would change: f(session, project_id, key) -> lines. When it
    names anything, the confirmation lists it and the delete is called with `detach=True`."""
    view_name: str = ""
    """Catalog key naming the view (sheet and file name of an exported view)."""
    placeholder: str = "checklist.filter_placeholder"


class RegisterScreen(ProjectScreen):
    """A register's list. Subclasses set LOAD_SERVICE (and DELETE_SERVICE), or TABS, and override the hooks
    below."""

    BINDINGS = [
        Binding("slash", "focus_filter", "key.filter", tooltip="tip.filter", id="filter"),
        Binding("a", "add", "key.add", tooltip="tip.add", id="add"),
        Binding("d,delete", "delete", "key.delete", tooltip="tip.delete", id="delete"),
        Binding("space", "mark", "key.mark", tooltip="tip.mark", id="mark"),
        Binding("b", "batch", "key.batch", tooltip="tip.batch", show=False, id="batch"),
        Binding("escape", "clear_filter", "key.clear_filter", tooltip="tip.clear_filter", show=False,
                id="clear-filter"),
        Binding("right_square_bracket,right", "tab(1)", "key.next_tab", tooltip="tip.next_tab", key_display="]/→",
                id="next-tab"),
        Binding("left_square_bracket,left", "tab(-1)", "key.previous_tab", tooltip="tip.previous_tab", show=False,
                id="previous-tab"),
    ]

    TABS: tuple[RegisterTab, ...] = ()
    """The registers of a screen with tabs; a screen of one register sets the four attributes below instead."""
    LOAD_SERVICE = ""
    DELETE_SERVICE = ""
    DEPENDANTS_SERVICE = ""
    PLACEHOLDER = "checklist.filter_placeholder"
    VIEW_NAME = ""

    def __init__(self) -> None:
        super().__init__()
        self._keep: str | None = None
        self._count_text = ""
        self.tab = self.tabs()[0]
        """The register shown."""
        self._tables: dict[str, RegisterTable] = {}
        self._stale: set[str] = {tab.id for tab in self.tabs()}
        """Tabs whose rows must be read again before they are shown."""
        self._prepared: Prepared | None = None
        """The rows being shown, made ready in the worker (while show_rows runs)."""

    @classmethod
    def tabs(cls) -> tuple[RegisterTab, ...]:
        return cls.TABS or (RegisterTab("register", "", cls.LOAD_SERVICE, cls.DELETE_SERVICE,
                                        cls.DEPENDANTS_SERVICE, cls.VIEW_NAME, cls.PLACEHOLDER),)

    # -- declarations (override) --------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def key_of(self, row: Any) -> str:
        return row.public_id

    def search_text(self, row: Any) -> str:
        """The text `/` looks in (by default the cells' values)."""
        return " ".join(str(c.value(row) or "") for c in self.columns())

    def load_args(self) -> tuple:
        return (self.app.project.id,)

    def make_table(self) -> RegisterTable:
        """The current tab's table (the screen makes one per tab, with `self.tab` set to it)."""
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text, id=self.table_id())

    def table_id(self) -> str:
        return "register" if len(self.tabs()) == 1 else f"register-{self.tab.id}"

    def tab_shown(self) -> None:
        """After another tab was chosen: update the filter bar's choices for it (the rows are on their way)."""

    def compose_top(self) -> ComposeResult:
        """Widgets above the filter bar (the Risks screen's heatmap)."""
        yield from ()

    def compose_filters(self) -> ComposeResult:
        """Widgets after the filter box in the filter bar (status or phase choices …)."""
        yield from ()

    def edit(self, row: Any) -> None:
        """Open the row's form (enter, double click)."""

    def add(self) -> None:
        """Open an empty form."""

    def delete_prompt(self, row: Any) -> tuple[str, str]:
        """Title and question of the delete confirmation."""
        return _("confirm.delete_task_title"), self.key_of(row)

    def batch(self, keys: list[str]) -> None:
        """The batch action on the marked rows (`b`)."""

    def count_text(self, totals: Totals) -> str | Text:
        """The count/totals line: shown/total, marked, and the sum of each money column of the rows shown (a
        subclass may colour a part of it: a Text)."""
        parts = [_("register.count", shown=totals.shown, total=totals.total)]
        if totals.marked:
            parts.append(_("register.marked", n=totals.marked))
        headers = {c.key: c.header for c in self.columns()}
        parts += [_("register.sum", column=headers[key], amount=format_fen(fen)) for key, fen in totals.sums.items()]
        return "  ".join(parts)

    # -- the screen ---------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        tabs = self.tabs()
        if len(tabs) > 1:
            yield Tabs(*(Tab(_(tab.label), id=f"tab-{tab.id}") for tab in tabs), id="register-tabs")
        yield from self.compose_top()
        with Horizontal(id="filter-bar"):
            yield Input(placeholder=_(self.tab.placeholder), id="filter")
            yield from self.compose_filters()
        yield Label(id="count-line")
        if len(tabs) == 1:
            yield self._made_table()
        else:
            with ContentSwitcher(initial=f"register-{tabs[0].id}", id="register-tables"):
                for tab in tabs:
                    self.tab = tab
                    yield self._made_table()
            self.tab = tabs[0]
        yield Footer()

    def _made_table(self) -> RegisterTable:
        table = self._tables[self.tab.id] = self.make_table()
        return table

    def on_mount(self) -> None:
        self.table.focus()
        # The value's watcher runs while the key is handled, before the next frame: the filter box and the filtered
        # table are drawn in the same frame (Input.Changed reaches the screen only after the box has been drawn,
        # a frame or two later: 43-52 -> 15-17 ms a keystroke at 10k tasks, bench_keys.py).
        self.watch(self.query_one("#filter", Input), "value", lambda text: self.table.set_query(text), init=False)

    @property
    def table(self) -> RegisterTable:
        """The table of the tab shown."""
        return self._tables[self.tab.id]

    def reload(self, keep: str | None = None) -> None:
        """Load the shown tab's rows again in a worker (the filter, sort and marks stay; the other tabs load
        again when next shown); the cursor stays on `keep`."""
        self._keep = keep or self._keep
        self._stale = {tab.id for tab in self.tabs()}
        tab, table = self.tab, self.table

        def prepare(result: Any) -> tuple[Any, Prepared]:  # in the worker: the rows made ready to show
            return result, table.prepare(self.rows_of(result))

        self.app.call_service(tab.load, *self.load_args(), then=lambda loaded: self._loaded(tab, *loaded),
                              prepare=prepare, group=f"load-{type(self).__name__}", exclusive=True)

    def rows_of(self, result: Any) -> list[Any]:
        """The rows in what the load service returned (by default, the result itself)."""
        return result

    def _loaded(self, tab: RegisterTab, result: Any, prepared: Prepared) -> None:
        if tab == self.tab:  # rows for a tab left meanwhile are read again when it is shown
            self._stale.discard(tab.id)
            self._prepared = prepared
            try:
                self.show_rows(result)
            finally:
                self._prepared = None

    def show_rows(self, rows: Sequence[Any]) -> None:
        """Show the loaded rows (a subclass may look at them first, then call this)."""
        keep, self._keep = self._keep, None
        prepared = self._prepared
        self.table.set_rows(prepared if prepared is not None and prepared.rows is rows else rows, keep=keep)

    # -- tabs ---------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tab":
            return len(self.tabs()) > 1
        return True

    def action_tab(self, step: int) -> None:
        tabs = self.tabs()
        new = tabs[(tabs.index(self.tab) + step) % len(tabs)]
        self.query_one("#register-tabs", Tabs).active = f"tab-{new.id}"

    def switch_for_request(self, tab_id: str) -> bool:
        """Show the tab another screen's request asks for, its rows read again once shown (so the row asked for is
        there); False when that tab is already the one shown."""
        if tab_id == self.tab.id:
            return False
        self._stale.add(tab_id)
        self.query_one("#register-tabs", Tabs).active = f"tab-{tab_id}"
        return True

    @on(Tabs.TabActivated, "#register-tabs")
    def tab_activated(self, event: Tabs.TabActivated) -> None:
        self.show_tab(event.tab.id.removeprefix("tab-"))

    def show_tab(self, tab_id: str) -> None:
        """Show another tab's table, with its own filter text; its rows are read again if anything changed."""
        tab = next(tab for tab in self.tabs() if tab.id == tab_id)
        if tab == self.tab:
            return
        self.tab = tab
        self.query_one("#register-tables", ContentSwitcher).current = self.table.id
        box = self.query_one("#filter", Input)
        box.placeholder = _(tab.placeholder)
        with self.prevent(Input.Changed):
            box.value = self.table.filter_text
        self.tab_shown()
        self.refresh_bindings()  # the footer shows the keys that apply to this tab
        self.show_count()
        if not box.has_focus:
            self.table.focus()
        if tab.id in self._stale:
            self.reload()

    @on(RegisterTable.Changed)
    def table_changed(self, event: RegisterTable.Changed) -> None:
        if event.table is self.table:
            self.show_count()

    def show_count(self) -> None:
        """The count line; an unchanged text is not drawn again, one as wide as before needs no new layout (a
        layout pass of the whole screen costs about 10 ms)."""
        text = self.count_text(self.table.totals())
        plain = str(text)
        label = self.query_one("#count-line", Label)
        if plain != self._count_text:
            label.update(text if isinstance(text, Text) else Text(text),
                         layout=cell_len(plain) != cell_len(self._count_text))
            self._count_text = plain

    def current_row(self) -> Any | None:
        """The row under the cursor, after telling the user to pick one when the cursor is on none."""
        row = self.table.cursor_row
        if row is None:
            self.notify(_("checklist.pick_a_task"), severity="warning")
        return row

    # -- filter -------------------------------------------------------------------------------------------

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        """One press: the filter text is cleared and the list has the focus again."""
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            self.table.set_query("")
        self.table.focus()

    # -- rows ---------------------------------------------------------------------------------------------

    @on(RegisterTable.Edit)
    def edit_row(self, event: RegisterTable.Edit) -> None:
        row = self.table.row(event.key)
        if row is not None:
            self.edit(row)

    def action_add(self) -> None:
        self.add()

    def action_mark(self) -> None:
        if self.table.cursor_row is not None:
            self.table.toggle_mark()
            self.table.action_cursor(1)

    def action_batch(self) -> None:
        table = self.table  # a query: looked up once, not once per row
        keys = [key for key in table.shown_keys() if key in table.marked]
        if keys:
            self.batch(keys)

    def action_delete(self) -> None:
        row = self.current_row()
        if row is None:
            return
        key = self.key_of(row)
        if self.tab.dependants:
            self.app.call_service(self.tab.dependants, self.app.project.id, key,
                                  then=lambda lines: self._confirm_delete(row, lines))
        else:
            self._confirm_delete(row, [])

    def _confirm_delete(self, row: Any, dependants: list[str]) -> None:
        key = self.key_of(row)
        title, question = self.delete_prompt(row)
        if dependants:
            question += "\n\n" + _n("confirm.delete_dependants", len(dependants), n=len(dependants)) + "\n" + "\n".join(
                f"  {line}" for line in dependants)
        detach = {"detach": True} if dependants else {}

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.call_service(self.tab.delete, *self.delete_args(), key, **detach,
                                      then=lambda _result: self.deleted(key))

        self.app.push_screen(ConfirmScreen(title, question), confirmed)

    def delete_args(self) -> tuple:
        """What the delete service is called with before the row's key."""
        return (self.app.project.id,)

    def deleted(self, key: str) -> None:
        """After a delete: the rows are read again (a delete may change others)."""
        self.reload()

    # -- export of the view -------------------------------------------------------------------------------

    @on(RegisterTable.ExportView)
    def export_view(self) -> None:
        table = self.table
        columns = table.shown_columns()
        rows = table.shown_rows()
        title = _(self.tab.view_name) if self.tab.view_name else type(self).__name__

        def values():  # a generator consumed in the export worker: plain functions of the rows, no widget
            return ([export_value(c, row) for c in columns] for row in rows)

        def written(result) -> None:
            if result is not None:
                self.notify(_n("register.exported", result[0], n=result[0], path=str(result[1])), timeout=10)

        self.app.push_screen(ViewExportDialog(title, [c.header for c in columns], [c.kind for c in columns], values),
                             written)


def export_value(column: Column, row: Any) -> object:
    """A cell for the exported sheet: money, numbers and dates as values, a choice as its label, the rest as the
    text shown."""
    if column.kind in ("money", "int", "date"):
        return column.value(row)
    if column.cell is not None and column.kind != "choice":
        pieces = column.cell(row)
        return pieces if isinstance(pieces, str) else "".join(text for text, _style in pieces)
    return format_value(column.kind, column.value(row), column.labels)


class ViewExportDialog(FileExportDialog):
    """Where to write the exported view; dismisses with (rows written, path), or None when cancelled."""

    DIALOG_ID = "view-export-dialog"
    TITLE_KEY = "register.export_title"
    EXPLAIN_KEY = "register.export_explain"

    def __init__(self, title: str, headers: list[str], kinds: list[str], values: Callable[[], Any]) -> None:
        super().__init__()
        self.view_title, self.headers, self.kinds, self.values = title, headers, kinds, values

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self.app.call_service("io.view_export.default_view_path", self.app.project, self.view_title,
                              today=self.app.today, session=False, then=self._default_path)

    def start(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")

        self.app.call_service("io.view_export.export_view", path, self.view_title, self.headers, self.kinds,
                              self.values(), session=False, then=lambda count: self.dismiss((count, path)),
                              on_error=self.failed)
