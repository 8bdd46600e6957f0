"""The staff sheets (services/staff_import.py, io/staff_print.py): the 员工安置表 round-trips by public id (edits in
either language, Chinese dates, a new row, a company's own list by its headers and 工号, a 身份证号 column ignored,
an art 42 refusal, a bad date or a third decimal refused on its row); the 经济补偿计算表 prints each leaving
employee's working with the service's amounts to the fen and totals that are their sums, and is read only; the
package can leave both out (`export --without staff`, the export dialog's box)."""

from datetime import date

import openpyxl
import pytest
from textual.widgets import Checkbox, Input

from exit_tui import cli
from exit_tui.i18n import _, _n, set_language
from exit_tui.io import registers
from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.io.spec import SEVERANCE, STAFF
from exit_tui.io.staff_print import SEVERANCE_PARTIES
from exit_tui.services import audit, checklist, staff
from exit_tui.services.errors import UserError
from exit_tui.ui.modals.export_dialog import ExportDialog
from tests.helpers import TODAY

from .ui_helpers import demo_app, settle

TWELVE = "6000, 6000, 6000, 6000, 6000, 6000, 6200, 6200, 6200, 6200, 6200, 6200"


@pytest.fixture
def staffed(backend, project):
    """The sample project with DOMAIN.md §5's local figures (average 10,000.00, minimum 2,000.00) and seven
    employees: agreed, hired before 2008 with only an average, art 40 without notice (N+1), protected and
    transferred, capped at 3× the average and 12 years, an expiry whose renewal was refused, one not decided."""
    call = backend.call
    call(staff.set_staff_settings, project.id, TODAY, local_average="10000", minimum_wage="2000")
    people = [
        dict(name="张伟", employee_no="S001", position="保安员", team="秩序维护部", hire_date="2019-03-01",
             wages=TWELVE, placement="agreed", leaving_date="2026-12-31", placement_status="planned"),
        dict(name="李娜", employee_no="S002", position="保洁员", team="环境部", hire_date="2005-06-01",
             average="5,500.50", last_month="5600", placement="agreed", leaving_date="2026-12-31"),
        dict(name="王强", employee_no="S003", position="维修工", team="工程部", hire_date="2021-08-16",
             wages="7000, 7100, 7200", last_month="7300", placement="art40-no-notice", leaving_date="2027-01-10"),
        dict(name="赵敏", employee_no="S004", position="客服专员", team="客服部", hire_date="2020-01-01",
             wages="5000", protected="maternity", placement="transfer", placement_target="锦绣二期"),
        dict(name="刘洋", employee_no="S005", position="项目经理", hire_date="2008-01-01", average="40000",
             last_month="40000", placement="art41", leaving_date="2026-12-31"),
        dict(name="陈静", employee_no="S006", position="绿化工", hire_date="2022-03-01", wages="4000",
             contract_type="fixed", contract_end="2026-12-31", placement="expiry", leaving_date="2026-12-31",
             renewal_refused=True),
        dict(name="周杰", employee_no="S007", position="保安员", hire_date="2023-05-01", wages="4500"),
    ]
    for values in people:
        call(staff.add_employee, project.id, TODAY, **values)
    return project


def _export(backend, project, path, language="zh", **options):
    set_language(language)
    backend.call(export_package, project.id, path, today=TODAY, **options)
    return path


def _table(sheet, first_header: str, prefix: str) -> tuple[dict[str, int], dict[str, int]]:
    """A sheet's columns by header and its rows by the id their first cell starts with."""
    header_row = next(row for row in range(1, 30) if sheet.cell(row, 1).value == first_header)
    header = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
    rows = {}
    for row in range(header_row + 1, sheet.max_row + 1):
        value = str(sheet.cell(row, 1).value or "")
        if value.startswith(prefix):
            rows[value.split()[0]] = row
    return header, rows


def _set(sheet, row: int, header: dict[str, int], values: dict[str, object]) -> None:
    for name, value in values.items():
        sheet.cell(row, header[name]).value = value


# -- the 员工安置表 round trip -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_export_then_import_unchanged_changes_nothing(backend, staffed, tmp_path, language):
    path = _export(backend, staffed, tmp_path / "package.xlsx", language)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    set_language(language)
    assert STAFF.title in names and SEVERANCE.title in names
    last = backend.call(audit.last_entry_id)
    report = backend.call(import_file, staffed.id, path, apply=True, today=TODAY)
    assert (report.added, report.changed, report.rejected, report.conflicts) == ([], [], [], [])
    assert backend.call(audit.last_entry_id) == last  # nothing written, no task made again


def test_edited_cells_and_a_new_row_come_back(backend, staffed, tmp_path):
    path = _export(backend, staffed, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["员工安置表"]
    header, rows = _table(sheet, "编号", "E-")
    _set(sheet, rows["E-0001"], header, {"安置方式": "Contract expiry", "离职日期": "2027年1月15日",
                                         "各月工资(元,由远及近)": "6000、6100", "协议已签": "是"})
    _set(sheet, rows["E-0007"], header, {"安置方式": "协商解除", "离职日期": "2027/1/20", "安置状态": "已计划"})
    new = max(rows.values()) + 1  # the blank line above the signature block
    _set(sheet, new, header, {"姓名": "孙丽", "入职日期": "2024-07-01", "岗位": "前台", "月平均工资": "4,800.5",
                              "安置方式": "调岗", "调往/接收": "锦绣二期"})
    book.save(path)
    tasks_before = backend.call(checklist.list_tasks, staffed.id, checklist.TaskQuery(), TODAY).total
    before = backend.call(audit.row_versions, staffed.id, "employee")

    preview = backend.call(import_file, staffed.id, path, apply=False, today=TODAY)
    assert preview.rejected == [] and len(preview.added) == 1 and "孙丽" in preview.added[0]
    assert {(c.public_id, c.field) for c in preview.changed} == {
        ("E-0001", "安置方式"), ("E-0001", "离职日期"), ("E-0001", "各月工资(元,由远及近)"), ("E-0001", "协议已签"),
        ("E-0007", "安置方式"), ("E-0007", "离职日期"), ("E-0007", "安置状态")}
    assert backend.call(staff.get_employee, staffed.id, "E-0001").placement == "agreed"  # a preview writes nothing

    report = backend.call(import_file, staffed.id, path, apply=True, today=TODAY)
    assert report.added == ["E-0008"]
    first = backend.call(staff.get_employee, staffed.id, "E-0001")
    assert (first.placement, first.leaving_date, first.wages_fen, first.agreement_signed) == (
        "expiry", date(2027, 1, 15), (600_000, 610_000), True)
    due = {backend.call(checklist.get_task, staffed.id, ref, TODAY).due_date for ref in first.tasks}
    assert date(2027, 1, 15) in due  # the follow-up tasks moved with the leaving date
    seventh = backend.call(staff.get_employee, staffed.id, "E-0007")
    assert (seventh.placement, seventh.placement_status, len(seventh.tasks)) == ("agreed", "planned", 3)
    added = backend.call(staff.get_employee, staffed.id, "E-0008")
    assert (added.name, added.average_fen, added.placement, added.placement_target) == (
        "孙丽", 480_050, "transfer", "锦绣二期")
    assert backend.call(checklist.list_tasks, staffed.id, checklist.TaskQuery(), TODAY).total == tasks_before + 3
    versions = backend.call(audit.row_versions, staffed.id, "employee")
    assert versions["E-0001"] > before["E-0001"] and versions["E-0007"] > before["E-0007"]  # audited
    assert versions["E-0002"] == before["E-0002"]

    again = backend.call(import_file, staffed.id, path, apply=True, today=TODAY)  # the same file: nothing new
    assert (again.added, again.changed, again.rejected) == ([], [], [])


def test_bad_rows_are_refused_on_their_rows_and_the_good_ones_go_in(backend, staffed, tmp_path):
    path = _export(backend, staffed, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["员工安置表"]
    header, rows = _table(sheet, "编号", "E-")
    _set(sheet, rows["E-0004"], header, {"安置方式": "客观情况变化解除(提前30日书面通知)", "离职日期": "2027-01-10"})
    _set(sheet, rows["E-0005"], header, {"离职日期": "2026-13-45"})
    _set(sheet, rows["E-0006"], header, {"月平均工资": "4000.505"})
    _set(sheet, rows["E-0007"], header, {"各月工资(元,由远及近)": "4500, 4600.125"})
    _set(sheet, rows["E-0003"], header, {"离职日期": "2020-01-01"})  # before the hire date
    _set(sheet, rows["E-0002"], header, {"电话": "139 1234 5678"})
    book.save(path)
    report = backend.call(import_file, staffed.id, path, apply=True, today=TODAY)
    refused = {r.row: (r.column, r.reason) for r in report.rejected}
    assert set(refused) == {rows[i] for i in ("E-0003", "E-0004", "E-0005", "E-0006", "E-0007")}
    column, reason = refused[rows["E-0004"]]
    assert column == "安置方式" and "42" in reason and "孕期" in reason  # art 42: the reason named
    assert refused[rows["E-0005"]][0] == "离职日期" and "2026-13-45" in refused[rows["E-0005"]][1]
    assert refused[rows["E-0006"]][0] == "月平均工资"
    assert refused[rows["E-0007"]][0] == "各月工资(元,由远及近)" and "4600.125" in refused[rows["E-0007"]][1]
    assert refused[rows["E-0003"]][0] == "离职日期"
    assert [c.public_id for c in report.changed] == ["E-0002"]
    assert backend.call(staff.get_employee, staffed.id, "E-0004").placement == "transfer"
    assert backend.call(staff.get_employee, staffed.id, "E-0002").phone == "139 1234 5678"


def test_a_row_changed_here_since_the_export_is_a_conflict(backend, staffed, tmp_path):
    path = _export(backend, staffed, tmp_path / "package.xlsx")
    backend.call(staff.update_employee, staffed.id, "E-0002", TODAY, phone="13900000000")
    book = openpyxl.load_workbook(path)
    sheet = book["员工安置表"]
    header, rows = _table(sheet, "编号", "E-")
    _set(sheet, rows["E-0002"], header, {"备注": "已面谈"})
    book.save(path)
    report = backend.call(import_file, staffed.id, path, apply=True, today=TODAY)
    assert [c.public_id for c in report.conflicts] == ["E-0002"]
    assert backend.call(staff.get_employee, staffed.id, "E-0002").note == ""  # kept unless overwritten
    backend.call(import_file, staffed.id, path, apply=True, today=TODAY, overwrite=["E-0002"])
    assert backend.call(staff.get_employee, staffed.id, "E-0002").note == "已面谈"


def test_a_companys_staff_list_with_its_own_headers(backend, project, tmp_path):
    """No ids, the headers a company uses, a 身份证号 column: employees added, the ID numbers ignored and said so;
    the next version of the list updates them by 工号 instead of adding them again."""
    path = tmp_path / "花名册.xlsx"

    def save(rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "在岗人员花名册"
        sheet.append(["锦绣物业 员工花名册(2026年11月)"])
        sheet.append(["序号", "姓名", "工号", "身份证号", "岗位", "部门", "入职时间", "合同类型", "合同到期日",
                      "近12个月工资", "平均工资", "上月工资", "手机"])
        for row in rows:
            sheet.append(row)
        book.save(path)

    first = [1, "张伟", "A-101", "310101198001011234", "保安员", "秩序维护部", "2019年3月1日", "固定期限",
             "2027-02-28", "6000,6100,6200", None, None, "13800000001"]
    second = [2, "李娜", "A-102", "310101198502022345", "保洁员", "环境部", "2015/6/1", "无固定期限", None, None,
              "5500", "5600", "13800000002"]
    save([first, second])
    report = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert report.rejected == [] and report.added == ["E-0001", "E-0002"]
    assert "身份证号" in report.ignored_columns
    for employee in backend.call(staff.list_employees, project.id):
        assert not any("310101" in str(value) for value in vars(employee).values())
    one = backend.call(staff.get_employee, project.id, "E-0001")
    assert (one.employee_no, one.team, one.hire_date, one.contract_type, one.wages_fen) == (
        "A-101", "秩序维护部", date(2019, 3, 1), "fixed", (600_000, 610_000, 620_000))
    two = backend.call(staff.get_employee, project.id, "E-0002")
    assert (two.contract_type, two.average_fen, two.last_month_fen, two.placement) == ("open", 550_000, 560_000, "")

    second[5] = "客服部"
    save([first, second])
    again = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert again.added == [] and [(c.public_id, c.new) for c in again.changed] == [("E-0002", "客服部")]


def test_an_unknown_placement_and_a_missing_hire_date_are_refused(backend, project, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("姓名,入职日期,安置方式\n张伟,2019-03-01,开除\n李娜,,协商解除\n王强,2020-01-01,待定\n",
                    encoding="utf-8")
    report = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert [(r.row, r.column) for r in report.rejected] == [(2, "安置方式"), (3, "入职日期")]
    assert "开除" in report.rejected[0].reason and "协商解除" in report.rejected[0].reason  # the choices listed
    assert report.added == ["E-0001"] and backend.call(staff.get_employee, project.id, "E-0001").placement == ""


# -- the 经济补偿计算表 --------------------------------------------------------------------------------------------


def _red(cell) -> bool:
    color = cell.font.color
    return color is not None and isinstance(color.rgb, str) and color.rgb.endswith("C00000")


def _money(value) -> int:
    return round(float(value) * 100)


def test_the_severance_sheet_prints_the_services_amounts_and_their_totals(backend, staffed, tmp_path):
    sheet = openpyxl.load_workbook(_export(backend, staffed, tmp_path / "package.xlsx"))["经济补偿计算表"]
    header, rows = _table(sheet, "员工", "E-")
    employees = {e.public_id: e for e in backend.call(staff.list_employees, staffed.id)}
    leaving = [i for i, e in employees.items() if e.leaving]
    assert list(rows) == leaving == ["E-0001", "E-0002", "E-0003", "E-0005", "E-0006"]
    for public_id, row in rows.items():
        result = employees[public_id].severance
        cell = lambda name: sheet.cell(row, header[name]).value  # noqa: E731
        assert _money(cell("应付合计(元)")) == result.amount
        assert _money(cell("经济补偿(元)")) == result.severance
        assert _money(cell("代通知金(元)") or 0) == result.extra_month
        assert cell("补偿月数N") == str(result.months)
        working = cell("计算过程")
        assert working.splitlines()[-1].endswith(f"{result.amount // 100:,}.{result.amount % 100:02d} 元")
        assert len(working.splitlines()) == len(result.steps)
    cell = lambda public_id, name: sheet.cell(rows[public_id], header[name]).value  # noqa: E731
    assert "2008年前" in cell("E-0002", "计算年限")  # hired 2005: the earlier service shown apart
    assert cell("E-0003", "代通知金(元)") == 7300  # N+1 at last month's wage
    assert cell("E-0005", "工资依据") == "3倍封顶,年限不超过12年" and cell("E-0005", "补偿月数N") == "12.0"
    assert cell("E-0006", "应付合计(元)") == 0 and cell("E-0006", "工资依据") == "无需支付"
    total_row = next(r for r in range(max(rows.values()) + 1, sheet.max_row + 1)
                     if str(sheet.cell(r, 1).value or "").startswith("合计"))
    assert sheet.cell(total_row, 1).value == "合计 5 人"
    for name, field in (("经济补偿(元)", "severance"), ("代通知金(元)", "extra_month"), ("应付合计(元)", "amount")):
        assert _money(sheet.cell(total_row, header[name]).value) == sum(
            getattr(employees[i].severance, field) for i in leaving)
    texts = [str(c.value) for line in sheet.iter_rows(min_row=total_row) for c in line if c.value]
    assert any("第97条" in text for text in texts)  # the pre-2008 note
    assert any(text.startswith(_("staff.print.sign_employer")) for text in texts)
    assert len([t for t in texts if t.startswith(tuple(_(key) for key in SEVERANCE_PARTIES))]) == 3
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows


def test_a_blocked_or_incomplete_employee_is_shown_with_why(backend, staffed, tmp_path):
    backend.call(staff.update_employee, staffed.id, "E-0001", TODAY, protected="medical")  # a flag added later
    backend.call(staff.update_employee, staffed.id, "E-0007", TODAY, placement="agreed")  # no leaving date
    backend.call(staff.update_employee, staffed.id, "E-0006", TODAY, protected="maternity")  # expiry: deferred
    sheet = openpyxl.load_workbook(_export(backend, staffed, tmp_path / "package.xlsx"))["经济补偿计算表"]
    header, rows = _table(sheet, "员工", "E-")
    deferred = sheet.cell(rows["E-0006"], header["计算过程"])
    assert deferred.value.startswith(_("staff.print.blocked", text="")) and "45" in deferred.value.splitlines()[0]
    assert _red(deferred) and not _red(sheet.cell(rows["E-0005"], header["计算过程"]))
    working = sheet.cell(rows["E-0007"], header["计算过程"]).value
    assert working == _("staff.incomplete.no_leaving_date")
    assert sheet.cell(rows["E-0007"], header["应付合计(元)"]).value is None
    total = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value or "").startswith("合计"))
    assert sheet.cell(total, 1).value == _("staff.print.total", n=6, open=1)
    register = openpyxl.load_workbook(tmp_path / "package.xlsx")["员工安置表"]
    reg_header, reg_rows = _table(register, "编号", "E-")
    assert "不得" not in str(register.cell(reg_rows["E-0001"], reg_header["提示"]).value or "")  # agreed: allowed
    assert register.cell(reg_rows["E-0007"], reg_header["提示"]).value == _("staff.incomplete.no_leaving_date")


def test_the_severance_sheet_is_refused_on_import(backend, staffed, tmp_path):
    path = _export(backend, staffed, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["经济补偿计算表"]
    header, rows = _table(sheet, "员工", "E-")
    sheet.cell(rows["E-0001"], header["应付合计(元)"]).value = 999999  # an edit on the printed sheet: never read
    book.save(path)
    report = backend.call(import_file, staffed.id, path, apply=True, today=TODAY)
    assert (report.changed, report.rejected) == ([], [])
    for name in list(book.sheetnames):
        if name != "经济补偿计算表":
            del book[name]
    book.save(path)
    with pytest.raises(UserError) as refused:
        backend.call(import_file, staffed.id, path, apply=False, today=TODAY)
    assert refused.value.message() == _("import.read_only_sheet", sheets="经济补偿计算表")


# -- leaving the staff sheets out ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_without_staff_leaves_both_sheets_out_and_the_index_says_so(backend, staffed, tmp_path, language):
    path = _export(backend, staffed, tmp_path / "package.xlsx", language, without=("staff",))
    book = openpyxl.load_workbook(path)
    assert STAFF.title not in book.sheetnames and SEVERANCE.title not in book.sheetnames
    index = [row[:2] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]]
    sheets_line, tasks_line = [value for label, value in index if label == _("export.left_out")]
    assert STAFF.title in sheets_line and SEVERANCE.title in sheets_line
    assert tasks_line == _n("export.left_out_tasks", 17, n=17)  # art 50's three per leaving employee, art 41's two
    assert not any(label in (STAFF.title, SEVERANCE.title) for label, _value in index)  # not in the contents
    full = openpyxl.load_workbook(_export(backend, staffed, tmp_path / "full.xlsx", language))
    assert _("export.left_out") not in {row[0] for row in full.worksheets[0].iter_rows(values_only=True)}
    # the follow-up tasks name the employees: they stay out of the task sheet and the timeline too
    employees = backend.call(staff.list_employees, staffed.id)
    tasks = {ref for e in employees for ref in e.tasks}
    assert len(tasks) == 15
    names = {e.name for e in employees}

    def named(workbook) -> set[str]:
        return {name for sheet in workbook.worksheets for line in sheet.iter_rows(values_only=True)
                for value in line if isinstance(value, str) for name in names if name in value}

    assert named(book) == set() and named(full) >= names - {"赵敏", "周杰"}


def test_cli_export_without_staff(capsys, tmp_path):
    from tests.test_cli import NEW

    assert cli.main(NEW) == 0
    capsys.readouterr()
    target = tmp_path / "committee.xlsx"
    assert cli.main(["--lang", "zh", "export", "P-0001", str(target), "--without", "staff"]) == 0
    out = capsys.readouterr().out
    assert "员工安置表" not in out and "经济补偿计算表" not in out
    assert "员工安置表" not in openpyxl.load_workbook(target, read_only=True).sheetnames
    assert cli.main(["--lang", "zh", "export", "P-0001", str(tmp_path / "all.xlsx")]) == 0
    assert "员工安置表\t0" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        cli.main(["export", "P-0001", str(target), "--without", "risks"])
    assert usage.value.code == 2
    assert cli.EXPORT_WITHOUT == registers.OPTIONAL_AREAS


async def test_the_export_dialogs_box_leaves_the_staff_sheets_out(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    target = tmp_path / "committee.xlsx"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        box = dialog.query_one("#without-staff", Checkbox)
        assert not box.value
        dialog.query_one("#path", Input).value = str(target)
        box.focus()
        await pilot.press("space")
        assert box.value
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        assert not isinstance(app.screen, ExportDialog)
    set_language("zh")
    names = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert "员工安置表" not in names and "经济补偿计算表" not in names and "任务清单" in names
