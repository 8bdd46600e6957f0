"""`exit-tui`: parse arguments and settings, then run a headless command or open the app.

Exit codes: 0 ok, 1 user error (one line on stderr), 2 usage.
"""

import argparse
import os
import sys
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path

from .config import Paths, Settings, State, choose_language
from .domain.text import printable
from .errors import ExitTuiError
from .i18n import _, _n, set_language
from .os_errors import os_error_text
from .services.errors import UserError

#: Commands that make the database they are pointed at when it does not exist; the others refuse (a mistyped
#: --db must not leave an empty database behind).
CREATING = frozenset({"new", "demo", "restore"})


#: The grounds `exit-tui severance --basis` takes (domain/severance.Basis).
SEVERANCE_BASES = ("agreed", "expiry", "art40", "art40-no-notice", "art41", "transfer", "taken-over")


#: Areas `exit-tui export --without` leaves out (io/registers.OPTIONAL_AREAS, not imported at start-up).
EXPORT_WITHOUT = ("staff",)


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
    parser.add_argument("--demo", action="store_true", dest="use_demo", help=_("cli.opt_demo"))
    parser.add_argument("--lang", choices=("zh", "en"), help=_("cli.opt_lang"))
    # A titled group, so that the commands are listed under "命令" and a command's own positional arguments under
    # argparse's "positional arguments" (参数).
    commands = parser.add_subparsers(title=_("cli.ap_commands"), dest="command", metavar="COMMAND",
                                     parser_class=_Parser)
    demo = commands.add_parser("demo", help=_("cli.cmd_demo"))
    demo.add_argument("--reset", action="store_true", help=_("cli.opt_reset"))
    commands.add_parser("projects", help=_("cli.cmd_projects"))
    commands.add_parser("backup", help=_("cli.cmd_backup"))
    restore = commands.add_parser("restore", help=_("cli.cmd_restore"))
    restore.add_argument("backup", metavar="BACKUP", help=_("cli.arg_backup"))
    archive = commands.add_parser("archive", help=_("cli.cmd_archive"))
    archive.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    archive.add_argument("--undo", action="store_true", help=_("cli.opt_unarchive"))
    delete = commands.add_parser("delete", help=_("cli.cmd_delete"))
    delete.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    delete.add_argument("--yes", action="store_true", help=_("cli.opt_yes"))
    delete.add_argument("--no-backup", action="store_true", help=_("cli.opt_no_backup"))
    export = commands.add_parser("export", help=_("cli.cmd_export"))
    export.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    export.add_argument("file", metavar="FILE.xlsx", help=_("cli.arg_export_file"))
    export.add_argument("--without", action="append", choices=EXPORT_WITHOUT, default=[], metavar="AREA",
                        help=_("cli.opt_without"))
    calendar = commands.add_parser("calendar", help=_("calendar.cli_cmd"))
    calendar.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    calendar.add_argument("file", metavar="FILE.ics", help=_("calendar.cli_file"))
    imports = commands.add_parser("import", help=_("cli.cmd_import"))
    imports.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    imports.add_argument("file", metavar="FILE", help=_("cli.arg_import_file"))
    imports.add_argument("--dry-run", action="store_true", help=_("cli.opt_dry_run"))
    imports.add_argument("--overwrite-newer", action="store_true", help=_("cli.opt_overwrite_newer"))
    imports.add_argument("--verbose", action="store_true", help=_("cli.opt_verbose"))
    audit = commands.add_parser("audit", help=_("cli.cmd_audit"))
    audit.add_argument("project", metavar="PROJECT", nargs="?", help=_("cli.arg_project"))
    audit.add_argument("--verify", action="store_true", help=_("cli.opt_verify"))
    audit.add_argument("--since", metavar="DATE", help=_("cli.opt_since"))
    audit.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    settlement = commands.add_parser("settlement", help=_("cli.cmd_settlement"))
    settlement.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    settlement.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    statements = commands.add_parser("statements", help=_("cli.cmd_statements"))
    statements.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    statements.add_argument("file", metavar="FILE.xlsx", help=_("cli.arg_statements_file"))
    statements.add_argument("--unit", action="append", metavar="UNIT", help=_("cli.opt_unit"))
    announce = commands.add_parser("announce", help=_("cli.cmd_announce"))
    announce.add_argument("project", metavar="PROJECT", help=_("cli.arg_project"))
    announce.add_argument("template", metavar="TEMPLATE", help=_("cli.arg_template"))
    announce.add_argument("file", metavar="FILE.txt", help=_("cli.arg_announce_file"))
    announce.add_argument("--language", choices=("zh", "en"), help=_("cli.opt_language"))
    announce.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="fields",
                          help=_("cli.opt_set_field"))
    severance = commands.add_parser("severance", help=_("cli.cmd_severance"))
    severance.add_argument("--hired", required=True, metavar="DATE", help=_("severance.opt_hired"))
    severance.add_argument("--leaves", required=True, metavar="DATE", help=_("severance.opt_leaves"))
    severance.add_argument("--wage", required=True, action="append", metavar="AMOUNT", help=_("severance.opt_wage"))
    severance.add_argument("--last-month-wage", metavar="AMOUNT", help=_("severance.opt_last_month"))
    severance.add_argument("--basis", default="agreed", choices=SEVERANCE_BASES, help=_("severance.opt_basis"))
    severance.add_argument("--renewal-refused", action="store_true", help=_("severance.opt_renewal_refused"))
    severance.add_argument("--local-average", metavar="AMOUNT", help=_("severance.opt_local_average"))
    severance.add_argument("--minimum-wage", metavar="AMOUNT", help=_("severance.opt_minimum_wage"))
    severance.add_argument("--profile", default="national", metavar="NAME", help=_("severance.opt_profile"))
    severance.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    new = commands.add_parser("new", help=_("cli.cmd_new"))
    new.add_argument("--name", required=True, help=_("cli.opt_name"))
    new.add_argument("--type", required=True, choices=("contract-expiry", "early-exit", "transfer"),
                     help=_("cli.opt_type"))
    new.add_argument("--contract-end", required=True, metavar="DATE", help=_("cli.opt_contract_end"))
    new.add_argument("--handover", required=True, metavar="DATE", help=_("cli.opt_handover"))
    new.add_argument("--decision", metavar="DATE", help=_("cli.opt_decision"))
    new.add_argument("--continuation-end", metavar="DATE", help=_("cli.opt_continuation_end"))
    new.add_argument("--units", default="", help=_("cli.opt_units"))
    new.add_argument("--address", default="", help=_("cli.opt_address"))
    new.add_argument("--profile", default="national", metavar="PROFILE", help=_("cli.opt_profile"))
    return parser


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _open_backend(target: str, settings: Settings, create: bool = False):
    """Open the database (imports the storage stack: call it off the UI thread when the app runs); a missing
    SQLite file is made only with `create`."""
    from .services import audit
    from .services.backend import Backend

    audit.set_actor(settings.actor)
    return Backend.open(target, create=create)


def _run_app(target: str, paths: Paths, settings: Settings, demo: bool) -> int:
    """Open the app at once; it opens the database in a worker after its first frame. The welcome screen's
    demo opens the demo database (never the user's)."""
    from .ui.app import ExitApp  # Textual is imported only when the app is opened

    app = ExitApp(partial(_open_backend, target, settings, True), state=State(paths.state_file),
                  settings=settings, db_key=target, demo=demo,
                  demo_backend=partial(_open_backend, str(paths.demo_db), settings, True),
                  demo_key=str(paths.demo_db))
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
    with _escaped_output(headless=args.command not in (None, "demo")):
        try:
            return _dispatch(args, paths, settings)
        except ExitTuiError as exc:
            print(f"exit-tui: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"exit-tui: {os_error_text(exc)}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130


class _Escaping:
    """A text stream that writes control characters and bidi overrides escaped (data printed by a command can
    neither drive the terminal nor reorder a line); line breaks and tabs pass."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


@contextmanager
def _escaped_output(headless: bool):
    """Escape what headless commands print; the app (which drives the terminal itself) is left alone."""
    if not headless:
        yield
        return
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaping(sys.stdout), _Escaping(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _peek_lang(argv: list[str] | None) -> str | None:
    argv = sys.argv[1:] if argv is None else argv
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _target(args: argparse.Namespace, paths: Paths) -> str:
    """The database to open: the demo database for `demo` and `--demo` (unless one is named for `demo`), else
    --db, EXIT_TUI_DB, the default."""
    named = args.db or os.environ.get("EXIT_TUI_DB")
    if args.use_demo and named:
        raise UserError("cli.demo_and_db")
    if args.command == "demo" and args.reset:
        if named:
            raise UserError("cli.reset_demo_only")
        _remove_sqlite(paths.demo_db)
    if args.use_demo or (args.command == "demo" and not named):
        return str(paths.demo_db)
    return named or str(paths.default_db)


def _confirm(question: str) -> bool:
    """Ask on the terminal; False without one (a script must say --yes) or for any answer but y/yes/是."""
    if not sys.stdin.isatty():
        return False
    print(question, end="", file=sys.stderr, flush=True)
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "是")


def _missing(target: str) -> Path | None:
    """The SQLite file `target` names, when there is none there yet."""
    from .db.quickread import sqlite_file  # the standard library only: nothing heavy before the app starts

    path = sqlite_file(target)
    return path if path is not None and not path.exists() else None


def _dispatch(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    if args.command == "severance":  # a calculation: no database
        return _severance(args)
    target = _target(args, paths)
    missing = _missing(target)
    first_run = missing is not None and missing == paths.default_db.expanduser().resolve()
    if args.command in (None, "demo"):
        demo = args.command == "demo" or args.use_demo
        if missing and not demo and not first_run:  # a named file: a typo, unless confirmed
            if not _confirm(_("cli.create_db_confirm", path=missing)):
                raise UserError("error.no_database", path=str(missing))
        return _run_app(target, paths, settings, demo=demo)
    if missing and args.command not in CREATING:
        if args.use_demo:
            raise UserError("cli.no_demo_db")
        if args.command == "projects" and first_run:  # nothing to list yet
            return _print_projects([], paths)
        raise UserError("error.no_database", path=str(missing))
    if args.command == "restore":
        return _restore(target, Path(args.backup))
    from .services import projects

    backend = _open_backend(target, settings, create=args.command in CREATING)
    try:
        if args.command == "projects":
            return _print_projects(backend.call(projects.list_projects), paths, target)
        if args.command == "archive":
            return _archive(backend, args)
        if args.command == "delete":
            return _delete(backend, args)
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
            _warn_past_handover(project)
            return 0
        if args.command == "export":
            return _export(backend, args)
        if args.command == "import":
            return _import(backend, args)
        if args.command == "calendar":
            return _calendar(backend, args)
        if args.command == "audit":
            return _audit(backend, args)
        if args.command == "settlement":
            return _settlement(backend, args)
        if args.command == "statements":
            return _statements(backend, args)
        if args.command == "announce":
            return _announce(backend, args)
        return _backup(backend)
    finally:
        backend.close()


def _warn_past_handover(project) -> None:
    from .services.projects import handover_warning

    days = handover_warning(project, date.today())
    if days is not None:
        print(_("project.handover_past", day=project.dates.handover.isoformat(), days=days), file=sys.stderr)


def _export_path(path: Path, default: Path, suffix: str) -> Path:
    """Where an export goes: a folder gets the default file name inside it; a name without `suffix` gets it
    added (`资料包` -> `资料包.xlsx`, `demo.txt` -> `demo.txt.xlsx`), as `calendar` adds `.ics`."""
    path = path.expanduser()
    if path.is_dir():
        return path / default.name
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _export(backend, args: argparse.Namespace) -> int:
    from .io.export import default_export_path, export_package
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    today = date.today()
    path = _export_path(Path(args.file), default_export_path(project, Path("."), today=today), ".xlsx")
    result = backend.call(export_package, project.id, path, today=today, without=args.without)
    for title, rows in result.sheets:
        print(f"{title}\t{rows}")
    print(result.path)
    return 0


def _calendar(backend, args: argparse.Namespace) -> int:
    from .io.calendar import SUFFIX, default_calendar_path, export_calendar
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    today = date.today()
    path = _export_path(Path(args.file), default_calendar_path(project, Path("."), today=today), SUFFIX)
    result = backend.call(export_calendar, project.id, path, today=today)
    print(_n("calendar.cli_done", result.events, count=result.events, path=result.path))
    return 0


def _import(backend, args: argparse.Namespace) -> int:
    from .io.imports import import_file
    from .services import projects

    if Path(args.file).is_dir():
        raise UserError("cli.import_folder", path=args.file)
    project = backend.call(projects.find_project, args.project)
    report = backend.call(import_file, project.id, Path(args.file), apply=not args.dry_run, today=date.today(),
                          overwrite=args.overwrite_newer, strict=not args.overwrite_newer)
    limit = None if args.verbose else LISTED
    _print_some([f"+ {public_id}" for public_id in report.added], limit)
    _print_some([f"~ {c.public_id}\t{c.field}\t{c.old} -> {c.new}" for c in report.changed], limit)
    _print_some([f"! {r.sheet}\t{_('cli.row', row=r.row)}\t{r.column}\t{r.reason}" for r in report.rejected], limit)
    _print_some([f"= {r.sheet}\t{_('cli.row', row=r.row)}\t{r.column}\t{r.reason}" for r in report.notes], limit)
    _print_some([f"# {c.sheet}\t{_('cli.row', row=c.row)}\t{c.public_id}\t"
                 + _("import.conflict", fields=", ".join(c.fields), who=c.actor,
                     at=f"{c.at.astimezone():%Y-%m-%d %H:%M}" if c.at else "")
                 for c in report.conflicts], limit)
    _print_some([f"- {row}\t{_('dialog.import_absent_row')}" for row in report.absent], limit)
    _print_knock_on(report.knock_on)
    if report.ignored_columns:
        print(_("dialog.import_ignored", columns=", ".join(report.ignored_columns)))
    summary = _("dialog.import_summary", added=len(report.added), changed=report.changed_rows,
                unchanged=report.unchanged, rejected=report.rejected_rows)
    print(summary + ("" if report.applied else "  " + _("cli.dry_run_note")))
    return 0


LISTED = 50
"""Lines of each kind an import prints without --verbose (a large file is summarised, not listed whole)."""


def _print_some(lines: list[str], limit: int | None) -> None:
    for line in lines[:limit]:
        print(line)
    if limit is not None and len(lines) > limit:
        print("  " + _n("cli.more_lines", len(lines) - limit, n=len(lines) - limit))


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


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, for JSON: 123450 -> `"1234.50"`, -5 -> `"-0.05"`."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def settlement_json(summary) -> dict:
    """The settlement summary for scripts: keys in English, codes as stored, amounts as yuan strings."""
    return {
        "cutoff": summary.cutoff.isoformat(),
        "units": summary.units,
        "units_closed": summary.units_closed,
        "lines": [{"category": t.category, "direction": t.direction, "state": t.state, "count": t.lines,
                   "amount": yuan(t.amount_fen), "due": yuan(t.due_fen)} for t in summary.by_category],
        "owes": yuan(summary.owes_fen),
        "owed": yuan(summary.owed_fen),
        "net": yuan(summary.owes_fen - summary.owed_fen),
        "prepaid_after_cutoff": yuan(summary.prepaid_after_cutoff_fen),
        "revenue": yuan(summary.revenue_fen),
        "revenue_cost": yuan(summary.revenue_cost_fen),
        "revenue_net": yuan(summary.revenue_net_fen),
        "repair_fund": yuan(summary.repair_fund_fen),
        "fee_surplus": yuan(summary.fee_surplus_fen),
        "lump_sum": yuan(summary.lump_sum_fen),
        "vendor_payable": yuan(summary.vendor_payable_fen),
        "vendor_prepaid": yuan(summary.vendor_prepaid_fen),
        "carve_outs": [{"id": line.public_id, "unit": line.unit_no, "category": line.category,
                        "direction": line.direction, "amount": yuan(line.amount_fen), "reason": line.dispute_reason}
                       for line in summary.carve_outs],
    }


def _settlement(backend, args: argparse.Namespace) -> int:
    """The settlement summary: as the report's lines (part, measure, count, yuan), or JSON for scripts."""
    import json

    from .io.accounts_print import settlement_rows
    from .services import accounts, projects

    project = backend.call(projects.find_project, args.project)
    if args.json:
        summary = backend.call(accounts.settlement, project.id)
        print(json.dumps(settlement_json(summary), ensure_ascii=False, indent=1))
        return 0
    from .domain.money import format_fen

    _count, rows = backend.call(settlement_rows, project.id)
    for row in rows:
        count = "" if row["count"] is None else str(row["count"])
        amount = "" if row["sum"] is None else format_fen(row["sum"])
        print("\t".join((row["section"], row["measure"], count, amount)).rstrip("\t"))
    return 0


def _statements(backend, args: argparse.Namespace) -> int:
    """Owner statements of the units named (all without --unit) in one workbook, a page per unit."""
    from .io.accounts_print import export_statements
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    from .io.export import safe_file_name

    default = Path(f"{safe_file_name(project.name)}-{_('accounts.print.statement_sheet')}-{date.today()}.xlsx")
    path = _export_path(Path(args.file), default, ".xlsx")
    result = backend.call(export_statements, project.id, path, args.unit)
    print(_("cli.statements_done", units=result.units, lines=result.lines, path=result.path))
    return 0


#: Errors of `exit-tui announce` that are a usage error (exit 2): a template or merge field that does not exist.
ANNOUNCE_USAGE = frozenset({"announcements.error.unknown_template", "announcements.error.unknown_field"})


def _announce(backend, args: argparse.Namespace) -> int:
    """`exit-tui announce`: the template's issued version (else the template rendered for the project) as a
    plain UTF-8 text file; a bad template name or field is one line, exit 2, and nothing is written."""
    from .io.announcement_text import SUFFIX, write_announcement
    from .io.export import safe_file_name
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    default = Path(f"{safe_file_name(project.name)}-{safe_file_name(args.template)}{SUFFIX}")
    path = _export_path(Path(args.file), default, SUFFIX)
    try:
        overrides = dict(_field_value(text) for text in args.fields)
        result = backend.call(write_announcement, project.id, args.template, path, language=args.language,
                              today=date.today(), overrides=overrides)
    except UserError as exc:
        if exc.key not in ANNOUNCE_USAGE:
            raise
        print(f"exit-tui: {exc}", file=sys.stderr)
        return 2
    if result.issued:
        print(_("cli.announce_issued", id=result.issued, version=result.version, day=result.issued_on.isoformat(),
                path=result.path))
        if overrides:
            print(_("cli.announce_set_unused"), file=sys.stderr)
    else:
        print(_("cli.announce_rendered", template=result.template, path=result.path))
    if result.blanks:
        print(_("cli.announce_blanks"), file=sys.stderr)
    return 0


def _field_value(text: str) -> tuple[str, str]:
    """`联系电话=138 0000 0000` -> (name, value); without `=` the name is refused as an unknown field."""
    name, sep, value = text.partition("=")
    if not sep:
        raise UserError("announcements.error.unknown_field", field="field", names=text)
    return name.strip(), value.strip()


def _severance_input(option: str, value: str, parse, key: str):
    """One option's value parsed, or a SeveranceInputError naming the option."""
    from .domain.severance import SeveranceInputError

    try:
        return parse(value)
    except ValueError as exc:
        raise SeveranceInputError(key, option=option, value=value) from exc


def severance_case(args: argparse.Namespace):
    """The Case of `exit-tui severance`'s options; the local wages from the profile unless both are given."""
    from .domain.dates import parse_date
    from .domain.money import parse_fen
    from .domain.severance import Basis, Case, SeveranceInputError, check_span, local_wages

    def day(option: str, value: str):
        return _severance_input(option, value, parse_date, "severance.error.bad_date")

    def fen(option: str, value: str | None):
        return None if value is None else _severance_input(option, value, parse_fen, "severance.error.bad_amount")

    hired, leaving = day("--hired", args.hired), day("--leaves", args.leaves)
    check_span(hired, leaving)  # before the local wages are looked up for the leaving day
    wages = [fen("--wage", value) for value in args.wage]
    local_average, minimum = fen("--local-average", args.local_average), fen("--minimum-wage", args.minimum_wage)
    found = local_wages(args.profile, leaving)
    if local_average is None or minimum is None:
        if found is None:
            raise SeveranceInputError("severance.error.no_local_wages", profile=args.profile, day=leaving)
        local_average = found.average if local_average is None else local_average
        minimum = found.minimum if minimum is None else minimum
    else:
        found = None
    case = Case(hired, leaving, local_average, minimum,
                wages=tuple(wages) if len(wages) > 1 else (),
                average=wages[0] if len(wages) == 1 else None,
                last_month=fen("--last-month-wage", args.last_month_wage),
                basis=Basis(args.basis), renewal_refused=args.renewal_refused)
    return case, found


def _figure_json(value: object) -> object:
    from .domain.severance import Fen

    if isinstance(value, Fen):
        return yuan(value)
    if isinstance(value, int):
        return value
    return value.isoformat() if isinstance(value, date) else str(value)


def severance_json(case, result) -> dict:
    """A severance result for scripts: amounts as yuan strings, months a decimal string, the working's steps with
    their rule key, figures and text."""
    from .i18n.severance import step_text

    return {
        "years": result.years,
        "months": str(result.months),
        "wage_used": yuan(result.wage_used),
        "amount": yuan(result.amount),
        "basis": result.basis.value,
        "remainder_months": result.remainder_months,
        "remainder_days": result.remainder_days,
        "average": yuan(result.average),
        "wage_rule": result.wage_rule.value if result.wage_rule else None,
        "local_average": yuan(case.local_average),
        "minimum_wage": yuan(case.minimum_wage),
        "capped": result.capped,
        "severance": yuan(result.severance),
        "extra_month": yuan(result.extra_month),
        "zero_reason": result.zero_reason,
        "before_2008": None if result.before_2008 is None else {
            "start": result.before_2008.start.isoformat(), "end": result.before_2008.end.isoformat(),
            "years": result.before_2008.years, "months": result.before_2008.months,
            "days": result.before_2008.days},
        "steps": [{"rule": step.key, "figures": {k: _figure_json(v) for k, v in step.figures.items()},
                   "text": step_text(step)} for step in result.steps],
    }


def _severance(args: argparse.Namespace) -> int:
    """`exit-tui severance`: one case worked out with the domain's calculator; bad input is one line, exit 2."""
    import json

    from .domain.money import format_fen
    from .domain.severance import SeveranceInputError, compute
    from .i18n.severance import error_text, working

    try:
        case, found = severance_case(args)
        result = compute(case)
    except SeveranceInputError as exc:
        print(f"exit-tui: {error_text(exc)}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(severance_json(case, result), ensure_ascii=False, indent=1))
        return 0
    if found is not None:
        print(_("severance.local_wages", profile=args.profile, start=found.start.isoformat(),
                average=format_fen(found.average), minimum=format_fen(found.minimum), source=found.source))
    for line in working(result):
        print(line)
    return 0


def _print_projects(rows, paths: Paths, target: str = "") -> int:
    """One line per project (archived ones marked at the end); with none, say how to start, and where the demo
    is when it has a database of its own."""
    if not rows:
        print(_("cli.no_projects"))
        if target != str(paths.demo_db) and paths.demo_db.exists():
            print(_("cli.demo_hint"))
        return 0
    from .i18n.labels import exit_type_label

    for p in rows:
        d = p.dates
        print(f"{p.public_id}\t{p.name}\t{exit_type_label(p.exit_type)}\t"
              f"{_('field.contract_end')} {d.contract_end}\tT {d.handover}"
              + (f"\t{_('cli.archived_mark')}" if p.archived else ""))
    return 0


def _archive(backend, args: argparse.Namespace) -> int:
    from .services import projects

    project = backend.call(projects.find_project, args.project)
    done = backend.call(projects.archive_project, project.id, not args.undo)
    print(_("cli.unarchived" if args.undo else "cli.archived", project=f"{done.public_id} {done.name}"))
    return 0


def _delete(backend, args: argparse.Namespace) -> int:
    """Delete a project after a confirmation (or --yes) and a backup (unless --no-backup)."""
    from .services import backup, projects

    project = backend.call(projects.find_project, args.project)
    name = f"{project.public_id} {project.name}"
    if not args.yes:
        tasks = backend.call(projects.task_count, project.id)
        if not sys.stdin.isatty():
            raise UserError("cli.delete_needs_yes")
        if not _confirm(_("cli.delete_confirm", project=name, tasks=tasks)):
            print(_("cli.cancelled"), file=sys.stderr)
            return 1
    done = backend.call(backup.delete_project, project.id, backup=not args.no_backup)
    if done.backup is None:
        print(_("cli.deleted_no_backup", project=name))
    else:
        print(_("cli.deleted", project=name, backup=done.backup))
    return 0


def _backup(backend) -> int:
    from .services.backup import backup_database

    print(backup_database(backend.engine))
    return 0


def _restore(target: str, source: Path) -> int:
    """Replace the SQLite database by a checked backup, keeping the current one as a backup; then open it once
    (which migrates a backup of an older version)."""
    from .db.quickread import sqlite_file
    from .services.backend import Backend
    from .services.backup import restore_database

    database = sqlite_file(target)
    if database is None:
        raise UserError("cli.backup_sqlite_only")
    done = restore_database(database, source.expanduser())
    Backend.open(str(database), create=False).close()
    if done.kept is None:
        print(_("cli.restored_new", source=done.source, database=done.database, projects=done.projects))
    else:
        print(_("cli.restored", source=done.source, database=done.database, projects=done.projects,
                kept=done.kept))
    return 0
