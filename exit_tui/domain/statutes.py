"""Statutory deadlines (法定期限): derived from a project's dates and its rule profile, never typed by hand.

Profiles live in data/rule_profiles.toml. A local profile `extends` the national one: it inherits its deadlines
and adds (or, with the same key, replaces) its own.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from .enums import ExitType
from .schedule import DueRule, OffsetParseError, ProjectDates, parse_rule
from .templates import TemplateError, _read, data_dir, legal_bases

DEFAULT_PROFILE = "national"


@dataclass(frozen=True)
class DeadlineRule:
    """One deadline of a profile, before it is applied to a project's dates."""

    key: str
    basis: str
    rule: DueRule
    zh: str
    en: str
    exit_types: frozenset[ExitType]
    serves: tuple[str, ...]


@dataclass(frozen=True)
class RuleProfile:
    code: str
    zh: str
    en: str
    deadlines: tuple[DeadlineRule, ...]


@dataclass(frozen=True)
class Deadline:
    """A statutory deadline of one project: the last lawful day for the template tasks in `serves`."""

    key: str
    basis: str
    rule: DueRule
    day: date
    zh: str
    en: str
    serves: tuple[str, ...]


def _deadline(code: str, raw: dict) -> DeadlineRule:
    where = f"rule_profiles.toml: profile {code!r}, deadline {raw.get('key', '?')!r}"
    try:
        rule = parse_rule(raw["rule"])
        exit_types = frozenset(ExitType(value) for value in raw.get("exit", [e.value for e in ExitType]))
        item = DeadlineRule(raw["key"], raw["basis"], rule, raw["zh"], raw["en"], exit_types,
                            tuple(raw.get("serves", ())))
    except KeyError as exc:
        raise TemplateError(f"{where}: missing {exc}") from exc
    except (OffsetParseError, ValueError) as exc:
        raise TemplateError(f"{where}: {exc}") from exc
    if rule.task_ref:
        raise TemplateError(f"{where}: a deadline hangs on a project date, not on a task")
    if item.basis not in legal_bases():
        raise TemplateError(f"{where}: unknown legal basis {item.basis!r}")
    return item


@cache
def rule_profiles() -> dict[str, RuleProfile]:
    """Every profile by code, in file order, with inherited deadlines resolved."""
    raw_profiles = _read(data_dir() / "rule_profiles.toml").get("profile", [])
    profiles: dict[str, RuleProfile] = {}
    for raw in raw_profiles:
        code = raw["code"]
        inherited: dict[str, DeadlineRule] = {}
        parent = raw.get("extends")
        if parent is not None:
            if parent not in profiles:
                raise TemplateError(f"rule_profiles.toml: {code!r} extends unknown or later profile {parent!r}")
            inherited = {d.key: d for d in profiles[parent].deadlines}
        own = {d.key: d for d in (_deadline(code, item) for item in raw.get("deadline", []))}
        profiles[code] = RuleProfile(code, raw["zh"], raw["en"], tuple({**inherited, **own}.values()))
    if DEFAULT_PROFILE not in profiles:
        raise TemplateError(f"rule_profiles.toml: the {DEFAULT_PROFILE!r} profile is missing")
    return profiles


def deadlines_for(profile: str, exit_type: ExitType | str, dates: ProjectDates) -> list[Deadline]:
    """The project's statutory deadlines in date order (an unknown profile falls back to the national one)."""
    chosen = rule_profiles().get(profile) or rule_profiles()[DEFAULT_PROFILE]
    exit_type = ExitType(exit_type)
    found = [
        Deadline(d.key, d.basis, d.rule, d.rule.resolve(dates), d.zh, d.en, d.serves)
        for d in chosen.deadlines
        if exit_type in d.exit_types
    ]
    return sorted(found, key=lambda d: (d.day, d.key))
