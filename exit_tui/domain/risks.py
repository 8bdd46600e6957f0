"""Risks and contingency plans (DOMAIN.md section 7, phase 7 风险管理和应急预案): the codes of the register, the
status rules, the score and its level, the drill schedule, and the seed list in data/risks.toml. Pure: no
database.

The level is never stored: it is read from the score with the thresholds of the project's rule profile
(data/rule_profiles.toml, `[profile.risk_levels]`), so a changed threshold re-levels every risk without
touching a score. Codes are stored; their labels live in the i18n catalogs (`risks.<group>.<code>`).
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache

from .enums import PHASE_COUNT, ExitType
from .templates import TemplateError, _read, data_dir, legal_bases

#: Likelihood and impact are each rated 1 (lowest) to 5 (highest); the score is their product (1 to 25).
RATING = range(1, 6)


class Category(StrEnum):
    HANDOVER = "handover"  # 移交
    OWNERS = "owners"  # 业主
    STAFF = "staff"  # 员工
    SAFETY = "safety"  # 安全
    FINANCE = "finance"  # 财务
    REPUTATION = "reputation"  # 舆情
    CONTRACT = "contract"  # 合同
    DATA = "data"  # 数据


class Status(StrEnum):
    IDENTIFIED = "identified"  # 识别
    RESPONDING = "responding"  # 应对中
    OCCURRED = "occurred"  # 已发生
    CLOSED = "closed"  # 已关闭


class Level(StrEnum):
    LOW = "low"  # 低
    MEDIUM = "medium"  # 中
    HIGH = "high"  # 高
    EXTREME = "extreme"  # 极高


_S = Status
#: Where a risk may go from each status (a closed risk may be reopened: it is identified again).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    _S.IDENTIFIED: frozenset({_S.RESPONDING, _S.OCCURRED, _S.CLOSED}),
    _S.RESPONDING: frozenset({_S.IDENTIFIED, _S.OCCURRED, _S.CLOSED}),
    _S.OCCURRED: frozenset({_S.RESPONDING, _S.CLOSED}),
    _S.CLOSED: frozenset({_S.IDENTIFIED}),
}
OPEN_STATUSES = frozenset(Status) - {_S.CLOSED}

#: Public id prefixes: risks R-, drill records X- (E is the employees' in DESIGN.md).
PREFIX = {"risk": "R", "drill": "X"}


def can_move(old: Status | str, new: Status | str) -> bool:
    """Whether a risk may go from `old` to `new` (staying put is always allowed)."""
    return old == new or Status(new) in TRANSITIONS[Status(old)]


def score(likelihood: int, impact: int) -> int:
    """Likelihood × impact (each 1 to 5)."""
    if likelihood not in RATING or impact not in RATING:
        raise ValueError(f"likelihood and impact are 1 to 5, not {likelihood} and {impact}")
    return likelihood * impact


@dataclass(frozen=True)
class Thresholds:
    """The highest score of each level below extreme (upper bounds, inclusive). The national default is low ≤ 4,
    medium 5–9, high 10–16, extreme above. As products of two ratings 1–5, scores 17, 18 and 19 cannot occur,
    so "extreme ≥ 20" and "extreme > 16" are the same rule: written as upper bounds there is no gap to fill."""

    low: int = 4
    medium: int = 9
    high: int = 16

    def __post_init__(self) -> None:
        if not 1 <= self.low < self.medium < self.high < 25:
            raise ValueError(f"risk levels must rise within 1..24: {self.low}, {self.medium}, {self.high}")

    def level(self, value: int) -> Level:
        """The level of a score."""
        if value <= self.low:
            return Level.LOW
        if value <= self.medium:
            return Level.MEDIUM
        if value <= self.high:
            return Level.HIGH
        return Level.EXTREME


def level_of(likelihood: int, impact: int, thresholds: Thresholds = Thresholds()) -> Level:
    """The level of a likelihood and impact under `thresholds`."""
    return thresholds.level(score(likelihood, impact))


@cache
def _profile_levels() -> dict[str, Thresholds]:
    """Profile code -> its thresholds: its own `[profile.risk_levels]`, else its parent's, else the default."""
    found: dict[str, Thresholds] = {}
    for raw in _read(data_dir() / "rule_profiles.toml").get("profile", []):
        code = raw["code"]
        inherited = found.get(raw.get("extends", ""), Thresholds())
        levels = raw.get("risk_levels")
        if levels is None:
            found[code] = inherited
            continue
        try:
            found[code] = Thresholds(levels.get("low", inherited.low), levels.get("medium", inherited.medium),
                                     levels.get("high", inherited.high))
        except ValueError as exc:
            raise TemplateError(f"rule_profiles.toml: profile {code!r}: {exc}") from exc
    return found


def thresholds_for(profile: str) -> Thresholds:
    """The risk level thresholds of a rule profile (an unknown one falls back to the national profile's)."""
    levels = _profile_levels()
    return levels.get(profile) or levels.get("national") or Thresholds()


def check_drill_rule(rule: str) -> str:
    """A drill schedule as an RRULE body (`FREQ=MONTHLY;INTERVAL=2`), upper-cased and checked by dateutil;
    raises ValueError when dateutil does not accept it. Empty means no schedule."""
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text:
        return ""
    if "FREQ=" not in text or "DTSTART" in text:
        raise ValueError(f"not an RRULE body: {rule!r}")
    from dateutil.rrule import rrulestr  # kept off the start-up path, as domain/schedule does

    rrulestr(text, dtstart=datetime(2000, 1, 1))
    return text


# -- the seed list ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedRisk:
    """One risk of data/risks.toml."""

    key: str
    phase: int
    category: str
    zh: str
    en: str
    trigger_zh: str
    trigger_en: str
    mitigation_zh: str
    mitigation_en: str
    plan_zh: str
    plan_en: str
    likelihood: int
    impact: int
    types: frozenset[ExitType]
    """The exit types it is seeded for (all of them when the file names none)."""
    emphasis: tuple[tuple[ExitType, int, int], ...] = ()
    """(exit type, likelihood, impact) where that exit type rates it otherwise."""
    basis: str | None = None
    drill_rule: str = ""

    def rating(self, exit_type: ExitType | str) -> tuple[int, int]:
        """(likelihood, impact) for a project of this exit type."""
        exit_type = ExitType(exit_type)
        return next(((lk, im) for kind, lk, im in self.emphasis if kind is exit_type),
                    (self.likelihood, self.impact))


_TEXTS = ("zh", "en", "trigger_zh", "trigger_en", "mitigation_zh", "mitigation_en", "plan_zh", "plan_en")


def _seed(raw: dict) -> SeedRisk:
    where = f"risks.toml: risk {raw.get('key', '?')!r}"
    try:
        texts = {name: raw[name] for name in _TEXTS}
        key, phase, category = raw["key"], raw["phase"], Category(raw["category"]).value
        likelihood, impact = raw["likelihood"], raw["impact"]
        types = frozenset(ExitType(t) for t in raw.get("types", [t.value for t in ExitType]))
        emphasis = tuple((ExitType(kind), *rating) for kind, rating in raw.get("emphasis", {}).items())
        drill_rule = check_drill_rule(raw.get("drill_rule", ""))
    except KeyError as exc:
        raise TemplateError(f"{where}: missing {exc}") from exc
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from exc
    if any(not str(text).strip() for text in texts.values()):
        raise TemplateError(f"{where}: a text is empty")
    if not 1 <= phase <= PHASE_COUNT:
        raise TemplateError(f"{where}: phase {phase} is not 1..{PHASE_COUNT}")
    for lk, im in [(likelihood, impact), *((lk, im) for _kind, lk, im in emphasis)]:
        if lk not in RATING or im not in RATING:
            raise TemplateError(f"{where}: likelihood and impact are 1 to 5")
    basis = raw.get("basis")
    if basis is not None and basis not in legal_bases():
        raise TemplateError(f"{where}: unknown legal basis {basis!r}")
    if not types:
        raise TemplateError(f"{where}: empty types")
    return SeedRisk(key, phase, category, **texts, likelihood=likelihood, impact=impact, types=types,
                    emphasis=emphasis, basis=basis, drill_rule=drill_rule)


@cache
def seed_risks() -> tuple[SeedRisk, ...]:
    """Every risk of the seed list, checked; raises TemplateError naming the item."""
    items = tuple(_seed(raw) for raw in _read(data_dir() / "risks.toml").get("risk", []))
    keys = [item.key for item in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise TemplateError(f"risks.toml: duplicate keys {duplicates}")
    return items


def seed_for(exit_type: ExitType | str) -> list[SeedRisk]:
    """The risks seeded for a project of this exit type, in file order."""
    exit_type = ExitType(exit_type)
    return [item for item in seed_risks() if exit_type in item.types]


def drill_days(rule: str, start: date, until: date, limit: int = 200) -> list[date]:
    """The days a drill schedule falls on from `start` up to `until` (as recurring tasks' occurrences)."""
    from .schedule import occurrences

    return occurrences(rule, start, until, limit) if rule else []
