"""The numbers on the dashboard, computed in SQL (fast on a 100k-task project)."""

from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..db.models import AuditEntry, Phase, Task
from ..domain.enums import TaskStatus
from .checklist import overdue_condition, task_read
from .timeline import deadline_read, late_series
from .projects import get_project
from ..domain.plan import PlanTask, late_for
from ..domain.statutes import deadlines_for
from .readmodels import DUE_SOON_DAYS, Dashboard, DeadlineRead, PhaseProgress, ProjectRead

OPEN_STATUSES = [s.value for s in TaskStatus if s is not TaskStatus.DONE]

def load_dashboard(session: Session, project_id: int, today: date, next_up: int = 8) -> Dashboard:
    project = get_project(session, project_id)
    is_done = Task.status == TaskStatus.DONE.value
    late = late_series(session, project_id, today)
    is_overdue = overdue_condition(today, late)
    counts = session.exec(
        select(
            Task.phase_no,
            func.count(),
            func.sum(case((is_done, 1), else_=0)),
            func.sum(case((is_overdue, 1), else_=0)),
        )
        .where(Task.project_id == project_id)
        .group_by(Task.phase_no)
    ).all()
    by_phase = {no: (total, done or 0, overdue or 0) for no, total, done, overdue in counts}
    phases = []
    for phase in session.exec(select(Phase).where(Phase.project_id == project_id).order_by(col(Phase.no))):
        total, done, overdue = by_phase.get(phase.no, (0, 0, 0))
        phases.append(PhaseProgress(phase.no, phase.name_zh, phase.name_en, done, total, overdue))
    soon_end = today + timedelta(days=DUE_SOON_DAYS)
    # `IN (open statuses)` rather than `!= done`, so that the (project, status, due) index serves it.
    open_task = (Task.project_id == project_id) & col(Task.status).in_(OPEN_STATUSES)
    # A recurring task is listed when an occurrence is late, not because its series started in the past.
    one_off_or_late = col(Task.recurrence).is_(None) | col(Task.public_id).in_(list(late))
    due_soon = session.exec(
        select(func.count()).select_from(Task).where(open_task, col(Task.recurrence).is_(None),
                                                     col(Task.due_date) >= today, col(Task.due_date) <= soon_end)
    ).one()
    # Most urgent first by the date a list shows (a late recurring task: its late occurrence).
    shown_due = case(late, value=Task.public_id, else_=Task.due_date) if late else col(Task.due_date)
    urgent = session.exec(
        select(Task).where(open_task, one_off_or_late, col(Task.due_date) <= soon_end)
        .order_by(shown_due, col(Task.public_id)).limit(next_up)
    )
    next_deadline, alerts = _deadlines(session, project, today)
    stamp = session.exec(select(func.max(AuditEntry.id))).one() or 0
    return Dashboard(
        project=project,
        today=today,
        phases=phases,
        overdue=sum(p.overdue for p in phases),
        due_soon=due_soon,
        done=sum(p.done for p in phases),
        total=sum(p.total for p in phases),
        next_up=[task_read(t, today, late) for t in urgent],
        stamp=stamp,
        next_deadline=next_deadline,
        deadline_alerts=alerts,
    )


def _deadlines(session: Session, project: ProjectRead, today: date) -> tuple[DeadlineRead | None, int]:
    """The next statutory deadline, and how many are missed by a task serving them or already impossible."""
    deadlines = deadlines_for(project.rule_profile, project.exit_type, project.dates)
    serving = {key for d in deadlines for key in d.serves}
    rows = session.exec(
        select(Task.public_id, Task.template_key, Task.due_date, Task.status, Task.done_on)
        .where(Task.project_id == project.id, col(Task.template_key).in_(serving))
    )
    tasks = [PlanTask(pid, due, done=status == TaskStatus.DONE.value, done_on=done_on, template_key=key)
             for pid, key, due, status, done_on in rows]
    missed = {key for task in tasks for key in late_for(task, deadlines)}
    alerts = sum(1 for d in deadlines if d.key in missed or d.day < project.dates.decision)
    upcoming = next((d for d in deadlines if d.day >= today), None)
    return (deadline_read(upcoming, project.dates) if upcoming else None), alerts
