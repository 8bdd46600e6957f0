"""What a screen is asked to show when another opens it (`app.show(mode, request)`).

Plain values in a module of their own, so that the dashboard's cards (ui/registry.py) carry them without loading
the screens they open: the dashboard is the first frame, and the checklist's module is not needed to draw it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistRequest:
    """How another screen asks the checklist to open: a phase, overdue only, or one task."""

    phase_no: int | None = None
    overdue_only: bool = False
    task: str | None = None


@dataclass(frozen=True)
class HandoverRequest:
    """How another screen asks the Handover screen to open: on a tab (document, facility, key, inspection, batch),
    with one of its filter choices (its catalog key, e.g. `handover.filter.discrepancy`; "" for all rows)."""

    tab: str = "document"
    filter: str = ""
    key: str | None = None
    """The row the cursor goes to (a batch, an inspection item)."""


@dataclass(frozen=True)
class AccountsRequest:
    """How another screen asks the Accounts screen to open: on a tab (unit, line, ledger); for the lines, one
    unit's (its 房号) and a state choice ("" all, "open", or a line state)."""

    tab: str = "unit"
    unit: str | None = None
    state: str = ""


@dataclass(frozen=True)
class RisksRequest:
    """How another screen asks the Risks screen to open: on a tab (risk, drill), the cursor on a row (a risk, a
    drill), the register showing the risks of a status choice ("" as it is, "open", "all" or a status code)."""

    tab: str = "risk"
    key: str | None = None
    status: str = ""


@dataclass(frozen=True)
class PeopleRequest:
    """How another screen asks the People screen to open: on a tab (staff; issue 14 adds more), with a filter
    choice ("all", "pending", "leaving", "alerts", "placement:<code>"; "" as it is) and the cursor on a row."""

    tab: str = "staff"
    filter: str = ""
    key: str | None = None
