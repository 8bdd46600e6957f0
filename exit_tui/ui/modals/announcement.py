"""Announcements (公告): a new draft from a template, and one version's text. A draft is edited as typed, with its
merge fields (`{项目名称}` …) filled when it is read and frozen when it is issued; the fields it uses that have no
value are named, so nothing goes out with a blank nobody noticed. An issued version is read only: `v` on the list
makes a new version from it.
"""

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from ...domain.announcements import FIELDS, templates
from ...i18n import _, get_language
from ..bindings import Localized
from .form import Field, FormScreen


class DraftDialog(Localized, FormScreen[str | None]):
    """Choose a template and a language: a new draft of it (dismissed with its public id)."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "save", "key.save", id="save"),
    ]

    def __init__(self, project_id: int, today: Any) -> None:
        super().__init__()
        self.project_id, self.today = project_id, today

    def compose(self) -> ComposeResult:
        language = get_language()
        with Vertical(classes="dialog", id="draft-dialog"):
            yield Label(Text(_("announcement.new_title"), style="bold"), classes="dialog-title")
            options = [(f"{t.name(language)} — {t.audience(language)}", t.key) for t in templates()]
            yield Field(_("announcement.template"), Select(options, value=options[0][1], allow_blank=False,
                                                             id="template"), "template")
            yield Field(_("announcement.language"),
                        Select([("中文", "zh"), ("English", "en")], value=language, allow_blank=False,
                               id="language"), "language")
            with Horizontal(classes="buttons"):
                yield Button(_("button.save"), id="save", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#template", Select).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        template = self.query_one("#template", Select).value
        language = self.query_one("#language", Select).value
        self.app.call_service("announcements.draft", self.project_id, template, language, self.today,
                              then=lambda draft: self.dismiss(draft.public_id), on_error=self.show_service_error)


class AnnouncementDialog(Localized, ModalScreen[str | None]):
    """One version: a draft's title and text as typed (ctrl+s saves), or an issued version's frozen text."""

    DEFAULT_CSS = """
    AnnouncementDialog #body { height: 1fr; min-height: 8; }
    AnnouncementDialog #hint { width: 1fr; height: auto; }
    """

    BINDINGS = [
        Binding("escape", "close", "key.close", id="close"),
        Binding("ctrl+s", "save", "key.save", id="save"),
    ]

    def __init__(self, announcement: Any, project_id: int, today: Any) -> None:
        super().__init__()
        self.announcement, self.project_id, self.today = announcement, project_id, today
        self.draft = announcement.status == "draft"
        self.saved: str | None = None
        self.typed: tuple[str, str] | None = None
        """The draft's title and text as last read or saved (closing with other text asks first)."""

    def compose(self) -> ComposeResult:
        a = self.announcement
        with Vertical(classes="dialog", id="announcement-dialog"):
            status = _(f"parties.announcement_status.{a.status}")
            heading = _("announcement.heading", id=a.public_id, version=a.version, status=status)
            if a.issued_on:
                heading += "  " + _("announcement.issued_on", day=a.issued_on.isoformat())
            if a.supersedes:
                heading += "  " + _("announcement.supersedes", id=a.supersedes)
            yield Label(Text(heading, style="bold"), classes="dialog-title")
            yield Input(a.title, id="title", disabled=not self.draft)
            yield TextArea(a.body, id="body", read_only=not self.draft, soft_wrap=True, show_line_numbers=False)
            yield Label(Text(_("announcement.loading") if self.draft else _("announcement.frozen"), style="dim"),
                        id="hint")
            with Horizontal(classes="buttons"):
                if self.draft:
                    yield Button(_("button.save"), id="save", variant="primary")
                yield Button(_("button.close"), id="close")

    def on_mount(self) -> None:
        if self.draft:  # the text as typed, with its merge fields, and the fields that would print blank
            self.app.call_service("announcements.draft_text", self.project_id, self.announcement.public_id,
                                  self.today, then=self._typed)
        self.query_one("#body", TextArea).focus()

    def _typed(self, text: Any) -> None:
        self.query_one("#title", Input).value = text.title
        self.query_one("#body", TextArea).text = text.body
        self.typed = (text.title, text.body)
        names = (f.key if self.announcement.language == "en" else f.zh for f in FIELDS)
        hint = _("announcement.fields_help", fields=" ".join("{" + name + "}" for name in names))
        if text.blanks:
            hint += "\n" + _("announcement.blanks", fields="、".join(text.blanks))
        self.query_one("#hint", Label).update(Text(hint, style="yellow" if text.blanks else "dim"))

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_close()

    def action_save(self) -> None:
        if not self.draft:
            return
        title = self.query_one("#title", Input).value
        body = self.query_one("#body", TextArea).text

        def saved(read: Any) -> None:
            self.saved = read.public_id
            self.notify(_("announcement.saved", id=read.public_id))
            self.app.call_service("announcements.draft_text", self.project_id, read.public_id, self.today,
                                  then=self._typed)

        self.app.call_service("announcements.update_draft", self.project_id, self.announcement.public_id,
                              self.today, title=title, body=body, then=saved,
                              on_error=lambda error: self.notify(str(error), severity="error"))

    def action_close(self) -> None:
        shown = (self.query_one("#title", Input).value, self.query_one("#body", TextArea).text)
        if not self.draft or self.typed is None or shown == self.typed:
            self.dismiss(self.saved or "")
            return
        from .confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(_("form.discard_title"), _("form.discard_question"),
                                           yes=_("button.discard"), no=_("button.keep_editing")),
                             lambda discard: self.dismiss(self.saved or "") if discard else None)
