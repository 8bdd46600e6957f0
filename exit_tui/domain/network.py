"""Task dependencies: cycle detection, critical path, slack and at-risk flags (pure, standard library).

Conventions:
- Links are finish-to-start with a lag in days: a successor may start the day after its predecessor
  finishes, plus the lag (lag 0: the next day; lag 2: two clear days between; lag -1: the same day).
- Dates are inclusive: a one-day task has start == finish; its duration is (finish - start) days.
- Calendar days throughout. Working days belong to schedule offsets (domain/schedule.py), which
  produce the planned dates this module reads.
- Planned starts act as "start no earlier than": the forward pass only ever pushes a task later.
"""

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ..errors import ExitTuiError



class NetworkError(ExitTuiError, ValueError):
    """A dependency network that cannot be analysed (unknown predecessor, duplicate key, bad dates)."""


class CycleError(NetworkError):
    """The dependencies loop; `.cycle` holds the keys in order, the first repeated at the end."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("dependency cycle: " + " -> ".join(cycle))


@dataclass(frozen=True)
class Activity:
    """A task as the network sees it: planned dates and finish-to-start links `(predecessor key, lag days)`."""

    key: str
    start: date
    finish: date
    done: bool = False
    predecessors: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        if self.finish < self.start:
            raise NetworkError(f"{self.key}: finish {self.finish} is before start {self.start}")


class Timing(NamedTuple):
    """The result of `analyse` for one activity (a named tuple: a plan of 50k tasks makes 50k of them)."""

    earliest_start: date
    earliest_finish: date
    latest_start: date
    latest_finish: date
    slack_days: int
    critical: bool
    at_risk: bool


def _index(activities: Iterable[Activity]) -> dict[str, Activity]:
    """Activities by key in sorted key order; rejects duplicate keys and unknown predecessors."""
    by_key: dict[str, Activity] = {}
    for activity in activities:
        if activity.key in by_key:
            raise NetworkError(f"duplicate activity key: {activity.key}")
        by_key[activity.key] = activity
    by_key = {key: by_key[key] for key in sorted(by_key)}
    for activity in by_key.values():
        for pred, _lag in activity.predecessors:
            if pred not in by_key:
                raise NetworkError(f"{activity.key}: unknown predecessor {pred}")
    return by_key


def _successors(by_key: dict[str, Activity]) -> dict[str, list[tuple[str, int]]]:
    """Outgoing links `(successor key, lag)` per key, successors in sorted order (by_key is sorted)."""
    succs: dict[str, list[tuple[str, int]]] = {key: [] for key in by_key}
    for activity in by_key.values():
        for pred, lag in activity.predecessors:
            succs[pred].append((activity.key, lag))
    return succs


def find_cycle(activities: Iterable[Activity]) -> list[str] | None:
    """A dependency cycle in work order (predecessor first), starting at its smallest key and repeating it
    at the end, e.g. ["T-0003", "T-0007", "T-0003"]; None when there is none. Iterative: no recursion limit.
    """
    succs = _successors(_index(activities))
    state = dict.fromkeys(succs, 0)  # 0 unvisited, 1 on the current path, 2 finished
    for root in succs:
        if state[root]:
            continue
        path = [root]
        state[root] = 1
        stack = [iter(succs[root])]
        while stack:
            for succ, _lag in stack[-1]:
                if state[succ] == 1:  # back edge: the cycle is the path from succ to here
                    loop = path[path.index(succ):]
                    first = loop.index(min(loop))
                    loop = loop[first:] + loop[:first]
                    return [*loop, loop[0]]
                if state[succ] == 0:
                    state[succ] = 1
                    path.append(succ)
                    stack.append(iter(succs[succ]))
                    break
            else:
                state[path.pop()] = 2
                stack.pop()
    return None


def _topological(by_key: dict[str, Activity], succs: dict[str, list[tuple[str, int]]]) -> list[str]:
    """Kahn's algorithm; raises CycleError (naming the cycle) when some keys never become free."""
    indegree = {key: len(activity.predecessors) for key, activity in by_key.items()}
    ready = deque(key for key, count in indegree.items() if count == 0)
    order: list[str] = []
    while ready:
        key = ready.popleft()
        order.append(key)
        for succ, _lag in succs[key]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    if len(order) < len(by_key):
        raise CycleError(find_cycle(by_key.values()) or [])
    return order


def topological_order(activities: Iterable[Activity]) -> list[str]:
    """Keys with every predecessor before its successors; raises CycleError naming a cycle."""
    by_key = _index(activities)
    return _topological(by_key, _successors(by_key))


def analyse(activities: Iterable[Activity], today: date, finish: date | None = None) -> dict[str, Timing]:
    """Earliest/latest dates, slack, critical path and at-risk flags, in topological order. O(V + E).

    Forward pass: earliest start = max(planned start, predecessor earliest finish + 1 day + lag), keeping
    each task's planned duration. Backward pass from the project's latest earliest finish. Slack is
    latest start - earliest start in days; critical means slack 0. An open task is at risk when one of its
    predecessors is late: not done, and either its planned finish is before `today` or the network
    pushes its earliest start past its planned start. Done tasks are never at risk themselves.

    `finish`: the latest finish of activities left out of this network (unlinked tasks of the same project),
    which the backward pass starts from when it is later than every activity here.
    """
    by_key = _index(activities)
    succs = _successors(by_key)
    order = _topological(by_key, succs)
    if not order:
        return {}

    # Day numbers (ordinals) rather than dates: the passes over tens of thousands of links stay cheap.
    days = {key: (a.start.toordinal(), a.finish.toordinal()) for key, a in by_key.items()}
    early: dict[str, tuple[int, int]] = {}
    for key in order:
        start, end = days[key]
        span = end - start
        for pred, lag in by_key[key].predecessors:
            start = max(start, early[pred][1] + 1 + lag)
        early[key] = (start, start + span)

    project_finish = max(end for _start, end in early.values())
    if finish is not None:
        project_finish = max(project_finish, finish.toordinal())
    late: dict[str, tuple[int, int]] = {}
    for key in reversed(order):
        start, end = days[key]
        last = project_finish
        for succ, lag in succs[key]:
            last = min(last, late[succ][0] - 1 - lag)
        late[key] = (last - (end - start), last)

    today_number = today.toordinal()

    def is_late(key: str) -> bool:
        start, end = days[key]
        return not by_key[key].done and (end < today_number or early[key][0] > start)

    day = date.fromordinal
    timings: dict[str, Timing] = {}
    for key in order:
        activity = by_key[key]
        (early_start, early_finish), (late_start, late_finish) = early[key], late[key]
        slack = late_start - early_start
        timings[key] = Timing(
            day(early_start), day(early_finish), day(late_start), day(late_finish), slack, slack == 0,
            not activity.done and any(is_late(pred) for pred, _lag in activity.predecessors),
        )
    return timings
