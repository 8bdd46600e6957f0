"""Tasks of a project: list and filter (in SQL), change status/owner/due/note, add, delete. All audited."""

from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from ..db.models import Project, Task
from ..domain.dates import normalize
from ..domain.enums import PHASE_COUNT, TaskStatus
from ..domain.schedule import ProjectDates, rule_from_parts
from ..domain.templates import roles
from . import timeline
from .errors import NotFound, UserError
from .ids import next_public_id
from .inputs import clean_basis, clean_duration, clean_text, clean_title, parse_due_text
from .readmodels import (
    PlanChange,
    TaskChanges,
    TaskPage,
    TaskQuery,
    TaskRead,
    shown_title,
    task_read,
)


def overdue_condition(today: date, late_series: Mapping[str, date]):
    """SQL for "open and overdue": past its due date, or (a recurring task) among `late_series`."""
    return (Task.status != TaskStatus.DONE.value) & or_(
        col(Task.recurrence).is_(None) & (col(Task.due_date) < today),
        col(Task.public_id).in_(list(late_series)),
    )


def _read(session: Session, task: Task, today: date) -> TaskRead:
    """One task, its overdue flag, next occurrence and missed deadlines included."""
    one = (Task.id == task.id,)
    series = timeline.open_series(session, task.project_id, *one) if task.recurrence else {}
    missed = timeline.missed_deadlines(session, task.project_id, *one) if task.template_key else {}
    return task_read(task, today, timeline.late_of(series, today), timeline.next_of(series), missed)


def _conditions(project_id: int, query: TaskQuery, today: date, late_series: Mapping[str, date]) -> list:
    conditions = [Task.project_id == project_id]
    if query.statuses:
        conditions.append(col(Task.status).in_([s.value for s in query.statuses]))
    if query.overdue_only:
        conditions.append(overdue_condition(today, late_series))
    if query.phase_no is not None:
        conditions.append(Task.phase_no == query.phase_no)
    text = normalize(query.text)
    if text:
        # `%`, `_` and `\` typed by the user are literal characters, not LIKE wildcards.
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        matching_roles = [
            r.key for r in roles().values() if text.lower() in r.zh.lower() or text.lower() in r.en.lower()
        ]
        conditions.append(
            or_(
                col(Task.public_id).ilike(pattern, escape="\\"),
                col(Task.title).ilike(pattern, escape="\\"),
                col(Task.title_zh).ilike(pattern, escape="\\"),
                col(Task.title_en).ilike(pattern, escape="\\"),
                col(Task.owner).ilike(pattern, escape="\\"),
                col(Task.legal_basis).ilike(pattern, escape="\\"),
                col(Task.note).ilike(pattern, escape="\\"),
                col(Task.owner).in_(matching_roles),
            )
        )
    return conditions


def list_tasks(session: Session, project_id: int, query: TaskQuery, today: date) -> TaskPage:
    """Tasks matching `query`, by phase then the date shown (TaskRead.shown_due: a recurring task's next open
    occurrence), at most `query.limit` of them."""
    series = timeline.open_series(session, project_id)
    late, upcoming = timeline.late_of(series, today), timeline.next_of(series)
    missed = timeline.missed_deadlines(session, project_id)
    conditions = _conditions(project_id, query, today, late)
    matching = session.exec(select(func.count()).select_from(Task).where(*conditions)).one()
    total = session.exec(select(func.count()).select_from(Task).where(Task.project_id == project_id)).one()
    shown_due = case(upcoming, value=Task.public_id, else_=Task.due_date) if upcoming else col(Task.due_date)
    rows = session.exec(
        select(Task)
        .where(*conditions)
        .order_by(col(Task.phase_no), shown_due, col(Task.public_id))
        .limit(query.limit)
    )
    return TaskPage([task_read(t, today, late, upcoming, missed) for t in rows], matching, total)


def get_task(session: Session, project_id: int, public_id: str, today: date) -> TaskRead:
    return _read(session, _row(session, project_id, public_id), today)


def _row(session: Session, project_id: int, public_id: str) -> Task:
    task = session.exec(select(Task).where(Task.project_id == project_id, Task.public_id == public_id)).first()
    if task is None:
        raise NotFound("error.task_not_found", value=public_id)
    return task


def _due_text(task: Task) -> str:
    """The due as the form shows it: the rule when there is one, else the date."""
    rule = rule_from_parts(task.due_anchor, task.due_offset)
    return str(rule) if rule else task.due_date.isoformat()


def _task_dates(session: Session, project_id: int) -> dict[str, date]:
    """Public id -> due date of every task of the project (for rules counted from a task)."""
    rows = session.exec(select(Task.public_id, Task.due_date).where(Task.project_id == project_id))
    return dict(rows.all())


def _project_dates(session: Session, project_id: int) -> ProjectDates:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    return ProjectDates(project.decision_date, project.contract_end, project.handover_date, project.continuation_end)


def _set(session: Session, task: Task, name: str, value: object) -> bool:
    old = getattr(task, name)
    if old == value:
        return False
    setattr(task, name, value)
    session.add(task)
    return True


def _set_status(session: Session, task: Task, status: TaskStatus, today: date) -> None:
    if _set(session, task, "status", status.value):
        task.done_on = today if status is TaskStatus.DONE else None


def set_status(session: Session, project_id: int, public_id: str, status: TaskStatus | str, today: date) -> TaskRead:
    try:
        status = TaskStatus(status)
    except ValueError:
        raise UserError("error.bad_status", field="status", value=status) from None
    task = _row(session, project_id, public_id)
    _set_status(session, task, status, today)
    session.flush()
    return _read(session, task, today)


def toggle_done(session: Session, project_id: int, public_id: str, today: date) -> TaskRead:
    """Done becomes to-do; anything else becomes done."""
    task = _row(session, project_id, public_id)
    status = TaskStatus.TODO if task.status == TaskStatus.DONE else TaskStatus.DONE
    return set_status(session, project_id, public_id, status, today)


def update_task(session: Session, project_id: int, public_id: str, changes: TaskChanges, today: date) -> TaskRead:
    """Validate every field first, then write the ones that changed, each with an audit entry."""
    task = _row(session, project_id, public_id)
    title = clean_title(changes.title) if changes.title is not None else None
    basis = clean_basis(changes.legal_basis) if changes.legal_basis is not None else None
    due_change = None
    if changes.due is not None and changes.due.strip() != _due_text(task):
        due_change = PlanChange(changes.due, task=public_id)
        timeline.preview_replan(session, project_id, due_change)  # validates (bad text, unknown task, loop)
    duration = clean_duration(changes.duration) if changes.duration is not None else None
    status = None
    if changes.status is not None:
        try:
            status = TaskStatus(changes.status)
        except ValueError:
            raise UserError("error.bad_status", field="status", value=changes.status) from None

    if title is not None and title != shown_title(task.title, task.title_zh, task.title_en):
        _set(session, task, "title", title)  # one text from now on, whatever the language (template pairs drift)
    if changes.owner is not None:
        _set(session, task, "owner", clean_text(changes.owner))
    if due_change is not None:  # the task and every open task counted from it move, audited
        timeline.apply_replan(session, project_id, due_change)
        session.refresh(task)
    if changes.legal_basis is not None:
        _set(session, task, "legal_basis", basis)
    if changes.note is not None:
        _set(session, task, "note", clean_text(changes.note))
    if duration is not None:
        _set(session, task, "duration_days", duration)
    if status is not None:
        _set_status(session, task, status, today)
    session.flush()
    return _read(session, task, today)


def add_task(
    session: Session,
    project_id: int,
    *,
    phase_no: int,
    title: str,
    due: str,
    today: date,
    owner: str = "",
    legal_basis: str | None = None,
    note: str = "",
    duration: str | int | None = None,
) -> TaskRead:
    """Add a task (its title is one text, shown in either language)."""
    if not 1 <= int(phase_no) <= PHASE_COUNT:
        raise UserError("error.bad_phase", field="phase", max=PHASE_COUNT)
    title = clean_title(title)
    due_date, rule = parse_due_text(due, _project_dates(session, project_id), _task_dates(session, project_id))
    task = Task(
        project_id=project_id,
        public_id=next_public_id(session, project_id, "T"),
        phase_no=int(phase_no),
        title=title,
        title_zh=title,
        title_en=title,
        owner=clean_text(owner),
        due_date=due_date,
        due_anchor=rule.anchor_code if rule else None,
        due_offset=rule.offset if rule else None,
        legal_basis=clean_basis(legal_basis),
        note=clean_text(note),
        duration_days=clean_duration(duration),
        created_at=datetime.now(UTC),
    )
    session.add(task)
    session.flush()
    return _read(session, task, today)


def _counted_from(session: Session, project_id: int, public_id: str) -> list[Task]:
    """The tasks whose due date is counted from task `public_id`."""
    rows = session.exec(select(Task).where(Task.project_id == project_id, Task.due_anchor == public_id)
                        .order_by(col(Task.due_date), col(Task.id)))
    return list(rows)


def dependants(session: Session, project_id: int, public_id: str) -> list[str]:
    """One line per task counted from `public_id` (`T-0025  2026-12-08  title`): what deleting it would change."""
    _row(session, project_id, public_id)
    return [f"{t.public_id}  {t.due_date.isoformat()}  {shown_title(t.title, t.title_zh, t.title_en)}"
            for t in _counted_from(session, project_id, public_id)]


def delete_task(session: Session, project_id: int, public_id: str, *, detach: bool = False) -> None:
    """Delete a task. Tasks counted from it keep their current dates as fixed dates when `detach` is given;
    without it such a delete is refused (no rule may point at a deleted task)."""
    task = _row(session, project_id, public_id)
    followers = _counted_from(session, project_id, public_id)
    if followers and not detach:
        raise UserError("error.task_has_dependants", value=public_id,
                        ids=", ".join(t.public_id for t in followers))
    for follower in followers:  # its date stays; it no longer moves with a task that is gone
        follower.due_anchor = None
        follower.due_offset = None
        session.add(follower)
    session.delete(task)
    session.flush()



def export_rows(session: Session, project_id: int, *, stream: bool = False):
    """The task sheet's rows (keys of io.spec.TASKS), by phase, due date and id, texts in the current language;
    `statutory` names the statutory deadlines a task misses (it is due, or was done, after them).

    A list of dicts; with `stream=True`, `(count, rows)` where rows is an iterator yielding the dicts one at a
    time straight from the database cursor (a Core select of just the columns the sheet shows, no ORM objects),
    so a schedule of any length costs the memory of one row. Iterate it while the session is open."""
    from ..db.models import Phase
    from ..i18n import _, pick
    from ..i18n.labels import role_label

    # Plain column selects run through the connection (Core), not the ORM: no ORM loading context, and an ORM
    # result would fetch every row before yielding the first.
    connection = session.connection()
    phase_rows = connection.execute(
        select(Phase.no, Phase.name_zh, Phase.name_en).where(Phase.project_id == project_id)
    )
    phases = {no: pick(name_zh, name_en) for no, name_zh, name_en in phase_rows}
    where = Task.project_id == project_id
    query = (
        select(Task.public_id, Task.phase_no, Task.title, Task.title_zh, Task.title_en, Task.owner, Task.due_date,
               Task.status, Task.legal_basis, Task.note, Task.done_on)
        .where(where)
        .order_by(col(Task.phase_no), col(Task.due_date), col(Task.id))
    )
    owners: dict[str, str] = {}  # role_label per distinct owner text, not per row
    missed = {
        public_id: "; ".join(f"{_('timeline.late_for', basis=m.basis)} ({m.day.isoformat()})" for m in found)
        for public_id, found in timeline.missed_deadlines(session, project_id).items()
    }

    def rows():
        for public_id, phase_no, title, title_zh, title_en, owner, due_date, status, basis, note, done_on in (
            connection.execute(query)
        ):
            label = owners.get(owner)
            if label is None:
                label = owners[owner] = role_label(owner)
            yield {
                "public_id": public_id,
                "phase_no": phase_no,
                "phase_name": phases.get(phase_no, ""),
                "title": shown_title(title, title_zh, title_en),
                "owner": label,
                "due_date": due_date,
                "status": status,
                "legal_basis": basis or "",
                "note": note,
                "done_on": done_on,
                "statutory": missed.get(public_id, ""),
            }

    if not stream:
        return list(rows())
    count = connection.execute(select(func.count()).select_from(Task).where(where)).scalar_one()
    return count, rows()
