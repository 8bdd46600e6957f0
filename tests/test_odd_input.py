"""Odd input that used to pass silently or be refused for the wrong reason (issue 9, item 22): CSV rows wider
than their header, CSV files that only update rows by id, imported dates outside the sane years."""

from exit_tui.i18n import _
from exit_tui.io.imports import import_file
from exit_tui.services import checklist

from .helpers import TODAY


def _import(backend, project_id, path, apply=True):
    return backend.call(import_file, project_id, path, apply=apply, today=TODAY)


def test_a_csv_updating_rows_by_id_needs_only_the_id_and_the_changed_columns(backend, demo, tmp_path):
    path = tmp_path / "updates.csv"
    path.write_text("编号,任务,状态\nT-0060,签署合同终止确认书（改）,已完成\n,新任务没有阶段,待办\n", encoding="utf-8-sig")
    report = _import(backend, demo.id, path)
    assert report.applied and report.changed_rows == 1
    assert sorted((c.public_id, c.field) for c in report.changed) == [("T-0060", "任务"), ("T-0060", "状态")]
    task = backend.call(checklist.get_task, demo.id, "T-0060", TODAY)
    assert (task.title_zh, task.status) == ("签署合同终止确认书（改）", "done")
    # The row without an id is a new task: it still needs a phase and a due date (not the whole file refused).
    assert [(r.row, r.column) for r in report.rejected] == [(3, "阶段"), (3, "截止日期")]


def test_a_csv_row_with_more_fields_than_the_header_is_reported_not_imported(backend, demo, tmp_path):
    path = tmp_path / "任务清单.csv"
    path.write_text("编号,状态,备注\nT-0002,已完成,好\nT-0003,已完成,钥匙,已交,物业\n", encoding="utf-8")
    report = _import(backend, demo.id, path, apply=False)
    assert [c.public_id for c in report.changed] == ["T-0002"]
    [rejected] = report.rejected
    assert (rejected.row, rejected.reason) == (3, _("io.extra_fields", fields=5, header=3))


def test_an_imported_due_date_outside_the_sane_years_is_rejected(backend, demo, tmp_path):
    path = tmp_path / "任务清单.csv"
    path.write_text("编号,截止日期\nT-0002,1900-01-01\nT-0003,9999-12-31\nT-0004,2027-01-05\n", encoding="utf-8")
    report = _import(backend, demo.id, path, apply=False)
    assert [c.public_id for c in report.changed] == ["T-0004"]
    assert sorted(r.row for r in report.rejected) == [2, 3]
    assert all("2000" in r.reason for r in report.rejected)


def test_a_committee_csv_row_without_a_status_is_added_as_to_do(backend, demo, tmp_path):
    """Issue: a new row with a phase, a title and a due date but a blank status was rejected by the reader
    (状态 必填) before the import could apply its default."""
    path = tmp_path / "新增.csv"
    path.write_text("阶段,任务,截止日期,状态\n4,核对 [C区] 水表,2026/12/20,\n", encoding="utf-8")
    preview = _import(backend, demo.id, path, apply=False)
    assert preview.rejected == [] and len(preview.added) == 1
    assert [(n.row, n.column) for n in preview.notes] == [(2, "状态")]

