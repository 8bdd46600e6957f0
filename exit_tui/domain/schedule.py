"""Due dates as offsets from named project dates or from another task, and recurrences (python-dateutil).

Offsets in days, weeks and months use `relativedelta` (a month from 31 January is 28/29 February, as dateutil
does). Working days (`wd`, 工作日) are China's (domain/workdays.py): public holidays are skipped and the weekend
days worked in their place (调休) count, for the years the holiday data covers; in other years Monday to Friday
count, and DueRule.uncovered_years names those years so that the user can be told.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from .dates import DateParseError, normalize, parse_date
from .enums import Anchor

#: Words accepted for each anchor when a person types an offset (codes, short forms, Chinese).
ANCHOR_WORDS: dict[str, Anchor] = {
    "decision": Anchor.DECISION,
    "决定日": Anchor.DECISION,
    "决策日": Anchor.DECISION,
    "contract_end": Anchor.CONTRACT_END,
    "合同到期": Anchor.CONTRACT_END,
    "合同到期日": Anchor.CONTRACT_END,
    "handover": Anchor.HANDOVER,
    "t": Anchor.HANDOVER,
    "移交日": Anchor.HANDOVER,
    "continuation_end": Anchor.CONTINUATION_END,
    "延续期满": Anchor.CONTINUATION_END,
    "延续期满日": Anchor.CONTINUATION_END,
}
UNIT_WORDS = {
    "d": "d", "天": "d", "日": "d", "w": "w", "周": "w", "m": "m", "月": "m", "个月": "m",
    "wd": "wd", "bd": "wd", "工作日": "wd",
}
_UNIT = r"(个月|工作日|wd|bd|[a-z天日周月])"
_OFFSET = re.compile(r"^\s*([a-z_\u4e00-\u9fff]+)\s*(?:([+-])\s*(\d+)\s*" + _UNIT + r")?\s*$")
#: Another task as the anchor: its public id (T-0042), then an optional offset: `T-0042 +5d`.
_TASK_OFFSET = re.compile(r"^\s*(t-\d{4,})\s*(?:([+-])\s*(\d+)\s*" + _UNIT + r")?\s*$")


class OffsetParseError(ValueError):
    """Raised when a text is neither an anchor offset nor (where allowed) a date."""


@dataclass(frozen=True)
class DueRule:
    """`anchor` plus `amount` `unit`s, e.g. `contract_end -90d` or `T-0042 +5wd`.

    The anchor is a project date (Anchor) or another task's public id (a finish-to-start link: the task is due
    `amount` `unit`s after that task). Unit: d (days), w (weeks), m (months), wd (working days, domain/workdays.py).
    """

    anchor: "Anchor | str"
    amount: int = 0
    unit: str = "d"

    def __str__(self) -> str:
        if not self.amount:
            return self.anchor_code
        return f"{self.anchor_code} {self.amount:+d}{self.unit}"

    @property
    def anchor_code(self) -> str:
        """What is stored in the database: the anchor's code or the task's public id."""
        return self.anchor.value if isinstance(self.anchor, Anchor) else self.anchor

    @property
    def task_ref(self) -> str | None:
        """The public id of the task this rule hangs on, or None for a project-date rule."""
        return None if isinstance(self.anchor, Anchor) else self.anchor

    @property
    def offset(self) -> str:
        """The offset part alone, e.g. `-90d` ("" when the rule is the anchor itself)."""
        return f"{self.amount:+d}{self.unit}" if self.amount else ""

    def shift(self, start: date) -> date:
        """`start` moved by this rule's offset."""
        if self.unit == "wd":
            return add_working_days(start, self.amount)
        if self.unit == "m":
            return start + relativedelta(months=self.amount)
        if self.unit == "w":
            return start + relativedelta(weeks=self.amount)
        return start + relativedelta(days=self.amount)

    def resolve(self, dates: "ProjectDates", tasks: Mapping[str, date] | None = None) -> date:
        """The date this rule gives; a task anchor is looked up in `tasks` (public id -> due date)."""
        return self.shift(self.anchor_day(dates, tasks))

    def anchor_day(self, dates: "ProjectDates", tasks: Mapping[str, date] | None = None) -> date:
        """The date this rule counts from; KeyError for a task anchor that `tasks` does not hold."""
        if isinstance(self.anchor, Anchor):
            return dates[self.anchor]
        if tasks is None or self.anchor not in tasks:
            raise KeyError(self.anchor)
        return tasks[self.anchor]

    def uncovered_years(self, dates: "ProjectDates", tasks: Mapping[str, date] | None = None) -> list[int]:
        """The years this rule counted working days in without holiday data (Monday to Friday instead): [] for a
        rule in days, weeks or months, or one within the years the data covers."""
        if self.unit != "wd" or not self.amount:
            return []
        from . import workdays

        start = self.anchor_day(dates, tasks)
        return workdays.uncovered_years(start, self.shift(start))


def add_working_days(start: date, count: int) -> date:
    """`count` Chinese working days after `start` (before it when negative); 0 gives `start` itself.

    Holidays and 调休 days where the data covers the year, Monday to Friday elsewhere (see domain/workdays.py)."""
    if count == 0:
        return start
    from . import workdays  # the holiday tables take ~0.1 s to import: only when working days are counted

    return workdays.add_working_days(start, count)


@dataclass(frozen=True)
class ProjectDates:
    """The four dates a project's schedule hangs on."""

    decision: date
    contract_end: date
    handover: date
    continuation_end: date

    def __getitem__(self, anchor: Anchor) -> date:
        return getattr(self, anchor.value)


def parse_rule(text: str) -> DueRule:
    """Parse `contract_end -90d`, `T+10d`, `合同到期 -3个月`, `T-0042 +5工作日` into a DueRule."""
    cleaned = normalize(text).lower()
    match = _TASK_OFFSET.match(cleaned)
    if match:
        anchor: Anchor | str = match[1].upper()
    else:
        match = _OFFSET.match(cleaned)
        if not match or match[1] not in ANCHOR_WORDS:
            raise OffsetParseError(text)
        anchor = ANCHOR_WORDS[match[1]]
    if match[2] is None:
        return DueRule(anchor)
    if match[4] not in UNIT_WORDS:  # the pattern admits any letter; only d, w, m are units
        raise OffsetParseError(text)
    amount = int(match[3]) * (-1 if match[2] == "-" else 1)
    return DueRule(anchor, amount, UNIT_WORDS[match[4]])


def rule_from_parts(anchor: str | None, offset: str | None) -> DueRule | None:
    """Rebuild a rule from its stored columns (anchor code, offset text)."""
    if not anchor:
        return None
    return parse_rule(f"{anchor}{offset or ''}")


def parse_due(
    text: str, dates: ProjectDates, tasks: Mapping[str, date] | None = None
) -> tuple[date, DueRule | None]:
    """A due date typed by a person: a date (absolute) or an offset rule (which moves with its anchor).

    A rule on a task that `tasks` does not hold raises KeyError with the public id."""
    try:
        return parse_date(text), None
    except DateParseError:
        pass
    rule = parse_rule(text)
    try:
        return rule.resolve(dates, tasks), rule
    except (OverflowError, ValueError):  # an offset that leaves the calendar (year 1..9999)
        raise OffsetParseError(text) from None


def occurrences(rule: str, start: date, until: date, limit: int = 500) -> list[date]:
    """Dates of a recurrence (an RRULE body such as `FREQ=WEEKLY`) from `start` up to `until`.

    A plain monthly rule starting on the 29th-31st falls on the last day of shorter months (RFC 5545 and
    dateutil would skip those months): it becomes BYMONTHDAY=28..day;BYSETPOS=-1."""
    from dateutil.rrule import rrulestr  # recurrences are rare: kept off the start-up path

    recurrence = rrulestr(rule_body(rule, start), dtstart=datetime.combine(start, datetime.min.time()))
    found: list[date] = []
    for moment in recurrence:
        if moment.date() > until or len(found) >= limit:
            break
        found.append(moment.date())
    return found


def rule_body(rule: str, start: date) -> str:
    """The RRULE body `occurrences` expands from `start`: `rule` upper-cased, a plain monthly rule from the 29th-31st
    made BYMONTHDAY=28..day;BYSETPOS=-1 (RFC 5545, so a calendar file can carry it as it is)."""
    body = rule.strip().upper()
    parts = dict(part.split("=", 1) for part in body.split(";") if "=" in part)
    if parts.get("FREQ") == "MONTHLY" and start.day > 28 and not parts.keys() & {"BYMONTHDAY", "BYDAY", "BYSETPOS"}:
        days = ",".join(str(day) for day in range(28, start.day + 1))
        body = f"{body};BYMONTHDAY={days};BYSETPOS=-1"
    return body


def validate_rrule(rule: str) -> None:
    """Raise ValueError when `rule` is not an RRULE body dateutil understands."""
    from dateutil.rrule import rrulestr

    rrulestr(rule, dtstart=datetime(2000, 1, 1))
