"""The staff register through spreadsheets: the rows the package writes of the 员工安置表, and the register as an
import target (services/imports.py), read back by public id, or by 工号 from a company's own staff list.

Every cell is checked by the cleaner the form uses (services/staff.FIELDS): dates as typed, money in yuan with at
most two decimals, wages as `6000, 6200, 6100`, choices and yes/no in either language. Existing employees are
written through staff.update_employee, new ones through staff.new_rows and audit.insert_rows, so every write is
audited and the follow-up tasks follow. A row that would plan an art 40/41 termination of a protected employee
(art 42), or a leaving date before the hire date, is refused on its row, as the form refuses it.
"""

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from ..db.models import Employee, EmployeeTask, Task
from ..domain.money import format_fen
from ..domain.staff import protected_of, wages_of
from ..i18n import _
from ..i18n.severance import block_text
from . import audit, staff
from .errors import UserError
from .imports import ImportField, ImportTarget, RowChanges

#: CHOICE fields -> their label group (staff.label).
_GROUPS = {"contract_type": "contract", "placement": "placement", "placement_status": "status"}
_FLAGS = ("agreement_signed", "renewal_refused", "employee_proposed")
#: Fields stored under another column (wages as JSON fen, amounts in fen).
_STORED = {"average": "average_fen", "last_month": "last_month_fen"}


def yuan(fen: int) -> str:
    """`600050` -> `6000.50`, `600000` -> `6000`: an amount as the wages cell lists it (no thousands separator)."""
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def wages_cell(wages: tuple[int, ...]) -> str:
    """Monthly wages as the sheet writes them and the cleaner reads them back: `6000, 6200.50`."""
    return ", ".join(yuan(fen) for fen in wages)


def protected_cell(flags: tuple[str, ...]) -> str:
    return "; ".join(staff.label("protected", flag) for flag in flags)


def _show(key: str, value: Any) -> str:
    if key in _GROUPS:
        return staff.label(_GROUPS[key], value)
    if key in _FLAGS:
        return staff.label("flag", "yes" if value else "no")
    if value is None:
        return ""
    if key == "wages":
        return wages_cell(value)
    if key == "protected":
        return protected_cell(value)
    if key in _STORED:
        return format_fen(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def alerts(employee) -> str:
    """What the register warns of on an employee, one line each: the art 42/45 blocks, and why a leaving
    employee's severance cannot be computed."""
    lines = [block_text(block) for block in employee.blocks]
    if employee.severance_error_text:
        lines.append(employee.severance_error_text)
    return "\n".join(lines)


def months_cell(result) -> str:
    """N as the sheet shows it: `4.5`, `4.5+1` with the month in lieu of notice."""
    return f"{result.months}+1" if result.extra_month else str(result.months)


# -- the rows the package writes ---------------------------------------------------------------------------------


def staff_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 员工安置表's rows (keyed by io/spec.STAFF's column keys): every employee with the severance computed
    on read, its months and the alerts. Contract type and placement are written as their labels (待定 for a
    placement not decided): the cleaner reads a label in either language, or a code, back."""
    found = staff.list_employees(session, project_id)

    def rows() -> Iterator[dict]:
        for e in found:
            result = e.severance
            yield {
                "public_id": e.public_id, "name": e.name, "employee_no": e.employee_no, "position": e.position,
                "team": e.team, "hire_date": e.hire_date,
                "contract_type": staff.label("contract", e.contract_type) if e.contract_type else None,
                "contract_end": e.contract_end, "wages": wages_cell(e.wages_fen), "average": e.average_fen,
                "last_month": e.last_month_fen, "protected": protected_cell(e.protected), "phone": e.phone,
                "placement": staff.label("placement", e.placement), "placement_target": e.placement_target,
                "leaving_date": e.leaving_date,
                "placement_status": e.placement_status,
                "agreement_signed": "yes" if e.agreement_signed else "no",
                "renewal_refused": "yes" if e.renewal_refused else None,
                "employee_proposed": "yes" if e.employee_proposed else None,
                "note": e.note,
                "severance": result.amount if result else None,
                "months": months_cell(result) if result else None,
                "alerts": alerts(e),
            }

    return len(found), rows()


def follow_up_refs(session: Session, project_id: int) -> set[str]:
    """The checklist tasks the staff register made and that are still there (art 50's per leaving employee, art
    41's for the project): the committee's package leaves them out with the staff sheets, their titles naming the
    employees (io/export.py)."""
    return set(session.execute(
        select(EmployeeTask.task_ref)
        .join(Task, (Task.project_id == EmployeeTask.project_id) & (Task.public_id == EmployeeTask.task_ref))
        .where(EmployeeTask.project_id == project_id)).scalars())


# -- the register ------------------------------------------------------------------------------------------------


class StaffImport(ImportTarget):
    """The staff register by public id; a row without one is matched by 工号 (a company's list has no ids), else
    it is a new employee (a twin by name and hire date is not added again)."""

    sheet, table, prefix = "staff", Employee.__table__, staff.PREFIX
    fields = tuple(ImportField(key, required=key in ("name", "hire_date")) for key in staff.FIELDS)
    content = ("name", "hire_date")
    natural_key = "employee_no"
    columns = ("wages_fen", "average_fen", "last_month_fen")

    def clean(self, key: str, value: Any) -> Any:
        return staff.clean(key, value)

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        if key == "wages":
            return wages_of(row["wages_fen"])
        if key == "protected":
            return protected_of(row["protected"])
        if key in _STORED:
            return row[_STORED[key]]
        if key in _FLAGS:
            return bool(row[key])
        return row[key]

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        return staff.columns(key, value)

    def show(self, key: str, value: Any) -> str:
        return _show(key, value)

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("name") or "")

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The service's own check (staff.check), asked row by row so that a bad row is refused alone."""
        def value(key: str) -> Any:
            if key in values:
                return values[key]
            return self.current(key, stored) if stored is not None else None

        placement = value("placement") or ""
        protected = value("protected") or ()
        row = {"hire_date": value("hire_date"), "leaving_date": value("leaving_date"), "placement": placement,
               "protected": protected if isinstance(protected, str) else ",".join(protected)}
        try:
            staff.check(row, placement_changed=stored is None or placement != stored["placement"])
        except UserError as error:
            return [(error.field, str(error))]
        return []

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        """New employees in bulk (staff.new_rows, audit.insert_rows), then their follow-up tasks once."""
        rows = staff.new_rows(self.session, self.project_id, [dict(row) for row in values])
        if rows:
            audit.insert_rows(self.session, self.table, rows)
            staff.sync_follow_ups(self.session, self.project_id, self.today)
        return [row["public_id"] for row in rows]

    def update_rows(self, changed: list[RowChanges]) -> None:
        for change in changed:
            staff.update_employee(self.session, self.project_id, change.row["public_id"], self.today,
                                  **change.fields)

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False
