"""The Textual application: screens as modes, global keys, command palette, themes, service workers."""

import importlib
import threading
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from ..config import Settings, State
from ..errors import ExitTuiError
from ..i18n import _, _n
from ..i18n.labels import days_text
from ..services.quickstart import quick_dashboard
from ..services.readmodels import Dashboard, PlanChange, ProjectRead, ReplanPreview
from .bindings import Localized
from .commands import AppCommands
from .modals.message import MessageScreen
from .modals.project_switcher import ProjectSwitcher
from .registry import AREAS, areas, keyed_areas
from .screens.welcome import WelcomeScreen

if TYPE_CHECKING:
    from ..services.backend import Backend

def _open_failure(error: Exception) -> str:
    """One line for the user: our own errors say it already; others get their type and first line."""
    if isinstance(error, ExitTuiError):
        return str(error)
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


class StartScreen(Screen):
    """Shown for the first frame while the database opens. Static on purpose: an animation would compete
    with the worker that imports the database stack for the interpreter lock."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("start.loading"), id="start-loading")
        yield Footer()


class ExitApp(Localized, App[None]):
    TITLE = "exit-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {AppCommands}
    BINDINGS = [
        Binding("p", "switch_project", "key.switch_project", tooltip="tip.switch_project", show=False,
                id="switch-project"),
        Binding("question_mark,f1", "help", "key.help", tooltip="tip.help", id="help"),
        Binding("r", "replan", "key.replan", tooltip="tip.replan", show=False, id="replan"),
        Binding("ctrl+z", "undo", "key.undo", tooltip="tip.undo", show=False, id="undo"),
        Binding("e", "export", "key.export", tooltip="tip.export", show=False, id="export"),
        Binding("i", "import", "key.import", tooltip="tip.import", show=False, id="import"),
        Binding("q", "quit", "key.quit", tooltip="tip.quit", show=False, id="quit"),
        # Textual's own palette binding, declared here so that it is translated with the others.
        Binding("ctrl+p", "command_palette", "palette", tooltip="Open the command palette", show=False,
                priority=True),
    ]

    @classmethod
    def creation_bindings(cls) -> list[Binding]:
        """The areas' keys (from the registry), then the app's own."""
        return [area.binding() for area in keyed_areas()] + cls.BINDINGS

    def __init__(
        self,
        backend: "Backend | Callable[[], Backend]",
        *,
        state: State | None = None,
        settings: Settings | None = None,
        project_id: int | None = None,
        db_key: str = "",
        today: date | None = None,
        demo: bool = False,
        demo_backend: "Callable[[], Backend] | None" = None,
        demo_key: str = "",
    ) -> None:
        """`backend` is an open Backend or a function that opens one: then the database (and SQLAlchemy) is
        opened by the first service call, in a worker, after the first frame. `demo` opens the demo project
        (creating it in this database if it is not there yet). `demo_backend` opens the demo's own database
        (`demo_key` names it): "open the demo" switches to it, never writing the demo into the user's data."""
        self.instant_dashboard = self._quick_dashboard(state, db_key, project_id, today)
        """The start project's figures read before the database opened, for the dashboard's first frame (taken by
        it once). With them the app starts in the dashboard's mode, its first screen the dashboard (Textual's
        DEFAULT_MODE, read by App.__init__, and get_default_screen): no start screen is built, no mode switch
        restyles the app, and the dashboard is composed after Textual's start-up batch, so that its first
        frame is written (one composed inside that batch is drawn, dropped, and drawn again)."""
        if self.instant_dashboard is not None:
            self.DEFAULT_MODE = "dashboard"
        super().__init__()
        self._backend = backend if not callable(backend) else None
        self._open_backend = backend if callable(backend) else None
        self._backend_lock = threading.Lock()
        self._demo = demo
        self._demo_backend, self._demo_key = demo_backend, demo_key
        self.state = state
        self.settings = settings or Settings()
        self.db_key = db_key
        self._start_project = project_id
        self._today = today
        self.project: ProjectRead | None = None
        self._requests: dict[str, object] = {}
        for area in areas():  # the screens are created (and their modules imported) when first shown
            if area.mode != self.DEFAULT_MODE:  # the first screen's mode is added once it is shown (on_mount)
                self.add_mode(area.mode, area.create)
        self._after_frame: list[Callable[[], Any]] = []
        theme = self.settings.theme or (state.get("theme") if state else None)
        if theme in self.available_themes:
            self.theme = theme

    @property
    def today(self) -> date:
        """The working date (fixed in tests and screenshots)."""
        return self._today or date.today()

    def get_default_screen(self) -> Screen:
        return AREAS[self.DEFAULT_MODE].create() if self.DEFAULT_MODE in AREAS else StartScreen()

    def on_mount(self) -> None:
        # Frame 1 is the dashboard with its quick figures (it then loads the live ones itself once drawn), else
        # the start screen. Work that opens the database waits until a frame is on screen, so that importing its
        # stack in a worker does not compete with drawing it.
        if self.DEFAULT_MODE in AREAS:
            self.add_mode(self.DEFAULT_MODE, AREAS[self.DEFAULT_MODE].create)
        else:
            self.after_frame(self._open_start_project)

    def after_frame(self, callback: Callable[[], Any]) -> None:
        """Run `callback` on the UI thread once the next frame has been written to the terminal."""
        self._after_frame.append(callback)

    def post_display_hook(self) -> None:
        pending, self._after_frame = self._after_frame, []
        for callback in pending:
            self.call_later(callback)

    def _open_start_project(self) -> None:
        if self._demo:
            self.call_service("demo.open_or_create_demo", self.today, then=lambda p: self.open_project(p.id))
        elif self._start_project is not None:
            self.open_project(self._start_project)
        else:
            self.call_service("projects.list_projects", then=self._choose_start_project)

    def _last_project(self) -> int | None:
        return self.state.get(f"last_project:{self.db_key}") if self.state else None

    @staticmethod
    def _quick_dashboard(state: State | None, db_key: str, project_id: int | None,
                         today: date | None) -> Dashboard | None:
        """The start project's dashboard read without the database stack (services/quickstart.py), or None.
        Nothing remembered is used but the last project, so how the last session ended does not matter."""
        project_id = project_id or (state.get(f"last_project:{db_key}") if state else None)
        return quick_dashboard(db_key, project_id, today or date.today()) if project_id is not None else None

    def _choose_start_project(self, rows: list[ProjectRead]) -> None:
        last = self._last_project()
        by_id = {p.id: p for p in rows}
        if last in by_id:
            self.open_project(last)
        elif len(rows) == 1:
            self.open_project(rows[0].id)
        elif rows:
            self.action_switch_project()
        else:
            self.push_screen(WelcomeScreen())

    # -- services -------------------------------------------------------------------------------------

    @property
    def backend(self) -> "Backend":
        """The open database; opened on first use (call it from a worker thread)."""
        with self._backend_lock:
            if self._backend is None:
                self._backend = self._open_backend()
            return self._backend

    def close_backend(self) -> None:
        """After the app has run: close the database (if it was opened). Nothing else is needed at quit."""
        if self._backend is not None:
            self._backend.close()

    def call_service(
        self,
        service: str,
        /,
        *args: Any,
        then: Callable[[Any], None] | None = None,
        on_error: Callable[[ExitTuiError], None] | None = None,
        group: str = "service",
        exclusive: bool = False,
        session: bool = True,
        prepare: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Run the function `service` in a thread worker, as `function(session, *args, **kwargs)` in one
        transaction; deliver the result or error on the UI thread. `service` is "module.function" under
        exit_tui.services, or "io.module.function" under exit_tui.io (spreadsheets).

        Modules are imported in the worker, so the database stack and openpyxl never load on the UI thread.
        With `exclusive`, a newer call in the same group supersedes an older one, whose result is dropped.
        With `session=False` the function is called without a session (and the database is not opened).
        `prepare(result)`, when given, also runs in the worker, and `then` receives what it returns (a register
        table's rows made ready to show, so that 100,000 of them do not hold up the screen).
        """
        job = partial(self._run_service, service, args, kwargs, then, on_error, session, prepare)
        self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _run_service(self, service, args, kwargs, then, on_error, session, prepare=None) -> None:
        worker = get_current_worker()
        module, function = service.rsplit(".", 1)
        package = "exit_tui" if module.startswith("io.") else "exit_tui.services"
        try:
            fn = getattr(importlib.import_module(f"{package}.{module}"), function)
            call = partial(self.backend.call, fn) if session else fn
        except Exception as error:  # noqa: BLE001 - no database to work on (too new, unreadable, locked): stop
            self.call_from_thread(self.exit, return_code=1, message=Text(f"exit-tui: {_open_failure(error)}"))
            return
        try:
            result = call(*args, **kwargs)
            if prepare is not None:
                result = prepare(result)
        except ExitTuiError as error:  # bad input, a refused file, a locked target: the user can act on it
            if not worker.is_cancelled:
                self.call_from_thread(on_error or self.show_user_error, error)
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, never swallowed silently
            self.call_from_thread(self.show_failure, error)
            return
        if then is not None and not worker.is_cancelled:
            self.call_from_thread(then, result)

    def show_user_error(self, error: ExitTuiError) -> None:
        self.notify(str(error), title=_("notify.not_done"), severity="error")

    def show_failure(self, error: Exception) -> None:
        self.log.error(repr(error))
        self.push_screen(MessageScreen(_("error.unexpected_title"), _("error.unexpected", error=repr(error))))

    # -- projects -------------------------------------------------------------------------------------

    def open_project(self, project_id: int) -> None:
        self.call_service("projects.get_project", project_id, then=self._project_loaded)

    def _project_loaded(self, project: ProjectRead) -> None:
        self.project = project
        self.refresh_title()
        if self.state:
            self.state.set(f"last_project:{self.db_key}", project.id)
        if self.current_mode in AREAS:
            self.mode_screen.reload()
        else:
            self.switch_mode("dashboard")

    @property
    def mode_screen(self) -> Screen:
        """The current mode's own screen (the dashboard, the checklist …), below any open dialog."""
        return self.screen_stack[0]

    def refresh_title(self) -> None:
        if self.project is None:
            self.title, self.sub_title = "exit-tui", ""
            return
        self.title = self.project.name
        self.sub_title = _("header.days_to_t", days=days_text((self.project.handover - self.today).days))

    # -- actions --------------------------------------------------------------------------------------

    def _project_needed(self) -> bool:
        """True when no project is open (and the user has been told to open one)."""
        if self.project is None:
            self.notify(_("notify.no_project"), severity="warning")
        return self.project is None

    def action_show(self, mode: str) -> None:
        self.show(mode)

    def show(self, mode: str, request: object | None = None) -> None:
        """Show the screen of area `mode` (ui/registry.py). `request` says what to show there (e.g. a
        ChecklistRequest); the screen takes it when it next loads (`ProjectScreen.take_request`)."""
        if self._project_needed():
            return
        if request is not None:
            self._requests[mode] = request
        if self.current_mode != mode:
            self.switch_mode(mode)
        elif request is not None:
            self.mode_screen.reload()

    def has_request(self, mode: str) -> bool:
        """Whether a request waits for `mode` (sent by `show`, not yet taken)."""
        return mode in self._requests

    def take_request(self, mode: str) -> object | None:
        """The request last sent to `mode` by `show`, once."""
        return self._requests.pop(mode, None)

    def action_switch_project(self) -> None:
        def chosen(project_id: int | None) -> None:
            if project_id is not None:
                self.open_project(project_id)
            elif self.project is None and not isinstance(self.screen, WelcomeScreen):
                self.push_screen(WelcomeScreen())

        self.push_screen(ProjectSwitcher(), chosen)

    def action_export(self) -> None:
        """Write the handover package (every schedule, printable, signable) to a file the user chooses."""
        if self._project_needed():
            return
        from .modals.export_dialog import ExportDialog

        def written(path) -> None:
            if path is not None:
                self.notify(_("dialog.export_done", path=str(path)), timeout=10)

        self.push_screen(ExportDialog(), written)

    def action_export_calendar(self) -> None:
        """Write open tasks and statutory deadlines as an .ics file for a phone calendar."""
        if self._project_needed():
            return
        from .modals.calendar_dialog import CalendarDialog

        def written(result) -> None:
            if result is not None:
                self.notify(_n("calendar.done", result.events, count=result.events, path=str(result.path)), timeout=10)

        self.push_screen(CalendarDialog(), written)

    def action_import(self) -> None:
        """Read a spreadsheet back: preview every change and rejected row, then apply all or nothing."""
        if self._project_needed():
            return
        from .modals.import_dialog import ImportPicker, ImportPreview

        def applied(report) -> None:
            if report is not None:
                self.notify(_("dialog.import_done", added=len(report.added), changed=report.changed_rows,
                              rejected=report.rejected_rows), timeout=10)
                self.mode_screen.reload()

        def picked(path) -> None:
            if path is not None:
                self.push_screen(ImportPreview(path), applied)

        self.push_screen(ImportPicker(), picked)

    def action_replan(self) -> None:
        """Change a project date: the form, then a preview of every move and statutory flag, then apply."""
        if self._project_needed():
            return
        from .modals.replan import ProjectDateForm

        self.push_screen(ProjectDateForm(self.project), self.preview_replan)

    def preview_replan(self, change: PlanChange | None) -> None:
        """Preview `change` and apply it when the user confirms (one audited transaction)."""
        if change is None:
            return
        from .modals.replan import ReplanDialog

        def applied(done: ReplanPreview) -> None:
            self.notify(_n("replan.applied", len(done.moves), n=len(done.moves)))
            self.call_service("projects.get_project", self.project.id, then=self._project_loaded)

        def answered(apply: bool | None) -> None:
            if apply:
                self.call_service("timeline.apply_replan", self.project.id, change, then=applied)
            else:
                self.notify(_("replan.cancelled"))

        def previewed(preview: ReplanPreview) -> None:
            field = _(f"field.{change.anchor}") if change.anchor else change.task
            title = _("replan.title_date", field=field, date=change.value)
            self.push_screen(ReplanDialog(title, preview), answered)

        self.call_service("timeline.preview_replan", self.project.id, change, then=previewed)

    def action_undo(self) -> None:
        """Undo the project's last change (itself audited; pressing again restores it)."""
        if self._project_needed():
            return

        def undone(change) -> None:
            rows = ", ".join(change.rows[:5]) + (" ..." if len(change.rows) > 5 else "")
            self.notify(_("undo.done", who=change.actor, at=f"{change.at.astimezone():%H:%M:%S}", rows=rows),
                        timeout=8)
            self.call_service("projects.get_project", self.project.id, then=self._project_loaded)

        self.call_service("undo.undo_last", self.project.id, then=undone)

    def action_help(self) -> None:
        from .modals.help import HelpScreen  # not needed for the first frame

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_new_project(self) -> None:
        from .modals.project_form import ProjectForm

        self.push_screen(ProjectForm(), lambda project_id: project_id and self.open_project(project_id))

    def action_open_demo(self) -> None:
        """Open the demo project in the demo's own database (the app switches to it; the user's is untouched)."""
        if not self._demo:
            if self._demo_backend is None:  # an app given one database only (tests): nowhere to put the demo
                self.notify(_("notify.demo_unavailable"), severity="warning")
                return
            self.use_database(self._demo_backend, self._demo_key)
            self._demo = True
        self.call_service("demo.open_or_create_demo", self.today, then=lambda project: self.open_project(project.id))

    def use_database(self, backend: "Callable[[], Backend]", db_key: str) -> None:
        """Work on another database from now on (opened by the next service call); the current one is closed."""
        with self._backend_lock:
            previous, self._backend = self._backend, None
            self._open_backend, self.db_key = backend, db_key
        self.project = None
        if previous is not None:
            previous.close()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("palette.placeholder")))

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("palette.themes")))

    def watch_theme(self, theme: str) -> None:
        if self.state and self.is_running:
            self.state.set("theme", theme)

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Every screen and app action for the command palette, in the current language."""
        commands = [(_(area.name), _(area.tip), partial(self.show, area.mode)) for area in areas()]
        commands += [
            (_("cmd.switch_project"), _("tip.switch_project"), self.action_switch_project),
            (_("cmd.new_project"), _("tip.new_project"), self.action_new_project),
            (_("cmd.open_demo"), _("tip.open_demo"), self.action_open_demo),
            (_("cmd.replan"), _("cmd.replan_help"), self.action_replan),
            (_("cmd.export"), _("tip.export"), self.action_export),
            (_("calendar.cmd"), _("calendar.tip"), self.action_export_calendar),
            (_("cmd.import"), _("tip.import"), self.action_import),
            (_("key.undo"), _("tip.undo"), self.action_undo),
            (_("key.help"), _("tip.help"), self.action_help),
        ]
        commands += getattr(self.screen, "palette_commands", lambda: [])()
        return commands

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette entries, translated (Keys opens our help screen)."""
        yield SystemCommand(_("sys.theme"), _("sys.theme_help"), self.action_change_theme)
        yield SystemCommand(_("sys.keys"), _("sys.keys_help"), self.action_help)
        yield SystemCommand(_("sys.screenshot"), _("sys.screenshot_help"),
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
        yield SystemCommand(_("sys.quit"), _("sys.quit_help"), self.action_quit)
