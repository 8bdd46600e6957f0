"""Accounts' pure rules (domain/accounts.py): the split of a prepaid line at the cut-off (month ends, leap years,
periods wholly before or after it, no fen made or lost), the state moves, and the masking of names and phones
for public notices."""

import random
from datetime import date, timedelta

import pytest

from exit_tui.domain.accounts import (
    CLOSED_STATES, NEEDS_REASON, TRANSITIONS, LineState, can_move, mask_name, mask_phone, split_at_cutoff,
)

S = LineState


@pytest.mark.parametrize(("amount", "start", "end", "cutoff", "after"), [
    # A year from 1 July 2026; cut-off 31 December: 181 of 365 days after it.
    (365_00, date(2026, 7, 1), date(2027, 6, 30), date(2026, 12, 31), 181_00),
    # A month: cut-off at its last day leaves nothing after it; the day before, one day of 31.
    (31_00, date(2027, 1, 1), date(2027, 1, 31), date(2027, 1, 31), 0),
    (31_00, date(2027, 1, 1), date(2027, 1, 31), date(2027, 1, 30), 1_00),
    # February of a leap year has 29 days; cut-off on the 28th leaves the 29th.
    (29_00, date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 28), 1_00),
    (100_00, date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 14), 5172),  # 100 × 15/29 = 51.724.. -> 51.72
    # A leap year whole: 366 days, cut-off 29 February (60 days served) -> 306 after.
    (366_00, date(2028, 1, 1), date(2028, 12, 31), date(2028, 2, 29), 306_00),
    # The cut-off day is served by the old company: cut-off the day before the period starts leaves all of it.
    (120_00, date(2027, 1, 1), date(2027, 3, 31), date(2026, 12, 31), 120_00),
    # A period starting well after the cut-off: all of it; ending before (or on) it: none.
    (120_00, date(2027, 5, 1), date(2027, 7, 31), date(2027, 1, 10), 120_00),
    (120_00, date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 10), 0),
    (120_00, date(2026, 1, 1), date(2027, 1, 10), date(2027, 1, 10), 0),
    # Half up: 1 fen over 2 days, one after -> 0.5 -> 1; 1 fen over 3 days, one after -> 0.33 -> 0.
    (1, date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 1), 1),
    (1, date(2027, 1, 1), date(2027, 1, 3), date(2027, 1, 2), 0),
    # Without a whole period, nothing is split off.
    (100_00, None, date(2027, 1, 31), date(2027, 1, 10), 0),
    (100_00, date(2027, 1, 1), None, date(2027, 1, 10), 0),
    (100_00, date(2027, 1, 31), date(2027, 1, 1), date(2027, 1, 10), 0),
])
def test_split_at_cutoff(amount, start, end, cutoff, after):
    assert split_at_cutoff(amount, start, end, cutoff) == after


def test_month_end_cutoffs_split_a_year_by_its_days():
    """Cut-off at each month end of 2027 through a year's prepaid fee: the part after is the remaining days'
    share, rounded half up, and it only shrinks as the cut-off moves on."""
    start, end, amount = date(2027, 1, 1), date(2027, 12, 31), 1_234_567
    last = amount
    for month in range(1, 13):
        cutoff = (date(2027, month % 12 + 1, 1) if month < 12 else date(2028, 1, 1)) - timedelta(days=1)
        after = split_at_cutoff(amount, start, end, cutoff)
        days_after = (end - cutoff).days
        exact = amount * days_after / 365
        assert abs(after - exact) <= 0.5 and after <= last
        last = after
    assert last == 0


def test_the_parts_always_sum_to_the_amount():
    """Before = amount − after, and after lies within [0, amount], whatever the period and cut-off: no fen is
    made or lost (random periods over leap and common years, amounts from one fen up)."""
    rng = random.Random(11)
    for _ in range(20_000):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(1500))
        end = start + timedelta(days=rng.randrange(800))
        cutoff = start + timedelta(days=rng.randrange(-100, 900))
        amount = rng.choice([1, 2, 3, 99, 10_001, rng.randrange(1, 10**9)])
        after = split_at_cutoff(amount, start, end, cutoff)
        before = amount - after
        assert 0 <= after <= amount and before + after == amount
        days = (end - start).days + 1
        days_after = max(0, min(days, (end - cutoff).days))
        assert abs(after * days - amount * days_after) * 2 <= days  # within half a fen of the exact share


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"), ("张三丰", "张*丰"), ("欧阳娜娜", "欧**娜"), ("李", "李"), ("诸葛孔明亮", "诸***亮"),
    ("张三、李四", "张*、李*"), ("王小明/欧阳修", "王*明、欧*修"), (" 赵六 ", "赵*"), ("", ""),
])
def test_names_are_masked_for_public_notices(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812341234", "138****1234"), ("138-1234-1234", "138****1234"), ("+86 138 1234 1234", "861******1234"),
    ("021-58881234", "021****1234"), ("5888123", "*******"), ("", ""), ("无", ""),
])
def test_phones_keep_the_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_state_moves():
    assert can_move(S.UNCONFIRMED, S.CONFIRMED) and can_move(S.UNCONFIRMED, S.DISPUTED)
    assert can_move(S.DISPUTED, S.CARVED_OUT) and can_move(S.CONFIRMED, S.SETTLED)
    assert not can_move(S.UNCONFIRMED, S.SETTLED) and not can_move(S.UNCONFIRMED, S.CARVED_OUT)
    assert not can_move(S.CONFIRMED, S.CARVED_OUT) and not can_move(S.CARVED_OUT, S.CONFIRMED)
    assert all(can_move(state, state) for state in S)
    assert set(TRANSITIONS) == set(S) and NEEDS_REASON == {S.DISPUTED}
    assert S.UNCONFIRMED not in CLOSED_STATES and S.DISPUTED not in CLOSED_STATES
