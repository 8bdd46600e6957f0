"""Due dates as offsets from named project dates, and recurrences (python-dateutil)."""

import re
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
UNIT_WORDS = {"d": "d", "天": "d", "日": "d", "w": "w", "周": "w", "m": "m", "月": "m", "个月": "m"}

_OFFSET = re.compile(r"^\s*([a-z_\u4e00-\u9fff]+)\s*(?:([+-])\s*(\d+)\s*(个月|[a-z天日周月]))?\s*$")


class OffsetParseError(ValueError):
    """Raised when a text is neither an anchor offset nor (where allowed) a date."""


@dataclass(frozen=True)
class DueRule:
    """`anchor` plus `amount` `unit`s, e.g. contract_end -90d. Unit: d (days), w (weeks), m (months)."""

    anchor: Anchor
    amount: int = 0
    unit: str = "d"

    def __str__(self) -> str:
        if not self.amount:
            return self.anchor.value
        return f"{self.anchor.value} {self.amount:+d}{self.unit}"

    @property
    def offset(self) -> str:
        """The offset part alone, e.g. `-90d` ("" when the rule is the anchor itself)."""
        return f"{self.amount:+d}{self.unit}" if self.amount else ""

    def delta(self) -> relativedelta:
        if self.unit == "m":
            return relativedelta(months=self.amount)
        if self.unit == "w":
            return relativedelta(weeks=self.amount)
        return relativedelta(days=self.amount)

    def resolve(self, dates: "ProjectDates") -> date:
        return dates[self.anchor] + self.delta()


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
    """Parse `contract_end -90d`, `T+10d`, `合同到期 -3个月` into a DueRule."""
    match = _OFFSET.match(normalize(text).lower())
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


def parse_due(text: str, dates: ProjectDates) -> tuple[date, DueRule | None]:
    """A due date typed by a person: a date (absolute) or an offset rule (which moves with its anchor)."""
    try:
        return parse_date(text), None
    except DateParseError:
        pass
    rule = parse_rule(text)
    try:
        return rule.resolve(dates), rule
    except (OverflowError, ValueError):  # an offset that leaves the calendar (year 1..9999)
        raise OffsetParseError(text) from None


def occurrences(rule: str, start: date, until: date, limit: int = 500) -> list[date]:
    """Dates of a recurrence (an RRULE body such as `FREQ=WEEKLY`) from `start` up to `until`."""
    from dateutil.rrule import rrulestr  # recurrences are rare: kept off the start-up path

    recurrence = rrulestr(rule, dtstart=datetime.combine(start, datetime.min.time()))
    found: list[date] = []
    for moment in recurrence:
        if moment.date() > until or len(found) >= limit:
            break
        found.append(moment.date())
    return found


def validate_rrule(rule: str) -> None:
    """Raise ValueError when `rule` is not an RRULE body dateutil understands."""
    from dateutil.rrule import rrulestr

    rrulestr(rule, dtstart=datetime(2000, 1, 1))
