"""Handover dates on the timeline and in the calendar (services/handover.dated_items): the promised date of every
item owed, as the 未移交清单 lists it, and the deadline of every open inspection item; drawn in the Gantt as a
group of their own, described on the status line, exported as all-day events; one cheap query on a project
without any."""

from datetime import date, timedelta

import icalendar
from sqlalchemy import event

from exit_tui.i18n import set_language
from exit_tui.io.calendar import calendar_events, export_calendar
from exit_tui.services import handover
from exit_tui.services.calendar import calendar_data
from exit_tui.services.readmodels import HandoverDate
from exit_tui.services.timeline import load_timeline
from exit_tui.ui.screens.timeline import describe
from exit_tui.ui.widgets.gantt import Scale, build_rows, row_label, row_marks
from tests.helpers import TODAY


def _owe_and_inspect(backend, project_id) -> str:
    """A signed batch owing K-0001 and A-0002 (amended to a later date; A-0001 amended to handed over), an
    unsigned one owing K-0001 too, inspection items open, closed and without a deadline. Returns the signed
    batch's id."""
    signed = backend.call(handover.create_batch, project_id, "第一批 [钥匙]", ["K-0001", "A-0001", "A-0002"],
                          created_on=TODAY)
    backend.call(handover.set_outcome, project_id, signed.public_id, "K-0001", "not_handed", "2026-12-20", "少两把")
    backend.call(handover.set_outcome, project_id, signed.public_id, "A-0002", "partial", "2026-12-22", "缺说明书")
    backend.call(handover.sign_batch, project_id, signed.public_id, TODAY, handing="甲", receiving="乙",
                 supervising="丙")
    backend.call(handover.amend_batch, project_id, signed.public_id, "厂家延期", item_ref="A-0002",
                 outcome="partial", promised_on="2027-01-05", made_on=TODAY)
    backend.call(handover.amend_batch, project_id, signed.public_id, "已补交", item_ref="A-0001",
                 outcome="handed", made_on=TODAY)
    unsigned = backend.call(handover.create_batch, project_id, "第二批", ["K-0001", "A-0003"], created_on=TODAY)
    backend.call(handover.set_outcome, project_id, unsigned.public_id, "K-0001", "not_handed", "2026-12-01", "另批")
    backend.call(handover.add_item, project_id, "inspection", description="消防栓无水", deadline="2026-11-20",
                 responsible="移交方")
    backend.call(handover.add_item, project_id, "inspection", description="无期限的问题")
    closed = backend.call(handover.add_item, project_id, "inspection", description="门禁失灵", deadline="2026-12-02")
    for state in ("assigned", "recheck", "closable", "closed"):
        backend.call(handover.move_inspection, project_id, closed.public_id, state)
    return signed.public_id


def test_a_project_without_batches_or_inspections_has_none_in_two_queries(backend, project):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = backend.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert backend.call(handover.dated_items, project.id) == ()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    assert backend.call(load_timeline, project.id, TODAY).handover_dates == ()


def test_promised_dates_are_the_outstanding_list_and_open_deadlines(backend, project):
    signed = _owe_and_inspect(backend, project.id)
    dated = backend.call(handover.dated_items, project.id)
    promised = [(d.batch, d.public_id, d.day, d.status, d.note) for d in dated if d.kind == "promised"]
    owed = backend.call(handover.outstanding, project.id)
    assert sorted(promised, key=lambda p: (p[2], p[0])) == [
        (o.batch, o.item_ref, o.promised_on, o.outcome, o.reason) for o in owed]
    assert (signed, "A-0002", date(2027, 1, 5), "partial", "厂家延期") in promised  # as amended
    assert not any(p[1] == "A-0001" for p in promised)  # handed over by amendment
    inspections = [(d.public_id, d.text_zh, d.day, d.status, d.note) for d in dated if d.kind == "inspection"]
    assert inspections == [("I-0001", "消防栓无水", date(2026, 11, 20), "open", "移交方")]
    assert [d.day for d in dated] == sorted(d.day for d in dated)
    key = next(d for d in dated if d.public_id == "K-0001" and d.batch == signed)
    assert (key.key, key.text_zh) == (f"{signed}/K-0001", "各楼栋单元门钥匙")
    assert key.text_en not in ("", key.text_zh)  # a seeded key keeps both names
    assert backend.call(load_timeline, project.id, TODAY).handover_dates == dated


def test_the_timeline_follows_a_new_inspection_deadline(backend, project):
    assert backend.call(load_timeline, project.id, TODAY).handover_dates == ()
    backend.call(handover.add_item, project.id, "inspection", description="屋面渗漏", deadline="2026-12-09")
    (dated,) = backend.call(load_timeline, project.id, TODAY).handover_dates
    assert (dated.kind, dated.public_id, dated.day) == ("inspection", "I-0001", date(2026, 12, 9))


def test_the_gantt_shows_them_as_a_group_of_their_own(backend, project):
    _owe_and_inspect(backend, project.id)
    timeline = backend.call(load_timeline, project.id, TODAY)
    rows = build_rows(timeline)
    groups = [r.key for r in rows if r.kind == "group"]
    assert groups == ["deadlines", "handover", "risks", "parties"]  # the seeded risks and notices follow
    dated = [r for r in rows if r.kind == "dated" and r.group == "handover"]
    assert len(dated) == len(timeline.handover_dates)
    header = next(r for r in rows if r.key == "handover")
    assert row_label(header, False)[0][0] == "▼ 移交事项" and header.total == len(dated)
    scale = Scale("week", date(2026, 11, 2))
    overdue = next(r for r in dated if r.dated.public_id == "I-0001")
    marks = row_marks(overdue, scale, TODAY)
    assert [(m.col, m.text, m.style) for m in marks] == [
        (scale.mid(date(2026, 11, 20)), "◇", "gantt--overdue"), (scale.mid(date(2026, 11, 20)) + 2, "I-0001",
                                                               "gantt--overdue")]
    promised = next(r for r in dated if r.dated.public_id == "A-0002")
    assert row_marks(promised, scale, TODAY)[0].style == "gantt--at-risk"
    assert row_label(overdue, False) == [("I-0001 ", "gantt--dim"), ("消防栓无水", "gantt--label")]
    assert describe(overdue, timeline) == "I-0001 消防栓无水 | 整改期限 2026-11-20 | 待分派 | 已逾期 | 移交方"
    assert describe(header, timeline) == f"移交事项 {len(dated)} 项"
    assert "承诺 2027-01-05 移交(B-0001) | 部分移交 | 厂家延期" in describe(promised, timeline)
    set_language("en")
    assert describe(header, timeline) == f"{len(dated)} handover items"
    assert timeline.last_day >= date(2027, 1, 5)  # the latest promised date is inside the chart


def test_a_project_without_them_draws_as_before(backend, project):
    timeline = backend.call(load_timeline, project.id, TODAY)
    assert not any(r.key == "handover" or r.group == "handover" for r in build_rows(timeline))


def test_calendar_events_with_stable_uids_and_rising_sequences(backend, project, tmp_path):
    signed = _owe_and_inspect(backend, project.id)
    data = backend.call(calendar_data, project.id, TODAY)
    events = {e.uid.split(".")[0]: e for e in calendar_events(data)}
    pid = project.public_id
    key = events[f"{pid}-HO-{signed}-A-0002"]
    assert (key.day, key.alarm_days_before) == (date(2027, 1, 5), 1)
    assert key.summary.startswith("承诺移交:") and key.summary.endswith("[A-0002]")
    for text in (f"移交批次:{signed}", "移交结果:部分移交", "原因:厂家延期", "截止:2027-01-05"):
        assert text in key.description
    inspection = events[f"{pid}-HO-I-0001"]
    assert inspection.summary == "查验整改期限:消防栓无水 [I-0001]"
    assert "责任方:移交方" in inspection.description and "已逾期" in inspection.description
    assert f"{pid}-HO-I-0003" not in events  # closed
    before = key.sequence
    backend.call(handover.amend_batch, project.id, signed, "再延期", item_ref="A-0002", outcome="partial",
                 promised_on="2027-01-12", made_on=TODAY)
    again = {e.uid.split(".")[0]: e for e in calendar_events(backend.call(calendar_data, project.id, TODAY))}
    assert again[f"{pid}-HO-{signed}-A-0002"].sequence > before
    assert again[f"{pid}-HO-{signed}-A-0002"].day == date(2027, 1, 12)
    assert again[f"{pid}-HO-I-0001"].sequence == inspection.sequence  # not changed, same sequence
    path = backend.call(export_calendar, project.id, tmp_path / "cal", today=TODAY).path
    parsed = icalendar.Calendar.from_ical(path.read_bytes())
    assert sum("-HO-" in str(e["UID"]) for e in parsed.walk("VEVENT")) == len(
        backend.call(handover.dated_items, project.id))


def test_handover_date_key_is_unique_per_batch():
    one = HandoverDate("promised", "K-0001", "钥匙", "Keys", TODAY + timedelta(days=3), batch="B-0001")
    assert one.key == "B-0001/K-0001"
    assert HandoverDate("inspection", "I-0001", "x", "x", TODAY).key == "I-0001"
