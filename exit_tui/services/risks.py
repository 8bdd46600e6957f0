"""Risks (DOMAIN.md section 7): the risk register (R-) seeded from data/risks.toml by exit type, each risk's
contingency plan and drill schedule, drill records (X-) whose follow-up actions become checklist tasks, the links
between risks and checklist tasks, the heatmap, the score history and the dashboard's figures.

Every write is an ORM change or an audit.insert_rows / update_rows / delete_rows, so it is audited, undone and
deleted with the project; every change of likelihood or impact is therefore in the log, which is where
score_history reads it. Values are checked here (UserError naming the field) by one cleaner per field
(`FIELDS`), which a spreadsheet import can use too. The level is never stored: read models take it from the
score and the thresholds of the project's rule profile.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from ..db.models import AuditEntry, Project, Risk, RiskDrill, RiskTask, Task
from ..domain.enums import PHASE_COUNT
from ..domain.risks import (
    OPEN_STATUSES, PREFIX, RATING, Category, Status, Thresholds, can_move, check_drill_rule, drill_days,
    seed_for, thresholds_for,
)
from ..i18n import _, pick
from . import audit
from .errors import NotFound, UserError
from .ids import next_public_ids, row_of
from .inputs import MAX_TITLE, choice_field, clean_basis, clean_field, clean_values, date_field, text_field
from .readmodels import (
    DrillRead, Heatmap, RiskDate, RiskQuery, RiskRead, RisksFigures, ScorePoint, risks_figures,
)

#: A follow-up task's default due: this many days after its drill; a mitigation task's, after today.
FOLLOW_UP_DAYS = 14
MITIGATION_DAYS = 7
#: How far a drill schedule is expanded on the timeline.
MAX_DRILLS = 200

# -- audit declarations (parents first: a project is deleted children first) ---------------------------------------

audit.declare(Risk.__table__, "risk")
audit.declare(RiskDrill.__table__, "drill")
audit.declare(RiskTask.__table__, "risk_task")

OPEN = sorted(status.value for status in OPEN_STATUSES)


def label(group: str, code: str | None) -> str:
    """A code's label in the current language: `label("status", "responding")` -> 应对中 (`risks.<group>.<code>`)."""
    return _(f"risks.{group}.{code}") if code else ""


# -- cleaners: one per field, shared by the form's service and an import ------------------------------------------


def _title(value: Any) -> str:
    text = _text("title", MAX_TITLE)(value)
    if not text:
        raise UserError("risks.error.title_required", field="title")
    return text


_text = partial(text_field, "risks")
_date = date_field


def _choice(field: str, codes: type[StrEnum], default: StrEnum | None = None) -> Callable[[Any], str]:
    """A code typed as itself or as its label in either language (the field is its label group)."""
    return choice_field("risks", field, codes, field, default)


def _number(field: str, low: int, high: int, default: int) -> Callable[[Any], int]:
    def clean(value: Any) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if isinstance(value, bool) or not text.isdigit() or not low <= int(text) <= high:
            raise UserError("risks.error.bad_number", field=field, value=text, low=low, high=high)
        return int(text)
    return clean


def _rule(value: Any) -> str:
    """A drill schedule: an RRULE body dateutil accepts (`FREQ=MONTHLY;INTERVAL=2`), or empty."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    try:
        return check_drill_rule(text)
    except ValueError:
        raise UserError("risks.error.bad_rule", field="drill_rule", value=text.strip()) from None


def _basis(value: Any) -> str | None:
    return clean_basis(None if value is None else str(value))


#: Field -> cleaner. `title`, `trigger`, `mitigation` and `plan` are stored in both languages (one text when typed).
FIELDS: dict[str, Callable[[Any], Any]] = {
    "title": _title,
    "category": _choice("category", Category),
    "phase_no": _number("phase_no", 1, PHASE_COUNT, 7),
    "trigger": _text("trigger"),
    "likelihood": _number("likelihood", RATING.start, RATING.stop - 1, 3),
    "impact": _number("impact", RATING.start, RATING.stop - 1, 3),
    "owner": _text("owner", 200),
    "mitigation": _text("mitigation"),
    "plan": _text("plan"),
    "plan_lead": _text("plan_lead", 200),
    "plan_phone": _text("plan_phone", 100),
    "status": _choice("status", Status, Status.IDENTIFIED),
    "next_review": _date("next_review"),
    "drill_rule": _rule,
    "drill_start": _date("drill_start"),
    "legal_basis": _basis,
    "note": _text("note"),
}
#: Fields stored as a pair of columns, one per language.
BILINGUAL = {"title": "title", "trigger": "trigger", "mitigation": "mitigation", "plan": "plan"}


def clean(field: str, value: Any) -> Any:
    """One field's value checked and typed; raises UserError naming the field."""
    return clean_field("risks", FIELDS, field, value)


def columns(field: str, value: Any) -> dict[str, Any]:
    """The table columns a field's cleaned value is stored in."""
    if field in BILINGUAL:
        return {f"{BILINGUAL[field]}_zh": value, f"{BILINGUAL[field]}_en": value}
    return {field: value}


def _cleaned(values: Mapping[str, Any], whole: bool) -> dict[str, Any]:
    return clean_values("risks", FIELDS, values, whole)


# -- reads ---------------------------------------------------------------------------------------------------------

_COLUMNS = (Risk.id, Risk.public_id, Risk.phase_no, Risk.category, Risk.title_zh, Risk.title_en, Risk.trigger_zh,
            Risk.trigger_en, Risk.likelihood, Risk.impact, Risk.owner, Risk.mitigation_zh, Risk.mitigation_en,
            Risk.plan_zh, Risk.plan_en, Risk.plan_lead, Risk.plan_phone, Risk.status, Risk.next_review,
            Risk.drill_rule, Risk.drill_start, Risk.legal_basis, Risk.note)


def thresholds(session: Session, project_id: int) -> Thresholds:
    """The risk level thresholds of the project's rule profile."""
    profile = session.execute(select(Project.rule_profile).where(Project.id == project_id)).scalar()
    if profile is None:
        raise NotFound("error.project_not_found", value=project_id)
    return thresholds_for(profile)


def _risk_read(row, levels: Thresholds, tasks: tuple[str, ...]) -> RiskRead:
    (_key, public_id, phase_no, category, title_zh, title_en, trigger_zh, trigger_en, likelihood, impact, owner,
     mitigation_zh, mitigation_en, plan_zh, plan_en, lead, phone, status, review, rule, start, basis, note) = row
    return RiskRead(public_id, phase_no, category, pick(title_zh, title_en), pick(trigger_zh, trigger_en),
                    likelihood, impact, likelihood * impact, levels.level(likelihood * impact).value, owner,
                    pick(mitigation_zh, mitigation_en), pick(plan_zh, plan_en), lead, phone, status, review, rule,
                    start, basis, note, tasks)


def _conditions(project_id: int, query: RiskQuery, levels: Thresholds) -> list:
    conditions = [Risk.project_id == project_id]
    if query.statuses:
        conditions.append(col(Risk.status).in_(list(query.statuses)))
    if query.categories:
        conditions.append(col(Risk.category).in_(list(query.categories)))
    if query.levels:
        scores = [n for n in range(1, 26) if levels.level(n).value in query.levels]
        conditions.append((Risk.likelihood * Risk.impact).in_(scores))
    if query.cell is not None:
        conditions += [Risk.likelihood == query.cell[0], Risk.impact == query.cell[1]]
    text = unicodedata.normalize("NFKC", query.text).strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(*(col(column).ilike(pattern, escape="\\") for column in (
            Risk.public_id, Risk.title_zh, Risk.title_en, Risk.trigger_zh, Risk.trigger_en, Risk.owner))))
    return conditions


def _linked(session: Session, project_id: int, risk_ids: list[int] | None = None) -> dict[int, list[tuple]]:
    """Risk id -> (task public id, drill ref) of its links whose task is still on the checklist, in link order."""
    query = (select(RiskTask.risk_id, RiskTask.task_ref, RiskTask.drill_ref)
             .join(Task, (Task.project_id == RiskTask.project_id) & (Task.public_id == RiskTask.task_ref))
             .where(RiskTask.project_id == project_id).order_by(col(RiskTask.id)))
    if risk_ids is not None:
        query = query.where(col(RiskTask.risk_id).in_(risk_ids))
    found: dict[int, list[tuple]] = {}
    for risk_id, task_ref, drill_ref in session.execute(query):
        found.setdefault(risk_id, []).append((task_ref, drill_ref))
    return found


def list_risks(session: Session, project_id: int, query: RiskQuery | None = None) -> list[RiskRead]:
    """The risks matching `query` (every risk without one), in the order they were added, with score, level and
    linked tasks."""
    levels = thresholds(session, project_id)
    rows = session.execute(select(*_COLUMNS).where(*_conditions(project_id, query or RiskQuery(), levels))
                           .order_by(col(Risk.id))).all()
    links = _linked(session, project_id)
    return [_risk_read(row, levels, tuple(ref for ref, _drill in links.get(row[0], ()))) for row in rows]


def _risk_row(session: Session, project_id: int, public_id: str) -> Risk:
    return row_of(session, Risk, project_id, public_id, "risks.error.not_found")


def get_risk(session: Session, project_id: int, public_id: str) -> RiskRead:
    risk = _risk_row(session, project_id, public_id)
    row = session.execute(select(*_COLUMNS).where(Risk.id == risk.id)).one()
    links = _linked(session, project_id, [risk.id]).get(risk.id, ())
    return _risk_read(row, thresholds(session, project_id), tuple(ref for ref, _drill in links))


def heatmap(session: Session, project_id: int, query: RiskQuery | None = None) -> Heatmap:
    """Risks counted per (likelihood, impact) cell: the open ones unless `query` names statuses; its other filters
    narrow as list_risks narrows (its cell is ignored: the map shows every cell)."""
    query = query or RiskQuery()
    levels = thresholds(session, project_id)
    wanted = RiskQuery(query.statuses or tuple(OPEN), query.categories, query.levels, query.text)
    counts = [[0] * 5 for _ in RATING]
    for likelihood, impact, count in session.execute(
            select(Risk.likelihood, Risk.impact, func.count()).where(*_conditions(project_id, wanted, levels))
            .group_by(Risk.likelihood, Risk.impact)):
        counts[likelihood - 1][impact - 1] = count
    return Heatmap(tuple(map(tuple, counts)),
                   tuple(tuple(levels.level(lk * im).value for im in RATING) for lk in RATING))


def figures_of(session: Session, project_id: int, today: date) -> RisksFigures:
    """The dashboard card's figures, read from the (project, status, likelihood, impact, review) index alone (the
    quick start reads the same rows with sqlite3: db/quickread.py)."""
    where = (Risk.project_id == project_id, col(Risk.status).in_(OPEN))
    ratings = session.execute(select(Risk.likelihood, Risk.impact, func.count()).where(*where)
                              .group_by(Risk.likelihood, Risk.impact)).all()
    overdue = session.execute(select(func.count()).select_from(Risk).where(
        *where, col(Risk.next_review).is_not(None), col(Risk.next_review) < today)).scalar_one()
    return risks_figures(ratings, overdue, thresholds(session, project_id))


def score_history(session: Session, project_id: int, public_id: str) -> list[ScorePoint]:
    """The risk's rating over time from the audit log: its rating when it was added, then one point per change of
    likelihood or impact (both changed at once: one point), oldest first. The form's sparkline."""
    risk = _risk_row(session, project_id, public_id)
    log = AuditEntry
    entries = session.execute(
        select(log.at, log.action, log.field, log.old, log.new)
        .where(log.project_id == project_id, log.entity == "risk", log.public_id == risk.public_id,
               or_(log.action == "create", col(log.field).in_(("likelihood", "impact"))))
        .order_by(col(log.id))).all()
    points: list[list] = []  # [at, likelihood, impact]
    current: dict[str, int] = {}
    for at, action, field, _old, new in entries:
        if action == "create":
            created = json.loads(new)
            current = {"likelihood": created["likelihood"], "impact": created["impact"]}
        elif current:
            current[field] = int(new)
        else:  # a log without its create entry: only the changes are known
            continue
        if points and points[-1][0] == at:
            points[-1][1:] = [current["likelihood"], current["impact"]]
        else:
            points.append([at, current["likelihood"], current["impact"]])
    if not points:
        return [ScorePoint(risk.created_at.date(), risk.likelihood, risk.impact)]
    return [ScorePoint(at.date(), likelihood, impact) for at, likelihood, impact in points]


# -- writes --------------------------------------------------------------------------------------------------------


def seed_register(session: Session, project_id: int) -> int:
    """Add the seed risks of the project's exit type that its register lacks (by seed key), rated for that exit
    type, in bulk (audited). Returns how many."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    have = set(session.execute(select(Risk.seed_key).where(Risk.project_id == project_id)).scalars())
    items = [item for item in seed_for(project.exit_type) if item.key not in have]
    ids = next_public_ids(session, project_id, PREFIX["risk"], len(items)) if items else []
    now = datetime.now(UTC)
    rows = []
    for public_id, item in zip(ids, items, strict=True):
        likelihood, impact = item.rating(project.exit_type)
        rows.append({
            "project_id": project_id, "public_id": public_id, "seed_key": item.key, "phase_no": item.phase,
            "category": item.category, "title_zh": item.zh, "title_en": item.en, "trigger_zh": item.trigger_zh,
            "trigger_en": item.trigger_en, "likelihood": likelihood, "impact": impact, "owner": "",
            "mitigation_zh": item.mitigation_zh, "mitigation_en": item.mitigation_en, "plan_zh": item.plan_zh,
            "plan_en": item.plan_en, "plan_lead": "", "plan_phone": "", "status": Status.IDENTIFIED.value,
            "next_review": None, "drill_rule": item.drill_rule, "drill_start": None, "legal_basis": item.basis,
            "note": "", "created_at": now,
        })
    audit.insert_rows(session, Risk.__table__, rows)
    return len(rows)


def new_rows(session: Session, project_id: int, items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The table rows of new risks (values as typed), each field checked: for add_risk and for bulk writers (the
    demo, an import) that then call audit.insert_rows. Raises UserError naming the field of the first bad one."""
    cleaned = [_cleaned(item, whole=True) for item in items]
    ids = next_public_ids(session, project_id, PREFIX["risk"], len(cleaned)) if cleaned else []
    now = datetime.now(UTC)
    rows = []
    for public_id, values in zip(ids, cleaned, strict=True):
        row = {"project_id": project_id, "public_id": public_id, "seed_key": None, "created_at": now}
        for field, value in values.items():
            row.update(columns(field, value))
        rows.append(row)
    return rows


def add_risk(session: Session, project_id: int, **values: Any) -> RiskRead:
    """A new risk from values as typed in the form (a title and a category are required; likelihood and impact
    default to 3, the status to 识别). Returns its read model."""
    (row,) = new_rows(session, project_id, [values])
    audit.insert_rows(session, Risk.__table__, [row])
    return get_risk(session, project_id, row["public_id"])


def update_risk(session: Session, project_id: int, public_id: str, **values: Any) -> RiskRead:
    """Change some fields of a risk (only those given); its status moves only as domain TRANSITIONS allow. A
    change of likelihood or impact is an audited update: the score's history."""
    risk = _risk_row(session, project_id, public_id)
    cleaned = _cleaned(values, whole=False)
    if "status" in cleaned and not can_move(risk.status, cleaned["status"]):
        raise UserError("risks.error.bad_move", field="status", value=risk.public_id,
                        old=label("status", risk.status), new=label("status", cleaned["status"]))
    for field, value in cleaned.items():
        for name, column_value in columns(field, value).items():
            if getattr(risk, name) != column_value:
                setattr(risk, name, column_value)
    session.flush()
    return get_risk(session, project_id, risk.public_id)


def move(session: Session, project_id: int, public_id: str, status: Status | str) -> RiskRead:
    """Move a risk to another status (识别 / 应对中 / 已发生 / 已关闭), as the rules allow."""
    return update_risk(session, project_id, public_id, status=status)


def delete_risk(session: Session, project_id: int, public_id: str) -> None:
    """Remove a risk with its drill records and task links (its id is never given again); the linked tasks stay
    on the checklist."""
    risk = _risk_row(session, project_id, public_id)
    audit.delete_rows(session, RiskTask.__table__, RiskTask.__table__.c.risk_id == risk.id)
    audit.delete_rows(session, RiskDrill.__table__, RiskDrill.__table__.c.risk_id == risk.id)
    audit.delete_rows(session, Risk.__table__, Risk.__table__.c.id == risk.id)


def _link(session: Session, project_id: int, risk: Risk, task_ref: str, drill_ref: str | None = None) -> None:
    session.add(RiskTask(project_id=project_id, risk_id=risk.id, public_id=f"{risk.public_id}/{task_ref}",
                         task_ref=task_ref, drill_ref=drill_ref))


def _due(day: date | str | None, default: date) -> str:
    """A task's due as add_task takes it: the day given (a date or text as typed, a rule such as `T-3d`), else
    `default`."""
    if day is None or (isinstance(day, str) and not day.strip()):
        return default.isoformat()
    return day.isoformat() if isinstance(day, date) else day


def create_task_for(session: Session, project_id: int, public_id: str, today: date, *, title: str = "",
                    due: date | str | None = None, owner: str | None = None, note: str = "") -> str:
    """A checklist task for the risk's mitigation work, in the risk's phase, linked back to it; by default titled
    after the risk, owned by its owner and due on its next review (else a week from today). Returns the task's
    public id."""
    from . import checklist  # the checklist builds on the timeline, which builds on projects, which seed risks

    risk = _risk_row(session, project_id, public_id)
    name = pick(risk.title_zh, risk.title_en)
    default = risk.next_review if risk.next_review and risk.next_review >= today else \
        today + timedelta(days=MITIGATION_DAYS)
    task = checklist.add_task(session, project_id, phase_no=risk.phase_no,
                              title=title.strip() or _("risks.task_title", title=name), due=_due(due, default),
                              today=today, owner=risk.owner if owner is None else owner,
                              note=note or risk.public_id)
    _link(session, project_id, risk, task.public_id)
    session.flush()
    return task.public_id


def add_drill(session: Session, project_id: int, public_id: str, held_on: date | str, today: date, *,
              participants: str = "", scenario: str = "", findings: str = "",
              follow_ups: str | Iterable[str | Mapping[str, Any]] = ()) -> DrillRead:
    """Record a drill of the risk's plan; each follow-up action (its title, or a mapping with `title` and
    optionally `due` and `owner`; as typed in a form or a cell, one per line or separated by semicolons) becomes a
    checklist task in the risk's phase, linked back to the risk and the drill, due FOLLOW_UP_DAYS after the drill
    unless given, owned by the plan's lead (else the risk's owner)."""
    risk = _risk_row(session, project_id, public_id)
    day = _held_on(held_on)
    drill = RiskDrill(project_id=project_id, risk_id=risk.id,
                      public_id=next_public_ids(session, project_id, PREFIX["drill"])[0], held_on=day,
                      participants=_text("participants", 500)(participants), scenario=_text("scenario")(scenario),
                      findings=_text("findings")(findings), created_at=datetime.now(UTC))
    session.add(drill)
    session.flush()
    _follow_up(session, project_id, risk, drill, follow_ups, today)
    return list_drills(session, project_id, drill=drill.public_id)[0]


def record_drill(session: Session, project_id: int, today: date, *, risk: str, held_on: date | str | None = None,
                 **values: Any) -> DrillRead:
    """add_drill with every field named, as the drill form and an import's new row give them."""
    return add_drill(session, project_id, _text("risk", 20)(risk), held_on, today, **values)


def update_drill(session: Session, project_id: int, public_id: str, today: date, **values: Any) -> DrillRead:
    """Correct a drill record (held_on, participants, scenario, findings); `follow_ups` given here are added as
    further follow-up tasks (the tasks made before stay). A drill stays with its risk."""
    drill = _drill_row(session, project_id, public_id)
    follow_ups = values.pop("follow_ups", "")
    risk = values.pop("risk", None)
    if risk is not None and str(risk).strip() and str(risk).strip() != _risk_ref(session, drill):
        raise UserError("risks.error.drill_risk", field="risk", value=drill.public_id)
    cleaners = {"held_on": _held_on, "participants": _text("participants", 500), "scenario": _text("scenario"),
                "findings": _text("findings")}
    for field, value in clean_values("risks", cleaners, values, whole=False).items():
        if getattr(drill, field) != value:
            setattr(drill, field, value)
    session.flush()
    risk_row = session.get(Risk, drill.risk_id)
    _follow_up(session, project_id, risk_row, drill, follow_ups, today)
    return list_drills(session, project_id, drill=drill.public_id)[0]


def delete_drill(session: Session, project_id: int, public_id: str) -> None:
    """Remove a drill record; its follow-up tasks stay on the checklist, no longer linked to the drill."""
    drill = _drill_row(session, project_id, public_id)
    for link in session.execute(select(RiskTask).where(RiskTask.project_id == project_id,
                                                       RiskTask.drill_ref == drill.public_id)).scalars():
        link.drill_ref = None
    session.flush()
    audit.delete_rows(session, RiskDrill.__table__, RiskDrill.__table__.c.id == drill.id)


def _held_on(value: Any) -> date:
    day = _date("held_on")(value)
    if day is None:
        raise UserError("risks.error.date_required", field="held_on")
    return day


def _drill_row(session: Session, project_id: int, public_id: str) -> RiskDrill:
    return row_of(session, RiskDrill, project_id, public_id, "risks.error.not_found")


def _risk_ref(session: Session, drill: RiskDrill) -> str:
    return session.execute(select(Risk.public_id).where(Risk.id == drill.risk_id)).scalar_one()


def _follow_up(session: Session, project_id: int, risk: Risk, drill: RiskDrill,
               follow_ups: str | Iterable[str | Mapping[str, Any]], today: date) -> None:
    """Each follow-up action a checklist task linked back to the risk and the drill (see add_drill)."""
    from . import checklist  # the checklist builds on the timeline, which builds on projects, which seed risks

    for action in split_actions(follow_ups) if isinstance(follow_ups, str) else follow_ups:
        action = {"title": action} if isinstance(action, str) else dict(action)
        task = checklist.add_task(
            session, project_id, phase_no=risk.phase_no, title=action.get("title", ""),
            due=_due(action.get("due"), drill.held_on + timedelta(days=FOLLOW_UP_DAYS)), today=today,
            owner=action.get("owner") or risk.plan_lead or risk.owner, note=f"{risk.public_id} {drill.public_id}")
        _link(session, project_id, risk, task.public_id, drill.public_id)
    session.flush()


def split_actions(text: str) -> list[str]:
    """Follow-up actions typed in one field or cell: one per line, or separated by semicolons (either width)."""
    return [part.strip() for part in re.split(r"[\n;；]+", text or "") if part.strip()]


def list_drills(session: Session, project_id: int, risk: str | None = None,
                drill: str | None = None) -> list[DrillRead]:
    """The drill records (of one risk, or one drill), by date then id, with their follow-up tasks."""
    query = (select(RiskDrill.id, RiskDrill.public_id, Risk.public_id, RiskDrill.held_on, RiskDrill.participants,
                    RiskDrill.scenario, RiskDrill.findings, RiskDrill.risk_id, Risk.title_zh, Risk.title_en)
             .join(Risk, col(Risk.id) == RiskDrill.risk_id).where(RiskDrill.project_id == project_id)
             .order_by(col(RiskDrill.held_on), col(RiskDrill.id)))
    if risk is not None:
        query = query.where(RiskDrill.risk_id == _risk_row(session, project_id, risk).id)
    if drill is not None:
        query = query.where(RiskDrill.public_id == drill)
    rows = session.execute(query).all()
    links = _linked(session, project_id, sorted({row.risk_id for row in rows}))
    return [DrillRead(public_id, risk_ref, held_on, participants, scenario, findings,
                      tuple(ref for ref, drill_ref in links.get(risk_id, ()) if drill_ref == public_id),
                      pick(zh, en))
            for _key, public_id, risk_ref, held_on, participants, scenario, findings, risk_id, zh, en in rows]


# -- dated items: the timeline and the calendar --------------------------------------------------------------------


def dated_items(session: Session, project_id: int) -> tuple[RiskDate, ...]:
    """What the timeline and the calendar show of the risks, by date: each open risk's next review, and the days
    its drill schedule falls on from its first day (else the decision day) to the end of the service
    continuation (at most MAX_DRILLS each)."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("error.project_not_found", value=project_id)
    found: list[RiskDate] = []
    for public_id, zh, en, status, owner, lead, review, rule, start in session.execute(
            select(Risk.public_id, Risk.title_zh, Risk.title_en, Risk.status, Risk.owner, Risk.plan_lead,
                   Risk.next_review, Risk.drill_rule, Risk.drill_start)
            .where(Risk.project_id == project_id, col(Risk.status).in_(OPEN),
                   or_(col(Risk.next_review).is_not(None), Risk.drill_rule != ""))):
        if review is not None:
            found.append(RiskDate("review", public_id, zh, en, review, status, owner))
        try:
            days = drill_days(rule, start or project.decision_date, project.continuation_end, MAX_DRILLS)
        except ValueError:  # a rule dateutil no longer accepts: no drills shown
            days = []
        found += [RiskDate("drill", public_id, zh, en, day, status, lead or owner) for day in days]
    return tuple(sorted(found, key=lambda item: (item.day, item.kind, item.public_id)))

