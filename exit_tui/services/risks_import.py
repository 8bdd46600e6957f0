"""The Risks area through spreadsheets: the rows the package writes of the risk register (风险登记册) and of the
drill log (演练记录), and both registers as import targets (services/imports.py), read back by public id.

Every cell is checked by the cleaner the form uses (services/risks.FIELDS). Existing rows are written through the
service (update_risk, update_drill: audited, status moves as the rules allow), new risks in bulk (new_rows and
audit.insert_rows), new drills one by one through record_drill (their follow-up actions become checklist tasks).
A status move the rules forbid, a drill naming a risk the project does not have, or moving a drill to another
risk is an error on that row. The drill log's actions column lists a drill's follow-up tasks by title: a line
added there becomes a further task, the lines already there change nothing.
"""

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from ..db.models import Risk, RiskDrill, RiskTask, Task
from ..domain.risks import PREFIX, can_move
from ..i18n import _, pick
from . import audit, risks
from .errors import UserError
from .imports import ImportField, ImportTarget, RowChanges, normalize_id
from .inputs import date_field, text_field

#: Fields of the register whose cleaner has no default: an empty cell refuses the row.
_REQUIRED = ("title", "category")
#: CHOICE fields of the register -> their label group (risks.label).
_GROUPS = {"category": "category", "status": "status"}


def _show(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in _GROUPS:
        return risks.label(_GROUPS[key], value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):  # a drill's follow-up actions
        return "; ".join(value)
    return str(value)


# -- the rows the package writes ---------------------------------------------------------------------------------


def risk_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 风险登记册's rows (keyed by io/spec.RISKS' column keys): every risk with its score, level and tasks."""
    found = risks.list_risks(session, project_id)

    def rows() -> Iterator[dict]:
        for risk in found:
            yield {**{key: getattr(risk, key) for key in risks.FIELDS}, "public_id": risk.public_id,
                   "score": risk.score, "level": risks.label("level", risk.level), "tasks": "\n".join(risk.tasks)}

    return len(found), rows()


def follow_up_titles(session: Session, project_id: int) -> dict[str, list[tuple[str, str]]]:
    """Drill id -> (task id, title) of each of its follow-up tasks still on the checklist, in the order made."""
    found: dict[str, list[tuple[str, str]]] = {}
    for drill_ref, task_ref, title, zh, en in session.execute(
            select(RiskTask.drill_ref, RiskTask.task_ref, Task.title, Task.title_zh, Task.title_en)
            .join(Task, (Task.project_id == RiskTask.project_id) & (Task.public_id == RiskTask.task_ref))
            .where(RiskTask.project_id == project_id, col(RiskTask.drill_ref).is_not(None))
            .order_by(col(RiskTask.id))):
        found.setdefault(drill_ref, []).append((task_ref, title or pick(zh, en)))
    return found


def drill_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 演练记录's rows: each drill with its follow-up tasks' titles (one per line) and ids."""
    drills = risks.list_drills(session, project_id)
    tasks = follow_up_titles(session, project_id)

    def rows() -> Iterator[dict]:
        for drill in drills:
            made = tasks.get(drill.public_id, [])
            yield {"public_id": drill.public_id, "risk": drill.risk, "held_on": drill.held_on,
                   "participants": drill.participants, "scenario": drill.scenario, "findings": drill.findings,
                   "follow_ups": "\n".join(title for _ref, title in made),
                   "tasks": "\n".join(ref for ref, _title in made)}

    return len(drills), rows()


# -- the register ------------------------------------------------------------------------------------------------


class RiskImport(ImportTarget):
    """The risk register by public id; a row without one is a new risk (a twin by title is not added again)."""

    sheet, table, prefix = "risks", Risk.__table__, PREFIX["risk"]
    fields = tuple(ImportField(key, required=key in _REQUIRED) for key in risks.FIELDS)
    content = ("title",)
    columns = tuple(f"{name}_{lang}" for name in risks.BILINGUAL.values() for lang in ("zh", "en"))

    def clean(self, key: str, value: Any) -> Any:
        return risks.clean(key, value)

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        if key in risks.BILINGUAL:
            name = risks.BILINGUAL[key]
            return pick(row[f"{name}_zh"], row[f"{name}_en"])
        return row[key]

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        return risks.columns(key, value)

    def show(self, key: str, value: Any) -> str:
        return _show(key, value)

    def describe(self, values: Mapping[str, Any]) -> str:
        return str(values.get("title") or "")

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """A status the rules do not allow from the stored one."""
        if stored is None or "status" not in values or can_move(stored["status"], values["status"]):
            return []
        return [("status", _("risks.error.bad_move", value=stored["public_id"],
                             old=risks.label("status", stored["status"]),
                             new=risks.label("status", values["status"])))]

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        """New risks in bulk: rows made by risks.new_rows, written by audit.insert_rows."""
        rows = risks.new_rows(self.session, self.project_id, list(values))
        audit.insert_rows(self.session, self.table, rows)
        return [row["public_id"] for row in rows]

    def update_rows(self, changed: list[RowChanges]) -> None:
        for change in changed:
            risks.update_risk(self.session, self.project_id, change.row["public_id"], **change.fields)

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False


# -- the drill log -----------------------------------------------------------------------------------------------


_DRILL_CLEANERS = {
    "held_on": date_field("held_on"),
    "participants": text_field("risks", "participants", 500),
    "scenario": text_field("risks", "scenario"),
    "findings": text_field("risks", "findings"),
}


class DrillImport(ImportTarget):
    """The drill log by public id; a row without one records a drill (its actions become follow-up tasks)."""

    sheet, table, prefix = "drills", RiskDrill.__table__, PREFIX["drill"]
    fields = (ImportField("risk", required=True), ImportField("held_on", required=True), ImportField("participants"),
              ImportField("scenario"), ImportField("findings"), ImportField("follow_ups"))
    content = ("risk", "held_on", "scenario")
    columns = ("risk_id",)

    def __init__(self, session: Session, project_id: int, today: date) -> None:
        super().__init__(session, project_id, today)
        self.risk_ids: dict[str, int] = {public_id: key for public_id, key in session.execute(
            select(Risk.public_id, Risk.id).where(Risk.project_id == project_id))}
        self.risk_refs = {key: public_id for public_id, key in self.risk_ids.items()}
        self.actions = {drill: tuple(title for _ref, title in made)
                        for drill, made in follow_up_titles(session, project_id).items()}

    def clean(self, key: str, value: Any) -> Any:
        if key == "risk":
            return self._risk_ref(value)
        if key == "follow_ups":
            return tuple(risks.split_actions("" if value is None else str(value)))
        if key == "held_on":
            day = _DRILL_CLEANERS[key](value)
            if day is None:
                raise UserError("risks.error.date_required", field="held_on")
            return day
        return _DRILL_CLEANERS[key](value)

    def _risk_ref(self, value: Any) -> str:
        ref = normalize_id(value)
        if ref not in self.risk_ids:
            raise UserError("risks.error.unknown_risk", field="risk", value=ref)
        return ref

    def current(self, key: str, row: Mapping[str, Any]) -> Any:
        if key == "risk":
            return self.risk_refs.get(row["risk_id"])
        if key == "follow_ups":
            return self.actions.get(row["public_id"], ())
        return row[key]

    def same(self, key: str, row: Mapping[str, Any], value: Any) -> bool:
        """Follow-up actions that are all tasks of the drill already: no change (a line removed deletes no task)."""
        if key == "follow_ups":
            return set(value) <= set(self.current(key, row))
        return self.current(key, row) == value

    def columns_for(self, key: str, value: Any) -> dict[str, Any]:
        if key == "risk":
            return {"risk_id": self.risk_ids[value]}
        return {} if key == "follow_ups" else {key: value}  # actions are tasks, written by update_drill

    def show(self, key: str, value: Any) -> str:
        return _show(key, value)

    def describe(self, values: Mapping[str, Any]) -> str:
        return " ".join(filter(None, (str(values.get("risk") or ""), _show("held_on", values.get("held_on")))))

    def check(self, stored: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """A drill stays with its risk."""
        if stored is not None and values.get("risk", self.current("risk", stored)) != self.current("risk", stored):
            return [("risk", _("risks.error.drill_risk", value=stored["public_id"]))]
        return []

    def add_rows(self, values: Iterator[Mapping[str, Any]], count: int) -> list[str]:
        """Each new drill through risks.record_drill: its actions become follow-up tasks."""
        ids = []
        for row in values:
            drill = risks.record_drill(
                self.session, self.project_id, self.today, risk=row["risk"], held_on=row["held_on"],
                participants=row.get("participants") or "", scenario=row.get("scenario") or "",
                findings=row.get("findings") or "", follow_ups=list(row.get("follow_ups") or ()))
            ids.append(drill.public_id)
        return ids

    def update_rows(self, changed: list[RowChanges]) -> None:
        """Each drill through risks.update_drill; only the actions that are not yet tasks of it are added."""
        for change in changed:
            values = dict(change.fields)
            public_id = change.row["public_id"]
            if "follow_ups" in values:
                made = set(self.actions.get(public_id, ()))
                values["follow_ups"] = [action for action in values["follow_ups"] if action not in made]
            risks.update_drill(self.session, self.project_id, public_id, self.today, **values)

    def has_knock_on(self, changed: list[RowChanges]) -> bool:
        return False

