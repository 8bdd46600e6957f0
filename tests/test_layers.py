"""Layering: the core (domain, db, services, io) and the CLI's start path never import Textual or openpyxl."""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "exit_tui"
CORE = ("domain", "db", "services", "io", "i18n")


def _core_modules() -> list[str]:
    names = ["exit_tui.config", "exit_tui.cli"]
    for layer in CORE:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if path.parent.name == "migrations" and path.name == "env.py":
                continue  # only Alembic runs it (it needs Alembic's context); the revisions are scanned
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _python(code: str, tmp_path: Path) -> dict:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EXIT_TUI_HOME": str(tmp_path / "home"),
           "LANG": "C.UTF-8"}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_scan_finds_every_core_module():
    modules = _core_modules()
    for expected in ("exit_tui.domain.schedule", "exit_tui.db.engine", "exit_tui.services.checklist",
                     "exit_tui.services.backend", "exit_tui.i18n.labels", "exit_tui.cli"):
        assert expected in modules
    assert not any(".ui" in name for name in modules)


def test_core_modules_do_not_import_textual_or_openpyxl(tmp_path):
    modules = _core_modules()
    loaded = _python(
        f"""
        import importlib, json, sys
        for name in {modules!r}:
            importlib.import_module(name)
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "openpyxl"))))
        """,
        tmp_path,
    )
    assert loaded == []


def test_cli_headless_commands_do_not_import_textual_or_openpyxl(tmp_path):
    result = _python(
        """
        import contextlib, io, json, sys
        from exit_tui import cli
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            codes = [
                cli.main(["new", "--name", "A", "--type", "transfer", "--decision", "2026-06-01",
                          "--contract-end", "2026-12-31", "--handover", "2027-01-10"]),
                cli.main(["projects"]),
                cli.main(["backup"]),
            ]
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "openpyxl"))
        print(json.dumps({"codes": codes, "heavy": heavy, "ui": [m for m in sys.modules if m.startswith("exit_tui.ui")]}))
        """,
        tmp_path,
    )
    assert result == {"codes": [0, 0, 0], "heavy": [], "ui": []}


@pytest.mark.skipif(shutil.which("lint-imports") is None and not (Path(sys.executable).parent / "lint-imports").exists(),
                    reason="import-linter is not installed")
def test_import_linter_contracts_are_kept():
    command = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_the_ui_loads_without_the_database_stack(tmp_path):
    """The app's first frame needs Textual only: SQLAlchemy/SQLModel load in the first service worker."""
    loaded = _python(
        """
        import json, sys
        import exit_tui.cli, exit_tui.ui.app
        print(json.dumps([m for m in ("sqlalchemy", "sqlmodel", "openpyxl") if m in sys.modules]))
        """,
        tmp_path,
    )
    assert loaded == []


def test_every_service_the_ui_names_exists():
    import importlib
    import re

    names = set()
    for path in (PACKAGE / "ui").rglob("*.py"):
        names |= set(re.findall(r'call_service\(\s*"([a-z_.]+\.[a-z_]+)"', path.read_text("utf-8")))
    assert len(names) >= 10
    for name in sorted(names):
        module, function = name.rsplit(".", 1)
        package = "exit_tui" if module.startswith("io.") else "exit_tui.services"
        assert callable(getattr(importlib.import_module(f"{package}.{module}"), function)), name
