"""The demo's accounts (services/demo.py, data/demo.toml) and the dashboard's accounts figures: every unit with
its owner and several lines, reconciled building by building with disputes and exactly one carve-out, the
project's own ledgers, the same on every run; the figures read alike by the services and the quick start, each
query answered from an index."""

import re
import sqlite3
from collections import Counter
from contextlib import closing

from exit_tui.domain.accounts import mask_name
from exit_tui.domain.templates import demo_settings
from exit_tui.services import accounts
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.quickstart import quick_dashboard

from .helpers import TODAY


def test_every_unit_has_its_owner_and_several_lines(backend, demo):
    units = backend.call(accounts.list_units, demo.id)
    lines = backend.call(accounts.list_lines, demo.id)
    assert len(units) == demo_settings()["units"] == 1200 and len({u.unit_no for u in units}) == 1200
    assert units[0].unit_no == "1-1-101" and units[-1].unit_no == "12-2-2502"
    assert all(re.fullmatch(r"\d+-[12]-\d{3,4}", u.unit_no) for u in units)
    assert all(u.owner and u.area_m2 and u.lines >= 3 for u in units) and 5000 <= len(lines) <= 8000
    assert any(u.owner[:2] in ("欧阳", "司马", "上官", "诸葛") for u in units)  # compound surnames
    assert any("、" in u.owner for u in units) and any(not u.phone for u in units)
    assert all(re.fullmatch(r"1\d{10}", u.phone) for u in units if u.phone)
    compound = next(u.owner for u in units if u.owner.startswith("欧阳") and len(u.owner) == 4)
    assert mask_name(compound) == f"欧**{compound[-1]}"
    assert set(Counter(line.category for line in lines)) == {"arrears", "prepaid", "deposit", "parking", "utilities",
                                                              "other"}
    assert all(line.meter_reading for line in lines if line.category == "utilities")


def test_the_reconciliation_is_under_way(backend, demo):
    lines = backend.call(accounts.list_lines, demo.id)
    states = Counter(line.state for line in lines)
    assert states["carved_out"] == 1 and states["disputed"] >= 10 and states["settled"] >= 10
    assert states["confirmed"] > 1000 and states["unconfirmed"] > 1000
    assert all(line.dispute_reason and line.evidence_ref for line in lines
               if line.state in ("disputed", "carved_out"))
    cutoff = backend.call(accounts.cutoff, demo.id)
    assert cutoff == demo.handover
    crossing = [x for x in lines if x.category == "prepaid" and x.period_start <= cutoff < x.period_end]
    assert len(crossing) > 100 and all(0 < x.after_cutoff_fen < x.amount_fen for x in crossing)
    summary = backend.call(accounts.settlement, demo.id)
    assert (summary.units, summary.units_closed) == (1200, 400)  # buildings 1 to 4
    assert [x.unit_no for x in summary.carve_outs] == [demo_settings()["accounts"]["carved_out"]]
    assert summary.revenue_fen > summary.revenue_cost_fen > 0 and summary.repair_fund_fen > 0
    assert summary.lump_sum_fen < 0 and summary.vendor_payable_fen > 0 and summary.vendor_prepaid_fen > 0
    assert summary.prepaid_after_cutoff_fen == sum(x.after_cutoff_fen for x in lines
                                                   if x.category == "prepaid" and x.state != "carved_out")


def test_the_demo_is_the_same_every_time(backend, demo):
    from exit_tui.services.demo import create_demo_accounts

    cfg = demo_settings()
    mine = backend.call(accounts.list_lines, demo.id)

    def again(session):
        from exit_tui.services.projects import create_project
        from .helpers import PROJECT_ARGS

        other = create_project(session, **{**PROJECT_ARGS, "handover": demo.handover})  # the same cut-off
        create_demo_accounts(session, other.id, TODAY, demo.handover, cfg["accounts"], cfg["handover"]["buildings"])
        return accounts.list_lines(session, other.id)

    assert backend.call(again) == mine


def test_the_dashboard_figures_are_read_alike_both_ways(backend, demo):
    path = backend.engine.url.database
    live = backend.call(load_dashboard, demo.id, TODAY).accounts
    assert quick_dashboard(path, demo.id, TODAY).accounts == live == backend.call(accounts.figures_of, demo.id)
    assert live.units == 1200 and live.units_closed == 400 and live.unreconciled_fen > live.disputed_fen > 0
    lines = backend.call(accounts.list_lines, demo.id)
    assert live.disputed_fen == sum(x.due_fen for x in lines if x.state == "disputed")
    assert live.unreconciled_fen == sum(x.due_fen for x in lines if x.state == "unconfirmed")
    # A change shows in both readings alike.
    disputed = [x.public_id for x in lines if x.state == "disputed"]
    backend.call(accounts.move_lines, demo.id, disputed, "confirmed")
    moved = backend.call(load_dashboard, demo.id, TODAY).accounts
    assert quick_dashboard(path, demo.id, TODAY).accounts == moved and moved.disputed_fen == 0


def test_the_accounts_figures_are_read_from_indexes(backend, demo, monkeypatch):
    """The card's queries each search a covering index of the lines, or the units' (project, unit no) index: none
    reads a table's rows."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    path = backend.engine.url.database
    assert quick_dashboard(path, demo.id, TODAY).accounts.units == 1200
    with closing(connect(path)) as db:
        plans = {sql: [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in statements
                 if sql.startswith("SELECT") and re.search(r"\b(ledger_line|unit)\b", sql)}
    assert len(plans) == 4
    assert all(any("COVERING INDEX" in step for step in plan) for plan in plans.values()), plans
    assert not any(step.startswith("SCAN") for plan in plans.values() for step in plan), plans
