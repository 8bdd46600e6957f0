"""Handover and joint inspection (DOMAIN.md section 3): the codes of the registers, the inspection state rules,
and the seed lists in data/handover/ (documents, facilities, keys), parsed and checked. Pure: no database.

Codes are stored; their labels live in the i18n catalogs (`handover.<group>.<code>`).
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from .enums import ExitType
from .templates import TemplateError, _read, data_dir, legal_bases


class DocStatus(StrEnum):
    PENDING = "pending"  # 待整理
    READY = "ready"  # 已备齐
    HANDED = "handed"  # 已移交
    MISSING = "missing"  # 缺失


class DocForm(StrEnum):
    ORIGINAL = "original"  # 原件
    COPY = "copy"  # 复印件


class DocCategory(StrEnum):
    COMPLETION = "completion"  # 竣工验收资料
    TECHNICAL = "technical"  # 设施设备技术资料
    PERMITS = "permits"  # 准许使用文件
    WARRANTY = "warranty"  # 质量保修与使用说明
    OWNERS = "owners"  # 业主与维修资金
    RECORDS = "records"  # 运行维护记录
    CONTRACTS = "contracts"  # 合同与交接文件
    OTHER = "other"  # 其他


class FacilityCategory(StrEnum):
    PART = "part"  # 共用部位
    EQUIPMENT = "equipment"  # 共用设备
    FACILITY = "facility"  # 共用设施
    PREMISES = "premises"  # 物业服务用房


class Method(StrEnum):
    """How an item is checked (承接查验办法16)."""

    CHECK = "check"  # 核对
    OBSERVE = "observe"  # 观察
    USE = "use"  # 使用
    DETECT = "detect"  # 检测
    TEST = "test"  # 试验


class Condition(StrEnum):
    UNCHECKED = "unchecked"  # 未查验
    GOOD = "good"  # 完好
    FAIR = "fair"  # 基本完好
    POOR = "poor"  # 损坏


class KeyKind(StrEnum):
    KEY = "key"  # 钥匙
    CARD = "card"  # 门禁卡
    REMOTE = "remote"  # 遥控器
    ACCOUNT = "account"  # 系统账号


class InspectionState(StrEnum):
    OPEN = "open"  # 待分派
    ASSIGNED = "assigned"  # 已分派
    RECHECK = "recheck"  # 待复查
    CLOSABLE = "closable"  # 可关闭
    CLOSED = "closed"  # 已关闭
    DISPUTED = "disputed"  # 有争议


class Outcome(StrEnum):
    """What became of an item in a handover batch."""

    HANDED = "handed"  # 已移交
    PARTIAL = "partial"  # 部分移交
    NOT_HANDED = "not_handed"  # 未移交
    DISPUTED = "disputed"  # 有争议


#: Outcomes that owe a promised date and a reason.
OWED = frozenset({Outcome.PARTIAL, Outcome.NOT_HANDED})


class PartyRole(StrEnum):
    HANDING = "handing"  # 移交方
    RECEIVING = "receiving"  # 接收方
    SUPERVISING = "supervising"  # 监交方


#: Public id prefix of each register's rows.
PREFIX = {"document": "D", "facility": "A", "key": "K", "inspection": "I", "batch": "B"}

_S = InspectionState
#: Where an inspection item may go from each state (any open state may also become disputed).
TRANSITIONS: dict[InspectionState, frozenset[InspectionState]] = {
    _S.OPEN: frozenset({_S.ASSIGNED}),
    _S.ASSIGNED: frozenset({_S.RECHECK, _S.OPEN}),
    _S.RECHECK: frozenset({_S.CLOSABLE, _S.ASSIGNED}),  # a failed re-inspection goes back to the party
    _S.CLOSABLE: frozenset({_S.CLOSED, _S.RECHECK}),
    _S.CLOSED: frozenset(),
    _S.DISPUTED: frozenset({_S.OPEN, _S.ASSIGNED}),  # settled: back to work
}
OPEN_STATES = frozenset(InspectionState) - {_S.CLOSED}


def can_move(old: InspectionState, new: InspectionState) -> bool:
    """Whether an inspection item may go from `old` to `new` (staying put is always allowed)."""
    if old == new:
        return True
    if new is _S.DISPUTED:
        return old in OPEN_STATES
    return new in TRANSITIONS[old]


def key_discrepancy(kind: KeyKind | str, handed_out: int, received: int) -> bool:
    """A counted item (not an account) whose count received differs from the count handed out."""
    return KeyKind(kind) is not KeyKind.ACCOUNT and handed_out != received


# -- the seed lists ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedItem:
    """One line of a seed list (data/handover/<register>.toml)."""

    key: str
    category: str
    """A DocCategory, FacilityCategory or KeyKind code, by register."""
    zh: str
    en: str
    basis: str
    types: frozenset[ExitType]
    """The exit types it is seeded for (all of them when the file names none)."""
    method: str | None = None
    """Facilities: how it is checked (a Method code)."""
    form: str | None = None
    """Documents: original or copy (a DocForm code)."""
    unit_zh: str = ""
    unit_en: str = ""


#: Register -> (file, its TOML table name, the codes its `category` takes).
SEED_FILES = {
    "document": ("documents.toml", "document", DocCategory),
    "facility": ("facilities.toml", "facility", FacilityCategory),
    "key": ("keys.toml", "key", KeyKind),
}


def _item(name: str, codes: type[StrEnum], raw: dict) -> SeedItem:
    where = f"handover/{name}: item {raw.get('key', '?')!r}"
    try:
        key, category, zh, en, basis = raw["key"], raw["category"], raw["zh"], raw["en"], raw["basis"]
    except KeyError as exc:
        raise TemplateError(f"{where}: missing {exc}") from exc
    if category not in {c.value for c in codes}:
        raise TemplateError(f"{where}: unknown category {category!r}")
    if basis not in legal_bases():
        raise TemplateError(f"{where}: unknown legal basis {basis!r}")
    try:
        types = frozenset(ExitType(t) for t in raw.get("types", [t.value for t in ExitType]))
        method = Method(raw["method"]).value if "method" in raw else None
        form = DocForm(raw["form"]).value if "form" in raw else None
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from exc
    if not types:
        raise TemplateError(f"{where}: empty types")
    return SeedItem(key, category, zh, en, basis, types, method, form, raw.get("unit_zh", ""), raw.get("unit_en", ""))


@cache
def seed_items(register: str) -> tuple[SeedItem, ...]:
    """Every item of a register's seed list, checked; raises TemplateError naming the file and item."""
    name, table, codes = SEED_FILES[register]
    items = tuple(_item(name, codes, raw) for raw in _read(data_dir() / "handover" / name).get(table, []))
    keys = [item.key for item in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise TemplateError(f"handover/{name}: duplicate keys {duplicates}")
    return items


def seed_for(register: str, exit_type: ExitType | str) -> list[SeedItem]:
    """The items of a register seeded for a project of this exit type, in file order."""
    exit_type = ExitType(exit_type)
    return [item for item in seed_items(register) if exit_type in item.types]
