"""Shared fixtures. Constants live in tests/helpers.py (importable as `tests.helpers`)."""

import pytest

from exit_tui.i18n import get_language, set_language
from exit_tui.services import audit
from exit_tui.services.backend import Backend
from exit_tui.services.readmodels import ProjectRead
from tests.helpers import TEMPLATES


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Every test: files under a temporary EXIT_TUI_HOME, no database or locale from the caller's
    environment, Chinese texts, and the global audit actor put back afterwards."""
    monkeypatch.setenv("EXIT_TUI_HOME", str(tmp_path / "home"))
    for variable in ("EXIT_TUI_DB", "LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(audit, "_actor", audit._actor)  # restored on teardown, whatever a test sets
    previous = get_language()
    set_language("zh")
    yield
    set_language(previous)


@pytest.fixture(scope="session", autouse=True)
def database_templates():
    """The session's template databases (built on first use, copied per test), removed at the end."""
    yield TEMPLATES
    TEMPLATES.close()


@pytest.fixture
def backend(request, tmp_path):
    """A database of its own in the test's tmp folder: a copy of the session's template holding the demo
    project when the test also asks for `demo`, the sample project for `project`, else an empty one."""
    names = request.fixturenames
    template = "demo" if "demo" in names else "project" if "project" in names else "empty"
    opened = Backend.open(str(TEMPLATES.copy(template, tmp_path / "t.db")))
    yield opened
    opened.close()


@pytest.fixture
def demo(backend) -> ProjectRead:
    """The demo project (1,200 units, contract expiry) laid out around TODAY, in `backend`."""
    return TEMPLATES.project("demo")


@pytest.fixture
def project(backend) -> ProjectRead:
    """A project made from PROJECT_ARGS (tests/helpers.py), in `backend`."""
    return TEMPLATES.project("project")
