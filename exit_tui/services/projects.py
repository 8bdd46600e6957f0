"""Exit projects: create from a template, list, find, rename, archive, delete, change a key date (open tasks
move with it). Names are unique per database, compared as `name_key` (case and width folded)."""

import unicodedata
from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from ..db.models import Phase, Project, Task
from ..domain.dates import DateParseError, parse_date
from ..domain.enums import Anchor, ExitType
from ..domain.schedule import DueRule, ProjectDates
from ..domain.statutes import DEFAULT_PROFILE, rule_profiles
from ..domain.templates import load_template
from .errors import NotFound, UserError
from . import accounts  # noqa: F401  (declares the accounts' tables: a deleted project takes their rows)
from .handover import seed_registers
from .risks import seed_register as seed_risks
from . import staff  # noqa: F401  (declares the staff tables: a deleted project takes their rows)
from . import contracts  # noqa: F401  (declares the contract table: a deleted project takes its rows)
from .parties import seed_parties
from .ids import next_project_id, next_public_ids
from .inputs import check_year, clean_text
from .readmodels import DateChange, PhaseRead, ProjectRead

#: Default length of the post-exit service continuation (民法典950) when none is given.
DEFAULT_CONTINUATION = relativedelta(months=3)
MAX_UNITS = 1_000_000
MAX_NAME = 100
#: A handover day further in the past than this, for a new project, is probably mistyped: a warning says so.
LONG_PAST_DAYS = 30
DATE_FIELDS = {
    Anchor.DECISION: "decision_date",
    Anchor.CONTRACT_END: "contract_end",
    Anchor.HANDOVER: "handover_date",
    Anchor.CONTINUATION_END: "continuation_end",
}


def project_read(project: Project) -> ProjectRead:
    return ProjectRead(
        id=project.id,
        public_id=project.public_id,
        name=project.name,
        address=project.address,
        units=project.units,
        exit_type=ExitType(project.exit_type),
        rule_profile=project.rule_profile,
        dates=project_dates(project),
        archived=bool(project.archived),
    )


def project_dates(project: Project) -> ProjectDates:
    return ProjectDates(project.decision_date, project.contract_end, project.handover_date, project.continuation_end)


def as_date(value: date | str | None, field: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        parsed = value
    elif not value.strip():
        return None
    else:
        try:
            parsed = parse_date(value)
        except DateParseError:
            raise UserError("error.bad_date", field=field, value=value) from None
    return check_year(parsed, field)


def validate_dates(exit_type: ExitType, dates: ProjectDates) -> None:
    """The order rules a project's dates must keep; raises UserError naming the field."""
    if dates.decision > dates.handover:
        raise UserError("error.decision_after_handover", field="decision")
    if dates.decision > dates.contract_end:
        raise UserError("error.decision_after_contract_end", field="decision")
    if exit_type is ExitType.CONTRACT_EXPIRY and dates.handover < dates.contract_end:
        raise UserError("error.handover_before_contract_end", field="handover")
    if dates.continuation_end < dates.handover:
        raise UserError("error.continuation_before_handover", field="continuation_end")


def create_project(
    session: Session,
    *,
    name: str,
    exit_type: ExitType | str,
    contract_end: date | str,
    handover: date | str,
    decision: date | str | None = None,
    continuation_end: date | str | None = None,
    units: int | str = 0,
    address: str = "",
    today: date | None = None,
    rule_profile: str = DEFAULT_PROFILE,
) -> ProjectRead:
    """Create a project with the twenty phases, every task of its exit type's template, its handover registers
    seeded from data/handover/, its risk register from data/risks.toml and its stakeholders with the notices owed
    them from data/stakeholders.toml.

    `units` empty (or 0) means the number of households is not known yet (shown as "-")."""
    name = clean_name(session, name)
    try:
        exit_type = ExitType(exit_type)
    except ValueError:
        raise UserError("error.bad_exit_type", field="exit_type", value=exit_type) from None
    try:
        units = int(str(units).strip() or 0)
    except ValueError:
        raise UserError("error.bad_units", field="units", value=units) from None
    if not 0 <= units <= MAX_UNITS:  # a huge number would overflow the database's 64-bit integer
        raise UserError("error.bad_units", field="units", value=units)
    contract_end_date = as_date(contract_end, "contract_end")
    handover_date = as_date(handover, "handover")
    if contract_end_date is None:
        raise UserError("error.date_required", field="contract_end")
    if handover_date is None:
        raise UserError("error.date_required", field="handover")
    if rule_profile not in rule_profiles():
        raise UserError("error.bad_rule_profile", field="rule_profile", value=rule_profile,
                        known=", ".join(rule_profiles()))
    decision_date = as_date(decision, "decision") or today or date.today()
    continuation = as_date(continuation_end, "continuation_end") or handover_date + DEFAULT_CONTINUATION
    dates = ProjectDates(decision_date, contract_end_date, handover_date, continuation)
    validate_dates(exit_type, dates)

    project = Project(
        public_id=next_project_id(session),
        name=name,
        address=clean_text(address),
        units=units,
        exit_type=exit_type.value,
        rule_profile=rule_profile,
        decision_date=decision_date,
        contract_end=contract_end_date,
        handover_date=handover_date,
        continuation_end=continuation,
        created_at=datetime.now(UTC),
    )
    session.add(project)
    session.flush()

    template = load_template(exit_type)
    now = datetime.now(UTC)
    ids = dict(zip((t.key for t in template.tasks), next_public_ids(session, project.id, "T", len(template.tasks)),
                   strict=True))
    rules = {  # a rule counted from another template task hangs on that task's public id
        t.key: DueRule(ids[t.after], t.due.amount, t.due.unit) if t.after else t.due for t in template.tasks
    }
    due = template.due_dates(dates)
    for phase in template.phases:
        session.add(Phase(project_id=project.id, no=phase.no, name_zh=phase.zh, name_en=phase.en))
        for item in phase.tasks:
            rule = rules[item.key]
            session.add(
                Task(
                    project_id=project.id,
                    public_id=ids[item.key],
                    phase_no=phase.no,
                    template_key=item.key,
                    title_zh=item.zh,
                    title_en=item.en,
                    owner=item.owner,
                    due_date=due[item.key],
                    due_anchor=rule.anchor_code,
                    due_offset=rule.offset,
                    recurrence=item.rrule,
                    recurrence_until=str(item.until) if item.until else None,
                    legal_basis=item.basis,
                    created_at=now,
                )
            )
    session.flush()
    seed_registers(session, project.id)  # documents, facilities and keys of its exit type
    seed_risks(session, project.id)  # the risk register of its exit type
    seed_parties(session, project.id)  # its stakeholders and the notices owed them
    return project_read(project)


def name_key(name: str) -> str:
    """How two project names are compared: `锦绣华庭 A`, `锦绣华庭　ａ` and `锦绣华庭 a` are one name."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def clean_name(session: Session, name: str, project_id: int | None = None) -> str:
    """A project name as typed, trimmed; UserError when empty, too long, or another project's name (compared by
    name_key; `project_id` is the project being renamed)."""
    name = clean_text(name)
    if not name:
        raise UserError("error.name_required", field="name")
    if len(name) > MAX_NAME:
        raise UserError("error.name_too_long", field="name", max=MAX_NAME)
    key = name_key(name)
    for other_id, public_id, other in session.exec(select(Project.id, Project.public_id, Project.name)):
        if other_id != project_id and name_key(other) == key:
            raise UserError("error.name_taken", field="name", value=name, project=f"{public_id} {other}")
    return name


def handover_warning(project: ProjectRead, today: date) -> int | None:
    """Days since the handover day when it is more than LONG_PAST_DAYS ago (a new project's T is probably
    mistyped then), else None."""
    days = (today - project.dates.handover).days
    return days if days > LONG_PAST_DAYS else None


def list_projects(session: Session) -> list[ProjectRead]:
    """Every project of the database, archived ones included (marked by `archived`), oldest first."""
    return [project_read(p) for p in session.exec(select(Project).order_by(col(Project.id)))]


def task_count(session: Session, project_id: int) -> int:
    """How many tasks a project has (said before deleting it)."""
    from sqlalchemy import func

    return session.exec(select(func.count()).select_from(Task).where(Task.project_id == project_id)).one()


def rename_project(session: Session, project_id: int, name: str) -> ProjectRead:
    """Give a project another name (unique in the database, as for create_project)."""
    project = project_row(session, project_id)
    project.name = clean_name(session, name, project_id)
    session.flush()
    return project_read(project)


def archive_project(session: Session, project_id: int, archived: bool = True) -> ProjectRead:
    """Archive a project (kept for the record, marked in lists) or bring it back (`archived=False`)."""
    project = project_row(session, project_id)
    project.archived = archived
    session.flush()
    return project_read(project)


def delete_project(session: Session, project_id: int) -> ProjectRead:
    """Delete a project and everything in it, children first; every removed row is recorded whole in the audit
    log (ON DELETE CASCADE alone would remove rows without entries). The tables are those services write
    (audit.AUDITED, declared parents first), so a new area's rows go too without any change here."""
    from . import audit

    project = project_row(session, project_id)
    deleted = project_read(project)
    for spec in reversed(list(audit.AUDITED.values())):
        audit.delete_rows(session, spec.table, spec.rows_of(project_id))
    return deleted


def project_row(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    return project


def get_project(session: Session, project_id: int) -> ProjectRead:
    return project_read(project_row(session, project_id))


def find_project(session: Session, ref: str) -> ProjectRead:
    """A project by public id (`P-0001`, case-insensitive), database id or name (compared by name_key).

    Raises NotFound when none matches, UserError listing them when several do (databases of older releases
    may hold two projects of one name)."""
    ref = ref.strip()
    project = session.exec(select(Project).where(col(Project.public_id) == ref.upper())).first()
    if project is None and ref.isdigit():
        project = session.get(Project, int(ref))
    if project is None:
        key = name_key(ref)
        named = [p for p in session.exec(select(Project).order_by(col(Project.id))) if name_key(p.name) == key]
        if len(named) > 1:
            listed = ", ".join(f"{p.public_id} {p.name}" for p in named)
            raise UserError("error.project_ambiguous", value=ref, projects=listed)
        project = named[0] if named else None
    if project is None:
        raise NotFound("error.project_not_found", value=ref)
    return project_read(project)


def list_phases(session: Session, project_id: int) -> list[PhaseRead]:
    rows = session.exec(select(Phase).where(Phase.project_id == project_id).order_by(col(Phase.no)))
    return [PhaseRead(p.no, p.name_zh, p.name_en) for p in rows]


def change_project_date(session: Session, project_id: int, anchor: Anchor | str, value: date | str) -> DateChange:
    """Change one of the four project dates; open tasks counted from it (directly or through other tasks) move,
    done tasks stay. The same computation as the timeline's replan, applied without a preview."""
    from .readmodels import PlanChange
    from .timeline import apply_replan  # the timeline builds on this module

    if isinstance(value, date):
        value = value.isoformat()
    done = apply_replan(session, project_id, PlanChange(value, anchor=Anchor(anchor).value))
    return DateChange(get_project(session, project_id), len(done.moves), done.kept_done)
