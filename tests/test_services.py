"""services/: projects, checklist, dashboard, demo and audit, each call run through Backend.call (one transaction)."""

from datetime import date, timedelta

import json

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import select

from exit_tui.db.models import AuditEntry, EmployeeTask, IdCounter, Phase, Project, Task
from exit_tui.domain.enums import Anchor, ExitType, TaskStatus
from exit_tui.domain.schedule import parse_rule
from exit_tui.domain.templates import demo_settings, load_template, roles
from exit_tui.services import audit, checklist, dashboard, demo as demo_service, projects
from exit_tui.services.checklist import TaskChanges, TaskQuery
from exit_tui.services.errors import NotFound, UserError
from tests.helpers import PROJECT_ARGS, SAMPLE_DATES, TODAY, count_rows


def _all_tasks(backend, project_id):
    return backend.call(checklist.list_tasks, project_id, TaskQuery(), TODAY).rows


def _query(backend, project_id, **query):
    return backend.call(checklist.list_tasks, project_id, TaskQuery(**query), TODAY)


def _row(backend, project_id, public_id) -> Task:
    return backend.call(
        lambda s: s.exec(select(Task).where(Task.project_id == project_id, Task.public_id == public_id)).one()
    )


def _audit(backend, project_id):
    return backend.call(audit.list_entries, project_id, 100_000)


def _counts(backend) -> dict[str, int]:
    return {model.__name__: count_rows(backend, model) for model in (Project, Phase, Task, AuditEntry, IdCounter)}


# --- create_project -------------------------------------------------------------------------------


def test_create_project_reads_back(project):
    assert project.public_id == "P-0001"
    assert project.name == "锦绣华庭物业退出"
    assert project.address == "上海市浦东新区锦绣路1号"
    assert project.units == 800
    assert project.exit_type is ExitType.CONTRACT_EXPIRY
    assert project.rule_profile == "national"
    assert project.dates == SAMPLE_DATES
    assert project.handover == date(2027, 1, 10)


def test_create_project_makes_twenty_phases_and_every_template_task(backend, project):
    template = load_template(ExitType.CONTRACT_EXPIRY)
    phases = backend.call(projects.list_phases, project.id)
    assert [(p.no, p.name_zh, p.name_en) for p in phases] == [(p.no, p.zh, p.en) for p in template.phases]
    tasks = _all_tasks(backend, project.id)
    assert len(tasks) == len(template.tasks)
    ids = sorted(t.public_id for t in tasks)
    assert ids == [f"T-{n:04d}" for n in range(1, len(template.tasks) + 1)]
    by_title = {t.title_zh: t for t in tasks}
    keyed = {item.key: item for item in template.tasks}
    for item in template.tasks:
        task = by_title[item.zh]
        assert (task.phase_no, task.title_en, task.owner, task.legal_basis) == (item.phase_no, item.en, item.owner, item.basis)
        assert task.due_date == template.due_dates(SAMPLE_DATES)[item.key]
        if item.after:  # counted from another template task: the rule names that task's public id
            assert task.due_rule == str(item.due).replace(item.after, by_title[keyed[item.after].zh].public_id)
        else:
            assert task.due_rule == str(item.due)
        assert task.recurrence == item.rrule
        assert task.status is TaskStatus.TODO and task.done_on is None
    # Creating a project records everything it created, each row whole: the project, its phases, its tasks.
    entries = list(reversed(_audit(backend, project.id)))
    assert [(e.action, e.entity) for e in entries[:2]] == [("create", "project"), ("create", "phase")]
    assert json.loads(entries[0].new)["name"] == PROJECT_ARGS["name"]
    assert sorted(e.public_id for e in entries if e.entity == "phase") == [f"{n:02d}" for n in range(1, 21)]
    created = {e.public_id: json.loads(e.new) for e in entries if e.entity == "task"}
    assert sorted(created) == ids and {e.action for e in entries} == {"create"}
    assert created["T-0001"]["title_zh"] == by_title[created["T-0001"]["title_zh"]].title_zh


def test_create_project_defaults(backend):
    created = backend.call(
        projects.create_project, name="  默认值  ", exit_type=ExitType.TRANSFER,
        contract_end=date(2026, 12, 31), handover=date(2027, 1, 10), today=TODAY,
    )
    assert created.name == "默认值"
    assert created.units == 0
    assert created.dates.decision == TODAY
    assert created.dates.continuation_end == date(2027, 4, 10)  # handover + 3 months
    assert created.exit_type is ExitType.TRANSFER


def test_create_project_reads_typed_dates_and_units(backend):
    created = backend.call(
        projects.create_project, name="X", exit_type="early-exit", decision="2026年6月1日",
        contract_end="２０２６／１２／３１", handover="2026.12.1", units=" １２００ ",
    )
    assert created.dates.decision == date(2026, 6, 1)
    assert created.dates.contract_end == date(2026, 12, 31)
    assert created.dates.handover == date(2026, 12, 1)
    assert created.units == 1200


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"name": "   "}, "name", "error.name_required"),
        ({"exit_type": "sell-out"}, "exit_type", "error.bad_exit_type"),
        ({"contract_end": "2026-13-01"}, "contract_end", "error.bad_date"),
        ({"handover": "next week"}, "handover", "error.bad_date"),
        ({"decision": "abc"}, "decision", "error.bad_date"),
        ({"continuation_end": "2027/02/30"}, "continuation_end", "error.bad_date"),
        ({"handover": ""}, "handover", "error.date_required"),
        ({"contract_end": " "}, "contract_end", "error.date_required"),
        ({"handover": "2026-12-30"}, "handover", "error.handover_before_contract_end"),
        ({"decision": "2027-02-01"}, "decision", "error.decision_after_handover"),
        ({"decision": "2027-01-01"}, "decision", "error.decision_after_contract_end"),
        ({"continuation_end": "2027-01-09"}, "continuation_end", "error.continuation_before_handover"),
        ({"units": -1}, "units", "error.bad_units"),
        ({"units": "-5"}, "units", "error.bad_units"),
        ({"units": "12.5"}, "units", "error.bad_units"),
        ({"units": 10**20}, "units", "error.bad_units"),
        ({"contract_end": "9999-12-25", "handover": "9999-12-31"}, "contract_end", "error.date_out_of_range"),
        ({"contract_end": "1900-01-01"}, "contract_end", "error.date_out_of_range"),
    ],
)
def test_create_project_validation_writes_nothing(backend, changes, field, key):
    before = _counts(backend)
    with pytest.raises(UserError) as caught:
        backend.call(projects.create_project, **{**PROJECT_ARGS, **changes})
    assert (caught.value.field, caught.value.key) == (field, key)
    assert _counts(backend) == before == {"Project": 0, "Phase": 0, "Task": 0, "AuditEntry": 0, "IdCounter": 0}


def test_user_error_message_is_translated():
    error = UserError("error.bad_date", field="handover", value="abc")
    assert str(error) == "无法识别的日期:abc(可写 2026-03-01、2026/3/1、2026年3月1日)"


@pytest.mark.parametrize("exit_type", ["early-exit", "transfer"])
def test_handover_before_contract_end_is_allowed_except_for_contract_expiry(backend, exit_type):
    created = backend.call(projects.create_project, **{**PROJECT_ARGS, "exit_type": exit_type, "handover": "2026-10-01"})
    assert created.dates.handover == date(2026, 10, 1)
    assert created.dates.handover < created.dates.contract_end


def test_project_ids_count_up_and_a_failed_create_uses_none(backend, project):
    with pytest.raises(UserError):
        backend.call(projects.create_project, **{**PROJECT_ARGS, "name": ""})
    second = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "第二个项目", "exit_type": "transfer"})
    assert second.public_id == "P-0002"
    assert [p.public_id for p in backend.call(projects.list_projects)] == ["P-0001", "P-0002"]
    # task ids are per project
    assert _all_tasks(backend, second.id)[0].public_id == "T-0001"
    assert len(_all_tasks(backend, second.id)) == len(load_template(ExitType.TRANSFER).tasks)


def test_find_project(backend, project):
    other = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "Other"})
    assert backend.call(projects.find_project, "P-0002") == other
    assert backend.call(projects.find_project, "p-0001") == project
    assert backend.call(projects.find_project, "  p-0002 ") == other
    assert backend.call(projects.find_project, "锦绣华庭物业退出") == project
    assert backend.call(projects.find_project, str(other.id)) == other
    with pytest.raises(NotFound) as caught:
        backend.call(projects.find_project, "P-0099")
    assert caught.value.key == "error.project_not_found"
    assert str(caught.value) == "找不到项目:P-0099"
    assert backend.call(projects.find_project, " ＯＴＨＥＲ ") == other  # names compare case- and width-folded
    with pytest.raises(NotFound):
        backend.call(projects.get_project, 999)


# --- list_tasks -----------------------------------------------------------------------------------


def test_text_filter_matches_chinese_role_name(backend, project):
    everything = _all_tasks(backend, project.id)
    finance = [t.public_id for t in everything if t.owner == "finance"]
    assert finance
    for text in ("财务", "Finance", "finance", "ＦＩＮＡＮＣＥ"):
        page = _query(backend, project.id, text=text)
        assert sorted(t.public_id for t in page.rows) == sorted(finance), text
        assert page.matching == len(finance) and page.total == len(everything)


def test_text_filter_matches_id_title_and_basis(backend, project):
    everything = _all_tasks(backend, project.id)
    assert [t.public_id for t in _query(backend, project.id, text="t-0007").rows] == ["T-0007"]
    assert [t.public_id for t in _query(backend, project.id, text="Ｔ－０００７").rows] == ["T-0007"]

    expected = [t.public_id for t in everything if t.legal_basis == "民法典947" or "民法典947" in t.title_zh]
    assert expected
    assert [t.public_id for t in _query(backend, project.id, text="民法典947").rows] == expected

    for text in ("NOTICE", "业委会", "合同", "engineering", "工程"):
        expected = [t.public_id for t in everything if _matches(t, text)]
        assert expected, text
        assert [t.public_id for t in _query(backend, project.id, text=text).rows] == expected, text


def _matches(task, text: str) -> bool:
    """What the checklist filter promises: id, titles, owner (key or role name), basis, note; any case."""
    needle = text.lower()
    role = roles().get(task.owner)
    fields = [task.public_id, task.title_zh, task.title_en, task.owner, task.legal_basis or "", task.note]
    fields += [role.zh, role.en] if role else []
    return any(needle in value.lower() for value in fields)


def test_text_filter_treats_like_wildcards_literally(backend, project):
    assert _query(backend, project.id, text="%").matching == 0
    assert _query(backend, project.id, text="100%").matching == 0
    underscores = [t.public_id for t in _all_tasks(backend, project.id) if "_" in t.owner]
    assert underscores  # owner keys such as project_manager
    assert [t.public_id for t in _query(backend, project.id, text="_").rows] == underscores
    backend.call(checklist.update_task, project.id, "T-0003", TaskChanges(note="完成 100% 的核对"), TODAY)
    assert [t.public_id for t in _query(backend, project.id, text="100%").rows] == ["T-0003"]


def test_status_phase_overdue_filters(backend, project):
    backend.call(checklist.set_status, project.id, "T-0001", TaskStatus.DONE, TODAY)
    backend.call(checklist.set_status, project.id, "T-0002", "doing", TODAY)
    backend.call(checklist.set_status, project.id, "T-0003", "blocked", TODAY)
    everything = _all_tasks(backend, project.id)

    page = _query(backend, project.id, statuses=frozenset({TaskStatus.DOING, TaskStatus.BLOCKED}))
    assert [t.public_id for t in page.rows] == ["T-0002", "T-0003"]
    assert [t.public_id for t in _query(backend, project.id, statuses=frozenset({TaskStatus.DONE})).rows] == ["T-0001"]
    todo = _query(backend, project.id, statuses=frozenset({TaskStatus.TODO}))
    assert todo.matching == len(everything) - 3

    overdue = [t.public_id for t in everything if t.status is not TaskStatus.DONE and t.due_date < TODAY]
    page = _query(backend, project.id, overdue_only=True)
    assert [t.public_id for t in page.rows] == overdue
    assert "T-0001" not in overdue and "T-0002" in overdue  # done is never overdue; doing can be
    assert all(t.overdue for t in page.rows)
    assert sum(t.overdue for t in everything) == len(overdue)

    phase4 = _query(backend, project.id, phase_no=4)
    assert {t.phase_no for t in phase4.rows} == {4}
    assert phase4.matching == len(load_template(ExitType.CONTRACT_EXPIRY).phases[3].tasks)

    combined = _query(backend, project.id, phase_no=4, text="财务")
    assert [t.public_id for t in combined.rows] == [t.public_id for t in everything if t.phase_no == 4 and t.owner == "finance"]


def test_list_orders_by_phase_then_due_and_limits(backend, project):
    everything = _all_tasks(backend, project.id)
    assert everything == sorted(everything, key=lambda t: (t.phase_no, t.due_date, t.public_id))
    page = _query(backend, project.id, limit=5)
    assert page.rows == everything[:5]
    assert (page.matching, page.total) == (len(everything), len(everything))
    page = _query(backend, project.id, text="财务", limit=2)
    assert len(page.rows) == 2 and page.matching == sum(t.owner == "finance" for t in everything)


# --- status ---------------------------------------------------------------------------------------


def test_toggle_done_sets_done_on_and_audits(backend, project):
    audit.set_actor("王经理")
    done = backend.call(checklist.toggle_done, project.id, "T-0005", TODAY)
    assert (done.status, done.done_on, done.overdue) == (TaskStatus.DONE, TODAY, False)
    assert _row(backend, project.id, "T-0005").done_on == TODAY
    back = backend.call(checklist.toggle_done, project.id, "T-0005", TODAY + timedelta(days=1))
    assert (back.status, back.done_on) == (TaskStatus.TODO, None)
    entries = [(e.actor, e.action, e.entity, e.public_id, e.field, e.old, e.new) for e in _audit(backend, project.id)[:4]]
    assert sorted(entries[:2]) == [  # one entry per column that changed: the status and the date it was done
        ("王经理", "update", "task", "T-0005", "done_on", "2026-11-28", None),
        ("王经理", "update", "task", "T-0005", "status", "done", "todo"),
    ]
    assert sorted(entries[2:]) == [
        ("王经理", "update", "task", "T-0005", "done_on", None, "2026-11-28"),
        ("王经理", "update", "task", "T-0005", "status", "todo", "done"),
    ]


def test_set_status(backend, project):
    before = len(_audit(backend, project.id))
    backend.call(checklist.set_status, project.id, "T-0006", "done", TODAY)
    blocked = backend.call(checklist.set_status, project.id, "T-0006", TaskStatus.BLOCKED, TODAY)
    assert (blocked.status, blocked.done_on) == (TaskStatus.BLOCKED, None)
    backend.call(checklist.set_status, project.id, "T-0006", "blocked", TODAY)  # no change, no entry
    assert len(_audit(backend, project.id)) == before + 4  # status and done_on, twice
    with pytest.raises(UserError) as caught:
        backend.call(checklist.set_status, project.id, "T-0006", "finished", TODAY)
    assert (caught.value.field, caught.value.key) == ("status", "error.bad_status")
    with pytest.raises(NotFound) as caught:
        backend.call(checklist.toggle_done, project.id, "T-9999", TODAY)
    assert caught.value.key == "error.task_not_found"


# --- update_task ----------------------------------------------------------------------------------


def test_update_audits_only_changed_fields(backend, project):
    task = backend.call(checklist.get_task, project.id, "T-0010", TODAY)
    before = len(_audit(backend, project.id))
    updated = backend.call(
        checklist.update_task, project.id, "T-0010",
        TaskChanges(title=task.title_zh, owner="finance", note="  业委会已签收  ", legal_basis=task.legal_basis or ""),
        TODAY,
    )
    assert (updated.owner, updated.note, updated.title_zh) == ("finance", "业委会已签收", task.title_zh)
    entries = _audit(backend, project.id)[: len(_audit(backend, project.id)) - before]
    assert sorted((e.field, e.old, e.new) for e in entries) == [
        ("note", "", "业委会已签收"), ("owner", task.owner, "finance"),
    ]


@pytest.mark.parametrize(("due", "key"), [("2026-02-30", "error.bad_due"), ("next week", "error.bad_due"),
                                          ("T+10x", "error.bad_due"), ("T+99999999d", "error.bad_due"),
                                          ("  ", "error.date_required")])
def test_bad_due_is_refused_and_nothing_changes(backend, project, due, key):
    before_row = _row(backend, project.id, "T-0011")
    before_counts = _counts(backend)
    with pytest.raises(UserError) as caught:
        backend.call(checklist.update_task, project.id, "T-0011", TaskChanges(title="新标题", owner="hr", due=due), TODAY)
    assert (caught.value.field, caught.value.key) == ("due", key)
    assert _row(backend, project.id, "T-0011") == before_row
    assert _counts(backend) == before_counts


def test_offset_due_stores_the_rule_and_a_date_clears_it(backend, project):
    moved = backend.call(checklist.update_task, project.id, "T-0012", TaskChanges(due="T+10d"), TODAY)
    assert (moved.due_date, moved.due_rule) == (date(2027, 1, 20), "handover +10d")
    row = _row(backend, project.id, "T-0012")
    assert (row.due_anchor, row.due_offset) == ("handover", "+10d")

    chinese = backend.call(checklist.update_task, project.id, "T-0012", TaskChanges(due="合同到期 -3个月"), TODAY)
    assert (chinese.due_date, chinese.due_rule) == (date(2026, 9, 30), "contract_end -3m")

    fixed = backend.call(checklist.update_task, project.id, "T-0012", TaskChanges(due="2026年12月1日"), TODAY)
    assert (fixed.due_date, fixed.due_rule) == (date(2026, 12, 1), None)
    row = _row(backend, project.id, "T-0012")
    assert (row.due_anchor, row.due_offset, row.due_date) == (None, None, date(2026, 12, 1))
    fields = [(e.field, e.old, e.new) for e in _audit(backend, project.id)[:3]]
    assert sorted(fields) == [
        ("due_anchor", "contract_end", None), ("due_date", "2026-09-30", "2026-12-01"), ("due_offset", "-3m", None),
    ]


def test_an_edited_title_is_one_text_in_both_languages(backend, project):
    """A template title is a zh/en pair until someone edits it; then it is the user's one text, kept exactly
    (trimmed at the ends only), whatever language the edit was made in."""
    untouched = backend.call(checklist.get_task, project.id, "T-0012", TODAY)
    assert untouched.title_zh != untouched.title_en
    updated = backend.call(
        checklist.update_task, project.id, "T-0013", TaskChanges(title="  Serve   the notice "), TODAY
    )
    assert (updated.title_zh, updated.title_en) == ("Serve   the notice", "Serve   the notice")
    entry = _audit(backend, project.id)[0]
    assert (entry.field, entry.old, entry.new) == ("title", None, "Serve   the notice")
    updated = backend.call(checklist.update_task, project.id, "T-0013", TaskChanges(title="送达　通知"), TODAY)
    assert (updated.title_zh, updated.title_en) == ("送达　通知", "送达　通知")


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        (TaskChanges(title="   "), "title", "error.title_required"),
        (TaskChanges(title="长" * 201), "title", "error.title_too_long"),
        (TaskChanges(legal_basis="x" * 41), "legal_basis", "error.basis_too_long"),
        (TaskChanges(status="finished"), "status", "error.bad_status"),
    ],
)
def test_update_validation(backend, project, changes, field, key):
    before = _counts(backend)
    with pytest.raises(UserError) as caught:
        backend.call(checklist.update_task, project.id, "T-0014", changes, TODAY)
    assert (caught.value.field, caught.value.key) == (field, key)
    assert _counts(backend) == before


def test_update_status_and_basis(backend, project):
    updated = backend.call(
        checklist.update_task, project.id, "T-0015", TaskChanges(status="done", legal_basis=" 民法典949 "), TODAY
    )
    assert (updated.status, updated.done_on, updated.legal_basis) == (TaskStatus.DONE, TODAY, "民法典949")
    cleared = backend.call(checklist.update_task, project.id, "T-0015", TaskChanges(legal_basis=""), TODAY)
    assert cleared.legal_basis is None


# --- add / delete ---------------------------------------------------------------------------------


def test_add_task_continues_ids_and_never_reuses_a_deleted_one(backend, project):
    count = len(load_template(ExitType.CONTRACT_EXPIRY).tasks)
    first = backend.call(
        checklist.add_task, project.id, phase_no=4, title=" 核对  停车卡押金 ", due="合同到期 -7天",
        owner="finance", legal_basis="民法典949", note=" 附收据 ", today=TODAY,
    )
    assert first.public_id == f"T-{count + 1:04d}"
    assert (first.title_zh, first.title_en, first.phase_no) == ("核对  停车卡押金", "核对  停车卡押金", 4)
    assert (first.due_date, first.due_rule, first.owner, first.note) == (date(2026, 12, 24), "contract_end -7d", "finance", "附收据")
    assert (first.status, first.legal_basis) == (TaskStatus.TODO, "民法典949")

    backend.call(checklist.delete_task, project.id, first.public_id)
    with pytest.raises(NotFound):
        backend.call(checklist.get_task, project.id, first.public_id, TODAY)
    second = backend.call(checklist.add_task, project.id, phase_no=20, title="回收垃圾桶", due="2027-02-01", today=TODAY)
    assert second.public_id == f"T-{count + 2:04d}"
    assert second.due_rule is None

    entries = [(e.action, e.public_id, json.loads(e.old or e.new)) for e in _audit(backend, project.id)[:3]]
    assert [(action, public_id, row["title"]) for action, public_id, row in entries] == [
        ("create", second.public_id, "回收垃圾桶"),
        ("delete", first.public_id, "核对  停车卡押金"),
        ("create", first.public_id, "核对  停车卡押金"),
    ]
    assert entries[1][2] == {**entries[2][2], "id": entries[1][2]["id"]}  # the delete keeps the whole row
    assert len(_all_tasks(backend, project.id)) == count + 1


@pytest.mark.parametrize(
    ("kwargs", "field", "key"),
    [
        ({"phase_no": 0}, "phase", "error.bad_phase"),
        ({"phase_no": 21}, "phase", "error.bad_phase"),
        ({"title": ""}, "title", "error.title_required"),
        ({"due": "someday"}, "due", "error.bad_due"),
        ({"due": ""}, "due", "error.date_required"),
    ],
)
def test_add_task_validation_writes_nothing(backend, project, kwargs, field, key):
    before = _counts(backend)
    arguments = {"phase_no": 3, "title": "新任务", "due": "T-1d", "today": TODAY, **kwargs}
    with pytest.raises(UserError) as caught:
        backend.call(checklist.add_task, project.id, **arguments)
    assert (caught.value.field, caught.value.key) == (field, key)
    assert _counts(backend) == before
    added = backend.call(checklist.add_task, project.id, phase_no=3, title="新任务", due="T-1d", today=TODAY)
    assert added.public_id == f"T-{len(load_template(ExitType.CONTRACT_EXPIRY).tasks) + 1:04d}"  # no id was used up


def test_delete_task_audits_and_unknown_id_is_not_found(backend, project):
    title = backend.call(checklist.get_task, project.id, "T-0020", TODAY).title_zh
    backend.call(checklist.delete_task, project.id, "T-0020")
    entry = _audit(backend, project.id)[0]
    assert (entry.action, entry.entity, entry.public_id) == ("delete", "task", "T-0020")
    assert json.loads(entry.old)["title_zh"] == title
    with pytest.raises(NotFound):
        backend.call(checklist.delete_task, project.id, "T-0020")


def test_each_call_is_one_transaction(backend, project):
    before = _counts(backend)

    def add_then_fail(session):
        checklist.add_task(session, project.id, phase_no=1, title="半途而废", due="T", today=TODAY)
        checklist.set_status(session, project.id, "T-0001", "done", TODAY)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        backend.call(add_then_fail)
    assert _counts(backend) == before
    assert _row(backend, project.id, "T-0001").status == "todo"


# --- change_project_date --------------------------------------------------------------------------


def test_change_project_date_moves_open_anchored_tasks_only(backend, project):
    everything = _all_tasks(backend, project.id)
    anchored = [t for t in everything if t.due_rule and t.due_rule.startswith("contract_end")]
    assert len(anchored) >= 4
    done_ids = {anchored[0].public_id, anchored[1].public_id}
    for public_id in done_ids:
        backend.call(checklist.set_status, project.id, public_id, "done", TODAY)
    fixed = anchored[2].public_id  # made absolute: it no longer follows the contract end
    backend.call(checklist.update_task, project.id, fixed, TaskChanges(due=anchored[2].due_date.isoformat()), TODAY)
    audit.set_actor("李主管")
    before_entries = len(_audit(backend, project.id))

    result = backend.call(projects.change_project_date, project.id, Anchor.CONTRACT_END, "2027-01-05")

    new_dates = projects.ProjectDates(**{**SAMPLE_DATES.__dict__, "contract_end": date(2027, 1, 5)})
    assert result.project.dates == new_dates
    assert result.kept_done == 2
    assert result.moved == len(anchored) - 3
    after = {t.public_id: t for t in _all_tasks(backend, project.id)}
    for task in everything:
        now = after[task.public_id]
        if task in anchored and task.public_id not in done_ids and task.public_id != fixed:
            assert now.due_date == parse_rule(task.due_rule).resolve(new_dates)
            assert now.due_date != task.due_date
        elif task.public_id == fixed:
            assert now.due_date == task.due_date
        else:
            assert now.due_date == task.due_date, task.public_id
    entries = _audit(backend, project.id)[: len(_audit(backend, project.id)) - before_entries]
    assert len(entries) == 1 + result.moved
    assert {e.actor for e in entries} == {"李主管"}
    project_entry = [e for e in entries if e.entity == "project"]
    assert [(e.public_id, e.field, e.old, e.new) for e in project_entry] == [("P-0001", "contract_end", "2026-12-31", "2027-01-05")]
    moved = {e.public_id: (e.field, e.old, e.new) for e in entries if e.entity == "task"}
    for public_id, (field, old, new) in moved.items():
        assert field == "due_date"
        assert new == after[public_id].due_date.isoformat() and old != new


def test_change_project_date_by_month_offset_keeps_month_ends(backend, project):
    backend.call(checklist.update_task, project.id, "T-0030", TaskChanges(due="移交日 -1个月"), TODAY)
    assert backend.call(checklist.get_task, project.id, "T-0030", TODAY).due_date == date(2026, 12, 10)
    backend.call(projects.change_project_date, project.id, "handover", date(2027, 3, 31))
    assert backend.call(checklist.get_task, project.id, "T-0030", TODAY).due_date == date(2027, 2, 28)


def test_change_project_date_refuses_a_bad_order_and_writes_nothing(backend, project):
    before_tasks = _all_tasks(backend, project.id)
    before = _counts(backend)
    for anchor, value, field, key in [
        ("contract_end", "2027-02-01", "handover", "error.handover_before_contract_end"),
        ("handover", "2026-12-01", "handover", "error.handover_before_contract_end"),
        ("decision", "2027-03-01", "decision", "error.decision_after_handover"),
        ("continuation_end", "2027-01-01", "continuation_end", "error.continuation_before_handover"),
        ("handover", "not a date", "handover", "error.bad_date"),
        ("handover", "", "handover", "error.date_required"),
    ]:
        with pytest.raises(UserError) as caught:
            backend.call(projects.change_project_date, project.id, anchor, value)
        assert (caught.value.field, caught.value.key) == (field, key), anchor
    assert _counts(backend) == before
    assert _all_tasks(backend, project.id) == before_tasks
    assert backend.call(projects.get_project, project.id).dates == SAMPLE_DATES


def test_change_project_date_to_the_same_day_does_nothing(backend, project):
    before = _counts(backend)
    result = backend.call(projects.change_project_date, project.id, "handover", "2027/1/10")
    assert (result.moved, result.kept_done) == (0, 0)
    assert _counts(backend) == before


# --- audit ----------------------------------------------------------------------------------------


def test_audit_actor_and_order(backend, project):
    audit.set_actor("张三")
    backend.call(checklist.set_status, project.id, "T-0001", "doing", TODAY)
    backend.call(checklist.update_task, project.id, "T-0001", TaskChanges(note="已开会"), TODAY)
    entries = _audit(backend, project.id)
    assert [(e.actor, e.field) for e in entries[:2]] == [("张三", "note"), ("张三", "status")]
    assert entries[-1].action == "create" and entries[-1].entity == "project"
    assert entries[0].at >= entries[-1].at
    assert len(backend.call(audit.list_entries, project.id, 1)) == 1
    other = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "B"})
    assert {e.public_id for e in _audit(backend, other.id) if e.entity == "project"} == {"P-0002"}  # per project


# --- dashboard and demo ---------------------------------------------------------------------------


def test_demo_project(backend, demo):
    cfg = demo_settings()
    assert demo.public_id == "P-0001"
    assert demo.name == cfg["name"]
    assert demo.units == 1200
    assert demo.exit_type is ExitType.CONTRACT_EXPIRY
    assert demo.dates.decision == TODAY - timedelta(days=120)
    assert demo.dates.contract_end == TODAY + timedelta(days=25)
    assert demo.dates.handover == TODAY + timedelta(days=35)
    assert demo.dates.continuation_end == demo.dates.handover + relativedelta(months=3)
    tasks = _all_tasks(backend, demo.id)
    statuses = [t.status for t in tasks]
    assert statuses.count(TaskStatus.DONE) > 10
    assert statuses.count(TaskStatus.DOING) > 0
    assert sum(t.overdue for t in tasks) > 0
    assert all(t.done_on == t.due_date for t in tasks if t.status is TaskStatus.DONE)  # done on the day
    risk_tasks = sum("task" in work for work in cfg["risks"]["work"]) + len(cfg["risks"]["drill"]["follow_ups"])
    staff_tasks = count_rows(backend, EmployeeTask)  # the staff's follow-ups (art 50 per leaver, art 41 once)
    assert len(tasks) == len(load_template(ExitType.CONTRACT_EXPIRY).tasks) + len(cfg["extra_task"]) + risk_tasks \
        + staff_tasks
    bracketed = _query(backend, demo.id, text="[B区]").rows
    assert len(bracketed) == 1
    assert bracketed[0].title_zh == "核对 [B区] 地下车库停车卡押金清单"
    assert bracketed[0].title_en == "核对 [B区] 地下车库停车卡押金清单"  # a user's task: one text
    assert (bracketed[0].phase_no, bracketed[0].owner, bracketed[0].due_rule) == (4, "finance", "contract_end -7d")


def test_dashboard_numbers_on_the_demo(backend, demo):
    board = backend.call(dashboard.load_dashboard, demo.id, TODAY)
    tasks = _all_tasks(backend, demo.id)
    open_tasks = [t for t in tasks if t.status is not TaskStatus.DONE]
    soon_end = TODAY + timedelta(days=7)
    assert board.overdue == sum(t.overdue for t in open_tasks) > 0
    assert board.due_soon == sum(TODAY <= t.due_date <= soon_end for t in open_tasks) > 0
    assert board.done == len(tasks) - len(open_tasks)
    assert board.total == len(tasks) == sum(p.total for p in board.phases)
    assert [p.no for p in board.phases] == list(range(1, 21))
    for phase in board.phases:
        in_phase = [t for t in tasks if t.phase_no == phase.no]
        assert phase.total == len(in_phase)
        assert phase.done == sum(t.status is TaskStatus.DONE for t in in_phase)
        assert phase.overdue == sum(t.overdue for t in in_phase)
    assert board.days_to_handover == 35
    assert board.days_to_contract_end == 25
    assert board.project == demo
    # Recurring tasks are listed by their late occurrence, and only when one is late.
    urgent = [t for t in open_tasks if t.due_date <= soon_end and (t.overdue or not t.recurrence)]
    urgent.sort(key=lambda t: (t.shown_due, t.public_id))
    assert board.next_up == urgent[:8]


def test_dashboard_of_a_fresh_project(backend, project):
    board = backend.call(dashboard.load_dashboard, project.id, date(2026, 5, 1), next_up=3)
    assert (board.overdue, board.done, board.due_soon) == (0, 0, 0)
    assert board.next_up == []
    assert board.days_to_handover == (date(2027, 1, 10) - date(2026, 5, 1)).days


def test_open_or_create_demo_keeps_the_users_changes(backend, demo):
    backend.call(checklist.update_task, demo.id, "T-0001", TaskChanges(note="我改过"), TODAY)
    again = backend.call(demo_service.open_or_create_demo, TODAY + timedelta(days=3))
    assert again == demo
    assert backend.call(checklist.get_task, demo.id, "T-0001", TODAY).note == "我改过"
    assert [p.public_id for p in backend.call(projects.list_projects)] == ["P-0001"]


def test_open_or_create_demo_creates_it_once(backend):
    first = backend.call(demo_service.open_or_create_demo, TODAY)
    assert (first.public_id, first.units) == ("P-0001", 1200)
    assert backend.call(demo_service.open_or_create_demo, TODAY).id == first.id
