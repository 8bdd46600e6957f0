"""Timeline repaint benchmark: the Gantt (line API) on 1,000 and 10,000 synthetic tasks.

Usage (from the repository root)::

    uv run python tests/perf/bench_timeline.py [--reps 50]

Not a test (pytest collects test_*.py only). For each size the Gantt is mounted alone in an app at 120x40
(`run_test`, headless) and two changes are timed, each followed by rendering every visible line through the
widget's own render path (`render_line(y)` for each y on screen, what the compositor asks for on a repaint):

- scroll: one step sideways (`l`) plus one row down (the cursor moves, the view follows);
- zoom: one zoom step (week -> day -> week ...), which rebuilds the axis and the per-row geometry of the rows shown.

Baseline in the same run: a bare `ScrollView` whose `render_line` returns one plain line of text per row, as
many rows as tasks, repainted after one scroll step. Medians over `--reps` repetitions; the target is 50 ms per
repaint at 1,000 tasks. It exits 0 whatever the figures are.
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rich.segment import Segment  # noqa: E402
from textual.app import App  # noqa: E402
from textual.geometry import Size  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402
from textual.strip import Strip  # noqa: E402

from exit_tui.ui.widgets.gantt import Gantt  # noqa: E402
from tests.timeline_data import big_timeline  # noqa: E402

TARGET_MS = 50.0
SIZE = (120, 40)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    print(f"Gantt repaint at {SIZE[0]}x{SIZE[1]}, median of {args.reps} (ms)")
    print(f"{'tasks':>7} {'scroll':>8} {'zoom':>8} {'load':>8} {'baseline':>9}  target <= {TARGET_MS:.0f} ms")
    for n in (1_000, 10_000):
        m = asyncio.run(measure(n, args.reps))
        verdict = "ok" if max(m["scroll"], m["zoom"]) <= TARGET_MS else "SLOW"
        print(f"{n:>7,} {m['scroll']:>8.2f} {m['zoom']:>8.2f} {m['load']:>8.2f} {m['baseline']:>9.2f}  {verdict}")
    print("scroll = one step sideways and one row down, then every visible line rendered; zoom = one zoom step,"
          " then every line; load = rows built from the read model + first paint; baseline = bare ScrollView of"
          " plain lines, one scroll step.")


if __name__ == "__main__":
    main()
