"""The demo project: a realistic 1,200-unit compound with dates relative to today (data/demo.toml)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from ..db.models import Project, Task
from ..domain.enums import TaskStatus
from ..domain.templates import demo_settings
from . import checklist, timeline
from .projects import ProjectRead, create_project, get_project


def open_or_create_demo(session: Session, today: date) -> ProjectRead:
    """The demo project of this database: the existing one (with the user's changes), else a new one."""
    existing = session.exec(select(Project).where(Project.name == demo_settings()["name"])).first()
    if existing is not None:
        return get_project(session, existing.id)
    return create_demo(session, today)


def create_demo(session: Session, today: date) -> ProjectRead:
    """Create the demo project; tasks due before today are mostly done, a few left overdue."""
    cfg = demo_settings()
    handover = today + timedelta(days=cfg["handover_days"])
    project = create_project(
        session,
        name=cfg["name"],
        exit_type=cfg["exit_type"],
        rule_profile=cfg.get("rule_profile", "national"),
        address=cfg["address"],
        units=cfg["units"],
        decision=today + timedelta(days=cfg["decision_days"]),
        contract_end=today + timedelta(days=cfg["contract_end_days"]),
        handover=handover,
        continuation_end=handover + relativedelta(months=cfg["continuation_months"]),
        today=today,
    )
    for extra in cfg.get("extra_task", []):
        checklist.add_task(  # typed by a user: one title, shown in either language
            session, project.id, phase_no=extra["phase"], title=extra["title"], due=extra["due"],
            owner=extra["owner"], note=extra.get("note", ""), today=today,
        )
    doing_until = today + timedelta(days=cfg["doing_window_days"])
    tasks = session.exec(
        select(Task).where(Task.project_id == project.id).order_by(col(Task.due_date), col(Task.id))
    ).all()
    for index, task in enumerate(tasks, start=1):
        if task.recurrence:  # followed occurrence by occurrence (below)
            continue
        if task.due_date < today and index % cfg["overdue_every"]:
            status = TaskStatus.DONE
        elif today <= task.due_date <= doing_until and index % 2:
            status = TaskStatus.DOING
        else:
            continue
        # Done on the day it was due (the demo's history), in progress from today.
        when = task.due_date if status is TaskStatus.DONE else today
        checklist.set_status(session, project.id, task.public_id, status, when)
    for task in tasks:  # recurring tasks: every past occurrence done on its day but the latest one
        if task.recurrence:
            past = [o.day for o in timeline.list_occurrences(session, project.id, task.public_id) if o.day < today]
            for day in past[:-1]:
                timeline.set_occurrence_done(session, project.id, task.public_id, day, True, day)
    return project
