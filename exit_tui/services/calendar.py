"""What the calendar export needs beyond the timeline: the database's id (for UIDs unique per database), each
event's revision (for SEQUENCE), the risks' drill rules (a drill schedule is one recurring event), and which dates
were counted without holiday data (also on the package)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..db.models import AuditEntry, Risk
from ..domain.enums import TaskStatus
from ..domain.schedule import parse_rule
from . import meta
from .readmodels import Timeline
from .timeline import load_timeline


@dataclass(frozen=True)
class CalendarData:
    timeline: Timeline
    database_id: str
    revisions: Mapping[tuple[str, str], int]
    """(entity, public id) -> how many changes the audit log holds for it: ("task", "T-0042"), ("project",
    "P-0001"), ("inspection", "I-0003"), ("batch_item", "B-0001/D-0009"), ("risk", "R-0001"), and ("amendments",
    "B-0001") for all the amendments of a batch. The log is append-only, so the count only grows."""

    uncovered: Mapping[str, list[int]]
    """Open tasks that counted working days in years without holiday data: public id -> years (uncovered_by_task)."""

    drill_rules: Mapping[str, str] = field(default_factory=dict)
    """Risks with a drill schedule: public id -> its RRULE body (as stored, e.g. `FREQ=MONTHLY;INTERVAL=2`)."""

    def revision(self, entity: str, public_id: str) -> int:
        return self.revisions.get((entity, public_id), 0)

    @property
    def uncovered_years(self) -> list[int]:
        return _all_years(self.uncovered)


def calendar_data(session: Session, project_id: int, today: date) -> CalendarData:
    """The project's timeline, the database's id and the revisions of its tasks, of the project itself and of
    its dated handover and risk items, and the drill rules of the risks."""
    timeline = load_timeline(session, project_id, today)
    entities = ("task", "project", "inspection", "batch_item", "amendment", "risk", "notice", "contract")
    counts = session.exec(
        select(AuditEntry.entity, AuditEntry.public_id, func.count())
        .where(AuditEntry.project_id == project_id, col(AuditEntry.entity).in_(entities))
        .group_by(AuditEntry.entity, AuditEntry.public_id)
    )
    revisions: dict[tuple[str, str], int] = {}
    for entity, public_id, count in counts:
        if entity == "amendment":  # `B-0001#2`: counted with its batch's other amendments
            entity, public_id = "amendments", public_id.split("#")[0]
        revisions[entity, public_id] = revisions.get((entity, public_id), 0) + count
    rules = session.exec(select(Risk.public_id, Risk.drill_rule)
                         .where(Risk.project_id == project_id, Risk.drill_rule != "")).all()
    return CalendarData(timeline=timeline, database_id=meta.database_id(session), revisions=revisions,
                        uncovered=uncovered_by_task(timeline), drill_rules=dict(rules))


def uncovered_by_task(timeline: Timeline) -> dict[str, list[int]]:
    """Open tasks whose due date counted working days in years without holiday data (Monday to Friday instead:
    domain/workdays.py): public id -> those years. For a notice on what is exported."""
    dues = {task.public_id: task.due for task in timeline.tasks}
    found: dict[str, list[int]] = {}
    for task in timeline.tasks:
        if not task.rule or "wd" not in task.rule or task.status is TaskStatus.DONE:  # "wd": cheap before parsing
            continue
        try:
            years = parse_rule(task.rule).uncovered_years(timeline.project.dates, dues)
        except KeyError:  # counted from a task no longer there: its date was kept as it is
            continue
        if years:
            found[task.public_id] = years
    return found


def uncovered_years(timeline: Timeline) -> list[int]:
    """The years of uncovered_by_task, all tasks together."""
    return _all_years(uncovered_by_task(timeline))


def _all_years(by_task: Mapping[str, list[int]]) -> list[int]:
    return sorted({year for years in by_task.values() for year in years})
