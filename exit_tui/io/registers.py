"""Every register that travels in the handover package, declared once: its sheet (io/spec.py), the service that
gives its rows for export, and the import target (services/imports.py) that reads them back.

Export writes every declared register's sheet, in this order; import reads every sheet with a target. A new
area adds one Register here (and its SheetSpec, rows function and ImportTarget); nothing else changes.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from sqlmodel import Session

from ..services import checklist, handover
from ..services.handover_import import DocumentImport, FacilityImport, InspectionImport, KeyImport
from ..services.imports import ImportTarget
from ..services.task_import import TaskImport
from . import handover_print
from .spec import ACCEPTANCE, BATCHES, DOCUMENTS, FACILITIES, INSPECTIONS, KEYS, OUTSTANDING, TASKS, SheetSpec

Rows = Callable[[Session, int], tuple[int, Iterator[dict]]]


@dataclass(frozen=True)
class Register:
    sheet: SheetSpec
    rows: Rows
    """`(session, project_id) -> (count, rows)`: the sheet's rows (dicts keyed by column key), streamed."""
    target: type[ImportTarget] | None = None
    """How rows read back from the sheet are imported; None for a sheet written for reading only."""


REGISTERS: tuple[Register, ...] = (
    Register(TASKS, partial(checklist.export_rows, stream=True), TaskImport),
    Register(DOCUMENTS, partial(handover.export_rows, register="document"), DocumentImport),
    Register(FACILITIES, partial(handover.export_rows, register="facility"), FacilityImport),
    Register(KEYS, partial(handover.export_rows, register="key"), KeyImport),
    Register(INSPECTIONS, partial(handover.export_rows, register="inspection"), InspectionImport),
    Register(OUTSTANDING, handover.outstanding_rows),
    Register(ACCEPTANCE, handover.report_rows),
    Register(BATCHES, handover_print.overview_rows),  # each batch's own sheet follows (io/xlsx_batch.py)
)


def importable() -> dict[str, Register]:
    """The registers a file can be imported into, by sheet key."""
    return {register.sheet.key: register for register in REGISTERS if register.target is not None}


def read_only() -> list[Register]:
    """The sheets written for reading only (a printed record: the 未移交清单, the acceptance report, the batches'
    overview; each batch's own sheet too, io/xlsx_batch.py): their headers are none of a register's, so the
    importer does not take them for one."""
    return [register for register in REGISTERS if register.target is None]
