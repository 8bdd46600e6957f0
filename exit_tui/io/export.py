"""The handover package of a project: gathered through the services (read only), written by xlsx_write."""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from ..i18n import _, _n
from ..i18n.labels import exit_type_label, workdays_notice
from ..services import handover, projects
from ..services.audit import row_versions
from ..services.calendar import uncovered_years
from ..services.timeline import load_timeline
from ..services.readmodels import ProjectRead
from . import handover_print, registers
from .spec import TASKS
from .xlsx_write import Package, write_package

#: Characters Windows refuses in file names (and control characters).
_BAD_FILE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_NAME = 80


@dataclass(frozen=True)
class ExportResult:
    path: Path
    """The file written."""
    sheets: list[tuple[str, int]]
    """(sheet title, row count) of each schedule, in order."""


def export_package(
    session: Session,
    project_id: int,
    path: Path,
    *,
    today: date,
    progress: Callable[[int, int], None] | None = None,
    generated_at: datetime | None = None,
    without: Collection[str] = (),
) -> ExportResult:
    """Write the project's handover package to `path`; raises ExportError when the file cannot be written.

    `without` names areas whose sheets are left out (registers.OPTIONAL_AREAS: `staff`, the company's own package
    for the committee), and with them the checklist tasks the area made (registers.AREA_TASKS: the staff
    follow-ups name the employees) from the task sheet and the timeline; the index says what was left out."""
    project = projects.get_project(session, project_id)
    sheets = []
    above = {}
    left_out = [r for r in registers.REGISTERS if r.exported and r.area and r.area in without]
    chosen = [r for r in registers.REGISTERS if r.exported and r not in left_out]
    hidden = set().union(*(find(session, project_id) for area, find in registers.AREA_TASKS.items()
                           if area in without))
    for register in chosen:  # streamed: one row of each in memory
        if register.above is not None:
            above[register.sheet.key] = register.above(session, project_id)
        count, rows = register.rows(session, project_id, *([today] if register.dated else []))
        if hidden and register.sheet.key == TASKS.key:  # the tasks of an area left out go with it
            count -= len(hidden)
            rows = (row for row in rows if row["public_id"] not in hidden)
        if register.target is not None:  # each row carries its version, for the import to spot a stale file
            rows = _with_versions(rows, row_versions(session, project_id, register.target.table.name))
        sheets.append((register.sheet, rows, count))
    plan = load_timeline(session, project_id, today)
    if hidden:
        plan = replace(plan, tasks=[task for task in plan.tasks if task.public_id not in hidden])
    years = uncovered_years(plan)  # working days counted without holiday data: said on the index
    package = Package(
        title=project.name,
        exit_type=exit_type_label(project.exit_type),
        key_dates=[
            (_("export.date_decision"), project.dates.decision),
            (_("export.date_contract_end"), project.dates.contract_end),
            (_("export.date_handover"), project.dates.handover),
            (_("export.date_continuation_end"), project.dates.continuation_end),
            (_("export.as_of"), today),
        ],
        generated_at=generated_at or datetime.now().astimezone(),
        sheets=sheets,
        details=[
            (_("export.project_id"), project.public_id),
            *([(_("export.address"), project.address)] if project.address else []),
            *([(_("export.units"), project.units)] if project.units else []),
            *([(_("export.workdays"), workdays_notice(years))] if years else []),
            *([(_("export.left_out"), _left_out(left_out))] if left_out else []),
            *([(_("export.left_out"), _n("export.left_out_tasks", len(hidden), n=len(hidden)))] if hidden else []),
        ],
        batches=[(handover_print.sheet_title(batch.public_id), batch)
                 for batch in handover_print.printed_batches(session, project_id)],
        timeline=plan,
        above=above,
        writers={r.sheet.key: r.write for r in chosen if r.write is not None},
        signers=[f"{p.company} {p.representative}".strip() for p in handover.list_parties(session, project_id)],
    )
    path = Path(path)
    write_package(path, package, progress)
    timeline = (_("export.timeline_sheet"), len(package.timeline.tasks))
    printed = [(title, batch.rows) for title, batch in package.batches]
    return ExportResult(path=path, sheets=[*((spec.title, count) for spec, _rows, count in sheets), *printed,
                                           timeline])


def _left_out(left_out: list) -> str:
    """`员工安置表、经济补偿计算表(员工个人信息,本资料包未附)`: what the index says of the sheets left out."""
    return _("export.left_out_sheets", sheets=_("export.left_out_join").join(r.sheet.title for r in left_out))


def _with_versions(rows, versions: dict[str, int]):
    for row in rows:
        yield {**row, "row_version": versions.get(row["public_id"], 0)}


def safe_file_name(text: str) -> str:
    """`text` usable as (part of) a file name on Windows, macOS and Linux."""
    text = _BAD_FILE_CHARS.sub("_", " ".join(text.split()))
    return text[:MAX_NAME].strip(" .") or "exit-tui"


def default_export_path(project: ProjectRead, documents_dir: Path | None = None, *, today: date | None = None) -> Path:
    """`<project name>-移交资料包-2026-11-28.xlsx` in the user's documents folder (the home folder without one)."""
    if documents_dir is None:
        import platformdirs

        documents_dir = platformdirs.user_documents_path()
        if not documents_dir.is_dir():
            documents_dir = Path.home()
    day = (today or date.today()).isoformat()
    return Path(documents_dir) / f"{safe_file_name(project.name)}-{_('export.file_name')}-{day}.xlsx"
