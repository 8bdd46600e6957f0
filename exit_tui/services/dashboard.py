"""The numbers on the dashboard, computed in SQL (fast on a 100k-task project)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..db.models import Phase, Task
from ..domain.enums import TaskStatus
from .checklist import TaskRead, task_read
from .projects import ProjectRead, get_project

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class PhaseProgress:
    no: int
    name_zh: str
    name_en: str
    done: int
    total: int
    overdue: int


@dataclass(frozen=True)
class Dashboard:
    project: ProjectRead
    today: date
    phases: list[PhaseProgress]
    overdue: int
    due_soon: int
    """Open tasks due from today to today + DUE_SOON_DAYS."""
    done: int
    total: int
    next_up: list[TaskRead]
    """Overdue and soon-due open tasks, most urgent first (a short list)."""

    @property
    def days_to_handover(self) -> int:
        return (self.project.dates.handover - self.today).days

    @property
    def days_to_contract_end(self) -> int:
        return (self.project.dates.contract_end - self.today).days


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
    open_task = (Task.project_id == project_id) & (Task.status != TaskStatus.DONE.value)
    due_soon = session.exec(
        select(func.count()).select_from(Task).where(open_task, col(Task.due_date) >= today,
                                                     col(Task.due_date) <= soon_end)
    ).one()
    urgent = session.exec(
        select(Task).where(open_task, col(Task.due_date) <= soon_end)
        .order_by(col(Task.due_date), col(Task.public_id)).limit(next_up)
    )
    return Dashboard(
        project=project,
        today=today,
        phases=phases,
        overdue=sum(p.overdue for p in phases),
        due_soon=due_soon,
        done=sum(p.done for p in phases),
        total=sum(p.total for p in phases),
        next_up=[task_read(t, today) for t in urgent],
    )
