"""All-day events (open tasks, statutory deadlines, dated items of other areas) as an iCalendar file, built with the
`icalendar` package.

No Textual, no database. The caller turns its tasks into CalendarEvent values (with a UID from stable_uid, so that
importing the file again updates the events instead of duplicating them), builds the file with calendar_bytes and
writes it with write_calendar. icalendar does what RFC 5545 asks of the text: CRLF line ends, lines folded at 75
octets without cutting a character, escaped TEXT values, DATE values for all-day events, DTSTAMP in UTC.

What this module adds:
- an all-day event ends on the next day (DTEND is exclusive);
- SEQUENCE is the event's revision (how many recorded changes it has had), so that a calendar which already holds
  the event takes the newer file's version (some, like Google Calendar, ignore an import that does not raise it);
- a reminder is a VALARM with ACTION:DISPLAY and a TRIGGER relative to the start (-P1D: one day before, PT0S on
  the day itself); in a recurring event it reminds of every occurrence;
- a recurring event (a drill schedule) carries an RRULE: its days are DTSTART and the rule's occurrences after it,
  bounded by the rule's UNTIL (a DATE, as DTSTART is);
- control characters other than tab and line breaks (which TEXT does not allow) are dropped from texts.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from dateutil.relativedelta import relativedelta
from icalendar import Alarm, Calendar, Event, vRecur

from .atomic import atomic_path

DEFAULT_PRODUCT = "-//exit-tui//物业项目退出协调台//ZH"
DOMAIN = "exit-tui"
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event. `alarm_days_before` None means no reminder; 0 means a reminder on the day itself."""

    uid: str
    day: date
    summary: str
    description: str = ""
    alarm_days_before: int | None = 1
    sequence: int = 0
    """The event's revision: raise it whenever what the event says changes."""
    recurrence: str = ""
    """An RRULE value (`FREQ=MONTHLY;INTERVAL=2;UNTIL=20270405`) repeating the event from `day`; "" for one day."""


def stable_uid(project_public_id: str, key: str, database_id: str, domain: str = DOMAIN) -> str:
    """A UID that stays the same for the same database, project and key (a task's public id):
    `P-0001-T-0042.<database id>@exit-tui`.

    Calendars match events by UID: the same task keeps its UID in every export, and a task of another database
    (the demo's P-0001 T-0042, a colleague's) has another one.
    """
    parts = (project_public_id.strip(), key.strip(), database_id.strip(), domain.strip())
    if not all(parts):
        raise ValueError("stable_uid needs a project id, a key, a database id and a domain")
    if any(ch.isspace() or ch == "@" for part in parts[:3] for ch in part):
        raise ValueError(f"stable_uid: no spaces or @ allowed in {parts[:3]!r}")
    return f"{parts[0]}-{parts[1]}.{parts[2]}@{parts[3]}"


def calendar_bytes(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    uid: str,
    stamp: datetime,
    description: str = "",
    product: str = DEFAULT_PRODUCT,
) -> bytes:
    """The whole .ics file (UTF-8). `uid` names the calendar itself (RFC 7986), `stamp` (the export time) is every
    DTSTAMP; a naive `stamp` is taken as UTC.

    Raises ValueError for an event without a UID, for two events with the same UID (a calendar would keep only
    one of them), for a negative alarm_days_before or sequence.
    """
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    calendar = Calendar.new(name=_clean(name), description=_clean(description) or None, uid=uid, prodid=product,
                            calscale="GREGORIAN")
    seen: set[str] = set()
    for event in events:
        if event.uid in seen:
            raise ValueError(f"two calendar events share the UID {event.uid!r}")
        seen.add(event.uid)
        calendar.add_component(_event(event, stamp))
    return calendar.to_ical()


def write_calendar(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (io/atomic.py): `path` is either the old file or the complete new one.
    On failure the temporary file is removed and the OSError is raised."""
    with atomic_path(Path(path)) as temp:
        temp.write_bytes(data)


def _event(event: CalendarEvent, stamp: datetime) -> Event:
    if not event.uid.strip():
        raise ValueError("a calendar event needs a UID")
    if event.sequence < 0:
        raise ValueError(f"sequence must be 0 or more, not {event.sequence}")
    summary = _clean(event.summary)
    component = Event.new(
        uid=event.uid,
        start=event.day,
        end=event.day + relativedelta(days=1),
        summary=summary,
        description=_clean(event.description) or None,
        stamp=stamp,
        sequence=event.sequence,
    )
    if event.recurrence:
        component.add("RRULE", vRecur.from_ical(event.recurrence))
    if event.alarm_days_before is not None:
        if event.alarm_days_before < 0:
            raise ValueError(f"alarm_days_before must be 0 or more, not {event.alarm_days_before}")
        alarm = Alarm.new(description=summary)
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", -timedelta(days=event.alarm_days_before))
        component.add_component(alarm)
    return component


def _clean(text: str) -> str:
    """`text` without the control characters TEXT values may not hold (tab and line breaks are kept)."""
    return _CONTROLS.sub("", text)
