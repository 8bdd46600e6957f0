"""What every project screen shares: translated bindings, header title, reload when shown, requests."""

from typing import TYPE_CHECKING

from textual.screen import Screen

from ..bindings import Localized

if TYPE_CHECKING:
    from ..app import ExitApp


class ProjectScreen(Localized, Screen):
    """A screen about the open project, one area of the registry (ui/registry.py). Subclasses load their data
    in `reload()` (through a worker) and read what another screen asked them to show with `take_request()`."""

    app: "ExitApp"
    area: str = ""
    """This screen's mode in the registry (set when the registry creates it)."""

    def __init__(self) -> None:
        super().__init__()
        self._resume_pending = False
        self._shown_state: tuple | None = None
        """(project, newest audit entry, today) when the screen last loaded on being shown."""

    def on_screen_resume(self) -> None:
        # Textual may send ScreenResume more than once for one switch: load once, when the screen is drawn.
        if not self._resume_pending:
            self._resume_pending = True
            self.app.after_frame(self._resumed)

    def _resumed(self) -> None:
        self._resume_pending = False
        self.app.refresh_title()
        if self.app.project is not None:
            # Every write adds an audit entry: when none was added since this screen last loaded (and the day
            # and the project are the same), what it shows is still true and switching to it rebuilds nothing.
            self.app.call_service("audit.last_entry_id", then=self._reload_if_changed)

    def _reload_if_changed(self, last_entry: int) -> None:
        if self.app.project is None:
            return
        state = (self.app.project.id, last_entry, self.app.today)
        if state != self._shown_state or self.app.has_request(self.area):
            self._shown_state = state
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def take_request(self) -> object | None:
        """The request sent with `app.show(mode, request)` since the last call (each is taken once), or None."""
        return self.app.take_request(self.area)

    def palette_commands(self) -> list:
        """Screen-specific (title, help, callback) entries for the command palette."""
        return []
