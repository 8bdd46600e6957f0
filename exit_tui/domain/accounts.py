"""Accounts (DOMAIN.md section 4): the codes of units' ledger lines and the project's own ledgers, the state rules
of the reconciliation with owners, the split of a prepaid line at the settlement cut-off, and the masking of
names and phones on public notices. Pure: no database. Money is integer fen.

Codes are stored; their labels live in the i18n catalogs (`accounts.<group>.<code>`).
"""

from datetime import date, timedelta
from enum import StrEnum


class LineCategory(StrEnum):
    ARREARS = "arrears"  # 物业费欠费
    PREPAID = "prepaid"  # 预收物业费
    DEPOSIT = "deposit"  # 押金/保证金
    PARKING = "parking"  # 停车费
    UTILITIES = "utilities"  # 代收代缴 (水电气)
    OTHER = "other"  # 其他


class Direction(StrEnum):
    OWES = "owes"  # the owner owes the company (业主欠)
    OWED = "owed"  # owed to the owner (应退业主)


class LineState(StrEnum):
    UNCONFIRMED = "unconfirmed"  # 未确认
    CONFIRMED = "confirmed"  # 已确认
    DISPUTED = "disputed"  # 有争议
    CARVED_OUT = "carved_out"  # 已剥离: a dispute set aside so that the unit and the project can close
    SETTLED = "settled"  # 已结清


_S = LineState
#: Where a line may go from each state.
TRANSITIONS: dict[LineState, frozenset[LineState]] = {
    _S.UNCONFIRMED: frozenset({_S.CONFIRMED, _S.DISPUTED}),
    _S.CONFIRMED: frozenset({_S.SETTLED, _S.DISPUTED, _S.UNCONFIRMED}),
    _S.DISPUTED: frozenset({_S.CONFIRMED, _S.CARVED_OUT, _S.UNCONFIRMED}),
    _S.CARVED_OUT: frozenset({_S.DISPUTED}),
    _S.SETTLED: frozenset({_S.CONFIRMED}),  # a settlement recorded by mistake
}
#: States that need a reason and an evidence reference.
NEEDS_REASON = frozenset({_S.DISPUTED})
#: A unit is closed when every line is in one of these.
CLOSED_STATES = frozenset({_S.CONFIRMED, _S.SETTLED, _S.CARVED_OUT})


#: When a whole unit is moved to a state (a key on the units tab), the lines that move: those for which it is the
#: next step (confirming a unit confirms its unconfirmed lines; a settled line is not reopened, a dispute is not
#: confirmed wholesale).
UNIT_MOVES: dict[LineState, frozenset[LineState]] = {
    _S.CONFIRMED: frozenset({_S.UNCONFIRMED}),
    _S.SETTLED: frozenset({_S.CONFIRMED}),
    _S.DISPUTED: frozenset({_S.UNCONFIRMED, _S.CONFIRMED}),
    _S.CARVED_OUT: frozenset({_S.DISPUTED}),
    _S.UNCONFIRMED: frozenset({_S.CONFIRMED, _S.DISPUTED}),
}


def can_move(old: LineState, new: LineState) -> bool:
    """Whether a line may go from `old` to `new` (staying put is always allowed)."""
    return old == new or new in TRANSITIONS[LineState(old)]


class LedgerKind(StrEnum):
    """The project's own ledgers (no unit)."""

    REVENUE = "revenue"  # 公共收益 (parking, advertising, rent): belongs to the owners (民法典282)
    REVENUE_COST = "revenue_cost"  # 公共收益的合理成本, deducted line by line
    REPAIR_FUND = "repair_fund"  # 专项维修资金 usage records and balance held
    FEE_SURPLUS = "fee_surplus"  # 酬金制结余 (属业主)
    LUMP_SUM = "lump_sum"  # 包干制盈亏 (stays with the company: shown, not settled)
    VENDOR_PAYABLE = "vendor_payable"  # 应付外包单位
    VENDOR_PREPAID = "vendor_prepaid"  # 预付外包单位


def split_at_cutoff(amount_fen: int, start: date | None, end: date | None, cutoff: date) -> int:
    """The part of a line for its period's days after the cut-off (the cut-off day itself is served by the old
    company): amount × days after ÷ days in the period, rounded half up to the fen; the part before is
    amount − that, so no fen is made or lost. A line without a full period, or wholly before the cut-off, has
    nothing after it; one wholly after has all of it."""
    if start is None or end is None or end < start:
        return 0
    days = (end - start).days + 1
    after = (end - max(cutoff + timedelta(days=1), start)).days + 1
    if after <= 0:
        return 0
    if after >= days:
        return amount_fen
    return (2 * amount_fen * after + days) // (2 * days)  # half up, in integers


def mask_name(name: str) -> str:
    """For a public notice: the first character kept and, for a name of three or more, the last; every other
    character `*` (张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜). Several owners (`张三、李四`) are masked each."""
    parts = [part.strip() for part in name.replace("/", "、").replace(",", "、").replace(",", "、").split("、")]
    return "、".join(_mask_one(part) for part in parts if part)


def _mask_one(name: str) -> str:
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """The first 3 and last 4 digits kept (138****1234); a number of 7 digits or fewer is masked whole."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
