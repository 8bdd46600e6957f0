"""Planning a project's tasks from their date rules: resolve, replan, statutory flags, dependency network.

Pure functions over PlanTask values (no database). A task's rule hangs on a project date or on another task;
done tasks never move, and a task anchored on a task that no longer exists keeps its date.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .network import Activity, CycleError, Timing, find_cycle, passes, timings_of, topological_order
from .schedule import DueRule, ProjectDates
from .statutes import Deadline


@dataclass(slots=True, unsafe_hash=True)
class PlanTask:
    """What planning needs to know of a task. `duration` is in days; 0 makes a milestone.

    Treat as read-only (change one with dataclasses.replace): not frozen only because the timeline builds one per
    task, 50k for a large plan, and a frozen dataclass's per-field object.__setattr__ made that twice as slow."""

    key: str
    due: date
    rule: DueRule | None = None
    done: bool = False
    done_on: date | None = None
    template_key: str | None = None
    duration: int = 1
    pinned: bool = False
    """Kept where it is by replanning although not done (a recurring task with occurrences done)."""

    @property
    def start(self) -> date:
        return self.due - timedelta(days=max(self.duration - 1, 0))

    @property
    def predecessor(self) -> str | None:
        return self.rule.task_ref if self.rule else None


def _activities(tasks: Mapping[str, PlanTask]) -> list[Activity]:
    """One activity per task; a rule on another task is a finish-to-start link whose lag keeps today's plan."""
    found = []
    for task in tasks.values():
        links: tuple[tuple[str, int], ...] = ()
        start = task.start
        pred = tasks.get(task.rule.task_ref) if task.rule is not None else None
        if pred is not None:
            links = ((pred.key, (start - pred.due).days - 1),)
        found.append(Activity(task.key, start, task.due, task.done, links))
    return found


def rule_order(tasks: Mapping[str, PlanTask]) -> list[str]:
    """Keys with each task after the task its rule hangs on; raises CycleError naming a loop of rules."""
    return topological_order(
        Activity(t.key, t.due, t.due, predecessors=((t.predecessor, 0),) if t.predecessor in tasks else ())
        for t in tasks.values()
    )


def plan_dates(tasks: Iterable[PlanTask], dates: ProjectDates) -> dict[str, date]:
    """Each task's due date as its rule gives it with `dates`. Done and pinned tasks, tasks without a rule and
    tasks whose anchor task is gone keep their date. Raises CycleError when rules loop."""
    by_key = {t.key: t for t in tasks}
    planned: dict[str, date] = {}
    for key in rule_order(by_key):
        task = by_key[key]
        if task.done or task.pinned or task.rule is None or (task.predecessor and task.predecessor not in by_key):
            planned[key] = task.due
        else:
            planned[key] = task.rule.resolve(dates, planned)
    return planned


def late_for(task: PlanTask, deadlines: Iterable[Deadline]) -> tuple[str, ...]:
    """Keys of the statutory deadlines this task serves and misses: due (or, once done, done) after them."""
    if task.template_key is None:
        return ()
    day = task.done_on if task.done and task.done_on else task.due
    return tuple(d.key for d in deadlines if task.template_key in d.serves and day > d.day)


def impossible(deadlines: Iterable[Deadline], dates: ProjectDates) -> tuple[str, ...]:
    """Deadlines that had already passed on the decision date: the notice can no longer be given in time."""
    return tuple(d.key for d in deadlines if d.day < dates.decision)


def analyse_links(tasks: Iterable[PlanTask], today: date) -> tuple[dict[str, Timing], date | None]:
    """analyse_plan of the tasks linked by a rule (to or from another task) only, and the project's finish.

    A task without links keeps its planned dates, is never at risk, and its slack runs from its due date to the
    finish: a caller with tens of thousands of such tasks can derive their flags without a Timing for each. The
    linked tasks go through network.passes as numbers (no Activity each): the same result as network.analyse of
    their activities (_activities)."""
    by_key = {t.key: t for t in tasks}
    linked: dict[str, PlanTask] = {}
    for task in by_key.values():
        if task.rule is None:
            continue
        pred = task.rule.task_ref
        if pred is not None and pred in by_key:
            linked[task.key] = task
            linked[pred] = by_key[pred]
    alone_finish = max((t.due for t in by_key.values() if t.key not in linked), default=None)
    if not linked:
        return {}, alone_finish
    keys = list(linked)
    number = {key: i for i, key in enumerate(keys)}
    found = linked.values()
    ends = [t.due.toordinal() for t in found]
    starts = [end - max(t.duration - 1, 0) for t, end in zip(found, ends, strict=True)]
    links: list[tuple[tuple[int, int], ...]] = []
    for i, task in enumerate(found):
        pred = number.get(task.rule.task_ref) if task.rule is not None else None
        links.append(((pred, starts[i] - ends[pred] - 1),) if pred is not None else ())
    result = passes(starts, ends, links, alone_finish.toordinal() if alone_finish else None)
    if result is None:
        raise CycleError(find_cycle(_activities(linked)) or [])
    timings = timings_of(keys, starts, ends, links, [t.done for t in found], result, today)
    order, early, _late = result
    finish = max(early[i] + ends[i] - starts[i] for i in order)
    if alone_finish is not None:
        finish = max(finish, alone_finish.toordinal())
    return timings, date.fromordinal(finish)


def analyse_plan(tasks: Iterable[PlanTask], today: date) -> dict[str, Timing]:
    """Critical path, slack and at-risk flags of the dependency network the task rules make.

    Only tasks linked by a rule go through the network (analyse_links); the others get their Timing here."""
    tasks = list(tasks)
    timings, finish = analyse_links(tasks, today)
    for task in tasks:
        if task.key not in timings:
            start, slack = task.start, (finish - task.due).days
            timings[task.key] = Timing(start, task.due, start + timedelta(days=slack), finish, slack, slack == 0,
                                       False)
    return timings


@dataclass(frozen=True)
class Move:
    key: str
    old: date
    new: date


@dataclass(frozen=True)
class PlanDiff:
    """What a change does before it is applied: tasks that move and statutory flags that appear or clear.

    Flags are (task key, deadline key); project warnings are deadline keys already past on the decision date.
    """

    moves: tuple[Move, ...] = ()
    flags_added: tuple[tuple[str, str], ...] = ()
    flags_cleared: tuple[tuple[str, str], ...] = ()
    warnings_added: tuple[str, ...] = ()
    warnings_cleared: tuple[str, ...] = ()


def _flags(tasks: Iterable[PlanTask], deadlines: list[Deadline]) -> set[tuple[str, str]]:
    return {(t.key, key) for t in tasks for key in late_for(t, deadlines)}


def diff_plan(
    before: list[PlanTask],
    after: list[PlanTask],
    deadlines_before: list[Deadline],
    deadlines_after: list[Deadline],
    dates_before: ProjectDates,
    dates_after: ProjectDates,
) -> PlanDiff:
    """Compare two plans of the same tasks (`after` already replanned with plan_dates)."""
    old = {t.key: t for t in before}
    moves = tuple(
        Move(t.key, old[t.key].due, t.due) for t in after if t.key in old and old[t.key].due != t.due
    )
    flags_before, flags_after = _flags(before, deadlines_before), _flags(after, deadlines_after)
    warn_before = set(impossible(deadlines_before, dates_before))
    warn_after = set(impossible(deadlines_after, dates_after))
    return PlanDiff(
        moves=tuple(sorted(moves, key=lambda m: (m.new, m.key))),
        flags_added=tuple(sorted(flags_after - flags_before)),
        flags_cleared=tuple(sorted(flags_before - flags_after)),
        warnings_added=tuple(sorted(warn_after - warn_before)),
        warnings_cleared=tuple(sorted(warn_before - warn_after)),
    )
