"""Text that reaches a terminal: control characters and bidi overrides in data (a title imported from a CSV can
hold `ESC ]0;…BEL` or `U+202E`) are removed on the way in and shown escaped on the way out, so data can neither
drive the terminal nor reorder what is shown around it."""

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 control characters, DEL, and the bidi marks, embeddings, overrides and isolates."""

_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What input loses: UNSAFE except tab and line feed (a cell may hold several lines)."""


def _escape(match: re.Match) -> str:
    ch = match.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def visible(text: str) -> str:
    """`text` safe to put on one terminal line: every unsafe character shown escaped (`\\x1b`, `\\u202e`)."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def printable(text: str) -> str:
    """`text` safe to print: like `visible`, but line breaks and tabs pass (they lay out printed lines)."""
    return _DROPPED.sub(_escape, text) if _DROPPED.search(text) else text


def without_controls(text: str) -> tuple[str, int]:
    """`text` as stored: control characters (but tab and line feed) and bidi overrides removed (`\\r\\n` becomes
    `\\n`), and how many characters were removed."""
    if not _DROPPED.search(text):
        return text, 0
    text = text.replace("\r\n", "\n")
    cleaned = _DROPPED.sub("", text)
    return cleaned, len(text) - len(cleaned)
