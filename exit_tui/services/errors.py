"""Errors the user can act on. They carry a catalog key so the UI and CLI show them in the user's language."""

from ..errors import ExitTuiError
from ..i18n import _


class UserError(ExitTuiError):
    """Bad input or a state that forbids the action. `field` names the form field, if any."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    def message(self) -> str:
        return _(self.key, **self.params)

    def __str__(self) -> str:
        return self.message()


class NotFound(UserError):
    """A project or row that does not exist (or not in this project)."""


class StorageError(UserError):
    """The database refused a read or write after it was opened (locked, read-only, full, damaged).

    Nothing was written: the transaction was rolled back. The message says why in the user's language."""


#: SQLite's own messages (sqlite3's error text) -> what the user is told.
_STORAGE_REASONS = (
    ("database is locked", "error.db_locked"),
    ("readonly database", "error.db_read_only"),
    ("attempt to write a readonly", "error.db_read_only"),
    ("database or disk is full", "error.db_full"),
    ("disk i/o error", "error.db_io"),
    ("malformed", "error.db_damaged"),
    ("file is not a database", "error.db_damaged"),
    ("unable to open database", "error.db_unreachable"),
)


def storage_error(error: Exception) -> StorageError | None:
    """The StorageError a database driver's error means, or None when it is not one the user can act on
    (a constraint or programming error stays an error of the program)."""
    text = str(getattr(error, "orig", None) or error).lower()
    for fragment, key in _STORAGE_REASONS:
        if fragment in text:
            return StorageError(key)
    return None
