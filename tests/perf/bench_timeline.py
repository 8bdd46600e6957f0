"""Timeline benchmarks: opening the timeline in the app at 10k and 50k tasks, and the Gantt's repaint.

Usage (from the repository root)::

    uv run python tests/perf/bench_timeline.py [--reps 50] [--open-runs 3] [--before COMMIT] [--skip-repaint]
        [--json PATH]

Open: a project of the demo's tasks plus 10,000 or 50,000 more (written with Core inserts through the audited
bulk helper, with rules on project dates and on other tasks, and some tasks serving statutory deadlines) is
opened in the app at 120x40 (`run_test`, headless, one child process per side). Each run switches to the
dashboard, then to the timeline, and measures from the timeline screen being shown (its ScreenResume) to the
first frame after the rows reached the Gantt (or, when nothing was read again, the first frame of the screen),
and the longest step the UI thread took meanwhile (a heartbeat task on the event loop records every gap).
"cold" follows a write to one task (its note), so nothing computed before can be reused; "other" follows a write
to something else (an audit entry for the project's note), after which the task rows read before are reused;
"again" opens it once more without a write. The baseline is the same measurement on the code of `--before` (default: the commit before the
timeline read was reworked), extracted with `git archive`. Targets: open <= 1 s at 50k, no UI-thread step over
50 ms.

Repaint (not a test: pytest collects test_*.py only): for each size the Gantt is mounted alone in an app at
120x40 (`run_test`, headless) and two changes are timed, each followed by rendering every visible line through
the widget's own render path (`render_line(y)` for each y on screen, what the compositor asks for on a repaint):

- scroll: one step sideways (`l`) plus one row down (the cursor moves, the view follows);
- zoom: one zoom step (week -> day -> week ...), which rebuilds the axis and the per-row geometry of the rows shown.

Baseline in the same run: a bare `ScrollView` whose `render_line` returns one plain line of text per row, as
many rows as tasks, repainted after one scroll step. Medians over `--reps` repetitions; the target is 50 ms per
repaint at 1,000 tasks. It exits 0 whatever the figures are.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = Path(os.environ.get("BENCH_CODE_ROOT") or ROOT)
"""The code measured: this checkout, or (in a child process) an extracted older commit."""
sys.path.insert(0, str(CODE))

from rich.segment import Segment  # noqa: E402
from textual.app import App  # noqa: E402
from textual.geometry import Size  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402
from textual.strip import Strip  # noqa: E402

from exit_tui.ui.widgets.gantt import Gantt  # noqa: E402
from tests.timeline_data import big_timeline  # noqa: E402

TARGET_MS = 50.0
OPEN_TARGET_MS = 1000.0
KINDS = ("cold", "other", "again")
"""Opens measured: after a task write, after another write, without a write."""
BEAT = 0.01
"""Seconds between two heartbeats on the UI thread's event loop."""
SIZE = (120, 40)
BEFORE = "0d76296"
"""The commit before the timeline read was reworked (ORM objects, network over every task, rows on the UI
thread)."""


class PlainLines(ScrollView):
    """Baseline: n plain lines of text, rendered on demand."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.virtual_size = Size(200, n)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        return Strip([Segment(f"T-{index:05d} a plain line of text for the baseline {'-' * 120}"[:200])]).crop(
            round(self.scroll_x), round(self.scroll_x) + self.size.width)


class Bench(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self):
        yield self.widget


def paint(widget) -> None:
    for y in range(widget.size.height):
        widget.render_line(y)


async def measure(n: int, reps: int) -> dict[str, float]:
    timeline = big_timeline(n)
    gantt = Gantt()
    results: dict[str, list[float]] = {"scroll": [], "zoom": [], "load": []}
    async with Bench(gantt).run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            started = time.perf_counter()
            gantt.load(timeline)
            paint(gantt)
            results["load"].append(time.perf_counter() - started)
        await pilot.pause()
        gantt.focus()
        for i in range(reps):
            started = time.perf_counter()
            gantt.action_pan(1 if (i // 10) % 2 == 0 else -1)
            gantt.action_cursor(1)
            paint(gantt)
            results["scroll"].append(time.perf_counter() - started)
            await pilot.pause()
        for i in range(reps):
            started = time.perf_counter()
            gantt.action_zoom(-1 if i % 2 == 0 else 1)
            paint(gantt)
            results["zoom"].append(time.perf_counter() - started)
            await pilot.pause()
    baseline = PlainLines(n)
    plain: list[float] = []
    async with Bench(baseline).run_test(size=SIZE) as pilot:
        await pilot.pause()
        for i in range(reps):
            started = time.perf_counter()
            baseline.scroll_to(y=i % 50, animate=False, immediate=True)
            paint(baseline)
            plain.append(time.perf_counter() - started)
            await pilot.pause()
    medians = {key: statistics.median(values) * 1000 for key, values in results.items()}
    medians["baseline"] = statistics.median(plain) * 1000
    return medians

# -- open ----------------------------------------------------------------------------------------------


def build_project(path: Path, extra: int) -> int:
    """The demo project plus `extra` tasks, inserted with Core through the audited bulk helper; its id."""
    from sqlmodel import select

    from exit_tui.db.models import Task
    from exit_tui.services import audit
    from exit_tui.services.backend import Backend
    from exit_tui.services.demo import create_demo
    from tests.helpers import TODAY

    backend = Backend.open(str(path))
    project = backend.call(create_demo, TODAY)

    def insert(session) -> None:
        keys = [k for k in session.exec(select(Task.template_key).where(Task.project_id == project.id)) if k]
        now = datetime.now(UTC)
        rows = []
        for i in range(extra):
            anchor = offset = None
            if i % 5 == 1:  # counted from the task before it
                anchor, offset = f"T-{100000 + i - 1}", "+3d"
            elif i % 5 == 2:
                anchor, offset = "handover", f"-{i % 200}d"
            rows.append({
                "project_id": project.id, "public_id": f"T-{100000 + i}", "phase_no": i % 20 + 1,
                "template_key": keys[i % len(keys)] if i % 9 == 0 else None,
                "title_zh": f"第 {i} 号单元 入户查验", "title_en": f"Unit {i} inspection", "title": None,
                "owner": "engineering", "due_date": TODAY + timedelta(days=i % 400 - 100), "due_anchor": anchor,
                "due_offset": offset, "recurrence": None, "recurrence_until": None, "duration_days": i % 5,
                "status": ("todo", "doing", "done", "blocked")[i % 4], "legal_basis": None, "note": "",
                "done_on": TODAY if i % 4 == 2 else None, "created_at": now,
            })
        audit.insert_rows(session, Task.__table__, rows)

    backend.call(insert)
    backend.call(lambda session: session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
    backend.close()
    return project.id


async def _settle(pilot) -> None:
    for _ in range(3):
        ours = [w for w in pilot.app.workers if w.node is pilot.app]
        if ours:
            await pilot.app.workers.wait_for_complete(ours)
        await pilot.pause()


async def measure_open(db: Path, project_id: int, runs: int) -> dict[str, list[float]]:
    """Open the timeline `runs` times after a task write, after another write and without a write: (ms to the
    first frame with the rows, longest UI-thread step in ms) per open."""
    from exit_tui.config import State
    from exit_tui.services import audit
    from exit_tui.services.backend import Backend
    from exit_tui.ui.app import ExitApp
    from exit_tui.ui.screens.base import ProjectScreen
    from exit_tui.ui.screens.timeline import TimelineScreen
    from tests.helpers import TODAY

    marks: dict[str, float] = {}
    resume, load, call_service = ProjectScreen.on_screen_resume, Gantt.load, ExitApp.call_service

    def timed_resume(self) -> None:
        if isinstance(self, TimelineScreen):
            marks.setdefault("request", time.perf_counter())
            self.app.call_after_refresh(lambda: marks.setdefault("shown", time.perf_counter()))
        resume(self)

    def timed_load(self, *args, **kwargs) -> None:
        load(self, *args, **kwargs)
        marks["loaded"] = time.perf_counter()
        self.app.call_after_refresh(lambda: marks.setdefault("frame", time.perf_counter()))

    def timed_call(self, service, *args, then=None, **kwargs) -> None:
        if then is not None and service == "timeline.load_timeline":
            def delivered(result, then=then):
                then(result)
                marks["delivered"] = time.perf_counter()
            return call_service(self, service, *args, then=delivered, **kwargs)
        return call_service(self, service, *args, then=then, **kwargs)

    ProjectScreen.on_screen_resume, Gantt.load, ExitApp.call_service = timed_resume, timed_load, timed_call
    gaps: list[tuple[float, float, float]] = []
    """(when, wall ms, UI-thread CPU ms) of every wait between two heartbeats."""
    beating = True

    async def heartbeat() -> None:
        # Wall gaps include waiting for the GIL and for a CPU on a busy machine; the UI thread's own CPU time
        # (thread_time) during a gap is the work done on it: the step the user waits for.
        last, last_cpu = time.perf_counter(), time.thread_time()
        while beating:
            await asyncio.sleep(BEAT)
            now, cpu = time.perf_counter(), time.thread_time()
            gaps.append((now, (now - last - BEAT) * 1000, (cpu - last_cpu) * 1000))
            last, last_cpu = now, cpu

    backend = Backend.open(str(db))
    folder = Path(tempfile.mkdtemp())
    app = ExitApp(backend, state=State(folder / "state.json"), project_id=project_id, db_key="bench", today=TODAY)
    results: dict[str, list[float]] = {f"{kind}{part}": [] for kind in KINDS for part in ("", "_ui", "_wall")}
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("3")  # once unmeasured: modules imported, the screen composed
        await _settle(pilot)
        beat = asyncio.create_task(heartbeat())
        for run in range(runs):
            for kind in KINDS:
                if kind == "cold":
                    backend.call(_touch_task, project_id, f"bench {run}")
                elif kind == "other":
                    backend.call(audit.record, project_id, "update", "project", "bench", "note", None, "x")
                await pilot.press("1")
                await _settle(pilot)
                marks.clear()
                gaps.clear()
                await pilot.press("3")
                await _settle(pilot)
                await asyncio.sleep(0.1)
                await _settle(pilot)
                # Read again: the rows reach the Gantt (loaded) and a frame follows. The same result as before
                # (or no read at all): the screen as it was, shown at once.
                if marks.get("loaded", 0) > marks["request"]:
                    end = marks["frame"]
                else:
                    end = max(marks["shown"], marks.get("delivered", 0))
                results[kind].append((end - marks["request"]) * 1000)
                during = [(wall, cpu) for when, wall, cpu in gaps if marks["request"] <= when <= end + BEAT]
                results[kind + "_ui"].append(max((cpu for _wall, cpu in during), default=0))
                results[kind + "_wall"].append(max((wall for wall, _cpu in during), default=0))
        beating = False
        await beat
    backend.close()
    return results


def _touch_task(session, project_id: int, note: str) -> None:
    """A write to one task (its note, through the ORM: audited as any edit is)."""
    from sqlmodel import select

    from exit_tui.db.models import Task

    task = session.exec(select(Task).where(Task.project_id == project_id, Task.public_id == "T-100000")).one()
    task.note = note
    session.add(task)


def _open_child(db: str, project_id: int, runs: int) -> None:
    print(json.dumps(asyncio.run(measure_open(Path(db), project_id, runs))))


def _run_side(code: Path, db: Path, project_id: int, runs: int) -> dict[str, float]:
    env = {**os.environ, "BENCH_CODE_ROOT": str(code)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--open-child", str(db), str(project_id), str(runs)],
        env=env, capture_output=True, text=True, check=True, cwd=code,
    )
    results = json.loads(done.stdout.strip().splitlines()[-1])
    return {key: statistics.median(values) for key, values in results.items()}


def _stamped_for(code: Path, db: Path) -> Path:
    """A copy of `db` stamped with the newest schema revision `code` knows, so that older code opens it instead of
    refusing a newer schema. Fair while the revisions since only add tables (the older code leaves them alone); if
    one changes a table the older code reads, its side fails and is reported as not measured."""
    import re
    import sqlite3

    revisions = {}
    for path in (code / "exit_tui" / "db" / "migrations" / "versions").glob("*.py"):
        found = dict(re.findall(r'^(revision|down_revision) = "?([^"\n]+?)"?$', path.read_text(), re.M))
        if "revision" in found:
            revisions[found["revision"]] = found.get("down_revision")
    head = next(r for r in revisions if r not in revisions.values())
    copy = db.with_name(f"{db.stem}-before.db")
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute("UPDATE alembic_version SET version_num = ?", (head,))
    return copy


def bench_open(runs: int, before: str, sizes: list[int]) -> list[dict]:
    from tests.perf import records  # here, not at the top: a child may run on an older tree that lacks it

    found = []
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "before"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", before], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        print(f"Timeline open at {SIZE[0]}x{SIZE[1]}, median of {runs} (ms); before = {before}")
        print(f"{'tasks':>7} {'side':>7}" + "".join(f" {kind:>7} {'ui cpu':>7} {'ui wall':>7}" for kind in KINDS))
        for extra in sizes:
            db = Path(folder) / f"open-{extra}.db"
            project_id = build_project(db, extra)
            now = _run_side(ROOT, db, project_id, runs)
            try:
                then = _run_side(old, _stamped_for(old, db), project_id, runs)
            except subprocess.CalledProcessError as error:
                print(f"{extra:>7,} before: not measured ({error.stderr.strip().splitlines()[-1:]})")
                then = {key: float("nan") for key in now}
            for side, m in (("before", then), ("now", now)):
                print(f"{extra:>7,} {side:>7}" + "".join(
                    f" {m[kind]:>7.0f} {m[kind + '_ui']:>7.0f} {m[kind + '_wall']:>7.0f}" for kind in KINDS))
            step, step_then = (max(m[kind + "_ui"] for kind in KINDS) for m in (now, then))
            met = now["cold"] <= OPEN_TARGET_MS and step <= TARGET_MS
            print(f"{'':>7} before/now: " + ", ".join(f"{kind} {then[kind] / now[kind]:.1f}x" for kind in KINDS)
                  + f"; targets (cold <= {OPEN_TARGET_MS:.0f} ms, UI-thread steps <= {TARGET_MS:.0f} ms):"
                  f" {'met' if met else 'NOT MET'}")
            found += [
                records.record(f"timeline open, demo + {extra:,} tasks: after a task write (ms; baseline: code of "
                               f"{before})", now["cold"], "ms", then["cold"], target=f"<= {OPEN_TARGET_MS:.0f} ms",
                               met=now["cold"] <= OPEN_TARGET_MS),
                records.record(f"timeline open, demo + {extra:,} tasks: after another write (ms; baseline: code of "
                               f"{before})", now["other"], "ms", then["other"]),
                records.record(f"timeline open, demo + {extra:,} tasks: again, no write (ms; baseline: code of "
                               f"{before})", now["again"], "ms", then["again"]),
                records.record(f"timeline open, demo + {extra:,} tasks: longest UI-thread step (CPU ms; baseline: "
                               f"code of {before})", step, "ms", step_then, target=f"<= {TARGET_MS:.0f} ms",
                               met=step <= TARGET_MS),
            ]
    print("cold = opened after a write to a task; other = after a write to something else; again = reopened"
          " without a write. From the screen being shown to the first"
          " frame with the rows. ui cpu = the longest step of UI-thread work (its CPU time between two heartbeats, paint"
          " included); ui wall = the longest wall-clock gap between heartbeats (adds waits for the GIL and for a"
          " CPU on a busy machine).")
    return found

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--open-runs", type=int, default=3)
    parser.add_argument("--before", default=BEFORE, help="commit whose code is the open baseline")
    parser.add_argument("--skip-repaint", action="store_true")
    parser.add_argument("--skip-open", action="store_true")
    parser.add_argument("--sizes", default="10000,50000", help="tasks added to the demo project for open")
    parser.add_argument("--json", type=Path, help="also write the figures as records to this file (run_all.py)")
    parser.add_argument("--open-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.open_child:
        _open_child(args.open_child[0], int(args.open_child[1]), int(args.open_child[2]))
        return
    from tests.perf import records

    found = []
    if not args.skip_open:
        found += bench_open(args.open_runs, args.before, [int(n) for n in args.sizes.split(",")])
    if args.skip_repaint:
        records.write(args.json, found)
        return
    print(f"Gantt repaint at {SIZE[0]}x{SIZE[1]}, median of {args.reps} (ms)")
    print(f"{'tasks':>7} {'scroll':>8} {'zoom':>8} {'load':>8} {'baseline':>9}  target <= {TARGET_MS:.0f} ms")
    for n in (1_000, 10_000):
        m = asyncio.run(measure(n, args.reps))
        verdict = "ok" if max(m["scroll"], m["zoom"]) <= TARGET_MS else "SLOW"
        print(f"{n:>7,} {m['scroll']:>8.2f} {m['zoom']:>8.2f} {m['load']:>8.2f} {m['baseline']:>9.2f}  {verdict}")
        for change in ("scroll", "zoom"):  # the target is set at 1,000 tasks
            found.append(records.record(
                f"Gantt repaint, {n:,} tasks: {change} (ms; baseline: bare ScrollView, one scroll step)", m[change],
                "ms", m["baseline"], target=f"<= {TARGET_MS:.0f} ms" if n == 1_000 else None,
                met=m[change] <= TARGET_MS if n == 1_000 else None))
    print("scroll = one step sideways and one row down, then every visible line rendered; zoom = one zoom step,"
          " then every line; load = rows built from the read model + first paint; baseline = bare ScrollView of"
          " plain lines, one scroll step.")
    records.write(args.json, found)


if __name__ == "__main__":
    main()
