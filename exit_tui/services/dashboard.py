"""The numbers on the dashboard, computed in SQL (fast on a 100k-task project)."""

from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..db.models import AuditEntry, Phase, Task
from ..domain.enums import TaskStatus
from .checklist import task_read
from .projects import get_project
from .readmodels import DUE_SOON_DAYS, Dashboard, PhaseProgress

OPEN_STATUSES = [s.value for s in TaskStatus if s is not TaskStatus.DONE]

def load_dashboard(session: Session, project_id: int, today: date, next_up: int = 8) -> Dashboard:
    project = get_project(session, project_id)
    is_done = Task.status == TaskStatus.DONE.value
    is_overdue = (Task.status != TaskStatus.DONE.value) & (col(Task.due_date) < today)
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
    due_soon = session.exec(
        select(func.count()).select_from(Task).where(open_task, col(Task.due_date) >= today,
                                                     col(Task.due_date) <= soon_end)
    ).one()
    urgent = session.exec(
        select(Task).where(open_task, col(Task.due_date) <= soon_end)
        .order_by(col(Task.due_date), col(Task.public_id)).limit(next_up)
    )
    stamp = session.exec(select(func.max(AuditEntry.id))).one() or 0
    return Dashboard(
        project=project,
        today=today,
        phases=phases,
        overdue=sum(p.overdue for p in phases),
        due_soon=due_soon,
        done=sum(p.done for p in phases),
        total=sum(p.total for p in phases),
        next_up=[task_read(t, today) for t in urgent],
        stamp=stamp,
    )
