"""Stakeholders, notices and contracts (issue 14; DOMAIN.md sections 6 and 7): the vocabulary, how a notice's
deadline is read from its rule (a rule profile's statutory deadline, or an offset from a project date: never a
typed date), a notice's status moves and the proof each asks for, and a contract's last notice day (end − notice
period through dateutil's relativedelta: a month back from 31 May is 28 February). Pure: no database.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from .dates import normalize
from .enums import ExitType
from .schedule import OffsetParseError, ProjectDates, parse_rule

PREFIX = {"stakeholder": "S", "notice": "N", "contract": "C", "announcement": "M"}


class StakeholderKind(StrEnum):
    COMMITTEE = "committee"  # 业委会
    OWNERS = "owners"  # 全体业主
    COMMUNITY = "community"  # 居委会/街道
    HOUSING = "housing"  # 住建部门
    NEW_COMPANY = "new_company"  # 新物业公司
    DEVELOPER = "developer"  # 建设单位
    UTILITY = "utility"  # 供水/供电/供气/通信
    VENDOR = "vendor"  # 外包单位
    STAFF = "staff"  # 员工/工会
    BANK = "bank"  # 开户银行
    INSURER = "insurer"  # 保险公司
    OTHER = "other"  # 其他


class Channel(StrEnum):
    WRITTEN = "written"  # 书面送达
    POSTING = "posting"  # 公告张贴
    REGISTERED = "registered"  # 挂号信/EMS
    EMAIL = "email"  # 电子邮件
    MESSAGE = "message"  # 微信/短信
    MEETING = "meeting"  # 会议


class ProofKind(StrEnum):
    RECEIPT = "receipt"  # 签收回执
    EMS = "ems"  # EMS 单号
    PHOTO = "photo"  # 照片
    MINUTES = "minutes"  # 会议纪要
    SCREENSHOT = "screenshot"  # 截图
    OTHER = "other"  # 其他


class NoticeStatus(StrEnum):
    PENDING = "pending"  # 待发
    SENT = "sent"  # 已发
    RECEIVED = "received"  # 已签收
    REFUSED = "refused"  # 拒收


class ContractKind(StrEnum):
    PROPERTY_SERVICE = "property_service"  # 物业服务合同
    CLEANING = "cleaning"  # 保洁外包
    SECURITY = "security"  # 秩序外包
    LIFT = "lift"  # 电梯维保
    FIRE = "fire"  # 消防维保
    LANDSCAPING = "landscaping"  # 绿化外包
    MAINTENANCE = "maintenance"  # 设备维保
    LEASE = "lease"  # 租赁
    ENERGY = "energy"  # 能源
    OTHER = "other"  # 其他


class ContractDecision(StrEnum):
    """What is done with a contract; "" is 待定 (not decided)."""

    EXPIRE = "expire"  # 到期终止
    TERMINATE = "terminate"  # 提前解除
    ASSIGN = "assign"  # 转给新公司
    KEEP = "keep"  # 保留


class AnnouncementStatus(StrEnum):
    DRAFT = "draft"  # 草稿
    ISSUED = "issued"  # 已发布
    SUPERSEDED = "superseded"  # 已被替代


#: The moves a notice's status may make (a move back to 待发 is only ever an undo).
NOTICE_MOVES: dict[str, frozenset[str]] = {
    NoticeStatus.PENDING: frozenset({NoticeStatus.SENT}),
    NoticeStatus.SENT: frozenset({NoticeStatus.RECEIVED, NoticeStatus.REFUSED}),
    NoticeStatus.RECEIVED: frozenset(),
    NoticeStatus.REFUSED: frozenset({NoticeStatus.SENT}),
}
SENT_STATUSES = frozenset({NoticeStatus.SENT, NoticeStatus.RECEIVED, NoticeStatus.REFUSED})
#: Decisions that end a contract (they need a notice by the last notice day).
ENDING = frozenset({ContractDecision.EXPIRE, ContractDecision.TERMINATE})
#: Contracts whose end before the handover day leaves lifts or the fire system unmaintained (DOMAIN.md §7).
SAFETY_KINDS = frozenset({ContractKind.LIFT, ContractKind.FIRE})

PROFILE_RULE = "profile:"
"""A notice rule naming a rule profile's deadline: `profile:notice-947`."""


def can_move(old: str, new: str) -> bool:
    """One step of NOTICE_MOVES."""
    return new in NOTICE_MOVES.get(old, frozenset())


def can_reach(old: str, new: str) -> bool:
    """`new` follows `old` by one or more moves (a form or an import may record several steps at once)."""
    seen, todo = set(), [old]
    while todo:
        for step in NOTICE_MOVES.get(todo.pop(), frozenset()):
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return new in seen and new != old


# -- notice deadlines ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeDeadline:
    """What a notice's rule gives for one project: the day (None when the rule names a deadline its profile does
    not have) and the legal basis ("" for an offset from a project date)."""

    day: date | None
    basis: str = ""


def check_rule(text: str) -> str:
    """A notice rule as stored: `profile:<key>` or a project-date offset (`contract_end -3m`, `T -30d`,
    `合同到期 -90天`) kept as its canonical text; ValueError when it is neither (a task's id is no anchor here)."""
    text = normalize(text or "").strip()
    if text.lower().startswith(PROFILE_RULE):
        key = text[len(PROFILE_RULE):].strip()
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", key.lower()):
            raise ValueError(text)
        return PROFILE_RULE + key.lower()
    try:
        rule = parse_rule(text)
    except OffsetParseError:
        raise ValueError(text) from None
    if rule.task_ref:
        raise ValueError(text)
    return str(rule)


def notice_deadline(rule: str, profile: str, dates: ProjectDates) -> NoticeDeadline:
    """The deadline a stored rule gives with the project's dates and rule profile (an unknown profile is read as
    the national one; a profile lacking the named deadline gives no day)."""
    from .statutes import DEFAULT_PROFILE, rule_profiles

    if rule.startswith(PROFILE_RULE):
        key = rule[len(PROFILE_RULE):]
        chosen = rule_profiles().get(profile) or rule_profiles()[DEFAULT_PROFILE]
        for item in chosen.deadlines:
            if item.key == key:
                return NoticeDeadline(item.rule.resolve(dates), item.basis)
        return NoticeDeadline(None)
    try:
        return NoticeDeadline(parse_rule(rule).resolve(dates))
    except (OffsetParseError, KeyError, ValueError, OverflowError):
        return NoticeDeadline(None)


def profile_has(profile: str, exit_type: ExitType | str, key: str) -> bool:
    """Whether the profile holds deadline `key` for the exit type (what the seeds ask before using it)."""
    from .statutes import DEFAULT_PROFILE, rule_profiles

    chosen = rule_profiles().get(profile) or rule_profiles()[DEFAULT_PROFILE]
    return any(item.key == key and ExitType(exit_type) in item.exit_types for item in chosen.deadlines)


def notice_overdue(status: str, deadline: date | None, today: date) -> bool:
    """Not sent and its deadline past."""
    return status == NoticeStatus.PENDING and deadline is not None and deadline < today


def notice_at_risk(status: str, statutory: bool, proof_ref: str) -> bool:
    """A statutory notice refused (拒收), or sent without a proof reference."""
    if not statutory:
        return False
    return status == NoticeStatus.REFUSED or (status == NoticeStatus.SENT and not (proof_ref or "").strip())


# -- contracts -----------------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"^\s*(\d{1,4})\s*(个月|月|m|months?|天|日|d|days?)\s*$")
_MONTHS = {"个月", "月", "m", "month", "months"}
MAX_PERIOD_DAYS, MAX_PERIOD_MONTHS = 3650, 120


def parse_period(text: str) -> relativedelta | None:
    """A notice period as typed: `30d`, `90天`, `3m`, `3个月`, `3 months` -> relativedelta; "" -> None.
    ValueError for anything else (a period of weeks or years is typed in days or months)."""
    value = normalize(text or "").strip().lower()
    if not value:
        return None
    match = _PERIOD.match(value)
    if not match:
        raise ValueError(text)
    amount = int(match[1])
    if match[2] in _MONTHS:
        if amount > MAX_PERIOD_MONTHS:
            raise ValueError(text)
        return relativedelta(months=amount)
    if amount > MAX_PERIOD_DAYS:
        raise ValueError(text)
    return relativedelta(days=amount)


def last_notice_day(end: date | None, period: str) -> date | None:
    """The last day to give notice: end − notice period (relativedelta: 2027-05-31 less 3 months is 2027-02-28);
    None without an end or a readable period."""
    if end is None:
        return None
    try:
        delta = parse_period(period)
    except ValueError:
        return None
    return None if delta is None else end - delta


def contract_late(decision: str, last_day: date | None, notice_sent: bool, today: date) -> bool:
    """A decision to end it, its last notice day past, and no notice sent."""
    return decision in ENDING and last_day is not None and last_day < today and not notice_sent


def contract_gap(kind: str, end: date | None, decision: str, handover: date) -> bool:
    """A lift or fire maintenance contract ending before the handover day T: the lifts or the fire system go
    unmaintained between its end and T (DOMAIN.md §7), whatever is decided about it, unless it is kept (the
    decision 保留 says it runs on: its end date is to be extended)."""
    return kind in SAFETY_KINDS and end is not None and end < handover and decision != ContractDecision.KEEP


# -- seeds (data/stakeholders.toml) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedNotice:
    zh: str
    en: str
    rule: str
    """The rule stored: the profile's deadline when the project's profile has it, else the fallback offset."""
    statutory: bool
    channel: str


@dataclass(frozen=True)
class SeedStakeholder:
    key: str
    kind: str
    zh: str
    en: str
    notices: tuple[SeedNotice, ...]


def _seed_notice(raw: dict, profile: str, exit_type: ExitType) -> SeedNotice | None:
    """The notice as a project of this profile and exit type owes it, or None when it owes none."""
    rule = check_rule(raw["rule"])
    statutory = rule.startswith(PROFILE_RULE)
    if statutory and not profile_has(profile, exit_type, rule[len(PROFILE_RULE):]):
        if "fallback" not in raw:
            return None
        rule, statutory = check_rule(raw["fallback"]), False
    return SeedNotice(raw["subject_zh"], raw["subject_en"], rule, statutory, Channel(raw.get("channel", "written")))


def seed_for(exit_type: ExitType | str, profile: str) -> list[SeedStakeholder]:
    """The stakeholders seeded for a project of this exit type and rule profile, in file order, each with the
    notices it is owed there."""
    from .templates import TemplateError, _read, data_dir

    exit_type = ExitType(exit_type)
    found = []
    for raw in _read(data_dir() / "stakeholders.toml").get("stakeholder", []):
        where = f"stakeholders.toml: stakeholder {raw.get('key', '?')!r}"
        try:
            types = {ExitType(value) for value in raw.get("exit", [e.value for e in ExitType])}
            if exit_type not in types:
                continue
            notices = []
            for item in raw.get("notice", []):
                if exit_type in {ExitType(value) for value in item.get("exit", [e.value for e in ExitType])}:
                    notice = _seed_notice(item, profile, exit_type)
                    if notice is not None:
                        notices.append(notice)
            found.append(SeedStakeholder(raw["key"], StakeholderKind(raw["kind"]).value, raw["zh"], raw["en"],
                                         tuple(notices)))
        except KeyError as exc:
            raise TemplateError(f"{where}: missing {exc}") from exc
        except ValueError as exc:
            raise TemplateError(f"{where}: {exc}") from exc
    return found
