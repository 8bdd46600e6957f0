"""The base of every error the user can act on (bad input, a database too new, a broken template).

Light on purpose: the command line catches it without importing the database stack.
"""


class ExitTuiError(Exception):
    """An error whose message is meant for the user, in one line."""
