"""A project's open tasks, statutory deadlines, handover dates, risk reviews and drills as an iCalendar file (.ics)
for a phone or desktop calendar.

Read through services.calendar.calendar_data (the timeline, the database's id, the audit log's change counts),
built with the `icalendar` package and written atomically by io/ics.py.

What goes in (texts in the current language):
- every open task (not done) as an all-day event on its due day, "due" in the summary; its start (when the bar
  spans several days), owner, rule, legal basis and the project are in the description. Reminder: one day before.
  UID `P-0001-T-0042.<database id>@exit-tui`.
- a recurring task as one event per occurrence not yet done (past ones included, like an overdue task), instead
  of the single due-day event. UID per task and occurrence date: `P-0001-T-0042-20261205.<database id>@exit-tui`.
- every statutory deadline of the project, with its legal basis code in the summary. Reminder: seven days
  before (DEADLINE_ALARM_DAYS), so that there is still time to act. UID on its key:
  `P-0001-DL-notice-947.<database id>@exit-tui`.
- the handover's dates (Timeline.handover_dates): the promised date of every item not (fully) handed over, UID
  `P-0001-HO-B-0001-D-0009.<database id>@exit-tui` (SEQUENCE: the changes of the batch item and the batch's
  amendments), and the deadline of every open inspection item, UID `P-0001-HO-I-0003.<database id>@exit-tui`.
  Reminder: one day before.
- the risks' dates (Timeline.risk_dates): the next review of every open risk, UID
  `P-0001-RK-R-0001-review.<database id>@exit-tui`, and its drill schedule as ONE recurring event, UID
  `P-0001-RK-R-0001-drill.<database id>@exit-tui`: DTSTART its first drill day, RRULE the risk's own rule with
  UNTIL its last drill day on the timeline (the continuation's end, or the MAX_DRILLS-th day). One event, not
  dozens: a calendar shows the series as the schedule it is, moves or ends it whole when the rule changes, and
  reminds of each drill. Every RRULE is checked by expanding it from its DTSTART: should it not give exactly the
  timeline's days (an odd rule whose first day is not where its count starts), each day is an event of its own
  instead, UID `P-0001-RK-R-0001-20261205...`. SEQUENCE: the risk's changes. Reminder: one day before.
- the notices' and contracts' dates (Timeline.party_dates): the deadline of every notice not yet sent, UID
  `P-0001-PT-N-0001.<database id>@exit-tui`, with its legal basis; the last notice day of every contract to end
  (or not decided) with no notice sent, UID `P-0001-PT-C-0001...`. SEQUENCE: the notice's or contract's changes.
  Reminder: a week before, as a statutory deadline's (a notice still has to be written and served).

The UIDs never change between exports of one database and differ between databases (the demo's P-0001 is not
yours), so importing a newer file into the same calendar updates the events (moved dates, new titles) instead of
duplicating them. SEQUENCE is the number of audited changes of the task (of the project, for a deadline), so it
grows whenever a date or a title is changed.

When working days were counted in a year without holiday data (Monday to Friday instead), the calendar's
description and each such task's description say so.

Known limitation: done tasks and done occurrences are left out of the file. A calendar that imported an earlier
file keeps their events until they are deleted there by hand; a file import cannot remove events (that would
take STATUS:CANCELLED events, or a subscribed calendar, which io/ics.py does not write).

A FILE without the `.ics` extension gets it added (`日历` becomes `日历.ics`, `plan.2026` becomes `plan.2026.ics`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

from sqlmodel import Session

from ..domain.enums import TaskStatus
from ..domain.schedule import rule_body
from ..i18n import _, pick
from ..i18n.labels import basis_text, role_label, rule_label, workdays_notice
from ..services.calendar import CalendarData, calendar_data
from ..services.readmodels import DeadlineRead, HandoverDate, PartyDate, ProjectRead, RiskDate, TimelineTask
from .atomic import export_errors
from .ics import DOMAIN, CalendarEvent, calendar_bytes, stable_uid, write_calendar

SUFFIX = ".ics"
TASK_ALARM_DAYS = 1
"""Open tasks and occurrences: a reminder the day before."""
DEADLINE_ALARM_DAYS = 7
"""Statutory deadlines: a reminder a week before (a notice still has to be written and served)."""


@dataclass(frozen=True)
class CalendarResult:
    path: Path
    """The file written (with `.ics` added when it was missing)."""
    events: int
    """How many events it holds."""


def calendar_events(data: CalendarData) -> list[CalendarEvent]:
    """The events of the file: open tasks (recurring ones per open occurrence), statutory deadlines, handover
    dates, risk reviews and drill schedules, then notices' deadlines and contracts' last notice days."""
    timeline = data.timeline
    events: list[CalendarEvent] = []
    for task in timeline.tasks:
        if task.status is TaskStatus.DONE or task.done_on is not None:
            continue
        if task.recurrence and task.occurrences:
            events += [_task_event(data, task, occurrence.day)
                       for occurrence in task.occurrences if occurrence.done_on is None]
        else:
            events.append(_task_event(data, task))
    events += [_deadline_event(data, deadline) for deadline in timeline.deadlines]
    events += [_handover_event(data, dated) for dated in timeline.handover_dates]
    events += _risk_events(data)
    events += [_party_event(data, dated) for dated in timeline.party_dates]
    return events


def calendar_name(project: ProjectRead) -> str:
    return _("calendar.name", name=project.name, project=project.public_id)


def calendar_uid(data: CalendarData) -> str:
    """The calendar's own UID: the project in this database."""
    return f"{data.timeline.project.public_id}.{data.database_id}@{DOMAIN}"


def calendar_description(data: CalendarData) -> str:
    """What the calendar as a whole says: the notice on years counted without holiday data ("" without any).
    One line: icalendar 7.3 writes the X-WR-CALDESC copy of a calendar's description unescaped."""
    return workdays_notice(data.uncovered_years) if data.uncovered_years else ""


def export_calendar(
    session: Session,
    project_id: int,
    path: Path,
    *,
    today: date,
    stamp: datetime | None = None,
) -> CalendarResult:
    """Write the project's calendar to `path` (`.ics` added if missing); raises ExportError (one line) when it cannot."""
    data = calendar_data(session, project_id, today)
    events = calendar_events(data)
    content = calendar_bytes(events, name=calendar_name(data.timeline.project), uid=calendar_uid(data),
                             description=calendar_description(data), stamp=stamp or datetime.now(timezone.utc))
    path = calendar_path(Path(path))
    with export_errors(path):
        write_calendar(path, content)
    return CalendarResult(path=path, events=len(events))


def calendar_path(path: Path) -> Path:
    """`path` with `.ics` appended unless it already ends in it (any case)."""
    path = Path(path).expanduser()
    return path if path.suffix.lower() == SUFFIX else path.with_name(path.name + SUFFIX)


def default_calendar_path(project: ProjectRead, documents_dir: Path | None = None, *,
                          today: date | None = None) -> Path:
    """`<project name>-日历-2026-11-28.ics` in the folder the handover package goes to by default."""
    from .export import default_export_path, safe_file_name

    folder = default_export_path(project, documents_dir, today=today).parent
    day = (today or date.today()).isoformat()
    return folder / f"{safe_file_name(project.name)}-{_('calendar.file_name')}-{day}{SUFFIX}"


# -- events -----------------------------------------------------------------------------------------------------


def _task_event(data: CalendarData, task: TimelineTask, occurrence: date | None = None) -> CalendarEvent:
    """A task's event on its due day, or on `occurrence` for one occurrence of a recurring task."""
    project = data.timeline.project
    title = pick(task.title_zh, task.title_en)
    key = task.public_id if occurrence is None else f"{task.public_id}-{occurrence:%Y%m%d}"
    summary = "calendar.task_summary" if occurrence is None else "calendar.occurrence_summary"
    day = occurrence or task.due
    return CalendarEvent(
        uid=stable_uid(project.public_id, key, data.database_id),
        day=day,
        summary=_(summary, title=title, id=task.public_id),
        description=_description(data, task, day),
        alarm_days_before=TASK_ALARM_DAYS,
        sequence=data.revision("task", task.public_id),
    )


def _deadline_event(data: CalendarData, deadline: DeadlineRead) -> CalendarEvent:
    project = data.timeline.project
    title = pick(deadline.title_zh, deadline.title_en)
    lines = [
        _line("calendar.project", f"{project.name} ({project.public_id})"),
        _line("calendar.deadline", title),
        _line("calendar.rule", rule_label(deadline.rule)),
        _line("calendar.legal_basis", _basis(deadline.basis)),
    ]
    if deadline.impossible:
        lines.append(_("calendar.impossible"))
    if deadline.missed_by:
        lines.append(_line("calendar.missed_by", ", ".join(deadline.missed_by)))
    return CalendarEvent(
        uid=stable_uid(project.public_id, f"DL-{deadline.key}", data.database_id),
        day=deadline.day,
        summary=_("calendar.deadline_summary", title=title, basis=deadline.basis),
        description="\n".join(lines),
        alarm_days_before=DEADLINE_ALARM_DAYS,
        sequence=data.revision("project", project.public_id),
    )


def _handover_event(data: CalendarData, dated: HandoverDate) -> CalendarEvent:
    """An item's promised handover date, or an open inspection item's deadline."""
    project = data.timeline.project
    title = pick(dated.text_zh, dated.text_en)
    lines = [_line("calendar.project", f"{project.name} ({project.public_id})")]
    if dated.kind == "promised":
        summary = "calendar.promised_summary"
        sequence = (data.revision("batch_item", f"{dated.batch}/{dated.public_id}")
                    + data.revision("amendments", dated.batch))
        lines += [_line("calendar.item", f"{dated.public_id} {title}"), _line("calendar.batch", dated.batch),
                  _line("calendar.outcome", _(f"handover.outcome.{dated.status}")),
                  _line("calendar.reason", dated.note)]
    else:
        summary, sequence = "calendar.inspection_summary", data.revision("inspection", dated.public_id)
        lines += [_line("calendar.inspection", f"{dated.public_id} {title}"),
                  _line("calendar.state", _(f"handover.state.{dated.status}"))]
        if dated.note:
            lines.append(_line("calendar.responsible", dated.note))
    lines.append(_line("calendar.due", dated.day.isoformat()))
    if dated.day < data.timeline.today:
        lines.append(_("calendar.overdue"))
    return CalendarEvent(
        uid=stable_uid(project.public_id, f"HO-{dated.key.replace('/', '-')}", data.database_id),
        day=dated.day,
        summary=_(summary, title=title, id=dated.public_id),
        description="\n".join(lines),
        alarm_days_before=TASK_ALARM_DAYS,
        sequence=sequence,
    )


def _risk_events(data: CalendarData) -> list[CalendarEvent]:
    """Each open risk's review, and its drill schedule as one recurring event (or one event a day, see above)."""
    drills: dict[str, list[RiskDate]] = {}
    events = []
    for dated in data.timeline.risk_dates:
        if dated.kind == "review":
            events.append(_risk_event(data, dated, "review", dated.day))
        else:
            drills.setdefault(dated.public_id, []).append(dated)
    for public_id, items in drills.items():
        days = [item.day for item in items]
        recurrence = drill_recurrence(data.drill_rules.get(public_id, ""), days)
        if recurrence:
            events.append(_risk_event(data, items[0], "drill", days[0], recurrence))
        else:
            events += [_risk_event(data, item, f"{item.day:%Y%m%d}", item.day) for item in items]
    return events


def drill_recurrence(rule: str, days: list[date]) -> str:
    """The RRULE value repeating a drill from `days[0]` on exactly `days`: the rule as the app expands it
    (domain/schedule.rule_body: a monthly rule from the 31st keeps to each month's last day), its COUNT or UNTIL
    replaced by UNTIL the last day; "" when read that way it gives other days (or there is no rule)."""
    from dateutil.rrule import rrulestr  # as domain/schedule: kept off the start-up path

    if not days or not rule.strip():
        return ""
    parts = [part for part in rule_body(rule, days[0]).split(";")
             if part and part.split("=", 1)[0] not in ("COUNT", "UNTIL")]
    value = ";".join([*parts, f"UNTIL={days[-1]:%Y%m%d}"])
    try:
        expanded = [moment.date() for moment in rrulestr(value, dtstart=datetime.combine(days[0], time()))]
    except ValueError:
        return ""
    return value if expanded == days else ""


def _risk_event(data: CalendarData, dated: RiskDate, key: str, day: date, recurrence: str = "") -> CalendarEvent:
    """A risk's review, its drill schedule (`recurrence`), or one drill day."""
    project = data.timeline.project
    title = pick(dated.text_zh, dated.text_en)
    review = dated.kind == "review"
    lines = [_line("calendar.project", f"{project.name} ({project.public_id})"),
             _line("calendar.risk", f"{dated.public_id} {title}"),
             _line("calendar.state", _(f"risks.status.{dated.status}"))]
    if dated.note:
        lines.append(_line("calendar.owner" if review else "calendar.plan_lead", dated.note))
    if review:
        lines.append(_line("calendar.review_day", day.isoformat()))
        if day < data.timeline.today:
            lines.append(_("calendar.overdue"))
    else:
        lines.append(_line("calendar.recurrence", data.drill_rules.get(dated.public_id, "")))
    return CalendarEvent(
        uid=stable_uid(project.public_id, f"RK-{dated.public_id}-{key}", data.database_id),
        day=day,
        summary=_("calendar.review_summary" if review else "calendar.drill_summary", title=title, id=dated.public_id),
        description="\n".join(lines),
        alarm_days_before=TASK_ALARM_DAYS,
        sequence=data.revision("risk", dated.public_id),
        recurrence=recurrence,
    )


def _party_event(data: CalendarData, dated: PartyDate) -> CalendarEvent:
    """A notice's deadline (not sent yet), or a contract's last notice day (no notice sent to end it)."""
    project = data.timeline.project
    title = pick(dated.text_zh, dated.text_en)
    notice = dated.kind == "notice"
    lines = [_line("calendar.project", f"{project.name} ({project.public_id})")]
    if notice:
        lines += [_line("calendar.notice", f"{dated.public_id} {title}"),
                  _line("calendar.state", _(f"parties.status.{dated.status}"))]
        if dated.note:
            lines.append(_line("calendar.legal_basis", _basis(dated.note)))
    else:
        lines += [_line("calendar.contract", f"{dated.public_id} {title}"),
                  _line("calendar.decision", _(f"parties.decision.{dated.status or 'none'}")),
                  _line("calendar.notice_period", dated.note)]
    lines.append(_line("calendar.due", dated.day.isoformat()))
    if dated.day < data.timeline.today:
        lines.append(_("calendar.overdue"))
    return CalendarEvent(
        uid=stable_uid(project.public_id, f"PT-{dated.public_id}", data.database_id),
        day=dated.day,
        summary=_("calendar.notice_summary" if notice else "calendar.contract_summary", title=title,
                  id=dated.public_id),
        description="\n".join(lines),
        alarm_days_before=DEADLINE_ALARM_DAYS,
        sequence=data.revision("notice" if notice else "contract", dated.public_id),
    )


def _description(data: CalendarData, task: TimelineTask, day: date) -> str:
    project = data.timeline.project
    lines = [
        _line("calendar.project", f"{project.name} ({project.public_id})"),
        _line("calendar.task", f"{task.public_id} {pick(task.title_zh, task.title_en)}"),
        _line("calendar.owner", role_label(task.owner)),
    ]
    if task.recurrence and task.occurrences:
        lines.append(_line("calendar.recurrence", task.recurrence))
    elif task.start != task.due:
        lines.append(_line("calendar.period", f"{task.start.isoformat()} ~ {task.due.isoformat()}"))
    lines.append(_line("calendar.due", day.isoformat()))
    if task.rule:
        lines.append(_line("calendar.rule", rule_label(task.rule)))
    if task.public_id in data.uncovered:
        lines.append(workdays_notice(data.uncovered[task.public_id]))
    if task.legal_basis:
        lines.append(_line("calendar.legal_basis", _basis(task.legal_basis)))
    if task.overdue:
        lines.append(_("calendar.overdue"))
    if task.late_for:
        lines.append(_line("calendar.late_for", ", ".join(task.late_for)))
    return "\n".join(lines)


def _line(label_key: str, value: str) -> str:
    return _("calendar.line", label=_(label_key), value=value)


def _basis(code: str) -> str:
    text = basis_text(code)
    return f"{code} {text}" if text else code
