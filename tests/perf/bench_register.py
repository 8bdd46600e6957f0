"""Register table benchmark: open, filter keystroke, scroll and a one-row change at 10,000 and 100,000 tasks.

Usage (from the repository root)::

    uv run python tests/perf/bench_register.py [--reps 7] [--sizes 10000 100000] [--json PATH]

Not a test (pytest collects test_*.py only). Three widgets, each mounted alone in an app at 120x40 (`run_test`,
headless), on the same synthetic tasks (CJK titles, 20 phases):

- register: the RegisterTable as the checklist configures it (its columns, search text, phase headings, overdue
  counter);
- datatable: Textual's stock DataTable, the stock way (add_rows; a filter clears and adds the matching rows;
  a row change is `update_cell`); plain-string cells, which favours it;
- baseline: a bare line-API ScrollView holding a list of plain lines, filtered with one list comprehension.

Each operation is timed inside the app, from just before the handler runs until the widget's next refresh has
been composited (`call_after_refresh`), so Pilot's ~85 ms per key press is not counted:

- open: rows given to the widget, first frame drawn;
- show: the same with the rows made ready beforehand (`RegisterTable.prepare`, which the screens run in the
  loading worker): what opening costs the UI thread (the others: open again);
- keystroke: the filter text grows by one character ("e", "ex", "exi", "exit") and then is cleared, each step
  one keystroke (the register coalesces and narrows; the DataTable rebuilds);
- scroll: one page down;
- row change: one task on screen toggles done.

Medians over --reps (open: fewer at 100k for the DataTable, which takes seconds); ratios against the baseline.
Target: <= 50 ms per keystroke and per row change at 100,000 tasks. Exits 0 whatever the figures are.
"""

import argparse
import asyncio
import dataclasses
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rich.segment import Segment  # noqa: E402
from textual.app import App  # noqa: E402
from textual.geometry import Size  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402
from textual.strip import Strip  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from exit_tui.domain.enums import TaskStatus  # noqa: E402
from exit_tui.services.readmodels import TaskRead  # noqa: E402
from exit_tui.ui.screens.checklist import role_names, task_columns, task_search_text  # noqa: E402
from exit_tui.ui.widgets.register_table import RegisterTable  # noqa: E402
from tests.perf import records  # noqa: E402

TARGET_MS = 50.0
SIZE = (120, 40)
QUERIES = ["e", "ex", "exi", "exit", ""]
OWNERS = ["finance", "legal", "engineering", "coordinator", "王经理"]
WORDS = ["通知业委会", "移交资料", "exit plan", "设备清单", "notice [draft]", "交接查验", "审计", "staff"]


def tasks(n: int) -> list[TaskRead]:
    """`n` tasks over 20 phases, ordered by phase as the checklist loads them."""
    start = date(2026, 1, 1)
    rows = []
    for i in range(n):
        phase = 1 + i * 20 // n
        word = WORDS[i % len(WORDS)]
        rows.append(TaskRead(
            public_id=f"T-{i + 1:06d}", phase_no=phase, title_zh=f"{word} 第{i}项 检查与确认", title_en=f"{word} item {i}",
            owner=OWNERS[i % len(OWNERS)], due_date=start + timedelta(days=i % 400), due_rule=None, recurrence=None,
            status=TaskStatus.DONE if i % 3 == 0 else TaskStatus.TODO, legal_basis="民法典947" if i % 7 == 0 else None,
            note="", done_on=None, overdue=i % 11 == 0,
        ))
    return rows


def toggled(task: TaskRead) -> TaskRead:
    status = TaskStatus.TODO if task.status is TaskStatus.DONE else TaskStatus.DONE
    return dataclasses.replace(task, status=status)


# -- the three widgets, behind one small interface ------------------------------------------------------------


class PlainLines(ScrollView, can_focus=True):
    """Baseline: a list of plain lines on the line API, filtered with one comprehension."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.shown: list[int] = []

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        text = self.lines[self.shown[index]] if index < len(self.shown) else ""
        return Strip([Segment(text[: self.size.width])]).adjust_cell_length(self.size.width)


def line_of(task: TaskRead) -> str:
    return f"{task.public_id} {task.title_zh} {task.owner} {task.due_date} {task.status.value}"


class Subject:
    """How an operation is done on one kind of widget."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "register":
            names = role_names()
            self.widget = RegisterTable(task_columns(), key_of=lambda t: t.public_id,
                                        search_text=lambda t: task_search_text(t, names),
                                        group_of=lambda t: f"phase:{t.phase_no}",
                                        group_label=lambda key, rows: [(f"{key} {len(rows)}", "")],
                                        counters={"overdue": lambda t: t.overdue})
        elif kind == "datatable":
            self.widget = DataTable(cursor_type="row")
        else:
            self.widget = PlainLines()
        self.rows: list[TaskRead] = []

    def open(self, rows) -> None:
        """Show the rows (the register also takes them made ready by its `prepare`)."""
        self.rows = list(rows.rows if hasattr(rows, "texts") else rows)
        w = self.widget
        if self.kind == "register":
            w.set_rows(rows)
        elif self.kind == "datatable":
            w.clear(columns=True)
            for key in ("id", "title", "owner", "due", "status"):
                w.add_column(key, key=key)
            self._add(rows)
        else:
            w.lines = [line_of(t) for t in rows]
            self.texts = [f"{t.public_id} {t.title_zh} {t.title_en} {t.owner}".casefold() for t in rows]
            w.shown = list(range(len(rows)))
            w.virtual_size = Size(w.size.width, len(rows))
            w.refresh()

    def _add(self, rows) -> None:
        self.widget.add_rows(
            [(t.public_id, t.title_zh, t.owner, t.due_date.isoformat(), t.status.value) for t in rows])
        # add_rows gives generated keys; row changes below go by the row's index instead.

    def keystroke(self, text: str) -> None:
        w = self.widget
        if self.kind == "register":
            w.set_query(text)
        elif self.kind == "datatable":
            w.clear()
            self._add([t for t in self.rows if text in f"{t.public_id} {t.title_zh} {t.title_en} {t.owner}".casefold()])
        else:
            w.shown = [i for i, s in enumerate(self.texts) if text in s]
            w.virtual_size = Size(w.size.width, len(w.shown))
            w.refresh()

    def scroll(self) -> None:
        w = self.widget
        if self.kind == "register":
            w.action_page(1)
        elif self.kind == "datatable":
            w.action_page_down()
        else:
            w.scroll_to(y=w.scroll_y + w.size.height, animate=False, immediate=True)

    def change_row(self, index: int) -> None:
        """Toggle done for the row at `index` of the loaded rows (on screen)."""
        task = self.rows[index] = toggled(self.rows[index])
        w = self.widget
        if self.kind == "register":
            w.update_row(task.public_id, task)
        elif self.kind == "datatable":
            row_key = w.ordered_rows[index].key
            w.update_cell(row_key, "status", task.status.value)
        else:
            w.lines[index] = line_of(task)
            w.refresh_line(index - round(w.scroll_y))


class Bench(App):
    def __init__(self, subject: Subject) -> None:
        super().__init__()
        self.subject = subject

    def compose(self):
        yield self.subject.widget

    def on_mount(self) -> None:
        self.subject.widget.focus()


async def timed(widget, action) -> float:
    """Milliseconds from calling `action` until the widget's next refresh has been drawn."""
    done = asyncio.get_running_loop().create_future()
    started = time.perf_counter()
    action()
    widget.call_after_refresh(lambda: done.done() or done.set_result(time.perf_counter()))
    return (await done - started) * 1000


async def measure(kind: str, n: int, reps: int) -> dict[str, float]:
    rows = tasks(n)
    subject = Subject(kind)
    results: dict[str, list[float]] = {"open": [], "show": [], "keystroke": [], "scroll": [], "row change": []}
    slow = kind == "datatable" and n > 20_000
    async with Bench(subject).run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(1 if slow else 3):
            results["open"].append(await timed(subject.widget, lambda: subject.open(list(rows))))
            await pilot.pause()
        for _ in range(1 if slow else 3):
            ready = subject.widget.prepare(list(rows)) if kind == "register" else list(rows)
            results["show"].append(await timed(subject.widget, lambda r=ready: subject.open(r)))
            await pilot.pause()
        for _ in range(1 if slow else max(1, reps // 2)):
            for query in QUERIES:
                results["keystroke"].append(await timed(subject.widget, lambda q=query: subject.keystroke(q)))
                await pilot.pause()
        subject.keystroke("")
        await pilot.pause()
        for _ in range(reps):
            results["scroll"].append(await timed(subject.widget, subject.scroll))
            await pilot.pause()
        top = round(subject.widget.scroll_y)
        for i in range(reps):
            results["row change"].append(await timed(subject.widget, lambda: subject.change_row(top + 2 + i % 5)))
            await pilot.pause()
    return {key: statistics.median(values) for key, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--json", type=Path, help="also write the figures as records to this file (run_all.py)")
    args = parser.parse_args()
    found = []
    print(f"Register table at {SIZE[0]}x{SIZE[1]}, medians (ms); ratios against the bare line-API baseline")
    operations = ("open", "show", "keystroke", "scroll", "row change")
    for n in args.sizes:
        figures = {kind: asyncio.run(measure(kind, n, args.reps)) for kind in ("baseline", "register", "datatable")}
        print(f"\n{n:,} tasks")
        print(f"{'':>11}" + "".join(f"{op:>22}" for op in operations))
        for kind, m in figures.items():
            cells = "".join(
                f"{m[op]:>12.1f} ({m[op] / figures['baseline'][op]:>5.1f}x)" for op in operations)
            print(f"{kind:>11}{cells}")
        register = figures["register"]
        verdict = "ok" if max(register["keystroke"], register["row change"]) <= TARGET_MS else "SLOW"
        print(f"register: keystroke {register['keystroke']:.1f} ms, row change {register['row change']:.1f} ms "
              f"(target <= {TARGET_MS:.0f}): {verdict}; DataTable / register: "
              + ", ".join(f"{op} {figures['datatable'][op] / register[op]:.1f}x" for op in operations))
        for op in operations:
            gated = op in ("show", "keystroke", "row change")
            found.append(records.record(
                f"register table: {op}, {n:,} tasks (ms; baseline: bare line-API list)", register[op], "ms",
                figures["baseline"][op], target=f"<= {TARGET_MS:.0f} ms" if gated else None,
                met=register[op] <= TARGET_MS if gated else None))
    records.write(args.json, found)


if __name__ == "__main__":
    main()
