"""Contracts (domain/parties.py, services/contracts.py): the last notice day (end − notice period through
dateutil: months at month ends), values as typed (CJK, [brackets], yuan), the late flag (a decision to end it,
the day past, no notice sent) and the gap flag (a lift or fire contract ending before T) with its risk raised once
and audited, figures read alike by the dashboard and the quick start, undo and deletion with the project."""

import json
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from exit_tui.db.models import AuditEntry, Contract, Risk
from exit_tui.domain.parties import contract_gap, contract_late, last_notice_day, parse_period
from exit_tui.services import audit, contracts, parties, projects, risks, undo
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.errors import UserError
from exit_tui.services.quickstart import quick_dashboard
from tests.helpers import TODAY

HANDOVER = date(2027, 1, 10)
"""The sample project's T (tests/helpers.PROJECT_ARGS)."""


def _error(backend, fn, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        backend.call(fn, *args, **kwargs)
    return caught.value


def _count(backend, model, project_id) -> int:
    return backend.call(lambda s: s.execute(
        select(func.count()).select_from(model).where(model.project_id == project_id)).scalar_one())


def _gap_risk(backend, project_id) -> Risk:
    return backend.call(lambda s: s.scalars(select(Risk).where(
        Risk.project_id == project_id, Risk.seed_key == contracts.GAP_RISK)).one())


# -- the last notice day -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("end", "period", "last"), [
    (date(2027, 5, 31), "3 months", date(2027, 2, 28)),  # no 31 February: the month's last day
    (date(2027, 5, 31), "3个月", date(2027, 2, 28)),
    (date(2027, 2, 28), "3m", date(2026, 11, 28)),  # relativedelta keeps the day of the month
    (date(2028, 5, 31), "3月", date(2028, 2, 29)),  # a leap year's February
    (date(2027, 3, 31), "1个月", date(2027, 2, 28)),
    (date(2027, 1, 31), "90天", date(2026, 11, 2)),
    (date(2027, 1, 31), "３０ｄ", date(2027, 1, 1)),  # full-width digits
    (date(2027, 1, 31), " 0d ", date(2027, 1, 31)),
])
def test_the_last_notice_day_counts_back_with_relativedelta(end, period, last):
    assert last_notice_day(end, period) == last
    assert last == end - parse_period(period)


def test_a_period_is_days_or_months_and_nothing_else():
    assert parse_period("") is None and last_notice_day(None, "3m") is None
    assert parse_period("3个月") == relativedelta(months=3) and parse_period("30天") == relativedelta(days=30)
    for bad in ("3w", "1年", "three months", "-3m", "3.5m", "121m", "3651d"):
        with pytest.raises(ValueError):
            parse_period(bad)
        assert last_notice_day(date(2027, 1, 31), bad) is None


def test_the_late_and_gap_rules():
    past, future = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    assert contract_late("expire", past, False, TODAY) and contract_late("terminate", past, False, TODAY)
    assert not contract_late("expire", past, True, TODAY) and not contract_late("expire", future, False, TODAY)
    assert not contract_late("assign", past, False, TODAY) and not contract_late("", past, False, TODAY)
    assert not contract_late("expire", TODAY, False, TODAY)  # today is still in time
    assert contract_gap("lift", HANDOVER - timedelta(days=1), "expire", HANDOVER)
    assert contract_gap("fire", HANDOVER - timedelta(days=1), "assign", HANDOVER)
    assert not contract_gap("fire", HANDOVER - timedelta(days=1), "keep", HANDOVER)
    assert not contract_gap("lift", HANDOVER, "expire", HANDOVER) and not contract_gap("lift", None, "", HANDOVER)
    assert not contract_gap("cleaning", HANDOVER - timedelta(days=1), "expire", HANDOVER)


# -- values as typed, validation -----------------------------------------------------------------------------------


def test_a_contract_is_added_from_values_as_typed(backend, project):
    added = backend.call(
        contracts.add_contract, project.id, TODAY, counterparty="  上海[洁净]保洁 ", kind="保洁外包",
        start="2024年1月1日", end="2027/5/31", notice_period="3个月", clause="第十条 [提前解除]", decision="提前解除",
        agreement_signed="是", outstanding="¥12,800.50", vendor_ref="上海洁净保洁", note="押金 {未退}")
    assert (added.public_id, added.counterparty, added.kind, added.decision) == ("C-0001", "上海[洁净]保洁",
                                                                                  "cleaning", "terminate")
    assert (added.start, added.end, added.notice_period, added.last_notice_day) == (
        date(2024, 1, 1), date(2027, 5, 31), "3个月", date(2027, 2, 28))
    assert (added.outstanding_fen, added.agreement_signed, added.notice_ref, added.notice_status) == (
        1_280_050, True, None, "")
    assert not added.late and not added.gap
    assert backend.call(contracts.list_contracts, project.id, TODAY) == [added]
    changed = backend.call(contracts.update_contract, project.id, "c-1", TODAY, decision="", outstanding="")
    assert (changed.decision, changed.outstanding_fen) == ("", None)


@pytest.mark.parametrize(("values", "field", "key"), [
    ({"kind": "lift"}, "counterparty", "parties.error.required"),
    ({"counterparty": "x", "kind": "电梯"}, "kind", "parties.error.bad_choice"),
    ({"counterparty": "x", "notice_period": "三个月"}, "notice_period", "parties.error.bad_period"),
    ({"counterparty": "x", "start": "2027-01-01", "end": "2026-12-31"}, "end", "parties.error.ends_before_start"),
    ({"counterparty": "x", "end": "2026-02-30"}, "end", "error.bad_date"),
    ({"counterparty": "x", "outstanding": "12.345"}, "outstanding", "parties.error.bad_amount"),
    ({"counterparty": "x", "notice_ref": "N-0999"}, "notice_ref", "parties.error.notice_not_found"),
    ({"counterparty": "x", "decision": "maybe"}, "decision", "parties.error.bad_choice"),
    ({"counterparty": "x", "price": "1"}, "price", "parties.error.unknown_field"),
])
def test_contract_validation_names_the_field_and_writes_nothing(backend, project, values, field, key):
    error = _error(backend, contracts.add_contract, project.id, TODAY, **values)
    assert (error.field, error.key) == (field, key)
    assert error.message() and "{" not in error.message()
    assert _count(backend, Contract, project.id) == 0


# -- flags, the gap's risk, figures ----------------------------------------------------------------------------------


def test_a_contract_past_its_last_notice_day_is_late_until_its_notice_is_sent(backend, project):
    pid = project.id
    late = backend.call(contracts.add_contract, pid, TODAY, counterparty="绿源园林", kind="landscaping",
                        end="2027-02-21", notice_period="3m", decision="terminate")
    assert late.last_notice_day == date(2026, 11, 21) and late.late
    notice = backend.call(parties.add_notice, pid, TODAY, stakeholder="S-0011", subject="提前解除通知 [绿化]",
                          rule="contract_end -40d")
    linked = backend.call(contracts.update_contract, pid, late.public_id, TODAY, notice_ref=notice.public_id.lower())
    assert (linked.notice_ref, linked.notice_status, linked.late) == (notice.public_id, "pending", True)
    backend.call(parties.move_notice, pid, notice.public_id, "sent", TODAY, sent_on=TODAY, channel="registered")
    sent = backend.call(contracts.get_contract, pid, late.public_id, TODAY)
    assert (sent.notice_status, sent.late) == ("sent", False)
    kept = backend.call(contracts.add_contract, pid, TODAY, counterparty="租赁", kind="lease", end="2027-01-31",
                        notice_period="90天", decision="keep")
    assert kept.last_notice_day < TODAY and not kept.late
    dated = {d.public_id for d in backend.call(parties.dated_items, pid) if d.kind == "contract"}
    assert dated == set()  # the late one's notice is sent, the kept one needs none
    backend.call(contracts.update_contract, pid, kept.public_id, TODAY, decision="")
    assert {d.public_id for d in backend.call(parties.dated_items, pid) if d.kind == "contract"} == {kept.public_id}


def test_a_lift_gap_is_raised_on_the_risk_register_once(backend, project):
    pid = project.id
    risk = _gap_risk(backend, pid)
    assert risk.note == ""
    lift = backend.call(contracts.add_contract, pid, TODAY, counterparty="上海[奥捷]电梯", kind="lift",
                        end="2026-12-31", notice_period="3个月", decision="expire")
    assert lift.gap
    noted = _gap_risk(backend, pid).note
    assert noted.startswith(f"{lift.public_id} ") and "2026-12-31" in noted and "2027-01-10" in noted
    backend.call(contracts.update_contract, pid, lift.public_id, TODAY, note="续签中")  # noted once
    assert backend.call(contracts.raise_gaps, pid) == []
    assert _gap_risk(backend, pid).note == noted
    fire = backend.call(contracts.add_contract, pid, TODAY, counterparty="安泰消防", kind="fire", end="2027-01-09",
                        decision="assign")
    assert _gap_risk(backend, pid).note.splitlines()[1].startswith(fire.public_id)
    backend.call(risks.update_risk, pid, risk.public_id, status="closed")
    backend.call(contracts.add_contract, pid, TODAY, counterparty="电梯 [二期]", kind="lift", end="2027-01-01",
                 decision="keep")  # kept: no gap, the risk stays closed
    assert _gap_risk(backend, pid).status == "closed"
    backend.call(contracts.update_contract, pid, "C-0003", TODAY, decision="expire")
    assert _gap_risk(backend, pid).status == "identified"  # a new gap reopens it
    updates = backend.call(lambda s: s.execute(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "risk", AuditEntry.public_id == risk.public_id, AuditEntry.field == "note")).scalar())
    assert updates == 3  # audited, once per contract
    figures = backend.call(parties.figures_of, pid, TODAY)
    assert (figures.contracts_gap, figures.contracts_late) == (3, 1)  # the first lift's last notice day is past


def test_a_gap_brings_the_risk_back_when_the_register_lacks_it(backend, project):
    pid = project.id
    backend.call(risks.delete_risk, pid, _gap_risk(backend, pid).public_id)
    backend.call(contracts.add_contract, pid, TODAY, counterparty="电梯", kind="电梯维保", end="2026-12-20")
    again = _gap_risk(backend, pid)
    assert again.title_zh.startswith("外包单位更换期间电梯") and again.note.startswith("C-0001 ")
    assert again.category == "safety" and again.public_id != "R-0001"


def test_contract_figures_are_read_alike_by_the_quick_start(backend, project):
    pid = project.id
    backend.call(contracts.add_contract, pid, TODAY, counterparty="电梯", kind="lift", end="2026-12-31",
                 notice_period="1个月", decision="expire")
    backend.call(contracts.add_contract, pid, TODAY, counterparty="保洁 [A区]", kind="cleaning", end="2027-03-31",
                 notice_period="90天", decision="terminate", notice_ref="N-0001")
    backend.call(contracts.add_contract, pid, TODAY, counterparty="未定", kind="other")
    path = backend.engine.url.database
    for today in (TODAY, date(2027, 1, 5), date(2027, 2, 1)):
        loaded = backend.call(load_dashboard, pid, today)
        quick = quick_dashboard(path, pid, today)
        assert (quick.parties, quick.late_parties) == (loaded.parties, loaded.late_parties)
    late = backend.call(load_dashboard, pid, date(2027, 1, 5)).late_parties  # the earliest, notices or contracts
    assert [d.public_id for d in late if d.kind == "contract"] == ["C-0001"] and len(late) == 8
    assert [c.public_id for c in backend.call(contracts.list_contracts, pid, date(2027, 1, 5)) if c.late] == [
        "C-0001", "C-0002"]  # N-0001 is named but not sent


# -- undo, deletion ------------------------------------------------------------------------------------------------


def test_a_contract_and_the_gap_it_raised_are_undone_as_one_change(backend, project):
    pid = project.id
    backend.call(contracts.add_contract, pid, TODAY, counterparty="电梯", kind="lift", end="2026-12-31")
    assert _gap_risk(backend, pid).note
    change = backend.call(undo.undo_last, pid)
    assert "C-0001" in change.rows
    assert _count(backend, Contract, pid) == 0 and _gap_risk(backend, pid).note == ""
    assert backend.call(audit.verify).ok


def test_deleting_the_project_takes_the_contracts_with_entries(backend, project):
    backend.call(contracts.add_contract, project.id, TODAY, counterparty="电梯", kind="lift", end="2026-12-31")
    backend.call(contracts.add_contract, project.id, TODAY, counterparty="保洁", kind="cleaning")
    entries = backend.call(audit.entry_count)
    backend.call(projects.delete_project, project.id)
    assert _count(backend, Contract, project.id) == 0
    deleted = [json.loads(entry.old)["public_id"] for entry in backend.call(audit.list_entries, project.id, None)
               if entry.id > entries and entry.entity == "contract" and entry.action == "delete"]
    assert sorted(deleted) == ["C-0001", "C-0002"]
    assert backend.call(audit.verify).ok


def test_the_demo_has_a_late_contract_and_a_lift_gap(backend, demo):
    rows = backend.call(contracts.list_contracts, demo.id, TODAY)
    assert [r.kind for r in rows if r.late] == ["landscaping"] and [r.kind for r in rows if r.gap] == ["lift"]
    assert any(r.notice_status == "received" for r in rows) and any(r.decision == "" for r in rows)
    gap = next(r for r in rows if r.gap)
    assert gap.end < demo.dates.handover and gap.public_id in _gap_risk(backend, demo.id).note
