"""Money is an integer number of fen (分). Never float."""

import re
from decimal import Decimal, InvalidOperation

from .dates import normalize


class AmountParseError(ValueError):
    """Raised when a text is not an amount exact to the fen."""


def parse_fen(text: str | int | Decimal) -> int:
    """`¥1,234.50`, `1234.5元`, `(12.00)`, `-3` -> fen. Refuses more than two decimals."""
    if isinstance(text, int):
        return text * 100
    raw = normalize(str(text))
    negative = raw.startswith("(") and raw.endswith(")")
    cleaned = re.sub(r"[¥￥,\s元()RMB]", "", raw.strip("()"))
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise AmountParseError(text) from exc
    if not value.is_finite():  # NaN, Infinity
        raise AmountParseError(text)
    fen = value * 100
    if fen != fen.to_integral_value():
        raise AmountParseError(text)
    return -int(fen) if negative else int(fen)


def format_fen(fen: int, symbol: str = "") -> str:
    """12345678 -> `123,456.78` (with an optional currency symbol)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{symbol}{yuan:,}.{cents:02d}"
