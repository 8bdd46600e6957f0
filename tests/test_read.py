"""io/read.py and io/guards.py: messy sheets read exactly, hostile files refused with one line.

Every fixture is built here with openpyxl, csv and zipfile (nothing binary is committed). Where openpyxl cannot
write what Excel writes (a cached formula value, a built-in Chinese date format), the saved XML is patched.
"""

import csv
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from exit_tui.domain.enums import TaskStatus
from exit_tui.i18n import set_language
from exit_tui.i18n.labels import status_label
from exit_tui.io.guards import FileRefused
from exit_tui.io.read import ReadResult, ReadSheet, read_file
from exit_tui.io.spec import TASKS, Column, Kind, SheetSpec
from exit_tui.services.readmodels import ImportRow, Rejection

#: An ad-hoc sheet with a MONEY column (no money sheet is declared yet).
LEDGER = SheetSpec(
    key="ledger",
    zh="费用明细",
    en="Charges",
    id_prefix="F",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID),
        Column("unit", "房号", "Unit", required=True, aliases=("房间号", "room")),
        Column("amount", "金额", "Amount", Kind.MONEY, required=True, aliases=("应收金额", "amountdue")),
        Column("months", "月数", "Months", Kind.INT),
        Column("period", "日期", "Date", Kind.DATE, required=True, aliases=("账期",)),
        Column("status", "状态", "Status", Kind.CHOICE, required=True,
               choices=tuple(s.value for s in TaskStatus), label=status_label),
        Column("note", "备注", "Note"),
    ),
)
SPECS = (TASKS, LEDGER)
CHOICES = "待办 / 进行中 / 受阻 / 已完成"


def patch_zip(path: Path, edits: dict) -> None:
    """Rewrite members of a saved workbook: {member name: function(text) -> text}."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for name, edit in edits.items():
        parts[name] = edit(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def share_strings(path: Path) -> None:
    """Move every sheet's inline strings (what openpyxl writes) into a shared strings table (what Excel writes)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info).decode("utf-8") for info in archive.infolist()}
    strings: list[str] = []

    def share(match: re.Match) -> str:
        strings.append(match[3])
        return f'<c r="{match[1]}"{match[2]} t="s"><v>{len(strings) - 1}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = re.sub(r'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"><is><t[^>]*>([^<]*)</t></is></c>', share,
                             parts[name])
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts["xl/sharedStrings.xml"] = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace("</Relationships>", (
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def cache(cell: str, value: str, kind: str = ""):
    """Give the formula in `cell` the cached value Excel would have stored (openpyxl writes `<v />`)."""
    def edit(xml: str) -> str:
        pattern = rf'<c r="{cell}"([^>]*)>(<f>[^<]*</f>)<v ?/>'
        attributes = f' t="{kind}"' if kind else ""
        xml, count = re.subn(pattern, rf'<c r="{cell}"\1{attributes}>\2<v>{value}</v>', xml)
        assert count == 1, cell
        return xml
    return edit


def chain(*edits):
    def edit(xml: str) -> str:
        for one in edits:
            xml = one(xml)
        return xml
    return edit


def builtin_chinese_date_format(xml: str) -> str:
    """Turn openpyxl's custom `yyyy"年"m"月"d"日"` (numFmtId 164) into Excel's built-in id 31, which openpyxl
    does not know: such cells come back as plain numbers (PITFALLS.md)."""
    xml, count = re.subn(r"<numFmts[^>]*>.*?</numFmts>", "", xml)
    assert count == 1
    return xml.replace('numFmtId="164"', 'numFmtId="31"')


TASK_HEADER = ["状 态", "Ｄｕｅ Ｄａｔｅ", "任务内容", "业主意见", "阶段", " ID ", "Owner", "备注", "阶段名称"]
TASK_ROWS = {  # Excel row -> cells in TASK_HEADER order
    4: ["进行中", "2026-03-01", "张贴退出公告", "同意", "３", " t-0001 ", "客服部", None, "公告"],
    5: [None, None, None, "无意见"],  # only an ignored column: a blank row
    6: ["Done", "2026/3/1", "移交钥匙", None, 2.0, "ｔ－０００２", None, "  已交 "],
    7: ["todo", "2026.3.1", "盘点资产", None, "3"],
    8: ["受阻", "2026年3月1日", "结清费用", None, 3],
    9: ["To do", 46082, "通知员工", None, 4],  # a serial number, General format
    10: ["待办", 46083, "移交档案", None, 4],  # a serial number, built-in Chinese date format (patched)
    11: ["doing", datetime(2026, 3, 3, 14, 30), "公示账目", None, 5],
    # 12: nothing at all
    13: ["待办", "2026-02-30", "坏日期", None, 5],
    14: ["待办", "2026-03-05", "坏阶段", None, "三"],
    15: ["完成了", "2026-03-05", "坏状态", None, 5],
    16: ["待办", "2026-03-05", "   ", None, 5],
    17: ["待办", "=DATE(2026,3,6)", "公式无值", None, 5],
    18: ["待办", "=DATE(2026,3,4)", "公式有值", None, 5],  # cached 46085 (patched)
    19: ["待办", "#DIV/0!", "错误值", None, 5],
    20: ["x", "2026-03-07", "两处错误", None, 3.5],
}

LEDGER_HEADER = ["编号", "房号", "应收 金额", "Months", "账期", "Status", "备注"]
LEDGER_ROWS = {
    2: ["F-001", "1-101", 1234.5, 3, "2026-03-01", "todo"],
    3: [None, "1-102", 99.0, "3", "2026-03-01", "待办"],
    4: [None, "1-103", "¥1,234.50", "３", "2026-03-01", "待办"],
    5: [None, "1-104", "1234.5元", 3.0, "2026-03-01", "待办"],
    6: [None, "1-105", "１２３４.５０", None, "2026-03-01", "待办"],
    7: [None, "1-106", "(12.00)", None, "2026-03-01", "待办"],
    8: [None, "1-107", 3, None, "2026-03-01", "待办"],
    9: [None, "1-108", "=0.1+0.2", None, "2026-03-01", "待办", '=""'],  # cached 0.30000000000000004; ""
    10: [None, "1-109", "=SUM(1234,0.56)", None, "2026-03-01", "待办"],  # cached as Excel writes 17 digits
    11: [None, "1-110", "12.345", None, "2026-03-01", "待办"],
    12: [None, "1-111", "abc", None, "2026-03-01", "待办"],
    13: [None, "1-112", 0.125, None, "2026-03-01", "待办"],
    14: [None, "1-113", 100, "3.5", "2026-03-01", "待办"],
    15: [None, "1-114", 100, None, "2026-03", "待办"],
    16: [None, "1-115", "-¥5.00", None, "2026-03-01", "Blocked"],
}


def write_messy_workbook(path: Path) -> Path:
    wb = Workbook()
    index = wb.active
    index.title = "目录"
    index.append(["物业退出移交资料"])
    index.append([])
    index.append(["工作表", "行数"])
    index.append(["任务回执", 16])

    tasks = wb.create_sheet("任务回执")
    tasks["A1"] = "XX花园小区 物业退出任务清单"
    tasks.merge_cells("A1:I1")
    tasks["A2"] = "业委会回执 2026年3月"
    tasks.merge_cells("A2:I2")
    for column, header in enumerate(TASK_HEADER, 1):
        tasks.cell(3, column, header)
    for row, values in TASK_ROWS.items():
        for column, value in enumerate(values, 1):
            if value is not None:
                tasks.cell(row, column, value)
    tasks["B10"].number_format = 'yyyy"年"m"月"d"日"'
    tasks["G20"] = "   "  # spaces only: empty

    ledger = wb.create_sheet("费用明细")
    ledger.append(LEDGER_HEADER)
    for row, values in LEDGER_ROWS.items():
        for column, value in enumerate(values, 1):
            if value is not None:
                ledger.cell(row, column, value)

    lists = wb.create_sheet("_lists")  # headers a task sheet would match, but hidden: not the user's data
    lists.append(["阶段", "任务", "截止日期", "状态"])
    lists.append([1, "x", "2026-03-01", "待办"])
    lists.sheet_state = "hidden"
    wb.save(path)

    share_strings(path)
    patch_zip(path, {
        "xl/styles.xml": builtin_chinese_date_format,
        "xl/worksheets/sheet2.xml": cache("B18", "46085"),
        "xl/worksheets/sheet3.xml": chain(cache("C9", "0.30000000000000004"), cache("C10", "1234.5599999999999"),
                                          cache("G9", "", kind="str")),
    })
    return path


def task(row, status, due, title, phase, public_id=None, owner=None, note=None):
    return ImportRow("任务回执", row, {"status": status, "due_date": due, "title": title, "phase_no": phase,
                                       "public_id": public_id, "owner": owner, "note": note})


def charge(row, unit, amount, months=None, public_id=None, status="todo", note=None):
    return ImportRow("费用明细", row, {"public_id": public_id, "unit": unit, "amount": amount, "months": months,
                                       "period": date(2026, 3, 1), "status": status, "note": note})


MARCH_1 = date(2026, 3, 1)

EXPECTED = ReadResult([
    ReadSheet(
        name="任务回执",
        spec=TASKS,
        header_row=3,
        rows=[
            task(4, "doing", MARCH_1, "张贴退出公告", 3, "T-0001", "客服部"),
            task(6, "done", MARCH_1, "移交钥匙", 2, "T-0002", note="已交"),
            task(7, "todo", MARCH_1, "盘点资产", 3),
            task(8, "blocked", MARCH_1, "结清费用", 3),
            task(9, "todo", MARCH_1, "通知员工", 4),
            task(10, "todo", date(2026, 3, 2), "移交档案", 4),
            task(11, "doing", date(2026, 3, 3), "公示账目", 5),
            task(18, "todo", date(2026, 3, 4), "公式有值", 5),
        ],
        rejected=[
            Rejection("任务回执", 13, "Ｄｕｅ Ｄａｔｅ", "不是日期:2026-02-30"),
            Rejection("任务回执", 14, "阶段", "不是整数:三"),
            Rejection("任务回执", 15, "状 态", f"「完成了」不是可选值(可选:{CHOICES})"),
            Rejection("任务回执", 16, "任务内容", "必填,不能为空"),
            Rejection("任务回执", 17, "Ｄｕｅ Ｄａｔｅ", "公式没有计算结果(请在 Excel 或 WPS 中打开并保存后再导入)"),
            Rejection("任务回执", 19, "Ｄｕｅ Ｄａｔｅ", "单元格显示错误 #DIV/0!"),
            Rejection("任务回执", 20, "状 态", f"「x」不是可选值(可选:{CHOICES})"),
            Rejection("任务回执", 20, "阶段", "不是整数:3.5"),
        ],
        ignored_columns=["业主意见"],
    ),
    ReadSheet(
        name="费用明细",
        spec=LEDGER,
        header_row=1,
        rows=[
            charge(2, "1-101", 123450, 3, "F-001"),
            charge(3, "1-102", 9900, 3),
            charge(4, "1-103", 123450, 3),
            charge(5, "1-104", 123450, 3),
            charge(6, "1-105", 123450),
            charge(7, "1-106", -1200),
            charge(8, "1-107", 300),
            charge(9, "1-108", 30),
            charge(10, "1-109", 123456),
            charge(16, "1-115", -500, status="blocked"),
        ],
        rejected=[
            Rejection("费用明细", 11, "应收 金额", "不是精确到分的金额:12.345"),
            Rejection("费用明细", 12, "应收 金额", "不是精确到分的金额:abc"),
            Rejection("费用明细", 13, "应收 金额", "不是精确到分的金额:0.125"),
            Rejection("费用明细", 14, "Months", "不是整数:3.5"),
            Rejection("费用明细", 15, "账期", "不是日期:2026-03"),
        ],
        ignored_columns=[],
    ),
])


def test_the_messy_workbook_reads_exactly(tmp_path):
    path = write_messy_workbook(tmp_path / "回执.xlsx")
    # the fixture reproduces the pitfalls: a built-in Chinese date format reads as a plain number,
    # and openpyxl sees no cached value for the unpatched formula
    assert load_workbook(path)["任务回执"]["B10"].value == 46083
    assert load_workbook(path, data_only=True)["任务回执"]["B17"].value is None
    assert load_workbook(path, data_only=True)["任务回执"]["B18"].value == 46085

    result = read_file(path, SPECS)

    assert [sheet.name for sheet in result.sheets] == ["任务回执", "费用明细"]
    for got, expected in zip(result.sheets, EXPECTED.sheets, strict=True):
        assert got.rows == expected.rows
        assert got.rejected == expected.rejected
        assert got.ignored_columns == expected.ignored_columns
    assert result == EXPECTED


def test_default_specs_are_the_declared_sheets(tmp_path):
    path = write_messy_workbook(tmp_path / "回执.xlsm")
    result = read_file(path)
    assert result.sheets[0] == EXPECTED.sheets[0]
    # 房号 is all a 业主名册 needs; a ledger line needs its category too, which this sheet lacks
    assert [sheet.spec.key for sheet in result.sheets] == ["tasks", "units"]


def test_choices_are_read_in_either_language_whatever_the_current_one(tmp_path):
    set_language("en")
    path = write_messy_workbook(tmp_path / "回执.xlsx")
    sheet = read_file(path, SPECS).sheets[0]
    assert sheet.rows == EXPECTED.sheets[0].rows
    assert sheet.rejected[0] == Rejection("任务回执", 13, "Ｄｕｅ Ｄａｔｅ", "not a date: 2026-02-30")
    assert sheet.rejected[2].reason == "'完成了' is not one of: To do / Doing / Blocked / Done"


def test_choice_code_and_names():
    status = TASKS.column("status")
    assert status.choice_code(" Ｄｏｎｅ ") == "done"
    assert status.choice_code("进行中") == status.choice_code("doing") == "doing"
    assert status.choice_code("To do") == "todo"
    assert status.choice_code("完成") is None
    assert TASKS.column("title").choice_names() == {}


def test_a_sheet_without_a_required_column_is_reported_at_its_header(tmp_path):
    wb = Workbook()
    wb.active.title = "任务清单"
    wb.active.append(["说明:请勿修改表头"])
    wb.active.append(["阶段", "任务", "状态", "负责人", "进度说明"])
    wb.active.append([1, "x", "待办", "a", "b"])
    wb.save(tmp_path / "t.xlsx")
    assert read_file(tmp_path / "t.xlsx") == ReadResult([ReadSheet(
        "任务清单", TASKS, 2, [], [Rejection("任务清单", 2, "", "缺少必填列:截止日期")], ["进度说明"])])


def test_one_known_header_is_enough_only_on_a_sheet_named_after_the_spec(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["状态", "内容"])  # one column name: a note sheet, not a header
    wb.create_sheet("Tasks").append(["Status", "Remarks?"])
    wb.save(tmp_path / "t.xlsx")
    result = read_file(tmp_path / "t.xlsx")
    assert [(s.name, s.header_row, s.rejected[0].reason) for s in result.sheets] == [
        ("Tasks", 1, "缺少必填列:阶段 / 任务 / 截止日期")]
    assert result.sheets[0].ignored_columns == ["Remarks?"]


def test_a_workbook_with_no_declared_sheet_reads_as_nothing(tmp_path):
    wb = Workbook()
    wb.active.append(["车位号", "车牌", "车主"])
    wb.save(tmp_path / "parking.xlsx")
    assert read_file(tmp_path / "parking.xlsx") == ReadResult([])


def test_dates_of_a_1904_workbook_are_counted_from_1904(tmp_path):
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active.append(["阶段", "任务", "截止日期", "状态"])
    wb.active.append([1, "x", 44620, "待办"])  # 44620 days after 1904-01-01
    wb.save(tmp_path / "mac.xlsx")
    [sheet] = read_file(tmp_path / "mac.xlsx").sheets
    assert sheet.rows[0].values["due_date"] == date(2026, 3, 1)


def test_columns_absent_from_the_file_have_no_key(tmp_path):
    wb = Workbook()
    wb.active.append(["Phase", "Task", "Due", "Status", "Phase name", "Done on"])
    wb.active.append([1, "=不是公式", "20260301", "done", "x", "2026-01-01"])
    wb.active["B2"].data_type = "s"
    wb.save(tmp_path / "t.xlsx")
    [sheet] = read_file(tmp_path / "t.xlsx").sheets
    assert sheet.rows == [ImportRow("Sheet", 2, {"phase_no": 1, "title": "=不是公式",
                                                 "due_date": date(2026, 3, 1), "status": "done"})]
    assert sheet.ignored_columns == []  # "Phase name" and "Done on" are known, written for reading only


def test_reading_stops_at_the_signature_block_of_an_exported_sheet(tmp_path):
    wb = Workbook(write_only=True)  # how the exporter writes (no dimension element, inline strings)
    ws = wb.create_sheet("任务清单")
    ws.append(["阶段", "任务", "截止日期", "状态"])
    ws.append([1, "x", date(2026, 3, 1), "待办"])
    ws.append([])
    ws.append(["签字确认"])
    ws.append(["移交方(签章)", None, "签字", None, "日期"])
    ws.append(["Signatures"])
    wb.save(tmp_path / "package.xlsx")
    [sheet] = read_file(tmp_path / "package.xlsx").sheets
    assert sheet.rows == [ImportRow("任务清单", 2, {"phase_no": 1, "title": "x", "due_date": MARCH_1,
                                                    "status": "todo"})]
    assert sheet.rejected == []


def test_a_row_that_only_starts_with_the_signature_title_is_data(tmp_path):
    wb = Workbook()
    wb.active.append(["Phase", "Task", "Due", "Status"])
    wb.active.append(["Signatures", "x", "2026-03-01", "todo"])
    wb.save(tmp_path / "t.xlsx")
    [sheet] = read_file(tmp_path / "t.xlsx").sheets
    assert sheet.rejected == [Rejection("Sheet", 2, "Phase", "不是整数:Signatures")]


def test_csv_serials_count_from_excels_day_zero():
    from openpyxl.utils.datetime import WINDOWS_EPOCH

    from exit_tui.io import read

    assert read.WINDOWS_EPOCH == WINDOWS_EPOCH


# --- CSV ---------------------------------------------------------------------------------------------------

CSV_ROWS = [
    ["XX花园小区任务清单", "", "", "", ""],
    ["编号", "阶段", "任务", "截止日期", "状态"],
    ["T-0001", "1", "张贴公告, 通知业主", "2026/3/1", "进行中"],
    ["", "", "", "", ""],
    ["", "２", "移交钥匙", "46082", "已完成"],
    ["", "3", "坏日期", "3月1日", "待办"],
]
CSV_EXPECTED = [
    ImportRow("回执", 3, {"public_id": "T-0001", "phase_no": 1, "title": "张贴公告, 通知业主",
                          "due_date": MARCH_1, "status": "doing"}),
    ImportRow("回执", 5, {"public_id": None, "phase_no": 2, "title": "移交钥匙", "due_date": MARCH_1,
                          "status": "done"}),
]


@pytest.mark.parametrize(("encoding", "delimiter"),
                         [("gbk", ","), ("gb18030", "\t"), ("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t")])
def test_csv_in_every_encoding_and_delimiter(tmp_path, encoding, delimiter):
    path = tmp_path / "回执.csv"
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(CSV_ROWS)
    result = read_file(path)
    assert result == ReadResult([ReadSheet("回执", TASKS, 2, CSV_EXPECTED,
                                           [Rejection("回执", 6, "截止日期", "不是日期:3月1日")], [])])


# --- hostile and broken files -----------------------------------------------------------------------------


def refusal(path: Path) -> str:
    with pytest.raises(FileRefused) as caught:
        read_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.path == path
    return message


def small_workbook(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "任务清单"
    wb.active.append(["阶段", "任务", "截止日期", "状态"])
    wb.active.append([1, "x", "2026-03-01", "待办"])
    wb.active.append([2, "y", "2026-03-02", "待办"])
    wb.save(path)
    return path


def test_the_small_workbook_itself_reads(tmp_path):
    expected = [ImportRow("任务清单", 2, {"phase_no": 1, "title": "x", "due_date": MARCH_1, "status": "todo"}),
                ImportRow("任务清单", 3, {"phase_no": 2, "title": "y", "due_date": date(2026, 3, 2),
                                          "status": "todo"})]
    path = small_workbook(tmp_path / "ok.xlsx")
    assert read_file(path).sheets[0].rows == expected  # inline strings, as openpyxl writes them
    share_strings(path)
    assert read_file(path).sheets[0].rows == expected  # shared strings, as Excel writes them


def _laughs(level: int) -> str:
    previous = f"&lol{level - 1};" if level > 1 else "&lol;"
    return f'<!ENTITY lol{level} "{previous * 10}">'


BILLION_LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(_laughs(i) for i in range(1, 10)) + "]>"


def with_doctype(padding: int):
    """Insert the billion laughs after the XML declaration (behind `padding` bytes of comment) and use it."""
    def edit(xml: str) -> str:
        declaration, _sep, rest = xml.partition("?>")
        comment = f"<!--{'x' * padding}-->" if padding else ""
        xml = declaration + "?>" + comment + BILLION_LAUGHS + rest
        return xml.replace(">x<", ">&lol9;<", 1)
    return edit


@pytest.mark.parametrize(
    ("part", "padding"),
    [("xl/worksheets/sheet1.xml", 0),  # seen by the guard, before any parser
     ("xl/worksheets/sheet1.xml", 10_000),  # deep in the sheet: seen on the way to the C parser
     ("xl/sharedStrings.xml", 10_000),
     ("xl/workbook.xml", 10_000)],  # parsed by openpyxl: defusedxml refuses it
    ids=["sheet", "sheet-deep", "strings-deep", "workbook-deep"],
)
def test_entity_expansion_is_refused(tmp_path, part, padding):
    path = small_workbook(tmp_path / "lol.xlsx")
    share_strings(path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part).decode()
    if "xml version" not in xml[:100]:
        def edit(text, inner=with_doctype(padding)):
            return inner('<?xml version="1.0" encoding="UTF-8"?>' + text)
    else:
        edit = with_doctype(padding)
    patch_zip(path, {part: edit})
    assert refusal(path) == "无法导入「lol.xlsx」:文件含有 XML 实体声明(实体扩展攻击),已拒绝"


def test_an_encoding_that_could_hide_a_doctype_is_refused(tmp_path):
    path = small_workbook(tmp_path / "ebcdic.xlsx")
    patch_zip(path, {"xl/worksheets/sheet1.xml": lambda xml: '<?xml version="1.0" encoding="cp500"?>' + xml})
    assert refusal(path) == "无法导入「ebcdic.xlsx」:工作簿已损坏,无法读取"


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(50 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size // info.compress_size
    assert refusal(path) == f"无法导入「bomb.xlsx」:部件 xl/worksheets/sheet1.xml 的压缩比高达 {ratio} 倍(疑似压缩炸弹)"


def test_a_zip_bomb_is_refused_by_its_total_size(tmp_path, monkeypatch):
    monkeypatch.setattr("exit_tui.io.guards.MAX_UNPACKED_BYTES", 200 * 1024 * 1024)  # 1 GB: too slow to build
    path = tmp_path / "many.xlsx"
    part = bytes(1024 * 1024 - 1)  # each part under the size where ratios count, 201 of them over 200 MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(201):
            archive.writestr(f"xl/media/{i}.bin", part)
    assert refusal(path) == "无法导入「many.xlsx」:解压后有 201 MB,超过上限 200 MB(疑似压缩炸弹)"


def test_too_many_parts_are_refused(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"p{i}", b"")
    assert refusal(path) == "无法导入「parts.xlsx」:工作簿包含 10001 个部件,超过上限 10000 个"


def test_a_dimension_beyond_excel_is_refused(tmp_path):
    path = small_workbook(tmp_path / "huge.xlsx")
    patch_zip(path, {"xl/worksheets/sheet1.xml": lambda xml: re.sub(r'<dimension ref="[^"]+"',
                                                                       '<dimension ref="A1:D2000000"', xml)})
    assert refusal(path) == "无法导入「huge.xlsx」:工作表「任务清单」有 2,000,000 行,超过上限 200,000 行"


def test_a_malformed_dimension_is_ignored(tmp_path):
    path = small_workbook(tmp_path / "dim.xlsx")
    patch_zip(path, {"xl/worksheets/sheet1.xml": lambda xml: re.sub(r'<dimension ref="[^"]+"',
                                                                       '<dimension ref="A1:"', xml)})
    assert len(read_file(path).sheets[0].rows) == 2


def test_a_row_beyond_excel_is_refused(tmp_path):
    path = small_workbook(tmp_path / "far.xlsx")
    patch_zip(path, {"xl/worksheets/sheet1.xml": lambda xml: xml.replace('<row r="3"', '<row r="1048577"')
                     .replace('r="A3"', 'r="A1048577"')})
    assert refusal(path) == "无法导入「far.xlsx」:工作表「任务清单」有 1,048,577 行,超过上限 200,000 行"


def test_one_row_limit_for_csv_and_xlsx_alike(tmp_path, monkeypatch):
    """One limit of rows: a CSV one row longer and an xlsx declaring one row more are refused with the same
    reason, naming the limit (a million-row xlsx is refused for its rows, not as a zip bomb)."""
    from exit_tui.io.guards import MAX_ROWS

    assert MAX_ROWS == 200_000
    xlsx = small_workbook(tmp_path / "long.xlsx")
    patch_zip(xlsx, {"xl/worksheets/sheet1.xml": lambda xml: xml.replace('<row r="3"', '<row r="200001"')
                     .replace('r="A3"', 'r="A200001"')})
    assert refusal(xlsx) == "无法导入「long.xlsx」:工作表「任务清单」有 200,001 行,超过上限 200,000 行"
    monkeypatch.setattr("exit_tui.io.read.MAX_ROWS", 1_000)  # the same check for a CSV, on a shorter file
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("阶段,任务,截止日期,状态\n" + "1,x,2026-03-01,待办\n" * 1_000, encoding="utf-8")
    assert refusal(csv_path) == "无法导入「long.csv」:工作表「long」有 1,001 行,超过上限 1,000 行"


def test_a_cell_longer_than_excel_allows_names_the_limit(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("阶段,任务,截止日期,状态\n1," + "长" * 40_000 + ",2026-03-01,待办\n", encoding="utf-8")
    assert refusal(path) == "无法导入「wide.csv」:第 2 行附近有一个单元格超过 32,767 个字符(Excel 的单元格上限)"


def test_a_long_csv_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("exit_tui.io.read.MAX_ROWS", 3)
    path = tmp_path / "long.csv"
    path.write_text("阶段,任务,截止日期,状态\n" + "1,x,2026-03-01,待办\n" * 3, encoding="utf-8")
    assert refusal(path) == "无法导入「long.csv」:工作表「long」有 4 行,超过上限 3 行"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.xlsx", b"", "文件是空的(0 字节)"),
        ("empty.csv", b"", "文件是空的(0 字节)"),
        ("old.xls", OLE, "这是旧版 Excel 文件(.xls),请在 Excel 或 WPS 中另存为 .xlsx 后再导入"),
        ("web.xls", b"<html><table></table></html>",
         "这是旧版 Excel 文件(.xls),请在 Excel 或 WPS 中另存为 .xlsx 后再导入"),
        ("locked.xlsx", OLE, "文件设有打开密码,或是改了扩展名的旧版 .xls:请去掉密码或另存为 .xlsx 后再导入"),
        ("renamed.csv", OLE, "文件设有打开密码,或是改了扩展名的旧版 .xls:请去掉密码或另存为 .xlsx 后再导入"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100), "内容不是 Excel 工作簿(可能是其他文件改了扩展名)"),
        ("notes.xlsx", "只是一段文字".encode(), "内容不是 Excel 工作簿(可能是其他文件改了扩展名)"),
        ("sheet.ods", b"PK\x03\x04", "不支持 .ods 格式,请另存为 .xlsx 或 .csv 后再导入"),
        ("sheet.et", b"x", "不支持 .et 格式,请另存为 .xlsx 或 .csv 后再导入"),
        ("noext", b"x", "文件没有扩展名,无法判断格式;请使用 .xlsx 或 .csv"),
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "内容不是文本,不是有效的 CSV 文件"),
        ("book.csv", b"PK\x03\x04" + bytes(30), "内容不是文本,不是有效的 CSV 文件"),
        ("odd.csv", b"\xff\xfa\xfb,1\n", "无法识别 CSV 的文字编码(支持 UTF-8 和 GBK/GB18030)"),
        ("quote.csv", b'a,"' + b"x" * 200_000 + b'\n', "第 1 行附近有一个单元格超过 32,767 个字符(Excel 的单元格上限)"),
        ("broken.xlsx", b"PK\x03\x04" + bytes(100), "工作簿已损坏,无法读取"),
    ],
)
def test_refused_files(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert refusal(path) == f"无法导入「{name}」:{reason}"


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.jpg", b"x")
    assert refusal(path) == "无法导入「photos.xlsx」:内容不是 Excel 工作簿(可能是其他文件改了扩展名)"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_workbook_is_refused(tmp_path, cut):
    path = small_workbook(tmp_path / "cut.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    assert refusal(path) == "无法导入「cut.xlsx」:工作簿已损坏,无法读取"


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                                  "xl/styles.xml", "[Content_Types].xml"])
def test_broken_xml_is_refused(tmp_path, part):
    path = small_workbook(tmp_path / "bad.xlsx")
    share_strings(path)
    patch_zip(path, {part: lambda xml: xml[: len(xml) // 2]})
    assert refusal(path) == "无法导入「bad.xlsx」:工作簿已损坏,无法读取"


def test_missing_and_unreadable_files(tmp_path):
    assert refusal(tmp_path / "gone.xlsx") == "无法导入「gone.xlsx」:文件不存在"
    (tmp_path / "folder.xlsx").mkdir()
    assert refusal(tmp_path / "folder.xlsx") == "无法导入「folder.xlsx」:文件打不开(是否被其他程序占用?)"


def test_refusals_speak_english_too(tmp_path):
    set_language("en")
    path = tmp_path / "old.xls"
    path.write_bytes(OLE)
    assert refusal(path) == ("Cannot import 'old.xls': it is an old Excel file (.xls); "
                             "open it in Excel or WPS and save it as .xlsx")


def test_file_refused_is_a_user_error():
    from exit_tui.errors import ExitTuiError

    assert issubclass(FileRefused, ExitTuiError)


# --- where the cells are, and what calamine cannot say ------------------------------------------------------


def test_a_sheet_starting_away_from_a1_keeps_excel_row_and_column_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    for column, header in enumerate(["阶段", "任务", "截止日期", "状态"], start=3):
        ws.cell(5, column, header)
    for column, value in enumerate([1, "x", "2026-03-01", "待办"], start=3):
        ws.cell(7, column, value)
    ws["E8"] = "=DATE(2026,3,1)"  # a row holding only a formula without a value, below calamine's last value
    wb.save(tmp_path / "t.xlsx")
    [sheet] = read_file(tmp_path / "t.xlsx").sheets
    assert sheet.header_row == 5
    assert sheet.rows == [ImportRow("Sheet", 7, {"phase_no": 1, "title": "x", "due_date": MARCH_1,
                                                 "status": "todo"})]
    assert sheet.rejected[0] == Rejection("Sheet", 8, "截止日期", "公式没有计算结果(请在 Excel 或 WPS 中打开并保存后再导入)")
    assert [(r.row, r.column, r.reason) for r in sheet.rejected[1:]] == [
        (8, header, "必填,不能为空") for header in ("阶段", "任务")]  # a new row's blank status means to do


def test_a_formula_cached_as_an_error_reads_as_that_error(tmp_path):
    wb = Workbook()
    wb.active.append(["阶段", "任务", "截止日期", "状态"])
    wb.active.append([1, "=1/0", "2026-03-01", "待办"])
    wb.save(tmp_path / "t.xlsx")
    patch_zip(tmp_path / "t.xlsx", {"xl/worksheets/sheet1.xml": cache("B2", "#DIV/0!", kind="e")})
    [sheet] = read_file(tmp_path / "t.xlsx").sheets
    assert sheet.rejected == [Rejection("Sheet", 2, "任务", "单元格显示错误 #DIV/0!")]


# --- the first rows of a package's index, for its origin -----------------------------------------------------


def test_first_rows_read_the_first_visible_sheet_only_and_only_as_far_as_asked(tmp_path):
    from exit_tui.io.xlsx_read import first_rows

    wb = Workbook()
    wb.active.title = "hidden"
    wb.active.sheet_state = "hidden"
    index = wb.create_sheet("目录")
    index.append(["物业退出移交资料包"])
    index.append(["项目编号", "P-0002", None, None, "far right"])
    for n in range(100):
        index.append([f"行 {n}", n])
    wb.create_sheet("任务清单").append(["阶段", "任务"])
    wb.active = 1
    path = tmp_path / "package.xlsx"
    wb.save(path)
    share_strings(path)

    def cut_after_row(row: int):
        """Break the XML after `row`: a reader that went further would fail."""
        return lambda xml: xml[: xml.index(f'<row r="{row + 1}"')]

    def cut_strings(xml: str) -> str:  # the strings of the first rows come first in the table
        return xml[: xml.index("<si>", xml.index("P-0002"))] + "<si><t>broken"

    patch_zip(path, {"xl/worksheets/sheet2.xml": cut_after_row(3), "xl/worksheets/sheet3.xml": lambda xml: xml[:50],
                     "xl/sharedStrings.xml": cut_strings})
    assert first_rows(path, 2, 3) == [["物业退出移交资料包", None, None], ["项目编号", "P-0002", None]]


def test_the_origin_of_an_exported_package(backend, demo, tmp_path):
    from exit_tui.io.export import export_package
    from exit_tui.io.imports import exported_from
    from tests.helpers import TODAY

    path = tmp_path / "p.xlsx"
    backend.call(export_package, demo.id, path, today=TODAY)
    assert exported_from(path) == demo.public_id
    assert exported_from(small_workbook(tmp_path / "other.xlsx")) is None
