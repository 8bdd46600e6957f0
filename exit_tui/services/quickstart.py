"""Quick start: the dashboard of any day read with the standard library's sqlite3 (db/quickread.py), so that
the app shows the project's figures while SQLAlchemy, the models and the migrations still load.

It computes exactly what services/dashboard.load_dashboard computes (tests/test_quickstart.py compares the
two on the demo project for several days): the same queries written for sqlite3, their rows combined by the
same helpers (`phase_progress`, `most_urgent`, used there too), and the same rules for overdue recurring tasks
and statutory deadlines, from the pure domain code. Every query is answered from an index that narrows it, so a
project of 100,000 tasks reads in a few tens of milliseconds. Nothing is remembered between
runs, so it does not matter how the last session ended. Light on purpose: no SQLAlchemy here.
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import SimpleNamespace

from ..db.quickread import QuickReader, QuickReadError
from ..domain.dates import DateParseError, parse_date
from ..domain.enums import ExitType, TaskStatus
from ..domain.plan import PlanTask, late_for
from ..domain.schedule import OffsetParseError, ProjectDates, occurrences, parse_rule
from ..domain.statutes import deadlines_for
from ..domain.accounts import CLOSED_STATES, LineState
from ..domain.handover import OPEN_STATES
from ..domain.risks import OPEN_STATUSES as OPEN_RISKS, thresholds_for
from .readmodels import (
    CONTRACT_FIGURE_COLUMNS, DUE_SOON_DAYS, NOTICE_FIGURE_COLUMNS, STAFF_FIGURE_COLUMNS, AccountsFigures, Dashboard,
    DeadlineRead, HandoverSummary, PhaseProgress, ProjectRead, RisksFigures, StaffFigures, accounts_figures,
    handover_summary, parties_figures, review_dates, risks_figures, staff_figures, task_read,
)

OPEN_STATUSES = [s.value for s in TaskStatus if s is not TaskStatus.DONE]
#: As services/timeline.py: how far a recurring task's occurrences are expanded.
MAX_OCCURRENCES = 400


def quick_dashboard(target: str, project_id: int, today: date, next_up: int = 8) -> Dashboard | None:
    """The dashboard of `project_id` on `today` from a SQLite file, or None when it cannot be read this way
    (another database, no such file or project, a file that needs a migration first)."""
    reader = QuickReader.open(target)
    if reader is None:
        return None
    try:
        with reader:
            return _dashboard(reader, project_id, today, next_up)
    except (QuickReadError, ValueError):  # ValueError: a stored value this code does not know (an enum, a date)
        return None


def _dashboard(reader: QuickReader, project_id: int, today: date, next_up: int) -> Dashboard | None:
    row = reader.project(project_id)
    if row is None:
        return None
    project = ProjectRead(
        id=row.id, public_id=row.public_id, name=row.name, address=row.address, units=row.units,
        exit_type=ExitType(row.exit_type), rule_profile=row.rule_profile,
        dates=ProjectDates(row.decision_date, row.contract_end, row.handover_date, row.continuation_end),
    )
    recurring = reader.recurring_open_before(project_id, today)
    late = _late_series(reader, project, recurring, today)
    phases = phase_progress(reader.phases(project_id), reader.phase_counts(project_id, today),
                            [(task.public_id, task.phase_no) for task in recurring], late)
    soon_end = today + timedelta(days=DUE_SOON_DAYS)
    one_offs = [task for status in OPEN_STATUSES for task in reader.first_due(project_id, status, soon_end, next_up)]
    urgent = most_urgent(one_offs, [task for task in recurring if task.public_id in late], late, next_up)
    next_deadline, alerts = _deadlines(reader, project, today)
    parties, late_parties = parties_figures(  # as services/parties.figures_and_late
        reader.notice_figures(project_id, NOTICE_FIGURE_COLUMNS),
        reader.contract_figures(project_id, CONTRACT_FIGURE_COLUMNS), project.rule_profile, project.dates, today)
    return Dashboard(
        project=project,
        today=today,
        phases=phases,
        overdue=sum(p.overdue for p in phases),
        due_soon=reader.due_soon(project_id, today, soon_end, OPEN_STATUSES),
        done=sum(p.done for p in phases),
        total=sum(p.total for p in phases),
        next_up=[task_read(t, today, late) for t in urgent],
        stamp=reader.last_change(),
        next_deadline=next_deadline,
        deadline_alerts=alerts,
        handover=_handover(reader, project_id),
        accounts=_accounts(reader, project_id),
        risks=_risks(reader, project, today),
        staff=_staff(reader, project),
        late_reviews=review_dates(reader.late_reviews(project_id, sorted(OPEN_RISKS), today, next_up)),
        parties=parties,
        late_parties=late_parties[:next_up],
    )


def _handover(reader: QuickReader, project_id: int) -> HandoverSummary:
    """As services/handover.summary: the handover card's figures."""
    return handover_summary(reader.register_items(project_id), reader.handed_documents(project_id),
                            reader.batch_outcomes(project_id), reader.amended_outcomes(project_id),
                            reader.key_counts(project_id), reader.inspections_in(project_id, sorted(OPEN_STATES)))


def _accounts(reader: QuickReader, project_id: int) -> AccountsFigures:
    """As services/accounts.figures_of: the accounts card's figures."""
    open_states = sorted(state.value for state in LineState if state not in CLOSED_STATES)
    return accounts_figures(reader.line_dues(project_id, open_states), reader.units_with_lines(project_id),
                            reader.units_with_lines(project_id, open_states), reader.unit_count(project_id))


def _risks(reader: QuickReader, project: ProjectRead, today: date) -> RisksFigures:
    """As services/risks.figures_of: the risks card's figures."""
    statuses = sorted(OPEN_RISKS)
    return risks_figures(reader.risk_ratings(project.id, statuses), reader.reviews_before(project.id, statuses, today),
                         thresholds_for(project.rule_profile))


def _staff(reader: QuickReader, project: ProjectRead) -> StaffFigures:
    """As services/staff.figures_of: the staff card's figures."""
    return staff_figures(reader.employee_figures(project.id, STAFF_FIGURE_COLUMNS), project.rule_profile,
                         *reader.staff_settings(project.id))


def phase_progress(phases: Iterable, counts: Iterable[tuple[int, int, int, int]],
                   recurring: Iterable[tuple[str, int]], late: Mapping[str, date]) -> list[PhaseProgress]:
    """Each phase's progress from `counts`, (phase no, tasks, done, open and past due) per phase, read from an
    index. A recurring task is overdue by its occurrences, not by its first date: of `recurring`, the (public id,
    phase no) of the open recurring tasks past their first date, those not `late` are taken off the overdue."""
    by_phase = {no: (total, done, past) for no, total, done, past in counts}
    on_time: dict[int, int] = {}
    for public_id, phase_no in recurring:
        if public_id not in late:
            on_time[phase_no] = on_time.get(phase_no, 0) + 1
    result = []
    for phase in phases:
        total, done, past = by_phase.get(phase.no, (0, 0, 0))
        result.append(PhaseProgress(phase.no, phase.name_zh, phase.name_en, done, total,
                                    past - on_time.get(phase.no, 0)))
    return result


def most_urgent(one_offs: Iterable, late_tasks: Iterable, late: Mapping[str, date], limit: int) -> list:
    """The `limit` most urgent of open one-off tasks (`one_offs`: each open status's first ones by due date) and
    late recurring tasks (`late_tasks`, shown on their late occurrence), by the date shown, then public id."""
    def shown(task) -> tuple[date, str]:
        return late.get(task.public_id, task.due_date), task.public_id

    return sorted([*one_offs, *late_tasks], key=shown)[:limit]


def _late_series(reader: QuickReader, project: ProjectRead, rows: list[SimpleNamespace],
                 today: date) -> dict[str, date]:
    """As services/timeline.late_series, for `rows` (the open recurring tasks past their first date): public id ->
    the first past occurrence not marked done."""
    if not rows:
        return {}
    marks: dict[int, set[date]] = {}
    for mark in reader.occurrence_marks([task.id for task in rows]):
        marks.setdefault(mark.task_id, set()).add(mark.occurs_on)
    late: dict[str, date] = {}
    for task in rows:
        days = _occurrences(task, project.dates)
        first = next((day for day in days if day not in marks.get(task.id, ()) and day < today), None)
        if first is not None:
            late[task.public_id] = first
    return late


def _occurrences(task: SimpleNamespace, dates: ProjectDates) -> list[date]:
    """As services/timeline.task_occurrences (the days only)."""
    try:
        return occurrences(task.recurrence, task.due_date, _until(task.recurrence_until, dates), MAX_OCCURRENCES)
    except ValueError:  # a rule dateutil no longer accepts: a one-off
        return []


def _until(text: str | None, dates: ProjectDates) -> date:
    try:
        return parse_date(text or "")
    except DateParseError:
        pass
    try:
        return parse_rule(text or "").resolve(dates)
    except (OffsetParseError, KeyError):
        return dates.handover


def _deadlines(reader: QuickReader, project: ProjectRead, today: date) -> tuple[DeadlineRead | None, int]:
    """As services/dashboard._deadlines: the next statutory deadline, and how many are missed or impossible."""
    deadlines = deadlines_for(project.rule_profile, project.exit_type, project.dates)
    serving = sorted({key for d in deadlines for key in d.serves})
    tasks = [PlanTask(t.public_id, t.due_date, done=t.status == TaskStatus.DONE.value, done_on=t.done_on,
                      template_key=t.template_key) for t in reader.serving(project.id, serving)]
    missed = {key for task in tasks for key in late_for(task, deadlines)}
    alerts = sum(1 for d in deadlines if d.key in missed or d.day < project.dates.decision)
    upcoming = next((d for d in deadlines if d.day >= today), None)
    if upcoming is None:
        return None, alerts
    return DeadlineRead(key=upcoming.key, basis=upcoming.basis, rule=str(upcoming.rule), day=upcoming.day,
                        title_zh=upcoming.zh, title_en=upcoming.en,
                        impossible=upcoming.day < project.dates.decision), alerts
