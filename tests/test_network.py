"""domain/network.py: cycles, forward/backward pass, critical path, slack and at-risk flags."""

import time
from datetime import date, timedelta

import pytest

from exit_tui.domain.network import (
    Activity,
    CycleError,
    NetworkError,
    Timing,
    analyse,
    find_cycle,
)


def d(n: int) -> date:
    """Day n of March 2026 (d(1) = 2026-03-01); later days run on past the month end."""
    return date(2026, 3, 1) + timedelta(days=n - 1)


def act(key, start, finish, *preds, done=False):
    return Activity(key, d(start), d(finish), done=done, predecessors=tuple(preds))


# The hand-computed network (day numbers; durations are finish - start):
#
#   A  d1-d3   (dur 2)  no predecessors
#   B  d3-d7   (dur 4)  A lag 0      -> planned to overlap A, so the network pushes it one day
#   C  d4-d5   (dur 1)  A lag 2
#   D  d9-d11  (dur 2)  B lag 0
#   E  d8-d9   (dur 1)  C lag 0, G lag -1
#   F  d12-d13 (dur 1)  D lag 0, E lag 0
#   G  d1-d2   (dur 1)  no predecessors
#
# Forward pass, ES = max(planned start, pred EF + 1 + lag), EF = ES + dur:
#   A ES d1                              EF d3
#   G ES d1                              EF d2
#   B ES max(d3, 3+1+0=d4)       = d4    EF d8
#   C ES max(d4, 3+1+2=d6)       = d6    EF d7
#   D ES max(d9, 8+1=d9)         = d9    EF d11
#   E ES max(d8, 7+1=d8, 2+1-1=d2) = d8  EF d9
#   F ES max(d12, 11+1=d12, 9+1=d10) = d12  EF d13        project finish = d13
# Backward pass, LF = min(project finish, succ LS - 1 - lag), LS = LF - dur:
#   F LF d13 LS d12  slack 0
#   D LF 12-1=d11 LS d9   slack 0
#   E LF 12-1=d11 LS d10  slack 2
#   B LF 9-1=d8   LS d4   slack 0
#   C LF 10-1=d9  LS d8   slack 2
#   G LF 10-1+1=d10 LS d9 slack 8
#   A LF min(4-1-0=d3, 8-1-2=d5) = d3  LS d1  slack 0
# Critical path: A -> B -> D -> F.
def network(**done):
    return [
        act("A", 1, 3, done=done.get("A", False)),
        act("B", 3, 7, ("A", 0), done=done.get("B", False)),
        act("C", 4, 5, ("A", 2), done=done.get("C", False)),
        act("D", 9, 11, ("B", 0), done=done.get("D", False)),
        act("E", 8, 9, ("C", 0), ("G", -1), done=done.get("E", False)),
        act("F", 12, 13, ("D", 0), ("E", 0), done=done.get("F", False)),
        act("G", 1, 2, done=done.get("G", False)),
    ]


EXPECTED = {  # key: (ES, EF, LS, LF, slack, at risk on d1 -- see test_at_risk_when_predecessor_pushed_by_network)
    "A": (1, 3, 1, 3, 0, False),
    "B": (4, 8, 4, 8, 0, False),
    "C": (6, 7, 8, 9, 2, False),
    "D": (9, 11, 9, 11, 0, True),
    "E": (8, 9, 10, 11, 2, True),
    "F": (12, 13, 12, 13, 0, False),
    "G": (1, 2, 9, 10, 8, False),
}


def test_hand_computed_network_dates_and_slack():
    timings = analyse(network(), today=d(1))
    assert set(timings) == set(EXPECTED)
    for key, (es, ef, ls, lf, slack, risk) in EXPECTED.items():
        assert timings[key] == Timing(d(es), d(ef), d(ls), d(lf), slack, critical=slack == 0, at_risk=risk), key


def test_hand_computed_network_critical_path():
    timings = analyse(network(), today=d(0))
    assert sorted(key for key, timing in timings.items() if timing.critical) == ["A", "B", "D", "F"]


def test_result_is_in_topological_order():
    order = list(analyse(network(), today=d(0)))
    for activity in network():
        for pred, _lag in activity.predecessors:
            assert order.index(pred) < order.index(activity.key)


def test_input_order_does_not_matter():
    assert analyse(list(reversed(network())), today=d(5)) == analyse(network(), today=d(5))


# --- lags ---------------------------------------------------------------------------------------


def test_positive_lag_leaves_clear_days():
    timings = analyse([act("X", 1, 1), act("Y", 1, 2, ("X", 3))], today=d(0))
    # X finishes d1; Y may start d1 + 1 + 3 = d5 and keeps its one-day duration.
    assert (timings["Y"].earliest_start, timings["Y"].earliest_finish) == (d(5), d(6))
    assert timings["X"].latest_finish == d(1) and timings["X"].slack_days == 0


def test_negative_lag_lets_successor_overlap():
    timings = analyse([act("X", 1, 5), act("Y", 1, 1, ("X", -2))], today=d(0))
    # X finishes d5; Y may start d5 + 1 - 2 = d4.
    assert (timings["Y"].earliest_start, timings["Y"].earliest_finish) == (d(4), d(4))
    # Backward: project finish d5; Y LF d5, LS d5; X LF = d5 - 1 + 2 = d6 capped at project finish d5.
    assert (timings["Y"].latest_start, timings["Y"].slack_days) == (d(5), 1)
    assert (timings["X"].latest_finish, timings["X"].slack_days, timings["X"].critical) == (d(5), 0, True)


def test_lag_minus_one_allows_same_day_start():
    timings = analyse([act("X", 1, 3), act("Y", 2, 2, ("X", -1))], today=d(0))
    assert timings["Y"].earliest_start == d(3)


def test_planned_start_later_than_link_wins():
    timings = analyse([act("X", 1, 1), act("Y", 10, 11, ("X", -5))], today=d(0))
    assert (timings["Y"].earliest_start, timings["Y"].earliest_finish) == (d(10), d(11))
    # X can slip until the project finish (d11): LF = min(d11, 10 - 1 + 5 = d14) = d11.
    assert (timings["X"].latest_start, timings["X"].slack_days) == (d(11), 10)


def test_unlinked_shorter_activity_has_slack():
    timings = analyse([act("LONG", 1, 10), act("SHORT", 1, 4)], today=d(0))
    assert timings["LONG"].critical and timings["LONG"].slack_days == 0
    assert (timings["SHORT"].slack_days, timings["SHORT"].critical) == (6, False)
    assert timings["SHORT"].latest_finish == d(10)


def test_duplicate_links_take_the_largest_lag():
    timings = analyse([act("X", 1, 1), act("Y", 1, 1, ("X", 0), ("X", 4))], today=d(0))
    assert timings["Y"].earliest_start == d(6)


# --- cycles and bad input -----------------------------------------------------------------------


def test_no_cycle():
    assert find_cycle(network()) is None


def test_two_cycle_named():
    acts = [act("T-0007", 1, 1, ("T-0003", 0)), act("T-0003", 1, 1, ("T-0007", 0))]
    assert find_cycle(acts) == ["T-0003", "T-0007", "T-0003"]
    with pytest.raises(CycleError) as caught:
        analyse(acts, today=d(1))
    assert caught.value.cycle == ["T-0003", "T-0007", "T-0003"]
    assert "T-0003 -> T-0007 -> T-0003" in str(caught.value)


def test_three_cycle_named_in_work_order_from_smallest_key():
    # Work flows T-0003 -> T-0005 -> T-0007 -> T-0003 (each is the predecessor of the next).
    acts = [
        act("T-0005", 1, 1, ("T-0003", 0), ("T-0001", 0)),
        act("T-0007", 1, 1, ("T-0005", 1)),
        act("T-0003", 1, 1, ("T-0007", -1)),
        act("T-0001", 1, 1),  # outside the cycle, feeding into it
        act("T-0009", 1, 1, ("T-0001", 0), ("T-0005", 0)),  # downstream of the cycle
    ]
    assert find_cycle(acts) == ["T-0003", "T-0005", "T-0007", "T-0003"]
    with pytest.raises(CycleError, match="T-0003 -> T-0005 -> T-0007 -> T-0003") as caught:
        analyse(acts, today=d(1))
    assert caught.value.cycle == ["T-0003", "T-0005", "T-0007", "T-0003"]


def test_cycle_reached_from_outside_starts_at_its_smallest_key():
    acts = [
        act("A", 1, 1),
        act("Z", 1, 1, ("A", 0), ("Y", 0)),
        act("X", 1, 1, ("Z", 0)),
        act("Y", 1, 1, ("X", 0)),
    ]
    assert find_cycle(acts) == ["X", "Y", "Z", "X"]


def test_self_loop():
    acts = [act("A", 1, 1), act("B", 1, 1, ("A", 0), ("B", 0))]
    assert find_cycle(acts) == ["B", "B"]
    with pytest.raises(CycleError) as caught:
        analyse(acts, today=d(1))
    assert caught.value.cycle == ["B", "B"]


def test_cycle_error_is_a_network_error_and_value_error():
    assert issubclass(CycleError, NetworkError)
    assert issubclass(NetworkError, ValueError)


def test_unknown_predecessor_named():
    acts = [act("A", 1, 1), act("B", 1, 1, ("T-0404", 0))]
    with pytest.raises(NetworkError, match="T-0404"):
        find_cycle(acts)
    with pytest.raises(NetworkError, match="T-0404"):
        analyse(acts, today=d(1))
    with pytest.raises(ValueError):
        analyse(acts, today=d(1))


def test_duplicate_key_rejected():
    with pytest.raises(NetworkError, match="A"):
        analyse([act("A", 1, 1), act("A", 2, 2)], today=d(1))


def test_finish_before_start_rejected():
    with pytest.raises(NetworkError, match="X"):
        Activity("X", d(5), d(4))


def test_one_day_activity_has_equal_start_and_finish():
    timings = analyse([act("X", 3, 3)], today=d(1))
    assert timings["X"] == Timing(d(3), d(3), d(3), d(3), 0, critical=True, at_risk=False)


def test_empty_network():
    assert find_cycle([]) is None
    assert analyse([], today=d(1)) == {}


# --- at risk ------------------------------------------------------------------------------------


def at_risk(timings):
    return sorted(key for key, timing in timings.items() if timing.at_risk)


def test_at_risk_when_predecessor_pushed_by_network():
    # On d1 nothing is past due. B is pushed (ES d4 > planned d3) so D is at risk;
    # C is pushed (ES d6 > planned d4) so E is at risk. D and E themselves are not pushed, so F is not.
    assert at_risk(analyse(network(), today=d(1))) == ["D", "E"]


def test_at_risk_when_unfinished_predecessor_is_past_its_finish():
    # On d5 A (finish d3) is open and late, so B and C are at risk as well.
    assert at_risk(analyse(network(), today=d(5))) == ["B", "C", "D", "E"]


def test_predecessor_finishing_today_is_not_late():
    assert at_risk(analyse(network(), today=d(3))) == ["D", "E"]


def test_done_predecessor_is_not_late():
    assert at_risk(analyse(network(A=True), today=d(5))) == ["D", "E"]
    # With A, B and C done, E is still at risk: its other predecessor G (finish d2) is open on d5.
    assert at_risk(analyse(network(A=True, B=True, C=True), today=d(5))) == ["E"]
    assert at_risk(analyse(network(A=True, B=True, C=True, G=True), today=d(5))) == []


def test_done_activity_is_never_at_risk():
    assert at_risk(analyse(network(D=True, E=True), today=d(5))) == ["B", "C"]


def test_late_predecessor_with_negative_lag():
    timings = analyse([act("X", 1, 2), act("Y", 2, 2, ("X", -1))], today=d(3))
    assert timings["Y"].at_risk
    timings = analyse([act("X", 1, 2, done=True), act("Y", 2, 2, ("X", -1))], today=d(3))
    assert not timings["Y"].at_risk


# --- scale --------------------------------------------------------------------------------------


def test_thousand_activity_chain_is_fast_and_iterative():
    n = 1000
    acts = [Activity("K0000", d(1), d(1))]
    acts += [Activity(f"K{i:04d}", d(1), d(1), predecessors=((f"K{i - 1:04d}", 0),)) for i in range(1, n)]
    began = time.perf_counter()
    assert find_cycle(acts) is None
    timings = analyse(acts, today=d(1))
    elapsed = time.perf_counter() - began
    assert timings["K0999"].earliest_start == d(1000)
    assert timings["K0999"].latest_finish == d(1000)
    assert all(timing.critical for timing in timings.values())
    assert elapsed < 1.0


def test_thousand_activity_cycle_is_found_without_recursion():
    n = 1000
    acts = [Activity(f"K{i:04d}", d(1), d(1), predecessors=((f"K{(i - 1) % n:04d}", 0),)) for i in range(n)]
    cycle = find_cycle(acts)
    assert cycle is not None and len(cycle) == n + 1
    assert cycle[0] == cycle[-1] == "K0000" and cycle[1] == "K0001"
    with pytest.raises(CycleError):
        analyse(acts, today=d(1))
