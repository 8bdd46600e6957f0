"""The figures a benchmark hands to run_all.py (`--json PATH`): a list of records, one per measured figure.

A record: {"name", "value", "unit", "baseline", "ratio", "target", "met"}. `value` is ours and `baseline` the
figure it is compared with, measured in the same run (both in `unit`, or None). `ratio` is what a ratio target
is about (as the script's own table prints it, e.g. ours / raw, or pandas / ours for a speed-up). `target` is
text ("<= 1.2x", "<= 50 ms", ">= 2.0x") or None for a figure kept for information; `met` is True, False or None
(no target, or nothing measured).
"""

import json
from pathlib import Path


def record(name: str, value: float | None, unit: str, baseline: float | None = None, *, ratio: float | None = None,
           target: str | None = None, met: bool | None = None) -> dict:
    """One record; the ratio defaults to value / baseline."""
    if ratio is None and _round(value) is not None and _round(baseline):
        ratio = value / baseline
    return {"name": name, "value": _round(value), "unit": unit, "baseline": _round(baseline),
            "ratio": _round(ratio, 2), "target": target,
            "met": None if met is None else bool(met)}


def write(path: Path | str | None, records: list[dict]) -> None:
    """Write the records as JSON to `path` (nothing when it is None)."""
    if path is not None:
        Path(path).write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")


def _round(value: float | None, digits: int | None = None) -> float | None:
    """Rounded for the table; None for a figure not measured (None, NaN, infinite)."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value, digits if digits is not None else 3 if abs(value) < 10 else 1)
