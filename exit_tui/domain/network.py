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
from collections.abc import Iterable, Sequence
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


def passes(
    starts: Sequence[int], ends: Sequence[int], links: Sequence[Sequence[tuple[int, int]]], finish: int | None = None
) -> tuple[list[int], list[int], list[int]] | None:
    """The forward and backward passes over activities numbered 0..n-1: `starts` and `ends` are day numbers
    (ordinals, both inclusive), `links[i]` the links `(predecessor number, lag days)` of activity i.

    Returns (order, earliest starts, latest starts): the numbers in a topological order and, per activity, its
    earliest and latest start as day numbers (a finish is its start plus the planned span); None when the links
    loop. `finish`: a day number the backward pass starts from when it is later than every earliest finish.
    Plain lists of integers: a network of tens of thousands of tasks costs no object per activity."""
    n = len(starts)
    succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    indegree = [0] * n
    for i, own in enumerate(links):
        indegree[i] = len(own)
        for pred, lag in own:
            succs[pred].append((i, lag))
    ready = deque(i for i in range(n) if not indegree[i])
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for succ, _lag in succs[i]:
            indegree[succ] -= 1
            if not indegree[succ]:
                ready.append(succ)
    if len(order) < n:
        return None
    early = list(starts)
    for i in order:
        start = early[i]
        for pred, lag in links[i]:
            start = max(start, early[pred] + ends[pred] - starts[pred] + 1 + lag)
        early[i] = start
    project_finish = max((early[i] + ends[i] - starts[i] for i in range(n)), default=finish)
    if finish is not None:
        project_finish = max(project_finish, finish)
    late = [0] * n
    for i in reversed(order):
        last = project_finish
        for succ, lag in succs[i]:
            last = min(last, late[succ] - 1 - lag)
        late[i] = last - (ends[i] - starts[i])
    return order, early, late


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
    if not by_key:
        return {}
    keys = list(by_key)
    number = {key: i for i, key in enumerate(keys)}
    found = by_key.values()
    # Day numbers (ordinals) rather than dates: the passes over tens of thousands of links stay cheap.
    starts = [a.start.toordinal() for a in found]
    ends = [a.finish.toordinal() for a in found]
    links = [[(number[pred], lag) for pred, lag in a.predecessors] for a in found]
    done = [a.done for a in found]
    result = passes(starts, ends, links, finish.toordinal() if finish is not None else None)
    if result is None:
        raise CycleError(find_cycle(found) or [])
    return timings_of(keys, starts, ends, links, done, result, today)


def timings_of(
    keys: Sequence[str], starts: Sequence[int], ends: Sequence[int], links: Sequence[Sequence[tuple[int, int]]],
    done: Sequence[bool], result: tuple[list[int], list[int], list[int]], today: date,
) -> dict[str, Timing]:
    """The Timing of each activity (numbered as for `passes`) by key, in the topological order of `result`
    (what `passes` returned)."""
    order, early, late = result
    risky = _at_risk(starts, ends, done, links, early, today.toordinal())
    day = date.fromordinal
    timings: dict[str, Timing] = {}
    for i in order:
        span = ends[i] - starts[i]
        slack = late[i] - early[i]
        timings[keys[i]] = Timing(day(early[i]), day(early[i] + span), day(late[i]), day(late[i] + span), slack,
                                  slack == 0, risky[i])
    return timings


def _at_risk(
    starts: Sequence[int], ends: Sequence[int], done: Sequence[bool], links: Sequence[Sequence[tuple[int, int]]],
    early: Sequence[int], today: int,
) -> list[bool]:
    """Per activity (numbered as for `passes`): at risk, that is open with a late predecessor (not done, and
    finishing before `today` or pushed past its planned start by the network)."""
    late = [not done[i] and (ends[i] < today or early[i] > starts[i]) for i in range(len(starts))]
    return [not done[i] and any(late[pred] for pred, _lag in own) for i, own in enumerate(links)]
