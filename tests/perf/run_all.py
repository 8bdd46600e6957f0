"""Run every benchmark, each in its own process, and print all their figures against their targets as one table.

Usage (from the repository root; pandas, for bench_excel's baseline, is in the bench dependency group)::

    UV_COMPILE_BYTECODE=1 uv run --group bench python tests/perf/run_all.py [--out perf.md] [--repeat 2]
        [--only keys register startup excel timeline] [--full]

By default every benchmark runs with short settings (few repetitions, medians), so that the whole run takes
about 15 minutes on a 2-core machine; `--repeat N` multiplies their repetitions by N, `--full` runs each with its
own defaults (much longer). Each script runs in a fresh process with bytecode written (PYTHONDONTWRITEBYTECODE
unset, UV_COMPILE_BYTECODE=1), prints its own table as usual, and hands its figures over with `--json FILE`
(records, see tests/perf/records.py). At the end this prints one Markdown table (every figure with its
baseline, ratio, target and met/missed) headed by the date, the machine (cores, CPU, Python, Textual) and the load
average during the run, and writes it to `--out`. README figures are pasted from it; rerun it whenever a change
touches a measured path. It exits 0 when every benchmark ran (whatever the figures), 1 otherwise.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    quick: tuple[str, ...]
    """Arguments for the short run; a `{n}` in them is the repetition count."""
    reps: int
    """Repetitions of the short run (multiplied by --repeat)."""
    timeout: int
    """Seconds the short run may take before it is stopped."""


BENCHES = (
    Bench("keys", "bench_keys.py", ("--reps", "{n}"), 5, 300),
    Bench("register", "bench_register.py", ("--reps", "{n}"), 3, 900),
    Bench("startup", "bench_startup.py", ("--runs", "{n}"), 3, 900),
    Bench("excel", "bench_excel.py", ("--runs", "{n}"), 3, 1200),
    Bench("timeline", "bench_timeline.py", ("--open-runs", "{n}", "--reps", "20"), 2, 1200),
)


def machine() -> str:
    """Cores, CPU model, OS, Python and Textual versions."""
    model = ""
    try:
        with open("/proc/cpuinfo") as info:
            model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        textual = version("textual")
    except PackageNotFoundError:
        textual = "?"
    cpu = f"{os.cpu_count()} cores" + (f" ({model})" if model else "")
    return f"{cpu}, {platform.system()} {platform.release()}, Python {platform.python_version()}, Textual {textual}"


def code_version() -> str:
    """The commit measured, and whether the working tree had changes on top of it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "exit_tui", "tests")
    return f"commit {commit}" + (" plus uncommitted changes" if changed else "")


def run(bench: Bench, repeat: int, full: bool, folder: Path) -> tuple[list[dict], str | None, float, float]:
    """Run one benchmark; its records, an error (or None), its seconds and the load average when it ended."""
    out = folder / f"{bench.name}.json"
    args = [] if full else [arg.format(n=bench.reps * repeat) for arg in bench.quick]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["UV_COMPILE_BYTECODE"] = "1"
    command = [sys.executable, str(HERE / bench.script), *args, "--json", str(out)]
    print(f"\n## {bench.name}: {' '.join(command[1:])}  (load average {os.getloadavg()[0]:.2f})", flush=True)
    started = time.perf_counter()
    error = None
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, timeout=None if full else bench.timeout * repeat)
        if done.returncode != 0:
            error = f"exit {done.returncode}"
    except subprocess.TimeoutExpired:
        error = f"stopped after {bench.timeout * repeat} s"
    seconds = time.perf_counter() - started
    found = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    if not found and error is None:
        error = "no figures"
    return found, error, seconds, os.getloadavg()[0]


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(rows: list[tuple[str, dict]], errors: dict[str, str]) -> list[str]:
    lines = ["| Benchmark | Figure | Ours | Baseline | Ratio | Target | Result |",
             "|---|---|---:|---:|---:|---|---|"]
    for bench, r in rows:
        result = {True: "met", False: "**missed**", None: "–"}[r.get("met")]
        ratio = "–" if r.get("ratio") is None else f"{r['ratio']:.2f}x"
        lines.append(f"| {bench} | {r['name']} | {number(r.get('value'), r.get('unit', ''))} "
                     f"| {number(r.get('baseline'), r.get('unit', ''))} | {ratio} | {r.get('target') or '–'} "
                     f"| {result} |")
    for bench, error in errors.items():
        lines.append(f"| {bench} | (not measured: {error}) | – | – | – | – | **not measured** |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the Markdown table to this file")
    parser.add_argument("--repeat", type=int, default=1, help="multiply every benchmark's repetitions by this")
    parser.add_argument("--full", action="store_true", help="each benchmark with its own (long) defaults")
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHES], help="run these benchmarks only")
    args = parser.parse_args()
    chosen = [b for b in BENCHES if not args.only or b.name in args.only]
    started_at, load_before, code = datetime.now(), os.getloadavg(), code_version()
    rows: list[tuple[str, dict]] = []
    errors: dict[str, str] = {}
    took: list[str] = []
    loads = [load_before[0]]
    with tempfile.TemporaryDirectory(prefix="bench-all-") as folder:
        for bench in chosen:
            found, error, seconds, load = run(bench, args.repeat, args.full, Path(folder))
            rows += [(bench.name, r) for r in found]
            if error:
                errors[bench.name] = error
            took.append(f"{bench.name} {seconds:.0f} s")
            loads.append(load)
    total = (datetime.now() - started_at).total_seconds()
    settings = "each script's defaults" if args.full else (
        "short settings: " + ", ".join(f"{b.name} {' '.join(a.format(n=b.reps * args.repeat) for a in b.quick)}"
                                       for b in chosen))
    missed = sum(r.get("met") is False for _bench, r in rows)
    header = [
        f"Benchmarks of {started_at:%Y-%m-%d %H:%M} ({code}): {machine()}.",
        f"Load average (1 min) {min(loads):.1f}–{max(loads):.1f} during the run (5 and 15 min at the start: "
        f"{load_before[1]:.1f}, {load_before[2]:.1f}); {total / 60:.0f} min in all ({', '.join(took)}).",
        f"`uv run --group bench python tests/perf/run_all.py` ({settings}); medians; ours and baseline measured side "
        f"by side in the same run; {missed} of {sum(r.get('met') is not None for _b, r in rows)} targets missed.",
        "",
    ]
    text = "\n".join(header + table(rows, errors)) + "\n"
    print("\n" + text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
