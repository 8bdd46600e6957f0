"""`exit-tui severance`: the domain's calculator from the command line, its JSON, its working and its refusals."""

import json
import os
from pathlib import Path

import pytest

from exit_tui import cli
from exit_tui.i18n import en

CASE = ["severance", "--hired", "2020-01-01", "--leaves", "2024-05-31", "--wage", "6000"]
LOCAL = ["--local-average", "10000", "--minimum-wage", "2000"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_exact(capsys):
    # 2020-01-01 .. 2024-05-31 = 4 years 5 months: N = 4.5; 4.5 × 6,000.00 = 27,000.00
    code, out, err = run(capsys, "--lang", "en", *CASE, *LOCAL, "--json")
    assert (code, err) == (0, "")
    texts = {key: en.MESSAGES[f"severance.step.{key}"] for key in (
        "basis.agreed", "service", "remainder_half", "wage_given", "wage_not_capped", "amount", "total")}
    assert json.loads(out) == {
        "years": 4,
        "months": "4.5",
        "wage_used": "6000.00",
        "amount": "27000.00",
        "basis": "agreed",
        "remainder_months": 5,
        "remainder_days": 0,
        "average": "6000.00",
        "wage_rule": "average",
        "local_average": "10000.00",
        "minimum_wage": "2000.00",
        "capped": False,
        "severance": "27000.00",
        "extra_month": "0.00",
        "zero_reason": None,
        "before_2008": None,
        "steps": [
            {"rule": "basis.agreed", "figures": {}, "text": texts["basis.agreed"]},
            {"rule": "service",
             "figures": {"start": "2020-01-01", "end": "2024-05-31", "years": 4, "months": 5, "days": 0},
             "text": texts["service"].format(start="2020-01-01", end="2024-05-31", years=4, months=5, days=0)},
            {"rule": "remainder_half", "figures": {"years": 4, "months": 5, "days": 0, "n": "4.5"},
             "text": texts["remainder_half"].format(years=4, months=5, days=0, n="4.5")},
            {"rule": "wage_given", "figures": {"average": "6000.00"},
             "text": texts["wage_given"].format(average="6,000.00")},
            {"rule": "wage_not_capped", "figures": {"wage": "6000.00", "local": "10000.00", "cap": "30000.00"},
             "text": texts["wage_not_capped"].format(wage="6,000.00", local="10,000.00", cap="30,000.00")},
            {"rule": "amount", "figures": {"n": "4.5", "wage": "6000.00", "amount": "27000.00"},
             "text": texts["amount"].format(n="4.5", wage="6,000.00", amount="27,000.00")},
            {"rule": "total", "figures": {"amount": "27000.00"}, "text": texts["total"].format(amount="27,000.00")},
        ],
    }


def test_the_working_reads_in_chinese_and_needs_no_database(capsys):
    code, out, err = run(capsys, "--lang", "zh", *CASE, "--wage", "6000", "--basis", "art40-no-notice",
                         "--last-month-wage", "6500", *LOCAL)
    # two wages averaged (6,000.00); 4.5 × 6,000 = 27,000 + 6,500 = 33,500
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("解除依据:客观情况发生重大变化,未提前30日书面通知")
    assert lines[3] == "月平均工资:12,000.00 元 ÷ 2 个月 = 6,000.00 元(实施条例第27条:前12个月,不满12个月按实际月数)"
    assert lines[-1] == "合计应付:33,500.00 元"
    assert not (Path(os.environ["EXIT_TUI_HOME"]) / "data" / "exit_tui.db").exists()


def test_local_wages_come_from_the_profile_at_the_leaving_date(capsys):
    # local-10d from 2025-07-01 (example values): average 9,500.00, so the cap is 28,500.00; 30,000.00 is capped:
    # 2020-01-01 .. 2025-12-31 = 6 years: 6 × 28,500 = 171,000
    code, out, _err = run(capsys, "--lang", "en", "severance", "--hired", "2020-01-01", "--leaves", "2025-12-31",
                          "--wage", "30000", "--profile", "local-10d", "--json")
    result = json.loads(out)
    assert code == 0
    assert (result["local_average"], result["minimum_wage"], result["wage_used"], result["amount"]) == (
        "9500.00", "2500.00", "28500.00", "171000.00")
    code, out, _err = run(capsys, "--lang", "en", "severance", "--hired", "2020-01-01", "--leaves", "2025-12-31",
                          "--wage", "30000", "--profile", "local-10d")
    assert out.splitlines()[0].startswith("Local wages of profile local-10d from 2025-07-01: average 9,500.00 yuan")
    # one figure typed, the other from the profile: minimum 2,500.00 floors an average of 2,000.00
    code, out, _err = run(capsys, "severance", "--hired", "2025-01-01", "--leaves", "2025-12-31", "--wage", "2000",
                          "--profile", "local-10d", "--local-average", "12000", "--json")
    assert (json.loads(out)["wage_used"], json.loads(out)["local_average"]) == ("2500.00", "12000.00")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--leaves", "2019-12-31"], "the leaving date 2019-12-31 is before the hire date 2020-01-01"),
        (["--wage", "-100"], "a wage cannot be negative"),
        (["--wage", "6000.001"], "--wage: not an amount exact to the fen: 6000.001"),
        (["--hired", "2020-13-01"], "--hired: not a date: 2020-13-01"),
        (["--last-month-wage", "abc"], "--last-month-wage: not an amount exact to the fen: abc"),
        (["--profile", "mars"], "unknown rule profile mars (known: national, local-10d, local-15d)"),
        (["--renewal-refused"], "a refused renewal applies only to a fixed term expiry"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, line):
    base = ["--lang", "en", "severance", "--hired", "2020-01-01", "--leaves", "2024-05-31", "--wage", "6000",
            *LOCAL]
    for option in argv[::2]:  # replace an option already in the base, else add it
        if option in base:
            index = base.index(option)
            del base[index:index + 2]
    code, out, err = run(capsys, *base, *argv)
    assert (code, out, err) == (2, "", f"exit-tui: {line}\n")


def test_a_leaving_date_before_hiring_is_said_before_the_local_wages_are_looked_for(capsys):
    code, out, err = run(capsys, "--lang", "en", "severance", "--hired", "2020-01-01", "--leaves", "2019-12-31",
                         "--wage", "6000")  # the national profile has no local wages: the dates are the error
    assert (code, out, err) == (2, "", "exit-tui: the leaving date 2019-12-31 is before the hire date 2020-01-01\n")


def test_a_profile_without_local_wages_asks_for_them(capsys):
    code, out, err = run(capsys, "--lang", "en", *CASE)
    assert (code, out) == (2, "")
    assert err == ("exit-tui: the profile national has no local wages in force on 2024-05-31: give --local-average "
                   "and --minimum-wage\n")


def test_an_unknown_basis_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["--lang", "en", *CASE, *LOCAL, "--basis", "fired"])
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0].startswith("exit-tui: argument --basis: invalid choice: 'fired'")
