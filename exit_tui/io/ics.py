"""A pure iCalendar (RFC 5545) writer for all-day events: open tasks and statutory deadlines for a phone calendar.

Standard library only: no Textual, no database. The caller turns its tasks into CalendarEvent values (with a UID
from stable_uid, so that importing the file again updates the events instead of duplicating them), renders them
with calendar_text and writes the text with write_calendar.

What the output follows from RFC 5545:
- every content line ends with CRLF (3.1), also the last one;
- content lines longer than 75 octets are folded (3.1): the line is cut at 75 UTF-8 bytes at most — never inside
  a multi-byte character — and each continuation line starts with one space, so it carries 74 bytes of content
  at most;
- TEXT values escape backslash, semicolon and comma and write a line break as \\n (3.3.11); a CR or CRLF is taken
  as a line break, and other control characters (which TEXT does not allow) are dropped;
- all-day events are DTSTART;VALUE=DATE with DTEND;VALUE=DATE on the next day (3.6.1, DTEND is exclusive);
- DTSTAMP is in UTC (3.8.7.2);
- a reminder is a VALARM with ACTION:DISPLAY, a DESCRIPTION and a TRIGGER relative to the start (-P1D for one
  day before; PT0S on the day itself).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .atomic import atomic_path

CRLF = "\r\n"
FOLD_OCTETS = 75
DEFAULT_PRODUCT = "-//exit-tui//物业项目退出协调台//ZH"


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event. `alarm_days_before` None means no reminder; 0 means a reminder on the day itself."""

    uid: str
    day: date
    summary: str
    description: str = ""
    alarm_days_before: int | None = 1


def stable_uid(project_public_id: str, key: str, domain: str = "exit-tui") -> str:
    """A UID that stays the same for the same project and key (a task's public id): `P-0001-T-0042@exit-tui`.

    Calendars match events by UID, so the same task keeps its UID in every export.
    """
    parts = (project_public_id.strip(), key.strip(), domain.strip())
    if not all(parts):
        raise ValueError("stable_uid needs a project id, a key and a domain")
    if any(ch.isspace() or ch == "@" for part in parts[:2] for ch in part):
        raise ValueError(f"stable_uid: no spaces or @ allowed in {parts[0]!r} / {parts[1]!r}")
    return f"{parts[0]}-{parts[1]}@{parts[2]}"


def escape_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 3.3.11 asks: \\\\ \\; \\, and \\n for a line break."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == ";":
            out.append("\\;")
        elif ch == ",":
            out.append("\\,")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t" or not (ord(ch) < 0x20 or ord(ch) == 0x7F):
            out.append(ch)
        # other control characters are not allowed in TEXT: dropped
    return "".join(out)


def fold_line(line: str, limit: int = FOLD_OCTETS) -> str:
    """One content line folded at `limit` octets, with CRLF after each physical line.

    The cut falls between characters, never inside one's UTF-8 bytes; continuation lines begin with a space,
    which counts towards their `limit`.
    """
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    room = limit
    for ch in line:
        size = len(ch.encode("utf-8"))
        if used + size > room:
            pieces.append("".join(current))
            current, used, room = [], 0, limit - 1
        current.append(ch)
        used += size
    pieces.append("".join(current))
    return CRLF.join([pieces[0], *(" " + piece for piece in pieces[1:])]) + CRLF


def _utc_stamp(stamp: datetime) -> str:
    """`YYYYMMDDTHHMMSSZ`; an aware datetime is converted to UTC, a naive one is taken as UTC already."""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc)
    return stamp.strftime("%Y%m%dT%H%M%SZ")


def _trigger(days_before: int) -> str:
    if days_before < 0:
        raise ValueError(f"alarm_days_before must be 0 or more, not {days_before}")
    return f"-P{days_before}D" if days_before else "PT0S"


def _event_lines(event: CalendarEvent, dtstamp: str) -> list[str]:
    if not event.uid.strip():
        raise ValueError("a calendar event needs a UID")
    summary = escape_text(event.summary)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{summary}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.alarm_days_before is not None:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{summary}",
            f"TRIGGER:{_trigger(event.alarm_days_before)}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def calendar_text(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    product: str = DEFAULT_PRODUCT,
    stamp: datetime,
) -> str:
    """The whole .ics file as text (CRLF line endings, folded lines); encode it as UTF-8 to write it.

    Raises ValueError for an event without a UID, for two events with the same UID (a calendar would keep only
    one of them) and for a negative alarm_days_before.
    """
    dtstamp = _utc_stamp(stamp)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(product)}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    seen: set[str] = set()
    for event in events:
        if event.uid in seen:
            raise ValueError(f"two calendar events share the UID {event.uid!r}")
        seen.add(event.uid)
        lines += _event_lines(event, dtstamp)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines)


def write_calendar(path: Path, text: str) -> None:
    """Write `text` to `path` as UTF-8 bytes (CRLF kept as it is), atomically.

    The bytes go to a temporary file in the same folder, which is flushed to disk and moved over `path` with
    os.replace (io/atomic.py): `path` is either the old file or the complete new one. On failure the temporary file is removed
    and the OSError is raised.
    """
    with atomic_path(Path(path)) as temp:
        temp.write_bytes(text.encode("utf-8"))
