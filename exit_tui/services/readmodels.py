"""Plain read models and inputs that services return and take: frozen dataclasses, no ORM, no SQLAlchemy.

Kept apart from the service functions so that the UI can import them without loading the database stack.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from ..domain.enums import ExitType, TaskStatus
from ..domain import parties
from ..domain.handover import OWED, Outcome, key_discrepancy
from ..domain.schedule import ProjectDates, rule_from_parts
from ..domain.severance import Block, Severance, art41_threshold
from ..domain.staff import Facts, Overrides, art41_workforce, assess, is_leaving, protected_of, wages_of


@dataclass(frozen=True)
class ProjectRead:
    id: int
    public_id: str
    name: str
    address: str
    units: int
    exit_type: ExitType
    rule_profile: str
    dates: ProjectDates
    archived: bool = False
    """Kept for the record, out of the way (services.projects.archive_project)."""

    @property
    def handover(self) -> date:
        return self.dates.handover


@dataclass(frozen=True)
class PhaseRead:
    no: int
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DateChange:
    """What changing a project date did."""

    project: ProjectRead
    moved: int
    """Open tasks whose due date moved with the changed date."""
    kept_done: int
    """Done tasks on the same date that stayed where they were."""


def task_titles(title: str | None, title_zh: str, title_en: str) -> tuple[str, str]:
    """A task's (zh, en) titles: the user's one text once someone typed or imported a title, else the template's
    pair (template text stays bilingual until it is edited)."""
    return (title, title) if title else (title_zh, title_en)


def titles_of(task) -> tuple[str, str]:
    """task_titles of anything with `title`, `title_zh` and `title_en` attributes (a stored task)."""
    return task_titles(task.title, task.title_zh, task.title_en)


def shown_title(title: str | None, title_zh: str, title_en: str) -> str:
    """The title shown in the current language."""
    from ..i18n import pick

    return title or pick(title_zh, title_en)


@dataclass(frozen=True)
class TaskRead:
    public_id: str
    phase_no: int
    title_zh: str
    title_en: str
    owner: str
    due_date: date
    due_rule: str | None
    """e.g. `contract_end -90d` when the due date follows a project date; None when absolute."""
    recurrence: str | None
    status: TaskStatus
    legal_basis: str | None
    note: str
    done_on: date | None
    overdue: bool
    duration_days: int = 1
    """Days of work ending on the due date (the timeline's bar); 0 is a milestone."""
    late_occurrence: date | None = None
    """A recurring task: its first past occurrence not marked done (what makes it overdue)."""
    next_occurrence: date | None = None
    """An open recurring task: its first occurrence not marked done (the last one once all are marked)."""
    missed: tuple["MissedDeadline", ...] = ()
    """Statutory deadlines this task serves and misses: it is due (or was done) after them."""

    @property
    def shown_due(self) -> date:
        """The date a list shows and sorts by: a recurring task's next open occurrence, else the due date."""
        return self.next_occurrence or self.late_occurrence or self.due_date

    @property
    def frequency_key(self) -> str | None:
        """Catalog key describing the recurrence (`freq.weekly` …), or None when the task does not repeat."""
        if not self.recurrence:
            return None
        for part in self.recurrence.upper().split(";"):
            if part.startswith("FREQ="):
                return f"freq.{part[5:].lower()}"
        return "freq.other"


@dataclass(frozen=True)
class MissedDeadline:
    """A statutory deadline that a task serving it misses (see DeadlineRead for the whole deadline)."""

    key: str
    basis: str
    """Legal basis code, e.g. 民法典947."""
    day: date


@dataclass(frozen=True)
class TaskQuery:
    """What the checklist shows. `text` matches id, titles, owner (key or role name), basis and note."""

    text: str = ""
    statuses: frozenset[TaskStatus] = field(default_factory=frozenset)
    """Empty means every status."""
    overdue_only: bool = False
    phase_no: int | None = None
    limit: int = 2000


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRead]
    matching: int
    """How many tasks match the query (rows holds at most query.limit of them)."""
    total: int
    """How many tasks the project has."""


@dataclass(frozen=True)
class TaskChanges:
    """Fields to change; None leaves a field as it is. A title becomes the task's one text, in every language."""

    title: str | None = None
    owner: str | None = None
    due: str | None = None
    """A date (`2026-03-01`, `2026年3月1日` …) or an offset such as `contract_end -90d` / `T+10d`."""
    status: TaskStatus | str | None = None
    legal_basis: str | None = None
    note: str | None = None
    duration: str | int | None = None
    """Days of work ending on the due date, 0 for a milestone."""


DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class PhaseProgress:
    no: int
    name_zh: str
    name_en: str
    done: int
    total: int
    overdue: int


@dataclass(frozen=True)
class HandoverSummary:
    """The figures of the dashboard's handover card (services/handover.summary; the quick start reads the same)."""

    items: int = 0
    """Documents, facilities and keys on the registers."""
    handed: int = 0
    """Of those, handed over (a document marked 已移交, or an item whose outcome in a signed batch is 已移交)."""
    not_handed: int = 0
    """Items whose outcome in a batch is 未移交 or 部分移交 (and not handed over elsewhere)."""
    key_discrepancies: int = 0
    open_inspections: int = 0

    @property
    def share_handed(self) -> float:
        return self.handed / self.items if self.items else 0.0


def handover_summary(items: int, handed_documents: Iterable[str], batch_items: Iterable[tuple],
                     amendments: Iterable[tuple], keys: Iterable[tuple], open_inspections: int) -> HandoverSummary:
    """The card's figures from the rows both readings fetch: `batch_items` (batch id, item ref, outcome, batch
    signed, item still on its register), `amendments` with an outcome (batch id, no, item ref, outcome: the newest
    of an item wins), `keys` (kind, handed out, received)."""
    current = {(batch, ref): [outcome, bool(signed), bool(present)]
               for batch, ref, outcome, signed, present in batch_items}
    for batch, _no, ref, outcome in sorted(amendments, key=lambda a: (a[0], a[1])):
        if (batch, ref) in current:
            current[batch, ref][0] = outcome
    handed, owed = set(handed_documents), set()
    for (_batch, ref), (outcome, signed, present) in current.items():
        if outcome in OWED:
            owed.add(ref)
        elif outcome == Outcome.HANDED and signed and present:
            handed.add(ref)
    return HandoverSummary(items, len(handed), len(owed - handed), sum(key_discrepancy(*key) for key in keys),
                           open_inspections)


@dataclass(frozen=True)
class AccountsFigures:
    """The figures of the dashboard's accounts card (services/accounts.figures; the quick start reads the same).
    Amounts are what changes hands at the settlement (a prepaid line's part after the cut-off)."""

    unreconciled_fen: int = 0
    """Lines not yet confirmed (未确认), both directions."""
    disputed_fen: int = 0
    """Lines disputed (有争议) and not carved out."""
    units_closed: int = 0
    """Units with lines, every one of them confirmed, settled or carved out."""
    units: int = 0


def accounts_figures(by_state: Iterable[tuple[str, int]], with_lines: int, open_units: int,
                     units: int) -> AccountsFigures:
    """The accounts card's figures from the rows both readings fetch: (state, sum of dues) of the open states
    (未确认, 有争议), units with lines, units with a line in an open state, units."""
    sums = dict(by_state)
    return AccountsFigures(sums.get("unconfirmed") or 0, sums.get("disputed") or 0,
                           (with_lines or 0) - (open_units or 0), units or 0)


@dataclass(frozen=True)
class Dashboard:
    project: ProjectRead
    today: date
    phases: list[PhaseProgress]
    overdue: int
    due_soon: int
    """Open tasks due from today to today + DUE_SOON_DAYS."""
    done: int
    total: int
    next_up: list[TaskRead]
    """Overdue and soon-due open tasks, most urgent first (a short list)."""
    stamp: int = 0
    """The id of the newest audit entry when these figures were read: they hold while it is unchanged."""
    next_deadline: "DeadlineRead | None" = None
    """The first statutory deadline from today on."""
    deadline_alerts: int = 0
    """Statutory deadlines missed by a task that serves them, or impossible since the decision date."""
    handover: HandoverSummary = HandoverSummary()
    """The handover card's figures (share handed over, 未移交, key discrepancies, open inspection items)."""
    accounts: AccountsFigures = AccountsFigures()
    """The accounts card's figures (not yet reconciled, disputed, units closed)."""
    risks: "RisksFigures" = field(default_factory=lambda: RisksFigures())
    """The risks card's figures (open risks by level, reviews overdue)."""
    staff: "StaffFigures" = field(default_factory=lambda: StaffFigures())
    """The staff card's figures (placed / to place, severance total, alerts)."""
    late_reviews: tuple["RiskDate", ...] = ()
    """Open risks whose next review is past (kind "review"), the earliest first: at most as many as next_up holds,
    shown in the next-up list like overdue tasks."""
    parties: "PartiesFigures" = field(default_factory=lambda: PartiesFigures())
    """The notices and contracts figures (owed, overdue, at risk; contracts late or leaving a gap)."""
    late_parties: tuple["PartyDate", ...] = ()
    """Notices past their deadline and not sent, and contracts past their last notice day without one, the
    earliest first: at most as many as next_up holds, shown in the next-up list like overdue tasks."""

    @property
    def days_to_handover(self) -> int:
        return (self.project.dates.handover - self.today).days

    @property
    def days_to_contract_end(self) -> int:
        return (self.project.dates.contract_end - self.today).days


def task_read(
    task,
    today: date,
    late_series: Mapping[str, date] | None = None,
    next_dates: Mapping[str, date] | None = None,
    missed: Mapping[str, tuple[MissedDeadline, ...]] | None = None,
) -> TaskRead:
    """A stored task (anything with a task's columns as attributes: an ORM row, a row read with sqlite3) as the
    read model. `late_series`: the recurring tasks with a past occurrence still open (timeline.late_series); a recurring
    task is overdue by its occurrences, any other by its due date. `next_dates`: open recurring tasks -> their
    next open occurrence (timeline.next_of). `missed`: tasks -> statutory deadlines they miss
    (timeline.missed_deadlines)."""
    late = (late_series or {}).get(task.public_id) if task.recurrence else None
    status = TaskStatus(task.status)
    rule = rule_from_parts(task.due_anchor, task.due_offset)
    title_zh, title_en = titles_of(task)
    open_task = status is not TaskStatus.DONE
    return TaskRead(
        public_id=task.public_id,
        phase_no=task.phase_no,
        title_zh=title_zh,
        title_en=title_en,
        owner=task.owner,
        due_date=task.due_date,
        due_rule=str(rule) if rule else None,
        recurrence=task.recurrence,
        status=status,
        legal_basis=task.legal_basis,
        note=task.note,
        done_on=task.done_on,
        overdue=open_task and (late is not None if task.recurrence else task.due_date < today),
        late_occurrence=late if open_task else None,
        duration_days=task.duration_days,
        # The first open occurrence: the late one when there is one (all a caller without next_dates knows).
        next_occurrence=((next_dates or {}).get(task.public_id) or late) if open_task and task.recurrence else None,
        missed=(missed or {}).get(task.public_id, ()),
    )


@dataclass(frozen=True)
class ImportRow:
    """One data row read from a file, with typed values keyed by column key (io/spec.py)."""

    sheet: str
    """The sheet's name as the file has it (for messages)."""
    row: int
    """The row number as Excel shows it (1-based, counting title and header rows)."""
    values: dict
    """Column key -> typed value (str, int, date, int fen, choice code) or None for an empty cell."""


@dataclass(frozen=True)
class Rejection:
    """A row (or one cell of it) that was not accepted, and why, in the user's language."""

    sheet: str
    row: int
    column: str
    """The header as written in the file ("" when the whole row is meant)."""
    reason: str


@dataclass(frozen=True)
class FieldChange:
    public_id: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Conflict:
    """A row the file changes that was changed in the database after the file was exported."""

    sheet: str
    row: int
    public_id: str
    version: int
    """The row's newest audit entry."""
    fields: tuple[str, ...]
    """The fields the file would change."""
    actor: str = ""
    """Who changed the row last, and when."""
    at: "datetime | None" = None


@dataclass(frozen=True)
class ImportReport:
    """What an import did (applied) or would do (dry run / preview)."""

    added: list[str]
    """Public ids given to the new rows (or `row N` placeholders in a dry run, followed by the row's name where
    the register names its rows: `第 3 行 小区绿化竣工图`)."""
    changed: list[FieldChange]
    unchanged: int
    rejected: list[Rejection]
    ignored_columns: list[str] = field(default_factory=list)
    """Headers in the file that no declared column accepts."""
    applied: bool = False
    notes: list[Rejection] = field(default_factory=list)
    """Not errors, but said before applying: empty cells of new rows that took the field's default (a blank
    status: to do), control characters removed from a cell."""
    knock_on: "ReplanPreview | None" = None
    """What the import moves beyond the cells it changes (tasks counted from a moved task, statutory flags)."""
    conflicts: list[Conflict] = field(default_factory=list)
    """Rows changed in the database since the file was exported; applied only where the user chose to."""
    absent: list[str] = field(default_factory=list)
    """Rows on a register that the file's sheet does not list, each as its public id and name (`D-0002
    竣工总平面图`; registers whose target reports them: a list sent by others, compared with ours before anything
    is applied). What their list has and ours has not are the new rows (`added`, named likewise)."""

    @property
    def changed_rows(self) -> int:
        return len({c.public_id for c in self.changed})

    @property
    def rejected_rows(self) -> int:
        """Rows with at least one rejection (a row can be rejected for several cells)."""
        return len({(r.sheet, r.row) for r in self.rejected})


# --- Timeline ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OccurrenceRead:
    """One dated occurrence of a recurring task; `done_on` is set once it is marked done."""

    day: date
    done_on: date | None = None


@dataclass(frozen=True)
class DeadlineRead:
    """A statutory deadline of the project (derived from its dates and rule profile, never typed)."""

    key: str
    basis: str
    """Legal basis code, e.g. 民法典947."""
    rule: str
    """How it is derived, e.g. `contract_end -90d`."""
    day: date
    title_zh: str
    title_en: str
    impossible: bool = False
    """Already past on the decision date: the notice can no longer be given in time."""
    missed_by: tuple[str, ...] = ()
    """Public ids of the tasks serving it that are due (or were done) after it."""

    @property
    def fault(self) -> str | None:
        """"impossible", "missed" (a task serving it is late) or None."""
        return "impossible" if self.impossible else "missed" if self.missed_by else None


@dataclass(frozen=True)
class DatedItem:
    """A dated item of another area on the timeline, in the calendar and on the timeline sheet (each area's
    `dated_items`); an area's kind of item may add fields and say what makes its key unique."""

    kind: str
    """What the date is, in the area's words ("promised", "review", "notice" …)."""
    public_id: str
    text_zh: str
    text_en: str
    """Its name (typed text is the same in both)."""
    day: date
    status: str = ""
    """The row's status code."""
    note: str = ""
    """One more line of what it is (why it is owed, who leads, its legal basis …)."""

    @property
    def key(self) -> str:
        """Unique among its area's items."""
        return self.public_id


@dataclass(frozen=True)
class HandoverDate(DatedItem):
    """A dated handover item (services/handover.dated_items): the promised date ("promised") of an item (D-, A-,
    K-) not (fully) handed over, its status the outcome code (not_handed, partial), its note why it is owed; or the
    deadline of an open inspection item ("inspection", I-), its status the state code, its note who must fix it."""

    batch: str = ""
    """The batch that owes it (promised dates only)."""

    @property
    def key(self) -> str:
        """Unique on the timeline: `B-0001/D-0009` (an item may be owed by two batches) or `I-0003`."""
        return f"{self.batch}/{self.public_id}" if self.batch else self.public_id


@dataclass(slots=True, unsafe_hash=True)
class TimelineTask:
    """A task as the timeline shows it. Treat as read-only: not frozen only because a 50k-task plan builds 50k of
    them, and a frozen dataclass's per-field object.__setattr__ made that three times slower."""

    public_id: str
    phase_no: int
    title_zh: str
    title_en: str
    owner: str
    status: TaskStatus
    start: date
    due: date
    """The bar runs from `start` to `due`, both inclusive (start == due for a one-day task or a milestone)."""
    milestone: bool
    """Duration 0: drawn as a diamond."""
    done_on: date | None
    rule: str | None
    """e.g. `contract_end -90d` or `T-0042 +5d`; None when the date is absolute."""
    predecessor: str | None
    """The public id of the task the rule hangs on (a finish-to-start link)."""
    legal_basis: str | None
    recurrence: str | None
    occurrences: tuple[OccurrenceRead, ...]
    overdue: bool
    at_risk: bool
    """A predecessor is late (not done and overdue, or pushed past its plan)."""
    critical: bool
    """On the critical path (no slack)."""
    slack_days: int
    late_for: tuple[str, ...]
    """Keys of statutory deadlines this task serves and misses."""

    @property
    def state(self) -> str:
        """How its bar is coloured: done, overdue, at_risk or open."""
        if self.status is TaskStatus.DONE:
            return "done"
        return "overdue" if self.overdue else "at_risk" if self.at_risk else "open"

    def occurrence_state(self, occurrence: OccurrenceRead, today: date) -> str:
        """done, overdue (past and open) or open: how one occurrence of a recurring task is drawn."""
        if occurrence.done_on or self.status is TaskStatus.DONE:
            return "done"
        return "overdue" if occurrence.day < today else "open"


@dataclass(frozen=True)
class Timeline:
    project: ProjectRead
    phases: list[PhaseRead]
    tasks: list[TimelineTask]
    """By phase, then start, due and id."""
    deadlines: list[DeadlineRead]
    """By date."""
    today: date
    dated: Mapping[str, tuple["DatedItem", ...]] = field(default_factory=dict)
    """Other areas' dated items, per area in the order their groups are shown (services/timeline.DATED_AREAS),
    each area's by date: "handover" (HandoverDate), "risks" (RiskDate), "parties" (PartyDate)."""

    @property
    def handover_dates(self) -> tuple[HandoverDate, ...]:
        """Promised dates of items owed and deadlines of open inspection items, by date."""
        return self.dated.get("handover", ())

    @property
    def risk_dates(self) -> tuple["RiskDate", ...]:
        """Next reviews of open risks and the days their drill schedules fall on, by date."""
        return self.dated.get("risks", ())

    @property
    def party_dates(self) -> tuple["PartyDate", ...]:
        """Deadlines of notices not sent and last notice days of contracts to end without a notice, by date."""
        return self.dated.get("parties", ())

    @property
    def first_day(self) -> date:
        days = [self.project.dates.decision, self.today, *(t.start for t in self.tasks)]
        return min(days)

    @property
    def last_day(self) -> date:
        dates = self.project.dates
        days = [dates.continuation_end, dates.handover, self.today, *(t.due for t in self.tasks)]
        # A far-off deadline (the 3-year limitation) is listed, not allowed to stretch the chart.
        dated = [item.day for items in self.dated.values() for item in items]
        days += [day for day in (*(d.day for d in self.deadlines), *dated) if day <= dates.continuation_end]
        return max(days)


@dataclass(frozen=True)
class PlanChange:
    """A change to replan: one project date (`anchor`) or one task's due (`task`, a public id) to `value`.

    `value` is a date; for a task it may also be a rule such as `T-0042 +5d` or `handover -3d`."""

    value: str
    anchor: str | None = None
    task: str | None = None


@dataclass(frozen=True)
class MoveRead:
    public_id: str
    title_zh: str
    title_en: str
    old: date
    new: date


@dataclass(frozen=True)
class FlagRead:
    """A task that misses (or no longer misses) a statutory deadline it serves."""

    public_id: str
    title_zh: str
    title_en: str
    deadline: DeadlineRead


@dataclass(frozen=True)
class ReplanPreview:
    """What a PlanChange does, before (preview) or after (apply) it is written."""

    change: PlanChange
    moves: tuple[MoveRead, ...] = ()
    flags_added: tuple[FlagRead, ...] = ()
    flags_cleared: tuple[FlagRead, ...] = ()
    warnings_added: tuple[DeadlineRead, ...] = ()
    """Statutory deadlines that become impossible (already past on the decision date)."""
    warnings_cleared: tuple[DeadlineRead, ...] = ()
    kept_done: int = 0
    """Done tasks (and recurring tasks with occurrences done) that would follow the change by their rule but
    stay where they are."""
    prepaid: "CutoffPreview | None" = None
    """A moved handover day T that is also the settlement cut-off: the prepaid lines whose part after it changes."""
    notices: tuple["NoticeMove", ...] = ()
    """Notices not sent yet whose deadline a changed project date moves (services/parties.notice_moves)."""

    @property
    def moves_others(self) -> bool:
        """True when the change moves a task other than the one edited (the preview must be shown)."""
        return any(m.public_id != self.change.task for m in self.moves)


# -- accounts (services/accounts.py) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRead:
    """A unit with its owner and the totals of its lines. Totals are what changes hands at the settlement: each
    line's `due_fen`, carved-out lines left out (they are listed apart)."""

    public_id: str
    unit_no: str
    building: str
    area_m2: int | None
    """Hundredths of a square metre (handover.area_text shows it)."""
    owner: str
    phone: str
    note: str
    owes_fen: int = 0
    """What the owner owes the company."""
    owed_fen: int = 0
    """What is owed to the owner."""
    lines: int = 0
    unconfirmed: int = 0
    disputed: int = 0
    carved_out: int = 0

    @property
    def net_fen(self) -> int:
        """Owes minus owed: positive, the owner pays; negative, the owner is paid."""
        return self.owes_fen - self.owed_fen

    @property
    def closed(self) -> bool:
        """Every line confirmed, settled or carved out (and at least one line)."""
        return self.lines > 0 and self.unconfirmed == 0 and self.disputed == 0


@dataclass(frozen=True)
class LineRead:
    """A ledger line of a unit."""

    public_id: str
    unit_no: str
    category: str
    period_start: date | None
    period_end: date | None
    amount_fen: int
    direction: str
    after_cutoff_fen: int
    """A prepaid line's part for the days after the cut-off (0 for other categories)."""
    meter_reading: str
    source_ref: str
    state: str
    dispute_reason: str
    evidence_ref: str
    note: str

    @property
    def due_fen(self) -> int:
        """What changes hands at the settlement: a prepaid line's part after the cut-off, any other line whole."""
        return self.after_cutoff_fen if self.category == "prepaid" else self.amount_fen

    @property
    def signed_fen(self) -> int:
        """due_fen, positive when the owner owes it, negative when it is owed to the owner."""
        return self.due_fen if self.direction == "owes" else -self.due_fen


@dataclass(frozen=True)
class LedgerRead:
    """A line of the project's own ledgers (no unit)."""

    public_id: str
    kind: str
    description: str
    counterparty: str
    day: date | None
    amount_fen: int
    source_ref: str
    note: str


@dataclass(frozen=True)
class CategoryTotal:
    """Lines of one category, direction and state: how many, the SUM of their amounts and of their dues."""

    category: str
    direction: str
    state: str
    lines: int
    amount_fen: int
    due_fen: int = 0
    """As LineRead.due_fen: a prepaid line's part after the cut-off, any other line's amount."""


@dataclass(frozen=True)
class SettlementSummary:
    """The settlement report's figures; every total a SQL SUM of integer fen."""

    cutoff: date
    by_category: tuple[CategoryTotal, ...]
    """By category, direction and state (only those with lines)."""
    prepaid_after_cutoff_fen: int
    """Prepaid for the days after the cut-off, to refund or pass on (carved-out lines left out)."""
    revenue_fen: int
    revenue_cost_fen: int
    repair_fund_fen: int
    """The repair fund's balance held: money in, less the usage recorded."""
    fee_surplus_fen: int
    lump_sum_fen: int
    """包干制: the company's own profit or loss, shown, not settled."""
    vendor_payable_fen: int
    vendor_prepaid_fen: int
    carve_outs: tuple[LineRead, ...]
    units: int
    units_closed: int
    owes_fen: int = 0
    """What owners owe in all (dues of lines not carved out)."""
    owed_fen: int = 0
    """What is owed to owners in all (dues of lines not carved out)."""

    @property
    def revenue_net_fen(self) -> int:
        """Public revenue less its reasonable costs: the owners' (民法典282)."""
        return self.revenue_fen - self.revenue_cost_fen


class CutoffChange(NamedTuple):
    """A prepaid line whose part after the cut-off changes with a new cut-off."""

    public_id: str
    unit_no: str
    before_fen: int
    after_fen: int


@dataclass(frozen=True)
class CutoffPreview:
    """What a new settlement cut-off changes (before it is set, or as set)."""

    old: date
    new: date
    changes: tuple[CutoffChange, ...]
    prepaid_before_fen: int
    """Prepaid after the old cut-off, every prepaid line (carved-out ones too)."""
    prepaid_after_fen: int
    """Prepaid after the new cut-off."""


# -- risks (services/risks.py) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRead:
    """A risk of the register with its contingency plan; score and level read with the profile's thresholds."""

    public_id: str
    phase_no: int
    category: str
    title: str
    """In the current language (a seeded risk is bilingual until edited); likewise trigger, mitigation, plan."""
    trigger: str
    likelihood: int
    impact: int
    score: int
    """likelihood × impact."""
    level: str
    """A domain.risks.Level code (low, medium, high, extreme)."""
    owner: str
    mitigation: str
    plan: str
    """The contingency plan's measures."""
    plan_lead: str
    plan_phone: str
    status: str
    next_review: date | None
    drill_rule: str
    drill_start: date | None
    legal_basis: str | None
    note: str
    tasks: tuple[str, ...] = ()
    """Public ids of the checklist tasks linked to it (mitigation work and drills' follow-ups), still there."""


@dataclass(frozen=True)
class RiskQuery:
    """Which risks a list or the heatmap shows (every field narrows; empty ones do not)."""

    statuses: tuple[str, ...] = ()
    """Status codes; empty: every status (the heatmap: the open ones)."""
    categories: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    text: str = ""
    """Found in the id, title, trigger or owner (either language)."""
    cell: tuple[int, int] | None = None
    """(likelihood, impact): one heatmap cell."""


@dataclass(frozen=True)
class DrillRead:
    """A drill of a risk's contingency plan, with the checklist tasks made of its follow-up actions."""

    public_id: str
    risk: str
    held_on: date
    participants: str
    scenario: str
    findings: str
    tasks: tuple[str, ...] = ()
    risk_title: str = ""
    """The risk's title in the current language."""


@dataclass(frozen=True)
class ScorePoint:
    """A risk's rating from a day on (its score history, from the audit log: the form's sparkline)."""

    day: date
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class Heatmap:
    """Risks counted by rating: `counts[likelihood - 1][impact - 1]`, and each cell's level code."""

    counts: tuple[tuple[int, ...], ...]
    levels: tuple[tuple[str, ...], ...]

    def count(self, likelihood: int, impact: int) -> int:
        return self.counts[likelihood - 1][impact - 1]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


@dataclass(frozen=True)
class RisksFigures:
    """The figures of the dashboard's risks card (services/risks.figures_of; the quick start reads the same)."""

    extreme: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    """Open risks (not closed) by level."""
    overdue_reviews: int = 0
    """Open risks whose next review day is past."""

    @property
    def open(self) -> int:
        return self.extreme + self.high + self.medium + self.low


def risks_figures(ratings: Iterable[tuple[int, int, int]], overdue_reviews: int, thresholds) -> RisksFigures:
    """The risks card's figures from the rows both readings fetch: (likelihood, impact, open risks) and the open
    risks whose review is past, levelled with the profile's `thresholds` (domain.risks.Thresholds)."""
    by_level: dict[str, int] = {}
    for likelihood, impact, count in ratings:
        level = thresholds.level(likelihood * impact).value
        by_level[level] = by_level.get(level, 0) + count
    return RisksFigures(by_level.get("extreme", 0), by_level.get("high", 0), by_level.get("medium", 0),
                        by_level.get("low", 0), overdue_reviews or 0)


@dataclass(frozen=True)
class RiskDate(DatedItem):
    """A dated risk item (services/risks.dated_items): an open risk's (R-) next review ("review", its note who
    owns the risk), or a day its drill schedule falls on ("drill", its note who leads the plan); status the
    risk's status code."""

    @property
    def key(self) -> str:
        """Unique on the timeline: `R-0001/review` or `R-0001/2026-12-01`."""
        return f"{self.public_id}/{'review' if self.kind == 'review' else self.day.isoformat()}"


def review_dates(rows: Iterable[tuple]) -> tuple[RiskDate, ...]:
    """Reviews of the rows (public id, title zh, title en, next review, status, owner) the dashboard reads for its
    late reviews (the quick start reads the same rows with sqlite3)."""
    return tuple(RiskDate("review", public_id, zh, en, day, status, owner or "")
                 for public_id, zh, en, day, status, owner in rows)


# -- staff placement and severance (services/staff.py) ------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeRead:
    """An employee of the staff register with the severance computed on read (never stored) and the art 42/45
    blocks. Money in fen; `placement` a severance.Basis code or "" (待定)."""

    public_id: str
    name: str
    employee_no: str
    position: str
    team: str
    hire_date: date
    contract_type: str
    contract_end: date | None
    wages_fen: tuple[int, ...]
    average_fen: int | None
    last_month_fen: int | None
    protected: tuple[str, ...]
    phone: str
    note: str
    placement: str
    placement_target: str
    leaving_date: date | None
    placement_status: str
    agreement_signed: bool
    renewal_refused: bool
    employee_proposed: bool
    severance: Severance | None
    """With the project's settings, else the rule profile's local figures at the leaving date; None for a staying
    placement, 待定, or when it cannot be computed (then `severance_error` says why)."""
    severance_error: str
    """A catalog key (staff.incomplete.*, severance.error.*) for a leaving employee whose severance cannot be
    computed; "" otherwise."""
    blocks: tuple[Block, ...]
    """domain.severance.termination_blocks of the placement and the protected statuses."""
    tasks: tuple[str, ...]
    """The follow-up tasks (T-) linked to the employee."""
    severance_error_text: str = ""
    """`severance_error` as one line in the language of the read, with its figures."""

    @property
    def leaving(self) -> bool:
        """Whether the placement ends the employment."""
        return is_leaving(self.placement)

    @property
    def amount_fen(self) -> int:
        return self.severance.amount if self.severance else 0


@dataclass(frozen=True)
class PlacementTotal:
    placement: str
    """A severance.Basis code, or "" (待定)."""
    employees: int
    severance_fen: int


@dataclass(frozen=True)
class StaffSummary:
    """The register's totals (services/staff.staff_summary): every figure is a sum of the rows."""

    employees: int
    pending: int
    planned: int
    done: int
    by_placement: tuple[PlacementTotal, ...]
    severance_fen: int
    workforce: int
    """The workforce art 41 counts against (the typed one, else the employees registered)."""
    layoffs: int
    """Employees placed by art 41."""
    art41_reached: bool
    blocked: tuple[str, ...]
    """Employees (E-) whose planned termination the law blocks or defers (art 42, 45)."""
    incomplete: tuple[str, ...]
    """Leaving employees whose severance cannot be computed yet."""


@dataclass(frozen=True)
class StaffRegister:
    """The staff register as its screen shows it: the employees and their totals, from one read."""

    employees: list[EmployeeRead]
    summary: StaffSummary


@dataclass(frozen=True)
class StaffFigures:
    """The dashboard's staff card (services/staff.figures_of; the quick start reads the same rows)."""

    employees: int = 0
    placed: int = 0
    """Placements done."""
    to_place: int = 0
    severance_fen: int = 0
    alerts: int = 0
    """Art 41 reached (1) + blocked employees + leaving employees whose severance cannot be computed."""


@dataclass(frozen=True)
class StaffSettings:
    """The project's staff figures as typed (None: the rule profile's) and the profile's figures at the day asked
    (None when it has none), for the settings form."""

    workforce: int | None
    local_average_fen: int | None
    minimum_wage_fen: int | None
    profile_average_fen: int | None
    profile_minimum_fen: int | None
    source: str
    """Where the profile's figures come from (its `source`), "" when it has none."""


#: The columns an employee's figures are read from, in this order, by both readings of the dashboard.
STAFF_FIGURE_COLUMNS = ("placement", "placement_status", "hire_date", "leaving_date", "wages_fen", "average_fen",
                        "last_month_fen", "protected", "renewal_refused", "employee_proposed")


def staff_totals(rows: Iterable[tuple], profile: str, workforce: int | None, local_average: int | None,
                 minimum_wage: int | None) -> tuple[list, int, int, bool]:
    """(each row's Assessment, layoffs, art 41 workforce, art 41 reached) of rows of STAFF_FIGURE_COLUMNS."""
    overrides = Overrides(local_average, minimum_wage)
    assessed, layoffs = [], 0
    for placement, status, hired, leaving, wages, average, last_month, protected, refused, proposed in rows:
        facts = Facts(placement, hired, leaving, wages_of(wages), average, last_month, protected_of(protected),
                      bool(refused), bool(proposed))
        assessed.append((placement, status, assess(facts, profile, overrides)))
        layoffs += placement == "art41"
    staff = art41_workforce(workforce, len(assessed), layoffs)
    return assessed, layoffs, staff, bool(layoffs) and art41_threshold(layoffs, staff)


def staff_figures(rows: Iterable[tuple], profile: str, workforce: int | None = None,
                  local_average: int | None = None, minimum_wage: int | None = None) -> StaffFigures:
    """The staff card's figures from rows of STAFF_FIGURE_COLUMNS and the project's settings."""
    assessed, _layoffs, _staff, reached = staff_totals(rows, profile, workforce, local_average, minimum_wage)
    placed = sum(status == "done" for _placement, status, _a in assessed)
    severance = sum(a.severance.amount for _p, _s, a in assessed if a.severance)
    alerts = int(reached) + sum(bool(a.blocks) for _p, _s, a in assessed) + \
        sum(is_leaving(p) and a.severance is None for p, _s, a in assessed)
    return StaffFigures(len(assessed), placed, len(assessed) - placed, severance, alerts)


# -- stakeholders, notices, contracts, announcements (services/parties.py, services/contracts.py) -----------------


@dataclass(frozen=True)
class StakeholderRead:
    public_id: str
    kind: str
    """A domain.parties.StakeholderKind code."""
    name: str
    contact: str
    phone: str
    address: str
    note: str
    notices: int = 0
    open_notices: int = 0
    """Notices not yet received (待发, 已发, 拒收)."""


@dataclass(frozen=True)
class NoticeRead:
    public_id: str
    stakeholder: str
    """The stakeholder's public id (S-)."""
    stakeholder_name: str
    subject: str
    rule: str
    """`profile:notice-947` or a project-date offset (`contract_end -3m`)."""
    deadline: date | None
    """Read from the rule with the project's dates and profile; None when the profile lacks the named deadline."""
    basis: str
    """The legal basis of a profile's deadline, "" for an offset."""
    statutory: bool
    channel: str
    sent_on: date | None
    proof_kind: str
    proof_ref: str
    status: str
    note: str
    overdue: bool
    """Not sent and its deadline past."""
    at_risk: bool
    """A statutory notice refused, or sent without a proof reference."""


@dataclass(frozen=True)
class ContractRead:
    public_id: str
    counterparty: str
    kind: str
    start: date | None
    end: date | None
    notice_period: str
    """As typed (`3m`, `90天`)."""
    last_notice_day: date | None
    """end − notice period (dateutil: months at month ends); None without an end or a readable period."""
    clause: str
    decision: str
    notice_ref: str | None
    notice_status: str
    """The linked notice's status code, "" without one."""
    agreement_signed: bool
    outstanding_fen: int | None
    vendor_ref: str
    note: str
    late: bool
    """Decided to end (到期终止 / 提前解除), its last notice day past, and no notice sent."""
    gap: bool
    """A lift or fire maintenance contract ending before the handover day T, not kept (domain.parties.contract_gap)."""


@dataclass(frozen=True)
class AnnouncementRead:
    public_id: str
    template: str
    version: int
    title: str
    body: str
    language: str
    status: str
    issued_on: date | None
    supersedes: str | None
    notice_ref: str | None


@dataclass(frozen=True)
class NoticeMove:
    """A notice not sent yet whose deadline moves with a project date (in a replan preview)."""

    public_id: str
    stakeholder_name: str
    subject: str
    old: date
    new: date


@dataclass(frozen=True)
class PartiesFigures:
    """The dashboard's notices and contracts figures (services/parties.figures_of; the quick start reads the same
    rows)."""

    notices_owed: int = 0
    """Notices not sent yet (待发)."""
    notices_overdue: int = 0
    """Of those, the ones past their deadline."""
    notices_at_risk: int = 0
    """Statutory notices refused or sent without proof."""
    contracts_late: int = 0
    contracts_gap: int = 0


@dataclass(frozen=True)
class PartyDate(DatedItem):
    """A dated item of the notices and contracts (services/parties.dated_items): a notice's (N-) deadline while it
    is not sent ("notice"; status its status code, note its legal basis), or a contract's (C-) last notice day
    while no notice has been sent to end it ("contract"; status its decision code, note its notice period)."""


#: The notice columns both readings of the dashboard fetch, in this order, with the stakeholder's name last.
NOTICE_FIGURE_COLUMNS = ("public_id", "subject", "rule", "statutory", "status", "proof_ref")
#: The contract columns both readings fetch, in this order, with the linked notice's status ("" or None) last.
CONTRACT_FIGURE_COLUMNS = ("public_id", "counterparty", "kind", "end", "notice_period", "decision")


def parties_figures(notices: Iterable[tuple], contracts: Iterable[tuple], profile: str, dates: ProjectDates,
                    today: date) -> tuple[PartiesFigures, tuple[PartyDate, ...]]:
    """The figures and the late items (overdue notices and contracts past their last notice day, by date) of rows
    of NOTICE_FIGURE_COLUMNS + stakeholder name and CONTRACT_FIGURE_COLUMNS + notice status."""
    owed = overdue = at_risk = late_count = gap = 0
    late: list[PartyDate] = []
    for public_id, subject, rule, statutory, status, proof_ref, name in notices:
        deadline = parties.notice_deadline(rule, profile, dates)
        owed += status == parties.NoticeStatus.PENDING
        at_risk += parties.notice_at_risk(status, bool(statutory), proof_ref)
        if parties.notice_overdue(status, deadline.day, today):
            overdue += 1
            text = f"{name}: {subject}"
            late.append(PartyDate("notice", public_id, text, text, deadline.day, status, deadline.basis))
    for public_id, counterparty, kind, end, period, decision, notice_status in contracts:
        last_day = parties.last_notice_day(end, period)
        if parties.contract_late(decision, last_day, (notice_status or "") in parties.SENT_STATUSES, today):
            late_count += 1
            late.append(PartyDate("contract", public_id, counterparty, counterparty, last_day, decision, period))
        gap += parties.contract_gap(kind, end, decision, dates.handover)
    return (PartiesFigures(owed, overdue, at_risk, late_count, gap),
            tuple(sorted(late, key=lambda item: (item.day, item.public_id))))
