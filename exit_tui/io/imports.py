"""Import a spreadsheet file into a project: read (io/read.py), then plan or apply (services/imports.py).

One call, one report: the reader's rejections and ignored columns merged with the service's, every rejection
keeping its sheet name and the row number Excel shows. Hostile or broken files raise FileRefused (io/guards.py)
before anything is read into the database; apply runs in the caller's transaction (all accepted rows or none).

Task ids are numbered per project (every project has a T-0001), so an id alone cannot tell which project a row
came from. A handover package names its project on the index sheet (`项目编号  P-0002`): when that is another
project, every row with an id is rejected (rows without one are still added).
"""

from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlmodel import Session

from ..i18n import CATALOGS, _
from ..services.errors import UserError
from ..services.imports import apply_tasks, plan_tasks
from ..services.projects import get_project
from ..services.readmodels import ImportReport, ImportRow, Rejection
from .spec import TASKS, SheetSpec, normalize_header

#: How many rows at the top of each sheet are searched for the project id of an exported package.
ORIGIN_SCAN_ROWS = 30


def import_file(session: Session, project_id: int, path: Path, *, apply: bool, today: date) -> ImportReport:
    """Read `path` and import its task sheets: a preview (apply=False, nothing written) or the import itself.

    Raises FileRefused unchanged for a file that cannot be read safely, UserError when no sheet of the file is
    a task sheet, and UserError/NotFound as the service does; Backend.call then rolls back, so a failed apply
    leaves the database as it was.
    """
    from .read import read_file  # openpyxl loads with the first import, not when the CLI or UI starts

    path = Path(path)
    project = get_project(session, project_id)
    result = read_file(path, [TASKS])
    rows: list[ImportRow] = []
    rejected: list[Rejection] = []
    ignored: list[str] = []
    order: dict[str, int] = {}
    for sheet in result.sheets:
        if sheet.spec.key != TASKS.key:
            continue
        order.setdefault(sheet.name, len(order))
        rows += sheet.rows
        rejected += sheet.rejected
        ignored += [c for c in sheet.ignored_columns if c not in ignored]

    if not order:  # no sheet of the file has a task header: say what is needed rather than "0 rows"
        required = " / ".join(c.header for c in TASKS.columns if c.required and c.imported)
        raise UserError("import.no_sheet", columns=required)

    if any(row.values.get("public_id") for row in rows):
        origin = exported_from(path)
        if origin is not None and origin != project.public_id:
            header = TASKS.column("public_id").header
            foreign = [row for row in rows if row.values.get("public_id")]
            rejected += [
                Rejection(row.sheet, row.row, header,
                          _("import.file_of_other_project", value=row.values["public_id"], project=origin))
                for row in foreign
            ]
            rows = [row for row in rows if not row.values.get("public_id")]

    run = apply_tasks if apply else plan_tasks
    report = run(session, project_id, rows, today)
    rejected += [replace(r, column=_header(TASKS, r.column)) for r in report.rejected]
    rejected.sort(key=lambda r: (order.get(r.sheet, len(order)), r.row))  # stable: a row's cells keep their order
    return ImportReport(
        added=report.added,
        changed=[replace(c, field=_header(TASKS, c.field)) for c in report.changed],
        unchanged=report.unchanged,
        rejected=rejected,
        ignored_columns=ignored,
        applied=report.applied,
    )


def exported_from(path: Path) -> str | None:
    """The project id (`P-0002`) a handover package names on its index sheet; None for any other file.

    Only called after read_file accepted the file (io/guards.py checks ran). Best effort: a workbook where
    no sheet has the label next to a value gives None, and so does one openpyxl cannot open again.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from openpyxl import load_workbook

    labels = {normalize_header(catalog["export.project_id"]) for catalog in CATALOGS.values()
              if catalog.get("export.project_id")}
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - read_file read it a moment ago; anything odd means "no origin known"
        return None
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(max_row=ORIGIN_SCAN_ROWS, max_col=4, values_only=True):
                for label, value in zip(row, row[1:], strict=False):
                    if label.__class__ is str and value and normalize_header(label) in labels:
                        return str(value).strip().upper()
    except Exception:  # noqa: BLE001
        return None
    finally:
        book.close()
    return None


def _header(spec: SheetSpec, key: str) -> str:
    """A column key as its header in the current language ("" and unknown keys stay as they are)."""
    return next((c.header for c in spec.columns if c.key == key), key)
