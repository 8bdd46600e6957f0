"""Import a spreadsheet file into a project: read (io/read.py) every register's sheet (io/registers.py), then
plan or apply each through its import target (services/imports.py).

One call, one report: the reader's rejections and ignored columns merged with the service's, every rejection
keeping its sheet name and the row number Excel shows. Hostile or broken files raise FileRefused (io/guards.py)
before anything is read into the database; apply runs in the caller's transaction (all accepted rows or none).

Public ids are numbered per project (every project has a T-0001), so an id alone cannot tell which project a row
came from. A handover package names its project on the index sheet (`项目编号  P-0002`): when that is another
project, every row with an id is rejected (rows without one are still added).
"""

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from ..i18n import CATALOGS, _
from ..services.errors import UserError
from ..services.imports import import_rows
from ..services.projects import get_project
from ..services.readmodels import Conflict, FieldChange, ImportReport, ImportRow, Rejection
from .registers import Register, importable, is_read_only
from .spec import SheetSpec, normalize_header

if TYPE_CHECKING:
    from .read import ReadResult

#: How many rows at the top of each sheet are searched for the project id of an exported package.
ORIGIN_SCAN_ROWS = 30


def import_file(
    session: Session, project_id: int, path: Path, *, apply: bool, today: date,
    overwrite: bool | Collection[str] = (), strict: bool = False,
) -> ImportReport:
    """Read `path` and import every register sheet it has: a preview (apply=False, nothing written) or the
    import itself, all registers in one transaction.

    Rows changed in the database since the file was exported are conflicts, applied only where `overwrite`
    says so (services/imports.import_rows; `strict` refuses the whole apply while any is left).
    Raises FileRefused unchanged for a file that cannot be read safely, UserError when no sheet of the file is
    a register's sheet, and UserError/NotFound as the service does; Backend.call then rolls back, so a failed
    apply leaves the database as it was.
    """
    from .read import read_file  # the spreadsheet reader loads with the first import, not at start-up

    path = Path(path)
    project = get_project(session, project_id)
    registers = importable()
    # Only `rows` holds the rows read: each register's are handed over below and freed once planned.
    rows, rejected, ignored, order, keys = _gather(read_file(path, [r.sheet for r in registers.values()]),
                                                  registers)
    if apply:  # a register taken all or nothing: a row the reader rejected refuses the apply too
        refused = {(r.sheet, r.row) for r in rejected
                   if r.sheet in keys and registers[keys[r.sheet]].target.all_or_nothing}
        if refused:
            raise UserError("import.all_or_nothing", n=len(refused))

    if not order:  # no sheet of the file has a register's header: say what is needed rather than "0 rows"
        printed = _read_only_sheets(path)
        if printed:  # a printed record sent back (the contingency plans, a 公示 list): say it is not imported
            raise UserError("import.read_only_sheet", sheets=", ".join(printed))
        required = " / ".join(
            f"{spec.title}: " + " / ".join(c.header for c in spec.columns if c.required and c.imported)
            for spec in (register.sheet for register in registers.values())
        )
        raise UserError("import.no_sheet", columns=required)

    if any(row.values.get("public_id") for sheet_rows in rows.values() for row in sheet_rows):
        origin = exported_from(path)
        if origin is not None and origin != project.public_id:
            for key, sheet_rows in rows.items():
                header = registers[key].sheet.column("public_id").header
                rejected += [
                    Rejection(row.sheet, row.row, header,
                              _("import.file_of_other_project", value=row.values["public_id"], project=origin))
                    for row in sheet_rows if row.values.get("public_id")
                ]
                rows[key] = [row for row in sheet_rows if not row.values.get("public_id")]

    added: list[str] = []
    changed: list[FieldChange] = []
    notes: list[Rejection] = []
    unchanged = 0
    knock_on = None
    conflicts: list[Conflict] = []
    absent: list[str] = []
    for key in list(rows):  # rows.pop: the planner frees a register's rows before writing
        spec = registers[key].sheet
        report = import_rows(session, registers[key].target, project_id, rows.pop(key), today, apply=apply,
                             overwrite=overwrite, strict=strict)
        added += report.added
        changed += [replace(c, field=_header(spec, c.field)) for c in report.changed]
        unchanged += report.unchanged
        rejected += [replace(r, column=_header(spec, r.column)) for r in report.rejected]
        notes += [replace(r, column=_header(spec, r.column)) for r in report.notes]
        knock_on = report.knock_on or knock_on
        conflicts += [replace(c, fields=tuple(_header(spec, f) for f in c.fields)) for c in report.conflicts]
        absent += report.absent
    rejected.sort(key=lambda r: (order.get(r.sheet, len(order)), r.row))  # stable: a row's cells keep their order
    return ImportReport(
        added=added,
        changed=changed,
        unchanged=unchanged,
        rejected=rejected,
        ignored_columns=ignored,
        applied=apply,
        notes=notes,
        knock_on=knock_on,
        conflicts=conflicts,
        absent=absent,
    )


def _gather(result: "ReadResult", registers: dict[str, Register]) -> tuple[
        dict[str, list[ImportRow]], list[Rejection], list[str], dict[str, int], dict[str, str]]:
    """The rows of each register's sheets (by register key), the reader's rejections, the ignored headers, the
    order of the sheets read (sheet name -> position) and their registers (sheet name -> key). A sheet written
    for reading only (a 公示 list, the statements) is skipped by its name, whatever its headers look like."""
    rows: dict[str, list[ImportRow]] = {}
    rejected: list[Rejection] = []
    ignored: list[str] = []
    order: dict[str, int] = {}
    keys: dict[str, str] = {}
    for sheet in result.sheets:
        if sheet.spec.key not in registers or is_read_only(sheet.name):
            continue
        order.setdefault(sheet.name, len(order))
        keys[sheet.name] = sheet.spec.key
        rows.setdefault(sheet.spec.key, []).extend(sheet.rows)
        rejected += sheet.rejected
        ignored += [c for c in sheet.ignored_columns if c not in ignored]
    return rows, rejected, ignored, order, keys


def _read_only_sheets(path: Path) -> list[str]:
    """The file's sheets written for reading only (io/registers.is_read_only), by name; a CSV file's is its stem.
    Only called after read_file accepted the file (io/guards.py checks ran)."""
    if path.suffix.lower() == ".csv":
        names = [path.stem]
    else:
        from python_calamine import CalamineWorkbook

        with CalamineWorkbook.from_path(str(path)) as book:
            names = list(book.sheet_names)
    return [name for name in names if is_read_only(name)]


def exported_from(path: Path) -> str | None:
    """The project id (`P-0002`) a handover package names on its index sheet; None for any other file.

    Only called after read_file accepted the file (io/guards.py checks ran). Best effort: only the first rows of
    the first visible sheet (a package's index) are read, as a stream; a workbook without the label there next
    to a value gives None, and so does one that cannot be read again.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from .xlsx_read import first_rows

    labels = {normalize_header(catalog["export.project_id"]) for catalog in CATALOGS.values()
              if catalog.get("export.project_id")}
    try:
        rows = first_rows(path, ORIGIN_SCAN_ROWS, 4)
    except Exception:  # noqa: BLE001 - read_file read it a moment ago; anything odd means "no origin known"
        return None
    for row in rows:
        for label, value in zip(row, row[1:], strict=False):
            if label.__class__ is str and value and normalize_header(label) in labels:
                return str(value).strip().upper()
    return None


def _header(spec: SheetSpec, key: str) -> str:
    """A column key as its header in the current language ("" and unknown keys stay as they are)."""
    return next((c.header for c in spec.columns if c.key == key), key)
