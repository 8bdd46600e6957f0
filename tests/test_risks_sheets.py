"""The Risks area's sheets (io/risks_print.py, services/risks_import.py): the 风险登记册 with its heatmap drawn in cell
fills above the header, the 应急预案 a plan a printed page and read only, the 演练记录; the register and the drill log
round-trip by public id (edits in either language, Chinese dates, a committee's headers, new rows, a forbidden
status move or an unknown risk refused on its row, a stale row seen as a conflict)."""

from datetime import date

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from exit_tui.i18n import _, set_language
from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.io.risks_print import LEVEL_FILLS, PLAN_WIDTHS
from exit_tui.io.xlsx_sheet import A4_POINTS, MARGIN_ENDS
from exit_tui.services import audit, risks
from exit_tui.services.errors import UserError
from exit_tui.services.readmodels import RiskQuery
from tests.helpers import TODAY


@pytest.fixture
def worked(backend, project):
    """The sample project's seeded register, worked: ratings changed, one risk responding, one closed, a drill
    with two follow-up actions."""
    call = backend.call
    call(risks.update_risk, project.id, "R-0001", likelihood=5, impact=5, owner="综合办 刘芳")
    call(risks.update_risk, project.id, "R-0002", status="responding", plan_lead="周敏", plan_phone="13800138000",
         drill_rule="FREQ=MONTHLY", drill_start="2026-12-05")
    call(risks.move, project.id, "R-0003", "closed")
    call(risks.record_drill, project.id, TODAY, risk="R-0002", held_on="2026-11-20", participants="工程部 6 人",
         scenario="业主聚集阻挠退场", findings="现场疏导人手不足", follow_ups="补充保安排班;联系派出所")
    return project


def _export(backend, project, path, language="zh"):
    set_language(language)
    backend.call(export_package, project.id, path, today=TODAY)
    return path


def _register(sheet) -> tuple[int, dict[str, int], dict[str, int]]:
    """The header row of a register sheet, its columns by header, and its rows by public id."""
    header_row = next(row for row in range(1, 30) if sheet.cell(row, 1).value in ("编号", "ID"))
    header = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
    rows = {}
    for row in range(header_row + 1, sheet.max_row + 1):
        value = str(sheet.cell(row, 1).value or "")
        if value[:2] in ("R-", "X-"):
            rows[value] = row
    return header_row, header, rows


def _heatmap(sheet) -> dict[tuple[int, int], tuple[int, str]]:
    """(likelihood, impact) -> (count, fill colour) as the sheet draws them: rows labelled 可能性 5 … 1, the cells
    filled from left to right (a cell wider than a column is merged: its first cell holds count and fill)."""
    found = {}
    for row in range(1, 10):
        label = str(sheet.cell(row, 1).value or "")
        if not label.startswith(("可能性", "Likelihood")) or not label[-1].isdigit():  # not the axes
            continue
        likelihood = int(label.split()[-1])
        cells = [cell for cell in sheet[row][1:] if not isinstance(cell, MergedCell) and cell.fill.fill_type]
        assert len(cells) == 5
        for impact, cell in enumerate(cells, start=1):
            found[likelihood, impact] = (cell.value or 0, cell.fill.fgColor.rgb[-6:])
    return found


def _open_counts(backend, project_id) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for risk in backend.call(risks.list_risks, project_id):
        if risk.status != "closed":
            counts[risk.likelihood, risk.impact] = counts.get((risk.likelihood, risk.impact), 0) + 1
    return counts


def _check_heatmap(backend, project_id, sheet) -> None:
    drawn = _heatmap(sheet)
    counts = _open_counts(backend, project_id)
    assert {cell: count for cell, (count, _fill) in drawn.items() if count} == counts
    levels = backend.call(risks.thresholds, project_id)
    for (likelihood, impact), (_count, fill) in drawn.items():
        assert fill == LEVEL_FILLS[levels.level(likelihood * impact)].lstrip("#")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_export_then_import_unchanged_changes_nothing(backend, worked, tmp_path, language):
    path = _export(backend, worked, tmp_path / "package.xlsx", language)
    titles = {"zh": ["风险登记册", "应急预案", "演练记录"], "en": ["Risk register", "Contingency plans", "Drill log"]}
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert [name for name in names if name in titles[language]] == titles[language]
    last = backend.call(audit.last_entry_id)
    report = backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    assert (report.added, report.changed, report.rejected, report.conflicts) == ([], [], [], [])
    assert backend.call(audit.last_entry_id) == last  # nothing written, no task added again


def test_edited_cells_and_new_rows_come_back(backend, worked, tmp_path):
    path = _export(backend, worked, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["风险登记册"]
    header_row, header, rows = _register(sheet)
    sheet.cell(rows["R-0004"], header["可能性(1-5)"]).value = 5
    sheet.cell(rows["R-0004"], header["状态"]).value = "Responding"  # a label in the other language
    sheet.cell(rows["R-0004"], header["下次复核"]).value = "2026年12月20日"
    sheet.cell(rows["R-0004"], header["负责人"]).value = "工程部 张强"
    new = max(rows.values()) + 1  # the blank line above the signature block
    for name, value in {"风险": "车库道闸系统账号未移交", "类别": "移交", "可能性(1-5)": 2, "影响(1-5)": 3,
                        "状态": "识别"}.items():
        sheet.cell(new, header[name]).value = value
    drills = book["演练记录"]
    _row, dheader, drows = _register(drills)
    drill = drows["X-0001"]
    drills.cell(drill, dheader["发现问题"]).value = "现场疏导人手不足;广播系统故障"
    actions = drills.cell(drill, dheader["跟进措施(每行一项)"])
    actions.value = f"{actions.value}\n维修广播系统"
    blank = max(drows.values()) + 1
    for name, value in {"风险编号": "r-1", "演练日期": "2026/11/25", "演练场景": "资料移交拒收",
                        "跟进措施(每行一项)": "补齐资料清单"}.items():
        drills.cell(blank, dheader[name]).value = value
    book.save(path)
    tasks_before = len(backend.call(risks.get_risk, worked.id, "R-0002").tasks)

    preview = backend.call(import_file, worked.id, path, apply=False, today=TODAY)
    assert preview.rejected == []
    assert len(preview.added) == 2
    assert {(c.public_id, c.field) for c in preview.changed} == {
        ("R-0004", "可能性(1-5)"), ("R-0004", "状态"), ("R-0004", "下次复核"), ("R-0004", "负责人"),
        ("X-0001", "发现问题"), ("X-0001", "跟进措施(每行一项)")}
    assert backend.call(risks.get_risk, worked.id, "R-0004").likelihood != 5  # a preview writes nothing

    report = backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    assert sorted(report.added) == ["R-0011", "X-0002"]
    risk = backend.call(risks.get_risk, worked.id, "R-0004")
    assert (risk.likelihood, risk.status, risk.next_review, risk.owner) == (
        5, "responding", date(2026, 12, 20), "工程部 张强")
    assert [p.likelihood for p in backend.call(risks.score_history, worked.id, "R-0004")][-1] == 5  # audited
    added = backend.call(risks.get_risk, worked.id, "R-0011")
    assert (added.title, added.category, added.score) == ("车库道闸系统账号未移交", "handover", 6)
    (first, second) = backend.call(risks.list_drills, worked.id)
    assert first.findings == "现场疏导人手不足;广播系统故障" and len(first.tasks) == 3  # one further task
    assert len(backend.call(risks.get_risk, worked.id, "R-0002").tasks) == tasks_before + 1
    assert (second.public_id, second.risk, second.held_on, len(second.tasks)) == (
        "X-0002", "R-0001", date(2026, 11, 25), 1)

    again = backend.call(import_file, worked.id, path, apply=True, today=TODAY)  # the same file: nothing new
    assert (again.changed, again.rejected) == ([], [])
    assert len(backend.call(risks.list_drills, worked.id)) == 2 and len(again.added) == 0


def test_a_committees_list_with_its_own_headers(backend, worked, tmp_path):
    """A list without our ids, headers the committee's way: new risks added in bulk, a drill naming an unknown
    risk refused on its row, naming the risk."""
    path = tmp_path / "业委会风险清单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "风险清单"
    sheet.append(["锦绣华庭业委会 风险排查"])
    sheet.append(["风险名称", "风险类别", "概率", "影响程度", "责任人", "应对措施", "复核日期"])
    sheet.append(["电梯维保合同到期无人接续", "Safety", 4, 5, "业委会 李主任", "提前招标", "2027年1月5日"])
    sheet.append(["公共收益账目不清", "财务", 3, 4, "", "", ""])
    sheet.append(["停车费收入未交接", "", 3, 3, "", "", ""])  # no category: refused on its row
    drills = book.create_sheet("演练")
    drills.append(["风险", "日期", "场景", "整改措施"])
    drills.append(["R-0099", "2026-11-21", "电梯困人", "联系维保"])
    drills.append(["R-0002", "2026-11-22", "业主聚集", "增加保安"])
    book.save(path)
    report = backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    assert [(r.sheet, r.row, r.column) for r in report.rejected] == [("风险清单", 5, "类别"), ("演练", 2, "风险编号")]
    assert "R-0099" in report.rejected[1].reason
    assert sorted(report.added) == ["R-0011", "R-0012", "X-0002"]
    elevator = backend.call(risks.get_risk, worked.id, "R-0011")
    assert (elevator.category, elevator.likelihood, elevator.impact, elevator.next_review, elevator.level) == (
        "safety", 4, 5, date(2027, 1, 5), "extreme")


def test_a_forbidden_status_move_and_a_bad_cell_are_refused_on_their_rows(backend, worked, tmp_path):
    path = _export(backend, worked, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["风险登记册"]
    _header_row, header, rows = _register(sheet)
    sheet.cell(rows["R-0003"], header["状态"]).value = "应对中"  # closed -> responding: not allowed
    sheet.cell(rows["R-0005"], header["影响(1-5)"]).value = 7
    sheet.cell(rows["R-0006"], header["负责人"]).value = "财务部 陈静"
    drills = book["演练记录"]
    _row, dheader, drows = _register(drills)
    drills.cell(drows["X-0001"], dheader["风险编号"]).value = "R-0001"  # a drill stays with its risk
    book.save(path)
    report = backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    reasons = {(r.sheet, r.row): r.reason for r in report.rejected}
    assert set(reasons) == {("风险登记册", rows["R-0003"]), ("风险登记册", rows["R-0005"]),
                            ("演练记录", drows["X-0001"])}
    assert "R-0003" in reasons["风险登记册", rows["R-0003"]] and "应对中" in reasons["风险登记册", rows["R-0003"]]
    assert "7" in reasons["风险登记册", rows["R-0005"]]
    assert [c.public_id for c in report.changed] == ["R-0006"]  # the good rows still go in
    assert backend.call(risks.get_risk, worked.id, "R-0003").status == "closed"


def test_a_row_changed_here_since_the_export_is_a_conflict(backend, worked, tmp_path):
    path = _export(backend, worked, tmp_path / "package.xlsx")
    backend.call(risks.update_risk, worked.id, "R-0004", impact=2)
    book = openpyxl.load_workbook(path)
    sheet = book["风险登记册"]
    _header_row, header, rows = _register(sheet)
    sheet.cell(rows["R-0004"], header["负责人"]).value = "法务 周涛"
    book.save(path)
    report = backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    assert [c.public_id for c in report.conflicts] == ["R-0004"]
    assert backend.call(risks.get_risk, worked.id, "R-0004").owner == ""  # kept unless overwritten
    backend.call(import_file, worked.id, path, apply=True, today=TODAY, overwrite=["R-0004"])
    assert backend.call(risks.get_risk, worked.id, "R-0004").owner == "法务 周涛"


def test_heatmap_cells_equal_the_registers_counts_before_and_after_an_import(backend, worked, tmp_path):
    path = _export(backend, worked, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["风险登记册"]
    _check_heatmap(backend, worked.id, sheet)
    assert sum(count for count, _fill in _heatmap(sheet).values()) == backend.call(risks.heatmap, worked.id).total
    header_row, header, rows = _register(sheet)
    for public_id in ("R-0004", "R-0005"):
        sheet.cell(rows[public_id], header["可能性(1-5)"]).value = 5
        sheet.cell(rows[public_id], header["影响(1-5)"]).value = 4
    sheet.cell(rows["R-0006"], header["状态"]).value = "已关闭"
    book.save(path)
    backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    again = openpyxl.load_workbook(_export(backend, worked, tmp_path / "again.xlsx"))["风险登记册"]
    _check_heatmap(backend, worked.id, again)
    assert _heatmap(again)[5, 4][0] == _open_counts(backend, worked.id)[5, 4] >= 2
    # the screen's filters narrow the map as they narrow the register
    query = RiskQuery(categories=("owners",))
    narrowed = backend.call(risks.heatmap, worked.id, query)
    listed = [r for r in backend.call(risks.list_risks, worked.id, query) if r.status != "closed"]
    assert narrowed.total == len(listed)
    assert all(narrowed.count(r.likelihood, r.impact) >= 1 for r in listed)


def test_the_legend_follows_the_profiles_thresholds(backend, worked, tmp_path):
    sheet = openpyxl.load_workbook(_export(backend, worked, tmp_path / "package.xlsx"))["风险登记册"]
    legend = next(row for row in range(1, 12) if sheet.cell(row, 1).value == "等级")
    texts = [sheet.cell(legend, r.min_col).value for r in sorted(
        (r for r in sheet.merged_cells.ranges if r.min_row == legend and r.min_col > 1), key=lambda r: r.min_col)]
    assert texts == ["低 ≤ 4", "中 5-9", "高 10-16", "极高 ≥ 20"]
    assert sheet.print_title_rows == f"${legend + 2}:${legend + 2}"  # the register's header, under the map


def test_the_plans_sheet_is_refused_on_import(backend, worked, tmp_path):
    path = _export(backend, worked, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    plans = book["应急预案"]
    plans.cell(3, 2).value = "改过的类别"  # an edit on a printed plan is never imported
    book.save(path)
    report = backend.call(import_file, worked.id, path, apply=True, today=TODAY)
    assert (report.changed, report.rejected) == ([], [])
    for name in list(book.sheetnames):
        if name != "应急预案":
            del book[name]
    book.save(path)
    with pytest.raises(UserError) as refused:
        backend.call(import_file, worked.id, path, apply=False, today=TODAY)
    assert "应急预案" in refused.value.message() and _("import.read_only_sheet", sheets="应急预案") == \
        refused.value.message()


def test_each_plan_is_a_printed_page_of_its_own(backend, worked, tmp_path):
    sheet = openpyxl.load_workbook(_export(backend, worked, tmp_path / "package.xlsx"))["应急预案"]
    listed = [r for r in backend.call(risks.list_risks, worked.id) if r.status != "closed" and r.plan]
    starts = [row for row in range(1, sheet.max_row + 1)
              if str(sheet.cell(row, 1).value or "").startswith("应急预案 R-")]
    assert [sheet.cell(row, 1).value.split()[1] for row in starts] == [r.public_id for r in listed]
    breaks = [b.id for b in sheet.row_breaks.brk]  # a break after the row above each plan but the first
    assert breaks == [row - 1 for row in starts[1:]]
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "portrait")
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage and setup.scale  # a scale: Excel keeps the breaks
    assert sheet.print_area.endswith("$A$1:$B$" + str(sheet.max_row))
    room = A4_POINTS[1] - 2 * MARGIN_ENDS * 72
    for first, end in zip(starts, [*starts[1:], sheet.max_row + 1]):
        height = sum(sheet.row_dimensions[row].height or 15 for row in range(first, end))
        assert height * setup.scale / 100 <= room  # the plan fits its page
    assert sum(PLAN_WIDTHS) * 7 * 0.75 * setup.scale / 100 <= A4_POINTS[0] - 0.8 * 72  # and its width


def test_an_empty_register_prints_an_empty_map_and_no_plans(backend, project, tmp_path):
    for risk in backend.call(risks.list_risks, project.id):
        backend.call(risks.delete_risk, project.id, risk.public_id)
    book = openpyxl.load_workbook(_export(backend, project, tmp_path / "package.xlsx"))
    assert all(count == 0 for count, _fill in _heatmap(book["风险登记册"]).values())
    assert book["应急预案"].cell(1, 1).value == _("risks.print.no_plans")
