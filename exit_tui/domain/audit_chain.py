"""The audit log's hash chain: each entry's hash covers its own content and the previous entry's hash.

Changing, inserting or removing an entry anywhere in the log (even with the sqlite3 shell) breaks the chain
from that entry on, so a check of the whole log names the first entry that is not as it was written.
This function must never change: every stored hash depends on it.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
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


def entry_hash(previous: str, entry: Mapping[str, Any]) -> str:
    """sha256 (hex) over the previous entry's hash and this entry's HASHED columns."""
    content = json.dumps(
        [previous, *(_canonical(entry.get(name)) for name in HASHED)], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
