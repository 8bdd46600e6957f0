"""Constants and small helpers shared by the tests (a plain module: `from tests.helpers import TODAY`)."""

import sqlite3
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from exit_tui.domain.schedule import ProjectDates
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


class DatabaseTemplates:
    """Databases built once per test process and copied into each test's folder: a copy takes milliseconds,
    while creating the schema and the demo project takes a third of a second or more (and grows with every
    area the demo fills). Built on first use, so tests that need no database never pay for one."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory | None = None
        self._demo: ProjectRead | None = None

    def _path(self, name: str) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="exit-tui-templates-")
        return Path(self._folder.name) / f"{name}.db"

    def _build(self, name: str) -> Path:
        from exit_tui.services.backend import Backend
        from exit_tui.services.demo import create_demo

        path = self._path(name)
        if not path.exists():
            backend = Backend.open(str(path))
            try:
                if name == "demo":
                    self._demo = backend.call(create_demo, TODAY)
            finally:
                backend.close()  # the last connection closed: the WAL is checkpointed into the file
        return path

    def copy(self, name: str, destination: Path) -> Path:
        """A fresh copy of the `empty` (schema only) or `demo` database at `destination` (sqlite backup API)."""
        source = self._build(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(destination)) as dst:
            src.backup(dst)
        return destination

    @property
    def demo_project(self) -> ProjectRead:
        """The demo project as create_demo(TODAY) returned it (the same in every copy)."""
        self._build("demo")
        return self._demo

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


#: The templates of this test process (conftest removes them at the end of the session).
TEMPLATES = DatabaseTemplates()
