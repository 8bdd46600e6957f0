"""Register table benchmark: open, filter keystroke, scroll and a one-row change at 10,000 and 100,000 rows —
checklist tasks, and the Accounts screen's ledger lines (5,000 units x 20 lines = 100,000, a row change there
being a line's state change).

Usage (from the repository root)::

    uv run python tests/perf/bench_register.py [--reps 7] [--sizes 10000 100000] [--rows tasks lines] [--json PATH]

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
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rich.segment import Segment  # noqa: E402
from textual.app import App  # noqa: E402
from textual.geometry import Size  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402
from textual.strip import Strip  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from exit_tui.domain.enums import TaskStatus  # noqa: E402
from exit_tui.services.readmodels import LineRead, TaskRead  # noqa: E402
from exit_tui.ui.screens.accounts import line_columns, row_search_text  # noqa: E402
from exit_tui.ui.screens.checklist import role_names, task_columns, task_search_text  # noqa: E402
from exit_tui.ui.widgets.register_table import RegisterTable  # noqa: E402
from tests.perf import records  # noqa: E402

TARGET_MS = 50.0
GATED = ("show", "keystroke", "row change")
"""What the targets hold: the screen opening on rows loaded in its worker, a filter keystroke, a one-row change."""
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


def lines(n: int) -> list[LineRead]:
    """`n` ledger lines, 20 a unit (5,000 units for 100,000), as the Accounts screen loads them."""
    categories = ("arrears", "prepaid", "deposit", "parking", "utilities", "other")
    rows = []
    for i in range(n):
        unit, category = i // 20, categories[i % len(categories)]
        amount = 1000 + (i * 7919) % 500_000
        rows.append(LineRead(
            public_id=f"L-{i + 1:06d}", unit_no=f"{1 + unit // 200}-{1 + unit // 50 % 4}-{100 + unit % 50}",
            category=category, period_start=date(2026, 1 + i % 12, 1), period_end=date(2026, 1 + i % 12, 28),
            amount_fen=amount, direction="owed" if category in ("prepaid", "deposit") else "owes",
            after_cutoff_fen=amount // 3 if category == "prepaid" else 0, meter_reading="", source_ref=f"收据{i}",
            state=("unconfirmed", "confirmed", "disputed", "settled")[i % 4], dispute_reason="", evidence_ref="",
            note=WORDS[i % len(WORDS)]))
    return rows


@dataclasses.dataclass(frozen=True)
class Rows:
    """One kind of rows and how each widget shows and changes them."""

    noun: str
    make: Callable[[int], list]
    register: Callable[[], RegisterTable]
    """The RegisterTable as its screen configures it."""
    line: Callable[[Any], str]
    """The baseline's plain line."""
    text: Callable[[Any], str]
    """The baseline's and the DataTable's search text."""
    cells: Callable[[Any], tuple]
    """The DataTable's row."""
    changed: Callable[[Any], Any]
    """The row after its one-row change (a task done, a line confirmed)."""
    column: str
    """The DataTable column the change updates, and its new value."""
    value: Callable[[Any], str]


def _task_register() -> RegisterTable:
    names = role_names()
    return RegisterTable(task_columns(), key_of=lambda t: t.public_id, search_text=lambda t: task_search_text(t, names),
                         group_of=lambda t: f"phase:{t.phase_no}", group_label=lambda key, rows: [(f"{key} {len(rows)}", "")],
                         counters={"overdue": lambda t: t.overdue})


def _line_register() -> RegisterTable:
    return RegisterTable(line_columns(), key_of=lambda r: r.public_id, search_text=row_search_text,
                         counters={"disputed": lambda r: r.state == "disputed"})


KINDS = {
    "tasks": Rows(
        "tasks", tasks, _task_register,
        line=lambda t: f"{t.public_id} {t.title_zh} {t.owner} {t.due_date} {t.status.value}",
        text=lambda t: f"{t.public_id} {t.title_zh} {t.title_en} {t.owner}".casefold(),
        cells=lambda t: (t.public_id, t.title_zh, t.owner, t.due_date.isoformat(), t.status.value),
        changed=lambda t: dataclasses.replace(
            t, status=TaskStatus.TODO if t.status is TaskStatus.DONE else TaskStatus.DONE),
        column="c4", value=lambda t: t.status.value),
    "lines": Rows(
        "ledger lines", lines, _line_register,
        line=lambda r: f"{r.public_id} {r.unit_no} {r.category} {r.amount_fen} {r.state}",
        text=lambda r: f"{r.public_id} {r.unit_no} {r.source_ref} {r.note}".casefold(),
        cells=lambda r: (r.public_id, r.unit_no, r.category, str(r.amount_fen), r.state),
        changed=lambda r: dataclasses.replace(r, state="confirmed" if r.state != "confirmed" else "settled"),
        column="c4", value=lambda r: r.state),
}


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


class Subject:
    """How an operation is done on one kind of widget."""

    def __init__(self, kind: str, rows: Rows) -> None:
        self.kind, self.kinds = kind, rows
        if kind == "register":
            self.widget = rows.register()
        elif kind == "datatable":
            self.widget = DataTable(cursor_type="row")
        else:
            self.widget = PlainLines()
        self.rows: list = []

    def open(self, rows) -> None:
        """Show the rows (the register also takes them made ready by its `prepare`)."""
        self.rows = list(rows.rows if hasattr(rows, "texts") else rows)
        w = self.widget
        if self.kind == "register":
            w.set_rows(rows)
        elif self.kind == "datatable":
            w.clear(columns=True)
            for key in ("c0", "c1", "c2", "c3", "c4"):
                w.add_column(key, key=key)
            self._add(self.rows)
        else:
            w.lines = [self.kinds.line(r) for r in self.rows]
            self.texts = [self.kinds.text(r) for r in self.rows]
            w.shown = list(range(len(self.rows)))
            w.virtual_size = Size(w.size.width, len(self.rows))
            w.refresh()

    def _add(self, rows) -> None:
        self.widget.add_rows([self.kinds.cells(r) for r in rows])
        # add_rows gives generated keys; row changes below go by the row's index instead.

    def keystroke(self, text: str) -> None:
        w = self.widget
        if self.kind == "register":
            w.set_query(text)
        elif self.kind == "datatable":
            w.clear()
            self._add([r for r in self.rows if text in self.kinds.text(r)])
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
        """The one-row change of the row at `index` of the loaded rows (on screen)."""
        row = self.rows[index] = self.kinds.changed(self.rows[index])
        w = self.widget
        if self.kind == "register":
            w.update_row(row.public_id, row)
        elif self.kind == "datatable":
            row_key = w.ordered_rows[index].key
            w.update_cell(row_key, self.kinds.column, self.kinds.value(row))
        else:
            w.lines[index] = self.kinds.line(row)
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


async def measure(kind: str, what: Rows, n: int, reps: int) -> dict[str, float]:
    rows = what.make(n)
    subject = Subject(kind, what)
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
    parser.add_argument("--rows", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument("--json", type=Path, help="also write the figures as records to this file (run_all.py)")
    args = parser.parse_args()
    found = []
    print(f"Register table at {SIZE[0]}x{SIZE[1]}, medians (ms); ratios against the bare line-API baseline")
    operations = ("open", "show", "keystroke", "scroll", "row change")
    for what in (KINDS[name] for name in args.rows):
        for n in args.sizes:
            figures = {kind: asyncio.run(measure(kind, what, n, args.reps))
                       for kind in ("baseline", "register", "datatable")}
            print(f"\n{n:,} {what.noun}")
            print(f"{'':>11}" + "".join(f"{op:>22}" for op in operations))
            for kind, m in figures.items():
                cells = "".join(
                    f"{m[op]:>12.1f} ({m[op] / figures['baseline'][op]:>5.1f}x)" for op in operations)
                print(f"{kind:>11}{cells}")
            register = figures["register"]
            verdict = "ok" if max(register[op] for op in GATED) <= TARGET_MS else "SLOW"
            print(f"register: " + ", ".join(f"{op} {register[op]:.1f} ms" for op in GATED)
                  + f" (target <= {TARGET_MS:.0f}): {verdict}; DataTable / register: "
                  + ", ".join(f"{op} {figures['datatable'][op] / register[op]:.1f}x" for op in operations))
            for op in operations:
                gated = op in GATED
                found.append(records.record(
                    f"register table: {op}, {n:,} {what.noun} (ms; baseline: bare line-API list)", register[op], "ms",
                    figures["baseline"][op], target=f"<= {TARGET_MS:.0f} ms" if gated else None,
                    met=register[op] <= TARGET_MS if gated else None))
    records.write(args.json, found)


if __name__ == "__main__":
    main()
