"""Risk reviews and drills on the timeline and in the calendar (services/risks.dated_items through
Timeline.dated): a group of their own in the Gantt (a drill schedule on one row, as a recurring task), described on
the status line, and in the .ics a review as one event and a drill schedule as ONE recurring event whose RRULE,
parsed back and expanded with dateutil, gives exactly the drill days."""

import re
from datetime import date, datetime, time

import icalendar
from dateutil.rrule import rrulestr
from sqlalchemy import event

from exit_tui.domain.risks import drill_days
from exit_tui.i18n import set_language
from exit_tui.io.calendar import calendar_events, drill_recurrence, export_calendar
from exit_tui.services import risks
from exit_tui.services.calendar import calendar_data
from exit_tui.services.timeline import DATED_AREAS, load_timeline
from exit_tui.ui.screens.timeline import describe
from exit_tui.ui.widgets.gantt import Scale, build_rows, row_label, row_marks
from tests.helpers import PROJECT_ARGS, TODAY

CONTINUATION_END = date.fromisoformat(PROJECT_ARGS["continuation_end"])


def _plan(backend, project_id) -> None:
    """R-0001: a review past, no drills; R-0002: a review to come and a drill every two months from Dec 5;
    R-0003: a monthly drill from Jan 31 (the app keeps it on each month's last day); no other risk dated."""
    for risk in backend.call(risks.list_risks, project_id):
        backend.call(risks.update_risk, project_id, risk.public_id, drill_rule="", next_review=None)
    backend.call(risks.update_risk, project_id, "R-0001", next_review="2026-11-20", owner="刘")
    backend.call(risks.update_risk, project_id, "R-0002", next_review="2026-12-15",
                 drill_rule="FREQ=MONTHLY;INTERVAL=2", drill_start="2026-12-05", plan_lead="王")
    backend.call(risks.update_risk, project_id, "R-0003", drill_rule="FREQ=MONTHLY", drill_start="2027-01-31")


def test_the_timeline_holds_every_areas_dated_items_in_one_query_each(backend, project):
    _plan(backend, project.id)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(backend.engine, "before_cursor_execute", count)
    try:
        timeline = backend.call(load_timeline, project.id, TODAY)
    finally:
        event.remove(backend.engine, "before_cursor_execute", count)
    assert list(timeline.dated) == list(DATED_AREAS) == ["handover", "risks", "parties"]
    assert timeline.risk_dates == backend.call(risks.dated_items, project.id)
    assert sum(bool(re.search(r"\bFROM risk\b", s)) for s in statements) == 1, statements
    assert [(d.kind, d.public_id, d.day) for d in timeline.risk_dates if d.kind == "review"] == [
        ("review", "R-0001", date(2026, 11, 20)), ("review", "R-0002", date(2026, 12, 15))]
    drills = [d.day for d in timeline.risk_dates if d.public_id == "R-0002" and d.kind == "drill"]
    assert drills == drill_days("FREQ=MONTHLY;INTERVAL=2", date(2026, 12, 5), CONTINUATION_END)
    assert drills == [date(2026, 12, 5), date(2027, 2, 5), date(2027, 4, 5)]
    assert timeline.last_day >= date(2027, 4, 5)


def test_the_gantt_draws_a_review_per_row_and_a_drill_schedule_on_one_row(backend, project):
    _plan(backend, project.id)
    timeline = backend.call(load_timeline, project.id, TODAY)
    rows = build_rows(timeline)
    assert [r.key for r in rows if r.kind == "group"] == ["deadlines", "risks", "parties"]  # no handover dates
    risk_rows = [r for r in rows if r.group == "risks"]
    header, *items = risk_rows
    assert [r.key for r in items] == ["risks:R-0001/review", "risks:R-0002/drill", "risks:R-0002/review",
                                      "risks:R-0003/drill"]
    assert header.total == 4 and row_label(header, False)[0][0] == "▼ 风险复核与演练"
    review, drill = items[0], items[1]
    scale = Scale("week", date(2026, 11, 2))
    assert [(m.col, m.text, m.style) for m in row_marks(review, scale, TODAY)] == [
        (scale.mid(date(2026, 11, 20)), "◇", "gantt--overdue"),
        (scale.mid(date(2026, 11, 20)) + 2, "R-0001", "gantt--overdue")]
    marks = row_marks(drill, scale, TODAY)
    first, last = scale.span(date(2026, 12, 5), date(2027, 4, 5))
    assert marks[0].col == first and len(marks[0].text) == last - first + 1
    assert [(m.col, m.text) for m in marks[1:]] == [(scale.mid(d), "◇") for d in drill_days(
        "FREQ=MONTHLY;INTERVAL=2", date(2026, 12, 5), CONTINUATION_END)]
    assert {m.style for m in marks[1:]} == {"gantt--open"}  # all to come
    assert row_marks(drill, scale, date(2027, 3, 1))[1].style == "gantt--recurring"  # a day past: muted
    assert row_label(review, False)[:2] == [("R-0001 ", "gantt--dim"), ("复核 ", "gantt--dim")]
    assert row_label(drill, False)[1] == ("演练 ", "gantt--dim")
    assert describe(review, timeline).endswith("| 复核日 2026-11-20 | 已逾期 | 识别 | 刘")
    assert "| 演练 3 次 2026-12-05 ~ 2027-04-05 | 下次 2026-12-05 | 识别 | 王" in describe(drill, timeline)
    assert describe(header, timeline) == "风险复核与演练 4 项"
    set_language("en")
    assert "| 3 drills 2026-12-05 to 2027-04-05 | next 2026-12-05 |" in describe(drill, timeline)
    assert describe(header, timeline) == "4 risk reviews and drill schedules"


def _expand(component) -> list[date]:
    """The days of a parsed VEVENT: its DTSTART and, with an RRULE, the rule's occurrences (dateutil)."""
    start = component.decoded("DTSTART")
    if "RRULE" not in component:
        return [start]
    rule = component["RRULE"].to_ical().decode()
    return [moment.date() for moment in rrulestr(rule, dtstart=datetime.combine(start, time()))]


def test_a_drill_schedule_is_one_recurring_event_whose_rrule_gives_the_drill_days(backend, project, tmp_path):
    _plan(backend, project.id)
    path = backend.call(export_calendar, project.id, tmp_path / "risks", today=TODAY).path
    parsed = icalendar.Calendar.from_ical(path.read_bytes())
    events = {str(e["UID"]).split(".")[0].removeprefix(f"{project.public_id}-"): e for e in parsed.walk("VEVENT")}
    risk_events = {uid: e for uid, e in events.items() if uid.startswith("RK-")}
    drill = risk_events["RK-R-0002-drill"]
    assert _expand(drill) == drill_days("FREQ=MONTHLY;INTERVAL=2", date(2026, 12, 5), CONTINUATION_END)
    assert dict(drill["RRULE"]) == {"FREQ": ["MONTHLY"], "INTERVAL": [2], "UNTIL": [date(2027, 4, 5)]}
    assert str(drill["SUMMARY"]) == f"应急演练:{_title(backend, project, 'R-0002')} [R-0002]"
    assert len(drill.walk("VALARM")) == 1  # a reminder the day before each drill
    review = risk_events["RK-R-0001-review"]
    assert _expand(review) == [date(2026, 11, 20)] and "已逾期" in str(review["DESCRIPTION"])
    assert str(review["SUMMARY"]).startswith("风险复核:")
    # A monthly rule from the 31st: dateutil alone would skip short months, the app keeps each month's last day;
    # the RRULE says so (BYMONTHDAY=28..31;BYSETPOS=-1), and a calendar expands it to the same days.
    month_end = risk_events["RK-R-0003-drill"]
    assert _expand(month_end) == drill_days("FREQ=MONTHLY", date(2027, 1, 31), CONTINUATION_END)
    assert _expand(month_end) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    assert set(risk_events) == {"RK-R-0001-review", "RK-R-0002-review", "RK-R-0002-drill", "RK-R-0003-drill"}


def _title(backend, project, public_id: str) -> str:
    return backend.call(risks.get_risk, project.id, public_id).title


def test_a_changed_risk_raises_its_events_sequence(backend, project):
    _plan(backend, project.id)
    before = {e.uid: e for e in calendar_events(backend.call(calendar_data, project.id, TODAY))}
    backend.call(risks.update_risk, project.id, "R-0002", drill_rule="FREQ=MONTHLY;INTERVAL=3")
    after = {e.uid: e for e in calendar_events(backend.call(calendar_data, project.id, TODAY))}
    uid = next(uid for uid in after if "-RK-R-0002-drill." in uid)
    assert after[uid].sequence > before[uid].sequence and after[uid].recurrence.startswith("FREQ=MONTHLY;INTERVAL=3")
    unchanged = next(uid for uid in after if "-RK-R-0001-review." in uid)
    assert after[unchanged].sequence == before[unchanged].sequence


def test_drill_recurrence_bounds_the_rule_by_its_last_day():
    days = drill_days("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=50", date(2026, 12, 3), date(2027, 1, 10), 5)
    # Dec 3, 7, 10, 14, 17: the rule's COUNT gives way to UNTIL the fifth
    assert drill_recurrence("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=50", days) == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261217"
    assert drill_recurrence("FREQ=MONTHLY", [date(2027, 1, 31), date(2027, 2, 28)]) == (
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;UNTIL=20270228")
    assert drill_recurrence("FREQ=MONTHLY", [date(2027, 1, 5), date(2027, 3, 5)]) == ""  # not what it gives
    assert drill_recurrence("", [date(2027, 1, 31)]) == "" and drill_recurrence("FREQ=DAILY", []) == ""


def test_the_timeline_sheet_lists_each_review_and_each_drill_schedule(backend, project, tmp_path):
    import openpyxl

    from exit_tui.io.export import export_package

    _plan(backend, project.id)
    path = tmp_path / "package.xlsx"
    backend.call(export_package, project.id, path, today=TODAY)
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        sheet = next(ws for ws in book.worksheets if ws.title == "时间线")
        rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in ("R-0001", "R-0002", "R-0003")]
    finally:
        book.close()
    review = next(row for row in rows if row[0] == "R-0001")
    assert review[2].startswith("风险复核:") and review[3] == "刘" and review[5].date() == date(2026, 11, 20)
    assert review[7] == "逾期" and review.count("◇") == 1
    drill = next(row for row in rows if row[0] == "R-0002" and row[2].startswith("应急演练:"))
    assert drill[2].endswith("(共 3 次)")
    assert (drill[4].date(), drill[5].date()) == (date(2026, 12, 5), date(2027, 4, 5))
    assert drill.count("◇") == 3  # a ◇ in each drill's week
    assert len(rows) == 4  # R-0001's review, R-0002's review and drills, R-0003's drills
