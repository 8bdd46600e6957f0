"""exit_tui.cli.main in-process: headless commands, database selection, languages, exit codes.

`demo` and the bare command open the TUI and are not run here.
"""

import os
import sqlite3
from pathlib import Path

import pytest

from exit_tui import cli
from exit_tui.db import engine as db_engine
from exit_tui.i18n import en, zh
from exit_tui.services import audit
from exit_tui.services.backend import Backend

NEW = ["new", "--name", "锦绣华庭", "--type", "contract-expiry", "--decision", "2026-06-01",
       "--contract-end", "2026-12-31", "--handover", "2027-01-10", "--units", "1200"]


@pytest.fixture
def home() -> Path:
    return Path(os.environ["EXIT_TUI_HOME"])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as caught:
        cli.main(list(argv))
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err


def _projects(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT public_id, name, units, exit_type FROM project ORDER BY id").fetchall()
    finally:
        connection.close()


def test_new_prints_the_project_id_and_projects_lists_it(capsys, home):
    assert run(capsys, *NEW) == (0, "P-0001\n", "")
    assert _projects(home / "data" / "exit_tui.db") == [("P-0001", "锦绣华庭", 1200, "contract-expiry")]
    assert run(capsys, "--lang", "zh", *NEW[:2], "第二个", *NEW[3:]) == (0, "P-0002\n", "")
    code, out, err = run(capsys, "--lang", "zh", "projects")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "P-0001\t锦绣华庭\t合同到期退出\t合同到期日 2026-12-31\tT 2027-01-10",
        "P-0002\t第二个\t合同到期退出\t合同到期日 2026-12-31\tT 2027-01-10",
    ]
    code, out, _err = run(capsys, "--lang=en", "projects")
    assert out.splitlines()[0] == "P-0001\t锦绣华庭\tContract expiry\tContract end 2026-12-31\tT 2027-01-10"


def test_projects_on_an_empty_database(capsys):
    assert run(capsys, "--lang", "zh", "projects") == (0, zh.MESSAGES["cli.no_projects"] + "\n", "")
    assert run(capsys, "--lang", "en", "projects") == (0, en.MESSAGES["cli.no_projects"] + "\n", "")


def test_db_option_uses_that_file(capsys, tmp_path, home):
    target = tmp_path / "elsewhere" / "exits.db"
    assert run(capsys, "--db", str(target), *NEW) == (0, "P-0001\n", "")
    assert _projects(target)[0][0] == "P-0001"
    assert not (home / "data" / "exit_tui.db").exists()
    code, out, _err = run(capsys, "--db", str(target), "projects")
    assert code == 0 and out.startswith("P-0001\t锦绣华庭\t")
    assert run(capsys, "--lang", "en", "projects")[1] == en.MESSAGES["cli.no_projects"] + "\n"  # default db: empty


def test_db_option_accepts_a_sqlite_url(capsys, tmp_path):
    target = tmp_path / "url.db"
    assert run(capsys, "--db", f"sqlite:///{target}", *NEW)[0] == 0
    assert _projects(target)[0][0] == "P-0001"


def test_exit_tui_db_environment_variable(capsys, tmp_path, home, monkeypatch):
    from_env = tmp_path / "env.db"
    monkeypatch.setenv("EXIT_TUI_DB", str(from_env))
    assert run(capsys, *NEW) == (0, "P-0001\n", "")
    assert _projects(from_env)[0][0] == "P-0001"
    assert not (home / "data" / "exit_tui.db").exists()
    from_option = tmp_path / "option.db"  # --db wins over the environment
    assert run(capsys, "--db", str(from_option), *NEW) == (0, "P-0001\n", "")
    assert len(_projects(from_env)) == 1 and len(_projects(from_option)) == 1


@pytest.mark.parametrize(
    ("changes", "key", "params"),
    [
        ({"--contract-end": "2026-13-45"}, "error.bad_date", {"value": "2026-13-45"}),
        ({"--handover": "2026-12-20"}, "error.handover_before_contract_end", {}),
        ({"--units": "many"}, "error.bad_units", {"value": "many"}),
        ({"--name": "   "}, "error.name_required", {}),
    ],
)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_user_errors_exit_1_with_one_line_in_the_language(capsys, home, changes, key, params, language):
    argv = list(NEW)
    for option, value in changes.items():
        argv[argv.index(option) + 1] = value
    code, out, err = run(capsys, "--lang", language, *argv)
    catalog = zh.MESSAGES if language == "zh" else en.MESSAGES
    assert (code, out) == (1, "")
    assert err == f"exit-tui: {catalog[key].format(**params)}\n"
    assert _projects(home / "data" / "exit_tui.db") == []


def test_error_messages_differ_by_language(capsys):
    argv = [*NEW[:-4], "--handover", "2026-12-20"]
    zh_err = run(capsys, "--lang", "zh", *argv)[2]
    en_err = run(capsys, "--lang", "en", *argv)[2]
    assert zh_err == "exit-tui: 合同到期退出时,移交日不能早于合同到期日\n"
    assert en_err == "exit-tui: For a contract-expiry exit, handover cannot be before the contract end\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["new", "--name", "X", "--contract-end", "2026-12-31", "--handover", "2027-01-10"],  # no --type
        ["new", "--name", "X", "--type", "sell-out", "--contract-end", "2026-12-31", "--handover", "2027-01-10"],
        ["frobnicate"],
        ["--lang", "fr", "projects"],
        ["projects", "--bogus"],
    ],
)
def test_usage_errors_exit_2(capsys, home, argv):
    err = usage_error(capsys, *argv)
    assert err.startswith("exit-tui: ")
    assert not (home / "data").exists()  # nothing opened or created


def test_usage_error_text_is_translated(capsys):
    assert usage_error(capsys, "--lang", "zh", "new").endswith(zh.MESSAGES["cli.usage_hint"] + "\n")
    err = usage_error(capsys, "--lang", "en", "new", "--name", "X")
    assert err.splitlines() == [err.splitlines()[0], en.MESSAGES["cli.usage_hint"]]
    assert "--type" in err.splitlines()[0]


def test_help_is_translated(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["--lang", "zh", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert zh.MESSAGES["cli.description"] in out and zh.MESSAGES["cli.cmd_backup"] in out
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "--help"])
    assert en.MESSAGES["cli.description"] in capsys.readouterr().out


def test_language_from_config_and_lang_option_wins(capsys, home):
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text('language = "en"\n', encoding="utf-8")
    assert run(capsys, "projects")[1] == en.MESSAGES["cli.no_projects"] + "\n"
    assert run(capsys, "--lang", "zh", "projects")[1] == zh.MESSAGES["cli.no_projects"] + "\n"


def test_language_from_locale(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert run(capsys, "projects")[1] == zh.MESSAGES["cli.no_projects"] + "\n"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run(capsys, "projects")[1] == en.MESSAGES["cli.no_projects"] + "\n"


def test_broken_config_exits_1(capsys, home):
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text("language = \n", encoding="utf-8")
    code, out, err = run(capsys, "projects")
    assert (code, out) == (1, "")
    assert err.startswith("exit-tui: ") and "config.toml" in err and err.count("\n") == 1


def test_configured_user_name_is_the_audit_actor(capsys, home):
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text('user_name = "王经理"\n', encoding="utf-8")
    assert run(capsys, *NEW)[0] == 0
    backend = Backend.open(str(home / "data" / "exit_tui.db"))
    try:
        entries = backend.call(audit.list_entries, 1)
    finally:
        backend.close()
    assert {e.actor for e in entries} == {"王经理"}
    assert (entries[-1].action, entries[-1].public_id) == ("create", "P-0001")  # then its phases and tasks


def test_newer_database_exits_1(capsys, tmp_path):
    target = tmp_path / "newer.db"
    assert run(capsys, "--db", str(target), *NEW)[0] == 0
    connection = sqlite3.connect(target)
    connection.execute("UPDATE schema_info SET version = ?", (db_engine.SCHEMA_VERSION + 5,))
    connection.commit()
    connection.close()
    code, out, err = run(capsys, "--db", str(target), "projects")
    assert (code, out) == (1, "")
    assert err.startswith("exit-tui: database schema version") and err.count("\n") == 1


def test_backup_writes_a_readable_copy(capsys, home):
    assert run(capsys, *NEW)[0] == 0
    code, out, err = run(capsys, "backup")
    assert (code, err) == (0, "")
    copy = Path(out.strip())
    assert copy.parent == home / "data"
    assert copy.name.startswith("exit_tui.backup-") and copy.suffix == ".db"
    assert _projects(copy) == [("P-0001", "锦绣华庭", 1200, "contract-expiry")]
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM task").fetchone()[0] > 100
    finally:
        connection.close()


def test_demo_reset_with_another_database_is_refused_before_opening_anything(capsys, tmp_path):
    target = tmp_path / "mine.db"
    code, out, err = run(capsys, "--lang", "en", "--db", str(target), "demo", "--reset")
    assert (code, out) == (1, "")
    assert err == f"exit-tui: {en.MESSAGES['cli.reset_demo_only']}\n"
    assert not target.exists()


# -- issue 9: which database, projects as a whole, backups, files --------------------------------------------------


def _demo_database(home: Path) -> Path:
    """The demo database as `exit-tui demo` leaves it (a copy of the session's demo template)."""
    from tests.helpers import TEMPLATES

    return TEMPLATES.copy("demo", home / "data" / "demo.db")


@pytest.mark.parametrize("command", [["projects"], ["backup"], ["export", "P-0001", "x.xlsx"],
                                     ["import", "P-0001", "x.csv"], ["audit", "--verify"], ["archive", "P-0001"]])
def test_a_mistyped_db_path_is_refused_and_nothing_is_created(capsys, tmp_path, command):
    target = tmp_path / "typo" / "exits.db"
    code, out, err = run(capsys, "--lang", "en", "--db", str(target), *command)
    assert (code, out) == (1, "")
    assert err == f"exit-tui: {en.MESSAGES['error.no_database'].format(path=target)}\n"
    assert not (tmp_path / "typo").exists()


def test_the_app_on_a_missing_db_path_asks_and_refuses_without_a_terminal(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_confirm", lambda question: False)
    target = tmp_path / "typo.db"
    code, out, err = run(capsys, "--db", str(target))
    assert (code, out) == (1, "") and err.startswith("exit-tui: ") and err.count("\n") == 1
    assert not target.exists()


def test_projects_on_the_default_database_before_any_creates_nothing(capsys, home):
    assert run(capsys, "--lang", "en", "projects") == (0, en.MESSAGES["cli.no_projects"] + "\n", "")
    assert not (home / "data").exists()


def test_a_server_url_without_its_driver_is_one_line_saying_what_to_install(capsys):
    code, out, err = run(capsys, "--lang", "en", "--db", "postgresql://someone@localhost/exits", "projects")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "uv pip install" in err and "psycopg" in err
    code, _out, err = run(capsys, "--db", "nosuchdb://x/y", "projects")
    assert code == 1 and err.count("\n") == 1


def test_demo_flag_reaches_the_demo_database_from_every_command(capsys, home, tmp_path):
    code, out, err = run(capsys, "--lang", "en", "--demo", "projects")
    assert (code, out, err) == (1, "", f"exit-tui: {en.MESSAGES['cli.no_demo_db']}\n")
    _demo_database(home)
    code, out, _err = run(capsys, "--demo", "projects")
    assert code == 0 and out.startswith("P-0001\t锦绣华庭[一期] 物业退出\t")
    target = tmp_path / "demo.xlsx"
    assert run(capsys, "--demo", "export", "P-0001", str(target))[0] == 0 and target.is_file()
    # The user's own database says where the demo is instead of "no projects" alone.
    assert run(capsys, "--lang", "en", "projects")[1].splitlines() == [en.MESSAGES["cli.no_projects"],
                                                                        en.MESSAGES["cli.demo_hint"]]
    code, _out, err = run(capsys, "--lang", "en", "--demo", "--db", str(tmp_path / "x.db"), "projects")
    assert (code, err) == (1, f"exit-tui: {en.MESSAGES['cli.demo_and_db']}\n")


def test_duplicate_names_are_refused_and_an_ambiguous_reference_lists_the_projects(capsys, home):
    assert run(capsys, *NEW)[0] == 0
    for same in ("锦绣华庭", " 锦绣华庭 "):
        code, out, err = run(capsys, *NEW[:2], same, *NEW[3:])
        assert (code, out) == (1, "") and "P-0001" in err and err.count("\n") == 1
    assert run(capsys, *NEW[:2], "Garden", *NEW[3:])[0] == 0
    connection = sqlite3.connect(home / "data" / "exit_tui.db")  # two names of an older release
    connection.execute("UPDATE project SET name = 'ＧＡＲＤＥＮ' WHERE public_id = 'P-0001'")
    connection.commit()
    connection.close()
    code, out, err = run(capsys, "export", "garden", str(home / "x.xlsx"))
    assert (code, out) == (1, "") and "P-0001" in err and "P-0002" in err and err.count("\n") == 1


def test_archive_marks_the_project_in_the_list_and_undo_brings_it_back(capsys, home):
    assert run(capsys, *NEW)[0] == 0
    assert run(capsys, "--lang", "en", "archive", "锦绣华庭") == (0, "Archived P-0001 锦绣华庭\n", "")
    assert run(capsys, "--lang", "en", "projects")[1].rstrip("\n").endswith("\t[archived]")
    assert run(capsys, "archive", "P-0001", "--undo")[0] == 0
    assert not run(capsys, "--lang", "en", "projects")[1].rstrip("\n").endswith("[archived]")


def test_delete_asks_or_needs_yes_and_backs_up_first(capsys, home, monkeypatch):
    assert run(capsys, *NEW)[0] == 0
    code, out, err = run(capsys, "--lang", "en", "delete", "P-0001")  # no terminal under pytest
    assert (code, out, err) == (1, "", f"exit-tui: {en.MESSAGES['cli.delete_needs_yes']}\n")
    monkeypatch.setattr(cli.sys.stdin, "isatty", lambda: True, raising=False)
    questions = []
    monkeypatch.setattr(cli, "_confirm", lambda question: questions.append(question) or False)
    assert run(capsys, "delete", "P-0001")[0] == 1
    assert "P-0001 锦绣华庭" in questions[0] and _projects(home / "data" / "exit_tui.db") != []
    code, out, err = run(capsys, "--lang", "en", "delete", "P-0001", "--yes")
    assert (code, err) == (0, "")
    [backup] = (home / "data").glob("exit_tui.before-delete-*.db")
    assert out == f"Deleted P-0001 锦绣华庭; backup made before: {backup}\n"
    assert _projects(home / "data" / "exit_tui.db") == [] and _projects(backup)[0][0] == "P-0001"


def test_backup_twice_in_a_second_and_restore_says_what_it_replaced(capsys, home):
    assert run(capsys, *NEW)[0] == 0
    first, second = run(capsys, "backup")[1].strip(), run(capsys, "backup")[1].strip()
    assert first != second and Path(first).is_file() and Path(second).is_file()
    assert run(capsys, *NEW[:2], "后来的", *NEW[3:])[0] == 0
    code, out, err = run(capsys, "--lang", "en", "restore", first)
    assert (code, err) == (0, "")
    [kept] = (home / "data").glob("exit_tui.before-restore-*.db")
    database = home / "data" / "exit_tui.db"
    assert out == en.MESSAGES["cli.restored"].format(source=first, database=database, projects=1, kept=kept) + "\n"
    assert [row[1] for row in _projects(database)] == ["锦绣华庭"]
    assert [row[1] for row in _projects(kept)] == ["锦绣华庭", "后来的"]


def test_restore_refuses_a_file_that_is_not_a_backup(capsys, home, tmp_path):
    assert run(capsys, *NEW)[0] == 0
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    code, out, err = run(capsys, "restore", str(junk))
    assert (code, out) == (1, "") and err.count("\n") == 1
    assert _projects(home / "data" / "exit_tui.db")[0][0] == "P-0001"
    assert not list((home / "data").glob("*.before-restore-*"))


def test_os_errors_are_said_in_the_users_language():
    import errno

    from exit_tui.i18n import set_language
    from exit_tui.os_errors import os_error_text

    denied = PermissionError(errno.EACCES, "Permission denied", "/srv/x.xlsx")
    folder = IsADirectoryError(errno.EISDIR, "Is a directory", "/srv/out")
    assert os_error_text(denied) == "/srv/x.xlsx: 没有权限"
    assert os_error_text(folder) == "/srv/out: 这是一个文件夹,不是文件"
    set_language("en")
    assert os_error_text(folder) == "/srv/out: this is a folder, not a file"
    assert os_error_text(OSError(errno.ENOSPC, "No space left on device")) == "the disk is full"


def test_an_os_error_reaching_the_command_line_is_translated(capsys, home, monkeypatch):
    import errno

    assert run(capsys, *NEW)[0] == 0

    def denied(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/out.ics")

    monkeypatch.setattr("exit_tui.io.calendar.export_calendar", denied)
    code, out, err = run(capsys, "--lang", "zh", "calendar", "P-0001", "/srv/out.ics")
    assert (code, out, err) == (1, "", "exit-tui: /srv/out.ics: 没有权限\n")


def test_importing_a_folder_says_it_is_a_folder(capsys, home, tmp_path):
    assert run(capsys, *NEW)[0] == 0
    code, out, err = run(capsys, "--lang", "en", "import", "P-0001", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == f"exit-tui: {en.MESSAGES['cli.import_folder'].format(path=tmp_path)}\n"


def test_export_into_a_folder_uses_the_default_name_and_a_wrong_extension_gets_xlsx(capsys, home, tmp_path):
    assert run(capsys, *NEW)[0] == 0
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, _err = run(capsys, "export", "P-0001", str(folder))
    [written] = folder.iterdir()
    assert code == 0 and written.suffix == ".xlsx" and written.name.startswith("锦绣华庭-")
    assert out.splitlines()[-1] == str(written)
    code, out, _err = run(capsys, "export", "P-0001", str(tmp_path / "demo.txt"))
    assert code == 0 and out.splitlines()[-1] == str(tmp_path / "demo.txt.xlsx")
    assert not (tmp_path / "demo.txt").exists() and (tmp_path / "demo.txt.xlsx").is_file()
    code, out, _err = run(capsys, "calendar", "P-0001", str(folder))
    assert code == 0 and {p.suffix for p in folder.iterdir()} == {".xlsx", ".ics"}


def test_new_warns_when_the_handover_is_long_past(capsys, home):
    argv = ["new", "--name", "旧项目", "--type", "contract-expiry", "--decision", "2020-01-01",
            "--contract-end", "2020-06-30", "--handover", "2020-07-01"]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (0, "P-0001\n")
    assert "2020-07-01" in err and err.count("\n") == 1
    assert run(capsys, *NEW)[2] == ""  # a handover ahead: no warning


def test_import_dry_run_lists_what_our_register_has_and_their_list_has_not(capsys, home, tmp_path):
    """A committee's document list: new rows named, and every row of ours their list leaves out (never deleted)."""
    assert run(capsys, *NEW)[0] == 0
    path = tmp_path / "业委会资料清单.csv"
    path.write_text("资料名称,份数\n竣工总平面图,1\n小区绿化竣工图,1\n", encoding="utf-8-sig")
    code, out, err = run(capsys, "--lang", "zh", "import", "P-0001", str(path), "--dry-run", "--verbose")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "+ 第 3 行 小区绿化竣工图" in lines
    absent = [line for line in lines if line.startswith("- D-")]
    assert absent and all(line.endswith("\t对方清单未列出") for line in absent)
    assert not any("竣工总平面图" in line for line in absent)


def _with_accounts() -> None:
    """Units, lines and ledgers in the default database's P-0001 (tests/test_accounts_import.add_accounts)."""
    from exit_tui.config import Paths
    from tests.test_accounts_import import add_accounts

    backend = Backend.open(str(Paths.from_env().default_db))
    try:
        add_accounts(backend, 1)
    finally:
        backend.close()


def test_settlement_json_has_english_keys_and_yuan_strings(capsys, home):
    import json

    assert run(capsys, *NEW)[0] == 0
    _with_accounts()
    code, out, _err = run(capsys, "settlement", "P-0001", "--json")
    data = json.loads(out)
    assert code == 0 and data["cutoff"] == "2027-01-10" and data["units"] == 3
    assert data["owes"] == "1623.30" and data["revenue_net"] == "5000.00" and data["repair_fund"] == "80000.00"
    arrears = [line for line in data["lines"] if line["category"] == "arrears"]
    assert [(a["direction"], a["state"], a["count"], a["amount"]) for a in arrears] == [
        ("owes", "unconfirmed", 2, "1323.30")]
    amounts = [v for v in data.values() if isinstance(v, str) and v[:1].isdigit() and "." in v]
    assert all(len(v.split(".")[1]) == 2 for v in amounts)
    assert data["carve_outs"] == []


def test_settlement_text_and_statements(capsys, home, tmp_path):
    assert run(capsys, *NEW)[0] == 0
    _with_accounts()
    code, out, _err = run(capsys, "--lang", "zh", "settlement", "P-0001")
    assert code == 0 and zh.MESSAGES["accounts.report.total_owes"] in out and "1,623.30" in out
    code, out, _err = run(capsys, "statements", "P-0001", str(tmp_path / "对账单"), "--unit", "3-1-201",
                          "--unit", "U-0003")
    assert code == 0 and (tmp_path / "对账单.xlsx").is_file() and "2" in out
    code, _out, err = run(capsys, "statements", "P-0001", str(tmp_path / "x.xlsx"), "--unit", "9-9-999")
    assert code == 1 and "9-9-999" in err
    code, out, _err = run(capsys, "--lang", "en", "settlement", "P-0001")
    assert code == 0 and en.MESSAGES["accounts.report.total_owes"] in out
