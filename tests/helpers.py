"""Constants and small helpers shared by the tests (a plain module: `from tests.helpers import TODAY`)."""

from datetime import date

from sqlalchemy import func
from sqlmodel import select

from exit_tui.domain.schedule import ProjectDates

#: "Today" in every test that needs one (the demo project is laid out around it).
TODAY = date(2026, 11, 28)

#: A realistic contract-expiry project: decision, contract end, handover day T, end of service continuation.
SAMPLE_DATES = ProjectDates(
    decision=date(2026, 6, 1),
    contract_end=date(2026, 12, 31),
    handover=date(2027, 1, 10),
    continuation_end=date(2027, 4, 10),
)

#: Keyword arguments for services.projects.create_project matching SAMPLE_DATES.
PROJECT_ARGS = {
    "name": "锦绣华庭物业退出",
    "exit_type": "contract-expiry",
    "decision": "2026-06-01",
    "contract_end": "2026-12-31",
    "handover": "2027-01-10",
    "continuation_end": "2027-04-10",
    "units": 800,
    "address": "上海市浦东新区锦绣路1号",
}


def count_rows(backend, model) -> int:
    """How many rows a table has (one read-only Backend.call)."""
    return backend.call(lambda session: session.exec(select(func.count()).select_from(model)).one())
