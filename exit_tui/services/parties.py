"""Stakeholders and notices (issue 14; DOMAIN.md section 6): the parties told of the exit (S-), seeded per exit type
from data/stakeholders.toml, and the notices owed them (N-) with channel, date sent and proof. A notice's deadline
is read from its rule (a rule profile's statutory deadline or an offset from a project date) with the project's
dates, so a changed project date moves it; it is never stored.

Every write is an ORM change or an audit.insert_rows / delete_rows, so it is audited, undone as one change and
deleted with the project. Values are checked here (UserError naming the field) by one cleaner per field
(`STAKEHOLDER_FIELDS`, `NOTICE_FIELDS`), which the sheets' imports use too.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from ..db.models import Announcement, Contract, Notice, Project, Stakeholder
from ..domain.parties import (
    PREFIX, SENT_STATUSES, Channel, NoticeStatus, ProofKind, StakeholderKind, can_move, can_reach, check_rule,
    notice_at_risk, notice_deadline, notice_overdue, seed_for,
)
from ..domain.schedule import ProjectDates
from ..i18n import _, pick
from . import audit
from .errors import NotFound, UserError
from .ids import next_public_ids, row_of
from .inputs import MAX_TITLE, choice_field, clean_field, clean_values, date_field, flag_field, text_field
from .readmodels import (
    CONTRACT_FIGURE_COLUMNS, NOTICE_FIGURE_COLUMNS, NoticeMove, NoticeRead, PartiesFigures, PartyDate,
    StakeholderRead, parties_figures,
)

# -- audit declarations (parents first: a project is deleted children first) ---------------------------------------

audit.declare(Stakeholder.__table__, "stakeholder")
audit.declare(Notice.__table__, "notice")
audit.declare(Announcement.__table__, "announcement")  # services/announcements.py writes it


def label(group: str, code: str | None) -> str:
    """A code's label in the current language (`parties.<group>.<code>`); "" is `parties.<group>.none`."""
    return _(f"parties.{group}.{code or 'none'}")


# -- cleaners: one per field, shared by the forms' services and an import -----------------------------------------

_text = partial(text_field, "parties")


def _required(field: str, limit: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = _text(field, limit)(value)
        if not text:
            raise UserError("parties.error.required", field=field)
        return text
    return clean


def _choice(field: str, codes: type[StrEnum], group: str, default: StrEnum | str | None = "") -> Callable:
    return choice_field("parties", field, codes, group, default)


def _rule(value: Any) -> str:
    text = _text("rule", 100)(value)
    if not text:
        raise UserError("parties.error.required", field="rule")
    try:
        return check_rule(text)
    except ValueError:
        raise UserError("parties.error.bad_rule", field="rule", value=text) from None


def _stakeholder_ref(value: Any) -> str:
    """A stakeholder's public id (`S-0001`) or its name as typed; resolved against the register when written."""
    return _required("stakeholder", 100)(value)


STAKEHOLDER_FIELDS: dict[str, Callable[[Any], Any]] = {
    "kind": _choice("kind", StakeholderKind, "kind", StakeholderKind.OTHER),
    "name": _required("name", 100),
    "contact": _text("contact", 100),
    "phone": _text("phone", 100),
    "address": _text("address", 200),
    "note": _text("note"),
}
NOTICE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "stakeholder": _stakeholder_ref,
    "subject": _required("subject", MAX_TITLE),
    "rule": _rule,
    "statutory": flag_field("parties", "statutory"),
    "channel": _choice("channel", Channel, "channel"),
    "sent_on": date_field("sent_on"),
    "proof_kind": _choice("proof_kind", ProofKind, "proof"),
    "proof_ref": _text("proof_ref", 200),
    "status": _choice("status", NoticeStatus, "status", NoticeStatus.PENDING),
    "note": _text("note"),
}


def _cleaned(fields: Mapping[str, Callable], values: Mapping[str, Any], whole: bool) -> dict[str, Any]:
    return clean_values("parties", fields, values, whole)


def clean(field: str, value: Any, register: str = "notice") -> Any:
    """One field's value of the stakeholder or notice register, checked and typed; UserError naming the field."""
    return clean_field("parties", STAKEHOLDER_FIELDS if register == "stakeholder" else NOTICE_FIELDS, field, value)


def check_proof(status: str, sent_on: date | None, channel: str, proof_kind: str, proof_ref: str,
                note: str) -> None:
    """What a notice in `status` must record: sent (or beyond) a date and a channel; received a proof's kind and
    reference; refused a reference or a note saying how the refusal is evidenced."""
    if status in SENT_STATUSES:
        if sent_on is None:
            raise UserError("parties.error.sent_needs", field="sent_on", status=label("status", status))
        if not channel:
            raise UserError("parties.error.sent_needs", field="channel", status=label("status", status))
    if status == NoticeStatus.RECEIVED:
        if not proof_kind:
            raise UserError("parties.error.proof_needed", field="proof_kind")
        if not proof_ref:
            raise UserError("parties.error.proof_needed", field="proof_ref")
    if status == NoticeStatus.REFUSED and not (proof_ref or note):
        raise UserError("parties.error.refusal_evidence", field="proof_ref")


# -- reads ---------------------------------------------------------------------------------------------------------


def project_of(session: Session, project_id: int) -> Project:
    """The project's row (its dates and rule profile), or NotFound."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    return project


def project_dates(project: Project) -> ProjectDates:
    return ProjectDates(project.decision_date, project.contract_end, project.handover_date, project.continuation_end)


def list_stakeholders(session: Session, project_id: int) -> list[StakeholderRead]:
    """Every stakeholder in the order added, with its notices and those not yet received."""
    project_of(session, project_id)
    counts = {key: (total, open_) for key, total, open_ in session.execute(
        select(Notice.stakeholder_id, func.count(),
               func.sum(case((Notice.status == NoticeStatus.RECEIVED.value, 0), else_=1)))
        .where(Notice.project_id == project_id).group_by(Notice.stakeholder_id))}
    return [_stakeholder_read(row, *counts.get(row.id, (0, 0))) for row in session.scalars(
        select(Stakeholder).where(Stakeholder.project_id == project_id).order_by(col(Stakeholder.id)))]


def _stakeholder_read(row: Stakeholder, notices: int = 0, open_notices: int = 0) -> StakeholderRead:
    return StakeholderRead(row.public_id, row.kind, row.name, row.contact, row.phone, row.address, row.note,
                           notices, open_notices or 0)


def _stakeholder_row(session: Session, project_id: int, ref: str) -> Stakeholder:
    """A stakeholder by public id, else by its name (exactly as stored, trimmed)."""
    from .imports import normalize_id  # the import machinery builds on the services

    found = session.scalars(select(Stakeholder).where(Stakeholder.project_id == project_id,
                                                      Stakeholder.public_id == normalize_id(ref))).first()
    if found is None:
        found = session.scalars(select(Stakeholder).where(Stakeholder.project_id == project_id,
                                                          Stakeholder.name == ref.strip())
                                .order_by(col(Stakeholder.id))).first()
    if found is None:
        raise NotFound("parties.error.stakeholder_not_found", value=ref)
    return found


def get_stakeholder(session: Session, project_id: int, public_id: str) -> StakeholderRead:
    row = _stakeholder_row(session, project_id, public_id)
    return next(item for item in list_stakeholders(session, project_id) if item.public_id == row.public_id)


_NOTICE_COLUMNS = (Notice.id, Notice.public_id, Stakeholder.public_id, Stakeholder.name, Notice.subject, Notice.rule,
                   Notice.statutory, Notice.channel, Notice.sent_on, Notice.proof_kind, Notice.proof_ref,
                   Notice.status, Notice.note)


def _notice_read(row, profile: str, dates: ProjectDates, today: date) -> NoticeRead:
    (_key, public_id, stakeholder, name, subject, rule, statutory, channel, sent_on, proof_kind, proof_ref, status,
     note) = row
    deadline = notice_deadline(rule, profile, dates)
    return NoticeRead(public_id, stakeholder, name, subject, rule, deadline.day, deadline.basis, bool(statutory),
                      channel, sent_on, proof_kind, proof_ref, status, note,
                      notice_overdue(status, deadline.day, today), notice_at_risk(status, bool(statutory), proof_ref))


def _notice_query(project_id: int):
    return (select(*_NOTICE_COLUMNS).join(Stakeholder, Stakeholder.id == Notice.stakeholder_id)
            .where(Notice.project_id == project_id).order_by(col(Notice.id)))


def list_notices(session: Session, project_id: int, today: date, stakeholder: str | None = None) -> list[NoticeRead]:
    """Every notice in the order added (or those of one stakeholder), each with its deadline and flags."""
    project = project_of(session, project_id)
    query = _notice_query(project_id)
    if stakeholder is not None:
        query = query.where(Notice.stakeholder_id == _stakeholder_row(session, project_id, stakeholder).id)
    dates = project_dates(project)
    return [_notice_read(row, project.rule_profile, dates, today) for row in session.execute(query)]


def _notice_row(session: Session, project_id: int, public_id: str) -> Notice:
    return row_of(session, Notice, project_id, public_id, "parties.error.notice_not_found")


def get_notice(session: Session, project_id: int, public_id: str, today: date) -> NoticeRead:
    notice = _notice_row(session, project_id, public_id)
    project = project_of(session, project_id)
    row = session.execute(_notice_query(project_id).where(Notice.id == notice.id)).one()
    return _notice_read(row, project.rule_profile, project_dates(project), today)


def figure_rows(session: Session, project_id: int) -> tuple[list[tuple], list[tuple]]:
    """The notice and contract rows the dashboard's figures are read from (db/quickread.py reads the same)."""
    notices = [tuple(row) for row in session.execute(
        select(*(getattr(Notice, name) for name in NOTICE_FIGURE_COLUMNS), Stakeholder.name)
        .join(Stakeholder, Stakeholder.id == Notice.stakeholder_id)
        .where(Notice.project_id == project_id).order_by(col(Notice.id)))]
    linked = select(Notice.status).where(Notice.project_id == Contract.project_id,
                                         Notice.public_id == Contract.notice_ref).scalar_subquery()
    contracts = [tuple(row) for row in session.execute(
        select(*(getattr(Contract, name) for name in CONTRACT_FIGURE_COLUMNS), linked)
        .where(Contract.project_id == project_id).order_by(col(Contract.id)))]
    return notices, contracts


def figures_and_late(session: Session, project_id: int, today: date) -> tuple[PartiesFigures, tuple[PartyDate, ...]]:
    """The dashboard's figures and its late notices and contracts (the quick start reads the same rows)."""
    project = project_of(session, project_id)
    return parties_figures(*figure_rows(session, project_id), project.rule_profile, project_dates(project), today)


def figures_of(session: Session, project_id: int, today: date) -> PartiesFigures:
    return figures_and_late(session, project_id, today)[0]


# -- writes: stakeholders ------------------------------------------------------------------------------------------


def new_stakeholder_rows(session: Session, project_id: int, items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The table rows of new stakeholders (values as typed), for add_stakeholder and bulk writers (an import, the
    demo) that then call audit.insert_rows. Raises UserError naming the field of the first bad one."""
    cleaned = [_cleaned(STAKEHOLDER_FIELDS, item, whole=True) for item in items]
    ids = next_public_ids(session, project_id, PREFIX["stakeholder"], len(cleaned)) if cleaned else []
    now = datetime.now(UTC)
    return [{"project_id": project_id, "public_id": public_id, "seed_key": None, "created_at": now, **values}
            for public_id, values in zip(ids, cleaned, strict=True)]


def add_stakeholder(session: Session, project_id: int, **values: Any) -> StakeholderRead:
    """A new stakeholder from values as typed (a name is required; the kind defaults to 其他)."""
    project_of(session, project_id)
    (row,) = new_stakeholder_rows(session, project_id, [values])
    audit.insert_rows(session, Stakeholder.__table__, [row])
    return get_stakeholder(session, project_id, row["public_id"])


def update_stakeholder(session: Session, project_id: int, public_id: str, **values: Any) -> StakeholderRead:
    """Change some fields of a stakeholder (only those given)."""
    row = _stakeholder_row(session, project_id, public_id)
    for field, value in _cleaned(STAKEHOLDER_FIELDS, values, whole=False).items():
        if getattr(row, field) != value:
            setattr(row, field, value)
    session.flush()
    return get_stakeholder(session, project_id, row.public_id)


def delete_stakeholder(session: Session, project_id: int, public_id: str) -> None:
    """Remove a stakeholder without notices (its id is never given again); refused, saying why, while it has."""
    row = _stakeholder_row(session, project_id, public_id)
    count = session.execute(select(func.count()).select_from(Notice).where(Notice.stakeholder_id == row.id)).scalar()
    if count:
        raise UserError("parties.error.has_notices", field="stakeholder", value=row.public_id, n=count)
    audit.delete_rows(session, Stakeholder.__table__, Stakeholder.__table__.c.id == row.id)


def seed_parties(session: Session, project_id: int) -> int:
    """Add the stakeholders of the project's exit type its register lacks (by seed key), each with the notices it
    is owed under the project's rule profile (data/stakeholders.toml), named in the current language. Returns how
    many stakeholders were added."""
    project = project_of(session, project_id)
    have = set(session.execute(select(Stakeholder.seed_key).where(Stakeholder.project_id == project_id)).scalars())
    items = [item for item in seed_for(project.exit_type, project.rule_profile) if item.key not in have]
    if not items:
        return 0
    now = datetime.now(UTC)
    ids = next_public_ids(session, project_id, PREFIX["stakeholder"], len(items))
    audit.insert_rows(session, Stakeholder.__table__, [
        {"project_id": project_id, "public_id": public_id, "kind": item.kind, "name": pick(item.zh, item.en),
         "contact": "", "phone": "", "address": "", "note": "", "seed_key": item.key, "created_at": now}
        for public_id, item in zip(ids, items, strict=True)])
    keys = dict(session.execute(select(Stakeholder.public_id, Stakeholder.id).where(
        Stakeholder.project_id == project_id, col(Stakeholder.public_id).in_(ids))).all())
    owed = [(keys[public_id], notice) for public_id, item in zip(ids, items, strict=True) for notice in item.notices]
    notice_ids = next_public_ids(session, project_id, PREFIX["notice"], len(owed)) if owed else []
    audit.insert_rows(session, Notice.__table__, [
        {"project_id": project_id, "public_id": public_id, "stakeholder_id": stakeholder_id,
         "subject": pick(notice.zh, notice.en), "rule": notice.rule, "statutory": notice.statutory,
         "channel": notice.channel, "sent_on": None, "proof_kind": "", "proof_ref": "",
         "status": NoticeStatus.PENDING.value, "note": "", "created_at": now}
        for public_id, (stakeholder_id, notice) in zip(notice_ids, owed, strict=True)])
    return len(items)


# -- writes: notices -----------------------------------------------------------------------------------------------


def _notice_columns(session: Session, project_id: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned notice fields as table columns (the stakeholder named by id or name becomes its row id)."""
    columns = dict(values)
    if "stakeholder" in columns:
        columns["stakeholder_id"] = _stakeholder_row(session, project_id, columns.pop("stakeholder")).id
    return columns


def _check_notice(row: Mapping[str, Any]) -> None:
    check_proof(row["status"], row.get("sent_on"), row.get("channel", ""), row.get("proof_kind", ""),
                row.get("proof_ref", ""), row.get("note", ""))


def new_notice_rows(session: Session, project_id: int, items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The table rows of new notices (values as typed; the stakeholder by public id or name), each checked for
    the proof its status needs: for add_notice and bulk writers that then call audit.insert_rows."""
    cleaned = [_notice_columns(session, project_id, _cleaned(NOTICE_FIELDS, item, whole=True)) for item in items]
    ids = next_public_ids(session, project_id, PREFIX["notice"], len(cleaned)) if cleaned else []
    now = datetime.now(UTC)
    rows = []
    for public_id, values in zip(ids, cleaned, strict=True):
        row = {"project_id": project_id, "public_id": public_id, "created_at": now, **values}
        _check_notice(row)
        rows.append(row)
    return rows


def add_notice(session: Session, project_id: int, today: date, **values: Any) -> NoticeRead:
    """A new notice from values as typed (stakeholder, subject and rule required; 待发 unless a status with its
    proof is given)."""
    project_of(session, project_id)
    (row,) = new_notice_rows(session, project_id, [values])
    audit.insert_rows(session, Notice.__table__, [row])
    return get_notice(session, project_id, row["public_id"], today)


def update_notice(session: Session, project_id: int, public_id: str, today: date, **values: Any) -> NoticeRead:
    """Change some fields of a notice (only those given). Its status moves only forward (待发 → 已发 → 已签收 or
    拒收, 拒收 → 已发), several steps at once when the proof of each is given; back only by undo."""
    notice = _notice_row(session, project_id, public_id)
    changes = _notice_columns(session, project_id, _cleaned(NOTICE_FIELDS, values, whole=False))
    status = changes.get("status", notice.status)
    if status != notice.status and not can_reach(notice.status, status):
        raise UserError("parties.error.bad_move", field="status", value=notice.public_id,
                        old=label("status", notice.status), new=label("status", status))
    after = {name: changes.get(name, getattr(notice, name))
             for name in ("status", "sent_on", "channel", "proof_kind", "proof_ref", "note")}
    _check_notice(after)
    for name, value in changes.items():
        if getattr(notice, name) != value:
            setattr(notice, name, value)
    session.flush()
    return get_notice(session, project_id, notice.public_id, today)


def move_notice(session: Session, project_id: int, public_id: str, status: NoticeStatus | str, today: date, *,
                sent_on: date | str | None = None, channel: str | None = None, proof_kind: str | None = None,
                proof_ref: str | None = None, note: str | None = None) -> NoticeRead:
    """One step of a notice's status (待发 → 已发 → 已签收 | 拒收; 拒收 → 已发 to send it again) with what the
    step records: sent needs the day and the channel; received the proof's kind and reference; refused a
    reference or a note saying how the refusal is evidenced."""
    notice = _notice_row(session, project_id, public_id)
    status = NOTICE_FIELDS["status"](status)
    if not can_move(notice.status, status):
        raise UserError("parties.error.bad_move", field="status", value=notice.public_id,
                        old=label("status", notice.status), new=label("status", status))
    given = {"sent_on": sent_on, "channel": channel, "proof_kind": proof_kind, "proof_ref": proof_ref, "note": note}
    values: dict[str, Any] = {"status": status, **{k: v for k, v in given.items() if v is not None}}
    return update_notice(session, project_id, public_id, today, **values)


def delete_notice(session: Session, project_id: int, public_id: str) -> None:
    """Remove a notice (its id is never given again); a contract naming it keeps the reference, read as unsent."""
    notice = _notice_row(session, project_id, public_id)
    audit.delete_rows(session, Notice.__table__, Notice.__table__.c.id == notice.id)


def notice_moves(session: Session, project_id: int, before: ProjectDates, after: ProjectDates
                 ) -> tuple[NoticeMove, ...]:
    """The notices not sent yet whose deadline moves when the project's dates change from `before` to `after`
    (for the replan preview), by their new deadline."""
    if before == after:
        return ()
    profile = project_of(session, project_id).rule_profile
    moves = []
    for public_id, subject, rule, _statutory, status, _proof, name in figure_rows(session, project_id)[0]:
        if status != NoticeStatus.PENDING:
            continue
        old, new = notice_deadline(rule, profile, before).day, notice_deadline(rule, profile, after).day
        if old is not None and new is not None and old != new:
            moves.append(NoticeMove(public_id, name, subject, old, new))
    return tuple(sorted(moves, key=lambda move: (move.new, move.public_id)))


# -- dated items: the timeline and the calendar --------------------------------------------------------------------


def dated_items(session: Session, project_id: int) -> tuple[PartyDate, ...]:
    """What the timeline and the calendar show of notices and contracts, by date: each notice not yet sent at its
    deadline, and each contract not decided or decided to end, with no notice sent, at its last notice day."""
    from .contracts import notice_days

    project = project_of(session, project_id)
    dates = project_dates(project)
    found = []
    for public_id, subject, rule, _statutory, status, _proof, name in figure_rows(session, project_id)[0]:
        if status != NoticeStatus.PENDING:
            continue
        deadline = notice_deadline(rule, project.rule_profile, dates)
        if deadline.day is not None:
            text = f"{name}: {subject}"
            found.append(PartyDate("notice", public_id, text, text, deadline.day, status, deadline.basis))
    found += notice_days(session, project_id)
    return tuple(sorted(found, key=lambda item: (item.day, item.kind, item.public_id)))
