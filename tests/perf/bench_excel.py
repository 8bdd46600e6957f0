"""Spreadsheet benchmark: exit-tui's export and import against the plain ways of doing the same.

Usage (from the repository root; pandas is only in the ``bench`` dependency group)::

    UV_COMPILE_BYTECODE=1 uv run --group bench python tests/perf/bench_excel.py [--runs 3] [--rows 10000,50000]
        [--only export|import] [--json PATH]

Not a test: pytest does not collect this file, and it exits 0 whether the targets are met or not (1 only
when a measurement could not be taken). It prints the medians over ``--runs`` runs and the ratios.

What is compared
----------------
* Export of a project of N tasks (10k and 50k by default): ``io.export.export_package`` (the whole handover
  package, written with XlsxWriter: index sheet, tasks sheet with styles, dropdowns, print set-up, signature
  block, and the Timeline sheet, a weekly Gantt in cell fills) against raw openpyxl write-only writing the same
  sheets and cells without any style: the tasks sheet (rows read with sqlite3, the same values: id, phase,
  phase name, title, owner and status labels, real dates) and the Timeline sheet (the plan from the same
  ``load_timeline`` the package uses; its left columns, month and week labels, deadline rows, a cell per bar
  week, the legend). Targets: time <= 1.2x raw, peak memory <= 1.5x raw.
* Import of N new rows: ``io.imports.import_file(apply=True)`` (read with python-calamine, validate every row,
  diff, insert with the audit entries, commit) against pandas ``read_excel`` + ``to_sql`` into the same SQLite
  schema (the columns renamed and the missing NOT NULL columns filled, no validation). Targets: ours >= 2x
  faster, peak memory no more than pandas.
* Import of 100,000 ledger lines (``--lines``) into a project of 5,000 units: the 对账明细 sheet (unit number,
  category and direction as labels, period, amount, source document), ``import_file(apply=True)`` (each unit
  looked up by number, amounts exact to the fen, a prepaid line split at the cut-off, audited) against pandas
  ``read_excel`` + ``to_sql`` into ``ledger_line`` (labels mapped to codes and unit numbers to unit ids with a
  dict, amounts as ``round(x * 100)``, no validation, no split). Same targets.

How it is measured
------------------
Every measurement runs in a fresh child process (this file with ``--child NAME``) so that one side's
memory never counts for the other. The child imports what it needs and prepares its inputs (copies of a
database built once by the parent, the workbook to read), then resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``), notes its RSS, and times the work alone with ``perf_counter``. Peak memory is
the peak RSS during the work minus the RSS before it (``VmHWM`` - ``VmRSS``; where the mark cannot be reset,
``ru_maxrss`` minus the RSS before). Time is in process: interpreter start and imports are left out.
The sides alternate run by run (ours first on odd runs) so drift hits both alike. Measure with bytecode
compiled (``UV_COMPILE_BYTECODE=1``, ``PYTHONDONTWRITEBYTECODE`` unset): the children's imports are outside the
clock anyway, but a machine that recompiles every start is a noisier machine.
"""

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf import records  # noqa: E402

TODAY = date(2026, 11, 28)
STATUS_ZH = {"todo": "待办", "doing": "进行中", "blocked": "受阻", "done": "已完成"}


# -- memory ------------------------------------------------------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _measure(work) -> dict:
    """Run work() once; its wall and CPU time and the peak RSS it added (MB). On a shared machine the CPU time
    (user + system of this process) is the steadier figure: waiting for a core does not count."""
    gc.collect()
    reset = _reset_peak()
    before = _status_kb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    extra = work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu": cpu, "peak_mb": max(peak - before, 0) / 1024, "extra": extra}


# -- children ----------------------------------------------------------------------------------------------


def _export_prelude() -> None:
    """What both export children load before the clock, so that they start from the same process state (the
    same modules, the same allocator history: at a peak of a few MB, a different set of imports alone moves
    the RSS figure by more than the work does): both writers (xlsx_write imports XlsxWriter lazily), the
    services. The role names are read once per process (raw builds its table of them before the clock too)."""
    import sqlite3  # noqa: F401

    import openpyxl  # noqa: F401
    import xlsxwriter  # noqa: F401

    from exit_tui.domain.templates import roles
    from exit_tui.io import export  # noqa: F401
    from exit_tui.services import backend, timeline  # noqa: F401

    roles()


def _child(name: str, db: Path, path: Path, project_id: int) -> None:
    if name.startswith("export-"):
        _export_prelude()
    if name == "export-ours":
        from exit_tui.io.export import export_package
        from exit_tui.services.backend import Backend

        backend = Backend.open(str(db))
        result = _measure(lambda: str(backend.call(export_package, project_id, path, today=TODAY).path))
    elif name == "export-raw":
        result = _measure(lambda: _raw_export(db, path, project_id))
    elif name in ("import-ours", "lines-ours"):
        from exit_tui.io.imports import import_file
        from exit_tui.services.backend import Backend

        backend = Backend.open(str(db))

        def ours():
            report = backend.call(import_file, project_id, path, apply=True, today=TODAY)
            return {"added": len(report.added), "rejected": len(report.rejected)}

        result = _measure(ours)
    elif name == "read-ours":
        from exit_tui.io.read import read_file

        result = _measure(lambda: sum(len(sheet.rows) for sheet in read_file(path).sheets))
    elif name == "read-pandas":
        import pandas as pd

        result = _measure(lambda: len(pd.read_excel(path, sheet_name="任务清单", engine="openpyxl")))
    elif name == "import-pandas":
        from datetime import UTC, datetime

        import pandas as pd
        from sqlalchemy import create_engine

        engine = create_engine(f"sqlite:///{db}")
        names = {"阶段": "phase_no", "任务": "title_zh", "负责人": "owner", "截止日期": "due_date", "状态": "status",
                 "法律依据": "legal_basis", "备注": "note"}
        codes = {label: code for code, label in STATUS_ZH.items()}

        def pandas_import():
            frame = pd.read_excel(path, sheet_name="任务清单", engine="openpyxl")
            frame = frame[list(names)].rename(columns=names)
            frame["due_date"] = frame["due_date"].dt.date
            frame["status"] = frame["status"].map(codes)
            frame[["owner", "note"]] = frame[["owner", "note"]].fillna("")
            frame["title_en"] = frame["title_zh"]
            frame["project_id"] = project_id
            frame["public_id"] = [f"X-{n:05d}" for n in range(len(frame))]
            frame["created_at"] = datetime.now(UTC)
            frame.to_sql("task", engine, if_exists="append", index=False)
            return {"added": len(frame)}

        result = _measure(pandas_import)
    elif name == "lines-pandas":
        result = _measure(_pandas_lines(db, path, project_id))
    else:
        raise SystemExit(f"unknown child {name}")
    print(json.dumps(result))


def _pandas_lines(db: Path, path: Path, project_id: int):
    """pandas' import of the lines sheet into ledger_line: what it takes to land the rows, no checks."""
    import sqlite3
    from datetime import UTC, datetime

    import pandas as pd
    from sqlalchemy import create_engine

    from exit_tui.i18n import zh

    engine = create_engine(f"sqlite:///{db}")
    with sqlite3.connect(db) as connection:
        units = dict(connection.execute("SELECT unit_no, id FROM unit WHERE project_id = ?", (project_id,)))
    codes = {text: key.rsplit(".", 1)[1] for key, text in zh.MESSAGES.items()
             if key.startswith(("accounts.category.", "accounts.direction."))}
    names = {"房号": "unit_id", "类别": "category", "起始日期": "period_start", "结束日期": "period_end",
             "金额": "amount_fen", "方向": "direction", "单据号": "source_ref", "备注": "note"}

    def pandas_import():
        frame = pd.read_excel(path, sheet_name="对账明细", engine="openpyxl")
        frame = frame[list(names)].rename(columns=names)
        frame["unit_id"] = frame["unit_id"].map(units)
        frame["category"] = frame["category"].map(codes)
        frame["direction"] = frame["direction"].map(codes)
        frame["amount_fen"] = (frame["amount_fen"] * 100).round().astype("int64")
        for column in ("period_start", "period_end"):
            frame[column] = frame[column].dt.date
        frame[["source_ref", "note"]] = frame[["source_ref", "note"]].fillna("")
        frame["after_cutoff_fen"] = 0
        frame["meter_reading"] = frame["dispute_reason"] = frame["evidence_ref"] = ""
        frame["state"] = "unconfirmed"
        frame["project_id"] = project_id
        frame["public_id"] = [f"X-{n:06d}" for n in range(len(frame))]
        frame["created_at"] = datetime.now(UTC)
        frame.to_sql("ledger_line", engine, if_exists="append", index=False)
        return {"added": len(frame)}

    return pandas_import


def _raw_export(db: Path, path: Path, project_id: int) -> int:
    """The package's two big sheets, same cells and values, with openpyxl write-only and no style at all."""
    import sqlite3

    from openpyxl import Workbook

    from exit_tui.domain.templates import roles
    from exit_tui.i18n import pick
    from exit_tui.services.backend import Backend
    from exit_tui.services.timeline import load_timeline

    role_names = {r.key: r.zh for r in roles().values()}
    connection = sqlite3.connect(db)
    phases = dict(connection.execute("SELECT no, name_zh FROM phase WHERE project_id = ?", (project_id,)))
    rows = connection.execute(
        "SELECT public_id, phase_no, title_zh, owner, due_date, status, legal_basis, note, done_on"
        " FROM task WHERE project_id = ? ORDER BY phase_no, due_date, public_id", (project_id,))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务清单")
    sheet.append(["编号", "阶段", "阶段名称", "任务", "负责人", "截止日期", "状态", "法律依据", "备注", "完成日期"])
    day = date.fromisoformat
    count = 0
    for public_id, phase, title, owner, due, status, basis, note, done in rows:
        # Empty texts as empty cells (None), as export_package writes them: the same cells on both sides.
        sheet.append([public_id, phase, phases[phase], title, role_names.get(owner, owner) or None, day(due),
                      STATUS_ZH[status], basis or None, note or None, day(done) if done else None])
        count += 1
    connection.close()

    backend = Backend.open(str(db))
    timeline = backend.call(load_timeline, project_id, TODAY)
    backend.close()
    first = timeline.first_day - timedelta(days=timeline.first_day.weekday())
    weeks = (timeline.last_day - first).days // 7 + 1

    def week(day_: date) -> int | None:
        n = (day_ - first).days // 7
        return n if 0 <= n < weeks else None

    gantt = book.create_sheet("时间线")
    months = [None] * (8 + weeks)
    months[0] = "时间线(按周甘特图)"
    for n in range(weeks):
        monday = first + timedelta(weeks=n)
        if n == 0 or monday.month != (monday - timedelta(weeks=1)).month:
            months[8 + n] = f"{monday.year}年{monday.month}月"
    gantt.append(months)
    gantt.append(["编号", "阶段", "任务", "负责人", "开始", "截止", "状态", "提示",
                  *(f"{first + timedelta(weeks=n):%m-%d}" for n in range(weeks))])
    for deadline in timeline.deadlines:
        cells = [None, None, f"法定期限:{pick(deadline.title_zh, deadline.title_en)}({deadline.basis})", None,
                 None, deadline.day, None, "已无法按期完成" if deadline.impossible else None] + [None] * weeks
        if (n := week(deadline.day)) is not None:
            cells[8 + n] = "◆"
        gantt.append(cells)
    for task in timeline.tasks:
        flags = ";".join(text for text, on in (("关键路径", task.critical), ("有风险", task.at_risk),
                                               ("逾期", task.overdue)) if on)
        cells = [task.public_id, task.phase_no, pick(task.title_zh, task.title_en),
                 role_names.get(task.owner, task.owner), task.start, task.due, STATUS_ZH.get(task.status, "?"),
                 flags or None] + [None] * weeks
        if task.occurrences:
            bars = [week(o.day) for o in task.occurrences]
        elif task.milestone:
            bars = [week(task.due)]
        else:
            last = week(task.due)
            bars = list(range(week(max(task.start, first)) or 0, weeks if last is None else last + 1))
        for n in bars:
            if n is not None:
                cells[8 + n] = "◆" if task.milestone else "■"
        gantt.append(cells)
    gantt.append([])
    gantt.append(["图例"])
    for text in ("已完成", "未完成", "有风险", "逾期", "里程碑", "法定期限", "今天所在周", "移交日 T 所在周", "合同到期所在周"):
        gantt.append(["■", text])
    book.save(path)
    return count


# -- set-up (parent) ---------------------------------------------------------------------------------------


def _build_database(folder: Path, extra_tasks: int) -> tuple[Path, int]:
    """The demo project, plus `extra_tasks` tasks (through the import service itself, already measured fast)."""
    from exit_tui.services.backend import Backend
    from exit_tui.services.demo import create_demo
    from exit_tui.services.imports import import_rows
    from exit_tui.services.task_import import TaskImport
    from exit_tui.services.readmodels import ImportRow

    db = folder / f"base-{extra_tasks}.db"
    backend = Backend.open(str(db))
    project = backend.call(create_demo, TODAY)
    rows = [ImportRow("bench", n, _row_values(n)) for n in range(extra_tasks)]
    if rows:
        backend.call(import_rows, TaskImport, project.id, rows, TODAY, apply=True)
    backend.call(lambda session: session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
    backend.close()
    # Like with like: the raw baseline writes the task and timeline sheets, so the demo's ledger (6,000 lines,
    # 1,200 units and their 公示 lists, measured by the accounts case below) is taken out of the export's project
    # (straight SQL on the benchmark's own copy; the handover registers, a few hundred rows, stay).
    import sqlite3

    connection = sqlite3.connect(db)
    with connection:
        for table in ("ledger_line", "project_ledger", "unit"):
            connection.execute(f"DELETE FROM {table} WHERE project_id = ?", (project.id,))
    connection.close()
    return db, project.id


UNITS = 5000
CATEGORY_ZH = {"arrears": "物业费欠费", "prepaid": "预收物业费", "parking": "停车费", "utilities": "代收代缴"}


def _unit_no(n: int) -> str:
    return f"{n % 25 + 1}-{n // 25 % 4 + 1}-{n // 100 + 1:02d}0{n % 2 + 1}"


def _build_units_database(folder: Path) -> tuple[Path, int]:
    """A project of UNITS units (no lines yet), written through the accounts service's bulk path."""
    from exit_tui.db.models import Unit
    from exit_tui.services import accounts, audit, projects
    from exit_tui.services.backend import Backend
    from tests.helpers import PROJECT_ARGS

    db = folder / "units.db"
    backend = Backend.open(str(db))
    project = backend.call(projects.create_project, **PROJECT_ARGS)
    items = [{"unit_no": _unit_no(n), "owner": f"业主{n}", "phone": f"139{n:08d}"} for n in range(UNITS)]
    backend.call(lambda session: audit.insert_rows(session, Unit.__table__,
                                                   accounts.new_rows(session, project.id, "unit", items)))
    backend.call(lambda session: session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
    backend.close()
    return db, project.id


def _build_lines_file(path: Path, count: int) -> None:
    """The 对账明细 sheet a committee or the finance office sends: `count` lines over UNITS units."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("对账明细")
    sheet.append(["房号", "类别", "起始日期", "结束日期", "金额", "方向", "单据号", "备注"])
    categories = list(CATEGORY_ZH)
    for n in range(count):
        category = categories[n % len(categories)]
        start = date(2026, 1 + n % 12, 1)
        end = start + timedelta(days=364 if category == "prepaid" else 27)
        direction = "应退业主" if category == "prepaid" else "业主欠"
        sheet.append([_unit_no(n % UNITS), CATEGORY_ZH[category], start, end, round(100 + (n * 37) % 90000 / 100, 2),
                      direction, f"收据 {n:06d}", "业委会已核" if n % 7 == 0 else None])
    book.save(path)


def _row_values(n: int) -> dict:
    return {
        "public_id": None,
        "phase_no": n % 20 + 1,
        "title": f"第 {n} 号单元 入户查验并签字确认(含水电表读数)",
        "owner": ("财务", "工程维修", "Legal", "业委会 张主任")[n % 4],
        "due_date": TODAY + timedelta(days=n % 400),
        "status": ("todo", "doing", "done", "blocked")[n % 4],
        "legal_basis": "条例39" if n % 3 == 0 else None,
        "note": "业委会已确认" if n % 5 == 0 else None,
    }


def _build_import_file(path: Path, count: int) -> None:
    from openpyxl import Workbook

    from exit_tui.io.spec import TASKS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务清单")
    sheet.append([c.zh for c in TASKS.columns])
    for n in range(count):
        v = _row_values(n)
        sheet.append([None, v["phase_no"], f"阶段 {v['phase_no']}", v["title"], v["owner"], v["due_date"],
                      STATUS_ZH[v["status"]], v["legal_basis"], v["note"], None])
    book.save(path)


def _run_child(name: str, db: Path, path: Path, project_id: int) -> dict:
    command = [sys.executable, __file__, "--child", name, "--db", str(db), "--path", str(path),
               "--project", str(project_id)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if done.returncode != 0:
        sys.stderr.write((done.stdout + done.stderr)[-3000:])
        raise SystemExit(f"child {name} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _compare(title: str, sides: tuple[str, str], labels: tuple[str, str], runs: int, prepare) -> dict:
    """Run both sides `runs` times, alternating; return the medians."""
    results: dict[str, list[dict]] = {side: [] for side in sides}
    for run in range(runs):
        order = sides if run % 2 == 0 else sides[::-1]
        for side in order:
            db, path, project_id = prepare(side, run)
            results[side].append(_run_child(side, db, path, project_id))
    medians = {
        side: {
            "seconds": statistics.median(r["seconds"] for r in results[side]),
            "cpu": statistics.median(r["cpu"] for r in results[side]),
            "peak_mb": statistics.median(r["peak_mb"] for r in results[side]),
            "all_seconds": [round(r["seconds"], 3) for r in results[side]],
            "extra": results[side][-1]["extra"],
        }
        for side in sides
    }
    print(f"\n{title}  (medians of {runs} runs, each in a fresh process)")
    for side, label in zip(sides, labels, strict=True):
        m = medians[side]
        print(f"  {label:<34} {m['seconds']:7.3f} s  cpu {m['cpu']:7.3f} s   peak +{m['peak_mb']:7.1f} MB"
              f"   runs {m['all_seconds']}   {m['extra']}")
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", default="10000,50000", help="project sizes, comma-separated")
    parser.add_argument("--only", choices=("export", "import", "lines"), help="run one of the comparisons")
    parser.add_argument("--lines", type=int, default=100_000, help="ledger lines of the accounts import")
    parser.add_argument("--json", type=Path, help="also write the figures as records to this file (run_all.py)")
    parser.add_argument("--child")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--path", type=Path)
    parser.add_argument("--project", type=int)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.db, args.path, args.project)
        return 0

    try:
        import pandas  # noqa: F401
    except ImportError:
        print("pandas is missing: run  uv run --group bench python tests/perf/bench_excel.py", file=sys.stderr)
        return 1

    sizes = [int(size) for size in args.rows.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="bench-excel-"))
    os.environ["EXIT_TUI_HOME"] = str(folder / "home")
    table: list[tuple] = []
    found: list[dict] = []
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu; sizes {sizes}, {args.runs} runs each")
        if args.only == "lines":
            sizes = []  # the task sizes are for the other comparisons
        else:
            empty_db, empty_project = _build_database(folder, 0)
            demo_tasks = _count_tasks(empty_db, empty_project)
        for size in sizes:
            if args.only in (None, "export"):
                export_db, export_project = _build_database(folder, max(size - demo_tasks, 0))

                def prepare_export(side, run, db=export_db, project=export_project, size=size):
                    return db, folder / f"{side}-{size}-{run}.xlsx", project

                tasks = _count_tasks(export_db, export_project)
                exported = _compare(f"export, {tasks} tasks", ("export-ours", "export-raw"),
                                    ("exit-tui export_package", "raw openpyxl write-only"), args.runs,
                                    prepare_export)
                ours, raw = exported["export-ours"], exported["export-raw"]
                table += [(f"export {size:>6} time    ours / raw", ours["seconds"] / raw["seconds"], "<= 1.2",
                           lambda r: r <= 1.2),
                          (f"export {size:>6} cpu     ours / raw", ours["cpu"] / raw["cpu"], "<= 1.2",
                           lambda r: r <= 1.2),
                          (f"export {size:>6} memory  ours / raw", _div(ours["peak_mb"], raw["peak_mb"]), "<= 1.5",
                           lambda r: r <= 1.5)]
                found += [_record(f"export {tasks:,} tasks: {what} (baseline: raw openpyxl write-only)", ours[key],
                                  raw[key], unit, limit)
                          for what, key, unit, limit in (("time", "seconds", "s", 1.2), ("cpu", "cpu", "s", 1.2),
                                                         ("peak memory", "peak_mb", "MB", 1.5))]
            if args.only in (None, "import"):
                import_file = folder / f"import-{size}.xlsx"
                _build_import_file(import_file, size)

                def prepare_import(side, run, import_file=import_file):
                    db = folder / f"{side}-{run}.db"
                    shutil.copyfile(empty_db, db)
                    return db, import_file, empty_project

                imported = _compare(f"import, {size} rows", ("import-ours", "import-pandas"),
                                    ("exit-tui import_file (apply)", "pandas read_excel + to_sql"), args.runs,
                                    prepare_import)
                read = _compare(f"read only, {size} rows", ("read-ours", "read-pandas"),
                                ("exit-tui read_file", "pandas read_excel"), args.runs, prepare_import)
                mine, pandas_side = imported["import-ours"], imported["import-pandas"]
                table += [(f"import {size:>6} speed-up pandas / ours", pandas_side["seconds"] / mine["seconds"],
                           ">= 2.0", lambda r: r >= 2.0),
                          (f"import {size:>6} cpu      pandas / ours", pandas_side["cpu"] / mine["cpu"],
                           ">= 2.0", lambda r: r >= 2.0),
                          (f"read   {size:>6} speed-up pandas / ours",
                           read["read-pandas"]["seconds"] / read["read-ours"]["seconds"], "(part)", lambda r: True),
                          (f"import {size:>6} memory  ours / pandas", _div(mine["peak_mb"], pandas_side["peak_mb"]),
                           "<= 1.0", lambda r: r <= 1.0)]
                baseline = "baseline: pandas read_excel + to_sql"
                found += [_record(f"import {size:,} rows: time, speed-up pandas / ours ({baseline})",
                                  mine["seconds"], pandas_side["seconds"], "s", 2.0, faster=True),
                          _record(f"import {size:,} rows: cpu, speed-up pandas / ours ({baseline})",
                                  mine["cpu"], pandas_side["cpu"], "s", 2.0, faster=True),
                          _record(f"import {size:,} rows: read only, speed-up pandas / ours (baseline: pandas"
                                  " read_excel)", read["read-ours"]["seconds"], read["read-pandas"]["seconds"], "s",
                                  None, faster=True),
                          _record(f"import {size:,} rows: peak memory ({baseline})", mine["peak_mb"],
                                  pandas_side["peak_mb"], "MB", 1.0)]
        if args.only in (None, "lines"):
            table, found = _compare_lines(folder, args.lines, args.runs, table, found)
        print("\nratios (medians)")
        for ratio in table:
            _ratio(*ratio)
        records.write(args.json, found)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _compare_lines(folder: Path, count: int, runs: int, table: list, found: list) -> tuple[list, list]:
    """The accounts case: `count` ledger lines into a project of UNITS units, ours against pandas."""
    units_db, project_id = _build_units_database(folder)
    lines_file = folder / f"lines-{count}.xlsx"
    _build_lines_file(lines_file, count)

    def prepare(side, run):
        db = folder / f"{side}-{run}.db"
        shutil.copyfile(units_db, db)
        return db, lines_file, project_id

    measured = _compare(f"import, {count} ledger lines into {UNITS} units", ("lines-ours", "lines-pandas"),
                        ("exit-tui import_file (apply)", "pandas read_excel + to_sql"), runs, prepare)
    mine, pandas_side = measured["lines-ours"], measured["lines-pandas"]
    table = [*table,
             (f"lines  {count:>6} speed-up pandas / ours", pandas_side["seconds"] / mine["seconds"], ">= 2.0",
              lambda r: r >= 2.0),
             (f"lines  {count:>6} cpu      pandas / ours", pandas_side["cpu"] / mine["cpu"], ">= 2.0",
              lambda r: r >= 2.0),
             (f"lines  {count:>6} memory  ours / pandas", _div(mine["peak_mb"], pandas_side["peak_mb"]), "<= 1.0",
              lambda r: r <= 1.0)]
    baseline = "baseline: pandas read_excel + to_sql"
    found = [*found,
             _record(f"import {count:,} ledger lines: time, speed-up pandas / ours ({baseline})", mine["seconds"],
                     pandas_side["seconds"], "s", 2.0, faster=True),
             _record(f"import {count:,} ledger lines: cpu, speed-up pandas / ours ({baseline})", mine["cpu"],
                     pandas_side["cpu"], "s", 2.0, faster=True),
             _record(f"import {count:,} ledger lines: peak memory ({baseline})", mine["peak_mb"],
                     pandas_side["peak_mb"], "MB", 1.0)]
    return table, found


def _record(name: str, ours: float, baseline: float, unit: str, limit: float | None, faster: bool = False) -> dict:
    """A record for run_all.py: ours / baseline <= limit, or with `faster` baseline / ours >= limit."""
    ratio = _div(baseline, ours) if faster else _div(ours, baseline)
    if limit is None:
        return records.record(name, ours, unit, baseline, ratio=ratio)
    met = ratio >= limit if faster else ratio <= limit
    return records.record(name, ours, unit, baseline, ratio=ratio, target=f"{'>=' if faster else '<='} {limit}x",
                          met=met)


def _div(a: float, b: float) -> float:
    return a / b if b else float("inf")


def _ratio(label: str, value: float, target: str, met) -> None:
    print(f"  {label:<40} {value:6.2f}   target {target:<7} {'met' if met(value) else 'NOT met'}")


def _count_tasks(db: Path, project_id: int) -> int:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT count(*) FROM task WHERE project_id = ?", (project_id,)).fetchone()[0]
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
