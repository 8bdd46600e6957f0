"""The severance calculator (domain/severance.py): DOMAIN.md §5's worked examples and hand-computed cases, each
with its arithmetic; the art 41 threshold, art 42/45 blocks, art 50 follow-ups and the profile's local wages.

Amounts are fen: 600_000 is 6,000.00 yuan. Unless a case says otherwise the local average monthly wage is
10,000.00 (cap 30,000.00) and the minimum wage 2,000.00.
"""

import shutil
from datetime import date
from decimal import Decimal

import pytest

from exit_tui.domain import severance as domain
from exit_tui.domain.severance import (
    Basis,
    Block,
    Case,
    FollowUp,
    Protected,
    SeveranceInputError,
    Span,
    WageRule,
    art41_follow_ups,
    art41_threshold,
    art50_follow_ups,
    compute,
    local_wages,
    protected_reasons,
    termination_blocks,
)
from exit_tui.domain.templates import TemplateError, data_dir
from exit_tui.i18n import en, set_language, zh
from exit_tui.i18n.severance import block_text, error_text, follow_up_title, working

LOCAL = 1_000_000
MINIMUM = 200_000


def case(hired: date, leaving: date, **kwargs) -> Case:
    kwargs.setdefault("local_average", LOCAL)
    kwargs.setdefault("minimum_wage", MINIMUM)
    if "wages" not in kwargs:
        kwargs.setdefault("average", 600_000)
    return Case(hired, leaving, **kwargs)


def keys(result) -> list[str]:
    return [step.key for step in result.steps]


def step(result, key: str) -> dict:
    return dict(next(s for s in result.steps if s.key == key).figures)


# -- DOMAIN.md §5, the worked examples ----------------------------------------------------------------------------


def test_example_3_years_7_months_at_6000():
    # 2021-01-01 .. 2024-07-31 = 3 years 7 months; 7 >= 6 counts as a year: N = 4; 4 × 6,000.00 = 24,000.00
    result = compute(case(date(2021, 1, 1), date(2024, 7, 31)))
    assert (result.years, result.remainder_months, result.remainder_days) == (3, 7, 0)
    assert result.months == Decimal("4.0")
    assert (result.wage_used, result.wage_rule, result.capped) == (600_000, WageRule.AVERAGE, False)
    assert result.amount == 2_400_000
    assert keys(result) == ["basis.agreed", "service", "remainder_year", "wage_given", "wage_not_capped", "amount",
                            "total"]


def test_example_2_years_4_months_at_6000():
    # 2022-01-01 .. 2024-04-30 = 2 years 4 months; 4 < 6 is half a month: N = 2.5; 2.5 × 6,000.00 = 15,000.00
    result = compute(case(date(2022, 1, 1), date(2024, 4, 30)))
    assert (result.years, result.remainder_months, result.months) == (2, 4, Decimal("2.5"))
    assert result.amount == 1_500_000
    assert "remainder_half" in keys(result)


def test_example_20_years_at_40000_capped():
    # 2008-01-01 .. 2027-12-31 = 20 years; 40,000.00 > 3 × 10,000.00 = 30,000.00: wage 30,000.00 and N = min(20, 12)
    # = 12; 12 × 30,000.00 = 360,000.00
    result = compute(case(date(2008, 1, 1), date(2027, 12, 31), average=4_000_000))
    assert (result.years, result.remainder_months, result.remainder_days) == (20, 0, 0)
    assert (result.wage_used, result.wage_rule, result.capped) == (3_000_000, WageRule.CAP, True)
    assert (result.months, result.years_cap_applied) == (Decimal("12.0"), True)
    assert result.amount == 36_000_000
    assert step(result, "wage_cap") == {"wage": 4_000_000, "local": LOCAL, "cap": 3_000_000}
    assert step(result, "years_cap") == {"n": Decimal("20.0"), "limited": Decimal("12.0"), "max": 12}


def test_example_n_plus_1():
    # the first example without 30 days' notice, last month's wage 6,500.00: 24,000.00 + 6,500.00 = 30,500.00
    result = compute(case(date(2021, 1, 1), date(2024, 7, 31), basis=Basis.ART40_NO_NOTICE, last_month=650_000))
    assert (result.severance, result.extra_month, result.amount) == (2_400_000, 650_000, 3_050_000)
    assert keys(result)[-2:] == ["extra_month", "total"]
    assert step(result, "total") == {"amount": 3_050_000}


# -- the remainder (art 47 ¶1) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leaving", "span", "months", "amount"),
    [
        # hired 2021-01-01
        (date(2024, 6, 29), (3, 5, 29), "3.5", 2_100_000),  # 5 months 29 days < 6: 3.5 × 6,000 = 21,000
        (date(2024, 6, 30), (3, 6, 0), "4.0", 2_400_000),  # exactly 6 months counts as a year: 4 × 6,000
        (date(2024, 7, 1), (3, 6, 1), "4.0", 2_400_000),
        (date(2024, 12, 31), (4, 0, 0), "4.0", 2_400_000),  # exact whole years: no remainder, N = 4
        (date(2025, 1, 1), (4, 0, 1), "4.5", 2_700_000),  # a single day over is a remainder < 6 months
    ],
)
def test_the_remainder_around_six_months(leaving, span, months, amount):
    result = compute(case(date(2021, 1, 1), leaving))
    assert (result.years, result.remainder_months, result.remainder_days) == span
    assert (result.months, result.amount) == (Decimal(months), amount)


def test_exact_years_say_no_remainder():
    # 2019-03-01 .. 2024-02-29 is exactly 5 years (a leap February's last day): N = 5 × 6,000 = 30,000
    result = compute(case(date(2019, 3, 1), date(2024, 2, 29)))
    assert (result.years, result.remainder_months, result.remainder_days, result.amount) == (5, 0, 0, 3_000_000)
    assert step(result, "remainder_none") == {"years": 5, "months": 0, "days": 0, "n": Decimal("5.0")}


def test_service_under_six_months_with_the_months_worked():
    # 2024-03-01 .. 2024-08-15 = 5 months 15 days: half a month. Six wages (August a half month, 2,500.00):
    # 5 × 5,000.00 + 2,500.00 = 27,500.00 / 6 = 4,583.3333 -> 4,583.33 (rounded half up, said in the step);
    # 0.5 × 4,583.33 = 2,291.665 -> 2,291.67 (half a fen rounds up, said in the step).
    wages = (500_000,) * 5 + (250_000,)
    result = compute(case(date(2024, 3, 1), date(2024, 8, 15), wages=wages))
    assert (result.years, result.remainder_months, result.remainder_days) == (0, 5, 15)
    assert (result.months, result.average, result.wage_used) == (Decimal("0.5"), 458_333, 458_333)
    assert result.amount == 229_167
    assert step(result, "wage_average_rounded") == {"total": 2_750_000, "count": 6, "average": 458_333}
    assert step(result, "amount_rounded") == {"n": Decimal("0.5"), "wage": 458_333, "amount": 229_167}


def test_one_day_of_service_is_half_a_month():
    # hired and leaving the same day: 0 years 0 months 1 day, half a month: 0.5 × 6,000 = 3,000
    result = compute(case(date(2025, 5, 5), date(2025, 5, 5)))
    assert (result.remainder_days, result.months, result.amount) == (1, Decimal("0.5"), 300_000)


# -- leap days and short months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hired", "leaving", "expected"),
    [
        (date(2016, 2, 29), date(2019, 2, 28), (3, 0, 0)),  # no 29 Feb in 2019: the third year ends on the 28th
        (date(2016, 2, 29), date(2019, 2, 27), (2, 11, 30)),  # 2019-01-29 .. 02-27 is 30 days
        (date(2016, 2, 29), date(2020, 2, 28), (4, 0, 0)),  # the fourth year ends the day before 2020-02-29
        (date(2016, 2, 29), date(2020, 2, 29), (4, 0, 1)),
        (date(2020, 1, 31), date(2020, 2, 29), (0, 1, 0)),  # no 31 February: the month ends on its last day
        (date(2020, 1, 31), date(2020, 2, 28), (0, 0, 29)),
        (date(2020, 8, 31), date(2021, 2, 28), (0, 6, 0)),  # six months end on the last day of February
    ],
)
def test_spans_over_leap_days_and_month_ends(hired, leaving, expected):
    span = Span.of(hired, leaving)
    assert (span.years, span.months, span.days) == expected


def test_a_hire_on_29_february():
    # 2016-02-29 .. 2019-02-28 = 3 years exactly: N = 3, 3 × 6,000 = 18,000; one more day is a half month more
    assert compute(case(date(2016, 2, 29), date(2019, 2, 28))).amount == 1_800_000
    assert compute(case(date(2016, 2, 29), date(2019, 3, 1))).amount == 2_100_000


# -- the wage (实施条例 27) and the caps (art 47 ¶2) ---------------------------------------------------------


def test_the_average_of_twelve_months():
    # 6 × 5,800.00 + 6 × 6,200.00 = 72,000.00 / 12 = 6,000.00 exactly; 2021-01-01 .. 2024-07-31: N = 4 -> 24,000
    result = compute(case(date(2021, 1, 1), date(2024, 7, 31), wages=(580_000,) * 6 + (620_000,) * 6))
    assert (result.average, result.wage_used, result.amount) == (600_000, 600_000, 2_400_000)
    assert step(result, "wage_average") == {"total": 7_200_000, "count": 12, "average": 600_000}


def test_the_minimum_wage_floor():
    # an average of 1,800.00 is below the minimum 2,000.00: 2,000.00 is used; 3.5 × 2,000 = 7,000
    result = compute(case(date(2021, 1, 1), date(2024, 6, 29), average=180_000))
    assert (result.average, result.wage_used, result.wage_rule) == (180_000, 200_000, WageRule.MINIMUM)
    assert result.amount == 700_000
    assert step(result, "wage_floor") == {"average": 180_000, "minimum": 200_000}
    # at the minimum exactly there is no floor to apply
    assert compute(case(date(2021, 1, 1), date(2024, 6, 29), average=200_000)).wage_rule is WageRule.AVERAGE


def test_the_wage_cap_without_reaching_the_years_cap():
    # 35,000.00 > 30,000.00: capped at 30,000.00; 2021-01-01 .. 2024-07-31 N = 4 <= 12: 4 × 30,000 = 120,000
    result = compute(case(date(2021, 1, 1), date(2024, 7, 31), average=3_500_000))
    assert (result.wage_used, result.capped, result.years_cap_applied, result.months) == (
        3_000_000, True, False, Decimal("4.0"))
    assert result.amount == 12_000_000
    assert step(result, "years_cap_not_reached") == {"n": Decimal("4.0"), "limited": Decimal("4.0"), "max": 12}


def test_the_years_cap_takes_the_half_month_off():
    # 2012-01-01 .. 2024-03-31 = 12 years 3 months: N = 12.5; wage capped, so N = 12: 12 × 30,000 = 360,000
    result = compute(case(date(2012, 1, 1), date(2024, 3, 31), average=5_000_000))
    assert (result.years, result.remainder_months, result.months) == (12, 3, Decimal("12.0"))
    assert result.amount == 36_000_000


def test_a_long_service_below_the_cap_is_paid_in_full():
    # the same 12 years 3 months at 29,000.00 (not above 30,000.00): no cap of either kind, 12.5 × 29,000 = 362,500
    result = compute(case(date(2012, 1, 1), date(2024, 3, 31), average=2_900_000))
    assert (result.capped, result.months, result.amount) == (False, Decimal("12.5"), 36_250_000)


def test_exactly_three_times_the_average_is_not_capped():
    # "高于 3 倍" is strictly above: 30,000.00 is paid in full, and 20 years stay 20: 20 × 30,000 = 600,000
    result = compute(case(date(2008, 1, 1), date(2027, 12, 31), average=3_000_000))
    assert (result.capped, result.months, result.amount) == (False, Decimal("20.0"), 60_000_000)


# -- N+1 and the cases that owe nothing --------------------------------------------------------------------------


def test_n_plus_1_takes_the_last_listed_wage_and_no_cap():
    # 12 wages, the last 40,000.00; average (11 × 6,000 + 40,000) / 12 = 106,000 / 12 = 8,833.333 -> 8,833.33;
    # 2023-01-01 .. 2024-12-31: N = 2 -> 17,666.66; N+1 adds last month's 40,000.00 uncapped: 57,666.66
    wages = (600_000,) * 11 + (4_000_000,)
    result = compute(case(date(2023, 1, 1), date(2024, 12, 31), wages=wages, basis=Basis.ART40_NO_NOTICE))
    assert (result.average, result.severance, result.extra_month) == (883_333, 1_766_666, 4_000_000)
    assert result.amount == 5_766_666


def test_art40_with_notice_and_art41_owe_n():
    for basis in (Basis.ART40, Basis.ART41, Basis.EXPIRY):
        result = compute(case(date(2021, 1, 1), date(2024, 7, 31), basis=basis))
        assert (result.amount, result.extra_month, result.zero_reason) == (2_400_000, 0, None)
        assert keys(result)[0] == f"basis.{basis.value}"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"basis": Basis.EXPIRY, "renewal_refused": True}, "zero.renewal_refused"),  # art 46(5)
        ({"basis": Basis.TRANSFER}, "zero.transfer"),
        ({"basis": Basis.TAKEN_OVER}, "zero.taken_over"),  # 实施条例 10
        ({"basis": Basis.AGREED, "employee_proposed": True}, "zero.employee_proposed"),  # art 46(2)
    ],
)
def test_the_cases_that_owe_nothing_say_why(kwargs, reason):
    result = compute(case(date(2021, 1, 1), date(2024, 7, 31), **kwargs))
    assert (result.amount, result.months, result.wage_used, result.zero_reason) == (0, Decimal("0.0"), 0, reason)
    assert keys(result)[-2:] == [reason, "total"]
    assert (result.years, result.remainder_months) == (3, 7)  # the service is still shown


# -- service before 2008 (art 97) ----------------------------------------------------------------------------------


def test_a_hire_before_2008_is_split_and_only_the_later_part_counted():
    # hired 2005-04-01: 2005-04-01 .. 2007-12-31 = 2 years 9 months, older rules, not in the amount;
    # 2008-01-01 .. 2024-06-30 = 16 years 6 months -> N = 17; 17 × 6,000 = 102,000
    result = compute(case(date(2005, 4, 1), date(2024, 6, 30)))
    before = result.before_2008
    assert (before.start, before.end, before.years, before.months, before.days) == (
        date(2005, 4, 1), date(2007, 12, 31), 2, 9, 0)
    assert (result.counted.start, result.years, result.remainder_months) == (date(2008, 1, 1), 16, 6)
    assert (result.months, result.amount) == (Decimal("17.0"), 10_200_000)
    assert keys(result)[:3] == ["basis.agreed", "service_before_2008", "service_from_2008"]


def test_a_hire_before_2008_with_the_cap_counts_12_years_from_2008():
    # 2008-01-01 .. 2024-06-30 = 16 years 6 months, N = 17, capped at 12 × 30,000 = 360,000
    result = compute(case(date(1999, 9, 1), date(2024, 6, 30), average=4_500_000))
    assert (result.before_2008.years, result.before_2008.months) == (8, 4)
    assert (result.months, result.amount) == (Decimal("12.0"), 36_000_000)


# -- input the calculator refuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"leaving": date(2020, 12, 31)}, "severance.error.leaves_before_hired"),
        ({"hired": date(2000, 1, 1), "leaving": date(2007, 12, 31)}, "severance.error.before_2008"),
        ({"average": None}, "severance.error.wages_or_average"),
        ({"wages": (600_000,)}, "severance.error.wages_or_average"),  # both
        ({"average": None, "wages": (600_000,) * 13}, "severance.error.too_many_wages"),
        ({"leaving": date(2021, 2, 10), "average": None, "wages": (600_000,) * 3},
         "severance.error.wages_longer_than_service"),  # 1 month 10 days: at most 2 months' wages
        ({"average": -1}, "severance.error.negative"),
        ({"last_month": -100}, "severance.error.negative"),
        ({"local_average": 0}, "severance.error.local_wages"),
        ({"renewal_refused": True}, "severance.error.renewal_not_expiry"),
        ({"basis": Basis.ART41, "employee_proposed": True}, "severance.error.proposed_not_agreed"),
        ({"basis": Basis.ART40_NO_NOTICE}, "severance.error.last_month_needed"),  # only an average given
    ],
)
def test_refused_cases_name_the_reason(changes, key):
    values = {"hired": date(2021, 1, 1), "leaving": date(2024, 7, 31), "average": 600_000, **changes}
    with pytest.raises(SeveranceInputError) as caught:
        compute(case(values.pop("hired"), values.pop("leaving"), **values))
    assert caught.value.key == key
    for language in ("zh", "en"):
        set_language(language)
        assert "{" not in error_text(caught.value)


# -- art 41, 42, 45, 50 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leaving", "staff", "reached"),
    [
        (19, 1000, False),  # under 20 and 1.9%
        (20, 1000, True),  # 20 people
        (10, 100, True),  # exactly 10%
        (9, 100, False),  # 9%
        (5, 50, True),
        (19, 191, False),  # 9.95%
        (19, 190, True),  # 10% exactly
        (0, 10, False),
    ],
)
def test_art41_threshold(leaving, staff, reached):
    assert art41_threshold(leaving, staff) is reached


def test_art41_threshold_refuses_impossible_counts():
    for leaving, staff in ((-1, 10), (5, 0), (11, 10)):
        with pytest.raises(ValueError):
            art41_threshold(leaving, staff)


def test_art42_blocks_a_dismissal_of_a_protected_employee():
    flags = ["pre-retirement", Protected.MATERNITY]
    assert protected_reasons(flags) == [Protected.MATERNITY, Protected.PRE_RETIREMENT]  # in the article's order
    for basis in ("art40", "art40-no-notice", "art41"):
        assert termination_blocks(basis, flags) == [
            Block("blocked", Protected.MATERNITY, "劳动合同法42(4)"),
            Block("blocked", Protected.PRE_RETIREMENT, "劳动合同法42(5)"),
        ]
    assert termination_blocks("art41", []) == []
    for basis in ("agreed", "transfer", "taken-over"):  # art 42 does not stop these
        assert termination_blocks(basis, flags) == []
    # an expiring contract runs on until the status ends (art 45)
    assert termination_blocks("expiry", [Protected.MEDICAL]) == [Block("deferred", Protected.MEDICAL, "劳动合同法45")]
    with pytest.raises(ValueError):
        protected_reasons(["pregnant"])
    set_language("zh")
    assert block_text(termination_blocks("art41", ["maternity"])[0]) == (
        "不得依第40、41条解除:女职工在孕期、产期、哺乳期(劳动合同法42(4))")


def test_art50_and_art41_follow_ups_are_dated():
    # left 2026-03-20: certificate that day; file and social insurance by 2026-04-04 (15 days, the day itself not
    # counted); severance at the work handover
    assert art50_follow_ups(date(2026, 3, 20), handover=date(2026, 3, 25)) == [
        FollowUp("certificate", "劳动合同法50", date(2026, 3, 20)),
        FollowUp("file_transfer", "劳动合同法50", date(2026, 4, 4)),
        FollowUp("severance_payment", "劳动合同法50", date(2026, 3, 25)),
    ]
    assert art50_follow_ups(date(2026, 3, 20))[2].due == date(2026, 3, 20)
    # a layoff on 2026-03-31: explain by 2026-03-01 (30 days ahead), report by 2026-03-30
    assert art41_follow_ups(date(2026, 3, 31)) == [
        FollowUp("layoff_explain", "劳动合同法41", date(2026, 3, 1)),
        FollowUp("layoff_report", "劳动合同法41", date(2026, 3, 30)),
    ]
    set_language("en")
    assert follow_up_title(art50_follow_ups(date(2026, 3, 20))[1]) == en.MESSAGES["severance.follow.file_transfer"]


# -- the working in both languages ------------------------------------------------------------------------------


def test_every_step_and_text_key_exists_in_both_catalogs_with_its_figures():
    """The keys are made at run time (severance.step.<key>): each one the calculator can produce is in both
    catalogs, and each text takes only figures its step carries."""
    import string

    cases = [
        case(date(2005, 4, 1), date(2024, 6, 30)),
        case(date(2024, 3, 1), date(2024, 8, 15), wages=(500_000,) * 5 + (250_000,), basis=Basis.ART40_NO_NOTICE),
        case(date(2008, 1, 1), date(2027, 12, 31), average=4_000_000, basis=Basis.ART41),
        case(date(2021, 1, 1), date(2024, 7, 31), average=3_500_000, basis=Basis.ART40),
        case(date(2021, 1, 1), date(2024, 6, 29), average=100_000),
        case(date(2021, 1, 1), date(2024, 12, 31), wages=(600_000,) * 12),
        case(date(2021, 1, 1), date(2024, 12, 31), basis=Basis.EXPIRY, renewal_refused=True),
        case(date(2021, 1, 1), date(2024, 12, 31), employee_proposed=True),
        case(date(2021, 1, 1), date(2024, 12, 31), basis=Basis.TRANSFER),
        case(date(2021, 1, 1), date(2024, 12, 31), basis=Basis.TAKEN_OVER),
    ]
    seen = set()
    for item in cases:
        for s in compute(item).steps:
            seen.add(s.key)
            for catalog in (zh.MESSAGES, en.MESSAGES):
                text = catalog[f"severance.step.{s.key}"]
                names = {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
                assert names <= set(s.figures), (s.key, names, set(s.figures))
    families = {"remainder_year", "remainder_half", "remainder_none", "wage_given", "wage_average",
                "wage_average_rounded", "wage_floor", "wage_cap", "wage_not_capped", "years_cap",
                "years_cap_not_reached", "amount", "amount_rounded", "extra_month", "total", "service",
                "service_before_2008", "service_from_2008"}
    assert families <= seen
    for catalog in (zh.MESSAGES, en.MESSAGES):
        for basis in Basis:
            assert f"severance.basis.{basis.value}" in catalog and f"severance.step.basis.{basis.value}" in catalog
        for flag in Protected:
            assert f"severance.protected.{flag.value}" in catalog
        for key in ("certificate", "file_transfer", "severance_payment", "layoff_explain", "layoff_report"):
            assert f"severance.follow.{key}" in catalog


def test_the_working_reads_in_chinese_and_english():
    result = compute(case(date(2021, 1, 1), date(2024, 7, 31), basis=Basis.ART40_NO_NOTICE, last_month=650_000))
    set_language("zh")
    lines = working(result)
    assert lines[2] == "满 3 年;剩余 7 个月 0 天,六个月以上按一年计算:N = 4.0 个月(第47条第1款)"
    assert lines[-3:] == [
        "经济补偿:4.0 个月 × 6,000.00 元 = 24,000.00 元(第47条)",
        "未提前30日书面通知,额外支付1个月工资,按上一个月工资标准:6,500.00 元(第40条、实施条例第20条)",
        "合计应付:30,500.00 元",
    ]
    set_language("en")
    assert working(result)[-1] == "Total owed: 30,500.00 yuan"


# -- the profile's local wages ------------------------------------------------------------------------------------


@pytest.fixture
def profiles(tmp_path, monkeypatch):
    """A copy of the data folder whose rule_profiles.toml the test may change (the wage tables' cache cleared)."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setattr(domain, "data_dir", lambda: folder)
    domain.wage_tables.cache_clear()
    yield folder / "rule_profiles.toml"
    domain.wage_tables.cache_clear()


def test_local_wages_are_dated_and_inherited(profiles):
    assert local_wages("national", date(2026, 1, 1)) is None  # no national figure
    assert local_wages("local-10d", date(2024, 6, 30)) is None  # before its first row
    first = local_wages("local-10d", date(2025, 6, 30))
    assert (first.start, first.average, first.minimum) == (date(2024, 7, 1), 900_000, 240_000)
    assert local_wages("local-10d", date(2025, 7, 1)).start == date(2025, 7, 1)
    assert "示例" in first.source  # the shipped rows are example values and say so
    with pytest.raises(SeveranceInputError) as caught:
        local_wages("nowhere", date(2026, 1, 1))
    assert caught.value.key == "severance.error.unknown_profile"
    text = profiles.read_text("utf-8").replace(
        'code = "local-15d"\nextends = "national"', 'code = "local-15d"\nextends = "local-10d"')
    profiles.write_text(text, "utf-8")
    domain.wage_tables.cache_clear()
    assert local_wages("local-15d", date(2025, 6, 30)).start == date(2025, 1, 1)  # its own rows replace the parent's
    text = text.replace('[[profile.wages]]\nfrom = 2025-01-01\naverage = "8000.00"\nminimum = "2200.00"\n'
                        'source = "示例数值, 非公布数据 / example values, not published figures"\n', "")
    profiles.write_text(text, "utf-8")
    domain.wage_tables.cache_clear()
    assert local_wages("local-15d", date(2025, 6, 30)).start == date(2024, 7, 1)  # none of its own: the parent's


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('average = "9000.00"', "average = 9000.5", "integer or a string"),
        ('average = "9000.00"', 'average = "9000.001"', "exact to the fen"),
        ('minimum = "2400.00"', 'minimum = "0"', "more than zero"),
        ('minimum = "2400.00"\n', "", "missing 'minimum'"),
        ("from = 2024-07-01", 'from = "2024-07-01"', "must be a date"),
        ("from = 2024-07-01", "from = 2025-07-01", "same day"),
    ],
)
def test_a_bad_wage_row_names_its_profile(profiles, replace, by, message):
    text = profiles.read_text("utf-8")
    assert replace in text
    profiles.write_text(text.replace(replace, by, 1), "utf-8")
    domain.wage_tables.cache_clear()
    with pytest.raises(TemplateError, match="local-10d") as caught:
        local_wages("local-10d", date(2026, 1, 1))
    assert message in str(caught.value)
