"""The sheets of issue 14 (services/parties_import.py, io/parties_print.py): 相关方, 相关方与通知 and 合同清单
round-trip by public id (unchanged is no change, edited cells in either language and Chinese dates come back, new
rows are added, bad rows are refused on their rows with the reason, a company's contract list is read by its own
headers); 公告 prints each issued version on a page of its own and is read only (its import refused by name)."""

from datetime import date

import openpyxl
import pytest

from exit_tui.i18n import set_language
from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.io.spec import ANNOUNCEMENTS, CONTRACTS, NOTICES, STAKEHOLDERS
from exit_tui.services import announcements, audit, contracts, handover, parties
from exit_tui.services.errors import UserError
from tests.helpers import TODAY


@pytest.fixture
def registered(backend, project):
    """The sample project (its stakeholders and owed notices seeded) with its parties, three contracts (a lift
    contract ending before T, a cleaning contract past its last notice day, a lease kept), the committee's notice
    received with its receipt, and the exit notice issued twice (the second superseding the first)."""
    call = backend.call
    call(handover.set_parties, project.id, handing_company="安居物业公司", handing_representative="王经理",
         receiving_company="新城物业公司", supervising_company="浦东新区住建委")
    call(contracts.add_contract, project.id, TODAY, counterparty="奥的斯电梯(上海)", kind="lift",
         start="2024-01-01", end="2026-12-31", notice_period="3个月", decision="expire")
    call(contracts.add_contract, project.id, TODAY, counterparty="洁美保洁", kind="cleaning", start="2025-01-01",
         end="2026-12-31", notice_period="60天", decision="terminate", outstanding="12,500.50")
    call(contracts.add_contract, project.id, TODAY, counterparty="物业用房出租方", kind="lease", decision="keep")
    call(parties.update_notice, project.id, "N-0001", TODAY, status="received", sent_on="2026-09-20",
         channel="written", proof_kind="receipt", proof_ref="业委会签收单 2026-09-20")
    call(announcements.draft, project.id, "exit-notice", "zh", TODAY)
    call(announcements.issue, project.id, "M-0001", date(2026, 11, 1))
    call(announcements.new_version, project.id, "M-0001", TODAY)
    call(announcements.update_draft, project.id, "M-0002", TODAY,
         body=call(announcements.draft_text, project.id, "M-0002", TODAY).body.replace("________", "021-5888 6666"))
    call(announcements.issue, project.id, "M-0002", TODAY)
    return project


def _export(backend, project, path, language="zh"):
    set_language(language)
    backend.call(export_package, project.id, path, today=TODAY)
    return path


def _table(sheet, prefix: str) -> tuple[dict[str, int], dict[str, int]]:
    """A sheet's columns by header and its rows by the id in their first cell."""
    header_row = next(row for row in range(1, 30) if sheet.cell(row, 1).value in ("编号", "ID"))
    header = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
    rows = {str(sheet.cell(row, 1).value): row for row in range(header_row + 1, sheet.max_row + 1)
            if str(sheet.cell(row, 1).value or "").startswith(prefix)}
    return header, rows


def _set(sheet, row: int, header: dict[str, int], values: dict[str, object]) -> None:
    for name, value in values.items():
        sheet.cell(row, header[name]).value = value


@pytest.mark.parametrize("language", ["zh", "en"])
def test_export_then_import_unchanged_changes_nothing(backend, registered, tmp_path, language):
    path = _export(backend, registered, tmp_path / "package.xlsx", language)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert {STAKEHOLDERS.title, NOTICES.title, ANNOUNCEMENTS.title, CONTRACTS.title} <= set(names)
    last = backend.call(audit.last_entry_id)
    report = backend.call(import_file, registered.id, path, apply=True, today=TODAY)
    assert (report.added, report.changed, report.rejected, report.conflicts) == ([], [], [], [])
    assert report.ignored_columns == []  # every column written is read back or known as written for reading
    assert backend.call(audit.last_entry_id) == last


def test_the_sheets_say_what_is_derived(backend, registered, tmp_path):
    book = openpyxl.load_workbook(_export(backend, registered, tmp_path / "package.xlsx"))
    header, rows = _table(book["合同清单"], "C-")
    sheet = book["合同清单"]
    lift, cleaning = rows["C-0001"], rows["C-0002"]
    assert sheet.cell(lift, header["最后通知日"]).value.date() == date(2026, 9, 30)  # 31 Dec − 3 months
    assert "断档" in sheet.cell(lift, header["提示"]).value
    assert sheet.cell(cleaning, header["最后通知日"]).value.date() == date(2026, 11, 1)
    assert "最后通知日" in sheet.cell(cleaning, header["提示"]).value  # late: no notice sent
    assert sheet.cell(cleaning, header["未结金额"]).value == pytest.approx(12500.50)
    header, rows = _table(book["相关方与通知"], "N-")
    sheet = book["相关方与通知"]
    first = rows["N-0001"]
    assert (sheet.cell(first, header["状态"]).value, sheet.cell(first, header["证明类型"]).value) == ("已签收", "签收回执")
    assert sheet.cell(first, header["证明编号/存放处"]).value == "业委会签收单 2026-09-20"
    assert sheet.cell(first, header["最迟送达日"]).value is not None
    header, rows = _table(book["相关方"], "S-")
    assert book["相关方"].cell(rows["S-0001"], header["通知数"]).value >= 1


def test_edited_cells_and_new_rows_come_back(backend, registered, tmp_path):
    path = _export(backend, registered, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    people = book["相关方"]
    header, rows = _table(people, "S-")
    _set(people, rows["S-0001"], header, {"联系人": "李主任", "联系电话": "021-6888 1234"})
    _set(people, max(rows.values()) + 1, header, {"名称": "锦绣居委会物业办", "类别": "居委会/街道"})
    notices = book["相关方与通知"]
    header, rows = _table(notices, "N-")
    _set(notices, rows["N-0002"], header, {"状态": "已发", "送达日期": "2026年11月20日", "送达方式": "Registered mail / EMS",
                                           "证明编号/存放处": "EMS 1188 2233 44"})
    community = next(s for s in backend.call(parties.list_stakeholders, registered.id) if s.kind == "community")
    _set(notices, max(rows.values()) + 1, header, {"相关方编号": community.name, "通知事项": "告知退出安排",
                                                   "期限规则": "合同到期 -30天", "送达方式": "Meeting"})
    sheet = book["合同清单"]
    header, rows = _table(sheet, "C-")
    _set(sheet, rows["C-0002"], header, {"解除通知": "N-0002", "解除协议已签": "是", "通知期": "2个月"})
    _set(sheet, rows["C-0003"], header, {"处理决定": "Assign to successor"})
    _set(sheet, max(rows.values()) + 1, header, {"合同相对方": "绿之源园林", "合同类型": "绿化外包",
                                                  "到期日期": "2027/3/31", "通知期": "1m"})
    book.save(path)

    preview = backend.call(import_file, registered.id, path, apply=False, today=TODAY)
    assert preview.rejected == []
    assert [added.split()[-1] for added in preview.added] == ["锦绣居委会物业办", "告知退出安排", "绿之源园林"]
    assert {(c.public_id, c.field) for c in preview.changed} == {
        ("S-0001", "联系人"), ("S-0001", "联系电话"), ("N-0002", "状态"), ("N-0002", "送达日期"),
        ("N-0002", "送达方式"), ("N-0002", "证明编号/存放处"), ("C-0002", "解除通知"), ("C-0002", "解除协议已签"),
        ("C-0002", "通知期"), ("C-0003", "处理决定")}

    report = backend.call(import_file, registered.id, path, apply=True, today=TODAY)
    assert len(report.added) == 3 and report.rejected == []
    first = backend.call(parties.get_stakeholder, registered.id, "S-0001")
    assert (first.contact, first.phone) == ("李主任", "021-6888 1234")
    sent = backend.call(parties.get_notice, registered.id, "N-0002", TODAY)
    assert (sent.status, sent.sent_on, sent.channel, sent.proof_ref) == (
        "sent", date(2026, 11, 20), "registered", "EMS 1188 2233 44")
    office = backend.call(parties.list_stakeholders, registered.id)[-1]
    assert (office.name, office.kind) == ("锦绣居委会物业办", "community")
    added = backend.call(parties.list_notices, registered.id, TODAY, stakeholder=community.public_id)[-1]
    assert (added.subject, added.rule, added.channel, added.status) == (
        "告知退出安排", "contract_end -30d", "meeting", "pending")
    cleaning = backend.call(contracts.get_contract, registered.id, "C-0002", TODAY)
    assert (cleaning.notice_ref, cleaning.notice_status, cleaning.agreement_signed, cleaning.late) == (
        "N-0002", "sent", True, False)
    assert backend.call(contracts.get_contract, registered.id, "C-0003", TODAY).decision == "assign"
    new = backend.call(contracts.list_contracts, registered.id, TODAY)[-1]
    assert (new.counterparty, new.kind, new.end, new.last_notice_day) == (
        "绿之源园林", "landscaping", date(2027, 3, 31), date(2027, 2, 28))

    again = backend.call(import_file, registered.id, path, apply=True, today=TODAY)  # the same file: no change
    assert (again.added, again.changed, again.rejected) == ([], [], [])


def test_bad_rows_are_refused_on_their_rows(backend, registered, tmp_path):
    path = _export(backend, registered, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    notices = book["相关方与通知"]
    header, notice_rows = _table(notices, "N-")
    _set(notices, notice_rows["N-0001"], header, {"状态": "待发"})  # back from 已签收: only by undo
    _set(notices, notice_rows["N-0002"], header, {"状态": "已签收", "送达日期": "2026-11-20", "送达方式": "书面送达"})
    _set(notices, notice_rows["N-0003"], header, {"相关方编号": "S-0999"})
    _set(notices, notice_rows["N-0004"], header, {"期限规则": "下个月"})
    _set(notices, notice_rows["N-0005"], header, {"备注": "已电话联系"})  # a good row among them
    sheet = book["合同清单"]
    header, contract_rows = _table(sheet, "C-")
    _set(sheet, contract_rows["C-0001"], header, {"开始日期": "2027-01-01"})  # after its end
    _set(sheet, contract_rows["C-0002"], header, {"通知期": "两周"})
    _set(sheet, contract_rows["C-0003"], header, {"解除通知": "N-0999"})
    book.save(path)
    report = backend.call(import_file, registered.id, path, apply=True, today=TODAY)
    refused = {(r.sheet, r.row): (r.column, r.reason) for r in report.rejected}
    assert refused[("相关方与通知", notice_rows["N-0001"])][0] == "状态"
    assert "已签收" in refused[("相关方与通知", notice_rows["N-0001"])][1]
    assert refused[("相关方与通知", notice_rows["N-0002"])][0] == "证明类型"  # received needs its receipt
    assert refused[("相关方与通知", notice_rows["N-0003"])] == ("相关方编号", "找不到相关方 S-0999")
    assert refused[("相关方与通知", notice_rows["N-0004"])][0] == "期限规则"
    assert refused[("合同清单", contract_rows["C-0001"])][0] == "到期日期"
    assert refused[("合同清单", contract_rows["C-0002"])][0] == "通知期"
    assert refused[("合同清单", contract_rows["C-0003"])] == ("解除通知", "找不到通知 N-0999")
    assert [c.public_id for c in report.changed] == ["N-0005"]
    assert backend.call(parties.get_notice, registered.id, "N-0001", TODAY).status == "received"


def test_a_companys_contract_list_by_its_own_headers(backend, project, tmp_path):
    path = tmp_path / "外包合同台账.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "外包合同"
    sheet.append(["锦绣华庭 外包合同一览(2026年11月)"])
    sheet.append(["序号", "对方单位", "合同类别", "起始日期", "合同到期日", "提前通知期", "终止条款", "欠款", "说明"])
    sheet.append([1, "蓝盾保安服务", "秩序外包", "2025/1/1", "2026年12月31日", "30天", "提前30日书面通知", "¥8,000",
                  ""])
    sheet.append([2, "迅达电梯", "Lift maintenance", "2024-07-01", "2027-06-30", "3 months", "", None, "年度维保"])
    book.save(path)
    report = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert report.rejected == [] and len(report.added) == 2
    found = {c.counterparty: c for c in backend.call(contracts.list_contracts, project.id, TODAY)}
    guard, lift = found["蓝盾保安服务"], found["迅达电梯"]
    assert (guard.kind, guard.end, guard.last_notice_day, guard.outstanding_fen, guard.clause) == (
        "security", date(2026, 12, 31), date(2026, 12, 1), 800_000, "提前30日书面通知")
    assert (lift.kind, lift.last_notice_day, lift.note) == ("lift", date(2027, 3, 30), "年度维保")
    again = backend.call(import_file, project.id, path, apply=True, today=TODAY)  # no ids: twins not added again
    assert (again.added, again.rejected) == ([], [])


def test_a_contact_list_by_its_own_headers(backend, project, tmp_path):
    """Stakeholders from a list with the headers people use (单位名称, 手机, 送达地址, 类型); the seeded ones are
    matched by name (no twin), others added."""
    path = tmp_path / "通讯录.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "相关单位通讯录"
    sheet.append(["单位名称", "类型", "联系人", "手机", "送达地址"])
    seeded = backend.call(parties.list_stakeholders, project.id)[0]
    sheet.append([seeded.name, "业委会", None, None, None])  # as it is: unchanged
    sheet.append(["浦东供电局客户服务中心", "Utility", "陈工", "95598", "浦东新区张杨路100号"])
    book.save(path)
    report = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert report.rejected == [] and report.unchanged == 1 and len(report.added) == 1
    added = backend.call(parties.list_stakeholders, project.id)[-1]
    assert (added.name, added.kind, added.contact, added.phone, added.address) == (
        "浦东供电局客户服务中心", "utility", "陈工", "95598", "浦东新区张杨路100号")


# -- 公告: printed, read only -------------------------------------------------------------------------------------


def test_the_announcements_sheet_prints_each_issued_version_on_a_page(backend, registered, tmp_path):
    book = openpyxl.load_workbook(_export(backend, registered, tmp_path / "package.xlsx"))
    sheet = book["公告"]
    texts = [str(sheet.cell(row, 1).value or "") for row in range(1, sheet.max_row + 1)]
    issued = backend.call(announcements.get_announcement, registered.id, "M-0002")
    assert texts[0] == issued.title and texts.count(issued.title) == 1  # the superseded M-0001 is not printed
    assert "M-0002 第 2 版" in texts[1] and "取代 M-0001" in texts[1] and "全体业主" in texts[1]
    assert any("021-5888 6666" in text for text in texts)
    assert texts[-1].startswith("张贴记录")


def test_the_announcements_sheet_is_refused_on_import(backend, registered, tmp_path):
    path = _export(backend, registered, tmp_path / "package.xlsx")
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames:
        if name != "公告":
            del book[name]
    book.save(path)
    with pytest.raises(UserError) as refused:
        backend.call(import_file, registered.id, path, apply=False, today=TODAY)
    assert refused.value.key == "import.read_only_sheet" and "公告" in refused.value.message()
