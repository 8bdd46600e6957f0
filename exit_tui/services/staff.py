"""Staff placement (DOMAIN.md section 5, issue 13): the employees of a project (E-), their placement, the
severance each is owed (computed on read by domain/severance with the project's figures or the rule profile's,
never stored), the art 42/45 blocks, the art 41 threshold, and the follow-up checklist tasks (art 50 per leaving
employee, art 41 for the project) kept in step with every write.

Every write is an ORM change or an audit.insert_rows / delete_rows, so it is audited, undone as one change (with
its follow-up tasks) and deleted with the project. Values are checked here (UserError naming the field) by one
cleaner per field (`FIELDS`), which the staff sheet's import uses too.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from ..db.models import Employee, EmployeeTask, Phase, Project, StaffSettings as SettingsRow, Task
from ..domain.enums import TaskStatus
from ..domain.severance import (
    DISMISSALS, MAX_WAGE_MONTHS, Basis, FollowUp, Protected, art41_follow_ups, art41_threshold, art50_follow_ups,
    local_wages, termination_blocks,
)
from ..domain.staff import (
    ART41_OWNER, ContractType, Facts, Overrides, PlacementStatus, art41_workforce, assess, is_leaving, protected_of,
    wages_of, wages_text,
)
from ..i18n import CATALOGS, _
from ..i18n.severance import block_text, follow_up_title
from . import audit
from .errors import NotFound, UserError
from .ids import next_public_ids, row_of
from .inputs import choice_field, clean_field, clean_values, date_field, flag_field, money_field, text_field
from .readmodels import (
    STAFF_FIGURE_COLUMNS, EmployeeRead, PlacementTotal, StaffFigures, StaffRegister, StaffSettings, StaffSummary,
    staff_figures,
)

PREFIX = "E"
#: The checklist phase of staff placement (员工安置和客户服务) when the project has no phase named so.
STAFF_PHASE = 5
STAFF_PHASE_NAME = "员工安置"
#: Who the follow-up tasks are for (data/roles.toml).
OWNER = "hr"

# -- audit declarations (parents first: a project is deleted children first) ---------------------------------------

audit.declare(Employee.__table__, "employee")
audit.declare(SettingsRow.__table__, "staff_settings")
audit.declare(EmployeeTask.__table__, "employee_task")

#: Placements in the order the register and the totals show them; "" is 待定.
PLACEMENTS = ("", *(basis.value for basis in Basis))


def label(group: str, code: str | None) -> str:
    """A code's label in the current language: `label("placement", "art41")` -> 经济性裁员; "" -> 待定."""
    return _(f"staff.{group}.{code or 'none'}")


# -- cleaners: one per field, shared by the form's service and an import ------------------------------------------


_text = partial(text_field, "staff")


def _name(value: Any) -> str:
    text = _text("name", 100)(value)
    if not text:
        raise UserError("staff.error.required", field="name")
    return text


def _hire_date(value: Any) -> date:
    day = date_field("hire_date")(value)
    if day is None:
        raise UserError("staff.error.required", field="hire_date")
    return day


def _choice(field: str, codes: type[StrEnum], group: str, default: StrEnum | str = "") -> Callable[[Any], str]:
    """A code typed as itself or as its label in either language; empty (or the label 待定 / 未填) gives "" unless
    another `default` is given."""
    return choice_field("staff", field, codes, group, default)


#: Wages and protected statuses typed in one field or cell: separated by commas, 、, semicolons or new lines.
_SEPARATORS = re.compile(r"[、;；\n]+|[,，](?!\d{3}(?:\D|$))")
"""A comma followed by exactly three digits (`6,000.50`) groups thousands; any other comma separates."""


def _parts(value: Any) -> list[str]:
    text = unicodedata.normalize("NFKC", str(value))
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


_money = partial(money_field, "staff")


def _wages(value: Any) -> tuple[int, ...]:
    """Monthly wages, oldest first: yuan typed as `6000, 6200, 6100` (see _SEPARATORS), or ints of fen; at most
    12 months."""
    if value is None:
        return ()
    items = list(value) if isinstance(value, (list, tuple)) else _parts(value)
    amount = _money("wages")
    wages = tuple(amount(item) for item in items)
    if len(wages) > MAX_WAGE_MONTHS:
        raise UserError("staff.error.too_many_wages", field="wages", count=len(wages), max=MAX_WAGE_MONTHS)
    return tuple(fen for fen in wages if fen is not None)


def _protected(value: Any) -> tuple[str, ...]:
    """Art 42 statuses typed as codes or labels (short or long, either language), separated as wages are."""
    if value is None:
        return ()
    known = {flag.value: flag.value for flag in Protected}
    known.update((unicodedata.normalize("NFKC", catalog.get(f"{area}.protected.{flag.value}", flag.value)).lower(),
                  flag.value) for catalog in CATALOGS.values() for flag in Protected for area in ("staff", "severance"))
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:  # a label may hold a separator (`孕期、产期、哺乳期`): labels become their codes first, longest first
        text = unicodedata.normalize("NFKC", str(value)).lower()
        for name in sorted(known, key=len, reverse=True):
            text = text.replace(name, f";{known[name]};")
        items = _parts(text)
    found = set()
    for item in items:
        text = unicodedata.normalize("NFKC", str(item)).strip().lower()
        if text not in known:
            allowed = " / ".join(label("protected", flag.value) for flag in Protected)
            raise UserError("staff.error.bad_choice", field="protected", value=str(item).strip(), allowed=allowed)
        found.add(known[text])
    return tuple(flag.value for flag in Protected if flag.value in found)


#: Field -> cleaner, values as typed (dates `2026年3月1日`, money in yuan `¥6,000.50` or ints of fen, yes/no).
FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "employee_no": _text("employee_no", 50),
    "position": _text("position", 100),
    "team": _text("team", 100),
    "hire_date": _hire_date,
    "contract_type": _choice("contract_type", ContractType, "contract"),
    "contract_end": date_field("contract_end"),
    "wages": _wages,
    "average": _money("average"),
    "last_month": _money("last_month"),
    "protected": _protected,
    "phone": _text("phone", 100),
    "note": _text("note"),
    "placement": _choice("placement", Basis, "placement"),
    "placement_target": _text("placement_target", 200),
    "leaving_date": date_field("leaving_date"),
    "placement_status": _choice("placement_status", PlacementStatus, "status", PlacementStatus.PENDING),
    "agreement_signed": flag_field("staff", "agreement_signed"),
    "renewal_refused": flag_field("staff", "renewal_refused"),
    "employee_proposed": flag_field("staff", "employee_proposed"),
}
#: Fields stored under another column name, or in another form.
_COLUMN = {"wages": "wages_fen", "average": "average_fen", "last_month": "last_month_fen"}


def clean(field: str, value: Any) -> Any:
    """One field's value checked and typed; raises UserError naming the field."""
    return clean_field("staff", FIELDS, field, value)


def columns(field: str, value: Any) -> dict[str, Any]:
    """The table columns a field's cleaned value is stored in."""
    if field == "wages":
        return {"wages_fen": wages_text(value)}
    if field == "protected":
        return {"protected": ",".join(value)}
    return {_COLUMN.get(field, field): value}


def _cleaned(values: Mapping[str, Any], whole: bool) -> dict[str, Any]:
    return clean_values("staff", FIELDS, values, whole)


def check(row: Mapping[str, Any], placement_changed: bool) -> None:
    """What no stored employee may be: leaving before being hired; nor planned for art 40/41 while protected
    (art 42) when the placement is being set (a row that becomes protected later keeps it and shows blocked).
    `row` holds table columns (`protected` as stored: codes separated by commas). The form's services and the
    staff sheet's import (row by row) both ask here."""
    leaving, hired = row.get("leaving_date"), row.get("hire_date")
    if leaving is not None and hired is not None and leaving < hired:
        raise UserError("staff.error.leaves_before_hired", field="leaving_date", value=leaving.isoformat(),
                        hired=row["hire_date"].isoformat())
    if placement_changed and row.get("placement") in DISMISSALS:
        blocks = termination_blocks(row["placement"], protected_of(row.get("protected", "")))
        if blocks:
            raise UserError("staff.error.art42", field="placement", value=label("placement", row["placement"]),
                            reason=block_text(blocks[0]))


# -- reads ---------------------------------------------------------------------------------------------------------

_COLUMNS = (Employee.id, Employee.public_id, Employee.name, Employee.employee_no, Employee.position, Employee.team,
            Employee.hire_date, Employee.contract_type, Employee.contract_end, Employee.wages_fen,
            Employee.average_fen, Employee.last_month_fen, Employee.protected, Employee.phone, Employee.note,
            Employee.placement, Employee.placement_target, Employee.leaving_date, Employee.placement_status,
            Employee.agreement_signed, Employee.renewal_refused, Employee.employee_proposed)


def _profile(session: Session, project_id: int) -> str:
    profile = session.execute(select(Project.rule_profile).where(Project.id == project_id)).scalar()
    if profile is None:
        raise NotFound("error.project_not_found", value=project_id)
    return profile


def _settings_row(session: Session, project_id: int) -> SettingsRow | None:
    return session.scalars(select(SettingsRow).where(SettingsRow.project_id == project_id)).first()


def _overrides(session: Session, project_id: int) -> tuple[int | None, Overrides]:
    row = _settings_row(session, project_id)
    if row is None:
        return None, Overrides()
    return row.workforce, Overrides(row.local_average_fen, row.minimum_wage_fen)


def _linked(session: Session, project_id: int, employee_ids: list[int] | None = None) -> dict[int, list[str]]:
    """Employee id -> the public ids of its follow-up tasks still on the checklist, in link order."""
    query = (select(EmployeeTask.employee_id, EmployeeTask.task_ref)
             .join(Task, (Task.project_id == EmployeeTask.project_id) & (Task.public_id == EmployeeTask.task_ref))
             .where(EmployeeTask.project_id == project_id, col(EmployeeTask.employee_id).is_not(None))
             .order_by(col(EmployeeTask.id)))
    if employee_ids is not None:
        query = query.where(col(EmployeeTask.employee_id).in_(employee_ids))
    found: dict[int, list[str]] = {}
    for employee_id, task_ref in session.execute(query):
        found.setdefault(employee_id, []).append(task_ref)
    return found


def _read(row, profile: str, overrides: Overrides, tasks: Iterable[str]) -> EmployeeRead:
    (_key, public_id, name, number, position, team, hired, contract_type, contract_end, wages, average, last_month,
     protected, phone, note, placement, target, leaving, status, signed, refused, proposed) = row
    facts = Facts(placement, hired, leaving, wages_of(wages), average, last_month, protected_of(protected),
                  bool(refused), bool(proposed))
    assessed = assess(facts, profile, overrides)
    error_text = _(assessed.error, **{k: str(v) for k, v in assessed.params}) if assessed.error else ""
    return EmployeeRead(public_id, name, number, position, team, hired, contract_type, contract_end, facts.wages,
                        average, last_month, facts.protected, phone, note, placement, target, leaving, status,
                        bool(signed), bool(refused), bool(proposed), assessed.severance, assessed.error,
                        assessed.blocks, tuple(tasks), error_text)


def list_employees(session: Session, project_id: int) -> list[EmployeeRead]:
    """Every employee of the project in the order they were added, with severance, blocks and follow-up tasks."""
    profile = _profile(session, project_id)
    _workforce, overrides = _overrides(session, project_id)
    rows = session.execute(select(*_COLUMNS).where(Employee.project_id == project_id).order_by(col(Employee.id)))
    links = _linked(session, project_id)
    return [_read(row, profile, overrides, links.get(row[0], ())) for row in rows]


def _employee_row(session: Session, project_id: int, public_id: str) -> Employee:
    return row_of(session, Employee, project_id, public_id, "staff.error.not_found")


def get_employee(session: Session, project_id: int, public_id: str) -> EmployeeRead:
    employee = _employee_row(session, project_id, public_id)
    row = session.execute(select(*_COLUMNS).where(Employee.id == employee.id)).one()
    _workforce, overrides = _overrides(session, project_id)
    return _read(row, _profile(session, project_id), overrides,
                 _linked(session, project_id, [employee.id]).get(employee.id, ()))


def _figure_rows(session: Session, project_id: int) -> list[tuple]:
    names = [getattr(Employee, name) for name in STAFF_FIGURE_COLUMNS]
    return [tuple(row) for row in session.execute(
        select(*names).where(Employee.project_id == project_id).order_by(col(Employee.id)))]


def figures_of(session: Session, project_id: int) -> StaffFigures:
    """The dashboard card's figures (the quick start reads the same rows with sqlite3: db/quickread.py)."""
    workforce, overrides = _overrides(session, project_id)
    return staff_figures(_figure_rows(session, project_id), _profile(session, project_id), workforce,
                         overrides.local_average, overrides.minimum_wage)


def staff_summary(session: Session, project_id: int, today: date) -> StaffSummary:
    """The register's totals: employees by status and by placement with their severance, the art 41 count and
    threshold, and the employees blocked (art 42/45) or whose severance cannot be computed. `today` is the day of
    the read (the figures themselves depend on each leaving date)."""
    return register(session, project_id, today).summary


def register(session: Session, project_id: int, today: date) -> StaffRegister:
    """The employees (list_employees) and their totals (staff_summary) from one read: each severance computed
    once."""
    del today  # the figures hold for any day: each employee's local wages are those at the leaving date
    employees = list_employees(session, project_id)
    workforce, _overrides_ = _overrides(session, project_id)
    return StaffRegister(employees, summary_of(employees, workforce))


def summary_of(employees: Sequence[EmployeeRead], workforce: int | None) -> StaffSummary:
    """The totals of these employees, art 41 counted against `workforce` (None: the employees registered)."""
    by_status = {status.value: 0 for status in PlacementStatus}
    totals = {placement: [0, 0] for placement in PLACEMENTS}
    for employee in employees:
        by_status[employee.placement_status] = by_status.get(employee.placement_status, 0) + 1
        totals[employee.placement][0] += 1
        totals[employee.placement][1] += employee.amount_fen
    layoffs = totals[Basis.ART41.value][0]
    staff = art41_workforce(workforce, len(employees), layoffs)
    return StaffSummary(
        len(employees), by_status["pending"], by_status["planned"], by_status["done"],
        tuple(PlacementTotal(placement, n, fen) for placement, (n, fen) in totals.items()),
        sum(fen for _n, fen in totals.values()), staff, layoffs, bool(layoffs) and art41_threshold(layoffs, staff),
        tuple(e.public_id for e in employees if e.blocks),
        tuple(e.public_id for e in employees if e.leaving and e.severance is None))


def staff_settings(session: Session, project_id: int, today: date) -> StaffSettings:
    """The project's own staff figures (None: the profile's) and the rule profile's local figures on `today`."""
    row = _settings_row(session, project_id)
    wages = local_wages(_profile(session, project_id), today)
    return StaffSettings(row.workforce if row else None, row.local_average_fen if row else None,
                         row.minimum_wage_fen if row else None, wages.average if wages else None,
                         wages.minimum if wages else None, wages.source if wages else "")


# -- writes --------------------------------------------------------------------------------------------------------


def new_rows(session: Session, project_id: int, items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The table rows of new employees (values as typed), each checked (a planned art 40/41 termination of a
    protected employee is refused): for add_employee and for bulk writers (the demo, an import) that then call
    audit.insert_rows and sync_follow_ups once. Raises UserError naming the field of the first bad one."""
    cleaned = [_cleaned(item, whole=True) for item in items]
    ids = next_public_ids(session, project_id, PREFIX, len(cleaned)) if cleaned else []
    now = datetime.now(UTC)
    rows = []
    for public_id, values in zip(ids, cleaned, strict=True):
        row = {"project_id": project_id, "public_id": public_id, "created_at": now}
        for field, value in values.items():
            row.update(columns(field, value))
        check(row, placement_changed=True)
        rows.append(row)
    return rows


def add_employee(session: Session, project_id: int, today: date, **values: Any) -> EmployeeRead:
    """A new employee from values as typed in the form (name and hire date required); its follow-up tasks are
    made. Returns its read model."""
    (row,) = new_rows(session, project_id, [values])
    audit.insert_rows(session, Employee.__table__, [row])
    sync_follow_ups(session, project_id, today)
    return get_employee(session, project_id, row["public_id"])


def update_employee(session: Session, project_id: int, public_id: str, today: date, **values: Any) -> EmployeeRead:
    """Change some fields of an employee (only those given); the follow-up tasks follow (made, moved with the
    leaving date, removed when the placement no longer ends the employment)."""
    employee = _employee_row(session, project_id, public_id)
    changes: dict[str, Any] = {}
    for field, value in _cleaned(values, whole=False).items():
        changes.update(columns(field, value))
    after = {name: changes.get(name, getattr(employee, name)) for name in ("hire_date", "leaving_date", "placement",
                                                                           "protected")}
    check(after, placement_changed=changes.get("placement", employee.placement) != employee.placement)
    for name, value in changes.items():
        if getattr(employee, name) != value:
            setattr(employee, name, value)
    session.flush()
    sync_follow_ups(session, project_id, today)
    return get_employee(session, project_id, employee.public_id)


def delete_employee(session: Session, project_id: int, public_id: str, today: date | None = None) -> None:
    """Remove an employee (the id is never given again) with its open follow-up tasks; done ones stay on the
    checklist. The project's art 41 tasks follow the new count."""
    employee = _employee_row(session, project_id, public_id)
    links = session.scalars(select(EmployeeTask).where(EmployeeTask.employee_id == employee.id)).all()
    _drop_open_tasks(session, project_id, [link.task_ref for link in links])
    audit.delete_rows(session, EmployeeTask.__table__, EmployeeTask.__table__.c.employee_id == employee.id)
    audit.delete_rows(session, Employee.__table__, Employee.__table__.c.id == employee.id)
    sync_follow_ups(session, project_id, today or date.today())


def set_staff_settings(session: Session, project_id: int, today: date, **values: Any) -> StaffSettings:
    """Set the project's own figures, as typed: `workforce` (the employer's whole workforce, for art 41),
    `local_average` and `minimum_wage` (yuan); "" clears one back to the rule profile's. The art 41 tasks
    follow."""
    cleaners = {"workforce": _workforce, "local_average": _money("local_average", positive=True),
                "minimum_wage": _money("minimum_wage", positive=True)}
    cleaned = clean_values("staff", cleaners, values, whole=False)
    row = _settings_row(session, project_id)
    if row is None:
        _profile(session, project_id)  # the project exists
        row = SettingsRow(project_id=project_id)
        session.add(row)
    names = {"workforce": "workforce", "local_average": "local_average_fen", "minimum_wage": "minimum_wage_fen"}
    for field, value in cleaned.items():
        if getattr(row, names[field]) != value:
            setattr(row, names[field], value)
    session.flush()
    sync_follow_ups(session, project_id, today)
    return staff_settings(session, project_id, today)


def _workforce(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
        raise UserError("staff.error.bad_number", field="workforce", value=text)
    return int(text)


# -- follow-up tasks -----------------------------------------------------------------------------------------------


def _staff_phase(session: Session, project_id: int) -> int:
    """The checklist phase of staff placement: the one named 员工安置…, else STAFF_PHASE."""
    found = session.execute(select(Phase.no).where(Phase.project_id == project_id,
                                                   col(Phase.name_zh).contains(STAFF_PHASE_NAME))
                            .order_by(col(Phase.no))).scalar()
    return found or STAFF_PHASE


def _wanted(session: Session, project_id: int) -> dict[str, tuple[int | None, FollowUp, str]]:
    """Link name -> (employee id or None, follow-up, employee's name) of every follow-up the register asks for
    now: art 50's for each leaving employee with a leaving date, art 41's once when the threshold is reached
    (dated from the earliest art 41 leaving date)."""
    rows = session.execute(select(Employee.id, Employee.public_id, Employee.name, Employee.placement,
                                  Employee.leaving_date).where(Employee.project_id == project_id)
                           .order_by(col(Employee.id))).all()
    wanted: dict[str, tuple[int | None, FollowUp, str]] = {}
    for key, public_id, name, placement, leaving in rows:
        if is_leaving(placement) and leaving is not None:
            for item in art50_follow_ups(leaving):
                wanted[f"{public_id}/{item.key}"] = (key, item, name)
    layoffs = [leaving for _k, _p, _n, placement, leaving in rows if placement == Basis.ART41]
    workforce = _overrides(session, project_id)[0]
    dated = [day for day in layoffs if day is not None]
    if dated and art41_threshold(len(layoffs), art41_workforce(workforce, len(rows), len(layoffs))):
        for item in art41_follow_ups(min(dated)):
            wanted[f"{ART41_OWNER}/{item.key}"] = (None, item, "")
    return wanted


def _title(item: FollowUp, name: str) -> str:
    return _("staff.task_title", title=follow_up_title(item), name=name) if name else follow_up_title(item)


def _drop_open_tasks(session: Session, project_id: int, refs: list[str]) -> None:
    """Delete the tasks among `refs` still open (done ones stay; tasks counted from them keep their dates)."""
    from . import checklist

    done = TaskStatus.DONE.value
    for ref in session.execute(select(Task.public_id).where(Task.project_id == project_id,
                                                            col(Task.public_id).in_(refs), Task.status != done)
                               ).scalars().all():
        checklist.delete_task(session, project_id, ref, detach=True)


def sync_follow_ups(session: Session, project_id: int, today: date) -> None:
    """Keep the follow-up tasks in step with the register: make the missing ones (in the staff phase, owned by
    HR, linked in employee_task), move an open one whose due day changed (and retitle it when its title no
    longer ends with the employee's name), remove the open ones no longer asked for (their links too; done
    tasks stay, unlinked). A task deleted from the checklist by hand is not made again while its link stays."""
    from . import checklist  # the checklist builds on the timeline, which builds on projects
    from .readmodels import TaskChanges

    wanted = _wanted(session, project_id)
    links = {link.public_id: link for link in session.scalars(
        select(EmployeeTask).where(EmployeeTask.project_id == project_id))}
    tasks = {task.public_id: task for task in session.scalars(select(Task).where(
        Task.project_id == project_id, col(Task.public_id).in_([link.task_ref for link in links.values()])))}
    gone = [name for name in links if name not in wanted]
    if gone:
        _drop_open_tasks(session, project_id, [links[name].task_ref for name in gone])
        audit.delete_rows(session, EmployeeTask.__table__, (EmployeeTask.__table__.c.project_id == project_id)
                          & EmployeeTask.__table__.c.public_id.in_(gone))
    phase = None
    for name, (employee_id, item, person) in wanted.items():
        link = links.get(name)
        if link is None:
            phase = phase or _staff_phase(session, project_id)
            task = checklist.add_task(session, project_id, phase_no=phase, title=_title(item, person),
                                      due=item.due.isoformat(), today=today, owner=OWNER, legal_basis=item.basis,
                                      note=name.split("/")[0])
            session.add(EmployeeTask(project_id=project_id, employee_id=employee_id, public_id=name, key=item.key,
                                     task_ref=task.public_id))
            continue
        task = tasks.get(link.task_ref)
        if task is None or task.status == TaskStatus.DONE.value:
            continue
        renamed = person and not (task.title or "").endswith(person)  # not after a change of language
        changes = TaskChanges(due=item.due.isoformat() if task.due_date != item.due else None,
                              title=_title(item, person) if renamed else None)
        if changes.due or changes.title:
            checklist.update_task(session, project_id, task.public_id, changes, today)
    session.flush()
