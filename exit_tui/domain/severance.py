"""Severance (经济补偿) as a labour lawyer works it out: 劳动合同法 36/40/41/42/44/45/46/47/50/97 and 实施条例
10/20/27. Pure: no I/O but the rule profile's wage tables (data/rule_profiles.toml), read like the other tables.

Money is integer fen, months of wage a Decimal in half months. Rounding happens in two places only, both half up
to the fen: the average of the monthly wages (a step says when it rounded), and N × wage when a half month of an
odd number of fen leaves half a fen (a step says so too). Everything else is exact.

Service runs from the hire day to the leaving day, both counted (the leaving day is the last day of employment).
A month (or year) of service ends on the day before the same date a month (or year) later; when that month has no
such date it ends on that month's last day (民法典 202's 对应日 and 月末日): hired 2019-03-01, five years end on
2024-02-29; hired 2016-02-29, three years end on 2019-02-28; hired 31 January, a month ends on the last day of
February. Only service from 2008-01-01 is counted (劳动合同法 97); the earlier part is shown apart.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache

from dateutil.relativedelta import relativedelta

from .money import AmountParseError, parse_fen
from .templates import TemplateError, _read, data_dir

LAW_IN_FORCE = date(2008, 1, 1)
"""劳动合同法 took effect; severance years are counted from this day on (art 97)."""

MAX_WAGE_MONTHS = 12
"""At most the last 12 months' wages are averaged (实施条例 27)."""

CAP_MULTIPLE = 3
"""A wage above 3 × the local average monthly wage is capped at it (art 47 ¶2)."""

CAP_YEARS = 12
"""… and then at most 12 years are paid (art 47 ¶2)."""

FILE_TRANSFER_DAYS = 15
"""Personnel file and social insurance moved within 15 days of leaving (art 50 ¶1)."""

LAYOFF_NOTICE_DAYS = 30
"""An art 41 layoff is explained to the union or all staff 30 days ahead."""

HALF = Decimal("0.5")
ONE_DAY = relativedelta(days=1)


class Fen(int):
    """A figure that is an amount in fen (shown as yuan)."""


class Basis(StrEnum):
    """Why the employment ends (or does not): the placement's legal ground."""

    AGREED = "agreed"  # 协商解除, art 36, proposed by the employer (art 46(2))
    EXPIRY = "expiry"  # 合同到期终止, art 44(1) (art 46(5))
    ART40 = "art40"  # 客观情况变化解除, art 40(3), with 30 days' written notice (art 46(3))
    ART40_NO_NOTICE = "art40-no-notice"  # art 40(3) without notice: one more month (N+1)
    ART41 = "art41"  # 经济性裁员, art 41 (art 46(4))
    TRANSFER = "transfer"  # 调岗: the contract goes on, nothing ends
    TAKEN_OVER = "taken-over"  # 新公司接收, service carried over (实施条例 10)


class Protected(StrEnum):
    """The statuses of art 42 under which art 40/41 may not be used."""

    EXPOSURE = "exposure"  # (1) occupational-disease exposure not examined on leaving, or suspected case
    INJURY = "injury"  # (2) occupational disease or work injury, capacity loss confirmed
    MEDICAL = "medical"  # (3) illness or non-work injury within the medical period
    MATERNITY = "maternity"  # (4) pregnancy, maternity, nursing
    PRE_RETIREMENT = "pre-retirement"  # (5) >= 15 years here and within 5 years of legal retirement age


PROTECTED_BASIS = {flag: f"劳动合同法42({n})" for n, flag in enumerate(Protected, start=1)}
"""Each status with the item of art 42 that protects it."""

DISMISSALS = frozenset({Basis.ART40, Basis.ART40_NO_NOTICE, Basis.ART41})
"""The grounds art 42 forbids for a protected employee."""


class WageRule(StrEnum):
    """Why the wage used is what it is."""

    AVERAGE = "average"  # the average of the last 12 months (实施条例 27)
    MINIMUM = "minimum"  # the average was below the local minimum wage (实施条例 27)
    CAP = "cap"  # the average was above 3 × the local average monthly wage (art 47 ¶2)


class SeveranceInputError(ValueError):
    """A case the calculator cannot take: `key` is a catalog key (severance.error.*), `params` its figures."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Step:
    """One line of the working: `key` names the rule (catalog `severance.step.<key>`), `figures` the numbers it
    used or produced (Fen amounts, Decimal months, dates, ints)."""

    key: str
    figures: Mapping[str, object] = field(default_factory=dict)


def _month_after(start: date, months: int) -> date:
    """The day `months` months after `start`, or the first of the next month when that month is too short (the
    service's month then ended on its last day)."""
    day = start + relativedelta(months=months)
    return day if day.day == start.day else day + ONE_DAY


@dataclass(frozen=True)
class Span:
    """A stretch of service, both ends counted, in whole years, months and days."""

    start: date
    end: date
    years: int
    months: int
    days: int

    @classmethod
    def of(cls, start: date, end: date) -> "Span":
        stop = end + ONE_DAY  # the first day after the service
        delta = relativedelta(stop, start)
        whole = delta.years * 12 + delta.months
        while _month_after(start, whole + 1) <= stop:
            whole += 1
        while _month_after(start, whole) > stop:
            whole -= 1
        days = (stop - _month_after(start, whole)).days
        return cls(start, end, whole // 12, whole % 12, days)

    def figures(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "years": self.years, "months": self.months,
                "days": self.days}


@dataclass(frozen=True)
class Case:
    """One employee's leaving, as the calculator takes it. Amounts in fen.

    `wages` are the monthly wages of the last 12 months (fewer when the service is shorter), oldest first, with
    bonuses, allowances and subsidies (实施条例 27); `average` instead when that is all the company gives.
    `last_month` is the previous month's wage for N+1 (default: the last of `wages`)."""

    hired: date
    leaving: date
    local_average: int
    minimum_wage: int
    wages: tuple[int, ...] = ()
    average: int | None = None
    last_month: int | None = None
    basis: Basis = Basis.AGREED
    renewal_refused: bool = False  # expiry: renewal offered on the same or better terms and refused (art 46(5))
    employee_proposed: bool = False  # agreed: the employee proposed it (art 46(2) pays only the employer's)


@dataclass(frozen=True)
class Severance:
    """The result: every figure and the ordered steps that produced them."""

    basis: Basis
    counted: Span  # the service counted, from 2008-01-01 on
    before_2008: Span | None  # the earlier service, under older rules, not in the amount
    years: int  # whole years of the counted service
    remainder_months: int
    remainder_days: int
    months: Decimal  # N in months of wage, after the 12-year cap (0 when nothing is owed)
    average: int  # fen, the average monthly wage (0 when nothing is owed)
    wage_used: int  # fen
    wage_rule: WageRule | None
    capped: bool  # the 3× wage cap and with it the 12-year cap
    years_cap_applied: bool  # N was more than 12 and was cut to 12
    extra_month: int  # fen, the "+1" of art 40 without notice
    severance: int  # fen, N × wage
    amount: int  # fen, severance + extra month
    zero_reason: str | None  # why nothing is owed (a step key), None when something is
    steps: tuple[Step, ...]


def _round_fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _months(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def check_span(hired: date, leaving: date) -> None:
    """The service the calculator can count: leaving on or after the hire day, and not before 2008."""
    if leaving < hired:
        raise SeveranceInputError("severance.error.leaves_before_hired", hired=hired, leaving=leaving)
    if leaving < LAW_IN_FORCE:
        raise SeveranceInputError("severance.error.before_2008", leaving=leaving)


def _check(case: Case) -> None:
    check_span(case.hired, case.leaving)
    if bool(case.wages) == (case.average is not None):
        raise SeveranceInputError("severance.error.wages_or_average")
    if len(case.wages) > MAX_WAGE_MONTHS:
        raise SeveranceInputError("severance.error.too_many_wages", count=len(case.wages), max=MAX_WAGE_MONTHS)
    whole = Span.of(case.hired, case.leaving)
    started_months = whole.years * 12 + whole.months + (1 if whole.days else 0)
    if len(case.wages) > started_months:
        raise SeveranceInputError("severance.error.wages_longer_than_service", count=len(case.wages),
                                  months=started_months)
    amounts = [*case.wages, case.average, case.last_month]
    if any(a is not None and a < 0 for a in amounts):
        raise SeveranceInputError("severance.error.negative")
    if case.local_average <= 0 or case.minimum_wage <= 0:
        raise SeveranceInputError("severance.error.local_wages")
    if case.renewal_refused and case.basis is not Basis.EXPIRY:
        raise SeveranceInputError("severance.error.renewal_not_expiry")
    if case.employee_proposed and case.basis is not Basis.AGREED:
        raise SeveranceInputError("severance.error.proposed_not_agreed")
    if case.basis is Basis.ART40_NO_NOTICE and case.last_month is None and not case.wages:
        raise SeveranceInputError("severance.error.last_month_needed")


def _zero_reason(case: Case) -> str | None:
    if case.basis is Basis.TRANSFER:
        return "zero.transfer"
    if case.basis is Basis.TAKEN_OVER:
        return "zero.taken_over"
    if case.renewal_refused:
        return "zero.renewal_refused"
    if case.employee_proposed:
        return "zero.employee_proposed"
    return None


def _service_steps(case: Case) -> tuple[Span, Span | None, list[Step]]:
    steps = [Step(f"basis.{case.basis.value}")]
    if case.hired < LAW_IN_FORCE:
        before = Span.of(case.hired, LAW_IN_FORCE - ONE_DAY)
        counted = Span.of(LAW_IN_FORCE, case.leaving)
        steps += [Step("service_before_2008", before.figures()), Step("service_from_2008", counted.figures())]
        return counted, before, steps
    counted = Span.of(case.hired, case.leaving)
    steps.append(Step("service", counted.figures()))
    return counted, None, steps


def _remainder_step(span: Span) -> tuple[Decimal, Step]:
    """N before caps (art 47 ¶1): a month per whole year; a remainder of 6 months or more is a year, a shorter
    one (a single day included) half a month."""
    years = Decimal(span.years)
    figures = {"years": span.years, "months": span.months, "days": span.days}
    if span.months >= 6:
        n = years + 1
        return n, Step("remainder_year", {**figures, "n": _months(n)})
    if span.months or span.days:
        n = years + HALF
        return n, Step("remainder_half", {**figures, "n": _months(n)})
    return years, Step("remainder_none", {**figures, "n": _months(years)})


def _average_step(case: Case) -> tuple[int, Step]:
    """The monthly wage before floor and cap (实施条例 27): the average of the months given, to the fen."""
    if not case.wages:
        return case.average, Step("wage_given", {"average": Fen(case.average)})
    total, count = sum(case.wages), len(case.wages)
    exact = Decimal(total) / count
    average = _round_fen(exact)
    key = "wage_average" if exact == average else "wage_average_rounded"
    return average, Step(key, {"total": Fen(total), "count": count, "average": Fen(average)})


def _wage_steps(case: Case, average: int) -> tuple[int, WageRule, list[Step]]:
    """The wage used: the average, raised to the local minimum wage (实施条例 27), capped at 3 × the local average
    monthly wage (art 47 ¶2, strictly above it)."""
    steps = []
    wage, rule = average, WageRule.AVERAGE
    if average < case.minimum_wage:
        wage, rule = case.minimum_wage, WageRule.MINIMUM
        steps.append(Step("wage_floor", {"average": Fen(average), "minimum": Fen(case.minimum_wage)}))
    cap = CAP_MULTIPLE * case.local_average
    figures = {"wage": Fen(wage), "local": Fen(case.local_average), "cap": Fen(cap)}
    if wage > cap:
        steps.append(Step("wage_cap", figures))
        return cap, WageRule.CAP, steps
    steps.append(Step("wage_not_capped", figures))
    return wage, rule, steps


def _years_cap_step(n: Decimal) -> tuple[Decimal, Step]:
    """With a capped wage, at most 12 months (art 47 ¶2)."""
    limited = min(n, Decimal(CAP_YEARS))
    key = "years_cap" if limited < n else "years_cap_not_reached"
    return limited, Step(key, {"n": _months(n), "limited": _months(limited), "max": CAP_YEARS})


def compute(case: Case) -> Severance:
    """Work out one case; raises SeveranceInputError for a case it cannot take."""
    _check(case)
    counted, before, steps = _service_steps(case)
    zero = _zero_reason(case)
    if zero is not None:
        steps += [Step(zero), Step("total", {"amount": Fen(0)})]
        return Severance(case.basis, counted, before, counted.years, counted.months, counted.days, Decimal("0.0"),
                         0, 0, None, False, False, 0, 0, 0, zero, tuple(steps))
    full_n, remainder = _remainder_step(counted)
    average, average_step = _average_step(case)
    wage, rule, wage_steps = _wage_steps(case, average)
    steps += [remainder, average_step, *wage_steps]
    n = full_n
    if rule is WageRule.CAP:
        n, cap_step = _years_cap_step(full_n)
        steps.append(cap_step)
    exact = n * wage
    severance = _round_fen(exact)
    figures = {"n": _months(n), "wage": Fen(wage), "amount": Fen(severance)}
    steps.append(Step("amount" if exact == severance else "amount_rounded", figures))
    extra = 0
    if case.basis is Basis.ART40_NO_NOTICE:
        extra = case.last_month if case.last_month is not None else case.wages[-1]
        steps.append(Step("extra_month", {"wage": Fen(extra)}))
    steps.append(Step("total", {"amount": Fen(severance + extra)}))
    return Severance(case.basis, counted, before, counted.years, counted.months, counted.days, _months(n), average,
                     wage, rule, rule is WageRule.CAP, n < full_n, extra, severance, severance + extra, None,
                     tuple(steps))


# -- what the law forbids or requires around a termination --------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A termination the law does not allow as planned: `kind` is "blocked" (art 42: not under 40/41) or
    "deferred" (art 45: an expiring contract runs on until the status ends); `flag` the status, `basis` the item."""

    kind: str
    flag: Protected
    basis: str


def protected_reasons(flags: Iterable[Protected | str]) -> list[Protected]:
    """The art 42 statuses among `flags`, in the order of the article (raises ValueError for an unknown one)."""
    given = {Protected(flag) for flag in flags}
    return [flag for flag in Protected if flag in given]


def termination_blocks(basis: Basis | str, flags: Iterable[Protected | str]) -> list[Block]:
    """Why a planned termination of an employee with these statuses is unlawful: any art 40/41 termination is
    blocked (art 42); an expiry is deferred until the status ends (art 45). Agreement (art 36), transfer and
    takeover are not restricted."""
    basis = Basis(basis)
    reasons = protected_reasons(flags)
    if basis in DISMISSALS:
        return [Block("blocked", flag, PROTECTED_BASIS[flag]) for flag in reasons]
    if basis is Basis.EXPIRY:
        return [Block("deferred", flag, "劳动合同法45") for flag in reasons]
    return []


def art41_threshold(leaving: int, staff: int) -> bool:
    """Whether a layoff of `leaving` people out of the employer's whole workforce `staff` (企业职工总数, not
    only this project's) needs the art 41 procedure: 20 people or more, or fewer but 10% of the staff or more."""
    if leaving < 0 or staff <= 0 or leaving > staff:
        raise ValueError(f"{leaving} leaving out of {staff} staff")
    return leaving >= 20 or leaving * 10 >= staff


@dataclass(frozen=True)
class FollowUp:
    """A dated duty the services turn into a task: `key` (catalog `severance.follow.<key>`), its legal basis
    code (data/legal_basis.toml) and the last day."""

    key: str
    basis: str
    due: date


def art50_follow_ups(leaving: date, handover: date | None = None) -> list[FollowUp]:
    """Art 50 for one leaving employee: the termination certificate when the contract ends, the personnel file
    and social insurance moved within 15 days (the leaving day not counted, 民法典 201), severance paid when the
    work handover is done (`handover`, else the leaving day)."""
    return [
        FollowUp("certificate", "劳动合同法50", leaving),
        FollowUp("file_transfer", "劳动合同法50", leaving + relativedelta(days=FILE_TRANSFER_DAYS)),
        FollowUp("severance_payment", "劳动合同法50", handover or leaving),
    ]


def art41_follow_ups(layoff: date) -> list[FollowUp]:
    """Art 41 when the threshold is reached: explain to the union or all staff 30 days before the layoff and
    hear them; report the plan to the labour bureau before the layoff (the day before, at the latest)."""
    return [
        FollowUp("layoff_explain", "劳动合同法41", layoff - relativedelta(days=LAYOFF_NOTICE_DAYS)),
        FollowUp("layoff_report", "劳动合同法41", layoff - ONE_DAY),
    ]


# -- the local wages of the rule profile ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalWages:
    """A city's figures in force from `start`: the average monthly wage of the previous year (the 3× cap) and the
    monthly minimum wage (the floor), in fen; `source` says where they come from."""

    start: date
    average: int
    minimum: int
    source: str


def _amount(where: str, raw: dict, name: str) -> int:
    value = raw.get(name)
    if value is None:
        raise TemplateError(f"{where}: missing {name!r}")
    if isinstance(value, float) or isinstance(value, bool):
        raise TemplateError(f"{where}: {name} = {value!r}: write yuan as an integer or a string such as \"2500.00\"")
    try:
        fen = parse_fen(value)
    except AmountParseError as exc:
        raise TemplateError(f"{where}: {name} = {value!r} is not an amount exact to the fen") from exc
    if fen <= 0:
        raise TemplateError(f"{where}: {name} must be more than zero")
    return fen


def _wage_rows(code: str, rows: list) -> tuple[LocalWages, ...]:
    found: list[LocalWages] = []
    for raw in rows:
        start = raw.get("from")
        where = f"rule_profiles.toml: profile {code!r}, wages from {start}"
        if type(start) is not date:
            raise TemplateError(f"{where}: 'from' must be a date such as 2025-07-01")
        found.append(LocalWages(start, _amount(where, raw, "average"), _amount(where, raw, "minimum"),
                                str(raw.get("source", ""))))
    starts = [w.start for w in found]
    if len(set(starts)) != len(starts):
        raise TemplateError(f"rule_profiles.toml: profile {code!r}: two wage rows from the same day")
    return tuple(sorted(found, key=lambda w: w.start))


@cache
def wage_tables() -> dict[str, tuple[LocalWages, ...]]:
    """Profile code -> its dated local wages: its own `[[profile.wages]]` rows, else its parent's, else none."""
    tables: dict[str, tuple[LocalWages, ...]] = {}
    for raw in _read(data_dir() / "rule_profiles.toml").get("profile", []):
        code = raw["code"]
        rows = raw.get("wages")
        tables[code] = tables.get(raw.get("extends", ""), ()) if rows is None else _wage_rows(code, rows)
    return tables


def local_wages(profile: str, on: date) -> LocalWages | None:
    """The profile's figures in force on `on` (the latest row from that day or before), None when it has none
    then; raises SeveranceInputError for an unknown profile."""
    tables = wage_tables()
    if profile not in tables:
        raise SeveranceInputError("severance.error.unknown_profile", profile=profile, known=", ".join(tables))
    in_force = [w for w in tables[profile] if w.start <= on]
    return in_force[-1] if in_force else None


def display_figures(figures: Mapping[str, object]) -> dict[str, str]:
    """A step's figures as text for a catalog message: Fen as yuan `24,000.00`, dates ISO, the rest as is."""
    from .money import format_fen

    shown: dict[str, str] = {}
    for name, value in figures.items():
        if isinstance(value, Fen):
            shown[name] = format_fen(value)
        elif isinstance(value, date):
            shown[name] = value.isoformat()
        else:
            shown[name] = str(value)
    return shown

