"""domain/dates.py, domain/schedule.py and domain/workdays.py: reading dates and offsets, resolving them (China's working
days included), recurrences."""

from datetime import date

import chinese_calendar
import pytest
from dateutil.relativedelta import relativedelta

from exit_tui.domain.dates import DateParseError, normalize, parse_date
from exit_tui.domain import workdays
from exit_tui.domain.enums import Anchor
from exit_tui.domain.schedule import (
    DueRule,
    OffsetParseError,
    ProjectDates,
    add_working_days,
    occurrences,
    parse_due,
    parse_rule,
    rule_from_parts,
)
from tests.helpers import SAMPLE_DATES

# --- parse_date -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026/3/1",
        "2026.3.1",
        "2026年3月1日",
        "2026年03月01日",
        "２０２６－０３－０１",  # full-width digits and dash
        "２０２６年３月１日",
        "20260301",
        "2026。3。1",  # the Chinese IME's full stop
        "  2026-03-01  ",
        "2026 / 3 / 1",
    ],
)
def test_parse_date_accepts_the_ways_people_type_a_date(text):
    assert parse_date(text) == date(2026, 3, 1)


def test_parse_date_reads_month_end_and_leap_day():
    assert parse_date("2028/2/29") == date(2028, 2, 29)
    assert parse_date("2026年12月31日") == date(2026, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "2026-13-01",  # month 13
        "2026-02-30",  # no such day
        "2027-02-29",  # not a leap year
        "3/1",  # no year: ambiguous
        "next week",
        "20261301",
        "2026",  # partial dates must not be completed from today
        "2026-3",
        "March 2026",
    ],
)
def test_parse_date_rejects_what_it_cannot_read_unambiguously(text):
    with pytest.raises(DateParseError):
        parse_date(text)


def test_date_parse_error_is_a_value_error_carrying_the_text():
    with pytest.raises(ValueError) as caught:
        parse_date("2026-13-01")
    assert str(caught.value) == "2026-13-01"


def test_normalize_folds_full_width_and_ime_full_stop():
    assert normalize(" １２３－４５．６。７ ") == "123-45.6.7"


# --- parse_rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("contract_end -90d", DueRule(Anchor.CONTRACT_END, -90, "d")),
        ("T+10d", DueRule(Anchor.HANDOVER, 10, "d")),
        ("t + 10 d", DueRule(Anchor.HANDOVER, 10, "d")),
        ("T＋10d", DueRule(Anchor.HANDOVER, 10, "d")),  # full-width plus sign
        ("合同到期 -3个月", DueRule(Anchor.CONTRACT_END, -3, "m")),
        ("合同到期-3月", DueRule(Anchor.CONTRACT_END, -3, "m")),
        ("移交日 +2周", DueRule(Anchor.HANDOVER, 2, "w")),
        ("移交日+1天", DueRule(Anchor.HANDOVER, 1, "d")),
        ("决定日 +7日", DueRule(Anchor.DECISION, 7, "d")),
        ("延续期满 -1m", DueRule(Anchor.CONTINUATION_END, -1, "m")),
        ("Contract_End -90D", DueRule(Anchor.CONTRACT_END, -90, "d")),
        ("handover", DueRule(Anchor.HANDOVER, 0, "d")),
        ("decision +0d", DueRule(Anchor.DECISION, 0, "d")),
    ],
)
def test_parse_rule(text, rule):
    assert parse_rule(text) == rule


@pytest.mark.parametrize(
    "text",
    ["", "foo +1d", "签约日 +1天", "T+10", "T 10d", "T+10x", "T+d", "+10d", "contract_end -90d extra", "2026-03-01"],
)
def test_parse_rule_rejects_bad_anchor_or_offset(text):
    with pytest.raises(OffsetParseError):
        parse_rule(text)


@pytest.mark.parametrize(
    ("rule", "text", "offset"),
    [
        (DueRule(Anchor.CONTRACT_END, -90, "d"), "contract_end -90d", "-90d"),
        (DueRule(Anchor.HANDOVER, 10, "d"), "handover +10d", "+10d"),
        (DueRule(Anchor.CONTRACT_END, -3, "m"), "contract_end -3m", "-3m"),
        (DueRule(Anchor.HANDOVER, 2, "w"), "handover +2w", "+2w"),
        (DueRule(Anchor.CONTINUATION_END), "continuation_end", ""),
    ],
)
def test_str_of_rule_round_trips(rule, text, offset):
    assert str(rule) == text
    assert rule.offset == offset
    assert parse_rule(str(rule)) == rule
    assert rule_from_parts(rule.anchor.value, rule.offset) == rule


def test_rule_from_parts_without_anchor_is_none():
    assert rule_from_parts(None, None) is None
    assert rule_from_parts("", "-3d") is None
    assert rule_from_parts("handover", None) == DueRule(Anchor.HANDOVER)


# --- DueRule.resolve ------------------------------------------------------------------------------


def _dates(**changes) -> ProjectDates:
    values = {**SAMPLE_DATES.__dict__, **changes}
    return ProjectDates(**values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contract_end -90d", date(2026, 10, 2)),
        ("contract_end -3m", date(2026, 9, 30)),
        ("T+10d", date(2027, 1, 20)),
        ("T-2w", date(2026, 12, 27)),
        ("handover", date(2027, 1, 10)),
        ("decision +7d", date(2026, 6, 8)),
        ("continuation_end +1m", date(2027, 5, 10)),
    ],
)
def test_resolve_against_sample_project(text, expected):
    assert parse_rule(text).resolve(SAMPLE_DATES) == expected


def test_resolve_month_offsets_clamp_to_the_month_end():
    jan31 = _dates(decision=date(2026, 1, 31))
    assert parse_rule("decision +1m").resolve(jan31) == date(2026, 2, 28)
    assert parse_rule("decision +3m").resolve(jan31) == date(2026, 4, 30)
    assert parse_rule("decision -2m").resolve(jan31) == date(2025, 11, 30)
    leap = _dates(handover=date(2028, 2, 29))
    assert parse_rule("T +12m").resolve(leap) == date(2029, 2, 28)
    assert parse_rule("T -12m").resolve(leap) == date(2027, 2, 28)
    assert parse_rule("T +48m").resolve(leap) == date(2032, 2, 29)


def test_resolve_negative_day_offsets_cross_month_and_year():
    dates = _dates(contract_end=date(2027, 1, 5))
    assert parse_rule("contract_end -5d").resolve(dates) == date(2026, 12, 31)
    assert parse_rule("contract_end -90d").resolve(dates) == date(2026, 10, 7)
    assert parse_rule("contract_end -1w").resolve(dates) == date(2026, 12, 29)


# --- parse_due ------------------------------------------------------------------------------------


def test_parse_due_date_is_absolute():
    assert parse_due("2026-03-01", SAMPLE_DATES) == (date(2026, 3, 1), None)
    assert parse_due("2026年3月1日", SAMPLE_DATES) == (date(2026, 3, 1), None)


def test_parse_due_offset_resolves_and_returns_the_rule():
    assert parse_due("T+10d", SAMPLE_DATES) == (date(2027, 1, 20), DueRule(Anchor.HANDOVER, 10, "d"))
    assert parse_due("合同到期 -3个月", SAMPLE_DATES) == (date(2026, 9, 30), DueRule(Anchor.CONTRACT_END, -3, "m"))


@pytest.mark.parametrize("text", ["2026-02-30", "next week", "T+10x", "T+99999999d", "T+999999m"])
def test_parse_due_rejects_nonsense_with_offset_parse_error(text):
    with pytest.raises(OffsetParseError):
        parse_due(text, SAMPLE_DATES)


# --- occurrences ----------------------------------------------------------------------------------


def test_weekly_occurrences_until_a_date_include_the_end():
    assert occurrences("FREQ=WEEKLY", date(2026, 1, 1), date(2026, 1, 29)) == [
        date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 22), date(2026, 1, 29),
    ]
    assert occurrences("FREQ=WEEKLY", date(2026, 1, 1), date(2026, 1, 28))[-1] == date(2026, 1, 22)


def test_occurrences_respect_the_limit():
    assert occurrences("FREQ=DAILY", date(2026, 1, 1), date(2027, 1, 1), limit=3) == [
        date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3),
    ]
    assert len(occurrences("FREQ=DAILY", date(2026, 1, 1), date(2030, 1, 1))) == 500


def test_occurrences_monthly_and_interval():
    assert occurrences("FREQ=MONTHLY", date(2026, 1, 15), date(2026, 4, 14)) == [
        date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15),
    ]
    assert occurrences("FREQ=WEEKLY;INTERVAL=2", date(2026, 1, 1), date(2026, 2, 1)) == [
        date(2026, 1, 1), date(2026, 1, 15), date(2026, 1, 29),
    ]


def test_occurrences_until_before_start_is_empty_and_same_day_is_one():
    assert occurrences("FREQ=WEEKLY", date(2026, 3, 1), date(2026, 2, 1)) == []
    assert occurrences("FREQ=WEEKLY", date(2026, 3, 1), date(2026, 3, 1)) == [date(2026, 3, 1)]


# --- working days: China's holidays and 调休 (domain/workdays.py) ------------------------------------


def test_working_days_skip_national_day_2026():
    wednesday = _dates(contract_end=date(2026, 9, 30))
    assert parse_rule("contract_end +1wd").resolve(wednesday) == date(2026, 10, 8)  # 1-7 October off
    assert parse_rule("合同到期日 +3工作日").resolve(wednesday) == date(2026, 10, 10)  # Thu, Fri, then 调休 Sat
    back = _dates(contract_end=date(2026, 10, 8))
    assert parse_rule("contract_end -1wd").resolve(back) == date(2026, 9, 30)


def test_weekend_days_worked_in_lieu_count():
    friday = date(2026, 10, 9)
    assert workdays.is_working_day(date(2026, 10, 10))  # Saturday worked for National Day
    assert workdays.is_working_day(date(2026, 9, 20))  # Sunday worked for National Day
    assert not workdays.is_working_day(date(2026, 10, 11))
    assert add_working_days(friday, 1) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # Friday -> Sunday (调休)
    assert add_working_days(date(2026, 10, 12), -1) == date(2026, 10, 10)


def test_is_working_day_agrees_with_the_package():
    day = date(2025, 1, 1)
    while day.year < 2027:
        assert workdays.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += relativedelta(days=1)


def test_a_year_without_data_falls_back_to_monday_to_friday_and_says_so():
    assert workdays.LAST_YEAR == 2026 and not workdays.covered(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 10, 1))
    # 1 October 2027 is National Day, but there is no data for 2027: counted as a Friday
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 1)
    assert add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 6)  # 1 January 2027 counted as working
    assert workdays.uncovered_years(date(2026, 12, 30), date(2027, 1, 6)) == [2027]
    assert workdays.uncovered_years(date(2028, 3, 1), date(2026, 1, 1)) == [2027, 2028]
    assert workdays.uncovered_years(date(2026, 1, 1), date(2026, 12, 31)) == []


def test_rule_names_the_years_it_counted_without_data():
    assert parse_rule("T +5wd").uncovered_years(SAMPLE_DATES) == [2027]  # T is 2027-01-10
    assert parse_rule("contract_end -5wd").uncovered_years(SAMPLE_DATES) == []
    assert parse_rule("contract_end +5wd").uncovered_years(SAMPLE_DATES) == [2027]  # counts into 2027
    assert parse_rule("T +5d").uncovered_years(SAMPLE_DATES) == []  # calendar days need no holiday data
    assert parse_rule("T-0042 +2wd").uncovered_years(SAMPLE_DATES, {"T-0042": date(2026, 6, 1)}) == []


def test_calendar_day_offsets_do_not_change_around_holidays():
    national_day = _dates(contract_end=date(2026, 9, 30))
    assert parse_rule("contract_end +1d").resolve(national_day) == date(2026, 10, 1)
    assert parse_rule("contract_end +1w").resolve(national_day) == date(2026, 10, 7)


def test_absurd_working_day_offsets_are_refused():
    with pytest.raises(OffsetParseError):
        parse_due("T+99999999wd", SAMPLE_DATES)
