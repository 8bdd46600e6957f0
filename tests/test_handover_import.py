"""The handover registers through the package (io/registers.py, services/handover_import.py): export, change
cells the way a committee would (a header written as an alias, labels in either language, a Chinese date, new rows
without an id, bad rows), import: exactly those changes, audited; the same file again: nothing. A list the
committee writes itself is compared with the register: what is on ours and not on theirs, and the other way."""

import re
from datetime import date

import openpyxl
import pytest

from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.io.spec import KEYS
from exit_tui.services import audit, handover
from tests.helpers import TODAY


def _sheet(book, title):
    sheet = book[title]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value}
    rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)
            if re.fullmatch(r"[A-Z]-\d{4}", str(sheet.cell(row, 1).value))}  # not the signature block below
    return sheet, header, rows


def _set(book, title, public_id, **cells):
    sheet, header, rows = _sheet(book, title)
    for name, value in cells.items():
        sheet.cell(rows[public_id], header[name]).value = value


def _append(book, title, **cells):
    sheet, header, rows = _sheet(book, title)
    row = max([*rows.values(), 1]) + 1  # the blank row between the data and the signature block
    for name, value in cells.items():
        sheet.cell(row, header[name]).value = value
    return row


@pytest.fixture
def package(backend, project, tmp_path):
    """The sample project with one inspection item, exported, then changed as a committee would."""
    backend.call(handover.add_item, project.id, "inspection", description="电梯异响", item_ref="A-0011")
    path = tmp_path / "移交资料包.xlsx"
    backend.call(export_package, project.id, path, today=TODAY)
    book = openpyxl.load_workbook(path)
    documents, header, _rows = _sheet(book, "资料移交清单")
    documents.cell(1, header["保管人"]).value = "保管部门"  # their word for the column
    _set(book, "资料移交清单", "D-0002", 保管部门="档案室", 状态="已备齐")
    _set(book, "资料移交清单", "D-0003", 状态="Ready")  # the English label
    _set(book, "资料移交清单", "D-0004", 份数="三份")  # a bad row
    new_document = _append(book, "资料移交清单", 类别="设施设备技术资料", 资料名称="小区消防平面图", 份数=2)
    _set(book, "设施设备清单", "A-0043", **{"面积(㎡)": "35.5", "完好程度": "完好"})
    _set(book, "设施设备清单", "A-0011", 数量=4, 位置="1-3号楼")
    _set(book, "钥匙与账号清单", "K-0001", 移交数量=4, 接收数量=3)
    _set(book, "钥匙与账号清单", "K-0008", 账号已移交="是", 移交给="新物业 张三", 移交日期="2026年12月1日")
    _set(book, "查验问题清单", "I-0001", 状态="已关闭")  # not allowed straight from 待分派
    new_item = _append(book, "查验问题清单", 涉及项目="a-3", 问题描述="3号楼屋面渗水", 责任方="开发商",
                       整改期限="2026年12月5日")
    book.save(path)
    return project, path, new_document, new_item


EXPECTED = sorted([
    ("D-0002", "保管人", "档案室"), ("D-0002", "状态", "已备齐"), ("D-0003", "状态", "已备齐"),
    ("A-0043", "面积(㎡)", "35.50"), ("A-0043", "完好程度", "完好"), ("A-0011", "数量", "4"),
    ("A-0011", "位置", "1-3号楼"), ("K-0001", "移交数量", "4"), ("K-0001", "接收数量", "3"),
    ("K-0008", "账号已移交", "是"), ("K-0008", "移交给", "新物业 张三"), ("K-0008", "移交日期", "2026-12-01"),
])


def test_each_register_round_trips_with_exactly_the_committees_changes(backend, package):
    project, path, new_document, new_item = package
    audit_before = backend.call(audit.entry_count)
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert sorted((c.public_id, c.field, c.new) for c in preview.changed) == EXPECTED
    assert preview.added == [f"第 {new_document} 行 小区消防平面图", f"第 {new_item} 行 3号楼屋面渗水"]
    assert sorted((r.sheet, r.column) for r in preview.rejected) == [("查验问题清单", "状态"), ("资料移交清单", "份数")]
    assert any("已关闭" in r.reason for r in preview.rejected)
    assert preview.ignored_columns == []
    assert preview.absent == ["D-0004 竣工验收资料(验收备案表等)"]  # a row the reader refused is not listed
    assert backend.call(audit.entry_count) == audit_before

    applied = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert applied.added == ["D-0022", "I-0002"]
    entries = [e for e in backend.call(audit.list_entries, project.id, None) if e.id > audit_before]
    written = {(e.public_id, e.field) for e in entries if e.action == "update"}
    assert written == {("D-0002", "holder"), ("D-0002", "status"), ("D-0003", "status"), ("A-0043", "area_m2"),
                       ("A-0043", "condition"), ("A-0011", "quantity"), ("A-0011", "location"),
                       ("K-0001", "handed_out"), ("K-0001", "received"), ("K-0008", "account_handed"),
                       ("K-0008", "handed_to"), ("K-0008", "handed_on")}
    assert sorted((e.entity, e.public_id) for e in entries if e.action == "create") == [
        ("document", "D-0022"), ("inspection", "I-0002")]
    assert backend.call(audit.verify).ok

    premises = backend.call(handover.get_item, project.id, "facility", "A-0043")
    assert (premises.area_m2, premises.condition) == (3550, "good")
    key = backend.call(handover.get_item, project.id, "key", "K-0001")
    assert key.discrepancy
    account = backend.call(handover.get_item, project.id, "key", "K-0008")
    assert (account.account_handed, account.handed_on) == (True, date(2026, 12, 1))
    added = backend.call(handover.get_item, project.id, "inspection", "I-0002")
    assert (added.item_ref, added.deadline, added.state) == ("A-0003", date(2026, 12, 5), "open")
    document = backend.call(handover.get_item, project.id, "document", "D-0022")
    assert (document.category, document.copies, document.status) == ("technical", 2, "pending")
    assert backend.call(handover.get_item, project.id, "inspection", "I-0001").state == "open"

    entries_now = backend.call(audit.entry_count)
    again = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert (again.added, again.changed) == ([], [])
    assert len(again.rejected) == 2  # the bad rows are still bad
    assert backend.call(audit.entry_count) == entries_now


# One committee's edits per register: headers renamed to their own words (aliases), changed cells (labels,
# Chinese dates), a new row without an id, a bad row; what the import must change and write to the audit log.
ROUND_TRIPS = {
    "document": {
        "sheet": "资料移交清单",
        "rename": {"保管人": "保管部门", "状态": "移交状态", "份数": "数量"},
        "edits": {"D-0002": {"保管部门": "档案室"}, "D-0005": {"移交状态": "缺失", "数量": "2"}},
        "new": {"类别": "其他资料", "资料名称": "小区消防平面图", "数量": 2, "移交状态": "待整理"},
        "bad": ("D-0006", {"数量": "三份"}),
        "changed": {("D-0002", "保管人", "档案室"), ("D-0005", "状态", "缺失"), ("D-0005", "份数", "2")},
        "audited": {("D-0002", "holder"), ("D-0005", "status"), ("D-0005", "copies")},
        "rejected": "数量",  # the reader names the header as they wrote it
    },
    "facility": {
        "sheet": "设施设备清单",
        "rename": {"位置": "安装位置", "数量": "台数", "名称": "设备名称"},
        "edits": {"A-0011": {"安装位置": "1-3号楼", "台数": 4}, "A-0012": {"完好程度": "Damaged"}},
        "new": {"设备名称": "地下车库排水泵", "类别": "共用设备", "台数": 2, "单位": "台", "安装位置": "B2"},
        "bad": ("A-0013", {"查验方法": "目测"}),
        "changed": {("A-0011", "位置", "1-3号楼"), ("A-0011", "数量", "4"), ("A-0012", "完好程度", "损坏")},
        "audited": {("A-0011", "location"), ("A-0011", "quantity"), ("A-0012", "condition")},
        "rejected": "查验方法",
    },
    "key": {
        "sheet": "钥匙与账号清单",
        "rename": {"接收数量": "实收数量", "移交日期": "交接日期", "移交给": "接收人"},
        "edits": {"K-0001": {"移交数量": 4, "实收数量": 3},
                  "K-0008": {"账号已移交": "是", "接收人": "新物业 张三", "交接日期": "2026年12月3日"}},
        "new": {"位置或系统": "地下车库门禁卡", "类型": "门禁卡", "移交数量": 20, "实收数量": 20},
        "bad": ("K-0003", {"移交数量": "两把"}),
        "changed": {("K-0001", "移交数量", "4"), ("K-0001", "接收数量", "3"), ("K-0008", "账号已移交", "是"),
                    ("K-0008", "移交给", "新物业 张三"), ("K-0008", "移交日期", "2026-12-03")},
        "audited": {("K-0001", "handed_out"), ("K-0001", "received"), ("K-0008", "account_handed"),
                    ("K-0008", "handed_to"), ("K-0008", "handed_on")},
        "rejected": "移交数量",
    },
    "inspection": {
        "sheet": "查验问题清单",
        "rename": {"整改期限": "整改时限", "责任方": "整改单位", "问题描述": "存在问题"},
        "edits": {"I-0001": {"整改单位": "开发商", "整改时限": "2026年12月3日", "状态": "Assigned"}},
        "new": {"涉及项目": "a-3", "存在问题": "3号楼屋面渗水", "整改单位": "开发商", "整改时限": "2026年12月5日"},
        "bad": ("I-0002", {"状态": "已关闭"}),  # not straight from 待分派
        "changed": {("I-0001", "责任方", "开发商"), ("I-0001", "整改期限", "2026-12-03"), ("I-0001", "状态", "已分派")},
        "audited": {("I-0001", "responsible"), ("I-0001", "deadline"), ("I-0001", "state")},
        "rejected": "状态",
    },
}


@pytest.mark.parametrize("register", list(ROUND_TRIPS))
def test_every_register_round_trips_a_committees_edits(backend, project, tmp_path, register):
    case = ROUND_TRIPS[register]
    backend.call(handover.add_item, project.id, "inspection", description="电梯异响", item_ref="A-0011")
    backend.call(handover.add_item, project.id, "inspection", description="屋面渗水")
    path = tmp_path / "package.xlsx"
    backend.call(export_package, project.id, path, today=TODAY)
    book = openpyxl.load_workbook(path)
    title = case["sheet"]
    sheet, header, _rows = _sheet(book, title)
    for ours, theirs in case["rename"].items():
        sheet.cell(1, header[ours]).value = theirs
    for public_id, cells in case["edits"].items():
        _set(book, title, public_id, **cells)
    bad_id, bad_cells = case["bad"]
    _set(book, title, bad_id, **bad_cells)
    new_row = _append(book, title, **case["new"])
    book.save(path)
    name = next(v for k, v in case["new"].items() if k in ("资料名称", "设备名称", "位置或系统", "存在问题"))

    audit_before = backend.call(audit.entry_count)
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert {(c.public_id, c.field, c.new) for c in preview.changed} == case["changed"]
    assert len(preview.changed) == len(case["changed"])
    assert preview.added == [f"第 {new_row} 行 {name}"]  # theirs, not ours: named before anything is applied
    assert [(r.sheet, r.row, r.column) for r in preview.rejected] == [(title, _rows[bad_id], case["rejected"])]
    assert preview.ignored_columns == []
    assert backend.call(audit.entry_count) == audit_before  # a preview writes nothing

    applied = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert len(applied.added) == 1 and applied.added[0].startswith(handover.PREFIX[register] + "-")
    entries = [e for e in backend.call(audit.list_entries, project.id, None) if e.id > audit_before]
    assert {(e.public_id, e.field) for e in entries if e.action == "update"} == case["audited"]
    assert [(e.entity, e.public_id) for e in entries if e.action == "create"] == [(register, applied.added[0])]
    assert backend.call(audit.verify).ok
    added = backend.call(handover.get_item, project.id, register, applied.added[0])
    assert name in (getattr(added, "name", None), getattr(added, "description", None))

    entries_now = backend.call(audit.entry_count)
    again = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert (again.added, again.changed, len(again.rejected)) == ([], [], 1)  # the bad row is still bad
    assert backend.call(audit.entry_count) == entries_now


def test_a_preview_says_which_key_counts_the_import_would_unbalance(backend, project, tmp_path):
    backend.call(handover.update_item, project.id, "key", "K-0002", handed_out=3, received=2)  # already off
    path = tmp_path / "package.xlsx"
    backend.call(export_package, project.id, path, today=TODAY)
    book = openpyxl.load_workbook(path)
    _set(book, "钥匙与账号清单", "K-0001", 移交数量=4, 接收数量=3)  # unbalances it
    _set(book, "钥匙与账号清单", "K-0002", 接收数量=1)  # still off: said by the register already
    _set(book, "钥匙与账号清单", "K-0003", 移交数量=2, 接收数量=2)  # balanced
    _set(book, "钥匙与账号清单", "K-0008", 移交数量=1)  # an account: never a count to balance
    row = _append(book, "钥匙与账号清单", 位置或系统="地下车库门禁卡", 类型="门禁卡", 移交数量=20, 接收数量=18)
    book.save(path)
    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    _sheet_, _header, rows = _sheet(book, "钥匙与账号清单")
    notes = [(n.row, n.column, n.reason) for n in preview.notes if "数量不符" in n.reason]
    assert notes == [(rows["K-0001"], "接收数量", "导入后移交 4、接收 3:数量不符"),
                     (row, "接收数量", "导入后移交 20、接收 18:数量不符")]
    assert not backend.call(handover.get_item, project.id, "key", "K-0001").discrepancy  # nothing applied yet


def test_a_committees_own_list_is_compared_with_the_register(backend, project, tmp_path):
    path = tmp_path / "业委会资料清单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "业委会清单"
    sheet.append(["资料名称", "份数", "原件/复印件", "业委会意见"])
    sheet.append(["竣工总平面图", 1, "原件", "已核"])  # already on the register, exactly
    sheet.append(["小区绿化竣工图", 1, "复印件", ""])  # not on it
    book.save(path)
    audit_before = backend.call(audit.entry_count)
    report = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert (report.added, report.unchanged, report.changed, report.rejected) == (["第 3 行 小区绿化竣工图"], 1, [], [])
    assert report.ignored_columns == ["业委会意见"]  # reported, not fatal
    documents = backend.call(handover.list_items, project.id, "document")
    assert report.absent == [f"{d.public_id} {d.name}" for d in documents if d.public_id != "D-0001"]  # ours only
    assert backend.call(audit.entry_count) == audit_before


def test_an_incoming_companys_equipment_list_with_its_own_headers(backend, project, tmp_path):
    """Their list names what they counted: the preview says what is on our register and not on theirs, and what
    is on theirs and not on ours, before anything is applied; their unknown columns are reported, not fatal."""
    facilities = backend.call(handover.list_items, project.id, "facility")
    path = tmp_path / "新物业设备清单.csv"
    lines = ["序号,设备名称,安装位置,台数,供应商"]
    lines += [f"{n},{f.name},{f.location},{f.quantity},某某机电" for n, f in enumerate(facilities[:3], start=1)]
    lines.append("4,二次供水变频泵,B1 水泵房,2,某某机电")
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    report = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert report.ignored_columns == ["序号", "供应商"]
    assert (report.added, report.changed, report.rejected) == (["第 5 行 二次供水变频泵"], [], [])
    assert report.absent == [f"{f.public_id} {f.name}" for f in facilities[3:]]


def _three_batches(backend, project):
    """A signed batch with a 未移交 item and an amendment, a signed batch with a note only, an unsigned batch."""
    first = backend.call(handover.create_batch, project.id, "第一批", ["D-0001", "K-0001"], created_on=TODAY)
    backend.call(handover.set_outcome, project.id, first.public_id, "K-0001", "not_handed", "2026-12-20", "缺一把")
    backend.call(handover.sign_batch, project.id, first.public_id, TODAY, handing="甲", receiving="乙",
                 supervising="丙")
    backend.call(handover.amend_batch, project.id, first.public_id, "补交一把", item_ref="K-0001",
                 outcome="partial", promised_on="2026-12-25", made_on=TODAY)
    second = backend.call(handover.create_batch, project.id, "设备机房", ["A-0011", "A-0012"], created_on=TODAY)
    backend.call(handover.sign_batch, project.id, second.public_id, TODAY, handing="甲", receiving="乙",
                 supervising="丙")
    backend.call(handover.amend_batch, project.id, second.public_id, "钥匙另交", made_on=TODAY)
    backend.call(handover.create_batch, project.id, "第三批", ["D-0002", "D-0003", "K-0002"], created_on=TODAY)
    return first.public_id, second.public_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_printed_sheets_record_batches_the_outstanding_items_and_the_report(backend, project, tmp_path, language):
    from exit_tui.i18n import _, set_language
    from exit_tui.io.handover_print import sheet_title
    from exit_tui.io.read import read_file
    from exit_tui.io.registers import importable, read_only

    first, _second = _three_batches(backend, project)
    backend.call(handover.update_item, project.id, "key", "K-0002", handed_out=3, received=2)
    backend.call(handover.set_party, project.id, "receiving", "锦绣华庭业主委员会", "李主任")
    set_language(language)
    path = tmp_path / "package.xlsx"
    result = backend.call(export_package, project.id, path, today=TODAY)
    outstanding, report, overview = (register.sheet.title for register in read_only()
                                     if register.sheet.key in ("outstanding", "acceptance", "batches"))
    batch_sheets = [sheet_title(f"B-000{n}") for n in (1, 2, 3)]
    counts = dict(result.sheets)
    assert [counts[title] for title in (outstanding, overview, *batch_sheets)] == [1, 3, 3, 3, 3]

    book = openpyxl.load_workbook(path)
    index = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0] in counts}
    assert index == counts  # the index lists every sheet, the batches' own included, with its row count
    assert book.sheetnames.index(overview) + 1 == book.sheetnames.index(batch_sheets[0])

    sheet = book[batch_sheets[0]]
    rows = list(sheet.iter_rows(values_only=True))
    assert first in rows[0][0] and "第一批" in rows[0][0]
    assert "2026-11-28" in rows[1][0]  # made and signed on
    assert [row[1] for row in rows[3:5]] == ["D-0001", "K-0001"]
    assert [row[4] for row in rows[3:5]] == [handover.label("outcome", c) for c in ("handed", "not_handed")]
    assert rows[4][5].date() == date(2026, 12, 20) and rows[4][6] == "缺一把"  # as signed, not as amended
    assert rows[6][0] == _("export.amendments_title")
    amendment = rows[8]
    made_by = backend.call(handover.get_batch, project.id, first).amendments[0].made_by
    assert (amendment[0], amendment[1], amendment[3].date(), amendment[4]) == (1, "K-0001", TODAY, made_by)
    assert handover.label("outcome", "partial") in amendment[5] and "2026-12-25" in amendment[5]
    assert "补交一把" in amendment[5]
    signature = [row for row in rows[10:] if any(row)]
    assert signature[0][0] == _("export.signature_title")
    assert signature[1][0] == _("export.signature_handover")  # a party not given yet: the line to fill in
    assert signature[2][0] == f"{_('export.signature_receiver')} 锦绣华庭业主委员会 李主任"
    assert _("export.signature_signed_name", name="乙") in signature[2]
    assert _("export.signature_signed_date", day="2026-11-28") in signature[2]
    assert sheet.print_title_rows == "$1:$3" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True

    unsigned = [row for row in book[batch_sheets[2]].iter_rows(values_only=True) if any(row)]
    assert _("export.batch_unsigned") in unsigned[1][0]
    assert _("export.signature_name") in unsigned[-2] and _("export.signature_date") in unsigned[-2]
    assert _("export.amendments_title") not in [row[0] for row in unsigned]

    owed = next(book[outstanding].iter_rows(min_row=2, max_row=2, values_only=True))
    assert (owed[1], owed[4].date(), owed[5]) == ("K-0001", date(2026, 12, 25), "补交一把")  # as amended
    lines = {row[0]: row for row in book[overview].iter_rows(min_row=2, values_only=True) if row[0]}
    assert lines[first][2:8] == (2, 1, 1, 0, 0, 1)  # items, handed, partly (as amended), not, disputed, amendments
    assert lines["B-0003"][8] == _("handover.unsigned")
    keys = book[KEYS.title]  # a count that does not balance is shown in red
    check = next(cell for cell in keys[1] if cell.value == KEYS.column("discrepancy").header).column
    flagged = [row[check - 1] for row in keys.iter_rows(min_row=2)
               if row[check - 1].value and str(row[0].value).startswith("K-")]  # not the signature block
    assert [(c.value, c.font.color.rgb, c.font.b) for c in flagged] == [(_("handover.discrepancy"), "FFC00000", True)]
    report_rows = {row[1]: row[2] for row in book[report].iter_rows(min_row=2, values_only=True) if row[1]}
    assert report_rows[_("handover.report.key_discrepancies")] == 1
    assert report_rows[_("handover.report.not_handed")] == 1

    exported = [register for register in importable().values() if register.exported]
    read = read_file(path, [register.sheet for register in importable().values()])
    assert {sheet.name for sheet in read.sheets} == {register.sheet.title for register in exported}
    imported = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert (imported.added, imported.changed, imported.rejected, imported.ignored_columns) == ([], [], [], [])
    assert imported.unchanged == sum(counts[register.sheet.title] for register in exported)
