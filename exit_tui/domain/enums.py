"""Enumerations shared by every layer. Values are the stable codes stored in the database and files."""

from enum import StrEnum


class ExitType(StrEnum):
    """The three ways a company leaves a project (DOMAIN.md section 1)."""

    CONTRACT_EXPIRY = "contract-expiry"
    EARLY_EXIT = "early-exit"
    TRANSFER = "transfer"


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    BLOCKED = "blocked"
    DONE = "done"


class Anchor(StrEnum):
    """Named project dates that task due dates are offsets from."""

    DECISION = "decision"
    CONTRACT_END = "contract_end"
    HANDOVER = "handover"
    CONTINUATION_END = "continuation_end"


PHASE_COUNT = 20
