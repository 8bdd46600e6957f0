"""What the app needs before SQLAlchemy has loaded, with the standard library only: the database URL, and
the id of the last change (every write adds an audit entry) to tell whether remembered figures still hold."""

import sqlite3
from contextlib import closing
from pathlib import Path


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL from a URL (`postgresql://…`, `sqlite://…`) or a plain file path."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_file(target: str | Path) -> Path | None:
    """The file of a SQLite database URL or path; None for other databases and in-memory ones."""
    url = database_url(target)
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in (prefix, f"{prefix}:memory:"):
        return None
    return Path(url[len(prefix):].split("?")[0])


def last_change(target: str | Path) -> int | None:
    """The id of the newest audit entry (0 when there is none), read-only; None when it cannot be read
    this way (not a SQLite file, missing, locked, not ours)."""
    path = sqlite_file(target)
    if path is None or not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)) as db:
            row = db.execute("SELECT max(id) FROM audit_entry").fetchone()
    except sqlite3.Error:
        return None
    return row[0] or 0
