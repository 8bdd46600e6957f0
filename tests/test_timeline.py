"""Scheduling for the timeline: offsets, working days, recurrences, statutory deadlines, replanning (no UI)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import select

from exit_tui.db.models import AuditEntry, Phase, Task
from exit_tui.domain.enums import Anchor
from exit_tui.domain.network import CycleError
from exit_tui.domain.plan import PlanTask, analyse_plan, impossible, late_for, plan_dates
from exit_tui.domain.schedule import DueRule, OffsetParseError, ProjectDates, add_working_days, occurrences, parse_rule
from exit_tui.domain.statutes import deadlines_for, rule_profiles
from exit_tui.services import checklist, projects, timeline
from exit_tui.services.task_import import TaskImport
from exit_tui.services.errors import UserError
from exit_tui.services.readmodels import PlanChange, TaskChanges
from tests.helpers import PROJECT_ARGS, SAMPLE_DATES, TODAY, count_rows

# --- offsets ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor_day", "text", "expected"),
    [
        (date(2026, 1, 31), "decision +1m", date(2026, 2, 28)),  # month end: dateutil clamps
        (date(2026, 3, 31), "decision -1m", date(2026, 2, 28)),
        (date(2028, 2, 29), "decision +12m", date(2029, 2, 28)),  # leap day a year later
        (date(2028, 2, 29), "decision -1m", date(2028, 1, 29)),
        (date(2028, 3, 1), "decision -1d", date(2028, 2, 29)),
        (date(2026, 12, 31), "decision -90d", date(2026, 10, 2)),
        (date(2026, 12, 31), "decision -3个月", date(2026, 9, 30)),
        (date(2026, 11, 27), "decision +1wd", date(2026, 11, 30)),  # Friday -> Monday
        (date(2026, 11, 30), "decision -1wd", date(2026, 11, 27)),  # Monday -> Friday
        (date(2026, 11, 28), "decision +5工作日", date(2026, 12, 4)),  # from a Saturday
        (date(2026, 11, 28), "decision -5wd", date(2026, 11, 23)),
        (date(2026, 11, 28), "decision +2w", date(2026, 12, 12)),
    ],
)
def test_offsets(anchor_day, text, expected):
    dates = ProjectDates(anchor_day, anchor_day, anchor_day, anchor_day)
    assert parse_rule(text).resolve(dates) == expected


def test_working_days_skip_weekends_both_ways():
    friday = date(2026, 11, 27)
    for count in range(-30, 31):
        day = add_working_days(friday, count)
        assert day.weekday() < 5
        between = [friday + timedelta(days=n) for n in range(1, (day - friday).days + 1)]
        if count > 0:
            assert sum(d.weekday() < 5 for d in between) == count


def test_task_anchored_rules_parse_and_resolve():
    rule = parse_rule("T-0042 +5d")
    assert rule == DueRule("T-0042", 5, "d") and rule.task_ref == "T-0042"
    assert parse_rule("t-0042+3工作日") == DueRule("T-0042", 3, "wd")
    assert parse_rule("T-0042") == DueRule("T-0042")
    assert parse_rule("T-10d") == DueRule(Anchor.HANDOVER, -10, "d")  # T minus ten days, not a task
    assert rule.resolve(SAMPLE_DATES, {"T-0042": date(2026, 12, 1)}) == date(2026, 12, 6)
    with pytest.raises(KeyError):
        rule.resolve(SAMPLE_DATES, {})
    with pytest.raises(OffsetParseError):
        parse_rule("T-0042 +5x")


# --- recurrences ------------------------------------------------------------------------------------------------


def test_weekly_until_handover():
    days = occurrences("FREQ=WEEKLY", date(2026, 11, 2), date(2026, 11, 30))
    assert days == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]


def test_monthly_from_the_31st_keeps_short_months():
    days = occurrences("FREQ=MONTHLY", date(2026, 1, 31), date(2026, 5, 31))
    assert days == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    days = occurrences("FREQ=MONTHLY", date(2027, 12, 30), date(2028, 3, 30))
    assert days == [date(2027, 12, 30), date(2028, 1, 30), date(2028, 2, 29), date(2028, 3, 30)]


# --- statutory deadlines ----------------------------------------------------------------------------------------


def test_profiles_extend_the_national_one():
    profiles = rule_profiles()
    national = {d.key for d in profiles["national"].deadlines}
    assert {"notice-947", "layoff-41", "file-50"} <= national
    assert national < {d.key for d in profiles["local-10d"].deadlines}
    handover = {p: {d.key: d for d in profiles[p].deadlines}["handover-local"].rule for p in ("local-10d", "local-15d")}
    assert handover == {"local-10d": parse_rule("contract_end +10d"), "local-15d": parse_rule("contract_end +15d")}


def test_deadlines_are_derived_from_the_dates_and_exit_type():
    found = {d.key: d.day for d in deadlines_for("national", "contract-expiry", SAMPLE_DATES)}
    assert found["notice-947"] == date(2026, 10, 2)  # 90 days before 2026-12-31
    assert found["layoff-41"] == date(2026, 12, 11)  # 30 days before T
    assert found["file-50"] == date(2027, 1, 25)
    assert "notice-948" not in found  # the 60-day notice belongs to an early exit
    early = {d.key for d in deadlines_for("national", "early-exit", SAMPLE_DATES)}
    assert {"notice-948", "dismissal-946"} <= early and "notice-947" not in early
    assert deadlines_for("no-such-profile", "contract-expiry", SAMPLE_DATES) == deadlines_for(
        "national", "contract-expiry", SAMPLE_DATES
    )


def test_a_task_due_after_its_deadline_is_flagged():
    deadlines = deadlines_for("national", "contract-expiry", SAMPLE_DATES)
    notice = PlanTask("T-0010", date(2026, 10, 2), template_key="notice-947")
    assert late_for(notice, deadlines) == ()
    assert late_for(replace(notice, due=date(2026, 10, 3)), deadlines) == ("notice-947",)
    done_late = replace(notice, done=True, done_on=date(2026, 10, 5))
    assert late_for(done_late, deadlines) == ("notice-947",)
    assert late_for(replace(notice, template_key=None, due=date(2027, 1, 1)), deadlines) == ()


def test_a_decision_after_the_notice_deadline_makes_the_notice_impossible():
    late_decision = replace(SAMPLE_DATES, decision=date(2026, 10, 20))
    deadlines = deadlines_for("national", "contract-expiry", late_decision)
    assert impossible(deadlines, late_decision) == ("notice-947",)
    assert impossible(deadlines_for("national", "contract-expiry", SAMPLE_DATES), SAMPLE_DATES) == ()


# --- planning and the network -----------------------------------------------------------------------------------


def test_plan_dates_follow_chains_and_never_move_done_tasks():
    tasks = [
        PlanTask("T-0003", date(2000, 1, 1), DueRule("T-0002", 2, "d")),
        PlanTask("T-0002", date(2000, 1, 1), DueRule("T-0001", 5, "d")),
        PlanTask("T-0001", date(2026, 12, 1), DueRule(Anchor.HANDOVER, -10, "d")),
        PlanTask("T-0004", date(2026, 5, 5), DueRule(Anchor.HANDOVER), done=True),
        PlanTask("T-0005", date(2026, 5, 5), DueRule("T-0099", 1, "d")),  # its anchor task was deleted
    ]
    planned = plan_dates(tasks, SAMPLE_DATES)
    assert planned == {
        "T-0001": date(2026, 12, 31),
        "T-0002": date(2027, 1, 5),
        "T-0003": date(2027, 1, 7),
        "T-0004": date(2026, 5, 5),
        "T-0005": date(2026, 5, 5),
    }


def test_plan_rejects_rules_that_loop():
    tasks = [PlanTask("T-0001", TODAY, DueRule("T-0002", 1)), PlanTask("T-0002", TODAY, DueRule("T-0001", 1))]
    with pytest.raises(CycleError) as caught:
        plan_dates(tasks, SAMPLE_DATES)
    assert caught.value.cycle == ["T-0001", "T-0002", "T-0001"]


def test_critical_path_slack_and_risk_of_a_small_network():
    """A -> B (+5d) -> D (+2d) and A -> C (+1d): the chain through B is critical, C has slack."""
    a = PlanTask("A", date(2026, 12, 1))
    b = PlanTask("B", date(2026, 12, 6), DueRule("A", 5, "d"), duration=3)
    c = PlanTask("C", date(2026, 12, 2), DueRule("A", 1, "d"))
    d = PlanTask("D", date(2026, 12, 8), DueRule("B", 2, "d"))
    timings = analyse_plan([a, b, c, d], today=date(2026, 11, 28))
    assert [k for k, t in timings.items() if t.critical] == ["A", "B", "D"]
    assert timings["C"].slack_days == 6  # could finish on 12-08 as late as D
    assert not any(t.at_risk for t in timings.values())
    late = analyse_plan([a, b, c, d], today=date(2026, 12, 3))  # A is overdue and open
    assert late["B"].at_risk and late["C"].at_risk and not late["D"].at_risk


# --- services: load, replan, occurrences ------------------------------------------------------------------------


def _task(backend, project_id, template_key) -> Task:
    from sqlmodel import select

    return backend.call(
        lambda s: s.exec(select(Task).where(Task.project_id == project_id, Task.template_key == template_key)).one()
    )


def test_load_timeline_has_every_task_deadline_and_link(backend, project):
    loaded = backend.call(timeline.load_timeline, project.id, TODAY)
    assert len(loaded.tasks) == len(backend.call(checklist.list_tasks, project.id, checklist.TaskQuery(), TODAY).rows)
    punch = _task(backend, project.id, "punch-list")
    acceptance = next(t for t in loaded.tasks if t.predecessor == punch.public_id)
    assert acceptance.rule == f"{punch.public_id} +7d"
    assert [d.key for d in loaded.deadlines][:2] == ["notice-947", "layoff-41"]
    assert any(t.critical for t in loaded.tasks)
    weekly = next(t for t in loaded.tasks if t.recurrence == "FREQ=WEEKLY")
    assert weekly.occurrences[0].day == weekly.start and weekly.occurrences[-1].day == weekly.due
    assert loaded.first_day == SAMPLE_DATES.decision and loaded.last_day >= SAMPLE_DATES.continuation_end


def test_the_timeline_is_read_once_until_the_next_write(backend, project):
    first = backend.call(timeline.load_timeline, project.id, TODAY)
    assert backend.call(timeline.load_timeline, project.id, TODAY) is first
    assert backend.call(timeline.load_timeline, project.id, TODAY + timedelta(days=1)).today != first.today
    task = first.tasks[0]
    backend.call(checklist.toggle_done, project.id, task.public_id, TODAY)
    after = backend.call(timeline.load_timeline, project.id, TODAY)
    status = next(t.status for t in after.tasks if t.public_id == task.public_id)
    assert status != task.status

    def write_then_fail(session):
        checklist.toggle_done(session, project.id, task.public_id, TODAY)
        assert timeline.load_timeline(session, project.id, TODAY) is not after  # sees its own write
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        backend.call(write_then_fail)
    again = backend.call(timeline.load_timeline, project.id, TODAY)
    assert next(t.status for t in again.tasks if t.public_id == task.public_id) == status


def test_task_rows_are_read_again_only_where_a_write_can_have_changed_them(backend, project, monkeypatch):
    """After a write to the project's fields the task rows read before are reused (the timeline is still computed
    again); after task writes only those tasks are read again; after a phase deleted (with its tasks) or a write
    rolled back, every row. Each result is the timeline a first read gives."""
    reads = []  # True: some tasks, False: every task
    read = timeline._task_rows
    monkeypatch.setattr(timeline, "_task_rows", lambda session, project_id, *where: reads.append(bool(where)) or
                        read(session, project_id, *where))

    def fresh():
        timeline._computed.clear()
        timeline._read.clear()
        return backend.call(timeline.load_timeline, project.id, TODAY)

    first = backend.call(timeline.load_timeline, project.id, TODAY)
    backend.call(projects.rename_project, project.id, "改名后的项目")
    renamed = backend.call(timeline.load_timeline, project.id, TODAY)
    assert renamed is not first and renamed.project.name == "改名后的项目" and reads == [False]
    task = renamed.tasks[0]
    backend.call(checklist.toggle_done, project.id, task.public_id, TODAY)
    toggled = backend.call(timeline.load_timeline, project.id, TODAY)
    assert reads == [False, True] and toggled == fresh()
    added = backend.call(checklist.add_task, project.id, phase_no=2, title="新任务", due="T", today=TODAY)
    backend.call(checklist.delete_task, project.id, renamed.tasks[-1].public_id, detach=True)
    changed = backend.call(timeline.load_timeline, project.id, TODAY)
    assert reads[-1] is True and added.public_id in {t.public_id for t in changed.tasks} and changed == fresh()

    def write_then_fail(session):
        checklist.toggle_done(session, project.id, task.public_id, TODAY)
        timeline.load_timeline(session, project.id, TODAY)
        raise RuntimeError("rolled back")

    reads.clear()
    with pytest.raises(RuntimeError):
        backend.call(write_then_fail)
    assert backend.call(timeline.load_timeline, project.id, TODAY) == changed and reads == [True, False]
    backend.call(lambda session: session.delete(
        session.exec(select(Phase).where(Phase.project_id == project.id, Phase.no == task.phase_no)).one()))
    assert [t for t in backend.call(timeline.load_timeline, project.id, TODAY).tasks if t.phase_no == task.phase_no] \
        == [] and reads[-1] is False


def test_unlinked_tasks_get_the_timings_of_the_whole_network():
    """analyse_plan sends only linked tasks through the network; the others must come out as if all went."""
    from exit_tui.domain.network import Activity, analyse

    day = date(2026, 3, 1)
    plan = [PlanTask(f"T-{i:04d}", day + timedelta(days=i * 3 % 40), duration=i % 4,
                     rule=DueRule(f"T-{i - 1:04d}", 2, "d") if i % 3 == 1 else None, done=i % 5 == 0)
            for i in range(1, 60)]
    plan.append(PlanTask("T-0999", day + timedelta(days=90)))  # unlinked, and the last to finish
    by_key = {t.key: t for t in plan}
    everything = analyse(
        [Activity(t.key, t.start, t.due, t.done,
                  ((t.predecessor, (t.start - by_key[t.predecessor].due).days - 1),) if t.predecessor in by_key
                  else ()) for t in plan],
        today=day + timedelta(days=20),
    )
    assert analyse_plan(plan, day + timedelta(days=20)) == everything


def test_the_timeline_has_the_flags_of_the_whole_network(backend, project):
    """load_timeline derives unlinked tasks' flags itself (analyse_links): the same as analyse_plan's."""
    loaded = backend.call(timeline.load_timeline, project.id, TODAY)
    timings = analyse_plan(backend.call(timeline.plan_snapshot, project.id), TODAY)
    assert {t.public_id: (t.slack_days, t.critical, t.at_risk) for t in loaded.tasks} == {
        key: (t.slack_days, t.critical, t.at_risk) for key, t in timings.items()
    }
    assert any(t.predecessor for t in loaded.tasks) and any(not t.predecessor for t in loaded.tasks)


def test_preview_writes_nothing_and_apply_writes_what_it_showed(backend, project):
    audits = count_rows(backend, AuditEntry)
    change = PlanChange("2027-01-20", anchor="handover")
    preview = backend.call(timeline.preview_replan, project.id, change)
    assert preview.moves and all((m.new - m.old).days == 10 for m in preview.moves)
    assert count_rows(backend, AuditEntry) == audits
    assert backend.call(projects.get_project, project.id).dates.handover == SAMPLE_DATES.handover

    applied = backend.call(timeline.apply_replan, project.id, change)
    assert applied.moves == preview.moves
    assert backend.call(projects.get_project, project.id).dates.handover == date(2027, 1, 20)
    assert count_rows(backend, AuditEntry) == audits + 1 + len(preview.moves)
    # Tasks counted from a task that follows T moved with it (the chain), e.g. the settlement agreement.
    settlement = _task(backend, project.id, "settlement-agreement")
    assert settlement.due_date == date(2027, 2, 19)


def test_done_tasks_never_move(backend, project):
    record = _task(backend, project.id, "handover-record")
    backend.call(checklist.set_status, project.id, record.public_id, "done", TODAY)
    preview = backend.call(timeline.apply_replan, project.id, PlanChange("2027-01-20", anchor="handover"))
    assert record.public_id not in {m.public_id for m in preview.moves}
    assert preview.kept_done == 1
    assert _task(backend, project.id, "handover-record").due_date == record.due_date
    # ... and what is counted from it stays counted from its (unmoved) date.
    assert _task(backend, project.id, "settlement-agreement").due_date == record.due_date + timedelta(days=30)


def test_replan_shows_statutory_flags_appearing_and_clearing(backend, project):
    notice = _task(backend, project.id, "notice-947")
    later = PlanChange("2026-10-10", task=notice.public_id)
    preview = backend.call(timeline.preview_replan, project.id, later)
    assert [(f.public_id, f.deadline.key, f.deadline.basis) for f in preview.flags_added] == [
        (notice.public_id, "notice-947", "民法典947")
    ]
    backend.call(timeline.apply_replan, project.id, later)
    loaded = backend.call(timeline.load_timeline, project.id, TODAY)
    assert next(t for t in loaded.tasks if t.public_id == notice.public_id).late_for == ("notice-947",)
    assert next(d for d in loaded.deadlines if d.key == "notice-947").missed_by == (notice.public_id,)
    # Moving the contract end later moves the deadline past the task: the flag clears.
    preview = backend.call(timeline.preview_replan, project.id, PlanChange("2027-01-10", anchor="contract_end"))
    assert [f.public_id for f in preview.flags_cleared] == [notice.public_id]


def test_replan_warns_when_the_decision_comes_too_late(backend, project):
    preview = backend.call(timeline.preview_replan, project.id, PlanChange("2026-10-20", anchor="decision"))
    assert [w.key for w in preview.warnings_added] == ["notice-947"]
    assert preview.warnings_added[0].impossible


def test_a_task_rule_on_another_task_moves_with_it_and_loops_are_refused(backend, project):
    first, second = _task(backend, project.id, "exit-team"), _task(backend, project.id, "plan-draft")
    backend.call(checklist.update_task, project.id, second.public_id, TaskChanges(due=f"{first.public_id} +4d"), TODAY)
    assert _task(backend, project.id, "plan-draft").due_date == first.due_date + timedelta(days=4)
    backend.call(checklist.update_task, project.id, first.public_id, TaskChanges(due="2026-06-10"), TODAY)
    assert _task(backend, project.id, "plan-draft").due_date == date(2026, 6, 14)
    with pytest.raises(UserError) as caught:
        backend.call(checklist.update_task, project.id, first.public_id, TaskChanges(due=f"{second.public_id} +1d"), TODAY)
    assert caught.value.key == "error.dependency_cycle"
    assert caught.value.params["cycle"] == f"{first.public_id} -> {second.public_id} -> {first.public_id}"
    with pytest.raises(UserError) as caught:
        backend.call(checklist.update_task, project.id, first.public_id, TaskChanges(due="T-9999 +1d"), TODAY)
    assert caught.value.key == "error.unknown_task_ref"
    added = backend.call(
        checklist.add_task, project.id, phase_no=1, title="复核 [A区] 计划", due=f"{second.public_id} +1wd", today=TODAY
    )
    assert added.due_rule == f"{second.public_id} +1wd"


def test_occurrences_are_marked_done_one_by_one(backend, project):
    weekly = _task(backend, project.id, "team-meeting")
    listed = backend.call(timeline.list_occurrences, project.id, weekly.public_id)
    assert len(listed) > 10 and all(o.done_on is None for o in listed)
    second = listed[1].day
    marked = backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, second, True, TODAY)
    assert [o.day for o in marked if o.done_on] == [second] and marked[1].done_on == TODAY
    again = backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, second, True, TODAY)
    assert again == marked  # marking twice changes nothing
    reopened = backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, second, False, TODAY)
    assert all(o.done_on is None for o in reopened)
    with pytest.raises(UserError):
        backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, second + timedelta(days=1), True, TODAY)
    loaded = backend.call(timeline.load_timeline, project.id, listed[2].day + timedelta(days=1))
    row = next(t for t in loaded.tasks if t.public_id == weekly.public_id)
    assert row.overdue  # three past occurrences are open


def test_change_project_date_goes_through_the_same_replan(backend, project):
    result = backend.call(projects.change_project_date, project.id, Anchor.HANDOVER, date(2027, 1, 12))
    assert result.project.dates.handover == date(2027, 1, 12)
    assert result.moved > 0 and result.kept_done == 0
    assert _task(backend, project.id, "handover-record").due_date == date(2027, 1, 12)


def test_a_project_keeps_its_rule_profile_and_an_unknown_one_is_refused(backend):
    local = backend.call(projects.create_project, **{**PROJECT_ARGS, "rule_profile": "local-15d"})
    assert local.rule_profile == "local-15d"
    loaded = backend.call(timeline.load_timeline, local.id, TODAY)
    handover = next(d for d in loaded.deadlines if d.key == "handover-local")
    assert (handover.basis, handover.day) == ("地方-移交期限", date(2027, 1, 15))  # contract end + 15 days
    with pytest.raises(UserError) as caught:
        backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "另一项目", "rule_profile": "shanghai"})
    assert caught.value.field == "rule_profile" and "local-10d" in str(caught.value)


def test_the_demo_uses_a_local_profile_and_meets_every_deadline(backend, demo):
    assert demo.rule_profile == "local-10d"
    loaded = backend.call(timeline.load_timeline, demo.id, TODAY)
    assert {d.key for d in loaded.deadlines} >= {"notice-3m", "handover-local", "disclosure-30"}
    assert not any(d.missed_by or d.impossible for d in loaded.deadlines)


def test_an_import_that_moves_a_task_moves_what_is_counted_from_it(backend, project):
    from exit_tui.services import imports
    from exit_tui.services.readmodels import ImportRow

    punch = _task(backend, project.id, "punch-list")
    acceptance = _task(backend, project.id, "joint-acceptance")
    later = punch.due_date + timedelta(days=2)
    row = {"public_id": punch.public_id, "phase_no": punch.phase_no, "title": punch.title_zh,
           "due_date": later, "status": "todo"}
    backend.call(imports.import_rows, TaskImport, project.id, [ImportRow("任务清单", 2, row)], TODAY, apply=True)
    assert _task(backend, project.id, "punch-list").due_date == later
    assert _task(backend, project.id, "joint-acceptance").due_date == acceptance.due_date + timedelta(days=2)
    # A typed rule counted from a task of the project is understood ...
    team = _task(backend, project.id, "exit-team")
    row = {**row, "due_date": f"{team.public_id} +1d"}
    backend.call(imports.import_rows, TaskImport, project.id, [ImportRow("任务清单", 2, row)], TODAY, apply=True)
    assert _task(backend, project.id, "punch-list").due_date == team.due_date + timedelta(days=1)
    # ... and one that would loop is refused as a whole: nothing is written.
    row = {**row, "due_date": f"{acceptance.public_id} +1d"}
    with pytest.raises(UserError) as caught:
        backend.call(imports.import_rows, TaskImport, project.id, [ImportRow("任务清单", 2, row)], TODAY, apply=True)
    assert caught.value.key == "error.dependency_cycle"
    assert _task(backend, project.id, "punch-list").due_date == team.due_date + timedelta(days=1)


def test_the_dashboard_names_the_next_deadline_and_counts_the_faulty_ones(backend, project):
    from exit_tui.services.dashboard import load_dashboard

    board = backend.call(load_dashboard, project.id, TODAY)
    assert board.next_deadline.key == "layoff-41" and board.deadline_alerts == 0  # 947 passed on 2026-10-02
    notice = _task(backend, project.id, "notice-947")
    backend.call(timeline.apply_replan, project.id, PlanChange("2026-10-10", task=notice.public_id))
    board = backend.call(load_dashboard, project.id, TODAY)
    assert board.deadline_alerts == 1


def test_a_recurring_task_is_overdue_by_its_occurrences_not_by_its_first_date(backend, project):
    from exit_tui.services.dashboard import load_dashboard
    from exit_tui.services.readmodels import TaskQuery

    weekly = _task(backend, project.id, "team-meeting")
    days = [o.day for o in backend.call(timeline.list_occurrences, project.id, weekly.public_id)]
    today = days[1] + timedelta(days=1)  # two occurrences are past

    def overdue_ids():
        page = backend.call(checklist.list_tasks, project.id, TaskQuery(overdue_only=True), today)
        return {t.public_id for t in page.rows}

    assert weekly.public_id in overdue_ids()
    read = backend.call(checklist.get_task, project.id, weekly.public_id, today)
    assert read.overdue and read.shown_due == days[0] == read.late_occurrence
    backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, days[0], True, days[0])
    assert backend.call(checklist.get_task, project.id, weekly.public_id, today).shown_due == days[1]
    backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, days[1], True, days[1])
    assert weekly.public_id not in overdue_ids()  # its first date is past, but every past occurrence is done
    assert not backend.call(checklist.get_task, project.id, weekly.public_id, today).overdue
    board = backend.call(load_dashboard, project.id, today)
    assert weekly.public_id not in {t.public_id for t in board.next_up}
    loaded = backend.call(timeline.load_timeline, project.id, today)
    assert not next(t for t in loaded.tasks if t.public_id == weekly.public_id).overdue


def test_a_recurring_task_with_occurrences_done_stays_put_when_its_anchor_moves(backend, project):
    weekly = _task(backend, project.id, "team-meeting")  # decision +7d, weekly until T
    first = backend.call(timeline.list_occurrences, project.id, weekly.public_id)[0].day
    change = PlanChange("2026-06-15", anchor="decision")
    assert weekly.public_id in {m.public_id for m in backend.call(timeline.preview_replan, project.id, change).moves}
    backend.call(timeline.set_occurrence_done, project.id, weekly.public_id, first, True, first)
    preview = backend.call(timeline.apply_replan, project.id, change)
    assert weekly.public_id not in {m.public_id for m in preview.moves} and preview.kept_done == 1
    marks = backend.call(timeline.list_occurrences, project.id, weekly.public_id)
    assert marks[0].day == first and marks[0].done_on == first  # its done mark still matches an occurrence
