"""The form of a register's row, made from the register's sheet declaration (io/spec.py): one field per imported
column, captioned with the column's header, a choice column as a drop-down of its labels. The service checks the
values (the same cleaners the import uses) and an error lands on the field it names.

Every register gets its add and edit forms from here; a register with a special step (an inspection round entering
item after item) asks for `keep_open`: ctrl+s saves and empties the fields for the next row.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select

from ...i18n import _
from ...io.spec import Column, Kind, SheetSpec
from ..bindings import Localized
from .form import Field, FormScreen

YES_NO = ("yes", "no")


def form_columns(spec: SheetSpec, only: Sequence[str] | None = None) -> list[Column]:
    """The columns of a sheet a person fills in: imported ones, not the id or the row version."""
    columns = [c for c in spec.columns if c.imported and not c.hidden and c.kind is not Kind.ID]
    if only is not None:
        by_key = {c.key: c for c in columns}
        columns = [by_key[key] for key in only]
    return columns


def field_column(key: str, caption: str, kind: Kind = Kind.TEXT, *, required: bool = False,
                 choices: Sequence[str] = (), labels: Mapping[str, str] | None = None) -> Column:
    """A form field that is no sheet's column (a signer, an amendment's or a dispute's reason …), captioned in the
    current language."""
    label = (lambda code: labels.get(code, code)) if labels is not None else None
    return Column(key, caption, caption, kind, required=required, choices=tuple(choices), label=label)


def field_text(column: Column, value: Any) -> str:
    """A stored value as the field shows it: a flag as yes/no, hundredths as `12.50`, a date as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column.kind is Kind.MONEY and isinstance(value, int):
        return f"{value // 100}.{value % 100:02d}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RecordForm(Localized, FormScreen[str | None]):
    """Add (no `values`) or edit a row. `service` and `args` name the save: the form calls
    `service(*args, **changed_fields)` and dismisses with the saved row's public id (None when cancelled).

    With `keep_open` (fast entry), ctrl+s saves and clears the fields in `clear_after`, keeping the rest for the
    next row; escape then closes with the last id saved."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "save", "key.save", id="save"),
    ]

    def __init__(self, heading: str, columns: Sequence[Column], service: str, args: tuple, *,
                 values: Mapping[str, Any] | None = None, defaults: Mapping[str, Any] | None = None,
                 keep_open: bool = False, clear_after: Sequence[str] = (), focus: str = "",
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.heading = heading
        self.columns = list(columns)
        self.service, self.args = service, args
        self.editing = values is not None
        given = values if values is not None else (defaults or {})
        self.start = {c.key: field_text(c, given.get(c.key)) for c in self.columns}
        self.keep_open, self.clear_after = keep_open, tuple(clear_after)
        self.focus_key = focus or self.columns[0].key
        self.extra = dict(extra or {})
        """Sent with every save besides the fields (e.g. the items picked for a batch)."""
        self.saved: str | None = None
        self.saved_count = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="record-form"):
            yield Label(Text(self.heading, style="bold"), classes="dialog-title")
            if self.keep_open:
                yield Label(Text(_("form.keep_open_hint"), style="italic"), id="keep-open-hint")
            yield from self.compose_header()
            for column in self.columns:
                yield Field(column.header + (" *" if column.required else ""), self._widget(column), column.key)
            with Horizontal(classes="buttons"):
                yield Button(_("button.save"), id="save", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def compose_header(self) -> ComposeResult:
        """Widgets between the heading and the fields (a risk's score history)."""
        yield from ()

    def _widget(self, column: Column) -> Input | Select:
        value = self.start[column.key]
        if column.kind is Kind.CHOICE:
            codes = column.choices
            options = [(column.label(code) if column.label else code, code) for code in codes]
            if value not in codes:  # a new row: "no" for a yes/no, else the first choice (the blank one, if any)
                value = "no" if tuple(codes) == YES_NO else codes[0]
                self.start[column.key] = value
            return Select(options, value=value, allow_blank=False, id=column.key)
        placeholder = "yyyy-mm-dd" if column.kind is Kind.DATE else ""
        return Input(value, id=column.key, placeholder=placeholder)

    def on_mount(self) -> None:
        super().on_mount()
        self.first_input().focus()

    def first_input(self) -> Input | Select:
        return self.query_one(f"#{self.focus_key}")

    def values(self) -> dict[str, Any]:
        """What each field holds, by column key."""
        return {c.key: self.query_one(f"#{c.key}").value for c in self.columns}

    def changed(self) -> dict[str, Any]:
        """The fields to send: all of them for a new row, only those changed for an edit. A yes/no choice is
        sent as a bool; a choice left on its blank option ("") is not sent (the service's default applies)."""
        values = self.values()
        if self.editing:
            values = {key: value for key, value in values.items() if value != self.start[key]}
        kinds = {c.key: c for c in self.columns}
        sent: dict[str, Any] = {}
        for key, value in values.items():
            column = kinds[key]
            if column.kind is Kind.CHOICE and tuple(column.choices) == YES_NO:
                value = value == "yes"
            elif column.kind is Kind.CHOICE and value == "":
                continue
            sent[key] = value
        return sent

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        for field in self.query(Field):
            field.show_hint("")
        changed = self.changed()
        if self.editing and not changed:
            self.dismiss(None)
            return
        self.app.call_service(self.service, *self.args, **changed, **self.extra, then=self._saved,
                              on_error=self.show_service_error)

    def _saved(self, row: Any) -> None:
        self.saved = getattr(row, "public_id", None)
        self.saved_count += 1
        if not self.keep_open:
            self.dismiss(self.saved or "")
            return
        self.notify(_("form.saved_next", id=self.saved or ""))
        for key in self.clear_after:
            widget = self.query_one(f"#{key}")
            if isinstance(widget, Input):
                widget.value = ""
        self.initial_values = self.entered_values()  # what is kept for the next row is not an unsaved edit
        self.first_input().focus()

    def action_cancel(self) -> None:
        if self.keep_open and self.saved_count and not self.edited:
            self.dismiss(self.saved or "")
            return
        super().action_cancel()
