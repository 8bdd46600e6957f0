"""Stakeholders and notices (domain/parties.py, services/parties.py): seeds per exit type and rule profile with
deadlines read from the profile's statutory clocks (never typed), a project date change moving them in the replan
preview, values as typed (CJK, [brackets]), status moves and the proof each asks for, the overdue and at-risk
flags, the dashboard's figures read alike by the quick start, the timeline's dated items, undo, deletion with the
project, and the demo."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from exit_tui.db.models import Notice, Stakeholder
from exit_tui.domain.enums import ExitType
from exit_tui.domain.parties import PROFILE_RULE, can_move, can_reach, check_rule, notice_deadline, seed_for
from exit_tui.domain.statutes import deadlines_for, rule_profiles
from exit_tui.i18n import set_language
from exit_tui.services import audit, parties, projects, timeline, undo
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.errors import NotFound, UserError
from exit_tui.services.quickstart import quick_dashboard
from exit_tui.services.readmodels import PartiesFigures, PlanChange
from tests.helpers import PROJECT_ARGS, SAMPLE_DATES, TODAY


def _error(backend, fn, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        backend.call(fn, *args, **kwargs)
    return caught.value


def _count(backend, model, project_id) -> int:
    return backend.call(lambda s: s.execute(
        select(func.count()).select_from(model).where(model.project_id == project_id)).scalar_one())


def _notice(backend, project_id, subject="书面告知 [补充]", rule="合同到期 -45天", **values):
    return backend.call(parties.add_notice, project_id, TODAY, stakeholder="S-0001", subject=subject, rule=rule,
                        **values)


# -- seeds: deadlines from each rule profile and exit type ---------------------------------------------------------


@pytest.mark.parametrize("profile", list(rule_profiles()))
@pytest.mark.parametrize("exit_type", [e.value for e in ExitType])
def test_seeded_notices_take_their_deadlines_from_the_profile(backend, profile, exit_type):
    args = {**PROJECT_ARGS, "exit_type": exit_type, "rule_profile": profile}
    project = backend.call(projects.create_project, **args)
    stakeholders = backend.call(parties.list_stakeholders, project.id)
    notices = backend.call(parties.list_notices, project.id, TODAY)
    seeds = seed_for(exit_type, profile)
    assert [s.name for s in stakeholders] == [s.zh for s in seeds]
    assert len(notices) == sum(len(s.notices) for s in seeds) and all(n.status == "pending" for n in notices)
    deadlines = {d.key: d for d in deadlines_for(profile, exit_type, SAMPLE_DATES)}
    for notice in notices:
        assert notice.deadline is not None
        if notice.rule.startswith(PROFILE_RULE):  # a statutory clock of the profile: its day and basis
            deadline = deadlines[notice.rule[len(PROFILE_RULE):]]
            assert (notice.deadline, notice.basis, notice.statutory) == (deadline.day, deadline.basis, True)
        else:
            assert not notice.statutory and notice.basis == ""
    committee = {n.rule for n in notices if n.stakeholder == "S-0001"}
    assert ("profile:notice-948" in committee) == (exit_type == "early-exit")
    assert ("profile:notice-947" in committee) == (exit_type != "early-exit")
    assert ("profile:notice-3m" in committee) == (profile != "national")
    owners = next(n for n in notices if n.stakeholder_name == "全体业主")  # the 3-month posting, or the fallback
    assert owners.rule == ("contract_end -90d" if profile == "national" else "profile:notice-3m")
    assert backend.call(parties.seed_parties, project.id) == 0  # each seed once


def test_seeds_are_named_in_the_language_of_the_creation(backend):
    set_language("en")
    project = backend.call(projects.create_project, **PROJECT_ARGS)
    names = [s.name for s in backend.call(parties.list_stakeholders, project.id)]
    assert names[:2] == ["Owners' committee", "All owners"]
    assert backend.call(parties.list_notices, project.id, TODAY)[0].subject.startswith("Written notice")


def test_a_rule_is_a_profile_deadline_or_a_project_date_offset():
    assert check_rule("合同到期 -90天") == "contract_end -90d"
    assert check_rule(" T-30d ") == "handover -30d" and check_rule("Profile:Notice-947") == "profile:notice-947"
    for bad in ("2026-12-01", "T-0042 +5d", "profile:", "next week", ""):
        with pytest.raises(ValueError):
            check_rule(bad)
    assert notice_deadline("profile:notice-3m", "national", SAMPLE_DATES).day is None  # not in that profile
    assert notice_deadline("profile:notice-3m", "local-10d", SAMPLE_DATES).day == date(2026, 9, 30)
    assert notice_deadline("profile:notice-947", "no-such-profile", SAMPLE_DATES).day == date(2026, 10, 2)


def test_a_project_date_change_moves_the_deadlines_in_the_preview(backend, project):
    change = PlanChange("2027-01-05", anchor="contract_end")
    preview = backend.call(timeline.preview_replan, project.id, change)
    moved = {m.public_id: (m.old, m.new) for m in preview.notices}
    before = {n.public_id: n for n in backend.call(parties.list_notices, project.id, TODAY)}
    assert moved["N-0001"] == (date(2026, 10, 2), date(2026, 10, 7))  # 民法典947: contract end -90 days
    assert set(moved) == {key for key, n in before.items() if "contract_end" in n.rule or "947" in n.rule}
    assert all(new - old == timedelta(days=5) for old, new in moved.values())
    backend.call(parties.move_notice, project.id, "N-0001", "sent", TODAY, sent_on="2026-09-20",
                 channel="written")
    again = backend.call(timeline.preview_replan, project.id, change)
    assert "N-0001" not in {m.public_id for m in again.notices}  # sent: its deadline no longer matters
    backend.call(timeline.apply_replan, project.id, change)
    after = {n.public_id: n.deadline for n in backend.call(parties.list_notices, project.id, TODAY)}
    assert after["N-0002"] == moved["N-0002"][1] and after["N-0001"] == date(2026, 10, 7)
    handover = backend.call(timeline.preview_replan, project.id, PlanChange("2027-01-20", anchor="handover"))
    assert {m.public_id for m in handover.notices} == {
        key for key, n in before.items() if n.rule.startswith("handover") or n.rule == "profile:layoff-41"}


# -- values as typed, validation -----------------------------------------------------------------------------------


def test_stakeholders_and_notices_are_added_from_values_as_typed(backend, project):
    added = backend.call(parties.add_stakeholder, project.id, kind="外包单位", name="  上海[奥捷]电梯 ",
                         contact="何平 (经理)", phone="139 0013 9011", address="浦东 [B区] 3号", note="维保 {不是字段}")
    assert (added.public_id, added.kind, added.name, added.contact) == ("S-0015", "vendor", "上海[奥捷]电梯",
                                                                         "何平 (经理)")
    notice = backend.call(parties.add_notice, project.id, TODAY, stakeholder="上海[奥捷]电梯",
                          subject="到期终止通知 [电梯]", rule="合同到期 -1个月", statutory="否", channel="挂号信/EMS")
    assert (notice.stakeholder, notice.stakeholder_name, notice.rule) == ("S-0015", "上海[奥捷]电梯",
                                                                          "contract_end -1m")
    assert (notice.deadline, notice.channel, notice.status, notice.basis) == (date(2026, 11, 30), "registered",
                                                                              "pending", "")
    assert not notice.overdue  # due two days after TODAY
    assert backend.call(parties.get_stakeholder, project.id, "s-15").notices == 1
    set_language("en")
    changed = backend.call(parties.update_stakeholder, project.id, "S-0015", kind="Bank", note="")
    assert (changed.kind, changed.note, changed.open_notices) == ("bank", "", 1)


@pytest.mark.parametrize(("values", "field", "key"), [
    ({"subject": "x", "rule": "T-10d"}, "stakeholder", "parties.error.required"),
    ({"stakeholder": "S-0001", "rule": "T-10d"}, "subject", "parties.error.required"),
    ({"stakeholder": "S-0001", "subject": "x"}, "rule", "parties.error.required"),
    ({"stakeholder": "S-0001", "subject": "x", "rule": "2026-12-01"}, "rule", "parties.error.bad_rule"),
    ({"stakeholder": "S-0001", "subject": "x", "rule": "T-10d", "channel": "飞鸽"}, "channel",
     "parties.error.bad_choice"),
    ({"stakeholder": "S-0001", "subject": "x", "rule": "T-10d", "sent_on": "someday"}, "sent_on", "error.bad_date"),
    ({"stakeholder": "S-0001", "subject": "x", "rule": "T-10d", "statutory": "也许"}, "statutory",
     "parties.error.bad_flag"),
    ({"stakeholder": "S-0001", "subject": "x", "rule": "T-10d", "status": "已发"}, "sent_on",
     "parties.error.sent_needs"),
    ({"stakeholder": "S-0001", "subject": "x", "rule": "T-10d", "colour": "red"}, "colour",
     "parties.error.unknown_field"),
])
def test_notice_validation_names_the_field_and_writes_nothing(backend, project, values, field, key):
    count = _count(backend, Notice, project.id)
    error = _error(backend, parties.add_notice, project.id, TODAY, **values)
    assert (error.field, error.key) == (field, key)
    assert error.message() and "{" not in error.message()
    assert _count(backend, Notice, project.id) == count


def test_an_unknown_stakeholder_is_not_found(backend, project):
    with pytest.raises(NotFound):
        backend.call(parties.add_notice, project.id, TODAY, stakeholder="S-0999", subject="x", rule="T-10d")
    assert _error(backend, parties.add_stakeholder, project.id, name=" ").field == "name"


# -- status moves and proof ----------------------------------------------------------------------------------------


def test_the_moves_of_a_notice():
    assert can_move("pending", "sent") and can_move("sent", "refused") and can_move("refused", "sent")
    assert not can_move("pending", "received") and not can_move("received", "sent")
    assert can_reach("pending", "received") and not can_reach("sent", "pending")


def test_a_notice_moves_with_the_proof_each_step_needs(backend, project):
    pid = project.id
    key = _notice(backend, pid, statutory="是").public_id  # no channel yet (a seeded notice has its usual one)
    assert _error(backend, parties.move_notice, pid, key, "received", TODAY).key == "parties.error.bad_move"
    assert _error(backend, parties.move_notice, pid, key, "sent", TODAY, channel="written").field == "sent_on"
    assert _error(backend, parties.move_notice, pid, key, "sent", TODAY, sent_on="2026-9-20").field == \
        "channel"
    sent = backend.call(parties.move_notice, pid, key, "已发", TODAY, sent_on="2026年9月20日", channel="书面送达")
    assert (sent.status, sent.sent_on, sent.channel, sent.at_risk) == ("sent", date(2026, 9, 20), "written", True)
    assert _error(backend, parties.move_notice, pid, key, "received", TODAY, proof_ref="回执").field == \
        "proof_kind"
    assert _error(backend, parties.move_notice, pid, key, "refused", TODAY).key == \
        "parties.error.refusal_evidence"
    refused = backend.call(parties.move_notice, pid, key, "拒收", TODAY, note="主任拒签 [居委会见证]")
    assert (refused.status, refused.at_risk, refused.overdue) == ("refused", True, False)
    again = backend.call(parties.move_notice, pid, key, "sent", TODAY, sent_on="2026-09-25",
                         channel="registered")  # sent again, by EMS
    received = backend.call(parties.move_notice, pid, key, "received", TODAY, proof_kind="EMS 单号",
                            proof_ref="EMS 1088 [妥投]")
    assert (again.status, received.status, received.proof_kind, received.at_risk) == ("sent", "received", "ems",
                                                                                      False)
    assert _error(backend, parties.update_notice, pid, key, TODAY, status="pending").key == \
        "parties.error.bad_move"
    assert _error(backend, parties.update_notice, pid, key, TODAY, proof_ref="").key == \
        "parties.error.proof_needed"  # a received notice keeps its proof
    jumped = backend.call(parties.update_notice, pid, "N-0002", TODAY, status="received", sent_on="2026-09-01",
                          channel="posting", proof_kind="photo", proof_ref="IMG_0401")
    assert jumped.status == "received"  # an import may record several steps at once, with every proof


def test_flags_count_on_the_dashboard_and_the_quick_start_alike(backend, project):
    pid = project.id
    backend.call(parties.move_notice, pid, "N-0001", "sent", TODAY, sent_on="2026-09-20", channel="written")
    backend.call(parties.move_notice, pid, "N-0001", "refused", TODAY, proof_ref="拒收照片")
    backend.call(parties.move_notice, pid, "N-0003", "sent", TODAY, sent_on="2026-10-20", channel="written")
    notices = {n.public_id: n for n in backend.call(parties.list_notices, pid, TODAY)}
    overdue = sorted(key for key, n in notices.items() if n.overdue)
    assert overdue == ["N-0002", "N-0004"]  # contract end -90d and -60d, not sent
    assert [key for key, n in notices.items() if n.at_risk] == ["N-0001"]  # N-0003 is not statutory
    figures = backend.call(parties.figures_of, pid, TODAY)
    assert figures == PartiesFigures(notices_owed=len(notices) - 2, notices_overdue=2, notices_at_risk=1)
    path = backend.engine.url.database
    for today in (TODAY, TODAY + timedelta(days=20), TODAY + timedelta(days=60)):
        loaded = backend.call(load_dashboard, pid, today)
        quick = quick_dashboard(path, pid, today)
        assert (quick.parties, quick.late_parties) == (loaded.parties, loaded.late_parties)
        assert loaded.parties == backend.call(parties.figures_of, pid, today)
    late = backend.call(load_dashboard, pid, TODAY).late_parties
    assert [(d.kind, d.public_id) for d in late] == [("notice", "N-0002"), ("notice", "N-0004")]
    assert late[0].text_zh == f"{notices['N-0002'].stakeholder_name}: {notices['N-0002'].subject}"


def test_notices_not_sent_are_dated_items_of_the_timeline(backend, project):
    backend.call(parties.move_notice, project.id, "N-0001", "sent", TODAY, sent_on="2026-09-20", channel="written")
    loaded = backend.call(timeline.load_timeline, project.id, TODAY)
    dated = loaded.party_dates
    assert dated == backend.call(parties.dated_items, project.id)
    pending = [n for n in backend.call(parties.list_notices, project.id, TODAY) if n.status == "pending"]
    assert sorted(d.public_id for d in dated if d.kind == "notice") == sorted(n.public_id for n in pending)
    assert [d.day for d in dated] == sorted(d.day for d in dated)


# -- stakeholders' deletion, undo, the project's deletion -----------------------------------------------------------


def test_a_stakeholder_with_notices_is_not_deleted(backend, project):
    error = _error(backend, parties.delete_stakeholder, project.id, "S-0001")
    assert (error.key, error.field) == ("parties.error.has_notices", "stakeholder") and "S-0001" in error.message()
    for notice in backend.call(parties.list_notices, project.id, TODAY, stakeholder="S-0001"):
        backend.call(parties.delete_notice, project.id, notice.public_id)
    backend.call(parties.delete_stakeholder, project.id, "S-0001")
    added = backend.call(parties.add_stakeholder, project.id, name="新业委会")
    assert added.public_id == "S-0015" and "S-0001" not in {
        s.public_id for s in backend.call(parties.list_stakeholders, project.id)}


def test_a_notice_and_its_moves_are_undone_one_change_at_a_time(backend, project):
    count = _count(backend, Notice, project.id)
    added = _notice(backend, project.id)
    assert added.public_id in backend.call(undo.undo_last, project.id).rows
    assert _count(backend, Notice, project.id) == count
    backend.call(undo.undo_last, project.id)  # undo the undo: it comes back
    backend.call(parties.move_notice, project.id, added.public_id, "sent", TODAY, sent_on="2026-11-01",
                 channel="email")
    backend.call(undo.undo_last, project.id)
    undone = backend.call(parties.get_notice, project.id, added.public_id, TODAY)
    assert (undone.status, undone.sent_on, undone.channel) == ("pending", None, "")
    assert backend.call(audit.verify).ok


def test_deleting_the_project_takes_stakeholders_and_notices_with_entries(backend, project):
    _notice(backend, project.id)
    before = {model.__tablename__: _count(backend, model, project.id) for model in (Stakeholder, Notice)}
    entries = backend.call(audit.entry_count)
    backend.call(projects.delete_project, project.id)
    assert _count(backend, Stakeholder, project.id) == _count(backend, Notice, project.id) == 0
    deleted: dict[str, int] = {}
    for entry in backend.call(audit.list_entries, project.id, None):
        if entry.id > entries and entry.entity in ("stakeholder", "notice"):
            assert entry.action == "delete" and json.loads(entry.old)["project_id"] == project.id
            deleted[entry.entity] = deleted.get(entry.entity, 0) + 1
    assert deleted == before
    assert backend.call(audit.verify).ok


# -- the demo ------------------------------------------------------------------------------------------------------


def test_the_demo_has_notices_in_every_state(backend, demo):
    notices = backend.call(parties.list_notices, demo.id, TODAY)
    states = [n.status for n in notices]
    assert set(states) == {"pending", "sent", "received", "refused"} and states.count("refused") == 1
    assert any(n.overdue for n in notices) and any(n.at_risk and n.status == "sent" for n in notices)
    assert all(n.proof_ref for n in notices if n.status == "received")
    stakeholders = backend.call(parties.list_stakeholders, demo.id)
    assert any("[" in s.address for s in stakeholders) and all(s.notices == len(
        [n for n in notices if n.stakeholder == s.public_id]) for s in stakeholders)
    loaded = backend.call(load_dashboard, demo.id, TODAY)
    assert loaded.parties.notices_at_risk == 2 and loaded.parties.contracts_gap == 1
    assert quick_dashboard(backend.engine.url.database, demo.id, TODAY).parties == loaded.parties


def test_seeds_hold_in_both_languages():
    for exit_type in ExitType:
        for profile in rule_profiles():
            for seed in seed_for(exit_type, profile):
                assert seed.zh and seed.en and all(n.zh and n.en for n in seed.notices)


def test_the_timeline_describes_a_notice_and_a_contract(backend, project):
    from exit_tui.services import contracts
    from exit_tui.ui.screens.timeline import describe
    from exit_tui.ui.widgets.gantt import DATED_GROUPS, Scale, build_rows, row_marks

    backend.call(contracts.add_contract, project.id, TODAY, counterparty="绿源 [园林]", kind="landscaping",
                 end="2027-02-21", notice_period="3个月", decision="terminate")
    loaded = backend.call(timeline.load_timeline, project.id, TODAY)
    rows = {row.key: row for row in build_rows(loaded) if row.group == "parties"}
    notice, contract = rows["parties:N-0001"], rows["parties:C-0001"]
    assert describe(rows["parties"], loaded) == DATED_GROUPS["parties"].count(len(rows) - 1)
    text = describe(notice, loaded)
    assert text.startswith("N-0001 业主委员会: 不续聘") and "最迟送达日 2026-10-02" in text and "已逾期" in text
    assert "待发" in text and text.endswith("民法典947")
    text = describe(contract, loaded)
    assert text.startswith("C-0001 绿源 [园林]") and "最后通知日 2026-11-21" in text and "提前解除" in text
    assert text.endswith("通知期 3个月")
    scale = Scale("week", date(2026, 9, 28))
    assert row_marks(notice, scale, TODAY)[0].style == "gantt--overdue"
    assert row_marks(rows["parties:N-0005"], scale, TODAY)[0].style == "gantt--deadline"  # T -30d: to come
