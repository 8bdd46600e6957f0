"""io/ export: the handover package written to real files and read back with openpyxl."""

import os
import tempfile
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from exit_tui.db.models import Task
from exit_tui.domain.enums import TaskStatus
from exit_tui.errors import ExitTuiError
from exit_tui.i18n import _, set_language
from exit_tui.io import atomic, xlsx_write
from exit_tui.io.export import ExportResult, default_export_path, export_package, safe_file_name
from exit_tui.io.registers import REGISTERS
from exit_tui.io.spec import TASKS, Column, Kind, SheetSpec
from exit_tui.io.xlsx_write import (
    DATE_FORMAT,
    MONEY_FORMAT,
    ExportError,
    Package,
    column_width,
    display_width,
    signature_markers,
    text_lines,
    write_package,
)
from exit_tui.services import checklist
from tests.helpers import TODAY

HANDOVER = tuple(register.sheet for register in REGISTERS[1:] if register.exported)  # after the tasks: tests/test_handover_import.py

GENERATED = datetime(2026, 11, 28, 9, 30)
INJECTIONS = ["=1+1", "+86 138 0013 8000", "-3", "@SUM(A1)"]


def _package(*sheets, title="测试项目", key_dates=(("移交日", date(2027, 1, 10)),)) -> Package:
    return Package(title=title, exit_type="合同到期退出", key_dates=list(key_dates), generated_at=GENERATED,
                   sheets=list(sheets))


def _export_demo(backend, demo, path, **kwargs) -> ExportResult:
    return backend.call(export_package, demo.id, path, today=TODAY, generated_at=GENERATED, **kwargs)


def _tasks(backend, project_id) -> list[Task]:
    return backend.call(lambda s: s.exec(select(Task).where(Task.project_id == project_id)).all())


def _data_rows(ws, count: int):
    return list(ws.iter_rows(min_row=2, max_row=count + 1))


def _column(ws, spec: SheetSpec, key: str) -> int:
    """1-based column number of `key`, found by its header in row 1."""
    headers = [c.value for c in ws[1]]
    return headers.index(spec.column(key).header) + 1


# -- the demo package --------------------------------------------------------------------------------------


def _batch_sheets(backend, project) -> list[tuple[str, int]]:
    """(title, rows) of the sheets printing the project's handover batches."""
    from exit_tui.io.handover_print import sheet_title
    from exit_tui.services import handover

    return [(sheet_title(b.public_id), len(b.items) + len(b.amendments))
            for b in backend.call(handover.list_batches, project.id)]


@pytest.fixture
def demo_file(backend, demo, tmp_path):
    path = tmp_path / "package.xlsx"
    result = _export_demo(backend, demo, path)
    return path, result


def test_demo_exports_every_task_with_its_public_id(backend, demo, demo_file):
    path, result = demo_file
    tasks = _tasks(backend, demo.id)
    counts = dict(result.sheets)  # the handover registers' rows: tests/test_handover_import.py
    handover = [(spec.zh, counts[spec.zh]) for spec in HANDOVER]
    batches = _batch_sheets(backend, demo)  # each batch on its own sheet: tests/test_handover_import.py
    assert result == ExportResult(path, [("任务清单", len(tasks)), *handover, *batches, ("时间线", len(tasks))])
    wb = openpyxl.load_workbook(path)
    # the timeline: tests/test_export_timeline.py
    assert wb.sheetnames == ["目录", "任务清单", *(spec.zh for spec in HANDOVER), *dict(batches), "时间线"]
    ws = wb["任务清单"]
    assert [c.value for c in ws[1]] == [c.zh for c in TASKS.columns]
    rows = _data_rows(ws, len(tasks))
    ids = [row[0].value for row in rows]
    assert sorted(ids) == sorted(t.public_id for t in tasks)
    assert all(i and i.startswith("T-") for i in ids)
    assert ws.cell(len(tasks) + 2, 1).value is None  # the blank row before the signature block

    # By phase, then due date; the phase name and status in Chinese, owners as role names.
    by_id = {t.public_id: t for t in tasks}
    keys = [(row[1].value, row[5].value) for row in rows]
    assert keys == sorted(keys)
    first = by_id[ids[0]]
    assert rows[0][3].value == first.title_zh
    assert rows[0][2].value == "制定退出计划"
    assert {row[6].value for row in rows} <= {_(f"status.{s.value}") for s in TaskStatus}
    assert "退出协调人" in {row[4].value for row in rows}


def test_index_lists_the_sheets_with_links_and_row_counts(backend, demo, demo_file):
    path, _result = demo_file
    wb = openpyxl.load_workbook(path)
    index = wb["目录"]
    values = [[c.value for c in row] for row in index.iter_rows()]
    assert values[0][0] == "物业退出移交资料包"
    facts = {row[0]: row[1] for row in values if row[0]}
    assert facts["项目"] == demo.name
    assert facts["退出类型"] == "合同到期退出"
    assert facts["移交日(T)"] == datetime.combine(demo.dates.handover, datetime.min.time())
    assert facts["合同到期日"].date() == demo.dates.contract_end
    assert facts["生成时间"] == GENERATED
    assert facts["数据截至"].date() == TODAY
    links = [c for row in index.iter_rows() for c in row if c.hyperlink]
    assert [(c.value, c.hyperlink.location) for c in links][0] == ("任务清单", "'任务清单'!A1")
    assert index.cell(links[0].row, 2).value == len(_tasks(backend, demo.id))
    assert index.oddHeader.left.text == demo.name


def test_schedule_sheet_prints_on_a4_with_repeated_header(demo_file, demo):
    path, result = demo_file
    count = result.sheets[0][1]
    ws = openpyxl.load_workbook(path)["任务清单"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:L{count + 1}"  # the last column (L) is the rows' version, hidden
    assert ws.column_dimensions["L"].hidden and ws.cell(1, 12).value == "版本"
    assert all(isinstance(ws.cell(r, 12).value, int) for r in range(2, count + 2))
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "landscape"  # ten columns are wide
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1 is the default: omitted
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_options.gridLines is True
    assert ws.oddHeader.left.text == demo.name
    assert ws.oddHeader.right.text == "任务清单"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.oddFooter.left.text == "2026-11-28 09:30"


def test_dates_are_real_dates_in_iso_format(demo_file, backend, demo):
    path, result = demo_file
    ws = openpyxl.load_workbook(path)["任务清单"]
    due = {t.public_id: t.due_date for t in _tasks(backend, demo.id)}
    for row in _data_rows(ws, result.sheets[0][1]):
        cell = row[5]
        assert isinstance(cell.value, datetime)
        assert cell.number_format == DATE_FORMAT
        assert cell.value.date() == due[row[0].value]
    done = [row for row in _data_rows(ws, result.sheets[0][1]) if row[9].value is not None]
    # The demo's done tasks were done on their due day.
    assert done and all(r[9].number_format == DATE_FORMAT and r[9].value.date() == due[r[0].value] for r in done)


def test_status_column_has_a_dropdown_of_localized_labels(demo_file):
    path, result = demo_file
    ws = openpyxl.load_workbook(path)["任务清单"]
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"待办,进行中,受阻,已完成"'
    assert str(validation.sqref) == f"G2:G{result.sheets[0][1] + 1}"
    assert validation.showErrorMessage is True


def test_signature_block_ends_the_sheet(demo_file):
    path, result = demo_file
    ws = openpyxl.load_workbook(path)["任务清单"]
    start = result.sheets[0][1] + 3
    assert ws.cell(start, 1).value == "签字确认" and "签字确认" in signature_markers()
    parties = [ws.cell(start + n, 1).value for n in (1, 2, 3)]
    labels = [_("export.signature_handover"), _("export.signature_receiver"), _("export.signature_supervisor")]
    assert all(party.startswith(label) for party, label in zip(parties, labels))  # then the party, when known
    assert all(p.startswith(word) for p, word in zip(parties, ("移交方", "接收方", "监交方")))
    texts = [c.value for c in ws[start + 1] if c.value]
    assert texts == [parties[0], _("export.signature_name"), _("export.signature_date")]
    assert ws.max_row == start + 3
    assert ws.row_dimensions[start + 1].height >= xlsx_write.SIGNATURE_ROW_HEIGHT  # more for a long party name
    assert f"A{start}:K{start}" in {str(r) for r in ws.merged_cells.ranges}


def test_english_package(backend, demo, tmp_path):
    set_language("en")
    path = tmp_path / "en.xlsx"
    _export_demo(backend, demo, path)
    wb = openpyxl.load_workbook(path)
    batches = [title for title, _rows in _batch_sheets(backend, demo)]
    assert wb.sheetnames == ["Index", "Tasks", *(spec.en for spec in HANDOVER), *batches, "Timeline"]
    ws = wb["Tasks"]
    assert ws.cell(1, 1).value == "ID"
    labels = ",".join(_(f"status.{s.value}") for s in TaskStatus)
    assert labels.startswith("To do,")
    assert ws.data_validations.dataValidation[0].formula1 == f'"{labels}"'
    assert ws.cell(2, 3).value == "Exit plan"
    assert "Signatures" in signature_markers()


def test_no_formula_anywhere_in_the_demo_xml(backend, demo, tmp_path):
    for title in INJECTIONS:
        backend.call(checklist.add_task, demo.id, phase_no=1, title=title, due="2026-12-01", today=TODAY,
                     note=title)
    path = tmp_path / "p.xlsx"
    _export_demo(backend, demo, path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    ws = openpyxl.load_workbook(path)["任务清单"]
    titles = {row[3].value: row[3] for row in ws.iter_rows(min_row=2) if row[3].value in INJECTIONS}
    assert set(titles) == set(INJECTIONS)
    for cell in titles.values():
        assert cell.data_type == "s" and cell.quotePrefix is True


# -- the writer on its own ---------------------------------------------------------------------------------


NOTE = SheetSpec("notes", "备注表", "Notes", "N", (
    Column("public_id", "编号", "ID", Kind.ID, width=8),
    Column("text", "内容", "Text", width=20),
))


def test_user_text_is_never_a_formula(tmp_path):
    texts = [*INJECTIONS, "\tTab", "plain", "=HYPERLINK(\"http://x\")", "\rCR"]
    path = tmp_path / "t.xlsx"
    write_package(path, _package((NOTE, [{"public_id": f"N-{i}", "text": t} for i, t in enumerate(texts)])))
    ws = openpyxl.load_workbook(path)["备注表"]
    cells = [row[1] for row in _data_rows(ws, len(texts))]
    # A carriage return is a line break in a cell (XML would turn it into one anyway).
    assert [c.value for c in cells] == [*texts[:-1], "\nCR"]
    assert all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [True] * 5 + [False, True, False]


def test_money_is_exact_with_two_decimals(tmp_path):
    spec = SheetSpec("ledger", "台账", "Ledger", "A", (
        Column("public_id", "编号", "ID", Kind.ID),
        Column("amount", "金额", "Amount", Kind.MONEY),
    ))
    amounts = [0, 1, 10, 99, 100, 12345, -5, -123456, 100_000_000_01, 999_999_999_999_99, 123_456_789_012_345]
    path = tmp_path / "m.xlsx"
    write_package(path, _package((spec, [{"public_id": f"A-{n}", "amount": fen} for n, fen in enumerate(amounts)])))
    ws = openpyxl.load_workbook(path)["台账"]
    cells = [row[1] for row in _data_rows(ws, len(amounts))]
    assert [Decimal(str(c.value)) for c in cells] == [Decimal(fen) / 100 for fen in amounts]
    assert all(c.number_format == MONEY_FORMAT and c.data_type == "n" for c in cells)


def _choice_spec(choices, label) -> SheetSpec:
    return SheetSpec("picks", "选择", "Picks", "C", (
        Column("public_id", "编号", "ID", Kind.ID),
        Column("kind", "类别", "Kind", Kind.CHOICE, choices=tuple(choices), label=label),
    ))


def test_long_choice_list_goes_to_a_hidden_sheet(tmp_path):
    codes = [f"c{n:02d}" for n in range(40)]
    spec = _choice_spec(codes, lambda code: f"很长的类别名称{code}")
    path = tmp_path / "c.xlsx"
    write_package(path, _package((spec, [{"public_id": "C-1", "kind": "c07"}, {"public_id": "C-2", "kind": "c39"}])))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["目录", "选择", "下拉选项"]
    lists = wb["下拉选项"]
    assert lists.sheet_state == "hidden"
    assert [row[0].value for row in lists.iter_rows()] == [f"很长的类别名称{c}" for c in codes]
    ws = wb["选择"]
    [validation] = ws.data_validations.dataValidation
    assert validation.formula1 == "'下拉选项'!$A$1:$A$40"
    assert str(validation.sqref) == "B2:B3"
    assert [ws["B2"].value, ws["B3"].value] == ["很长的类别名称c07", "很长的类别名称c39"]
    # The index lists the schedules only, not the hidden list.
    assert [c.value for row in wb["目录"].iter_rows() for c in row if c.hyperlink] == ["选择"]


def test_labels_with_commas_also_go_to_the_hidden_sheet(tmp_path):
    spec = _choice_spec(["a", "b"], {"a": "甲,乙", "b": "丙"}.get)
    path = tmp_path / "c.xlsx"
    write_package(path, _package((spec, [{"public_id": "C-1", "kind": "a"}])))
    wb = openpyxl.load_workbook(path)
    assert wb["选择"].data_validations.dataValidation[0].formula1 == "'下拉选项'!$A$1:$A$2"


def test_short_choice_list_stays_inline(tmp_path):
    spec = _choice_spec(["a", "b"], {"a": "甲", "b": "乙"}.get)
    path = tmp_path / "c.xlsx"
    write_package(path, _package((spec, [{"public_id": "C-1", "kind": "b"}])))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["目录", "选择"]
    assert wb["选择"].data_validations.dataValidation[0].formula1 == '"甲,乙"'


def test_cjk_counts_double_in_widths(tmp_path):
    assert display_width("任务") == 4
    assert display_width("Task") == 4
    assert display_width("ＡＢ") == 4  # full-width letters
    assert display_width("T-0001 阶段") == 11
    assert display_width(None) == 0
    wide = Column("x", "非常长的中文列标题名称", "A very long English header", width=6)
    assert column_width(wide) == display_width("非常长的中文列标题名称") + xlsx_write.FILTER_BUTTON == 25
    assert column_width(Column("y", "号", "No", width=9)) == 9
    spec = SheetSpec("w", "宽度", "Widths", "W", (Column("public_id", "编号", "ID", Kind.ID, width=4), wide))
    path = tmp_path / "w.xlsx"
    write_package(path, _package((spec, [{"public_id": "W-1", "x": "值"}])))
    ws = openpyxl.load_workbook(path)["宽度"]
    assert ws.column_dimensions["A"].width == display_width("编号") + xlsx_write.FILTER_BUTTON
    assert ws.column_dimensions["B"].width == 25
    assert ws.page_setup.orientation == "portrait"  # narrow


def test_wrapped_text_makes_its_row_taller(tmp_path):
    assert text_lines("短", 20) == 1
    assert text_lines("中" * 30, 21) == 3
    assert text_lines("one\ntwo", 20) == 2
    path = tmp_path / "h.xlsx"
    write_package(path, _package((NOTE, [{"public_id": "N-1", "text": "短"}, {"public_id": "N-2", "text": "中" * 30}])))
    ws = openpyxl.load_workbook(path)["备注表"]
    assert ws.row_dimensions[2].height is None
    assert text_lines("中" * 30, 20) == 4
    assert abs(ws.row_dimensions[3].height - 4 * xlsx_write.LINE_HEIGHT) < 1  # Excel keeps whole pixels
    assert ws["B3"].alignment.wrap_text and ws["A3"].alignment.vertical == "top"


def test_empty_sheet_and_awkward_text(tmp_path):
    path = tmp_path / "e.xlsx"
    write_package(path, _package((NOTE, []), (TASKS, [{"public_id": "T-0001", "title": "a\x00b\x07c", "phase_no": 1,
                                                        "status": "done", "due_date": date(2026, 1, 2)}])))
    wb = openpyxl.load_workbook(path)
    empty = wb["备注表"]
    assert empty.auto_filter.ref == "A1:C1"  # with the hidden version column
    assert empty.data_validations.dataValidation == []
    assert empty.cell(3, 1).value == "签字确认"
    tasks = wb["任务清单"]
    assert tasks["D2"].value == "abc"  # characters XML cannot hold are dropped
    assert tasks["G2"].value == "已完成"
    links = {c.value: c.hyperlink.location for row in wb["目录"].iter_rows() for c in row if c.hyperlink}
    assert links == {"备注表": "'备注表'!A1", "任务清单": "'任务清单'!A1"}
    counts = {row[0].value: row[1].value for row in wb["目录"].iter_rows() if row[0].hyperlink}
    assert counts == {"备注表": 0, "任务清单": 1}


def test_progress_every_500_rows(tmp_path):
    calls = []
    rows = [{"public_id": f"N-{i}", "text": "x"} for i in range(1200)]
    write_package(tmp_path / "p.xlsx", _package((NOTE, rows)), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]


# -- writing safely ----------------------------------------------------------------------------------------


def _folder_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


class Boom(Exception):
    pass


class ExplodingRow(dict):
    def get(self, key, default=None):
        raise Boom("the data source failed mid-way")


def _temp_folder_files() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def test_a_failed_write_leaves_the_old_file_untouched_and_no_temp(tmp_path):
    path = tmp_path / "pkg.xlsx"
    write_package(path, _package((NOTE, [{"public_id": "N-1", "text": "旧"}])))
    before = path.read_bytes()
    system_temp = _temp_folder_files()
    rows = [{"public_id": "N-1", "text": "新"}] * 600 + [ExplodingRow()]
    with pytest.raises(Boom):
        write_package(path, _package((NOTE, rows)))
    assert path.read_bytes() == before
    assert _folder_files(tmp_path) == {"pkg.xlsx"}
    assert _temp_folder_files() - system_temp == set()


def test_scratch_files_live_beside_the_target(tmp_path, monkeypatch):
    """XlsxWriter's streamed rows go to a scratch folder beside the target, never to the system temp folder."""
    import xlsxwriter

    seen = []
    real_close = xlsxwriter.Workbook.close

    def close(self):
        seen.extend(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
        real_close(self)

    monkeypatch.setattr(xlsxwriter.Workbook, "close", close)
    system_temp = _temp_folder_files()
    write_package(tmp_path / "pkg.xlsx", _package((NOTE, [{"public_id": "N-1", "text": "x"}] * 10)))
    scratch = {p.parts[0] for p in seen if len(p.parts) > 1}
    assert len(scratch) == 1 and next(iter(scratch)).startswith(".pkg.xlsx-")
    assert _temp_folder_files() - system_temp == set()
    assert _folder_files(tmp_path) == {"pkg.xlsx"}


def test_leftovers_of_a_killed_export_are_removed_by_the_next(tmp_path):
    (tmp_path / ".pkg.xlsx-abc123.tmp").write_bytes(b"")
    (tmp_path / ".pkg.xlsx-def456.parts").mkdir()
    (tmp_path / ".pkg.xlsx-def456.parts" / "tmpxyz").write_bytes(b"<row/>")
    (tmp_path / ".other.xlsx-abc123.tmp").write_bytes(b"")  # another file's: left alone
    write_package(tmp_path / "pkg.xlsx", _package((NOTE, [])))
    assert _folder_files(tmp_path) == {"pkg.xlsx", ".other.xlsx-abc123.tmp"}


def _disk_fills_after(monkeypatch, limit: int) -> None:
    """Make every file opened for binary writing fail with ENOSPC once `limit` bytes were written to it."""
    import builtins

    from exit_tui.io import xlsx_write as module

    real_open = builtins.open

    class Full:
        def __init__(self, stream):
            self.stream, self.written = stream, 0

        def write(self, data):
            if self.written + len(data) > limit:
                raise OSError(28, "No space left on device")
            self.written += len(data)
            return self.stream.write(data)

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

    def opener(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        return Full(stream) if mode == "wb" else stream

    monkeypatch.setattr(module, "open", opener, raising=False)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_disk_error_while_saving_becomes_one_line_and_nothing_else(tmp_path, monkeypatch, capfd):
    import gc

    path = tmp_path / "pkg.xlsx"
    path.write_bytes(b"old")
    _disk_fills_after(monkeypatch, 3000)
    with pytest.raises(ExportError) as caught:
        write_package(path, _package((NOTE, [{"public_id": f"N-{n}", "text": f"文字 {n}"} for n in range(2000)])))
    assert _("oserror.disk_full") in str(caught.value) and "\n" not in str(caught.value)
    del caught
    gc.collect()  # the zip writer XlsxWriter left open is collected: it must close without a word
    assert capfd.readouterr() == ("", "")
    assert path.read_bytes() == b"old"
    assert _folder_files(tmp_path) == {"pkg.xlsx"}


@pytest.mark.parametrize("lock", ["~$pkg.xlsx", ".~lock.pkg.xlsx#"])
def test_lock_file_beside_the_target_means_open_in_excel(tmp_path, lock):
    path = tmp_path / "pkg.xlsx"
    path.write_bytes(b"old")
    (tmp_path / lock).write_bytes(b"")
    with pytest.raises(ExportError) as caught:
        write_package(path, _package((NOTE, [])))
    message = str(caught.value)
    assert isinstance(caught.value, ExitTuiError)
    assert message == _("export.locked", name="pkg.xlsx") and "\n" not in message
    assert "关闭" in message and "重试" in message
    assert path.read_bytes() == b"old"
    assert _folder_files(tmp_path) == {"pkg.xlsx", lock}


def test_permission_error_on_replace_means_open_in_excel(tmp_path, monkeypatch):
    path = tmp_path / "pkg.xlsx"
    path.write_bytes(b"old")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(ExportError) as caught:
        write_package(path, _package((NOTE, [{"public_id": "N-1", "text": "x"}])))
    assert str(caught.value) == _("export.locked", name="pkg.xlsx")
    assert path.read_bytes() == b"old"
    assert _folder_files(tmp_path) == {"pkg.xlsx"}


def test_permission_error_opening_the_target_fails_before_writing(tmp_path, monkeypatch):
    path = tmp_path / "pkg.xlsx"
    path.write_bytes(b"old")
    real_open = open

    def excel_holds(file, mode="r", *args, **kwargs):
        if Path(file) == path and "+" in mode:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(xlsx_write, "open", excel_holds, raising=False)
    set_language("en")
    with pytest.raises(ExportError) as caught:
        write_package(path, _package((NOTE, [])))
    assert str(caught.value) == "pkg.xlsx is open in another program (Excel, WPS ...): close it and try again"
    assert _folder_files(tmp_path) == {"pkg.xlsx"}


def test_missing_folder(tmp_path):
    with pytest.raises(ExportError) as caught:
        write_package(tmp_path / "nope" / "p.xlsx", _package((NOTE, [])))
    assert str(caught.value) == _("export.no_folder", folder=str(tmp_path / "nope"))


def test_overwrites_an_existing_package(tmp_path):
    path = tmp_path / "pkg.xlsx"
    path.write_bytes(b"old")
    write_package(path, _package((NOTE, [{"public_id": "N-1", "text": "新"}])))
    assert openpyxl.load_workbook(path)["备注表"]["B2"].value == "新"
    assert _folder_files(tmp_path) == {"pkg.xlsx"}


# -- helpers for the UI and CLI ----------------------------------------------------------------------------


def test_default_export_path(demo, tmp_path):
    path = default_export_path(demo, tmp_path, today=TODAY)
    assert path == tmp_path / f"{demo.name}-移交资料包-2026-11-28.xlsx"
    set_language("en")
    assert default_export_path(demo, tmp_path, today=TODAY).name.endswith("-handover-package-2026-11-28.xlsx")
    assert default_export_path(demo).suffix == ".xlsx"


def test_file_names_are_safe_on_windows():
    assert safe_file_name('a/b\\c:d*e?f"g<h>i|j') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_file_name("  名字 . ") == "名字"
    assert safe_file_name("...") == "exit-tui"
    assert len(safe_file_name("长" * 300)) == 80


def test_export_rows_follow_the_task_sheet(backend, demo):
    rows = backend.call(checklist.export_rows, demo.id)
    assert set(rows[0]) == {c.key for c in TASKS.columns} - {"row_version"}  # the export adds the version
    assert [(r["phase_no"], r["due_date"]) for r in rows] == sorted((r["phase_no"], r["due_date"]) for r in rows)
    assert rows[0]["phase_name"] == "制定退出计划" and rows[0]["status"] in {s.value for s in TaskStatus}
    set_language("en")
    english = backend.call(checklist.export_rows, demo.id)
    assert english[0]["phase_name"] == "Exit plan"
    assert english[0]["owner"] == "Exit coordinator"
    assert [r["public_id"] for r in english] == [r["public_id"] for r in rows]


def test_ampersand_in_the_project_name_is_literal_in_page_headers(tmp_path):
    path = tmp_path / "a.xlsx"
    write_package(path, _package((NOTE, []), title="A&B 花园"))
    ws = openpyxl.load_workbook(path)["备注表"]
    assert ws.oddHeader.left.text == "A&&B 花园"  # `&&` prints as one `&`; a lone `&` would start a code


def test_the_package_is_an_ordinary_document_not_a_private_temp_file(backend, demo, tmp_path):
    """mkstemp creates 0600; a package meant for the committee gets the usual document permissions."""
    import stat

    from exit_tui.io.atomic import DOCUMENT_MODE
    from exit_tui.io.export import export_package

    path = tmp_path / "package.xlsx"
    backend.call(export_package, demo.id, path, today=TODAY)
    assert stat.S_IMODE(path.stat().st_mode) == DOCUMENT_MODE
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize("rows", [10, 40, 44, 47, 200])
def test_a_signature_block_is_never_split_across_pages(tmp_path, rows):
    """A page break goes before the signature block exactly when, by the rows' heights, it would not fit on the
    page it starts (A4 portrait at this width: 741 points, the header row repeated on every page)."""
    from exit_tui.io.xlsx_sheet import A4_POINTS, DEFAULT_ROW_HEIGHT, MARGIN_ENDS, Pages

    spec = SheetSpec("list", "清单", "List", "", (Column("name", "名称", "Name", width=30),))
    path = tmp_path / "pages.xlsx"
    write_package(path, _package((spec, [{"name": f"第{n}项"} for n in range(rows)])))
    ws = openpyxl.load_workbook(path)["清单"]
    breaks = [b.id for b in ws.row_breaks.brk]
    page = A4_POINTS[1] - 2 * MARGIN_ENDS * 72
    used = (1 + rows) * DEFAULT_ROW_HEIGHT  # the header and the rows, all one line
    while used > page:
        used -= page - DEFAULT_ROW_HEIGHT  # each further page starts with the header again
    block = DEFAULT_ROW_HEIGHT + 16 + 3 * 36  # a blank row, the title, three signature lines
    assert breaks == ([rows + 1] if used + block > page else [])  # before the blank row under the data
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert Pages(30).scale == 100
