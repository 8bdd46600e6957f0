"""Constants and small helpers shared by the tests (a plain module: `from tests.helpers import TODAY`)."""

import sqlite3
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from exit_tui.domain.schedule import ProjectDates
from exit_tui.i18n import get_language, set_language
from exit_tui.services.readmodels import ProjectRead

#: "Today" in every test that needs one (the demo project is laid out around it).
TODAY = date(2026, 11, 28)

#: A realistic contract-expiry project: decision, contract end, handover day T, end of service continuation.
SAMPLE_DATES = ProjectDates(
    decision=date(2026, 6, 1),
    contract_end=date(2026, 12, 31),
    handover=date(2027, 1, 10),
    continuation_end=date(2027, 4, 10),
)

#: Keyword arguments for services.projects.create_project matching SAMPLE_DATES.
PROJECT_ARGS = {
    "name": "锦绣华庭物业退出",
    "exit_type": "contract-expiry",
    "decision": "2026-06-01",
    "contract_end": "2026-12-31",
    "handover": "2027-01-10",
    "continuation_end": "2027-04-10",
    "units": 800,
    "address": "上海市浦东新区锦绣路1号",
}


def count_rows(backend, model) -> int:
    """How many rows a table has (one read-only Backend.call)."""
    return backend.call(lambda session: session.exec(select(func.count()).select_from(model)).one())


def _demo_project(session) -> ProjectRead:
    from exit_tui.services.demo import create_demo

    return create_demo(session, TODAY)


def _sample_project(session) -> ProjectRead:
    from exit_tui.services.projects import create_project

    return create_project(session, **PROJECT_ARGS)


class DatabaseTemplates:
    """Databases built once per test process and copied into each test's folder: a copy takes milliseconds,
    while creating the schema and a project takes a third of a second or more (the demo grows with every area
    it fills). Each is built on first use, so tests that need no database never pay for one.

    Templates: `empty` (schema only), `demo` (create_demo(TODAY)) and `project` (create_project(**PROJECT_ARGS));
    an area whose tests need another starting point adds a builder to BUILDERS."""

    BUILDERS = {"empty": None, "demo": _demo_project, "project": _sample_project}

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory | None = None
        self._projects: dict[str, ProjectRead | None] = {}

    def _build(self, name: str) -> Path:
        from exit_tui.services.backend import Backend

        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="exit-tui-templates-")
        path = Path(self._folder.name) / f"{name}.db"
        if name not in self._projects:
            builder = self.BUILDERS[name]
            backend = Backend.open(str(path))
            previous = get_language()
            set_language("zh")  # a demo stores some texts in the language it is made in (a facility's unit 项)
            try:
                self._projects[name] = backend.call(builder) if builder else None
            finally:
                set_language(previous)
                backend.close()  # the last connection closed: the WAL is checkpointed into the file
        return path

    def copy(self, name: str, destination: Path) -> Path:
        """A fresh copy of template `name` at `destination` (sqlite backup API, safe with WAL)."""
        source = self._build(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(destination)) as dst:
            src.backup(dst)
        return destination

    def project(self, name: str) -> ProjectRead:
        """The project template `name` holds, as its builder returned it (the same in every copy)."""
        self._build(name)
        return self._projects[name]

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
            self._projects.clear()


#: The templates of this test process (conftest removes them at the end of the session).
TEMPLATES = DatabaseTemplates()
