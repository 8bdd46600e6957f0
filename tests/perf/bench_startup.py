"""Startup benchmark: exit-tui against a bare Textual app, and a 100k-task database against the demo.

Usage (from the repository root)::

    uv run python tests/perf/bench_startup.py [--runs 7] [--no-pty | --no-headless] [--tasks 100000] [--json PATH]

Nothing is remembered between runs: the dashboard's first figures are read with sqlite3 alone
(services/quickstart.py) while the database stack loads, so a start does not depend on how the previous
session ended.

Two sections. **In a real terminal** (the primary figure of issue 8, skipped with ``--no-pty``): each run
is a child on a pseudo-terminal of 120x40, watched from outside by the parent, which reads what the
child writes to the terminal and notes when a text first appears. ``pty-bare`` is a bare Textual app
(Header, Static, Footer; its Static text marks its first frame); ``pty-newday`` is exit-tui started as
the CLI does (last project from state.json) on a **new day** (every run's date is one day after the
previous run's), after the previous session ended by **closing the terminal** (the parent closes the
pty: SIGHUP, no clean quit). Its first paint is the start screen's text or the dashboard, whichever
comes first; **data shown** is when the project's address appears (it is drawn only with the figures).
``pty-stack`` is the same start with the quick read declined, so the figures wait for the database stack
(the path before quick start, and still the path for PostgreSQL or a file that needs a migration).
Times are from spawn, so they include the interpreter's start, alike for all. Ratio: data shown
pty-newday / first frame pty-bare <= 2.0. Beside wall time, the parent reads the child's CPU time from /proc
when a text appears: on a busy machine (other processes competing for the cores) wall times stretch and
scatter, CPU seconds much less.

**Headless, hooked inside the child** (the figures below, kept for their detail):

Not a test: pytest does not collect this file (its name does not start with ``test_``) and it exits 0
whether the targets are met or not. It measures, it does not gate. It exits 1 only when a measurement
could not be taken (a child process crashed or timed out, e.g. because a hook below no longer fits the
app).

What is measured
----------------
Every measurement is a fresh child process (this file run with ``--child bare|demo|big``), so that
import time counts as it does for a user starting the app. The child's first statement records
``t0 = time.perf_counter()`` (before textual or exit_tui is imported); every figure is seconds since
``t0``. Interpreter start-up before ``t0`` is the same for every variant and is left out (the "process
wall" row, timed by the parent from spawn to exit, includes it). The app runs headless at 120x40.

Variants: ``bare`` is ``App`` with ``Header``, ``Static`` and ``Footer``; ``demo`` is ``ExitApp`` on the demo
database opened on the demo project (as ``exit-tui demo`` does, minus creating the demo); ``big`` is the
same with ~100,000 extra tasks in the demo project. The exit-tui children do what the CLI does before
the app runs (``Paths.from_env``, ``Settings.load``, language; the database is opened by the app's first
worker through the CLI's own ``_open_backend``), with EXIT_TUI_HOME set
to a temp folder so the user's config and state are not touched.

Time points (all hooks are installed by monkeypatching classes in the child; no app code is changed):

* ``first paint`` (primary): the first ``App._display`` call with a frame (a non-empty compositor
  update, outside a batch update): the moment Textual hands the first frame to the driver (headless,
  it then skips only turning the frame into escape codes, which a terminal would cost both apps alike).
  For bare that frame shows Header and Footer; for exit-tui it is the dashboard with its figures when
  they can be read with sqlite3 (the app then starts in the dashboard's mode), else the StartScreen
  (Header, a loading text, Footer) (the report counts which screen came first).
* ``data shown`` (primary, exit-tui only): the first such frame after ``DashboardScreen.show_dashboard``
  (wrapped in the child) has returned, i.e. the frame that carries the project's figures. For bare,
  its first paint is the baseline of both paint ratios.
* cross-check, the ``call_after_refresh`` points: ``_ready()`` (Textual's hook run just before the
  app processes messages, after its ``on_mount``) schedules ``call_after_refresh``, and so does the
  ``show_dashboard`` wrapper after the original returns; the times the callbacks run are printed too.
  They are not the primary figures because they are not equivalent across the two apps: Textual runs
  such callbacks when the current screen is next idle, and in exit-tui the StartScreen's callback can
  run before any frame was written (the project load switches to the dashboard first), so it would
  flatter exit-tui's first paint; for data shown it lags the data frame by one idle cycle.

Ratios (of medians): first paint demo/bare <= 1.3, data shown demo / first paint bare <= 2.0,
data shown big/demo <= 1.1.

Bytecode
--------
PYTHONDONTWRITEBYTECODE=1 may be set on the machine, and the package is an editable install, so
``uv sync`` with UV_COMPILE_BYTECODE=1 compiles site-packages (textual, sqlalchemy, ...) but never
exit_tui itself; without bytecode every child would recompile exit_tui and add that to its import time.
By default (``--bytecode cache``) the children therefore use a private PYTHONPYCACHEPREFIX in the temp
folder with bytecode writing on, and a warm-up round (not counted) fills it: every measured import then
loads bytecode, as an installed app does after its first start, and nothing is written into the
repository or the environment. ``--bytecode env`` runs the children with the environment as it is;
then take figures after ``UV_COMPILE_BYTECODE=1 uv sync --reinstall`` (and note exit_tui stays
uncompiled if it is editable). The header says what is precompiled in the environment.
"""

import time as _time

_T0 = _time.perf_counter()  # the child's t0: keep this the first statement (module imports follow)

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

RESULT_MARK = "BENCH_RESULT "
VARIANTS = ("bare", "demo", "big")
PTY_VARIANTS = ("pty-bare", "pty-newday", "pty-stack")
SIZE = (120, 40)
TARGETS = {"first_paint": 1.3, "data_shown": 2.0, "big_vs_demo": 1.1}
BARE_TEXT = "bare app ready"


# -- child --------------------------------------------------------------------------------------------


def _child(argv: list[str]) -> None:
    """Run one variant headless and print its time points (seconds since t0) as one JSON line."""
    variant = argv[0]
    opts = dict(zip(argv[1::2], argv[2::2]))
    timeout = float(opts.get("--timeout", "30"))
    marks: dict[str, float] = {}
    info: dict[str, object] = {"variant": variant}
    errors: list[str] = []
    state = {"data_ran": False}

    def mark(name: str) -> None:
        marks.setdefault(name, _time.perf_counter() - _T0)

    if variant == "bare":
        from textual.app import App
        from textual.widgets import Footer, Header

        mark("imported")

        from textual.widgets import Static

        class Bare(App):
            def compose(self):
                yield Header()
                yield Static(BARE_TEXT)
                yield Footer()

        app = Bare()
        primary, secondary = ("first_frame",), ("paint",)
    else:
        db, project_id = opts["--db"], int(opts["--project"])
        from exit_tui.cli import _open_backend
        from exit_tui.config import Paths, Settings, State, choose_language
        from exit_tui.i18n import set_language

        mark("imported_core")
        from textual.app import App

        from exit_tui.ui.app import ExitApp
        from exit_tui.ui.screens.dashboard import DashboardScreen

        mark("imported")
        paths = Paths.from_env()
        settings = Settings.load(paths)
        set_language(choose_language(None, settings))

        def open_backend():
            """As the CLI does: the app opens the database in its first worker, after the first frame."""
            backend = _open_backend(db, settings)
            mark("db_open")
            return backend

        app = ExitApp(open_backend, state=State(paths.state_file), settings=settings, project_id=project_id,
                      db_key=db)
        primary, secondary = ("first_frame", "data_frame"), ("paint", "data")

        original_show = getattr(DashboardScreen, "show_dashboard", None)
        if original_show is None:
            errors.append("DashboardScreen.show_dashboard is missing: no 'data shown' hook")
            primary, secondary = ("first_frame",), ("paint",)
        else:

            def show_dashboard(self, data, *args, **kwargs):
                # The quick figures (read with sqlite3) arrive before the database is open.
                info.setdefault("instant", self.app._backend is None)
                result = original_show(self, data, *args, **kwargs)
                mark("show_dashboard")
                state["data_ran"] = True
                info["tasks_total"] = getattr(data, "total", None)
                self.call_after_refresh(reached, "data")
                return result

            DashboardScreen.show_dashboard = show_dashboard
    mark("app_init")

    def maybe_exit() -> None:
        """Exit once every point is taken; once the primary ones are, give the cross-checks a grace second."""
        if not all(name in marks for name in primary):
            return
        if all(name in marks for name in secondary):
            app.exit()
        elif not state.get("grace"):
            state["grace"] = True
            app.set_timer(1.0, app.exit)

    def reached(name: str) -> None:
        mark(name)
        maybe_exit()

    def on_timeout() -> None:
        errors.append(f"timed out after {timeout:g}s; missing: {[n for n in primary if n not in marks]}")
        app.exit()

    original_display = App._display

    def _display(self, screen, renderable):
        if renderable is not None and not getattr(self, "_batch_count", 0):
            if "first_frame" not in marks:
                mark("first_frame")
                info["first_frame_screen"] = type(screen).__name__
            if state["data_ran"]:
                mark("data_frame")
            if self is app:
                maybe_exit()
        return original_display(self, screen, renderable)

    original_ready = App._ready

    async def _ready(self):
        await original_ready(self)
        if self is app:
            mark("ready")
            self.call_after_refresh(reached, "paint")
            self.set_timer(timeout, on_timeout)

    App._display = _display
    App._ready = _ready

    app.run(headless=True, size=SIZE)
    mark("exited")
    if variant != "bare":
        app.close_backend()
    sys.stdout.write(RESULT_MARK + json.dumps({"marks": marks, "info": info, "errors": errors}) + "\n")
    sys.stdout.flush()


def _pty_child(argv: list[str]) -> None:
    """Run one variant in the terminal it was given, as a user would, until the terminal is closed."""
    variant = argv[0]
    opts = dict(zip(argv[1::2], argv[2::2]))
    if variant == "pty-bare":
        from textual.app import App
        from textual.widgets import Footer, Header, Static

        class Bare(App):
            def compose(self):
                yield Header()
                yield Static(BARE_TEXT)
                yield Footer()

        Bare().run()
        return
    # As the CLI's `exit-tui` (cli._run_app), with the working date set to the run's "new day".
    from datetime import date, timedelta
    from functools import partial

    from exit_tui.cli import _open_backend
    from exit_tui.config import Paths, Settings, State, choose_language
    from exit_tui.i18n import set_language

    paths = Paths.from_env()
    settings = Settings.load(paths)
    set_language(choose_language(None, settings))
    from exit_tui.ui.app import ExitApp

    db = opts["--db"]
    today = date.today() + timedelta(days=int(opts["--day"]))
    # pty-stack: a key that is not the file, so the quick read declines and nothing is remembered for it: the
    # figures come from the database stack (SQLAlchemy, migrations check), as before quick start.
    db_key = "" if variant == "pty-stack" else db
    app = ExitApp(partial(_open_backend, db, settings), state=State(paths.state_file), settings=settings,
                  db_key=db_key, today=today)
    try:
        app.run()
    finally:
        app.close_backend()


_ESCAPES = None


def _screen_text(data: bytes) -> str:
    """What a terminal would show of `data`, roughly: the text with control sequences removed."""
    import re

    global _ESCAPES
    if _ESCAPES is None:
        _ESCAPES = re.compile(  # CSI, OSC, DCS/PM/APC, then any other two-byte escape
            r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_][^\x1b]*\x1b\\|\x1b.")
    return _ESCAPES.sub("", data.decode("utf-8", "ignore"))


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc: unlike wall time, it hardly depends on
    how busy the machine is (resolution: one clock tick, usually 10 ms)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_pty(variant: str, dbs, env, timeout: float, day: int):
    """Start `variant` on a new pseudo-terminal, note when its texts appear, then close the terminal (SIGHUP).

    Returns ({point: seconds since spawn}, None) or (None, error)."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import termios

    from exit_tui.i18n import _, set_language

    set_language("zh")  # the children's language (LANG=C.UTF-8: the default, Chinese)
    if variant == "pty-bare":
        needles = {"first_frame": (BARE_TEXT,)}
        extra = []
    else:
        address = dbs["demo"][3]
        needles = {"first_frame": (_("start.loading"), address), "data_frame": (address,)}
        extra = ["--db", dbs["demo"][0], "--day", str(day)]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    command = [sys.executable, os.path.abspath(__file__), "--pty-child", variant, *extra]
    started = _time.perf_counter()
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # the pty is its controlling terminal
    )
    os.close(slave)
    output = bytearray()
    marks: dict[str, float] = {}
    try:
        while any(name not in marks for name in needles) and _time.perf_counter() - started < timeout:
            ready, _w, _x = select.select([master], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the child has gone (crashed)
                break
            now = _time.perf_counter() - started
            # Only the new bytes and a margin before them are searched (a text may straddle two reads): the
            # parent must not spend the CPU the child needs on rescanning all it wrote.
            text = _screen_text(bytes(output[-1024:]) + chunk)
            output += chunk
            for name, texts in needles.items():
                if name not in marks and any(t in text for t in texts):
                    marks[name] = now
                    marks[f"{name}_cpu"] = _cpu_seconds(proc.pid)
    finally:
        os.close(master)  # the user closes the terminal window: the child gets SIGHUP
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if any(name not in marks for name in needles):
        tail = _screen_text(bytes(output))[-600:]
        return None, f"{variant}: missing {[n for n in needles if n not in marks]} after {timeout:g}s: {tail!r}"
    return marks, None


# -- parent: databases --------------------------------------------------------------------------------


def _prepare_databases(folder, extra_tasks: int):
    """The demo database and a copy of it with `extra_tasks` more tasks in the demo project."""
    from datetime import date

    from sqlalchemy import func, select

    from exit_tui.db.models import Task
    from exit_tui.services.backend import Backend
    from exit_tui.services.demo import create_demo

    today = date.today()
    made = {}
    for name, extra in (("demo", 0), ("big", extra_tasks)):
        path = str(folder / f"{name}.db")
        backend = Backend.open(path)
        try:
            project = backend.call(create_demo, today)
            if extra:
                _bulk_tasks(backend.engine, project.id, extra, today)
            with backend.engine.connect() as connection:
                tasks = connection.execute(
                    select(func.count()).select_from(Task.__table__).where(Task.__table__.c.project_id == project.id)
                ).scalar_one()
        finally:
            backend.close()
        made[name] = (path, project.id, tasks, project.address)
    return made


def _bulk_tasks(engine, project_id: int, count: int, today) -> None:
    """Insert `count` tasks (T-100000…, phases 1..20, mixed statuses and due dates) with SQLAlchemy core."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, update

    from exit_tui.db.models import IdCounter, Task

    statuses = ("done",) * 6 + ("todo", "todo", "doing", "blocked")
    owners = ("物业", "业委会", "街道", "开发商")
    now = datetime.now(UTC)
    table = Task.__table__
    batch_size = 10_000
    with engine.begin() as connection:
        for start in range(0, count, batch_size):
            rows = []
            for i in range(start, min(start + batch_size, count)):
                status = statuses[i % len(statuses)]
                due = today + timedelta(days=(i * 7919) % 730 - 365)
                rows.append({
                    "project_id": project_id,
                    "public_id": f"T-{100000 + i}",
                    "phase_no": i % 20 + 1,
                    "template_key": None,
                    "title_zh": f"批量任务 {i}",
                    "title_en": f"Bulk task {i}",
                    "owner": owners[i % len(owners)],
                    "due_date": due,
                    "status": status,
                    "note": "",
                    "done_on": due if status == "done" else None,
                    "created_at": now,
                })
            connection.execute(insert(table), rows)
        counter = IdCounter.__table__
        connection.execute(
            update(counter)
            .where(counter.c.project_id == project_id, counter.c.prefix == "T")
            .values(last=100000 + count)  # the app's next id stays clear of the bulk ids
        )


# -- parent: environment facts ------------------------------------------------------------------------


def _bytecode_status(package: str) -> str:
    """How many of a package's modules have bytecode next to them (`__pycache__`), and where it is."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return f"{package}: not found"
    root = Path(list(spec.submodule_search_locations)[0])
    tag = sys.implementation.cache_tag
    sources = [p for p in root.rglob("*.py")]
    compiled = sum((p.parent / "__pycache__" / f"{p.stem}.{tag}.pyc").exists() for p in sources)
    return f"{package}: {compiled}/{len(sources)} modules precompiled ({root})"


def _versions() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    def v(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    return [
        f"python {sys.version.split()[0]} ({sys.executable})",
        f"textual {v('textual')}, sqlalchemy {v('sqlalchemy')}, sqlmodel {v('sqlmodel')}, exit-tui {v('exit-tui')}",
        f"cpus {os.cpu_count()}, PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}",
    ]


# -- parent: runs and report --------------------------------------------------------------------------


def _run_child(variant: str, dbs, env, timeout: float):
    import subprocess

    command = [sys.executable, os.path.abspath(__file__), "--child", variant, "--timeout", str(timeout)]
    if variant != "bare":
        path, project_id, _tasks, _address = dbs[variant]
        command += ["--db", path, "--project", str(project_id)]
    started = _time.perf_counter()
    try:
        proc = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        return None, f"{variant}: child killed after {timeout + 30:g}s"
    wall = _time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        return None, f"{variant}: child exited {proc.returncode} without a result\n{tail}"
    result = json.loads(lines[-1][len(RESULT_MARK):])
    result["marks"]["wall"] = wall
    if result["errors"]:
        return None, f"{variant}: " + "; ".join(result["errors"])
    return result, None


ROWS = (
    ("imported_core", "imports: exit_tui cli, config, i18n"),
    ("imported", "imports: textual + UI done"),
    ("app_init", "app constructed"),
    ("ready", "app ready (mounted)"),
    ("first_frame", "FIRST PAINT (first frame written)"),
    ("paint", "  after-refresh callback from _ready"),
    ("db_open", "Backend.open done (in a worker)"),
    ("show_dashboard", "show_dashboard returned"),
    ("data_frame", "DATA SHOWN (first frame after it)"),
    ("data", "  after-refresh callback after it"),
    ("wall", "process wall, spawn to exit (parent)"),
)


def _records():
    """tests/perf/records.py, imported by the parent only (what a child imports is timed)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tests.perf import records

    return records


def _report(results, runs: int, dbs) -> list[dict]:
    """Print the headless table and ratios; the ratios as records (run_all.py)."""
    records = _records()
    from collections import Counter
    from statistics import median

    def values(variant, key):
        return [r["marks"][key] for r in results[variant] if key in r["marks"]]

    def med(variant, key):
        found = values(variant, key)
        return median(found) if found else None

    counts = ", ".join(f"{v} {len(results[v])}/{runs}" for v in VARIANTS)
    print(f"\nSeconds since t0 in the child, median [min-max] of the successful runs ({counts}):\n")
    print(f"{'':40}" + "".join(f"{v:>22}" for v in VARIANTS))
    for key, label in ROWS:
        cells = []
        for variant in VARIANTS:
            found = values(variant, key)
            cells.append(f"{median(found):.3f} [{min(found):.3f}-{max(found):.3f}]" if found else "-")
        if any(c != "-" for c in cells):
            print(f"{label:40}" + "".join(f"{c:>22}" for c in cells))
    print()
    for variant in VARIANTS:
        screens = Counter(r["info"].get("first_frame_screen") for r in results[variant])
        print(f"first frame of {variant}: " + ", ".join(f"{name} x{n}" for name, n in screens.most_common()))
    for variant in ("demo", "big"):
        instant = sum(bool(r["info"].get("instant")) for r in results[variant])
        print(f"{variant}: figures read with sqlite3 shown first (quick start) in {instant} of "
              f"{len(results[variant])} runs")
    totals = {v: {r["info"].get("tasks_total") for r in results[v]} for v in ("demo", "big")}
    print(f"tasks in the project: demo {dbs['demo'][2]:,}, big {dbs['big'][2]:,}"
          f" (dashboard showed: demo {sorted(t for t in totals['demo'] if t)},"
          f" big {sorted(t for t in totals['big'] if t)})")

    def phase(variant):
        found = [r["marks"]["data_frame"] - r["marks"]["ready"] for r in results[variant]
                 if "data_frame" in r["marks"] and "ready" in r["marks"]]
        return median(found) if found else None

    demo_phase, big_phase = phase("demo"), phase("big")
    if demo_phase is not None and big_phase is not None:
        print(f"from app ready to data shown (median of per-run differences, free of import noise): "
              f"demo {demo_phase:.3f}s, big {big_phase:.3f}s ({1000 * (big_phase - demo_phase):+.0f} ms)")

    def ratio(a, b):
        return None if a is None or b is None else a / b

    checks = (
        ("first paint: demo / bare", ratio(med("demo", "first_frame"), med("bare", "first_frame")), "first_paint"),
        ("data shown: demo / bare first paint", ratio(med("demo", "data_frame"), med("bare", "first_frame")),
         "data_shown"),
        ("100k vs demo: big / demo data shown", ratio(med("big", "data_frame"), med("demo", "data_frame")),
         "big_vs_demo"),
    )
    pairs = {"first_paint": (("demo", "first_frame"), ("bare", "first_frame")),
             "data_shown": (("demo", "data_frame"), ("bare", "first_frame")),
             "big_vs_demo": (("big", "data_frame"), ("demo", "data_frame"))}
    found = []
    for label, value, target in checks:
        ours, base = (med(*pair) for pair in pairs[target])
        found.append(records.record(f"start-up, headless: {label} (s)", ours, "s", base, ratio=value,
                                    target=f"<= {TARGETS[target]:.1f}x",
                                    met=None if value is None else value <= TARGETS[target]))
    cross = (
        ("first paint: demo / bare", ratio(med("demo", "paint"), med("bare", "paint")), "first_paint"),
        ("data shown: demo / bare first paint", ratio(med("demo", "data"), med("bare", "paint")), "data_shown"),
        ("100k vs demo: big / demo data shown", ratio(med("big", "data"), med("demo", "data")), "big_vs_demo"),
    )
    print(f"\n{'ratio (of medians)':44}{'value':>8}{'target':>10}  result")
    cross_title = "cross-check on the after-refresh callbacks (see the docstring for why not primary):"
    for title, rows in (("", checks), (cross_title, cross)):
        if title:
            print(title)
        for label, value, target in rows:
            limit = TARGETS[target]
            if value is None:
                print(f"  {label:42}{'n/a':>8}{'<= ' + format(limit, '.1f') + 'x':>10}  n/a")
            else:
                verdict = "PASS" if value <= limit else "FAIL"
                print(f"  {label:42}{value:>7.2f}x{'<= ' + format(limit, '.1f') + 'x':>10}  {verdict}")
    return found


def _report_pty(results, runs: int) -> list[dict]:
    """Print the terminal table and ratios; the ratios as records (run_all.py)."""
    records = _records()
    from statistics import median

    def cell(variant, key):
        found = [r[key] for r in results[variant] if key in r]
        return (median(found), f"{median(found):.3f} [{min(found):.3f}-{max(found):.3f}]") if found else (None, "-")

    counts = ", ".join(f"{v} {len(results[v])}/{runs}" for v in PTY_VARIANTS)
    print(f"\nIn a real terminal (pty {SIZE[0]}x{SIZE[1]}), seconds from spawn, median [min-max] ({counts}):\n")
    print(f"{'':40}" + "".join(f"{v:>22}" for v in PTY_VARIANTS))
    for key, label in (("first_frame", "FIRST PAINT (text on the terminal)"),
                       ("data_frame", "DATA SHOWN (the project's figures)"),
                       ("first_frame_cpu", "  CPU seconds used by first paint"),
                       ("data_frame_cpu", "  CPU seconds used by data shown")):
        print(f"{label:40}" + "".join(f"{cell(v, key)[1]:>22}" for v in PTY_VARIANTS))
    print(f"\n{'ratio (of medians)':58}{'value':>8}{'target':>10}  result")
    found = []
    for label, variant, key, target in (
        ("first paint: pty-newday / pty-bare", "pty-newday", "first_frame", "first_paint"),
        ("DATA SHOWN (new day, closed terminal) / bare paint", "pty-newday", "data_frame", "data_shown"),
        ("  the same in CPU seconds (less sensitive to load)", "pty-newday", "data_frame_cpu", "data_shown"),
        ("  for comparison, the database stack's: pty-stack / bare", "pty-stack", "data_frame", "data_shown"),
    ):
        limit = TARGETS[target]
        bare = cell("pty-bare", "first_frame_cpu" if key.endswith("_cpu") else "first_frame")[0]
        value = cell(variant, key)[0]
        compared = not label.startswith("  for comparison")
        name = f"start-up, terminal: {label.strip()} ({'CPU s' if key.endswith('_cpu') else 's'})"
        if value is None or not bare:
            print(f"  {label:56}{'n/a':>8}{'<= ' + format(limit, '.1f') + 'x':>10}  n/a")
            found.append(records.record(name, value, "s", bare, target=f"<= {limit:.1f}x" if compared else None))
        else:
            verdict = "PASS" if value / bare <= limit else "FAIL"
            print(f"  {label:56}{value / bare:>7.2f}x{'<= ' + format(limit, '.1f') + 'x':>10}  {verdict}")
            found.append(records.record(name, value, "s", bare, target=f"<= {limit:.1f}x" if compared else None,
                                        met=value / bare <= limit if compared else None))
    return found


def main(argv: list[str] | None = None) -> int:
    import argparse
    import shutil
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description="exit-tui startup benchmark (see the module docstring).")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per variant (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds first (default 1; >= 1 with cache)")
    parser.add_argument("--tasks", type=int, default=100_000, help="extra tasks in the big database")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a child may take")
    parser.add_argument("--bytecode", choices=("cache", "env"), default="cache",
                        help="cache: private PYTHONPYCACHEPREFIX filled by the warm-up (default); env: as is")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (databases) and print it")
    parser.add_argument("--no-pty", action="store_true", help="skip the runs in a pseudo-terminal")
    parser.add_argument("--no-headless", action="store_true", help="skip the headless runs (hooks in the child)")
    parser.add_argument("--json", help="also write the ratios as records to this file (run_all.py)")
    args = parser.parse_args(argv)
    warmup = max(args.warmup, 1) if args.bytecode == "cache" else max(args.warmup, 0)

    print("exit-tui startup benchmark")
    for line in _versions():
        print("  " + line)
    print("  " + _bytecode_status("exit_tui"))
    print("  " + _bytecode_status("textual"))
    if args.bytecode == "cache":
        print("  bytecode: children use a private PYTHONPYCACHEPREFIX, filled by the warm-up round (not counted)")
    else:
        print("  bytecode: as in the environment. For stable import times first run "
              "`UV_COMPILE_BYTECODE=1 uv sync --reinstall`\n  (with PYTHONDONTWRITEBYTECODE=1 set, whatever is not"
              " precompiled is recompiled by every run; an editable exit_tui is never precompiled by uv)")

    folder = Path(tempfile.mkdtemp(prefix="exit-tui-bench-"))
    try:
        started = _time.perf_counter()
        dbs = _prepare_databases(folder, args.tasks)
        print(f"  databases prepared in {_time.perf_counter() - started:.1f}s "
              f"(demo {dbs['demo'][2]:,} tasks, big {dbs['big'][2]:,} tasks)")
        env = {k: v for k, v in os.environ.items() if not k.startswith("EXIT_TUI_")}
        env["EXIT_TUI_HOME"] = str(folder / "home")
        if args.bytecode == "cache":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")

        results = {v: [] for v in VARIANTS}
        pty_results = {v: [] for v in PTY_VARIANTS}
        pty_env = {**env, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        for variable in ("LC_ALL", "LC_MESSAGES", "TEXTUAL", "TEXTUAL_SCREENSHOT"):
            pty_env.pop(variable, None)
        failures = []
        total = warmup + args.runs
        for round_no in range(total):
            counted = round_no >= warmup
            for variant in () if args.no_headless else VARIANTS:
                result, error = _run_child(variant, dbs, env, args.timeout)
                if error:
                    failures.append(f"round {round_no + 1}: {error}")
                elif counted:
                    results[variant].append(result)
            for variant in () if args.no_pty else PTY_VARIANTS:
                # Each round is a new day; the previous session (the round before) ended by closing its terminal.
                marks, error = _run_pty(variant, dbs, pty_env, args.timeout, day=round_no + 1)
                if error:
                    failures.append(f"round {round_no + 1}: {error}")
                elif counted:
                    pty_results[variant].append(marks)
            print(f"  round {round_no + 1}/{total}{'' if counted else ' (warm-up)'} done", file=sys.stderr)

        found = []
        if not args.no_pty:
            found += _report_pty(pty_results, args.runs)
        if not args.no_headless:
            print("\nHeadless (hooks inside the child):")
            found += _report(results, args.runs, dbs)
        if args.json:
            _records().write(args.json, found)
        if failures:
            print(f"\n{len(failures)} run(s) failed:")
            for failure in failures[:6]:
                print("  " + failure.replace("\n", "\n    "))
        print("\nThe figures are measured, not gated: this script exits 0 whether the targets are met or not.")
        return 1 if failures else 0
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--pty-child":
        _pty_child(sys.argv[2:])
    else:
        sys.exit(main())
