"""Template data (data/ at the top of the repository): exit scenarios, roles, legal bases, demo."""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from ..errors import ExitTuiError
from .enums import PHASE_COUNT, ExitType
from .schedule import DueRule, OffsetParseError, ProjectDates, parse_rule, validate_rrule

_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: A due date counted from another task of the template: `punch-list +7d` (the task's key, then an offset).
_AFTER = re.compile(r"^\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*([+-]\s*\d+\s*(?:wd|d|w|m))?\s*$")


class TemplateError(ExitTuiError, ValueError):
    """A template file that does not follow the format; the message names file and entry."""


def data_dir() -> Path:
    """`data/` beside the package in a checkout, or `exit_tui/_data` inside an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_data", package.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise TemplateError(f"template data folder not found near {package}")


@dataclass(frozen=True)
class Role:
    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class LegalBasis:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class TemplateTask:
    key: str
    phase_no: int
    zh: str
    en: str
    owner: str
    due: DueRule
    """A project-date rule, or (when `after` is set) a rule whose anchor is that template key."""
    basis: str | None = None
    rrule: str | None = None
    until: DueRule | None = None

    @property
    def after(self) -> str | None:
        """The key of the template task this one is counted from (finish-to-start), if any."""
        return self.due.task_ref


@dataclass(frozen=True)
class TemplatePhase:
    no: int
    zh: str
    en: str
    tasks: tuple[TemplateTask, ...]


@dataclass(frozen=True)
class Template:
    code: ExitType
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    phases: tuple[TemplatePhase, ...]

    @property
    def tasks(self) -> list[TemplateTask]:
        return [task for phase in self.phases for task in phase.tasks]

    def due_dates(self, dates: "ProjectDates") -> dict[str, date]:
        """Each task's due date (by key) for a project with these dates, following the links between tasks."""
        from .plan import PlanTask, plan_dates

        return plan_dates((PlanTask(t.key, dates.decision, t.due) for t in self.tasks), dates)


def _read(path: Path) -> dict:
    import tomllib  # read on first use, not at start-up

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path.name}: {exc}") from exc


@cache
def roles() -> dict[str, Role]:
    return {r["key"]: Role(r["key"], r["zh"], r["en"]) for r in _read(data_dir() / "roles.toml")["role"]}


@cache
def legal_bases() -> dict[str, LegalBasis]:
    entries = _read(data_dir() / "legal_basis.toml")["basis"]
    return {b["code"]: LegalBasis(b["code"], b["zh"], b["en"]) for b in entries}


def _task(path: Path, phase_no: int, raw: dict) -> TemplateTask:
    where = f"{path.name}: task {raw.get('key', '?')!r}"
    try:
        key, zh, en, owner = raw["key"], raw["zh"], raw["en"], raw["owner"]
    except KeyError as exc:
        raise TemplateError(f"{where}: missing {exc}") from exc
    if not _KEY.match(key):
        raise TemplateError(f"{where}: key must be kebab-case")
    if owner not in roles():
        raise TemplateError(f"{where}: unknown owner role {owner!r}")
    basis = raw.get("basis")
    if basis is not None and basis not in legal_bases():
        raise TemplateError(f"{where}: unknown legal basis {basis!r}")
    try:
        due = _template_due(raw["due"])
        until = parse_rule(raw["until"]) if "until" in raw else None
    except (KeyError, OffsetParseError) as exc:
        raise TemplateError(f"{where}: due/until must look like 'contract_end -90d' ({exc})") from exc
    rule = raw.get("rrule")
    if rule is not None:
        if until is None:
            raise TemplateError(f"{where}: a recurring task needs 'until'")
        try:
            validate_rrule(rule)
        except ValueError as exc:
            raise TemplateError(f"{where}: bad rrule {rule!r}: {exc}") from exc
    return TemplateTask(key, phase_no, zh, en, owner, due, basis, rule, until)


def _template_due(text: str) -> DueRule:
    """`contract_end -90d`, or `punch-list +7d`: counted from another task of the same template."""
    try:
        return parse_rule(text)
    except OffsetParseError:
        match = _AFTER.match(text)
        if not match:
            raise
        offset = parse_rule(f"decision{match[2] or ''}")  # reuse the offset grammar
        return DueRule(match[1], offset.amount, offset.unit)


def _check_links(path: Path, tasks: list[TemplateTask]) -> None:
    from .network import Activity, CycleError, topological_order  # only when templates load

    keys = {task.key for task in tasks}
    for task in tasks:
        if task.after is not None and task.after not in keys:
            raise TemplateError(f"{path.name}: task {task.key!r} is counted from unknown task {task.after!r}")
    day = date(2000, 1, 1)
    try:
        topological_order(
            Activity(t.key, day, day, predecessors=((t.after, 0),) if t.after else ()) for t in tasks
        )
    except CycleError as exc:
        raise TemplateError(f"{path.name}: tasks counted from each other in a loop: {exc.cycle}") from exc


@cache
def load_template(code: ExitType | str) -> Template:
    """Load and check one scenario template; raises TemplateError naming what is wrong."""
    code = ExitType(code)
    path = data_dir() / "templates" / f"{code.value}.toml"
    raw = _read(path)
    phases = []
    for index, raw_phase in enumerate(raw.get("phase", []), start=1):
        try:
            no, zh, en = raw_phase["no"], raw_phase["zh"], raw_phase["en"]
        except KeyError as exc:
            raise TemplateError(f"{path.name}: phase #{index} is missing {exc}") from exc
        tasks = tuple(_task(path, no, raw_task) for raw_task in raw_phase.get("task", []))
        phases.append(TemplatePhase(no, zh, en, tasks))
    if [p.no for p in phases] != list(range(1, PHASE_COUNT + 1)):
        raise TemplateError(f"{path.name}: phases must be numbered 1..{PHASE_COUNT} in order")
    keys = [task.key for phase in phases for task in phase.tasks]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise TemplateError(f"{path.name}: duplicate task keys {duplicates}")
    _check_links(path, [task for phase in phases for task in phase.tasks])
    missing = [name for name in ("name_zh", "name_en") if name not in raw]
    if missing:
        raise TemplateError(f"{path.name}: missing {', '.join(missing)}")
    return Template(
        code, raw["name_zh"], raw["name_en"], raw.get("description_zh", ""), raw.get("description_en", ""),
        tuple(phases),
    )


@cache
def demo_settings() -> dict:
    """The demo project's parameters (data/demo.toml)."""
    return _read(data_dir() / "demo.toml")
