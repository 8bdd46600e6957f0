"""The accounts through spreadsheets (io/registers.py, services/accounts_import.py): units, lines and ledgers
round-trip by public id with a committee's edits (aliases, Chinese dates, amounts in every form, formula cells by
their cached value, a third decimal refused); a 业主名册 without ids is matched by unit number; the confirmations
returned with the owner statements move states, previewed, all or nothing; sheets written for reading only are
never imported."""

import re
from datetime import date

import openpyxl
import pytest

from exit_tui.io.accounts_print import export_statements
from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.services import accounts, audit
from exit_tui.services.errors import UserError
from tests.helpers import TODAY
from tests.test_read import cache, patch_zip


def add_accounts(backend, project_id: int) -> None:
    """Three units (owners of two, three and four characters), their lines, and two project ledgers."""
    call = backend.call
    call(accounts.add_item, project_id, "unit", unit_no="3-1-201", owner="张三", phone="13800138000", area_m2="89.5")
    call(accounts.add_item, project_id, "unit", unit_no="3-1-202", owner="张三丰", phone="13912345678")
    call(accounts.add_item, project_id, "unit", unit_no="10-2-1501", owner="欧阳娜娜", phone="021-58881234")
    call(accounts.add_item, project_id, "line", unit_no="3-1-201", category="arrears", amount_fen="¥1,234.50",
         period_start="2026-01-01", period_end="2026-06-30", source_ref="收据 0001")
    call(accounts.add_item, project_id, "line", unit_no="3-1-202", category="prepaid", amount_fen="1200",
         period_start="2026-07-01", period_end="2027-06-30")
    call(accounts.add_item, project_id, "line", unit_no="10-2-1501", category="parking", amount_fen="300")
    call(accounts.add_item, project_id, "line", unit_no="10-2-1501", category="arrears", amount_fen="88.8",
         period_start="2026-09-01", period_end="2026-09-30")
    call(accounts.add_item, project_id, "ledger", kind="revenue", description="电梯广告", amount_fen="5000")
    call(accounts.add_item, project_id, "ledger", kind="repair_fund", description="维修资金余额", amount_fen="80000")


def _sheet(book, title):
    sheet = book[title]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value}
    rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)
            if re.fullmatch(r"[A-Z]-\d{4}", str(sheet.cell(row, 1).value))}
    return sheet, header, rows


def _set(book, title, public_id, **cells):
    sheet, header, rows = _sheet(book, title)
    for name, value in cells.items():
        sheet.cell(rows[public_id], header[name]).value = value


def _append(book, title, **cells):
    sheet, header, rows = _sheet(book, title)
    row = max([*rows.values(), 1]) + 1
    for name, value in cells.items():
        sheet.cell(row, header[name]).value = value
    return row


@pytest.fixture
def package(backend, project, tmp_path):
    add_accounts(backend, project.id)
    path = tmp_path / "package.xlsx"
    backend.call(export_package, project.id, path, today=TODAY)
    return project, path


def test_accounts_round_trip_with_a_committees_edits(backend, package):
    project, path = package
    book = openpyxl.load_workbook(path)
    units, header, _rows = _sheet(book, "房屋清单")
    units.cell(1, header["业主"]).value = "产权人"  # their word for the column
    _set(book, "房屋清单", "U-0001", 产权人="张三、李四", **{"建筑面积(㎡)": "90.25"})
    _set(book, "对账明细", "L-0001", 金额="1234.5元", 起始日期="2026年1月1日")
    _set(book, "对账明细", "L-0003", 金额="３２０.００")  # full-width digits
    _set(book, "对账明细", "L-0004", 金额="12.345")  # a third decimal: refused, never rounded
    _set(book, "项目台账", "G-0002", 金额="(1,200.00)")  # a fund's usage, negative
    _set(book, "项目台账", "G-0001", 金额="=4000+1000.5")  # a formula: read by its cached value
    new_line = _append(book, "对账明细", 房号="3-1-202", 类别="停车费", 金额="¥1,500.00", 结束日期="2026年12月31日")
    book.save(path)
    _sheet_part = {name: n for n, name in enumerate(book.sheetnames, start=1)}["项目台账"]
    cell = f"F{_sheet(book, '项目台账')[2]['G-0001']}"
    patch_zip(path, {f"xl/worksheets/sheet{_sheet_part}.xml": cache(cell, "5000.5")})

    before = backend.call(audit.entry_count)
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    changes = sorted((c.public_id, c.field, c.new) for c in preview.changed)
    assert changes == [("G-0001", "金额", "5,000.50"), ("G-0002", "金额", "-1,200.00"),
                       ("L-0003", "金额", "320.00"), ("U-0001", "业主", "张三、李四"),
                       ("U-0001", "建筑面积(㎡)", "90.25")]  # L-0001: 1234.5元 and 2026年1月1日 are what it was
    assert [(r.sheet, r.row, r.column) for r in preview.rejected] == [
        ("对账明细", _sheet(book, "对账明细")[2]["L-0004"], "金额")]
    assert preview.added == [f"第 {new_line} 行"]
    assert backend.call(audit.entry_count) == before  # a preview writes nothing

    backend.call(import_file, project.id, path, apply=True, today=TODAY)
    units = {u.unit_no: u for u in backend.call(accounts.list_units, project.id)}
    assert (units["3-1-201"].owner, units["3-1-201"].area_m2) == ("张三、李四", 9025)
    lines = {line.public_id: line for line in backend.call(accounts.list_lines, project.id)}
    assert lines["L-0004"].amount_fen == 8880  # untouched by the refused row
    added = lines["L-0005"]
    assert (added.unit_no, added.category, added.amount_fen, added.direction, added.period_end) == (
        "3-1-202", "parking", 150000, "owes", date(2026, 12, 31))
    ledgers = {g.public_id: g.amount_fen for g in backend.call(accounts.list_ledgers, project.id)}
    assert ledgers == {"G-0001": 500050, "G-0002": -120000}

    again = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert (again.changed, again.added) == ([], [])  # the same file twice: nothing more


def test_a_prepaid_line_changed_by_the_sheet_is_split_again(backend, package):
    project, path = package
    book = openpyxl.load_workbook(path)
    _set(book, "对账明细", "L-0002", 金额="2400")
    book.save(path)
    backend.call(import_file, project.id, path, apply=True, today=TODAY)
    line = next(line for line in backend.call(accounts.list_lines, project.id) if line.public_id == "L-0002")
    cut = backend.call(accounts.cutoff, project.id)
    assert line.after_cutoff_fen == accounts.after_cutoff("prepaid", 240000, date(2026, 7, 1), date(2027, 6, 30), cut)
    assert 0 < line.after_cutoff_fen < 240000


def test_states_in_the_lines_sheet_move_as_the_rules_allow(backend, package):
    project, path = package
    backend.call(accounts.move_lines, project.id, ["L-0001", "L-0003"], "confirmed")
    book = openpyxl.load_workbook(path)  # exported before: every line 未确认 there
    _set(book, "对账明细", "L-0001", 状态=None)  # blank: stays confirmed
    _set(book, "对账明细", "L-0002", 状态="已结清")  # not straight from 未确认
    _set(book, "对账明细", "L-0004", 状态="有争议", 争议理由="没住过", 证据="物业费收据")
    _set(book, "对账明细", "L-0003", **{"版本": None})  # 未确认 in the file, 已确认 here: the file's value wins
    book.save(path)
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert [(r.row, r.column) for r in preview.rejected] == [(_sheet(book, "对账明细")[2]["L-0002"], "状态")]
    assert sorted((c.public_id, c.field, c.new) for c in preview.changed) == [
        ("L-0003", "状态", "未确认"), ("L-0004", "争议理由", "没住过"), ("L-0004", "状态", "有争议"),
        ("L-0004", "证据", "物业费收据")]


def test_an_owner_register_without_ids_is_matched_by_unit_number(backend, project, tmp_path):
    add_accounts(backend, project.id)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "业主名册"
    sheet.append(["锦绣华庭业主名册(开发商提供)"])
    sheet.append(["房间号", "产权人", "建筑面积", "手机", "备注"])
    sheet.append(["３－１－２０１", "张三", 89.5, "13800138000", None])  # as we have it, full-width digits
    sheet.append(["3-1-202", "张三丰", "102.30", "13900000000", "换了手机"])
    sheet.append(["5-1-101", "王五", "76", "13700001111", None])  # not on our register yet
    path = tmp_path / "业主名册.xlsx"
    book.save(path)

    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert sorted((c.public_id, c.field, c.new) for c in preview.changed) == [
        ("U-0002", "备注", "换了手机"), ("U-0002", "建筑面积(㎡)", "102.30"), ("U-0002", "电话", "13900000000")]
    assert preview.added == ["第 5 行 5-1-101"]
    assert preview.absent == ["U-0003 10-2-1501"]  # on ours, not on theirs: said, never deleted
    assert preview.unchanged == 1
    backend.call(import_file, project.id, path, apply=True, today=TODAY)
    units = {u.unit_no: u for u in backend.call(accounts.list_units, project.id)}
    assert len(units) == 4 and units["5-1-101"].public_id == "U-0004" and units["5-1-101"].building == "5"


def test_a_unit_number_twice_in_a_list_is_refused_for_the_second_row(backend, project, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["房号", "业主"])
    book.active.append(["1-1-101", "甲"])
    book.active.append(["1-1-101", "乙"])
    book.save(tmp_path / "owners.xlsx")
    report = backend.call(import_file, project.id, tmp_path / "owners.xlsx", apply=True, today=TODAY)
    assert [(r.row, r.column) for r in report.rejected] == [(3, "房号")]
    assert [u.owner for u in backend.call(accounts.list_units, project.id)] == ["甲"]


def _replies(path, replies: dict[str, tuple]):
    """Fill the confirmations sheet of a statements workbook: line id -> (reply, reason[, unit])."""
    book = openpyxl.load_workbook(path)
    sheet = book["对账确认回执"]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for row in range(2, sheet.max_row + 1):
        reply = replies.get(sheet.cell(row, header["明细编号"]).value)
        if reply:
            sheet.cell(row, header["确认结果"]).value = reply[0]
            sheet.cell(row, header["异议理由"]).value = reply[1]
            if len(reply) > 2:
                sheet.cell(row, header["房号"]).value = reply[2]
    book.save(path)


def test_confirmations_move_states_previewed_then_all_at_once(backend, project, tmp_path):
    add_accounts(backend, project.id)
    path = tmp_path / "对账单.xlsx"
    backend.call(export_statements, project.id, path)
    _replies(path, {"L-0001": ("确认", None), "L-0002": ("有争议", "已预交至2027年6月,金额不符"),
                    "L-0003": ("同意", None)})  # L-0004 left blank: no reply, no change
    before = backend.call(audit.entry_count)
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert sorted((c.public_id, c.field, c.old, c.new) for c in preview.changed) == [
        ("L-0001", "确认结果", "未确认", "已确认"), ("L-0002", "异议理由", "", "已预交至2027年6月,金额不符"),
        ("L-0002", "确认结果", "未确认", "有争议"), ("L-0003", "确认结果", "未确认", "已确认")]
    assert (preview.added, preview.rejected, preview.unchanged) == ([], [], 1)
    assert backend.call(audit.entry_count) == before

    backend.call(import_file, project.id, path, apply=True, today=TODAY)
    lines = {line.public_id: line for line in backend.call(accounts.list_lines, project.id)}
    assert [lines[i].state for i in ("L-0001", "L-0002", "L-0003", "L-0004")] == [
        "confirmed", "disputed", "confirmed", "unconfirmed"]
    assert lines["L-0002"].evidence_ref == "业主对账单回执"  # the returned statement is the evidence
    assert backend.call(audit.entry_count) > before
    again = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert again.changed == []


def test_one_bad_confirmation_refuses_them_all(backend, project, tmp_path):
    add_accounts(backend, project.id)
    path = tmp_path / "对账单.xlsx"
    backend.call(export_statements, project.id, path)
    _replies(path, {"L-0001": ("确认", None), "L-0002": ("有争议", None),  # a dispute without its reason
                    "L-0003": ("确认", None, "3-1-201")})  # the line is 10-2-1501's, not this unit's
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert sorted(r.column for r in preview.rejected) == ["异议理由", "房号"]
    with pytest.raises(UserError, match="2 行"):
        backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert {line.state for line in backend.call(accounts.list_lines, project.id)} == {"unconfirmed"}

    _replies(path, {"L-0002": ("也许", "?")})  # not a reply the reader knows
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert any("也许" in r.reason for r in preview.rejected)


def test_sheets_written_for_reading_only_are_never_imported(backend, package, tmp_path):
    """The 公示 lists carry masked owners beside unit numbers: were they read as a 业主名册, a masked name would
    replace the owner's. The settlement report and the statements are skipped alike, in either language."""
    project, path = package
    book = openpyxl.load_workbook(path)
    notice = book["欠费公示清单"]
    notice.cell(1, 2).value = "房号"  # even with a register's headers
    notice.cell(1, 3).value = "业主"
    book.save(path)
    report = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert (report.changed, report.added, report.rejected) == ([], [], [])
    assert {u.owner for u in backend.call(accounts.list_units, project.id)} == {"张三", "张三丰", "欧阳娜娜"}
