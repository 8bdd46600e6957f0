"""Import of task rows (services/imports.py): validate, diff, apply in one transaction, audited, idempotent.

Service tests build ImportRow lists by hand (as io/read.py returns them); the round trip through a real
workbook (io/export.py -> openpyxl edits -> io/imports.py) is at the end.
"""

from datetime import date, timedelta

import json

import pytest
from sqlmodel import select

from exit_tui.db.models import AuditEntry, IdCounter, Task
from exit_tui.domain.enums import TaskStatus
from exit_tui.i18n import pick, set_language
from exit_tui.i18n.labels import role_label
from exit_tui.services import audit, checklist, projects
from exit_tui.services.checklist import TaskQuery
from exit_tui.services.errors import NotFound, UserError
from exit_tui.services.imports import import_rows
from exit_tui.services.task_import import TaskImport
from exit_tui.services.readmodels import FieldChange, ImportRow, Rejection
from tests.helpers import PROJECT_ARGS, TODAY, count_rows

SHEET = "任务清单"


# --- helpers ----------------------------------------------------------------------------------------------


def _tasks(backend, project_id) -> dict:
    page = backend.call(checklist.list_tasks, project_id, TaskQuery(limit=100_000), TODAY)
    return {t.public_id: t for t in page.rows}


def _as_sheet(task, row: int, **changes) -> ImportRow:
    """A task as the exported sheet shows it (current language), with some cells changed."""
    values = {
        "public_id": task.public_id,
        "phase_no": task.phase_no,
        "title": pick(task.title_zh, task.title_en),
        "owner": role_label(task.owner),
        "due_date": task.due_date,
        "status": task.status.value,
        "legal_basis": task.legal_basis,
        "note": task.note,
    }
    values.update(changes)
    return ImportRow(SHEET, row, values)


def _sheet(backend, project_id) -> list[ImportRow]:
    """The whole project as an exported sheet would read back (header on row 1)."""
    return [_as_sheet(t, n) for n, t in enumerate(_tasks(backend, project_id).values(), start=2)]


def _new(row: int, **values) -> ImportRow:
    base = {"public_id": None, "phase_no": 4, "title": "清点地下车库门禁卡", "owner": "财务",
            "due_date": date(2026, 12, 20), "status": "todo", "legal_basis": None, "note": None}
    base.update(values)
    return ImportRow(SHEET, row, base)


def _snapshot(backend) -> dict:
    """Everything an import may touch: every task column, the audit log, the id counters."""
    def read(session):
        return {
            "tasks": [t.model_dump() for t in session.exec(select(Task).order_by(Task.id))],
            "audit": [e.model_dump() for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))],
            "counters": sorted((c.project_id, c.prefix, c.last) for c in session.exec(select(IdCounter))),
        }
    return backend.call(read)


def _audit(backend, project_id):
    return backend.call(audit.list_entries, project_id, 100_000)


@pytest.fixture
def other(backend, demo):
    """A second project whose task ids go further than the demo's (T-0001 … beyond the demo's last)."""
    project = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "另一个项目"})
    demo_last = backend.call(lambda s: s.get(IdCounter, (demo.id, "T")).last)
    for n in range(demo_last + 5 - len(_tasks(backend, project.id))):
        backend.call(checklist.add_task, project.id, phase_no=1, title=f"额外 {n}", due="2026-12-01", today=TODAY)
    return project


# --- plan: exactly what would change, nothing written ------------------------------------------------------


def test_plan_lists_added_changed_unchanged_rejected_and_writes_nothing(backend, demo):
    tasks = _tasks(backend, demo.id)
    t1 = next(t for t in tasks.values() if t.status is TaskStatus.TODO)
    t2 = next(t for t in tasks.values() if t.owner != "legal" and not t.note)
    t3 = next(t for t in tasks.values() if t not in (t1, t2))
    rows = _sheet(backend, demo.id)
    index = {r.values["public_id"]: n for n, r in enumerate(rows)}
    rows[index[t1.public_id]] = _as_sheet(t1, 2, status="已完成")
    rows[index[t2.public_id]] = _as_sheet(t2, 3, owner="Legal", note="业委会已确认")
    rows[index[t3.public_id]] = _as_sheet(t3, 4, phase_no=99)
    rows.append(_new(500))
    rows.append(_new(501, public_id="T-9999"))
    before = _snapshot(backend)

    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=False)

    assert report.applied is False
    assert report.added == ["第 500 行"]
    assert sorted(report.changed, key=str) == sorted([
        FieldChange(t1.public_id, "status", "待办", "已完成"),
        FieldChange(t2.public_id, "owner", role_label(t2.owner), "法务"),
        FieldChange(t2.public_id, "note", "", "业委会已确认"),
    ], key=str)
    assert report.changed_rows == 2
    assert report.unchanged == len(tasks) - 3
    assert report.rejected == [
        Rejection(SHEET, 4, "phase_no", "阶段须在 1 到 20 之间"),
        Rejection(SHEET, 501, "public_id", "本项目没有编号为 T-9999 的任务"),
    ]
    assert _snapshot(backend) == before


def test_status_labels_are_those_of_the_catalog():
    """The expected texts in the test above are the catalog's labels."""
    from exit_tui.i18n.labels import status_label

    assert [status_label(s) for s in ("todo", "doing", "blocked", "done")] == ["待办", "进行中", "受阻", "已完成"]


def test_unknown_project_is_refused(backend, demo):
    with pytest.raises(NotFound):
        backend.call(import_rows, TaskImport, 999, [_new(2)], TODAY, apply=False)


# --- apply ---------------------------------------------------------------------------------------------------


def test_apply_adds_and_updates_field_by_field_with_audit(backend, demo):
    tasks = _tasks(backend, demo.id)
    todo = next(t for t in tasks.values() if t.status is TaskStatus.TODO and t.due_rule)
    audit_before = len(_audit(backend, demo.id))
    last = backend.call(lambda s: s.get(IdCounter, (demo.id, "T")).last)
    rows = [
        _as_sheet(todo, 2, status="已完成", owner="Finance", due_date=date(2026, 12, 20)),
        _new(3, title="  清点   门禁卡 ", owner="Legal", status="doing", legal_basis="条例39", note=" 附清单 "),
    ]

    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)

    new_id = f"T-{last + 1:04d}"
    assert report.applied is True
    assert report.added == [new_id]
    assert [(c.field, c.new) for c in report.changed] == [("owner", "财务"), ("due_date", "2026-12-20"),
                                                          ("status", "已完成")]
    assert report.changed[1].old == f"{todo.due_date.isoformat()} ({_rule(todo.due_rule)})"
    assert report.rejected == []

    after = _tasks(backend, demo.id)
    changed = after[todo.public_id]
    assert (changed.owner, changed.due_date, changed.due_rule, changed.status, changed.done_on) == (
        "finance", date(2026, 12, 20), None, TaskStatus.DONE, TODAY)
    added = after[new_id]
    assert (added.phase_no, added.title_zh, added.title_en, added.owner, added.due_date, added.due_rule,
            added.status, added.legal_basis, added.note, added.done_on) == (
        4, "清点   门禁卡", "清点   门禁卡", "legal", date(2026, 12, 20), None, TaskStatus.DOING, "条例39", "附清单", None)

    entries = _audit(backend, demo.id)  # newest first
    entries = entries[: len(entries) - audit_before]
    assert sorted((e.action, e.public_id, e.field, e.old, e.new) for e in entries) == sorted([
        ("update", todo.public_id, "owner", todo.owner, "finance"),
        ("update", todo.public_id, "due_date", todo.due_date.isoformat(), "2026-12-20"),
        ("update", todo.public_id, "due_anchor", todo.due_rule.split()[0], None),
        ("update", todo.public_id, "due_offset", todo.due_rule.split()[1], None),
        ("update", todo.public_id, "status", "todo", "done"),
        ("update", todo.public_id, "done_on", None, TODAY.isoformat()),
        ("create", new_id, "", None, next(e.new for e in entries if e.action == "create")),
    ])
    created = json.loads(next(e.new for e in entries if e.action == "create"))  # the whole new row
    assert (created["public_id"], created["title"], created["status"]) == (new_id, "清点   门禁卡", "doing")
    assert {e.actor for e in entries} == {audit.actor()}


def _rule(rule: str) -> str:
    from exit_tui.i18n.labels import rule_label

    return rule_label(rule)


def test_unchanged_due_date_keeps_its_rule_and_done_to_todo_clears_done_on(backend, demo):
    tasks = _tasks(backend, demo.id)
    done = next(t for t in tasks.values() if t.status is TaskStatus.DONE and t.due_rule)
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(done, 2, status="To do")], TODAY, apply=True)
    assert [(c.field, c.old, c.new) for c in report.changed] == [("status", "已完成", "待办")]
    after = _tasks(backend, demo.id)[done.public_id]
    assert (after.status, after.done_on, after.due_rule, after.due_date) == (
        TaskStatus.TODO, None, done.due_rule, done.due_date)


def test_due_as_offset_text_sets_a_rule(backend, demo):
    task = next(iter(_tasks(backend, demo.id).values()))
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2, due_date="T+10d")], TODAY, apply=True)
    after = _tasks(backend, demo.id)[task.public_id]
    assert after.due_rule == "handover +10d"
    assert after.due_date == demo.handover + timedelta(days=10)
    assert report.changed[0].new == f"{after.due_date.isoformat()} (移交日 +10天)"


def test_an_imported_title_is_one_text_kept_exactly(backend, demo):
    """A title from a sheet becomes the task's one text in both languages, trimmed at the ends only: inner
    spaces, full-width ones included, and brackets come back exactly as written."""
    task = next(iter(_tasks(backend, demo.id).values()))
    set_language("en")
    title = " ［重要］　移交　钥匙  now "
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2, title=title)], TODAY, apply=True)
    assert [(c.field, c.old, c.new) for c in report.changed] == [("title", task.title_en, title.strip())]
    after = _tasks(backend, demo.id)[task.public_id]
    assert (after.title_zh, after.title_en) == (title.strip(), title.strip())
    # The same row read back in the other language changes nothing.
    set_language("zh")
    assert backend.call(import_rows, TaskImport, demo.id, [_as_sheet(after, 2)], TODAY, apply=False).unchanged == 1


def test_missing_columns_leave_fields_alone_and_empty_optional_cells_clear_them(backend, demo):
    task = next(t for t in _tasks(backend, demo.id).values() if t.note)
    only_status = ImportRow(SHEET, 2, {"public_id": task.public_id, "status": task.status.value})
    assert backend.call(import_rows, TaskImport, demo.id, [only_status], TODAY, apply=False).unchanged == 1
    cleared = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2, note=None)], TODAY, apply=True)
    assert [(c.field, c.old, c.new) for c in cleared.changed] == [("note", task.note, "")]
    assert _tasks(backend, demo.id)[task.public_id].note == ""


# --- normalisation and idempotence -------------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["财务", "Finance", "finance", " 财务 "])
def test_owner_role_name_in_either_language_maps_to_the_key(backend, demo, owner):
    task = next(t for t in _tasks(backend, demo.id).values() if t.owner != "finance")
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2, owner=owner)], TODAY, apply=True)
    assert [(c.field, c.new) for c in report.changed] == [("owner", "财务")]
    assert _tasks(backend, demo.id)[task.public_id].owner == "finance"
    set_language("en")
    again = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2, owner=owner)], TODAY, apply=False)
    assert (again.changed, again.unchanged) == ([], 1)


def test_other_owner_text_stays_text(backend, demo):
    task = next(iter(_tasks(backend, demo.id).values()))
    backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2, owner=" 业委会 张主任 ")], TODAY, apply=True)
    assert _tasks(backend, demo.id)[task.public_id].owner == "业委会 张主任"


def test_equivalent_cells_are_unchanged(backend, demo):
    """Role name vs key, title whitespace, None vs "", lower-case or full-width id, status label or code."""
    task = next(t for t in _tasks(backend, demo.id).values() if not t.note and not t.legal_basis)
    rows = [
        _as_sheet(task, 2, public_id=f" {task.public_id.lower()} ", owner=task.owner,
                  title="  " + task.title_zh.replace("并", " 并 ").strip() + " ", note="", legal_basis="  ",
                  status={"todo": "待办", "doing": "Doing", "blocked": "受阻", "done": "DONE"}[task.status.value],
                  phase_no=float(task.phase_no)),
    ]
    rows[0].values["title"] = "  " + " ".join(pick(task.title_zh, task.title_en).split()) + "  "
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=False)
    assert (report.added, report.changed, report.unchanged, report.rejected) == ([], [], 1, [])
    wide = _as_sheet(task, 3, public_id="Ｔ－" + task.public_id[2:])
    assert backend.call(import_rows, TaskImport, demo.id, [wide], TODAY, apply=False).unchanged == 1


def test_importing_the_same_rows_twice_changes_nothing_the_second_time(backend, demo):
    tasks = list(_tasks(backend, demo.id).values())
    rows = _sheet(backend, demo.id)
    rows[0] = _as_sheet(tasks[0], 2, status="blocked", owner="Legal", due_date=date(2026, 12, 20))
    rows[5] = _as_sheet(tasks[5], 7, title="新的 标题", note="  已核对  ")
    rows += [_new(900), _new(901, title="另一项新任务", owner="物业公司张三")]

    first = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert len(first.added) == 2 and first.changed_rows == 2
    snapshot, entries = _snapshot(backend), len(_audit(backend, demo.id))

    second = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert (second.added, second.changed, second.rejected) == ([], [], [])
    assert second.unchanged == len(rows)
    assert _snapshot(backend) == snapshot
    assert len(_audit(backend, demo.id)) == entries


def test_a_row_without_id_is_added_again_when_it_differs(backend, demo):
    backend.call(import_rows, TaskImport, demo.id, [_new(2)], TODAY, apply=True)
    report = backend.call(import_rows, TaskImport, demo.id, [_new(2, note="不同")], TODAY, apply=False)
    assert report.added == ["第 2 行"]


# --- ids that are refused ----------------------------------------------------------------------------------


def test_ids_of_the_wrong_kind_unknown_or_malformed_are_rejected(backend, demo):
    rows = [_new(2, public_id="P-0001"), _new(3, public_id="A-0042"), _new(4, public_id="T-9999"),
            _new(5, public_id="第一行")]
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=False)
    assert report.rejected == [
        Rejection(SHEET, 2, "public_id", "P-0001 不是任务编号(任务编号以 T- 开头)"),
        Rejection(SHEET, 3, "public_id", "A-0042 不是任务编号(任务编号以 T- 开头)"),
        Rejection(SHEET, 4, "public_id", "本项目没有编号为 T-9999 的任务"),
        Rejection(SHEET, 5, "public_id", "第一行 不是有效的编号"),
    ]
    assert (report.added, report.changed, report.unchanged) == ([], [], 0)


def test_an_id_of_another_project_is_rejected(backend, demo, other):
    demo_last = backend.call(lambda s: s.get(IdCounter, (demo.id, "T")).last)
    foreign = f"T-{demo_last + 2:04d}"
    task = _tasks(backend, other.id)[foreign]
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 7)], TODAY, apply=True)
    reason = f"编号 {foreign} 是另一个项目(另一个项目)的任务,不属于本项目"
    assert report.rejected == [Rejection(SHEET, 7, "public_id", reason)]
    assert report.added == [] and report.changed == []
    set_language("en")
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 7)], TODAY, apply=False)
    assert report.rejected[0].reason == f"{foreign} is a task of another project (另一个项目), not of this one"


def test_a_deleted_id_is_rejected_not_revived(backend, demo):
    task = next(iter(_tasks(backend, demo.id).values()))
    backend.call(checklist.delete_task, demo.id, task.public_id)
    report = backend.call(import_rows, TaskImport, demo.id, [_as_sheet(task, 2)], TODAY, apply=True)
    assert report.rejected == [Rejection(SHEET, 2, "public_id", f"任务 {task.public_id} 已从本项目删除")]
    assert task.public_id not in _tasks(backend, demo.id)


def test_an_id_repeated_in_the_file_rejects_every_row_that_has_it(backend, demo):
    task = next(iter(_tasks(backend, demo.id).values()))
    rows = [_as_sheet(task, 2, note="甲"), _as_sheet(task, 9, public_id=task.public_id.lower(), note="乙"), _new(10)]
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    reason = f"编号 {task.public_id} 在文件中出现了多次(第 2, 9 行)"
    assert report.rejected == [Rejection(SHEET, 2, "public_id", reason), Rejection(SHEET, 9, "public_id", reason)]
    assert len(report.added) == 1 and report.changed == []
    assert _tasks(backend, demo.id)[task.public_id].note == task.note


def test_every_bad_cell_of_a_row_is_reported(backend, demo):
    rows = [
        _new(2, phase_no=0, title="   ", due_date=None, status="maybe", legal_basis="x" * 41),
        ImportRow(SHEET, 3, {"title": "只有标题"}),
    ]
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=False)
    assert report.rejected == [
        Rejection(SHEET, 2, "phase_no", "阶段须在 1 到 20 之间"),
        Rejection(SHEET, 2, "title", "此项必填,不能为空"),
        Rejection(SHEET, 2, "due_date", "此项必填,不能为空"),
        Rejection(SHEET, 2, "status", "未知的状态:maybe"),
        Rejection(SHEET, 2, "legal_basis", "法律依据最多 40 个字"),
        Rejection(SHEET, 3, "phase_no", "此项必填,不能为空"),
        Rejection(SHEET, 3, "due_date", "此项必填,不能为空"),
    ]
    assert report.added == []


def test_a_new_row_with_a_blank_status_is_to_do(backend, demo):
    """A committee's new row with a phase, a title and a due date but no status is added as to do, and the
    preview says the default was used; an existing row's status still may not be blanked."""
    task = next(iter(_tasks(backend, demo.id).values()))
    rows = [_new(2, status=None), ImportRow(SHEET, 3, {"phase_no": 4, "title": "无状态列", "due_date": TODAY}),
            _as_sheet(task, 4, status=None)]
    preview = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=False)
    assert [(d.row, d.column) for d in preview.notes] == [(2, "status"), (3, "status")]
    assert "待办" in preview.notes[0].reason
    assert preview.rejected == [Rejection(SHEET, 4, "status", "此项必填,不能为空")]
    applied = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert {_tasks(backend, demo.id)[i].status for i in applied.added} == {TaskStatus.TODO}


def test_rejected_rows_do_not_stop_the_accepted_ones(backend, demo):
    task = next(iter(_tasks(backend, demo.id).values()))
    rows = [_new(2, phase_no=21), _as_sheet(task, 3, note="已确认"), _new(4)]
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert len(report.rejected) == 1 and len(report.added) == 1 and report.changed_rows == 1


# --- all or nothing ----------------------------------------------------------------------------------------


def test_a_failure_mid_way_leaves_the_database_unchanged(backend, demo, monkeypatch):
    tasks = list(_tasks(backend, demo.id).values())
    rows = [_new(2), _new(3, title="第二项")] + [
        _as_sheet(t, n, note=f"改 {n}", owner="Legal") for n, t in enumerate(tasks[:5], start=4)
    ]
    before = _snapshot(backend)
    real = audit.update_rows

    def failing(*args, **kwargs):  # the new rows and the updates are written, then the disk fills up
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "update_rows", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert _snapshot(backend) == before

    monkeypatch.setattr(audit, "update_rows", real)
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert len(report.added) == 2 and report.changed_rows == 5


# --- bulk -------------------------------------------------------------------------------------------------


def test_many_new_rows_get_consecutive_ids_and_one_audit_entry_each(backend, demo):
    last = backend.call(lambda s: s.get(IdCounter, (demo.id, "T")).last)
    rows = [_new(n + 2, title=f"批量任务 {n}", phase_no=n % 20 + 1, status="done" if n % 3 == 0 else "todo")
            for n in range(3000)]
    audit_before = count_rows(backend, AuditEntry)
    report = backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=True)
    assert report.added == [f"T-{n:04d}" for n in range(last + 1, last + 3001)]
    assert count_rows(backend, AuditEntry) == audit_before + 3000
    tasks = _tasks(backend, demo.id)
    assert tasks[f"T-{last + 1:04d}"].done_on == TODAY and tasks[f"T-{last + 2:04d}"].done_on is None
    assert tasks[f"T-{last + 3000:04d}"].title_zh == "批量任务 2999"
    assert backend.call(import_rows, TaskImport, demo.id, rows, TODAY, apply=False).unchanged == 3000


# --- a file: io/imports.import_file ----------------------------------------------------------------------


def _workbook(path, rows, title=None):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "业委会回执"
    if title:
        sheet.append([title])
    sheet.append(["编号", "阶段", "任务内容", "责任人", "截止时间", "完成情况", "法律依据", "备注", "业委会意见"])
    for row in rows:
        sheet.append(row)
    book.create_sheet("说明").append(["本表由业委会填写"])
    book.save(path)
    return path


def test_import_file_merges_the_reader_and_the_service_reports(backend, demo, tmp_path):
    from exit_tui.io.imports import import_file

    task = next(t for t in _tasks(backend, demo.id).values() if t.status is TaskStatus.TODO and t.owner != "legal")
    path = _workbook(tmp_path / "回执.xlsx", [
        [task.public_id, task.phase_no, task.title_zh, "Legal", task.due_date, "已完成", task.legal_basis, task.note,
         "同意"],
        [None, 4, "清点门禁卡", "财务", "2026年12月20日", "待办", None, "新增", None],
        ["P-0001", 4, "错的编号", "财务", "2026-12-20", "待办", None, None, None],
        [None, 4, "日期不对", "财务", "下周", "待办", None, None, None],
    ], title="锦绣华庭 任务回执")
    before = _snapshot(backend)

    preview = backend.call(import_file, demo.id, path, apply=False, today=TODAY)
    assert _snapshot(backend) == before
    assert preview.applied is False
    assert preview.added == ["第 4 行"]
    assert preview.changed == [FieldChange(task.public_id, "负责人", role_label(task.owner), "法务"),
                               FieldChange(task.public_id, "状态", "待办", "已完成")]
    assert [(r.sheet, r.row, r.column) for r in preview.rejected] == [("业委会回执", 5, "编号"),
                                                                     ("业委会回执", 6, "截止时间")]
    assert preview.rejected[0].reason == "P-0001 不是任务编号(任务编号以 T- 开头)"
    assert preview.ignored_columns == ["业委会意见"]

    applied = backend.call(import_file, demo.id, path, apply=True, today=TODAY)
    assert applied.applied is True
    assert applied.changed == preview.changed and applied.rejected == preview.rejected
    assert _tasks(backend, demo.id)[applied.added[0]].title_zh == "清点门禁卡"
    again = backend.call(import_file, demo.id, path, apply=True, today=TODAY)
    assert (again.added, again.changed, again.unchanged) == ([], [], 2)


def test_import_file_without_a_task_sheet_says_what_it_needs(backend, demo, tmp_path):
    from openpyxl import Workbook

    from exit_tui.io.imports import import_file
    from exit_tui.services.errors import UserError

    book = Workbook()
    book.active.append(["颜色", "电话"])  # (姓名 and 电话 would pass for a staff list lacking its 入职日期)
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="阶段 / 任务 / 截止日期 / 状态"):
        backend.call(import_file, demo.id, tmp_path / "x.xlsx", apply=False, today=TODAY)


def test_import_file_refuses_hostile_files_unchanged(backend, demo, tmp_path):
    from exit_tui.io.guards import FileRefused
    from exit_tui.io.imports import import_file

    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (tmp_path / "empty.xlsx").write_bytes(b"")
    before = _snapshot(backend)
    for name in ("old.xls", "empty.xlsx"):
        with pytest.raises(FileRefused):
            backend.call(import_file, demo.id, tmp_path / name, apply=True, today=TODAY)
    assert _snapshot(backend) == before


# --- round trip: export the demo, edit in openpyxl, import --------------------------------------------------


def _handover_rows(backend, project_id) -> int:
    """Rows of the handover, accounts, risks, staff, stakeholder, notice and contract registers, which travel in
    the package beside the tasks (tests/test_handover_import.py, tests/test_accounts_import.py,
    tests/test_risks_sheets.py, tests/test_staff_sheets.py, tests/test_parties_sheets.py)."""
    from exit_tui.services import accounts, contracts, handover, parties, risks, staff

    return (sum(len(backend.call(handover.list_items, project_id, register))
                for register in ("document", "facility", "key", "inspection"))
            + sum(len(backend.call(read, project_id))
                  for read in (accounts.list_units, accounts.list_lines, accounts.list_ledgers,
                               risks.list_risks, risks.list_drills, staff.list_employees, parties.list_stakeholders))
            + sum(len(backend.call(read, project_id, TODAY))
                  for read in (parties.list_notices, contracts.list_contracts)))


def _export(backend, project, path):
    from exit_tui.io.export import export_package

    backend.call(export_package, project.id, path, today=TODAY)
    return path


def _task_sheet(path):
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["任务清单"]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value}
    rows = {sheet.cell(r, header["编号"]).value: r for r in range(2, sheet.max_row + 1)
            if str(sheet.cell(r, header["编号"]).value or "").startswith("T-")}
    return book, sheet, header, rows


def test_round_trip_through_the_handover_package(backend, demo, tmp_path):
    from exit_tui.io.imports import import_file

    path = _export(backend, demo, tmp_path / "移交资料包.xlsx")
    tasks = _tasks(backend, demo.id)
    todo = next(t for t in tasks.values() if t.status is TaskStatus.TODO)
    owned = next(t for t in tasks.values() if t.owner not in ("legal", "") and t is not todo)
    dated = next(t for t in tasks.values() if t.due_rule and t.due_date != date(2026, 12, 20)
                 and t not in (todo, owned))
    book, sheet, header, rows = _task_sheet(path)
    sheet.cell(rows[todo.public_id], header["状态"]).value = "已完成"
    sheet.cell(rows[owned.public_id], header["负责人"]).value = "法务"
    sheet.cell(rows[dated.public_id], header["截止日期"]).value = "2026年12月20日"
    blank = max(rows.values()) + 1  # the empty line between the last task and the signature block
    for name, value in {"阶段": 4, "任务": "清点地下车库门禁卡", "负责人": "Finance", "截止日期": "2026/12/20",
                        "状态": "待办"}.items():
        sheet.cell(blank, header[name]).value = value
    book.save(path)
    last = backend.call(lambda s: s.get(IdCounter, (demo.id, "T")).last)
    audit_before = len(_audit(backend, demo.id))
    expected_changes = sorted([
        FieldChange(todo.public_id, "状态", "待办", "已完成"),
        FieldChange(owned.public_id, "负责人", role_label(owned.owner), "法务"),
        FieldChange(dated.public_id, "截止日期", f"{dated.due_date.isoformat()} ({_rule(dated.due_rule)})",
                    "2026-12-20"),
    ], key=str)

    preview = backend.call(import_file, demo.id, path, apply=False, today=TODAY)
    assert (preview.added, preview.rejected, preview.ignored_columns) == ([f"第 {blank} 行"], [], [])
    assert sorted(preview.changed, key=str) == expected_changes
    assert preview.unchanged == len(tasks) - 3 + _handover_rows(backend, demo.id)
    assert len(_audit(backend, demo.id)) == audit_before

    applied = backend.call(import_file, demo.id, path, apply=True, today=TODAY)
    new_id = f"T-{last + 1:04d}"
    assert applied.applied and applied.added == [new_id] and applied.rejected == []
    assert sorted(applied.changed, key=str) == expected_changes
    after = _tasks(backend, demo.id)
    assert (after[todo.public_id].status, after[todo.public_id].done_on) == (TaskStatus.DONE, TODAY)
    assert after[owned.public_id].owner == "legal"
    assert (after[dated.public_id].due_date, after[dated.public_id].due_rule) == (date(2026, 12, 20), None)
    assert (after[new_id].phase_no, after[new_id].title_zh, after[new_id].owner, after[new_id].due_date) == (
        4, "清点地下车库门禁卡", "finance", date(2026, 12, 20))
    entries = _audit(backend, demo.id)
    entries = entries[: len(entries) - audit_before]
    assert sorted((e.public_id, e.action, e.field) for e in entries) == sorted([
        (todo.public_id, "update", "status"),
        (todo.public_id, "update", "done_on"),
        (owned.public_id, "update", "owner"),
        (dated.public_id, "update", "due_date"),
        (dated.public_id, "update", "due_anchor"),
        (dated.public_id, "update", "due_offset"),
        (new_id, "create", ""),
    ])

    snapshot = _snapshot(backend)
    again = backend.call(import_file, demo.id, path, apply=True, today=TODAY)
    assert (again.added, again.changed, again.rejected) == ([], [], [])
    assert again.unchanged == len(tasks) + 1 + _handover_rows(backend, demo.id)
    assert _snapshot(backend) == snapshot


def test_a_fresh_export_imports_as_unchanged_in_either_language(backend, demo, tmp_path):
    from exit_tui.io.imports import import_file

    for language in ("zh", "en"):
        set_language(language)
        path = _export(backend, demo, tmp_path / f"{language}.xlsx")
        report = backend.call(import_file, demo.id, path, apply=True, today=TODAY)
        assert (report.added, report.changed, report.rejected) == ([], [], [])
        assert report.unchanged == len(_tasks(backend, demo.id)) + _handover_rows(backend, demo.id)


def test_a_package_of_another_project_updates_nothing(backend, demo, tmp_path):
    from exit_tui.io.imports import import_file

    other = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "另一个项目"})
    path = _export(backend, other, tmp_path / "other.xlsx")
    book, sheet, header, rows = _task_sheet(path)
    first = min(rows.values())
    sheet.cell(first, header["备注"]).value = "改了"
    blank = max(rows.values()) + 1
    for name, value in {"阶段": 4, "任务": "新任务", "截止日期": "2026-12-20", "状态": "待办"}.items():
        sheet.cell(blank, header[name]).value = value
    book.save(path)
    before = _snapshot(backend)

    report = backend.call(import_file, demo.id, path, apply=False, today=TODAY)
    assert report.changed == [] and report.unchanged == 0
    assert report.added == [f"第 {blank} 行"]
    assert len(report.rejected) == len(rows) + _handover_rows(backend, other.id)
    first_id = sheet.cell(first, header["编号"]).value
    reason = f"编号 {first_id} 来自另一个项目({other.public_id})导出的文件,不能用于本项目"
    assert report.rejected[0] == Rejection("任务清单", first, "编号", reason)
    assert _snapshot(backend) == before




# --- a stale file: rows changed in the database after the export ------------------------------------------


def test_a_stale_file_does_not_silently_revert_newer_edits(backend, demo, tmp_path):
    """Export, mark tasks done in the app, import the old file: the marks are conflicts, not reverted, unless
    the user chooses the file's values for a row (or, on the CLI, --overwrite-newer)."""
    from exit_tui.io.imports import import_file

    path = _export(backend, demo, tmp_path / "old.xlsx")
    todo = [t for t in _tasks(backend, demo.id).values() if t.status is TaskStatus.TODO][:3]
    for task in todo:
        backend.call(checklist.toggle_done, demo.id, task.public_id, TODAY)
    book, sheet, header, rows = _task_sheet(path)
    sheet.cell(rows[todo[0].public_id], header["备注"]).value = "文件里的备注"  # the file changes one of them
    book.save(path)

    preview = backend.call(import_file, demo.id, path, apply=False, today=TODAY)
    assert sorted(c.public_id for c in preview.conflicts) == sorted(t.public_id for t in todo)
    assert preview.changed == [] and preview.conflicts[0].actor == audit.actor()
    assert "状态" in {field for c in preview.conflicts for field in c.fields}

    applied = backend.call(import_file, demo.id, path, apply=True, today=TODAY)  # conflicts left out
    assert all(_tasks(backend, demo.id)[t.public_id].status is TaskStatus.DONE for t in todo)
    assert applied.changed == []

    chosen = backend.call(import_file, demo.id, path, apply=True, today=TODAY, overwrite=[todo[0].public_id])
    after = _tasks(backend, demo.id)
    assert after[todo[0].public_id].status is TaskStatus.TODO and after[todo[0].public_id].note == "文件里的备注"
    assert after[todo[1].public_id].status is TaskStatus.DONE
    assert {c.public_id for c in chosen.changed} == {todo[0].public_id}

    with pytest.raises(UserError) as refused:
        backend.call(import_file, demo.id, path, apply=True, today=TODAY, strict=True)
    assert refused.value.key == "import.conflicts_refused"


def test_cli_refuses_a_stale_file_unless_told_to_overwrite(backend, demo, tmp_path, capsys):
    from exit_tui.cli import main

    path = _export(backend, demo, tmp_path / "old.xlsx")
    task = next(t for t in _tasks(backend, demo.id).values() if t.status is TaskStatus.TODO)
    backend.call(checklist.toggle_done, demo.id, task.public_id, TODAY)
    db = backend.engine.url.database
    backend.close()
    args = ["--lang", "zh", "--db", db, "import", demo.public_id, str(path)]
    assert main([*args, "--dry-run"]) == 0
    assert f"# 任务清单" in capsys.readouterr().out
    assert main(args) == 1
    assert "--overwrite-newer" in capsys.readouterr().err
    assert main([*args, "--overwrite-newer"]) == 0
    capsys.readouterr()
    from exit_tui.services.backend import Backend

    again = Backend.open(db)
    try:
        assert again.call(checklist.get_task, demo.id, task.public_id, TODAY).status is TaskStatus.TODO
    finally:
        again.close()
