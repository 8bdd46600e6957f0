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
