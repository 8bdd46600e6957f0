"""Staff placement (员工安置): the vocabulary of the staff register beside the severance calculator's, and what is
read from an employee's stored facts — the severance owed (computed, never stored), why it cannot be computed,
and the art 42/45 blocks. Pure: no database; the rule profile's wage table as domain/severance reads it.

A placement is a `severance.Basis` code, or "" while it is not decided (待定).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .severance import (
    Basis, Block, Case, Protected, Severance, SeveranceInputError, compute, local_wages, termination_blocks,
)


class PlacementStatus(StrEnum):
    """How far an employee's placement has got."""

    PENDING = "pending"  # 待安置
    PLANNED = "planned"  # 已计划
    DONE = "done"  # 已完成


class ContractType(StrEnum):
    """The employee's labour contract."""

    FIXED = "fixed"  # 固定期限
    OPEN = "open"  # 无固定期限
    TASK = "task"  # 以完成一定工作任务为期限


LEAVING = frozenset({Basis.AGREED, Basis.EXPIRY, Basis.ART40, Basis.ART40_NO_NOTICE, Basis.ART41})
"""Placements that end the employment (and so may owe severance and bring the art 50 follow-ups)."""

ART50_KEYS = ("certificate", "file_transfer", "severance_payment")
ART41_KEYS = ("layoff_explain", "layoff_report")
ART41_OWNER = "art41"
"""The name art 41's follow-up links carry in place of an employee's id (`art41/layoff_report`)."""


def is_leaving(placement: str) -> bool:
    return placement in LEAVING


def wages_of(stored: str) -> tuple[int, ...]:
    """The monthly wages stored as a JSON list of fen ("" or "[]": none)."""
    return tuple(int(fen) for fen in json.loads(stored)) if stored and stored.strip() else ()


def wages_text(wages: Iterable[int]) -> str:
    """Monthly wages as stored: a JSON list of fen."""
    return json.dumps([int(fen) for fen in wages])


def protected_of(stored: str) -> tuple[str, ...]:
    """The art 42 statuses stored comma-separated, in the article's order (unknown codes are dropped)."""
    given = {code.strip() for code in (stored or "").split(",")}
    return tuple(flag.value for flag in Protected if flag.value in given)


@dataclass(frozen=True)
class Facts:
    """What the calculator and the law checks read of one employee (as stored)."""

    placement: str
    hire_date: date
    leaving_date: date | None
    wages: tuple[int, ...]
    average: int | None
    last_month: int | None
    protected: tuple[str, ...]
    renewal_refused: bool = False
    employee_proposed: bool = False


@dataclass(frozen=True)
class Assessment:
    """An employee's severance (None for a staying placement, 待定, or when it cannot be computed), why not
    (`error`: a catalog key, `params` its figures; "" when it could or need not be) and the blocks."""

    severance: Severance | None
    error: str
    params: tuple[tuple[str, object], ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Overrides:
    """The project's own local figures (fen), each None for the rule profile's at the leaving date."""

    local_average: int | None = None
    minimum_wage: int | None = None


def local_figures(profile: str, day: date, overrides: Overrides) -> tuple[int, int] | None:
    """(local average, minimum wage) in force on `day`: the project's own figures, else the profile's; None when
    either is known from neither. Raises SeveranceInputError for an unknown profile."""
    average, minimum = overrides.local_average, overrides.minimum_wage
    if average is None or minimum is None:
        wages = local_wages(profile, day)
        if wages is None:
            return None
        average = wages.average if average is None else average
        minimum = wages.minimum if minimum is None else minimum
    return average, minimum


def assess(facts: Facts, profile: str, overrides: Overrides = Overrides()) -> Assessment:
    """Severance and blocks of one employee, computed with the profile's (or the project's) local figures."""
    blocks = tuple(termination_blocks(facts.placement, facts.protected)) if facts.placement else ()
    if not is_leaving(facts.placement):
        return Assessment(None, "", (), blocks)
    if facts.leaving_date is None:
        return Assessment(None, "staff.incomplete.no_leaving_date", (), blocks)
    if not facts.wages and facts.average is None:
        return Assessment(None, "staff.incomplete.no_wage", (), blocks)
    if facts.placement == Basis.ART40_NO_NOTICE and not facts.wages and facts.last_month is None:
        return Assessment(None, "staff.incomplete.no_last_month", (), blocks)
    try:
        local = local_figures(profile, facts.leaving_date, overrides)
        if local is None:
            return Assessment(None, "staff.incomplete.no_local_wages",
                              (("profile", profile), ("day", facts.leaving_date)), blocks)
        case = Case(facts.hire_date, facts.leaving_date, local_average=local[0], minimum_wage=local[1],
                    wages=facts.wages, average=None if facts.wages else facts.average, last_month=facts.last_month,
                    basis=Basis(facts.placement),
                    renewal_refused=facts.renewal_refused and facts.placement == Basis.EXPIRY,
                    employee_proposed=facts.employee_proposed and facts.placement == Basis.AGREED)
        return Assessment(compute(case), "", (), blocks)
    except SeveranceInputError as error:
        return Assessment(None, error.key, tuple(error.params.items()), blocks)


def art41_workforce(workforce: int | None, registered: int, layoffs: int) -> int:
    """The workforce art 41 counts against: the typed one, else the employees registered (never fewer than the
    layoffs themselves)."""
    return max(workforce if workforce else registered, layoffs)
