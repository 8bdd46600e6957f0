"""Every register that travels in the handover package, declared once: its sheet (io/spec.py), the service that
gives its rows for export, and the import target (services/imports.py) that reads them back.

Export writes every declared register's sheet, in this order; import reads every sheet with a target. A new
area adds one Register here (and its SheetSpec, rows function and ImportTarget); nothing else changes.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from sqlmodel import Session

from ..i18n import CATALOGS
from ..services import accounts, checklist, handover
from ..services.accounts_import import ConfirmationImport, LedgerImport, LineImport, UnitImport
from ..services.handover_import import DocumentImport, FacilityImport, InspectionImport, KeyImport
from ..services.imports import ImportTarget
from ..services.parties_import import (
    ContractImport, NoticeImport, StakeholderImport, contract_rows, notice_rows, stakeholder_rows,
)
from ..services.risks_import import DrillImport, RiskImport, drill_rows, risk_rows
from ..services.staff_import import StaffImport, follow_up_refs, staff_rows
from ..services.task_import import TaskImport
from . import accounts_print, handover_print, parties_print, risks_print, staff_print
from .spec import (
    ACCEPTANCE, ANNOUNCEMENTS, ARREARS_NOTICE, BATCHES, CONFIRMATIONS, CONTRACTS, DOCUMENTS, DRILLS, FACILITIES,
    INSPECTIONS, KEYS, LEDGERS, LINES, NOTICES, OUTSTANDING, PLANS, PREPAID_NOTICE, RISKS, SETTLEMENT, SEVERANCE, STAFF,
    STAKEHOLDERS, TASKS, UNITS, SheetSpec, normalize_header,
)
from .xlsx_schedule import Above
from .xlsx_write import SheetWriter

Rows = Callable[..., tuple[int, Iterator[dict]]]


@dataclass(frozen=True)
class Register:
    sheet: SheetSpec
    rows: Rows
    """`(session, project_id) -> (count, rows)`: the sheet's rows (dicts keyed by column key), streamed (with
    `today` after them when `dated`)."""
    target: type[ImportTarget] | None = None
    """How rows read back from the sheet are imported; None for a sheet written for reading only."""
    exported: bool = True
    """False for a sheet that comes back from others but is not in the package (the confirmations, written with
    the owner statements: io/accounts_print.py)."""
    above: Callable[[Session, int], Above] | None = None
    """`(session, project_id) -> block`: what the sheet draws above its header (the risk register's heatmap)."""
    write: SheetWriter | None = None
    """How the sheet is written when it is not a schedule (the contingency plans, a page each)."""
    area: str = ""
    """The area whose sheets a package may leave out as one (`staff`: export --without staff), "" for none."""
    dated: bool = False
    """`rows` takes the package's day too, `(session, project_id, today)`: rows flagged as of a day (a notice
    overdue, a contract past its last notice day)."""


def _no_rows(_session: Session, _project_id: int) -> tuple[int, Iterator[dict]]:
    return 0, iter(())


REGISTERS: tuple[Register, ...] = (
    Register(TASKS, partial(checklist.export_rows, stream=True), TaskImport),
    Register(DOCUMENTS, partial(handover.export_rows, register="document"), DocumentImport),
    Register(FACILITIES, partial(handover.export_rows, register="facility"), FacilityImport),
    Register(KEYS, partial(handover.export_rows, register="key"), KeyImport),
    Register(INSPECTIONS, partial(handover.export_rows, register="inspection"), InspectionImport),
    Register(UNITS, accounts_print.unit_rows, UnitImport),
    Register(LINES, partial(accounts.export_rows, register="line"), LineImport),
    Register(LEDGERS, partial(accounts.export_rows, register="ledger"), LedgerImport),
    Register(CONFIRMATIONS, _no_rows, ConfirmationImport, exported=False),
    Register(OUTSTANDING, handover.outstanding_rows),
    Register(ACCEPTANCE, handover.report_rows),
    Register(ARREARS_NOTICE, accounts_print.arrears_rows),
    Register(PREPAID_NOTICE, accounts_print.prepaid_rows),
    Register(SETTLEMENT, accounts_print.settlement_rows),
    Register(RISKS, risk_rows, RiskImport, above=risks_print.heatmap_block),
    Register(PLANS, risks_print.plan_rows, write=risks_print.write_plans),
    Register(DRILLS, drill_rows, DrillImport),
    Register(STAFF, staff_rows, StaffImport, area="staff"),
    Register(SEVERANCE, staff_print.severance_rows, write=staff_print.write_severance, area="staff"),
    Register(STAKEHOLDERS, stakeholder_rows, StakeholderImport),
    Register(NOTICES, notice_rows, NoticeImport, dated=True),
    Register(ANNOUNCEMENTS, parties_print.announcement_rows, write=parties_print.write_announcements, dated=True),
    Register(CONTRACTS, contract_rows, ContractImport, dated=True),
    Register(BATCHES, handover_print.overview_rows),  # each batch's own sheet follows (io/xlsx_batch.py)
)


#: Areas whose sheets a package may leave out (the company's own package for the committee leaves out the staff
#: sheets: personal data of its employees, no business of the committee's).
OPTIONAL_AREAS = ("staff",)
#: `(session, project_id) -> task ids` of the checklist tasks an area made, left out of the task sheet and the
#: timeline with the area's sheets (the staff follow-ups are titled with the employee's name).
AREA_TASKS: dict[str, Callable[[Session, int], set[str]]] = {"staff": follow_up_refs}


def importable() -> dict[str, Register]:
    """The registers a file can be imported into, by sheet key."""
    return {register.sheet.key: register for register in REGISTERS if register.target is not None}


def read_only() -> list[Register]:
    """The sheets written for reading only (a printed record: the 未移交清单, the acceptance report, the batches'
    overview, the contingency plans; each batch's own sheet too, io/xlsx_batch.py): their headers are none of a
    register's, so the importer does not take them for one."""
    return [register for register in REGISTERS if register.target is None]


def is_read_only(name: str) -> bool:
    """Whether a sheet of that name was written for reading only (a 公示 list, the settlement report, the owner
    statements `对账单 2` …), in either language: the importer skips it even where its headers would pass for a
    register's (a masked owner must never overwrite a unit's owner)."""
    base = normalize_header(re.sub(r"\s*\d+$", "", name))
    titles = {normalize_header(text) for register in read_only() for text in (register.sheet.zh, register.sheet.en)}
    titles |= {normalize_header(catalog.get("accounts.print.statement_sheet", "")) for catalog in CATALOGS.values()}
    return base in titles - {""}
