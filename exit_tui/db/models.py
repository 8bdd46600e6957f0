"""SQLModel tables. Tables do not validate: services validate before writing. Money is integer fen."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, ForeignKeyConstraint, Index, Integer, UniqueConstraint, false, text,
)
from sqlmodel import Field, SQLModel

from ..domain.enums import PHASE_COUNT, ExitType, TaskStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
}
"""Names of constraints, so that a migration can drop or rebuild them by name. Never change it: stored
databases carry these names (indexes keep SQLAlchemy's default; primary keys stay unnamed)."""

SQLModel.metadata.naming_convention = NAMING_CONVENTION

AUDIT_ACTIONS = ("create", "update", "delete")


def _one_of(column: str, values) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


def _project_fk() -> Column:
    return Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)


class SchemaInfo(SQLModel, table=True):
    """One row: 2 in databases of the release before Alembic, 3 in every database Alembic manages since, so
    that releases before Alembic refuse them (the schema's revision is in `alembic_version`)."""

    __tablename__ = "schema_info"
    id: int = Field(default=1, primary_key=True)
    version: int


class Meta(SQLModel, table=True):
    """Facts about the database itself, e.g. `database_id` (a uuid4 hex set when it was created or upgraded)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Project(SQLModel, table=True):
    __table_args__ = (_one_of("exit_type", [member.value for member in ExitType]),)
    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(unique=True, index=True)
    name: str
    address: str = ""
    units: int = 0
    exit_type: str
    rule_profile: str = "national"
    decision_date: date
    contract_end: date
    handover_date: date
    continuation_end: date
    created_at: datetime
    archived: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """Kept for the record but out of the way (archiving comes later)."""


class Phase(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "no"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    no: int
    name_zh: str
    name_en: str


class Task(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        # The dashboard's counts and the "due soon" list on large projects.
        Index("ix_task_project_status_due", "project_id", "status", "due_date"),
        Index("ix_task_project_phase_status", "project_id", "phase_no", "status", "due_date"),
        ForeignKeyConstraint(["project_id", "phase_no"], ["phase.project_id", "phase.no"], ondelete="CASCADE"),
        _one_of("status", [member.value for member in TaskStatus]),
        CheckConstraint(f"phase_no BETWEEN 1 AND {PHASE_COUNT}", name="phase_no"),
        CheckConstraint("duration_days >= 0", name="duration_days"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    phase_no: int
    template_key: str | None = None
    title_zh: str
    title_en: str
    title: str | None = None
    """The title as the user typed or imported it; None means the template's title_zh / title_en are shown."""
    owner: str = ""
    due_date: date
    due_anchor: str | None = None
    due_offset: str | None = None
    recurrence: str | None = None
    recurrence_until: str | None = None
    duration_days: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """Days the bar spans, ending on the due date; 0 is a milestone."""
    status: str = "todo"
    legal_basis: str | None = None
    note: str = ""
    done_on: date | None = None
    created_at: datetime


class OccurrenceDone(SQLModel, table=True):
    """An occurrence of a recurring task marked done (occurrences themselves are derived from the rule)."""

    __tablename__ = "occurrence_done"
    __table_args__ = (UniqueConstraint("task_id", "occurs_on"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(sa_column=Column(Integer, ForeignKey("task.id", ondelete="CASCADE"), nullable=False))
    occurs_on: date
    done_on: date


class IdCounter(SQLModel, table=True):
    """Last number handed out per project and id prefix, so a deleted id is never reused."""

    __tablename__ = "id_counter"
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    )
    prefix: str = Field(primary_key=True)
    last: int = 0


class AuditEntry(SQLModel, table=True):
    """Append-only record of every change: who changed which field of which row from what to what.

    project_id has no foreign key: the log outlives a deleted project."""

    __tablename__ = "audit_entry"
    __table_args__ = (_one_of("action", AUDIT_ACTIONS),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int | None = Field(default=None, index=True)
    at: datetime
    actor: str
    action: str
    entity: str
    public_id: str
    field: str = ""
    old: str | None = None
    new: str | None = None
    hash: str = Field(default="", sa_column_kwargs={"server_default": text("''")})
    """domain.audit_chain.entry_hash over this entry and the previous entry's hash (the log's hash chain)."""
