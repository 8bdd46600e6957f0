"""domain/money.py: amounts are integer fen, parsed exactly and formatted with thousands separators."""

from decimal import Decimal

import pytest

from exit_tui.domain.money import AmountParseError, format_fen, parse_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("¥1,234.50", 123450),
        ("￥1,234.50", 123450),
        ("1234.5元", 123450),
        ("1234.5 元", 123450),
        ("RMB 88", 8800),
        ("(12.00)", -1200),
        ("-3", -300),
        ("-0.01", -1),
        ("１２３", 12300),  # full-width digits
        ("１，２３４．５６", 123456),  # full-width comma and dot
        ("0", 0),
        ("0.1", 10),
        ("  99.99  ", 9999),
        ("1,234,567.89", 123456789),
    ],
)
def test_parse_fen(text, fen):
    assert parse_fen(text) == fen


def test_parse_fen_int_is_yuan():
    assert parse_fen(5) == 500
    assert parse_fen(-7) == -700
    assert parse_fen(0) == 0


def test_parse_fen_decimal():
    assert parse_fen(Decimal("12.34")) == 1234


@pytest.mark.parametrize("text", ["0.001", "1.005", "abc", "", "¥", "--5", "NaN", "Infinity", "-Infinity"])
def test_parse_fen_rejects_what_is_not_exact_to_the_fen(text):
    with pytest.raises(AmountParseError):
        parse_fen(text)


def test_parse_fen_returns_int_never_float():
    assert type(parse_fen("1234.50")) is int


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (123456789, "1,234,567.89"),
        (0, "0.00"),
        (5, "0.05"),
        (100, "1.00"),
        (123450, "1,234.50"),
        (-1200, "-12.00"),
        (-5, "-0.05"),
        (-123456789, "-1,234,567.89"),
    ],
)
def test_format_fen(fen, text):
    assert format_fen(fen) == text


def test_format_fen_with_symbol_puts_sign_first():
    assert format_fen(123450, "¥") == "¥1,234.50"
    assert format_fen(-123450, "¥") == "-¥1,234.50"


@pytest.mark.parametrize("fen", [0, 1, -1, 99, 100, 123456789, -987654321])
def test_format_then_parse_round_trips(fen):
    assert parse_fen(format_fen(fen, "¥")) == fen
