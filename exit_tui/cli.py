"""`exit-tui`: parse arguments and settings, then run a headless command or open the app.

Exit codes: 0 ok, 1 user error (one line on stderr), 2 usage.
"""

import argparse
import os
import sys
from datetime import date
from functools import partial
from pathlib import Path

from .config import Paths, Settings, State, choose_language
from .errors import ExitTuiError
from .i18n import _, _n, set_language
from .services.errors import UserError


#: argparse's own English texts (it looks them up through gettext) and their catalog keys.
ARGPARSE_TEXTS = {
    "usage: ": "cli.ap_usage",
    "positional arguments": "cli.ap_positional",
    "options": "cli.ap_options",
    "show this help message and exit": "cli.ap_help",
    "the following arguments are required: %s": "cli.ap_required",
    "unrecognized arguments: %s": "cli.ap_unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.ap_invalid_choice",
    "expected one argument": "cli.ap_expected_one",
    "argument %(argument_name)s: %(message)s": "cli.ap_argument",
}


def _localize_argparse() -> None:
    """Route argparse's texts through our catalogs (argparse calls the module-level `_` it imported)."""
    argparse._ = lambda text: _(ARGPARSE_TEXTS[text]) if text in ARGPARSE_TEXTS else text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: one line, exit 2
        self.exit(2, f"exit-tui: {message}\n{_('cli.usage_hint')}\n")


def build_parser() -> argparse.ArgumentParser:
    _localize_argparse()
    parser = _Parser(prog="exit-tui", description=_("cli.description"))
    parser.add_argument("--db", metavar="URL_OR_PATH", help=_("cli.opt_db"))
    parser.add_argument("--lang", choices=("zh", "en"), help=_("cli.opt_lang"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = commands.add_parser("demo", help=_("cli.cmd_demo"))
    demo.add_argument("--reset", action="store_true", help=_("cli.opt_reset"))
    commands.add_parser("projects", help=_("cli.cmd_projects"))
    commands.add_parser("backup", help=_("cli.cmd_backup"))
    export = commands.add_parser("export", help=_("cli.cmd_export"))
    export.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    export.add_argument("file", metavar="FILE.xlsx")
    calendar = commands.add_parser("calendar", help=_("calendar.cli_cmd"))
    calendar.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    calendar.add_argument("file", metavar="FILE.ics", help=_("calendar.cli_file"))
    imports = commands.add_parser("import", help=_("cli.cmd_import"))
    imports.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    imports.add_argument("file", metavar="FILE")
    imports.add_argument("--dry-run", action="store_true", help=_("cli.opt_dry_run"))
    audit = commands.add_parser("audit", help=_("cli.cmd_audit"))
    audit.add_argument("project", metavar="PROJECT", nargs="?", help=_("cli.arg_project"))
    audit.add_argument("--verify", action="store_true", help=_("cli.opt_verify"))
    audit.add_argument("--since", metavar="DATE", help=_("cli.opt_since"))
    audit.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    new = commands.add_parser("new", help=_("cli.cmd_new"))
    new.add_argument("--name", required=True)
    new.add_argument("--type", required=True, choices=("contract-expiry", "early-exit", "transfer"))
    new.add_argument("--contract-end", required=True, metavar="DATE")
    new.add_argument("--handover", required=True, metavar="DATE", help=_("cli.opt_handover"))
    new.add_argument("--decision", metavar="DATE", help=_("cli.opt_decision"))
    new.add_argument("--continuation-end", metavar="DATE")
    new.add_argument("--units", default="0")
    new.add_argument("--address", default="")
    new.add_argument("--profile", default="national", metavar="PROFILE", help=_("cli.opt_profile"))
    return parser


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _open_backend(target: str, settings: Settings):
    """Open the database (imports the storage stack: call it off the UI thread when the app runs)."""
    from .services import audit
    from .services.backend import Backend

    audit.set_actor(settings.actor)
    return Backend.open(target)


def _run_app(target: str, paths: Paths, settings: Settings, demo: bool) -> int:
    """Open the app at once; it opens the database in a worker after its first frame."""
    from .ui.app import ExitApp  # Textual is imported only when the app is opened

    app = ExitApp(partial(_open_backend, target, settings), state=State(paths.state_file), settings=settings,
                  db_key=target, demo=demo)
    try:
        app.run()
    finally:
        app.close_backend()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    try:
        paths = Paths.from_env()
        settings = Settings.load(paths)
    except ValueError as exc:
        print(f"exit-tui: {exc}", file=sys.stderr)
        return 1
    # Language first, so that --help is translated too.
    set_language(choose_language(_peek_lang(argv), settings))
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args, paths, settings)
    except (ExitTuiError, OSError) as exc:
        print(f"exit-tui: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _peek_lang(argv: list[str] | None) -> str | None:
    argv = sys.argv[1:] if argv is None else argv
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _target(args: argparse.Namespace, paths: Paths) -> str:
    """The database to open: the demo database for `demo` (unless one is named), else --db, EXIT_TUI_DB, default."""
    named = args.db or os.environ.get("EXIT_TUI_DB")
    if args.command == "demo" and not named:
        if args.reset:
            _remove_sqlite(paths.demo_db)
        return str(paths.demo_db)
    if args.command == "demo" and args.reset:
        raise UserError("cli.reset_demo_only")
    return named or str(paths.default_db)


def _dispatch(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    target = _target(args, paths)
    if args.command in (None, "demo"):
        return _run_app(target, paths, settings, demo=args.command == "demo")
    from .services import projects

    backend = _open_backend(target, settings)
    try:
        if args.command == "projects":
            return _print_projects(backend.call(projects.list_projects))
        if args.command == "new":
            project = backend.call(
                projects.create_project,
                name=args.name,
                exit_type=args.type,
                contract_end=args.contract_end,
                handover=args.handover,
                decision=args.decision,
                continuation_end=args.continuation_end,
                units=args.units,
                address=args.address,
                rule_profile=args.profile,
            )
            print(project.public_id)
            return 0
        if args.command == "export":
            return _export(backend, args)
        if args.command == "import":
            return _import(backend, args)
        if args.command == "calendar":
            return _calendar(backend, args)
        if args.command == "audit":
            return _audit(backend, args)
        return _backup(backend)
    finally:
        backend.close()


def _export(backend, args: argparse.Namespace) -> int:
    from .io.export import export_package
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    result = backend.call(export_package, project.id, Path(args.file), today=date.today())
    for title, rows in result.sheets:
        print(f"{title}\t{rows}")
    print(result.path)
    return 0


def _calendar(backend, args: argparse.Namespace) -> int:
    from .io.calendar import export_calendar
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    result = backend.call(export_calendar, project.id, Path(args.file), today=date.today())
    print(_n("calendar.cli_done", result.events, count=result.events, path=result.path))
    return 0


def _import(backend, args: argparse.Namespace) -> int:
    from .io.imports import import_file
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    report = backend.call(import_file, project.id, Path(args.file), apply=not args.dry_run, today=date.today())
    for public_id in report.added:
        print(f"+ {public_id}")
    for change in report.changed:
        print(f"~ {change.public_id}\t{change.field}\t{change.old} -> {change.new}")
    for item in report.rejected:
        print(f"! {item.sheet}\t{_('cli.row', row=item.row)}\t{item.column}\t{item.reason}")
    for item in report.defaults:
        print(f"= {item.sheet}\t{_('cli.row', row=item.row)}\t{item.column}\t{item.reason}")
    _print_knock_on(report.knock_on)
    if report.ignored_columns:
        print(_("dialog.import_ignored", columns=", ".join(report.ignored_columns)))
    summary = _("dialog.import_summary", added=len(report.added), changed=report.changed_rows,
                unchanged=report.unchanged, rejected=report.rejected_rows)
    print(summary + ("" if report.applied else "  " + _("cli.dry_run_note")))
    return 0


def _print_knock_on(effects) -> None:
    """What an import moves beyond its own cells, as the replan preview lists it: flags first, then moves."""
    if effects is None:
        return
    from .i18n import pick

    for flags, line in ((effects.flags_added, "replan.misses"), (effects.flags_cleared, "replan.meets")):
        for flag in flags:
            deadline = flag.deadline
            when = f"{deadline.basis} {pick(deadline.title_zh, deadline.title_en)} ({deadline.day.isoformat()})"
            print(f"!! {flag.public_id}\t{_(line, deadline=when)}\t{pick(flag.title_zh, flag.title_en)}")
    if effects.moves:
        print(_n("replan.moves", len(effects.moves), n=len(effects.moves)))
    for move in effects.moves:
        print(f"> {move.public_id}\t{move.old.isoformat()} -> {move.new.isoformat()}\t{pick(move.title_zh, move.title_en)}")


def _audit(backend, args: argparse.Namespace) -> int:
    """`audit --verify`: check the whole log's hash chain; `audit PROJECT`: print the project's entries."""
    import json

    from .domain.dates import parse_date
    from .services import audit, projects

    if args.verify:
        check = backend.call(audit.verify)
        if check.ok:
            print(_n("cli.audit_ok", check.entries, count=check.entries))
            return 0
        key = "cli.audit_removed" if check.removed else "cli.audit_changed"
        print(_(key, id=check.broken_at), file=sys.stderr)
        return 1
    if not args.project:
        raise UserError("cli.audit_needs_project")
    project = backend.call(projects.find_project, args.project)
    since = parse_date(args.since) if args.since else None
    entries = [e for e in reversed(backend.call(audit.list_entries, project.id, None))
               if since is None or e.at.date() >= since]
    if args.json:
        keys = ("id", "at", "actor", "action", "entity", "public_id", "field", "old", "new")
        rows = [{k: (getattr(e, k).isoformat() if k == "at" else getattr(e, k)) for k in keys} for e in entries]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        change = f"{e.old or ''} -> {e.new or ''}" if e.action == "update" else (e.new or e.old or "")
        print(f"{e.id}\t{e.at:%Y-%m-%d %H:%M}\t{e.actor}\t{e.action}\t{e.entity}\t{e.public_id}\t{e.field}\t{change}")
    return 0


def _print_projects(rows) -> int:
    from .i18n.labels import exit_type_label

    if not rows:
        print(_("cli.no_projects"))
        return 0
    for p in rows:
        d = p.dates
        print(f"{p.public_id}\t{p.name}\t{exit_type_label(p.exit_type)}\t"
              f"{_('field.contract_end')} {d.contract_end}\tT {d.handover}")
    return 0


def _backup(backend) -> int:
    from .db.engine import backup_path, backup_sqlite

    if backend.engine.dialect.name != "sqlite":
        print(_("cli.backup_sqlite_only"), file=sys.stderr)
        return 1
    destination = backup_sqlite(backend.engine, backup_path(backend.engine, "backup"))
    print(destination)
    return 0
