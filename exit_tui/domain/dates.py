"""Parsing dates the way people type them: ISO, slashes, dots, Chinese, full-width digits."""

import re
import unicodedata
from datetime import date, datetime


_YMD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


class DateParseError(ValueError):
    """Raised when a text is not a date we can read unambiguously."""


def normalize(text: str) -> str:
    """Fold full-width characters (１２３, －, ．) to ASCII and the IME's 。 to a dot."""
    return unicodedata.normalize("NFKC", text).replace("。", ".").strip()


def parse_date(text: str) -> date:
    """Read `2026-03-01`, `2026/3/1`, `2026.3.1`, `2026年3月1日`, `20260301`; year first always."""
    value = normalize(text)
    if not value:
        raise DateParseError(text)
    match = _YMD.match(value) or _COMPACT.match(value)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        if not re.search(r"\d{4}", value):
            raise DateParseError(text)
        from dateutil import parser as dateutil_parser  # only for the unusual forms; kept off start-up

        # dateutil fills missing parts (day, month) from its default; parse against two different
        # defaults so that a partial date such as `2026-3` or `2026` is refused rather than completed.
        first = dateutil_parser.parse(value, yearfirst=True, dayfirst=False, default=_DEFAULTS[0]).date()
        second = dateutil_parser.parse(value, yearfirst=True, dayfirst=False, default=_DEFAULTS[1]).date()
        if first != second:
            raise DateParseError(text)
        return first
    except (ValueError, OverflowError) as exc:
        raise DateParseError(text) from exc
