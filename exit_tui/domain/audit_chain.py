"""The audit log's hash chain: each entry's hash covers its own content and the previous entry's hash.

Changing, inserting or removing an entry anywhere in the log (even with the sqlite3 shell) breaks the chain
from that entry on, so a check of the whole log names the first entry that is not as it was written.
This function must never change: every stored hash depends on it.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from hashlib import sha256
from json.encoder import encode_basestring
from typing import Any

GENESIS = "0" * 64
"""The 'previous hash' of the first entry of a log."""

#: The columns of an audit entry the hash covers, in this order.
HASHED = ("id", "project_id", "at", "actor", "action", "entity", "public_id", "field", "old", "new")


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite gives naive datetimes back while a new entry may carry tzinfo: hash one form for both.
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_last_time: tuple[Any, str] = (None, "")
"""The last datetime hashed and its canonical JSON: the entries of one change share one time object."""


def _json(value: Any) -> str:
    """One element of the hashed JSON array, exactly as json.dumps writes it inside the array (texts, ids and
    empty values, nearly all there is, without building an encoder per entry)."""
    global _last_time
    kind = value.__class__
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is datetime:
        last, shown = _last_time
        if value is not last:
            shown = encode_basestring(_canonical(value))
            _last_time = (value, shown)
        return shown
    return _ENCODER.encode(_canonical(value))


def entry_hash(previous: str, entry: Mapping[str, Any]) -> str:
    """sha256 (hex) over the previous entry's hash and this entry's HASHED columns.

    The hashed text is json.dumps([previous, *columns], ensure_ascii=False, separators=(",", ":")) with
    datetimes in their canonical form; it is built element by element (the same bytes, tests/test_audit.py)."""
    get = entry.get
    content = f"[{_json(previous)},{','.join([_json(get(name)) for name in HASHED])}]"
    return sha256(content.encode("utf-8")).hexdigest()
