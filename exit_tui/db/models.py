"""SQLModel tables. Tables do not validate: services validate before writing. Money is integer fen."""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


def _project_fk() -> Column:
    return Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)


class SchemaInfo(SQLModel, table=True):
    """One row: the schema version this database is at."""

    __tablename__ = "schema_info"
    id: int = Field(default=1, primary_key=True)
    version: int


class Project(SQLModel, table=True):
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
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    phase_no: int
    template_key: str | None = None
    title_zh: str
    title_en: str
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
    project_id: int = Field(primary_key=True)
    prefix: str = Field(primary_key=True)
    last: int = 0


class AuditEntry(SQLModel, table=True):
    """Append-only record of every change: who changed which field of which row from what to what."""

    __tablename__ = "audit_entry"
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
