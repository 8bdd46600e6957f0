"""The timeline of a project: planned dates, dependencies, statutory deadlines, recurrences, replanning.

Replanning always runs in two steps: `preview_replan` says what a change would do (tasks that move, statutory
flags that appear or clear) and writes nothing; `apply_replan` does the same computation and writes it in the
caller's transaction, each changed field with an audit entry. Done tasks never move.
"""

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from heapq import merge
from operator import attrgetter, itemgetter
from weakref import WeakKeyDictionary

from sqlmodel import Session, col, select

from ..db.models import AuditEntry, OccurrenceDone, Project, Task
from ..domain.dates import DateParseError, parse_date
from ..domain.enums import Anchor, ExitType, TaskStatus
from ..domain.network import CycleError
from ..domain.plan import PlanTask, analyse_links, diff_plan, late_for, plan_dates, rule_order
from ..domain.schedule import DueRule, OffsetParseError, ProjectDates, occurrences, parse_rule, rule_from_parts
from ..domain.statutes import Deadline, deadlines_for
from ..speed import kept_frozen
from . import handover, parties, risks
from .errors import NotFound, UserError
from .inputs import parse_due_text
from .projects import DATE_FIELDS, as_date, list_phases, project_dates, project_read, project_row, validate_dates
from .readmodels import (
    DeadlineRead,
    FlagRead,
    MissedDeadline,
    MoveRead,
    OccurrenceRead,
    PlanChange,
    ReplanPreview,
    Timeline,
    TimelineTask,
    task_titles,
    titles_of,
)

DONE = TaskStatus.DONE.value
"""The stored status of a done task (compared with plain rows' status text)."""

#: At most this many occurrences of one recurring task are listed (a daily rule over years stays bounded).
MAX_OCCURRENCES = 400

#: Other areas' dated items on the timeline (and so on the Timeline sheet and in the calendar): area -> its provider,
#: `(session, project id) -> items by date` (readmodels.DatedItem), each one cheap query or a few. An area (staff,
#: notices) joins by adding its provider here; the Gantt (ui/widgets/gantt.DATED_GROUPS), the sheet and the calendar
#: then say how its items look.
DATED_AREAS: dict[str, Callable[[Session, int], tuple]] = {
    "handover": handover.dated_items,
    "risks": risks.dated_items,
    "parties": parties.dated_items,
}


def _plan_task(task, started: frozenset[int] = frozenset()) -> PlanTask:
    """`task`: a stored task or a plain row of its columns. `started`: ids of recurring tasks with an occurrence
    done; replanning keeps them (their marks are dated)."""
    return PlanTask(
        key=task.public_id,
        due=task.due_date,
        rule=stored_rule(task.due_anchor, task.due_offset),
        done=task.status == TaskStatus.DONE,
        done_on=task.done_on,
        template_key=task.template_key,
        duration=task.duration_days,
        pinned=task.id in started,
    )


_TASK_ANCHOR = re.compile(r"T-\d{4,}")


@lru_cache(maxsize=4096)
def _offset(offset: str) -> tuple[int, str]:
    """(amount, unit) of a stored offset such as `+5d` ("" is none)."""
    rule = parse_rule(f"decision{offset}")
    return rule.amount, rule.unit


@lru_cache(maxsize=1024)
def _span(duration: int) -> timedelta:
    """From the first to the last day of a task of `duration` days (few distinct durations in a project)."""
    return timedelta(days=duration - 1)


@lru_cache(maxsize=4096)
def _date_rule(anchor: str, offset: str) -> DueRule | None:
    """A rule on a project date (few distinct ones in a project, however many tasks)."""
    return rule_from_parts(anchor, offset)


def stored_rule(anchor: str | None, offset: str | None) -> DueRule | None:
    """rule_from_parts of a task's stored columns, parsed once per distinct offset (not once per task)."""
    if not anchor:
        return None
    if _TASK_ANCHOR.fullmatch(anchor):
        return DueRule(anchor, *_offset(offset or ""))
    return _date_rule(anchor, offset or "")


def _started_series(session: Session, project_id: int) -> frozenset[int]:
    rows = session.exec(
        select(OccurrenceDone.task_id).distinct()
        .join(Task, col(Task.id) == OccurrenceDone.task_id).where(Task.project_id == project_id)
    )
    return frozenset(rows.all())


def _tasks(session: Session, project_id: int) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.project_id == project_id)
            .order_by(col(Task.phase_no), col(Task.due_date), col(Task.public_id))
        )
    )


#: The columns the timeline reads of a task.
_TIMELINE_COLUMNS = (
    Task.id, Task.public_id, Task.phase_no, Task.template_key, Task.title, Task.title_zh, Task.title_en,
    Task.owner, Task.due_date, Task.due_anchor, Task.due_offset, Task.recurrence, Task.recurrence_until,
    Task.duration_days, Task.status, Task.legal_basis, Task.done_on,
)


def _task_rows(session: Session, project_id: int, *where) -> list:
    """The project's tasks (those meeting `where`) as plain rows of _TIMELINE_COLUMNS (a Core select: no ORM
    objects), by id: in the order the table keeps them, read through the (project_id) index."""
    session.flush()  # the connection does not autoflush: pending changes of this transaction count
    return session.connection().execute(
        select(*_TIMELINE_COLUMNS).where(Task.project_id == project_id, *where).order_by(col(Task.id))
    ).all()


def _until(task, dates: ProjectDates) -> date:
    """The last day a recurring task repeats on: its `until` (a rule such as `handover`, or a date)."""
    text = task.recurrence_until or ""
    try:
        return parse_date(text)
    except DateParseError:
        pass
    try:
        return parse_rule(text).resolve(dates)
    except (OffsetParseError, KeyError):
        return dates.handover


def task_occurrences(task, dates: ProjectDates, done: dict[date, date]) -> tuple[OccurrenceRead, ...]:
    """The dated occurrences of a recurring task (a stored task or a plain row; empty for a one-off task) with
    their done marks."""
    if not task.recurrence:
        return ()
    try:
        days = occurrences(task.recurrence, task.due_date, _until(task, dates), MAX_OCCURRENCES)
    except ValueError:  # a rule dateutil no longer accepts: show the task as a one-off
        return ()
    return tuple(OccurrenceRead(day, done.get(day)) for day in days)


def deadline_read(deadline: Deadline, dates: ProjectDates, missed_by: tuple[str, ...] = ()) -> DeadlineRead:
    """A deadline of the project as the screens show it (impossible when past on the decision date)."""
    return DeadlineRead(
        key=deadline.key,
        basis=deadline.basis,
        rule=str(deadline.rule),
        day=deadline.day,
        title_zh=deadline.zh,
        title_en=deadline.en,
        impossible=deadline.day < dates.decision,
        missed_by=missed_by,
    )


def write_stamp(session: Session) -> tuple[int, str] | None:
    """The newest audit entry's id and hash: every write adds an entry, so what was read under one stamp holds
    until the stamp changes (the hash tells apart an id reused after a rollback or a restored database)."""
    session.flush()
    row = session.connection().execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)
    ).first()
    return tuple(row) if row else None


#: Timelines already computed, per database engine: (project id, today) -> (write stamp, timeline).
_computed: "WeakKeyDictionary[object, OrderedDict]" = WeakKeyDictionary()
_KEEP = 2
"""Timelines kept per database (the last projects or days asked for; 50k tasks take tens of MB)."""


def load_timeline(session: Session, project_id: int, today: date) -> Timeline:
    """Everything the Gantt, the Timeline sheet and the calendar show, computed in one read.

    The result is kept until the next write to the database (or another `today`): opening the timeline again
    costs one query. Callers must not change the returned timeline."""
    stamp = write_stamp(session)
    kept = _computed.setdefault(session.get_bind(), OrderedDict())
    key = (project_id, today)
    if key in kept and kept[key][0] == stamp:
        kept.move_to_end(key)
        return kept[key][1]
    with kept_frozen():  # tens of thousands of objects, kept: no collector passes over them
        timeline = _compute_timeline(session, project_id, today, _rows_now(session, project_id, stamp))
    _keep(kept, key, (stamp, timeline))
    return timeline


def _keep(kept: OrderedDict, key, value, most: int = _KEEP) -> None:
    """`kept[key] = value`, as the newest of at most `most`."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > most:
        kept.popitem(last=False)


#: Task rows last read, per database engine: project id -> (write stamp, rows), see _rows_now. One project's only:
#: beyond what its timeline holds, 50k rows keep about 17 MB.
_read: "WeakKeyDictionary[object, OrderedDict]" = WeakKeyDictionary()


def _rows_now(session: Session, project_id: int, stamp: tuple[int, str] | None) -> list:
    """The project's task rows (_task_rows) under `stamp`, from the rows read under an earlier stamp when the
    writes since can be told apart: those of tasks written since are read again, the others kept (at 50k tasks
    reading every row is a third of the timeline's work). Otherwise every row is read."""
    kept = _read.setdefault(session.get_bind(), OrderedDict())
    found = kept.get(project_id)
    written = None
    if found is not None and found[0] is not None and stamp is not None:
        written = _tasks_written(session, project_id, found[0])
    if written is None:
        rows = _task_rows(session, project_id)
    elif written:
        fresh = _task_rows(session, project_id, col(Task.public_id).in_(written))
        rows = list(merge((row for row in found[1] if row.public_id not in written), fresh, key=itemgetter(0)))
    else:
        rows = found[1]
    _keep(kept, project_id, (stamp, rows), most=1)
    return rows


#: More entries since the rows were read than this: read them all (as fast, and one query).
_REREAD = 2000


def _tasks_written(session: Session, project_id: int, since: tuple[int, str]) -> set[str] | None:
    """The public ids of the project's tasks written after the audit entry `since` (id, hash), or None when that
    cannot be told: the entry is gone (rolled back, another database), a phase was written (deleting one deletes
    its tasks), a project created or deleted, a task's public id or project changed, or more than _REREAD entries
    were added. Every write adds entries (audit.require_audited); a task's name in the log is its public id."""
    first, first_hash = since
    connection = session.connection()
    if connection.execute(select(AuditEntry.hash).where(AuditEntry.id == first)).scalar() != first_hash:
        return None
    entries = connection.execute(
        select(AuditEntry.entity, AuditEntry.action, AuditEntry.field, AuditEntry.project_id, AuditEntry.public_id)
        .where(col(AuditEntry.id) > first).order_by(col(AuditEntry.id)).limit(_REREAD + 1)
    ).all()
    if len(entries) > _REREAD:
        return None
    written = set()
    for entity, action, field, project, public_id in entries:
        if entity == "phase" or (entity == "project" and action != "update") or field in ("public_id", "project_id"):
            return None
        if entity == "task" and project in (project_id, None):  # a task of no project named: this one's, maybe
            written.add(public_id)
    return written


def _done_marks(session: Session, project_id: int) -> dict[int, dict[date, date]]:
    """Task id -> {occurrence day: day it was marked done} for the project's recurring tasks."""
    marks: dict[int, dict[date, date]] = {}
    for task_id, occurs_on, done_on in session.connection().execute(
        select(OccurrenceDone.task_id, OccurrenceDone.occurs_on, OccurrenceDone.done_on)
        .join(Task, col(Task.id) == OccurrenceDone.task_id)
        .where(Task.project_id == project_id)
    ):
        marks.setdefault(task_id, {})[occurs_on] = done_on
    return marks


def _compute_timeline(session: Session, project_id: int, today: date, rows: list) -> Timeline:
    """The timeline of the project's task `rows` (_task_rows, not changed here)."""
    project = project_row(session, project_id)
    dates = project_dates(project)
    done_marks = _done_marks(session, project_id)
    plan = [
        PlanTask(public_id, due_date, stored_rule(anchor, offset), status == DONE, done_on, template_key, duration)
        for (_id, public_id, _phase, template_key, _title, _zh, _en, _owner, due_date, anchor, offset, _rec, _until,
             duration, status, _basis, done_on) in rows
    ]
    try:
        timings, finish = analyse_links(plan, today)
    except CycleError:  # cannot be written through the services; an edited database still shows its tasks
        timings, finish = {}, None
    deadlines = deadlines_for(project.rule_profile, project.exit_type, dates)
    missed: dict[str, list[str]] = {}
    tasks = []
    statuses = {status.value: status for status in TaskStatus}
    rule_texts: dict[tuple[str, str | None], str] = {}  # by stored anchor and offset
    for row, planned in zip(rows, plan, strict=True):
        (task_id, public_id, phase_no, template_key, title, title_zh, title_en, owner, due_date, anchor, offset,
         recurrence, _until, duration, status, basis, done_on) = row
        series = task_occurrences(row, dates, done_marks.get(task_id, {})) if recurrence else ()
        late = late_for(planned, deadlines) if template_key else ()
        for key in late:
            missed.setdefault(key, []).append(public_id)
        timing = timings.get(public_id)
        if timing is not None:
            slack, at_risk, critical = timing.slack_days, timing.at_risk, timing.critical
        elif finish is not None:  # a task without links: never at risk, its slack runs to the project's finish
            slack = (finish - due_date).days
            at_risk, critical = False, slack == 0
        else:  # rules that loop (an edited database): no analysis
            slack, at_risk, critical = 0, False, False
        open_task = status != DONE
        if series:
            start, due = series[0].day, series[-1].day
            overdue = open_task and any(o.done_on is None and o.day < today for o in series)
        else:
            start = due_date if duration <= 1 else due_date - _span(duration)  # PlanTask.start, cheaper
            due, overdue = due_date, open_task and due_date < today
        rule = planned.rule
        if rule is None:
            rule_text = predecessor = None
        else:
            rule_text = rule_texts.get((anchor, offset))
            if rule_text is None:
                rule_text = rule_texts[anchor, offset] = str(rule)
            predecessor = rule.task_ref
        # Positional, in TimelineTask's field order (keywords cost more, 50k times).
        tasks.append(TimelineTask(
            public_id, phase_no, *task_titles(title, title_zh, title_en), owner, statuses[status], start, due,
            duration == 0 and not series, done_on, rule_text, predecessor, basis, recurrence, series, overdue,
            at_risk, critical, slack, late,
        ))
    tasks.sort(key=attrgetter("phase_no", "start", "due", "public_id"))
    return Timeline(
        project=project_read(project),
        phases=list_phases(session, project_id),
        tasks=tasks,
        deadlines=[deadline_read(d, dates, tuple(missed.get(d.key, ()))) for d in deadlines],
        today=today,
        dated={area: provider(session, project_id) for area, provider in DATED_AREAS.items()},
    )


def open_series(session: Session, project_id: int, *where) -> dict[str, tuple[OccurrenceRead, ...]]:
    """The occurrences (with their done marks) of the project's open recurring tasks that also meet `where`:
    public id -> occurrences. Recurring tasks are few: expanding them costs little."""
    rows = session.exec(
        select(Task.id, Task.public_id, Task.due_date, Task.recurrence, Task.recurrence_until).where(
            Task.project_id == project_id, col(Task.recurrence).is_not(None), Task.status != DONE, *where,
        )
    ).all()
    if not rows:
        return {}
    dates = project_dates(project_row(session, project_id))
    marks: dict[int, dict[date, date]] = {}
    for task_id, occurs_on, done_on in session.exec(
        select(OccurrenceDone.task_id, OccurrenceDone.occurs_on, OccurrenceDone.done_on)
        .where(col(OccurrenceDone.task_id).in_([row.id for row in rows]))
    ):
        marks.setdefault(task_id, {})[occurs_on] = done_on
    return {row.public_id: task_occurrences(row, dates, marks.get(row.id, {})) for row in rows}


def late_of(series: Mapping[str, tuple[OccurrenceRead, ...]], today: date) -> dict[str, date]:
    """Of `series` (open_series), those with an occurrence before `today` not marked done -> the first such."""
    late: dict[str, date] = {}
    for public_id, occurrences_ in series.items():
        first = next((o.day for o in occurrences_ if o.done_on is None and o.day < today), None)
        if first is not None:
            late[public_id] = first
    return late


def next_of(series: Mapping[str, tuple[OccurrenceRead, ...]]) -> dict[str, date]:
    """Of `series` (open_series), the date a list shows: the first occurrence not marked done (the last
    occurrence once every one is marked)."""
    return {
        public_id: next((o.day for o in occurrences_ if o.done_on is None), occurrences_[-1].day)
        for public_id, occurrences_ in series.items() if occurrences_
    }


def late_series(session: Session, project_id: int, today: date) -> dict[str, date]:
    """The open recurring tasks with an occurrence before `today` not marked done: public id -> the first such
    occurrence.

    A recurring task is late by its occurrences, not by its first date; the few of a project are expanded here
    so that the checklist and the dashboard count them as the timeline does."""
    return late_of(open_series(session, project_id, col(Task.due_date) < today), today)


def missed_deadlines(session: Session, project_id: int, *where) -> dict[str, tuple[MissedDeadline, ...]]:
    """The tasks (meeting `where`) due, or done, after a statutory deadline they serve: public id -> the
    deadlines missed (as the timeline flags them, domain/plan.late_for). Only template tasks serve deadlines."""
    project = project_row(session, project_id)
    deadlines = {d.key: d for d in deadlines_for(project.rule_profile, project.exit_type, project_dates(project))}
    missed: dict[str, tuple[MissedDeadline, ...]] = {}
    for public_id, due, status, done_on, key in session.exec(
        select(Task.public_id, Task.due_date, Task.status, Task.done_on, Task.template_key).where(
            Task.project_id == project_id, col(Task.template_key).is_not(None), *where,
        )
    ):
        late = late_for(PlanTask(public_id, due, done=status == DONE, done_on=done_on, template_key=key),
                        deadlines.values())
        if late:
            missed[public_id] = tuple(MissedDeadline(k, deadlines[k].basis, deadlines[k].day) for k in late)
    return missed


# --- replanning -------------------------------------------------------------------------------------------------


def _changed_dates(project: Project, change: PlanChange) -> ProjectDates:
    anchor = Anchor(change.anchor)
    new_date = as_date(change.value, anchor.value)
    if new_date is None:
        raise UserError("error.date_required", field=anchor.value)
    dates = replace(project_dates(project), **{anchor.value: new_date})
    validate_dates(ExitType(project.exit_type), dates)
    return dates


def _changed_task(plan: list[PlanTask], change: PlanChange, dates: ProjectDates) -> tuple[list[PlanTask], DueRule | None]:
    """The plan with one task's due (a date or a rule) changed; rejects unknown ids and loops of rules."""
    by_key = {t.key: t for t in plan}
    key = (change.task or "").strip().upper()
    if key not in by_key:
        raise NotFound("error.task_not_found", value=change.task)
    due, rule = parse_due_text(change.value, dates, {k: t.due for k, t in by_key.items()})
    changed = {**by_key, key: replace(by_key[key], due=due, rule=rule)}
    try:
        rule_order(changed)
    except CycleError as exc:
        raise UserError("error.dependency_cycle", field="due", cycle=" -> ".join(exc.cycle)) from None
    return list(changed.values()), rule


def _flag_reads(pairs, titles: dict[str, Task], deadlines: list[Deadline], dates: ProjectDates) -> tuple:
    by_key = {d.key: d for d in deadlines}
    return tuple(
        FlagRead(key, *titles_of(titles[key]),
                 deadline_read(by_key[deadline], dates))
        for key, deadline in pairs
    )


def _replan(session: Session, project_id: int, change: PlanChange, *, write: bool) -> ReplanPreview:
    if (change.anchor is None) == (change.task is None):
        raise ValueError("PlanChange needs exactly one of anchor or task")
    project = project_row(session, project_id)
    rows = {task.public_id: task for task in _tasks(session, project_id)}
    started = _started_series(session, project_id)
    before = [_plan_task(task, started) for task in rows.values()]
    dates_before = project_dates(project)
    if change.anchor is not None:
        dates_after, edited, new_rule = _changed_dates(project, change), before, None
    else:
        dates_after = dates_before
        edited, new_rule = _changed_task(before, change, dates_before)
    planned = plan_dates(edited, dates_after)
    after = [replace(t, due=planned[t.key]) for t in edited]
    exit_type = ExitType(project.exit_type)
    deadlines_before = deadlines_for(project.rule_profile, exit_type, dates_before)
    deadlines_after = deadlines_for(project.rule_profile, exit_type, dates_after)
    diff = diff_plan(before, after, deadlines_before, deadlines_after, dates_before, dates_after)
    kept = sum(
        1 for t in after
        if (t.done or t.pinned) and t.rule is not None and (t.predecessor is None or t.predecessor in planned)
        and t.rule.resolve(dates_after, planned) != t.due
    )
    preview = ReplanPreview(
        change=change,
        moves=tuple(
            MoveRead(m.key, *titles_of(rows[m.key]), m.old, m.new)
            for m in diff.moves
        ),
        flags_added=_flag_reads(diff.flags_added, rows, deadlines_after, dates_after),
        flags_cleared=_flag_reads(diff.flags_cleared, rows, deadlines_before, dates_before),
        warnings_added=tuple(
            deadline_read(d, dates_after) for d in deadlines_after if d.key in diff.warnings_added
        ),
        warnings_cleared=tuple(
            deadline_read(d, dates_before) for d in deadlines_before if d.key in diff.warnings_cleared
        ),
        kept_done=kept,
        prepaid=_prepaid_preview(session, project, dates_before, dates_after),
        notices=parties.notice_moves(session, project_id, dates_before, dates_after),
    )
    if write:
        _write(session, project, rows, change, dates_before, dates_after, new_rule, diff.moves)
        if preview.prepaid is not None:
            from . import accounts

            accounts.resplit(session, project_id)  # the same transaction: T and the splits move together
    return preview


def _prepaid_preview(session: Session, project: Project, before: ProjectDates, after: ProjectDates):
    """When T moves and the settlement cut-off is T's (none set apart), every prepaid line's split moves with it."""
    if before.handover == after.handover or project.settlement_cutoff is not None:
        return None
    from . import accounts

    preview = accounts.preview_cutoff(session, project.id, after.handover)
    return preview if preview.changes else None


def _write(session, project, rows, change, dates_before, dates_after, new_rule, moves) -> None:
    if change.anchor is not None:
        field = DATE_FIELDS[Anchor(change.anchor)]
        old = getattr(project, field)
        new = getattr(dates_after, Anchor(change.anchor).value)
        if old != new:
            setattr(project, field, new)
            session.add(project)
    else:
        task = rows[change.task.strip().upper()]
        anchor = new_rule.anchor_code if new_rule else None
        offset = new_rule.offset if new_rule else None
        for name, value in (("due_anchor", anchor), ("due_offset", offset)):
            if getattr(task, name) != value:
                setattr(task, name, value)
                session.add(task)
    for move in moves:
        task = rows[move.key]
        task.due_date = move.new
        session.add(task)
    session.flush()


def preview_replan(session: Session, project_id: int, change: PlanChange) -> ReplanPreview:
    """What `change` would do: tasks that move (from, to), statutory flags that appear or clear. Writes nothing."""
    return _replan(session, project_id, change, write=False)


def apply_replan(session: Session, project_id: int, change: PlanChange) -> ReplanPreview:
    """Apply `change` and every move it causes, audited, in the caller's transaction; returns what it did."""
    return _replan(session, project_id, change, write=True)


def plan_snapshot(session: Session, project_id: int) -> list[PlanTask]:
    """The project's tasks as the planner sees them now (to measure a change against, with effects_since)."""
    started = _started_series(session, project_id)
    return [_plan_task(task, started) for task in _task_rows(session, project_id)]


def effects_since(
    session: Session, project_id: int, before: list[PlanTask], direct: set[str] = frozenset()
) -> ReplanPreview:
    """What changed in the plan since `before` was taken, as a replan preview: tasks that moved (leaving out
    `direct`, the ones the change itself set) and statutory flags that appeared or cleared."""
    project = project_row(session, project_id)
    rows = {task.public_id: task for task in _task_rows(session, project_id)}
    after = plan_snapshot(session, project_id)
    dates = project_dates(project)
    deadlines = deadlines_for(project.rule_profile, ExitType(project.exit_type), dates)
    diff = diff_plan(before, after, deadlines, deadlines, dates, dates)
    return ReplanPreview(
        change=PlanChange("", task=""),
        moves=tuple(
            MoveRead(m.key, *titles_of(rows[m.key]), m.old, m.new)
            for m in diff.moves if m.key not in direct
        ),
        flags_added=_flag_reads(diff.flags_added, rows, deadlines, dates),
        flags_cleared=_flag_reads(diff.flags_cleared, rows, deadlines, dates),
    )


def follow_rules(session: Session, project_id: int) -> int:
    """Move every open task to the date its rule gives now (after an import changed dates); audited.

    Returns how many moved; rules that loop raise UserError naming the loop (the caller's transaction rolls
    back)."""
    project = project_row(session, project_id)
    rows = {task.public_id: task for task in _tasks(session, project_id)}
    try:
        started = _started_series(session, project_id)
        planned = plan_dates([_plan_task(task, started) for task in rows.values()], project_dates(project))
    except CycleError as exc:
        raise UserError("error.dependency_cycle", field="due_date", cycle=" -> ".join(exc.cycle)) from None
    moved = 0
    for key, day in planned.items():
        task = rows[key]
        if task.due_date != day:
            task.due_date = day
            session.add(task)
            moved += 1
    session.flush()
    return moved


# --- occurrences of recurring tasks -----------------------------------------------------------------------------


def _task_row(session: Session, project_id: int, public_id: str) -> Task:
    task = session.exec(select(Task).where(Task.project_id == project_id, Task.public_id == public_id)).first()
    if task is None:
        raise NotFound("error.task_not_found", value=public_id)
    return task


def list_occurrences(session: Session, project_id: int, public_id: str) -> tuple[OccurrenceRead, ...]:
    task = _task_row(session, project_id, public_id)
    marks = session.exec(
        select(OccurrenceDone.occurs_on, OccurrenceDone.done_on).where(OccurrenceDone.task_id == task.id)
    )
    return task_occurrences(task, project_dates(project_row(session, project_id)), dict(marks.all()))


def set_occurrence_done(
    session: Session, project_id: int, public_id: str, day: date, done: bool, today: date
) -> tuple[OccurrenceRead, ...]:
    """Mark one occurrence of a recurring task done (on `today`) or open again; audited. Returns them all."""
    task = _task_row(session, project_id, public_id)
    if day not in {o.day for o in list_occurrences(session, project_id, public_id)}:
        raise UserError("error.no_such_occurrence", value=day.isoformat(), task=public_id)
    mark = session.exec(
        select(OccurrenceDone).where(OccurrenceDone.task_id == task.id, OccurrenceDone.occurs_on == day)
    ).first()
    if done and mark is None:
        session.add(OccurrenceDone(task_id=task.id, occurs_on=day, done_on=today))
    elif not done and mark is not None:
        session.delete(mark)
    session.flush()
    return list_occurrences(session, project_id, public_id)
