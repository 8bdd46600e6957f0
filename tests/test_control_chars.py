"""Control characters and bidi overrides (issue: a title imported with `ESC ]0;pwned BEL ESC [2J` changed the
terminal's title and cleared the screen): removed on the way in, reported in the import preview, escaped on the
way out of the CLI (and of the TUI's tables, tests/test_register_table.py)."""

from exit_tui.cli import main
from exit_tui.domain.text import printable, visible, without_controls
from exit_tui.services import checklist, projects
from exit_tui.services.imports import import_rows
from exit_tui.services.readmodels import ImportRow, TaskChanges
from exit_tui.services.task_import import TaskImport
from tests.helpers import PROJECT_ARGS, TODAY

ATTACK = "移交\x1b]0;pwned\x07钥匙\x1b[2J\u202e清单"


def test_the_text_helpers():
    assert without_controls(ATTACK) == ("移交]0;pwned钥匙[2J清单", 4)
    assert without_controls("第一行\r\n第二行\t列") == ("第一行\n第二行\t列", 0)  # a Windows line break is no attack
    assert visible("a\x1bb\nc\u202e") == "a\\x1bb\\x0ac\\u202e"
    assert printable("a\x1bb\nc\td") == "a\\x1bb\nc\td"


def test_an_imported_title_loses_its_controls_and_the_preview_says_so(backend, demo):
    row = ImportRow("任务清单", 2, {"phase_no": 4, "title": ATTACK, "due_date": TODAY, "status": "todo"})
    preview = backend.call(import_rows, TaskImport, demo.id, [row], TODAY, apply=False)
    assert [(n.row, n.column) for n in preview.notes] == [(2, "title")] and "4" in preview.notes[0].reason
    applied = backend.call(import_rows, TaskImport, demo.id, [row], TODAY, apply=True)
    assert backend.call(checklist.get_task, demo.id, applied.added[0], TODAY).title_zh == "移交]0;pwned钥匙[2J清单"


def test_typed_text_loses_its_controls(backend, demo):
    task = backend.call(checklist.update_task, demo.id, "T-0001",
                        TaskChanges(title=ATTACK, note="备注\x1b[31m红"), TODAY)
    assert "\x1b" not in task.title_zh + task.note and "\u202e" not in task.title_zh


def test_the_cli_prints_stored_controls_escaped(backend, capsys):
    """Data written before this release (or by another tool) still cannot reach the terminal raw."""
    project = backend.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
    db = backend.engine.url.database
    backend.close()
    import sqlite3

    with sqlite3.connect(db) as shell:  # as if written behind the app's back
        shell.execute("UPDATE project SET name = ? WHERE id = ?", ("锦绣\x1b]0;pwned\x07华庭", project.id))
    assert main(["--lang", "zh", "--db", db, "projects"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "锦绣\\x1b]0;pwned\\x07华庭" in out
