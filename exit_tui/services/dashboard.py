"""The numbers on the dashboard, computed in SQL from indexes (fast on a 100k-task project).

The same queries as the quick start's (services/quickstart.py, written there for sqlite3, whose helpers combine
the rows here too): counts per phase from the (project, phase, status, due) index alone, each open status's
first tasks read in that index's order, the few recurring and template tasks from their partial indexes.
"""

from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..db.models import AuditEntry, Phase, Risk, Task
from ..domain.risks import OPEN_STATUSES as OPEN_RISKS
from ..domain.enums import TaskStatus
from ..domain.plan import PlanTask, late_for
from ..domain.statutes import deadlines_for
from .readmodels import task_read
from .accounts import figures_of
from .handover import summary
from .risks import figures_of as risks_figures_of
from .staff import figures_of as staff_figures_of
from .parties import figures_and_late as parties_figures_and_late
from .projects import get_project
from .quickstart import OPEN_STATUSES, most_urgent, phase_progress
from .readmodels import DUE_SOON_DAYS, Dashboard, DeadlineRead, ProjectRead, review_dates
from .timeline import deadline_read, late_series

DONE = TaskStatus.DONE.value


def load_dashboard(session: Session, project_id: int, today: date, next_up: int = 8) -> Dashboard:
    project = get_project(session, project_id)
    late = late_series(session, project_id, today)
    counts = session.exec(
        select(
            Task.phase_no,
            func.count(),
            func.sum(case((Task.status == DONE, 1), else_=0)),
            func.sum(case(((Task.status != DONE) & (col(Task.due_date) < today), 1), else_=0)),
        )
        .where(Task.project_id == project_id)
        .group_by(Task.phase_no)
    ).all()
    recurring = session.exec(  # the open recurring tasks past their first date (as timeline.late_series reads)
        select(Task.public_id, Task.phase_no).where(
            Task.project_id == project_id, col(Task.recurrence).is_not(None), Task.status != DONE,
            col(Task.due_date) < today)
    ).all()
    phases = phase_progress(session.exec(select(Phase).where(Phase.project_id == project_id).order_by(col(Phase.no))),
                            [(no, total, done or 0, past or 0) for no, total, done, past in counts], recurring, late)
    soon_end = today + timedelta(days=DUE_SOON_DAYS)
    due_soon = session.exec(
        select(func.count()).select_from(Task).where(
            Task.project_id == project_id, col(Task.status).in_(OPEN_STATUSES), col(Task.recurrence).is_(None),
            col(Task.due_date) >= today, col(Task.due_date) <= soon_end)
    ).one()
    one_offs = [
        task for status in OPEN_STATUSES for task in session.exec(
            select(Task).where(Task.project_id == project_id, Task.status == status, col(Task.recurrence).is_(None),
                               col(Task.due_date) <= soon_end)
            .order_by(col(Task.due_date), col(Task.public_id)).limit(next_up))
    ]
    late_tasks = session.exec(select(Task).where(Task.project_id == project_id, col(Task.public_id).in_(list(late))))
    urgent = most_urgent(one_offs, late_tasks, late, next_up)
    next_deadline, alerts = _deadlines(session, project, today)
    stamp = session.exec(select(func.max(AuditEntry.id))).one() or 0
    parties, late_parties = parties_figures_and_late(session, project_id, today)
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
        handover=summary(session, project_id),
        accounts=figures_of(session, project_id),
        risks=risks_figures_of(session, project_id, today),
        staff=staff_figures_of(session, project_id),
        late_reviews=review_dates(session.execute(
            select(Risk.public_id, Risk.title_zh, Risk.title_en, Risk.next_review, Risk.status, Risk.owner)
            .where(Risk.project_id == project_id, col(Risk.status).in_(sorted(OPEN_RISKS)),
                   col(Risk.next_review).is_not(None), col(Risk.next_review) < today)
            .order_by(col(Risk.next_review), col(Risk.public_id)).limit(next_up))),
        parties=parties,
        late_parties=late_parties[:next_up],
    )


def _deadlines(session: Session, project: ProjectRead, today: date) -> tuple[DeadlineRead | None, int]:
    """The next statutory deadline, and how many are missed by a task serving them or already impossible."""
    deadlines = deadlines_for(project.rule_profile, project.exit_type, project.dates)
    serving = {key for d in deadlines for key in d.serves}
    rows = session.exec(
        select(Task.public_id, Task.template_key, Task.due_date, Task.status, Task.done_on)
        .where(Task.project_id == project.id, col(Task.template_key).in_(serving))
    )
    tasks = [PlanTask(pid, due, done=status == DONE, done_on=done_on, template_key=key)
             for pid, key, due, status, done_on in rows]
    missed = {key for task in tasks for key in late_for(task, deadlines)}
    alerts = sum(1 for d in deadlines if d.key in missed or d.day < project.dates.decision)
    upcoming = next((d for d in deadlines if d.day >= today), None)
    return (deadline_read(upcoming, project.dates) if upcoming else None), alerts
