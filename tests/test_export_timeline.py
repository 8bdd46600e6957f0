"""io/ export: the Timeline sheet of the handover package (a weekly Gantt drawn with cell fills)."""

from datetime import date, datetime, timedelta

import openpyxl
import pytest

from exit_tui.domain.enums import ExitType, TaskStatus
from exit_tui.domain.schedule import ProjectDates
from exit_tui.i18n import set_language
from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.io.read import read_file
from exit_tui.io.registers import importable
from exit_tui.io.spec import TASKS
from exit_tui.io.xlsx_write import BAR_FILLS, DEADLINE_COLOR, MARKS, PAPER_A4, Package, write_package
from exit_tui.services.readmodels import (
    DeadlineRead,
    OccurrenceRead,
    ProjectRead,
    Timeline,
    TimelineTask,
)
from tests.helpers import TODAY

GENERATED = datetime(2026, 11, 28, 9, 30)
DATES = ProjectDates(decision=date(2026, 11, 2), contract_end=date(2026, 12, 23), handover=date(2027, 1, 2),
                     continuation_end=date(2027, 1, 31))
LEFT = 8  # id, phase, task, owner, start, due, status, flags
HEADER_ROWS = 2


def _task(public_id: str, start: date, due: date, *, title: str = "任务", status=TaskStatus.TODO, **flags):
    values = {"milestone": False, "done_on": None, "occurrences": (), "overdue": False, "at_risk": False,
              "critical": False, "late_for": (), **flags}
    return TimelineTask(public_id=public_id, phase_no=1, title_zh=title, title_en=title, owner="finance",
                        status=status, start=start, due=due, rule=None, predecessor=None, legal_basis=None,
                        recurrence=None, slack_days=0, **values)


def _deadline(key: str, day: date, **kwargs) -> DeadlineRead:
    return DeadlineRead(key=key, basis="民法典947", rule="contract_end -90d", day=day, title_zh=f"期限{key}",
                        title_en=f"deadline {key}", **kwargs)


TASKS_BY_ID = {
    "T-0001": _task("T-0001", date(2026, 11, 2), date(2026, 11, 12), status=TaskStatus.DONE,
                    done_on=date(2026, 11, 12)),  # weeks of 11-02 and 11-09
    "T-0002": _task("T-0002", date(2026, 11, 20), date(2026, 11, 24), overdue=True, critical=True,
                    late_for=("notice",)),  # 11-16 and 11-23
    "T-0003": _task("T-0003", date(2026, 12, 1), date(2026, 12, 1), at_risk=True),  # 11-30
    "T-0004": _task("T-0004", date(2027, 1, 2), date(2027, 1, 2), milestone=True, title="[移交]日 ◆"),  # 12-28
    "T-0005": _task("T-0005", date(2026, 12, 7), date(2026, 12, 21), title="=SUM(A1) 清点钥匙"),
    "T-0006": _task("T-0006", date(2026, 11, 5), date(2026, 12, 5), title="月度例会",
                    occurrences=(OccurrenceRead(date(2026, 11, 5), date(2026, 11, 5)),
                                 OccurrenceRead(date(2026, 12, 5)))),
}
TIMELINE = Timeline(
    project=ProjectRead(id=1, public_id="P-0001", name="锦绣华庭", address="", units=10,
                        exit_type=ExitType.CONTRACT_EXPIRY, rule_profile="cn-default", dates=DATES),
    phases=[],
    tasks=list(TASKS_BY_ID.values()),
    deadlines=[_deadline("notice", date(2026, 11, 20), missed_by=("T-0002",)),
               _deadline("late", date(2026, 10, 1), impossible=True),
               _deadline("far", date(2029, 12, 23))],
    today=TODAY,  # 2026-11-28, week of 11-23
)
FIRST_MONDAY = date(2026, 11, 2)  # the week of the timeline's first day (the decision)


def _write(path, timeline=TIMELINE):
    package = Package(title="锦绣华庭", exit_type="合同到期退出", key_dates=[("移交日", DATES.handover)],
                      generated_at=GENERATED, sheets=[(TASKS, [])], timeline=timeline)
    write_package(path, package)
    return openpyxl.load_workbook(path)


@pytest.fixture
def book(tmp_path):
    return _write(tmp_path / "timeline.xlsx")


def _week_column(day: date) -> int:
    return LEFT + 1 + (day - FIRST_MONDAY).days // 7


def _rows(ws) -> dict[str, int]:
    """Row number of each task, by id."""
    return {ws.cell(r, 1).value: r for r in range(HEADER_ROWS + 1, ws.max_row + 1)
            if str(ws.cell(r, 1).value).startswith("T-")}


def _fill(cell) -> str | None:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None


def test_the_sheet_follows_the_schedules_and_is_in_the_index(book):
    assert book.sheetnames == ["目录", "任务清单", "时间线"]
    index = book["目录"]
    links = {c.value: c for row in index.iter_rows() for c in row if c.hyperlink}
    assert links["时间线"].hyperlink.location == "'时间线'!A1"
    assert index.cell(links["时间线"].row, 2).value == len(TIMELINE.tasks)


def test_headers_months_and_weeks(book):
    ws = book["时间线"]
    assert ws["A1"].value == "时间线(按周甘特图)"
    assert [ws.cell(2, c).value for c in range(1, LEFT + 1)] == [
        "编号", "阶段", "任务", "负责人", "开始", "截止", "状态", "提示"]
    weeks = [ws.cell(2, c).value for c in range(LEFT + 1, ws.max_column + 1)]
    assert weeks[0] == "11-02" and weeks[-1] == "01-25"  # Monday-start weeks, the last one holds 01-31
    assert len(weeks) == (date(2027, 1, 25) - FIRST_MONDAY).days // 7 + 1
    assert ws.cell(2, LEFT + 1).alignment.textRotation == 90
    assert ws.cell(1, _week_column(date(2026, 11, 2))).value == "2026年11月"
    assert f"{ws.cell(1, _week_column(date(2026, 11, 2))).coordinate}:" \
           f"{ws.cell(1, _week_column(date(2026, 12, 7)) - 1).coordinate}" in {str(r) for r in ws.merged_cells.ranges}


def test_bars_fill_the_weeks_their_task_overlaps(book):
    ws = book["时间线"]
    rows = _rows(ws)
    columns = range(LEFT + 1, ws.max_column + 1)

    def filled(task_id: str) -> dict[str, str]:
        return {ws.cell(2, c).value[:5]: _fill(ws.cell(rows[task_id], c)) for c in columns
                if _fill(ws.cell(rows[task_id], c))}

    assert filled("T-0001") == {"11-02": BAR_FILLS["done"], "11-09": BAR_FILLS["done"]}
    assert filled("T-0002") == {"11-16": BAR_FILLS["overdue"], "11-23": BAR_FILLS["overdue"]}
    assert filled("T-0003") == {"11-30": BAR_FILLS["at_risk"]}
    assert filled("T-0005") == {"12-07": BAR_FILLS["open"], "12-14": BAR_FILLS["open"], "12-21": BAR_FILLS["open"]}
    # A recurring task: one cell per occurrence, each in its own state.
    assert filled("T-0006") == {"11-02": BAR_FILLS["done"], "11-30": BAR_FILLS["open"]}
    milestone = ws.cell(rows["T-0004"], _week_column(date(2027, 1, 2)))
    assert milestone.value == "◆" and _fill(milestone) == BAR_FILLS["open"]
    assert [c for c in columns if ws.cell(rows["T-0004"], c).value] == [milestone.column]


def test_left_columns_and_flags(book):
    ws = book["时间线"]
    row = _rows(ws)["T-0002"]
    values = [ws.cell(row, c).value for c in range(1, LEFT + 1)]
    assert values[:4] == ["T-0002", 1, "任务", "财务"]  # the owner's role in the current language
    assert [v.date() for v in values[4:6]] == [date(2026, 11, 20), date(2026, 11, 24)]
    assert ws.cell(row, 5).number_format == "yyyy-mm-dd"
    assert values[6] == "待办"
    assert values[7] == "关键路径;逾期;误期限notice期限"


def test_today_t_and_contract_end_columns_are_marked(book):
    ws = book["时间线"]
    for mark, day, label in (("today", TODAY, "今天"), ("handover", DATES.handover, "T 移交"),
                             ("contract_end", DATES.contract_end, "合同到期")):
        column = _week_column(day)
        assert ws.cell(2, column).value.endswith(label)
        for row in range(2, max(_rows(ws).values()) + 1):  # the whole column, bars and empty cells alike
            border = ws.cell(row, column).border
            assert (row, border.left.style, border.left.color and border.left.color.rgb[-6:]) == (
                row, "medium", MARKS[mark])
            assert border.right.style == "medium"
    unmarked = ws.cell(HEADER_ROWS + 1, _week_column(date(2026, 11, 2)))
    assert unmarked.border.left.style is None


def test_deadlines_are_rows_at_the_top(book):
    ws = book["时间线"]
    titles = [ws.cell(r, 3).value for r in (3, 4, 5)]
    assert titles == ["法定期限:期限notice(民法典947)", "法定期限:期限late(民法典947)", "法定期限:期限far(民法典947)"]
    assert ws.cell(3, 8).value == "未按期:T-0002"
    assert ws.cell(4, 8).value == "已无法按期完成"
    diamond = ws.cell(3, _week_column(date(2026, 11, 20)))
    assert diamond.value == "◆" and diamond.font.color.rgb[-6:] == DEADLINE_COLOR
    for row in (4, 5):  # before and beyond the chart: listed, no diamond
        assert all(ws.cell(row, c).value is None for c in range(LEFT + 1, ws.max_column + 1))
    assert min(_rows(ws).values()) == 6


def test_prints_on_a4_landscape_fit_to_width_with_titles(book):
    ws = book["时间线"]
    assert ws.page_setup.paperSize == PAPER_A4
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1 is the default: omitted
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.print_title_cols == "$A:$H"
    assert ws.freeze_panes == "I3"
    assert ws.oddHeader.left.text == "锦绣华庭"


def test_user_text_stays_text(book):
    ws = book["时间线"]
    rows = _rows(ws)
    formula = ws.cell(rows["T-0005"], 3)
    assert formula.value == "=SUM(A1) 清点钥匙" and formula.data_type == "s" and formula.quotePrefix
    assert ws.cell(rows["T-0004"], 3).value == "[移交]日 ◆"


def test_legend_ends_the_sheet(book):
    ws = book["时间线"]
    texts = [ws.cell(r, 2).value for r in range(ws.max_row - 8, ws.max_row + 1)]
    assert ws.cell(ws.max_row - 9, 1).value == "图例"
    assert texts == ["已完成", "未完成", "有风险(前置任务延误)", "逾期", "里程碑", "法定期限", "今天所在周",
                     "移交日 T 所在周", "合同到期所在周"]
    assert _fill(ws.cell(ws.max_row - 8, 1)) == BAR_FILLS["done"]


def test_english_texts(tmp_path):
    set_language("en")
    ws = _write(tmp_path / "en.xlsx")["Timeline"]
    assert ws["A1"].value == "Timeline (weekly Gantt chart)"
    assert ws.cell(1, _week_column(date(2026, 11, 2))).value == "11/2026"
    assert ws.cell(2, _week_column(TODAY)).value == "11-23 today"
    assert ws.cell(_rows(ws)["T-0002"], 8).value == "critical path; overdue; misses deadline notice"


def test_the_reader_skips_the_timeline_even_renamed(tmp_path):
    path = tmp_path / "t.xlsx"
    book = _write(path)
    book["时间线"].title = "甘特图"
    book.save(path)
    assert [s.name for s in read_file(path, [TASKS]).sheets] == ["任务清单"]


def test_a_long_project_streams(tmp_path):
    start = date(2026, 3, 2)
    tasks = [_task(f"T-{n:04d}", start + timedelta(days=n % 250), start + timedelta(days=n % 250 + 20),
                   title=f"任务 {n}") for n in range(1, 1201)]
    project = TIMELINE.project
    timeline = Timeline(project=project, phases=[], tasks=tasks, deadlines=[], today=TODAY)
    ws = _write(tmp_path / "long.xlsx", timeline)["时间线"]
    assert ws.cell(HEADER_ROWS + 1200, 1).value == "T-1200"


# -- the demo project, through export_package ---------------------------------------------------------------


def test_demo_package_has_the_timeline_and_reimports_unchanged(backend, demo, tmp_path):
    path = tmp_path / "demo.xlsx"
    result = backend.call(export_package, demo.id, path, today=TODAY, generated_at=GENERATED)
    count = result.sheets[0][1]
    assert result.sheets[-1] == ("时间线", count)
    ws = openpyxl.load_workbook(path)["时间线"]
    assert len(_rows(ws)) == count
    assert any(ws.cell(2, c).value.endswith("今天") for c in range(LEFT + 1, ws.max_column + 1))
    report = backend.call(import_file, demo.id, path, apply=False, today=TODAY)
    assert (report.added, report.changed, report.rejected) == ([], [], [])
    registers = {register.sheet.title for register in importable().values()}  # tasks and handover registers
    assert report.unchanged == sum(rows for title, rows in result.sheets if title in registers)


def test_the_timeline_sheet_lists_the_handover_dates(backend, demo, tmp_path):
    """Promised dates of items owed and deadlines of open inspection items, as the app's timeline shows them."""
    import openpyxl

    from exit_tui.io.export import export_package
    from exit_tui.services import handover

    path = tmp_path / "package.xlsx"
    backend.call(export_package, demo.id, path, today=TODAY)
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = next(ws for ws in book.worksheets if ws.title in ("时间线", "Timeline"))
    rows = [row for row in sheet.iter_rows(values_only=True)]
    dated = backend.call(handover.dated_items, demo.id)
    assert dated
    for item in dated:
        assert any(item.public_id in row and "◇" in row for row in rows), item.public_id
