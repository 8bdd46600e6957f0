"""What the checklist and the Tasks sheet show of a task's dates: a recurring task's next open occurrence (shown
and sorted by), and the statutory deadlines a task misses."""

from datetime import timedelta

from exit_tui.services import checklist, timeline
from exit_tui.services.readmodels import MissedDeadline, PlanChange, TaskQuery
from tests.test_timeline import _task


def _occurrences(backend, project_id, public_id):
    return [o.day for o in backend.call(timeline.list_occurrences, project_id, public_id)]


def test_a_recurring_task_shows_and_sorts_by_its_next_open_occurrence(backend, project):
    weekly = _task(backend, project.id, "team-meeting")
    days = _occurrences(backend, project.id, weekly.public_id)
    today = days[1] + timedelta(days=1)
    for day in days[:2]:  # the two past occurrences are done
        backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, day, True, day)
    # A one-off task of the same phase, due between the series' first date and its next open occurrence.
    other = backend.call(checklist.add_task, project.id, phase_no=weekly.phase_no, title="核对 [B区] 钥匙",
                         due=today.isoformat(), today=today)

    read = backend.call(checklist.get_task, project.id, weekly.public_id, today)
    assert read.shown_due == read.next_occurrence == days[2] and not read.overdue
    page = backend.call(checklist.list_tasks, project.id, TaskQuery(phase_no=weekly.phase_no), today)
    assert [t.shown_due for t in page.rows] == sorted(t.shown_due for t in page.rows)
    ids = [t.public_id for t in page.rows]
    assert ids.index(other.public_id) < ids.index(weekly.public_id)
    assert next(t for t in page.rows if t.public_id == weekly.public_id) == read

    for day in days[2:]:  # every occurrence marked: the last one is shown
        backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, day, True, day)
    assert backend.call(checklist.get_task, project.id, weekly.public_id, today).shown_due == days[-1]


def test_a_late_recurring_task_shows_its_late_occurrence(backend, project):
    weekly = _task(backend, project.id, "team-meeting")
    days = _occurrences(backend, project.id, weekly.public_id)
    backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, days[1], True, days[1])
    read = backend.call(checklist.get_task, project.id, weekly.public_id, days[2] + timedelta(days=1))
    assert read.overdue and read.shown_due == read.late_occurrence == days[0]


def test_a_task_past_its_statutory_limit_says_which_one_in_the_list_and_the_sheet(backend, project):
    notice = _task(backend, project.id, "notice-947")
    today = notice.due_date
    assert backend.call(checklist.get_task, project.id, notice.public_id, today).missed == ()
    backend.call(timeline.apply_replan, project.id, PlanChange("2026-10-10", task=notice.public_id))

    deadline = next(d for d in backend.call(timeline.load_timeline, project.id, today).deadlines
                    if d.key == "notice-947")
    expected = (MissedDeadline("notice-947", "民法典947", deadline.day),)
    assert backend.call(checklist.get_task, project.id, notice.public_id, today).missed == expected
    rows = backend.call(checklist.list_tasks, project.id, TaskQuery(), today).rows
    assert {t.public_id: t.missed for t in rows if t.missed} == {notice.public_id: expected}

    sheet = {row["public_id"]: row["statutory"] for row in backend.call(checklist.export_rows, project.id)}
    assert sheet[notice.public_id] == f"迟于 民法典947 期限 ({deadline.day.isoformat()})"
    assert sum(bool(text) for text in sheet.values()) == 1
