"""Shared pieces of modal forms: a labelled field with an inline hint or error line, and the form screen that
asks before `escape` throws edits away and takes the user to the field a service error is about."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Label, Static

from ...errors import ExitTuiError
from ...i18n import _


class Field(Container):
    """Caption and a compact input on one row, a hint or error line under the input (hidden when empty).

    Every input has a visible box, so that fields read as fields whether focused or not; the focused field's
    caption is highlighted."""

    DEFAULT_CSS = """
    Field {
        layout: grid;
        grid-size: 2;
        grid-columns: 22 1fr;
        grid-gutter: 0 1;
        height: auto;
        margin-bottom: 1;
    }
    Field:last-of-type { margin-bottom: 0; }
    Field > .caption { color: $text-muted; }
    Field:focus-within > .caption { color: $accent; text-style: bold; }
    Field > .entry { height: auto; }
    Field Input.-textual-compact { background: $boost; padding: 0 1; }
    Field Input.-textual-compact:focus { background: $primary 25%; }
    Field Select.-textual-compact > SelectCurrent { background: $boost; padding: 0 1; }
    Field Select.-textual-compact:focus > SelectCurrent { background: $primary 25%; }
    Field .hint { color: $text-muted; height: auto; padding: 0 1; }
    Field .hint.-error { color: $error; text-style: bold; }
    """

    def __init__(self, caption: str, widget: Widget, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.caption = caption
        self.widget = widget
        if hasattr(widget, "compact"):
            widget.compact = True

    def compose(self) -> ComposeResult:
        yield Label(self.caption, classes="caption")
        with Vertical(classes="entry"):
            yield self.widget
            yield Static("", classes="hint")

    def on_mount(self) -> None:
        self.query_one(".hint", Static).display = False

    def _set_hint(self, text: str, error: bool) -> None:
        hint = self.query_one(".hint", Static)
        hint.set_class(error, "-error")
        hint.update(Text(text))
        hint.display = bool(text)

    def show_hint(self, text: str) -> None:
        self._set_hint(text, error=False)

    def show_error(self, text: str) -> None:
        self._set_hint(text, error=True)

    @property
    def has_error(self) -> bool:
        return self.query_one(".hint", Static).has_class("-error")


class FormScreen(ModalScreen[ScreenResultType]):
    """A modal form of Fields. `escape` (action_cancel) closes it at once when nothing was changed, and asks
    first when something was; a service error naming a field is shown on that field, which takes the focus."""

    def on_mount(self) -> None:
        self.initial_values = self.entered_values()

    def entered_values(self) -> dict[str, object]:
        """What each field holds now, by field id."""
        return {field.id: getattr(field.widget, "value", None) for field in self.query(Field)}

    @property
    def edited(self) -> bool:
        return self.entered_values() != getattr(self, "initial_values", {})

    def action_cancel(self) -> None:
        if not self.edited:
            self.dismiss(None)
            return
        from .confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("form.discard_title"), _("form.discard_question"),
                                           yes=_("button.discard"), no=_("button.keep_editing")), answered)

    def show_service_error(self, error: ExitTuiError) -> None:
        """On the field the error names (focused, so the user can correct it at once), else as a notice."""
        name = getattr(error, "field", None)
        fields = self.query(f"#field-{name}") if name else []
        if fields:
            field = fields.first(Field)
            field.show_error(str(error))
            field.widget.focus()
            field.call_after_refresh(field.scroll_visible, animate=False)  # the error line under it too
        else:
            self.notify(str(error), severity="error")
