"""SQLModel tables. Tables do not validate: services validate before writing. Money is integer fen."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, ForeignKeyConstraint, Index, Integer, UniqueConstraint, false, text,
)
from sqlmodel import Field, SQLModel

from ..domain.accounts import Direction, LedgerKind, LineCategory, LineState
from ..domain.enums import PHASE_COUNT, ExitType, TaskStatus
from ..domain.handover import (
    Condition, DocCategory, DocForm, DocStatus, FacilityCategory, InspectionState, KeyKind, Method, Outcome, PartyRole,
)
from ..domain.parties import (
    AnnouncementStatus, Channel, ContractDecision, ContractKind, NoticeStatus, ProofKind, StakeholderKind,
)
from ..domain.risks import Category as RiskCategory, Status as RiskStatus
from ..domain.severance import Basis
from ..domain.staff import ContractType, PlacementStatus

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
    settlement_cutoff: date | None = None
    """The accounts' settlement cut-off (revision 0006); None means the handover day T."""


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
        # The dashboard's statutory deadlines (template tasks) and recurring tasks on large projects (revision 0004).
        Index("ix_task_project_template", "project_id", "template_key"),
        Index("ix_task_project_recurrence", "project_id", "recurrence", "due_date"),
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


# -- handover and joint inspection (domain/handover.py; DOMAIN.md section 3) ---------------------------------------


def _codes(enum) -> list[str]:
    return [member.value for member in enum]


def _register_args(*checks: CheckConstraint) -> tuple:
    return (UniqueConstraint("project_id", "public_id"), *checks)


class Party(SQLModel, table=True):
    """One of a project's three handover parties (移交方 / 接收方 / 监交方): stored once, printed in every
    signature block and offered as the signer of every batch."""

    __table_args__ = (UniqueConstraint("project_id", "public_id"), _one_of("public_id", _codes(PartyRole)))
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    """The party's role (a PartyRole code): its name in the log."""
    company: str = ""
    representative: str = ""


class Document(SQLModel, table=True):
    """A document (资料) to hand back: D-0001."""

    __table_args__ = _register_args(
        _one_of("category", _codes(DocCategory)), _one_of("form", _codes(DocForm)),
        _one_of("status", _codes(DocStatus)), CheckConstraint("copies >= 0", name="copies"),
        Index("ix_document_project_status", "project_id", "status"),  # documents handed over (revision 0005)
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    seed_key: str | None = None
    """The item of data/handover/documents.toml it was seeded from (None when added by hand)."""
    category: str
    name_zh: str
    name_en: str
    """The name in each language (a name typed or imported is the same text in both)."""
    copies: int = 1
    form: str = "original"
    pages: str = ""
    """Pages or volumes, as written (`120页`, `3册`)."""
    holder: str = ""
    status: str = "pending"
    note: str = ""
    legal_basis: str | None = None
    created_at: datetime


class Facility(SQLModel, table=True):
    """A shared part, piece of equipment, facility or the management premises (设施设备): A-0001."""

    __table_args__ = _register_args(
        _one_of("category", _codes(FacilityCategory)), _one_of("method", _codes(Method)),
        _one_of("condition", _codes(Condition)), CheckConstraint("quantity >= 0", name="quantity"),
        CheckConstraint("area_m2 IS NULL OR area_m2 >= 0", name="area_m2"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    seed_key: str | None = None
    code: str = ""
    """The site's own equipment number (设备编号), if any."""
    name_zh: str
    name_en: str
    category: str
    location: str = ""
    quantity: int = 0
    unit: str = ""
    area_m2: int | None = None
    """Floor area in hundredths of a square metre (the premises); None when not measured."""
    condition: str = "unchecked"
    method: str = "observe"
    result: str = ""
    owners_money: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """Bought with the owners' common money (开办费, 公共收益): goes back with the property."""
    note: str = ""
    legal_basis: str | None = None
    created_at: datetime


class HandoverKey(SQLModel, table=True):
    """A key, card, remote or system account (钥匙与系统账号): K-0001. No password is ever stored."""

    __tablename__ = "handover_key"
    __table_args__ = _register_args(
        _one_of("kind", _codes(KeyKind)), CheckConstraint("handed_out >= 0", name="handed_out"),
        CheckConstraint("received >= 0", name="received"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    seed_key: str | None = None
    name_zh: str
    name_en: str
    """Where the key belongs, or which system the account is of."""
    kind: str
    handed_out: int = 0
    """How many the outgoing company hands over."""
    received: int = 0
    """How many the receiving party counted in; differing from handed_out is a discrepancy."""
    account_handed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    handed_to: str = ""
    handed_on: date | None = None
    note: str = ""
    legal_basis: str | None = None
    created_at: datetime


class InspectionItem(SQLModel, table=True):
    """A joint inspection finding (查验问题): I-0001."""

    __tablename__ = "inspection_item"
    __table_args__ = _register_args(
        _one_of("state", _codes(InspectionState)),
        CheckConstraint("state <> 'disputed' OR dispute_reason <> ''", name="dispute_reason"),
        # Open items and their deadlines (the dashboard, the timeline and the calendar; revision 0005).
        Index("ix_inspection_item_project_state", "project_id", "state", "deadline"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    item_ref: str | None = None
    """The public id of the document, facility or key it concerns (D-/A-/K-), if any."""
    description: str
    responsible: str = ""
    deadline: date | None = None
    recheck_on: date | None = None
    evidence: str = ""
    """File names of photos or other evidence (references, not copies)."""
    raised_by: str = ""
    state: str = "open"
    dispute_reason: str = ""
    created_at: datetime


class HandoverBatch(SQLModel, table=True):
    """A handover batch the three parties sign (移交批次): B-0001. Signed means locked."""

    __tablename__ = "handover_batch"
    __table_args__ = _register_args()
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    title: str
    created_on: date
    handing_signer: str = ""
    handing_signed_on: date | None = None
    receiving_signer: str = ""
    receiving_signed_on: date | None = None
    supervising_signer: str = ""
    supervising_signed_on: date | None = None
    signed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    note: str = ""
    created_at: datetime


def _batch_fk() -> Column:
    return Column(Integer, ForeignKey("handover_batch.id", ondelete="CASCADE"), nullable=False, index=True)


class BatchItem(SQLModel, table=True):
    """A register item in a batch and what became of it."""

    __tablename__ = "batch_item"
    __table_args__ = (
        UniqueConstraint("project_id", "public_id"), UniqueConstraint("batch_id", "item_ref"),
        _one_of("outcome", _codes(Outcome)),
        CheckConstraint("outcome NOT IN ('partial', 'not_handed') OR (promised_on IS NOT NULL AND reason <> '')",
                        name="owed"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    batch_id: int = Field(sa_column=_batch_fk())
    public_id: str
    """`B-0001/D-0003`: the batch's and the item's ids (its name in the log)."""
    item_ref: str
    """The public id of the document, facility or key."""
    outcome: str = "handed"
    promised_on: date | None = None
    reason: str = ""


class BatchAmendment(SQLModel, table=True):
    """A change to a signed batch, recorded beside it (the signed record itself never changes)."""

    __tablename__ = "batch_amendment"
    __table_args__ = (
        UniqueConstraint("project_id", "public_id"), UniqueConstraint("batch_id", "no"),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', _codes(Outcome)).sqltext}", name="outcome"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    batch_id: int = Field(sa_column=_batch_fk())
    public_id: str
    """`B-0001#2`: the batch's id and the amendment's number (its name in the log)."""
    no: int
    """1, 2, ... within its batch."""
    item_ref: str | None = None
    """The item whose outcome it changes, if any."""
    outcome: str | None = None
    promised_on: date | None = None
    reason: str
    made_on: date
    made_by: str = ""


# -- accounts: units, their ledger lines and the project's own ledgers (domain/accounts.py; DOMAIN.md section 4) --

#: Project ledgers whose amount may be negative: a fund's usage, a surplus's deficit, a lump sum's loss.
SIGNED_KINDS = (LedgerKind.REPAIR_FUND, LedgerKind.FEE_SURPLUS, LedgerKind.LUMP_SUM)


class Unit(SQLModel, table=True):
    """A unit of the compound and its owner (房屋): U-0001, named by its unit number (房号) as owners use it."""

    __table_args__ = (
        UniqueConstraint("project_id", "public_id"), UniqueConstraint("project_id", "unit_no"),
        CheckConstraint("area_m2 IS NULL OR area_m2 >= 0", name="area_m2"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    unit_no: str
    """`3-1-201`: NFKC-normalised and trimmed, unique in the project."""
    building: str = ""
    area_m2: int | None = None
    """Floor area in hundredths of a square metre; None when not known."""
    owner: str = ""
    """The owner's name, or several (`张三、李四`)."""
    phone: str = ""
    note: str = ""
    created_at: datetime


class LedgerLine(SQLModel, table=True):
    """A line of a unit's account (明细): L-0001, what the owner owes or is owed in one category and period."""

    __tablename__ = "ledger_line"
    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        _one_of("category", _codes(LineCategory)), _one_of("direction", _codes(Direction)),
        _one_of("state", _codes(LineState)),
        CheckConstraint("amount_fen > 0", name="amount_fen"),
        CheckConstraint("after_cutoff_fen BETWEEN 0 AND amount_fen", name="after_cutoff_fen"),
        CheckConstraint("state NOT IN ('disputed', 'carved_out') OR (dispute_reason <> '' AND evidence_ref <> '')",
                        name="dispute_reason"),
        # The card's and the totals' sums by state, each read from the index alone (covering).
        Index("ix_ledger_line_project_state", "project_id", "state", "unit_id", "category", "amount_fen",
              "after_cutoff_fen"),
        # A unit's lines, and every unit's totals in one GROUP BY read from the index alone (covering).
        Index("ix_ledger_line_project_unit", "project_id", "unit_id", "direction", "state", "category",
              "amount_fen", "after_cutoff_fen"),
        Index("ix_ledger_line_project_category", "project_id", "category"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    unit_id: int = Field(sa_column=Column(Integer, ForeignKey("unit.id"), nullable=False, index=True))
    """The unit (a unit with lines is not deleted: the foreign key refuses it at the end of the statement)."""
    category: str
    period_start: date | None = None
    period_end: date | None = None
    amount_fen: int
    direction: str
    after_cutoff_fen: int = 0
    """The part of a prepaid line for the days after the cut-off (domain split_at_cutoff); 0 for the rest."""
    meter_reading: str = ""
    """A utility's meter reading at the cut-off, as written."""
    source_ref: str = ""
    """The document it comes from (receipt, bill, contract number)."""
    state: str = "unconfirmed"
    dispute_reason: str = ""
    evidence_ref: str = ""
    note: str = ""
    created_at: datetime


class ProjectLedger(SQLModel, table=True):
    """A line of the project's own ledgers, no unit (公共收益, its costs, 维修资金, 酬金制结余, 包干制盈亏,
    vendor balances): G-0001."""

    __tablename__ = "project_ledger"
    __table_args__ = (
        UniqueConstraint("project_id", "public_id"), _one_of("kind", _codes(LedgerKind)),
        CheckConstraint("amount_fen > 0 OR (amount_fen < 0 AND kind IN ("
                        + ", ".join(f"'{kind.value}'" for kind in SIGNED_KINDS) + "))", name="amount_fen"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    kind: str
    description: str = ""
    counterparty: str = ""
    """Who paid or is paid (the advertiser, the vendor, the bank holding the fund)."""
    day: date | None = None
    amount_fen: int
    """Positive; negative only for SIGNED_KINDS (money spent from the repair fund, a deficit, a loss)."""
    source_ref: str = ""
    note: str = ""
    created_at: datetime


# -- risks, contingency plans and drills (domain/risks.py; DOMAIN.md section 7) ------------------------------------


class Risk(SQLModel, table=True):
    """A risk with its contingency plan (风险登记册 / 应急预案): R-0001. Its score and level are read, not stored:
    the level follows the rule profile's thresholds."""

    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        _one_of("category", _codes(RiskCategory)), _one_of("status", _codes(RiskStatus)),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact"),
        CheckConstraint(f"phase_no BETWEEN 1 AND {PHASE_COUNT}", name="phase_no"),
        # The dashboard's open risks by rating and their reviews due, read from the index alone (covering).
        Index("ix_risk_project_status", "project_id", "status", "likelihood", "impact", "next_review"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    seed_key: str | None = None
    """The risk of data/risks.toml it was seeded from (None when added by hand)."""
    phase_no: int = 7
    """The phase it belongs to (7 风险管理和应急预案 unless the seed says otherwise)."""
    category: str
    title_zh: str
    title_en: str
    """The risk in each language (a title typed or imported is the same text in both); likewise below."""
    trigger_zh: str = ""
    trigger_en: str = ""
    """Cause or trigger: what tells us it is happening."""
    likelihood: int = 3
    impact: int = 3
    owner: str = ""
    mitigation_zh: str = ""
    mitigation_en: str = ""
    """What is done before, to make it less likely or less harmful."""
    plan_zh: str = ""
    plan_en: str = ""
    """The contingency plan's measures (when it happens)."""
    plan_lead: str = ""
    plan_phone: str = ""
    status: str = "identified"
    next_review: date | None = None
    drill_rule: str = ""
    """The plan's drill schedule, an RRULE body (`FREQ=MONTHLY`); empty: none."""
    drill_start: date | None = None
    """The schedule's first day (None: the project's decision day)."""
    legal_basis: str | None = None
    note: str = ""
    created_at: datetime


def _risk_fk() -> Column:
    return Column(Integer, ForeignKey("risk.id", ondelete="CASCADE"), nullable=False, index=True)


class RiskDrill(SQLModel, table=True):
    """A drill of a risk's contingency plan (演练记录): X-0001."""

    __tablename__ = "risk_drill"
    __table_args__ = (UniqueConstraint("project_id", "public_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    risk_id: int = Field(sa_column=_risk_fk())
    public_id: str
    held_on: date
    participants: str = ""
    scenario: str = ""
    findings: str = ""
    created_at: datetime


class RiskTask(SQLModel, table=True):
    """A checklist task linked to a risk: its mitigation work, or a drill's follow-up action. The task is named by
    its public id (a task deleted from the checklist leaves the link, which reads then skip)."""

    __tablename__ = "risk_task"
    __table_args__ = (UniqueConstraint("project_id", "public_id"), UniqueConstraint("risk_id", "task_ref"))
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    risk_id: int = Field(sa_column=_risk_fk())
    public_id: str
    """`R-0001/T-0042`: the risk's and the task's ids (its name in the log)."""
    task_ref: str
    drill_ref: str | None = None
    """The drill (X-) whose follow-up action it is; None for mitigation work."""


# -- staff placement and severance (domain/severance.py, domain/staff.py; DOMAIN.md section 5) --------------------


class Employee(SQLModel, table=True):
    """An on-site employee to place (员工安置): E-0001. Severance is computed on read, never stored."""

    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        _one_of("placement", ["", *_codes(Basis)]), _one_of("placement_status", _codes(PlacementStatus)),
        _one_of("contract_type", ["", *_codes(ContractType)]),
        CheckConstraint("average_fen IS NULL OR average_fen >= 0", name="average_fen"),
        CheckConstraint("last_month_fen IS NULL OR last_month_fen >= 0", name="last_month_fen"),
        # The register by placement and the dashboard's counts.
        Index("ix_employee_project_placement", "project_id", "placement", "placement_status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    name: str
    employee_no: str = ""
    position: str = ""
    team: str = ""
    hire_date: date
    """The start of continuous service with this employer."""
    contract_type: str = ""
    """A ContractType code, "" when not given."""
    contract_end: date | None = None
    wages_fen: str = ""
    """The monthly wages of the last months, oldest first: a JSON list of fen (0..12 items); "" or "[]" when only
    the average is known."""
    average_fen: int | None = None
    """The company's average monthly wage, when it gives no monthly wages."""
    last_month_fen: int | None = None
    """Last month's wage (the +1 of art 40 without notice); None: the last of the wages."""
    protected: str = ""
    """Art 42 statuses: Protected codes separated by commas."""
    phone: str = ""
    note: str = ""
    placement: str = ""
    """A Basis code (调岗 … 经济性裁员), "" while not decided (待定)."""
    placement_target: str = ""
    """Which project or company the employee goes to."""
    leaving_date: date | None = None
    """The planned last day of employment (or of work here, for a transfer)."""
    placement_status: str = "pending"
    agreement_signed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    renewal_refused: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """Expiry: renewal on equal or better terms was offered and refused (nothing owed)."""
    employee_proposed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """Agreed: the employee proposed it (nothing owed, art 46(2))."""
    created_at: datetime


class StaffSettings(SQLModel, table=True):
    """A project's staff figures that override the rule profile's (one row, made on first write). Its name in the
    log is `staff`."""

    __tablename__ = "staff_settings"
    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        CheckConstraint("workforce IS NULL OR workforce > 0", name="workforce"),
        CheckConstraint("local_average_fen IS NULL OR local_average_fen > 0", name="local_average_fen"),
        CheckConstraint("minimum_wage_fen IS NULL OR minimum_wage_fen > 0", name="minimum_wage_fen"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str = "staff"
    workforce: int | None = None
    """The employer's whole workforce (企业职工总数) for art 41; None: the employees registered."""
    local_average_fen: int | None = None
    """The local average monthly wage (the 3× cap); None: the rule profile's at the leaving date."""
    minimum_wage_fen: int | None = None
    """The local minimum wage (the floor); None: the rule profile's at the leaving date."""


class EmployeeTask(SQLModel, table=True):
    """A follow-up checklist task of a leaving employee (art 50), or of the project's layoff (art 41, no employee).
    Named `E-0001/certificate` or `art41/layoff_report` in the log."""

    __tablename__ = "employee_task"
    __table_args__ = (UniqueConstraint("project_id", "public_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    employee_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("employee.id", ondelete="CASCADE"), nullable=True, index=True))
    public_id: str
    key: str
    """The follow-up (`certificate`, `file_transfer`, `severance_payment`, `layoff_explain`, `layoff_report`)."""
    task_ref: str
    """The task's public id (T-)."""


# -- stakeholders, notices, contracts and announcements (domain/parties.py; issue 14) -----------------------------


class Stakeholder(SQLModel, table=True):
    """A party to tell of the exit (相关方): S-0001."""

    __table_args__ = (UniqueConstraint("project_id", "public_id"), _one_of("kind", _codes(StakeholderKind)))
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    kind: str
    name: str
    contact: str = ""
    """The contact person."""
    phone: str = ""
    address: str = ""
    note: str = ""
    seed_key: str | None = None
    """The stakeholder of data/stakeholders.toml it was seeded from (None when added by hand)."""
    created_at: datetime


class Notice(SQLModel, table=True):
    """A notice owed to a stakeholder, with its proof (通知): N-0001. Its deadline is read from `rule` with the
    project's dates and rule profile, never stored."""

    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        _one_of("channel", ["", *_codes(Channel)]), _one_of("proof_kind", ["", *_codes(ProofKind)]),
        _one_of("status", _codes(NoticeStatus)),
        # The dashboard's notices by status, read from the index alone.
        Index("ix_notice_project_status", "project_id", "status", "statutory", "rule"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    stakeholder_id: int = Field(sa_column=Column(
        Integer, ForeignKey("stakeholder.id", ondelete="CASCADE"), nullable=False, index=True))
    subject: str
    rule: str
    """`profile:notice-947` (a rule profile's deadline) or a project-date offset such as `contract_end -3m`."""
    statutory: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    channel: str = ""
    """A Channel code, "" before it is sent."""
    sent_on: date | None = None
    proof_kind: str = ""
    proof_ref: str = ""
    status: str = "pending"
    note: str = ""
    created_at: datetime


class Contract(SQLModel, table=True):
    """A contract to end or hand over (合同): C-0001. The last notice day is read (end − notice period)."""

    __table_args__ = (
        UniqueConstraint("project_id", "public_id"),
        _one_of("kind", _codes(ContractKind)), _one_of("decision", ["", *_codes(ContractDecision)]),
        CheckConstraint("outstanding_fen IS NULL OR outstanding_fen >= 0", name="outstanding_fen"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    counterparty: str
    kind: str
    start: date | None = None
    end: date | None = None
    notice_period: str = ""
    """As typed: `30d`, `3m`, `90天`, `3个月`."""
    clause: str = ""
    """The termination clause, noted."""
    decision: str = ""
    """A ContractDecision code, "" while not decided (待定)."""
    notice_ref: str | None = None
    """The notice (N-) that ends it."""
    agreement_signed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    outstanding_fen: int | None = None
    vendor_ref: str = ""
    """The vendor's name in the accounts area's balances."""
    note: str = ""
    created_at: datetime


class Announcement(SQLModel, table=True):
    """A version of an announcement (公告): M-0001. An issued one is never changed; a new version supersedes it."""

    __table_args__ = (
        UniqueConstraint("project_id", "public_id"), _one_of("status", _codes(AnnouncementStatus)),
        _one_of("language", ["zh", "en"]), CheckConstraint("version >= 1", name="version"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_project_fk())
    public_id: str
    template: str
    version: int = 1
    title: str = ""
    body: str = ""
    """The rendered text (frozen when issued)."""
    language: str = "zh"
    status: str = "draft"
    issued_on: date | None = None
    supersedes: str | None = None
    """The public id (M-) of the version it replaces."""
    notice_ref: str | None = None
    """The posting notice (N-) with its photo proof."""
    created_at: datetime
