"""Risks (domain/risks.py, services/risks.py): score and level at every threshold edge, thresholds from the rule
profile (a change re-levels without touching scores), status rules, drill schedules, the seed list by exit type,
validation naming the field, tasks linked from the risk and from a drill's follow-ups, the heatmap against the
register, the score history from the audit log, dated reviews and drills, undo and deletion with the project."""

import json
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from exit_tui.db.models import Risk, RiskDrill, RiskTask, Task
from exit_tui.domain import risks as domain
from exit_tui.domain.enums import ExitType
from exit_tui.domain.risks import Level, Status, Thresholds, can_move, level_of, score, seed_for, seed_risks
from exit_tui.domain.templates import TemplateError, data_dir, legal_bases
from exit_tui.services import audit, checklist, projects, risks, undo
from exit_tui.services.errors import UserError
from exit_tui.services.readmodels import RiskQuery
from tests.helpers import PROJECT_ARGS, TODAY

TABLES = (Risk, RiskDrill, RiskTask)


def _error(backend, fn, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        backend.call(fn, *args, **kwargs)
    return caught.value


def _count(backend, model, project_id) -> int:
    return backend.call(lambda s: s.execute(
        select(func.count()).select_from(model).where(model.project_id == project_id)).scalar_one())


# -- domain ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("likelihood", "impact", "expected"), [
    (1, 1, Level.LOW), (2, 2, Level.LOW), (1, 4, Level.LOW),  # 4: the last low
    (1, 5, Level.MEDIUM), (3, 3, Level.MEDIUM),  # 5 and 9: medium's edges
    (2, 5, Level.HIGH), (4, 4, Level.HIGH),  # 10 and 16: high's edges
    (4, 5, Level.EXTREME), (5, 5, Level.EXTREME),  # 20 (the next product after 16) and 25
])
def test_score_and_level_at_every_threshold_edge(likelihood, impact, expected):
    assert score(likelihood, impact) == likelihood * impact
    assert level_of(likelihood, impact) is expected


def test_every_product_has_a_level_and_the_gap_17_to_19_is_extreme():
    products = {lk * im for lk in range(1, 6) for im in range(1, 6)}
    assert not products & {17, 18, 19}
    levels = Thresholds()
    assert [levels.level(n) for n in (17, 18, 19)] == [Level.EXTREME] * 3
    assert {levels.level(n) for n in products} == set(Level)
    for bad in ((0, 3), (6, 1), (3, 0)):
        with pytest.raises(ValueError):
            score(*bad)
    for bad in ((5, 5, 16), (4, 9, 25), (0, 9, 16)):
        with pytest.raises(ValueError):
            Thresholds(*bad)


def test_status_moves():
    assert can_move(Status.IDENTIFIED, Status.RESPONDING) and can_move("responding", "occurred")
    assert can_move(Status.CLOSED, Status.IDENTIFIED)  # reopened
    assert not can_move(Status.CLOSED, Status.OCCURRED) and not can_move(Status.OCCURRED, Status.IDENTIFIED)
    assert all(can_move(status, status) for status in Status)


def test_drill_rules_are_checked_by_dateutil():
    assert domain.check_drill_rule(" rrule:freq=monthly;interval=2 ") == "FREQ=MONTHLY;INTERVAL=2"
    assert domain.check_drill_rule("") == ""
    for bad in ("monthly", "FREQ=SOMETIMES", "DTSTART:20260101\nRRULE:FREQ=DAILY"):
        with pytest.raises(ValueError):
            domain.check_drill_rule(bad)
    days = domain.drill_days("FREQ=MONTHLY;INTERVAL=2", date(2026, 1, 31), date(2026, 8, 1))
    assert days == [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31), date(2026, 7, 31)]


def test_the_seed_list_is_bilingual_and_rests_on_known_legal_bases():
    items = seed_risks()
    assert len(items) >= 10 and {item.category for item in items} == set(domain.Category)
    for item in items:
        assert all(getattr(item, name).strip() for name in domain._TEXTS), item.key
        assert item.basis is None or item.basis in legal_bases(), item.key
        assert 1 <= item.phase <= 20
    keys = {item.key for item in items}
    assert {"document-refusal", "owners-blocking", "staff-unrest", "management-gap", "lift-fire-interruption",
            "account-freeze", "public-opinion", "unsigned-items", "vendor-contracts", "owner-records-loss"} <= keys


def test_transfer_and_early_exit_seed_different_emphases():
    def ratings(exit_type):
        return {item.key: item.rating(exit_type) for item in seed_for(exit_type)}

    early, transfer = ratings(ExitType.EARLY_EXIT), ratings(ExitType.TRANSFER)
    assert "damages-claim" in early and "damages-claim" not in transfer
    assert "successor-not-ready" in transfer and "successor-not-ready" not in early
    for key in ("owners-blocking", "account-freeze"):  # owners blocking and fee disputes weigh more on an early exit
        assert score(*early[key]) > score(*transfer[key])


@pytest.fixture
def profiles(tmp_path, monkeypatch):
    """A copy of the data folder whose rule_profiles.toml the test may change (the levels' cache cleared)."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setattr(domain, "data_dir", lambda: folder)
    domain._profile_levels.cache_clear()
    yield folder / "rule_profiles.toml"
    domain._profile_levels.cache_clear()


def test_a_local_profile_inherits_or_overrides_the_thresholds(profiles):
    assert domain.thresholds_for("local-10d") == Thresholds() == domain.thresholds_for("no-such-profile")
    text = profiles.read_text("utf-8").replace('code = "local-10d"\nextends = "national"',
                                               'code = "local-10d"\nextends = "national"\nrisk_levels = { high = 12 }')
    profiles.write_text(text, "utf-8")
    domain._profile_levels.cache_clear()
    assert domain.thresholds_for("local-10d") == Thresholds(4, 9, 12)
    assert domain.thresholds_for("local-15d") == Thresholds()
    profiles.write_text(text.replace("high = 12", "high = 3"), "utf-8")
    domain._profile_levels.cache_clear()
    with pytest.raises(TemplateError, match="local-10d"):
        domain.thresholds_for("local-10d")


def test_a_threshold_change_relevels_without_touching_scores(backend, profiles):
    project = backend.call(projects.create_project, **{**PROJECT_ARGS, "rule_profile": "local-10d"}, today=TODAY)
    before = {r.public_id: (r.score, r.level) for r in backend.call(risks.list_risks, project.id)}
    entries = backend.call(audit.entry_count)
    assert any(level == "high" for _score, level in before.values())
    profiles.write_text(profiles.read_text("utf-8").replace(
        'code = "local-10d"\nextends = "national"', 'code = "local-10d"\nextends = "national"\n'
        "risk_levels = { low = 6, medium = 12, high = 19 }"), "utf-8")
    domain._profile_levels.cache_clear()
    after = {r.public_id: (r.score, r.level) for r in backend.call(risks.list_risks, project.id)}
    assert {k: s for k, (s, _level) in after.items()} == {k: s for k, (s, _level) in before.items()}
    assert after != before
    assert all(level == Thresholds(6, 12, 19).level(s).value for s, level in after.values())
    assert backend.call(audit.entry_count) == entries  # nothing written
    figures = backend.call(risks.figures_of, project.id, TODAY)
    assert (figures.extreme, figures.high, figures.medium, figures.low) == tuple(
        sum(1 for _s, level in after.values() if level == name) for name in ("extreme", "high", "medium", "low"))


# -- the register ------------------------------------------------------------------------------------------------


def test_new_projects_are_seeded_by_exit_type(backend):
    for index, exit_type in enumerate(ExitType):
        project = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": f"项目{index}",
                                                          "exit_type": exit_type}, today=TODAY)
        rows = backend.call(risks.list_risks, project.id)
        seeds = seed_for(exit_type)
        assert [r.title for r in rows] == [item.zh for item in seeds]
        assert [(r.likelihood, r.impact) for r in rows] == [item.rating(exit_type) for item in seeds]
        assert all(r.status == "identified" and r.public_id.startswith("R-") for r in rows)
        assert backend.call(risks.seed_register, project.id) == 0


def test_add_update_and_validation_name_the_field(backend, project):
    added = backend.call(risks.add_risk, project.id, title="  地下车库 [B2] 积水 ", category="安全",
                         likelihood="２", impact=5, next_review="2026年12月5日", drill_rule="freq=weekly")
    assert (added.title, added.category, added.score, added.level) == ("地下车库 [B2] 积水", "safety", 10, "high")
    assert (added.next_review, added.drill_rule, added.status) == (date(2026, 12, 5), "FREQ=WEEKLY", "identified")
    cases = [
        ({"category": "safety"}, "title"), ({"title": "x"}, "category"),
        ({"title": "x", "category": "safety", "likelihood": 6}, "likelihood"),
        ({"title": "x", "category": "safety", "impact": "high"}, "impact"),
        ({"title": "x", "category": "weather"}, "category"),
        ({"title": "x", "category": "safety", "drill_rule": "每月"}, "drill_rule"),
        ({"title": "x", "category": "safety", "next_review": "someday"}, "next_review"),
        ({"title": "x", "category": "safety", "colour": "red"}, "colour"),
    ]
    for values, field in cases:
        assert _error(backend, risks.add_risk, project.id, **values).field == field
    changed = backend.call(risks.update_risk, project.id, added.public_id.lower(), likelihood=4, owner="王工",
                           plan="抽水泵待命", plan_lead="王工", plan_phone="13800000000")
    assert (changed.score, changed.level, changed.owner, changed.plan) == (20, "extreme", "王工", "抽水泵待命")
    from exit_tui.i18n import set_language

    set_language("en")
    assert backend.call(risks.get_risk, project.id, "R-0001").title == seed_for("contract-expiry")[0].en
    assert backend.call(risks.get_risk, project.id, added.public_id).title == "地下车库 [B2] 积水"  # typed: one text


def test_moves_follow_the_rules(backend, project):
    assert backend.call(risks.move, project.id, "R-0001", "应对中").status == "responding"
    assert backend.call(risks.move, project.id, "R-0001", "occurred").status == "occurred"
    error = _error(backend, risks.move, project.id, "R-0001", "identified")
    assert error.field == "status" and error.key == "risks.error.bad_move"
    assert backend.call(risks.move, project.id, "R-0001", "已关闭").status == "closed"
    assert backend.call(risks.move, project.id, "R-0001", "identified").status == "identified"


def test_a_task_made_from_a_risk_is_linked_back(backend, project):
    backend.call(risks.update_risk, project.id, "R-0002", owner="项目经理", next_review="2026-12-20")
    task_id = backend.call(risks.create_task_for, project.id, "R-0002", TODAY)
    task = backend.call(checklist.get_task, project.id, task_id, TODAY)
    risk = backend.call(risks.get_risk, project.id, "R-0002")
    assert (task.owner, task.due_date, task.phase_no) == ("项目经理", date(2026, 12, 20), risk.phase_no)
    assert risk.title in task.title_zh and risk.tasks == (task_id,)
    other = backend.call(risks.create_task_for, project.id, "R-0002", TODAY, title="召开说明会", due="T-5d")
    assert backend.call(risks.get_risk, project.id, "R-0002").tasks == (task_id, other)
    backend.call(checklist.delete_task, project.id, task_id)  # the checklist's own: the link is then skipped
    assert backend.call(risks.get_risk, project.id, "R-0002").tasks == (other,)


def test_a_drills_follow_ups_become_linked_tasks(backend, project):
    backend.call(risks.update_risk, project.id, "R-0005", plan_lead="张工")
    drill = backend.call(risks.add_drill, project.id, "R-0005", "2026-11-20", TODAY, participants="工程部",
                         scenario="电梯困人", findings="到场慢",
                         follow_ups=["签订到场承诺", {"title": "培训值班员", "due": "2026-12-01", "owner": "李"}])
    assert drill.public_id == "X-0001" and drill.risk == "R-0005" and len(drill.tasks) == 2
    first, second = (backend.call(checklist.get_task, project.id, ref, TODAY) for ref in drill.tasks)
    assert (first.title_zh, first.owner, first.due_date) == ("签订到场承诺", "张工", date(2026, 12, 4))
    assert (second.owner, second.due_date) == ("李", date(2026, 12, 1))
    assert backend.call(risks.get_risk, project.id, "R-0005").tasks == drill.tasks
    assert backend.call(risks.list_drills, project.id, "r-5") == [drill]
    assert _error(backend, risks.add_drill, project.id, "R-0005", "", TODAY).field == "held_on"


def test_a_drill_from_the_form_is_corrected_and_deleted_keeping_its_tasks(backend, project):
    drill = backend.call(risks.record_drill, project.id, TODAY, risk="r-3", held_on="2026年11月20日",
                         scenario="停电", follow_ups="检查发电机；更新联系表\n 通知业主 ;")
    assert drill.risk == "R-0003" and drill.held_on == date(2026, 11, 20) and len(drill.tasks) == 3
    fixed = backend.call(risks.update_drill, project.id, drill.public_id, TODAY, findings="[发电机] 未启动",
                         risk="R-0003", follow_ups="复查")
    assert fixed.findings == "[发电机] 未启动" and fixed.tasks[:3] == drill.tasks and len(fixed.tasks) == 4
    assert _error(backend, risks.update_drill, project.id, drill.public_id, TODAY, risk="R-0001").field == "risk"
    assert _error(backend, risks.update_drill, project.id, drill.public_id, TODAY, held_on="").field == "held_on"
    assert _error(backend, risks.update_drill, project.id, drill.public_id, TODAY, status="x").field == "status"
    backend.call(risks.delete_drill, project.id, drill.public_id)
    assert backend.call(risks.list_drills, project.id) == []
    assert backend.call(risks.get_risk, project.id, "R-0003").tasks == fixed.tasks  # still linked to the risk
    assert backend.call(audit.verify).ok


def test_the_score_history_comes_from_the_audit_log(backend, project):
    start = backend.call(risks.score_history, project.id, "R-0003")
    assert len(start) == 1
    backend.call(risks.update_risk, project.id, "R-0003", likelihood=5)
    backend.call(risks.update_risk, project.id, "R-0003", owner="nobody")  # no point: the rating is unchanged
    backend.call(risks.update_risk, project.id, "R-0003", likelihood=2, impact=2)  # one change, one point
    history = backend.call(risks.score_history, project.id, "R-0003")
    assert [(p.likelihood, p.impact) for p in history] == [
        (start[0].likelihood, start[0].impact), (5, start[0].impact), (2, 2)]
    assert history[-1].score == 4 and all(p.day >= start[0].day for p in history)


def test_the_heatmap_counts_the_registers_risks_per_cell(backend, demo):
    for query in (RiskQuery(), RiskQuery(categories=("safety", "owners")), RiskQuery(levels=("high", "extreme")),
                  RiskQuery(text="业主"), RiskQuery(statuses=("closed",))):
        heat = backend.call(risks.heatmap, demo.id, query)
        shown = backend.call(risks.list_risks, demo.id,
                             RiskQuery(query.statuses or tuple(risks.OPEN), query.categories, query.levels,
                                       query.text))
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                cell = [r for r in shown if (r.likelihood, r.impact) == (likelihood, impact)]
                assert heat.count(likelihood, impact) == len(cell), (query, likelihood, impact)
                on_cell = backend.call(risks.list_risks, demo.id, RiskQuery(
                    query.statuses or tuple(risks.OPEN), query.categories, query.levels, query.text,
                    (likelihood, impact)))
                assert on_cell == cell
        assert heat.total == len(shown)
    heat = backend.call(risks.heatmap, demo.id)
    assert heat.levels[4][4] == "extreme" and heat.levels[0][0] == "low" and heat.levels[1][1] == "low"
    assert heat.total == sum(1 for r in backend.call(risks.list_risks, demo.id) if r.status != "closed")


def test_reviews_and_drills_are_dated_items(backend, project):
    backend.call(risks.update_risk, project.id, "R-0001", next_review="2026-12-15", drill_rule="",
                 owner="刘")
    backend.call(risks.update_risk, project.id, "R-0002", drill_rule="FREQ=MONTHLY", drill_start="2026-12-05",
                 plan_lead="王")
    items = backend.call(risks.dated_items, project.id)
    review = [item for item in items if item.public_id == "R-0001"]
    assert [(i.kind, i.day, i.note, i.key) for i in review] == [("review", date(2026, 12, 15), "刘", "R-0001/review")]
    drills = [item.day for item in items if item.public_id == "R-0002"]
    assert drills[0] == date(2026, 12, 5) and drills[-1] <= PROJECT_ARGS_CONTINUATION
    assert drills == sorted(drills) and len(drills) == 5  # Dec 5 .. Apr 5 (continuation ends Apr 10)
    assert [i.day for i in items] == sorted(i.day for i in items)
    backend.call(risks.move, project.id, "R-0002", "closed")  # a closed risk has nothing due
    assert all(item.public_id != "R-0002" for item in backend.call(risks.dated_items, project.id))


PROJECT_ARGS_CONTINUATION = date.fromisoformat(PROJECT_ARGS["continuation_end"])


def test_overdue_reviews_count_on_the_dashboard_figures(backend, project):
    backend.call(risks.update_risk, project.id, "R-0001", next_review=TODAY - timedelta(days=1))
    backend.call(risks.update_risk, project.id, "R-0002", next_review=TODAY)
    backend.call(risks.update_risk, project.id, "R-0003", next_review=TODAY - timedelta(days=3), status="closed")
    figures = backend.call(risks.figures_of, project.id, TODAY)
    assert figures.overdue_reviews == 1
    assert figures.open == len(backend.call(risks.list_risks, project.id)) - 1


# -- audit, undo, deletion ---------------------------------------------------------------------------------------


def test_changes_are_audited_and_undone(backend, project):
    backend.call(risks.update_risk, project.id, "R-0004", likelihood=5, status="responding")
    entries = [e for e in backend.call(audit.list_entries, project.id, 2) if e.entity == "risk"]
    assert {(e.field, e.old, e.new) for e in entries} == {("likelihood", "2", "5"),
                                                          ("status", "identified", "responding")}
    backend.call(undo.undo_last, project.id)
    risk = backend.call(risks.get_risk, project.id, "R-0004")
    assert (risk.likelihood, risk.status) == (2, "identified")
    assert backend.call(audit.verify).ok


def test_a_drill_with_its_follow_ups_is_one_change_undone_whole(backend, project):
    tasks = _count(backend, Task, project.id)
    drill = backend.call(risks.add_drill, project.id, "R-0002", TODAY, TODAY, findings="慢",
                         follow_ups=["甲", "乙"])
    assert _count(backend, Task, project.id) == tasks + 2
    change = backend.call(undo.undo_last, project.id)
    assert set(drill.tasks) | {drill.public_id} <= set(change.rows)
    assert [_count(backend, model, project.id) for model in (Task, RiskDrill, RiskTask)] == [tasks, 0, 0]
    assert backend.call(risks.list_drills, project.id) == []


def test_deleting_a_risk_or_the_project_takes_its_rows_with_entries(backend, project):
    backend.call(risks.add_drill, project.id, "R-0001", TODAY, TODAY, follow_ups=["补充预案"])
    backend.call(risks.create_task_for, project.id, "R-0002", TODAY)
    backend.call(risks.delete_risk, project.id, "R-0001")
    assert _count(backend, RiskDrill, project.id) == 0 and _count(backend, RiskTask, project.id) == 1
    assert _count(backend, Task, project.id) > 0
    assert backend.call(risks.add_risk, project.id, title="新风险", category="data").public_id != "R-0001"
    before = {model.__tablename__: _count(backend, model, project.id) for model in TABLES}
    entries = backend.call(audit.entry_count)
    backend.call(projects.delete_project, project.id)
    assert all(_count(backend, model, project.id) == 0 for model in TABLES)
    deleted: dict[str, int] = {}
    for entry in backend.call(audit.list_entries, project.id, None):
        if entry.id > entries and entry.entity in ("risk", "drill", "risk_task"):
            assert entry.action == "delete" and json.loads(entry.old)["project_id"] == project.id
            deleted[entry.entity] = deleted.get(entry.entity, 0) + 1
    assert deleted == {"risk": before["risk"], "risk_task": before["risk_task"]}
    assert backend.call(audit.verify).ok


# -- the demo ------------------------------------------------------------------------------------------------------


def test_the_demo_register_is_seeded_and_partly_worked(backend, demo):
    rows = backend.call(risks.list_risks, demo.id)
    statuses = [r.status for r in rows]
    assert statuses.count("responding") >= 2 and statuses.count("occurred") == 1 and "closed" in statuses
    occurred = next(r for r in rows if r.status == "occurred")
    (drill,) = backend.call(risks.list_drills, demo.id, occurred.public_id)
    assert drill.findings and drill.tasks and set(drill.tasks) <= set(occurred.tasks)
    for ref in drill.tasks:
        assert backend.call(checklist.get_task, demo.id, ref, TODAY).status == "todo"
    assert any(r.tasks for r in rows if r.status == "responding")
    figures = backend.call(risks.figures_of, demo.id, TODAY)
    assert figures.extreme >= 1 and figures.overdue_reviews >= 1
    assert any(item.kind == "drill" for item in backend.call(risks.dated_items, demo.id))


# -- the dashboard's figures, read alike by the quick start ---------------------------------------------------------


def test_the_quick_start_reads_the_risk_figures_alike_from_an_index(backend, demo, monkeypatch):
    import sqlite3
    from contextlib import closing

    from exit_tui.services.dashboard import load_dashboard
    from exit_tui.services.quickstart import quick_dashboard

    path = backend.engine.url.database
    backend.call(risks.update_risk, demo.id, "R-0001", likelihood=5, impact=5, next_review=TODAY - timedelta(days=9))
    backend.call(risks.move, demo.id, "R-0003", "closed")
    for today in (TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=30)):
        live = backend.call(load_dashboard, demo.id, today).risks
        assert quick_dashboard(path, demo.id, today).risks == live == backend.call(risks.figures_of, demo.id, today)
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    assert quick_dashboard(path, demo.id, TODAY).risks.extreme >= 2
    with closing(connect(path)) as db:
        plans = {sql: [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in statements
                 if sql.startswith("SELECT") and " risk " in f"{sql} "}
    assert len(plans) == 3
    figures = {sql: plan for sql, plan in plans.items() if "count(*)" in sql}  # the card's: from the index alone
    assert len(figures) == 2
    assert all(any("COVERING INDEX ix_risk_project_status" in step for step in plan) for plan in figures.values())
    # The late reviews of the next-up list (their titles): the few rows found through the same index.
    (late,) = (plan for sql, plan in plans.items() if sql not in figures)
    assert any("USING INDEX ix_risk_project_status" in step for step in late)
