"""Staff placement (domain/staff.py, services/staff.py): values as typed (CJK, [brackets], yuan, dates, labels),
validation naming the field, severance computed on read as the calculator computes it (DOMAIN.md §5's worked
examples through the service), the project's figures over the rule profile's, art 42 refused or shown blocked,
the art 41 threshold and the follow-up tasks kept in step, totals that are sums of rows, the quick start's
figures, undo and deletion with the project."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from exit_tui.db.models import Employee, EmployeeTask, StaffSettings, Task
from exit_tui.domain.severance import Basis, Case, compute, local_wages
from exit_tui.i18n import set_language
from exit_tui.services import audit, checklist, projects, staff, undo
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.errors import UserError
from exit_tui.services.quickstart import quick_dashboard
from tests.helpers import PROJECT_ARGS, TODAY

TABLES = (Employee, EmployeeTask, StaffSettings)
#: The local figures of the test cases (DOMAIN.md §5): average 10,000.00 yuan (cap 30,000.00), minimum 2,000.00.
LOCAL = {"local_average": "10000", "minimum_wage": "2,000.00"}


def _error(backend, fn, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        backend.call(fn, *args, **kwargs)
    return caught.value


def _count(backend, model, project_id) -> int:
    return backend.call(lambda s: s.execute(
        select(func.count()).select_from(model).where(model.project_id == project_id)).scalar_one())


def _task(backend, project_id, ref):
    return backend.call(checklist.get_task, project_id, ref, TODAY)


def _links(backend, project_id) -> dict[str, str]:
    return dict(backend.call(lambda s: s.execute(
        select(EmployeeTask.public_id, EmployeeTask.task_ref).where(EmployeeTask.project_id == project_id)).all()))


@pytest.fixture
def local(backend, project):
    """The sample project with DOMAIN.md §5's local figures typed in its staff settings."""
    backend.call(staff.set_staff_settings, project.id, TODAY, **LOCAL)
    return project


# -- values as typed, validation -----------------------------------------------------------------------------------


def test_an_employee_is_added_from_values_as_typed(backend, local):
    added = backend.call(
        staff.add_employee, local.id, TODAY, name="  李四 [临时] ", employee_no=" N-007 ", position="保安员",
        team="秩序维护部", hire_date="2019年3月1日", contract_type="固定期限", contract_end="2027/2/28",
        wages="6000, 6200、¥6,100.50；6000", protected="孕期、产期、哺乳期", phone="138 0000 0000",
        note="备注 [重要]", placement="新公司接收", placement_target="新物业公司 [接管]", leaving_date="2026-12-31",
        placement_status="已计划", agreement_signed="是", renewal_refused="否")
    assert (added.public_id, added.name, added.employee_no, added.team) == ("E-0001", "李四 [临时]", "N-007",
                                                                            "秩序维护部")
    assert (added.hire_date, added.contract_type, added.contract_end) == (date(2019, 3, 1), "fixed",
                                                                          date(2027, 2, 28))
    assert added.wages_fen == (600_000, 620_000, 610_050, 600_000) and added.average_fen is None
    assert added.protected == ("maternity",) and added.blocks == ()  # a takeover is not restricted
    assert (added.placement, added.placement_status, added.agreement_signed) == ("taken-over", "planned", True)
    assert not added.leaving and added.severance is None and added.severance_error == ""
    assert added.tasks == ()  # a takeover ends nothing: no art 50 follow-ups
    assert backend.call(staff.list_employees, local.id) == [added]
    set_language("en")
    again = backend.call(staff.update_employee, local.id, "e-1", TODAY, placement="By agreement",
                         placement_status="Done", contract_type="Open-ended", average="6,000.00", wages="",
                         protected="")
    assert (again.placement, again.placement_status, again.contract_type) == ("agreed", "done", "open")
    assert (again.wages_fen, again.average_fen, again.protected) == ((), 600_000, ())
    assert again.leaving and again.severance is not None and len(again.tasks) == 3


@pytest.mark.parametrize(("values", "field", "key"), [
    ({"hire_date": "2020-01-01"}, "name", "staff.error.required"),
    ({"name": "王五"}, "hire_date", "staff.error.required"),
    ({"name": "王五", "hire_date": "someday"}, "hire_date", "error.bad_date"),
    ({"name": "王五", "hire_date": "2020-01-01", "leaving_date": "2026年13月1日"}, "leaving_date", "error.bad_date"),
    ({"name": "王五", "hire_date": "2020-01-01", "average": "6000.123"}, "average", "staff.error.bad_amount"),
    ({"name": "王五", "hire_date": "2020-01-01", "last_month": "-1"}, "last_month", "staff.error.bad_amount"),
    ({"name": "王五", "hire_date": "2020-01-01", "wages": "6000, 6000.001"}, "wages", "staff.error.bad_amount"),
    ({"name": "王五", "hire_date": "2020-01-01", "wages": ", ".join(["6000"] * 13)}, "wages",
     "staff.error.too_many_wages"),
    ({"name": "王五", "hire_date": "2020-01-01", "placement": "辞退"}, "placement", "staff.error.bad_choice"),
    ({"name": "王五", "hire_date": "2020-01-01", "placement_status": "maybe"}, "placement_status",
     "staff.error.bad_choice"),
    ({"name": "王五", "hire_date": "2020-01-01", "protected": "感冒"}, "protected", "staff.error.bad_choice"),
    ({"name": "王五", "hire_date": "2020-01-01", "agreement_signed": "也许"}, "agreement_signed",
     "staff.error.bad_flag"),
    ({"name": "王五", "hire_date": "2020-01-01", "leaving_date": "2019-12-31"}, "leaving_date",
     "staff.error.leaves_before_hired"),
    ({"name": "王五", "hire_date": "2020-01-01", "salary": "6000"}, "salary", "staff.error.unknown_field"),
])
def test_validation_names_the_field_and_writes_nothing(backend, project, values, field, key):
    error = _error(backend, staff.add_employee, project.id, TODAY, **values)
    assert (error.field, error.key) == (field, key)
    assert error.message() and "{" not in error.message()
    assert _count(backend, Employee, project.id) == 0


def test_settings_are_checked_and_cleared_back_to_the_profile(backend, project):
    for values, field in (({"workforce": "0"}, "workforce"), ({"workforce": "many"}, "workforce"),
                          ({"local_average": "0"}, "local_average"), ({"minimum_wage": "1.005"}, "minimum_wage"),
                          ({"colour": "red"}, "colour")):
        assert _error(backend, staff.set_staff_settings, project.id, TODAY, **values).field == field
    typed = backend.call(staff.set_staff_settings, project.id, TODAY, workforce="１２０", **LOCAL)
    assert (typed.workforce, typed.local_average_fen, typed.minimum_wage_fen) == (120, 1_000_000, 200_000)
    assert typed.profile_average_fen is None and typed.source == ""  # the national profile has no figures
    cleared = backend.call(staff.set_staff_settings, project.id, TODAY, workforce="", local_average="")
    assert (cleared.workforce, cleared.local_average_fen, cleared.minimum_wage_fen) == (None, None, 200_000)


# -- severance on read ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hired", "leaving", "values", "amount"), [
    # DOMAIN.md §5: 3 years 7 months at 6,000.00 -> N = 4: 24,000.00
    ("2021-01-01", "2024-07-31", {"average": "6000"}, 2_400_000),
    # 2 years 4 months at 6,000.00 -> N = 2.5: 15,000.00
    ("2022-01-01", "2024-04-30", {"average": "6000"}, 1_500_000),
    # 20 years at 40,000.00 > 3 × 10,000.00: 12 × 30,000.00 = 360,000.00
    ("2008-01-01", "2027-12-31", {"average": "40000"}, 36_000_000),
    # the first without 30 days' notice, last month 6,500.00: 24,000.00 + 6,500.00
    ("2021-01-01", "2024-07-31", {"average": "6000", "last_month": "6500", "placement": "art40-no-notice"},
     3_050_000),
])
def test_domain_worked_examples_through_the_service(backend, local, hired, leaving, values, amount):
    values = {"placement": "agreed", **values}
    employee = backend.call(staff.add_employee, local.id, TODAY, name="例", hire_date=hired, leaving_date=leaving,
                            **values)
    assert employee.severance.amount == employee.amount_fen == amount
    assert employee.severance_error == ""


def test_severance_on_read_is_the_calculators_for_the_same_case(backend):
    """On a profile with local wages: the profile's figures at the leaving date, then the project's own."""
    project = backend.call(projects.create_project, **{**PROJECT_ARGS, "rule_profile": "local-10d"}, today=TODAY)
    wages = (2_000_000, 4_000_000, 4_100_000, 3_900_000)
    values = {"name": "赵六", "hire_date": "2009-05-20", "wages": list(wages), "leaving_date": "2025-08-15",
              "placement": "art40-no-notice", "last_month": 4_200_000}
    employee = backend.call(staff.add_employee, project.id, TODAY, **values)
    profile = local_wages("local-10d", date(2025, 8, 15))
    case = Case(date(2009, 5, 20), date(2025, 8, 15), local_average=profile.average, minimum_wage=profile.minimum,
                wages=wages, last_month=4_200_000, basis=Basis.ART40_NO_NOTICE)
    assert employee.severance == compute(case)
    assert employee.severance.capped and employee.severance.wage_used == 3 * profile.average
    backend.call(staff.set_staff_settings, project.id, TODAY, local_average="20000")
    overridden = backend.call(staff.get_employee, project.id, employee.public_id)
    assert overridden.severance == compute(Case(**{**case.__dict__, "local_average": 2_000_000}))
    assert not overridden.severance.capped and overridden.amount_fen > employee.amount_fen
    backend.call(staff.set_staff_settings, project.id, TODAY, local_average="")
    assert backend.call(staff.get_employee, project.id, employee.public_id).severance == compute(case)


def test_zero_cases_and_what_cannot_be_computed_say_why(backend, project):
    def add(**values):
        return backend.call(staff.add_employee, project.id, TODAY, **{"name": "例", "hire_date": "2020-01-01",
                                                                      **values})
    assert add(placement="agreed", average="6000").severance_error == "staff.incomplete.no_leaving_date"
    assert add(placement="agreed", leaving_date="2026-12-31").severance_error == "staff.incomplete.no_wage"
    no_last_month = add(placement="art40-no-notice", leaving_date="2026-12-31", average="6000")
    assert no_last_month.severance_error == "staff.incomplete.no_last_month"
    national = add(placement="agreed", leaving_date="2026-12-31", average="6000")
    assert national.severance_error == "staff.incomplete.no_local_wages"
    assert "national" in national.severance_error_text and "2026-12-31" in national.severance_error_text
    backend.call(staff.set_staff_settings, project.id, TODAY, **LOCAL)
    too_many = add(hire_date="2026-10-01", placement="agreed", leaving_date="2026-12-31", wages="1,2,3,4")
    assert too_many.severance_error == "severance.error.wages_longer_than_service"
    assert "{" not in too_many.severance_error_text
    refused = add(placement="expiry", leaving_date="2026-12-31", average="6000", renewal_refused="yes")
    assert (refused.amount_fen, refused.severance.zero_reason) == (0, "zero.renewal_refused")
    proposed = add(placement="agreed", leaving_date="2026-12-31", average="6000", employee_proposed=True)
    assert proposed.severance.zero_reason == "zero.employee_proposed"
    for staying in ("transfer", "taken-over", ""):
        row = add(placement=staying, leaving_date="2026-12-31", average="6000")
        assert (row.severance, row.severance_error, row.leaving) == (None, "", False)
    summary = backend.call(staff.staff_summary, project.id, TODAY)
    assert summary.incomplete == ("E-0001", "E-0002", "E-0003", "E-0005")


# -- the law: art 42 and art 41 ------------------------------------------------------------------------------------


def test_art42_refuses_a_planned_dismissal_and_shows_a_later_flag_as_blocked(backend, local):
    protected = {"name": "孙七", "hire_date": "2018-01-01", "protected": "maternity", "average": "5000",
                 "leaving_date": "2026-12-31"}
    for placement in ("art40", "art40-no-notice", "经济性裁员"):
        error = _error(backend, staff.add_employee, local.id, TODAY, placement=placement, **protected)
        assert (error.field, error.key) == ("placement", "staff.error.art42")
        assert "42(4)" in error.message()
    agreed = backend.call(staff.add_employee, local.id, TODAY, placement="agreed", **protected)
    assert agreed.blocks == () and agreed.severance is not None
    assert _error(backend, staff.update_employee, local.id, agreed.public_id, TODAY, placement="art41").field == \
        "placement"
    expiry = backend.call(staff.update_employee, local.id, agreed.public_id, TODAY, placement="expiry")
    assert [b.kind for b in expiry.blocks] == ["deferred"]  # art 45: the contract runs on
    dismissed = backend.call(staff.add_employee, local.id, TODAY, name="周八", hire_date="2018-01-01",
                             placement="art40", average="5000", leaving_date="2026-12-31")
    flagged = backend.call(staff.update_employee, local.id, dismissed.public_id, TODAY, protected="医疗期内",
                           placement="art40")  # the form sends every field: the placement is unchanged, so kept
    assert [(b.kind, b.basis) for b in flagged.blocks] == [("blocked", "劳动合同法42(3)")]
    summary = backend.call(staff.staff_summary, local.id, TODAY)
    assert summary.blocked == (agreed.public_id, dismissed.public_id)
    assert backend.call(staff.figures_of, local.id).alerts == 2


def _layoffs(backend, project_id, count, first_day=date(2027, 1, 31)):
    """`count` art 41 layoffs through the bulk path (the first leaves first), then the follow-ups once."""
    def write(session):
        items = [{"name": f"员工{n}", "hire_date": "2015-06-01", "placement": "art41", "average": "5000",
                  "leaving_date": first_day + timedelta(days=min(n, 1))} for n in range(count)]
        audit.insert_rows(session, Employee.__table__, staff.new_rows(session, project_id, items))
        staff.sync_follow_ups(session, project_id, TODAY)
    backend.call(write)


@pytest.mark.parametrize(("workforce", "layoffs", "reached"), [
    (1000, 19, False), (1000, 20, True),  # 20 people, whatever the workforce
    (100, 9, False), (100, 10, True),  # fewer than 20: 10% of the workforce, exactly 10% counts
])
def test_art41_tasks_exist_once_from_the_threshold(backend, local, workforce, layoffs, reached):
    backend.call(staff.set_staff_settings, local.id, TODAY, workforce=str(workforce))
    _layoffs(backend, local.id, layoffs)
    summary = backend.call(staff.staff_summary, local.id, TODAY)
    assert (summary.layoffs, summary.workforce, summary.art41_reached) == (layoffs, workforce, reached)
    links = _links(backend, local.id)
    art41 = {name: ref for name, ref in links.items() if name.startswith("art41/")}
    assert len(links) - len(art41) == 3 * layoffs  # art 50 for each
    if not reached:
        assert art41 == {}
        return
    assert set(art41) == {"art41/layoff_explain", "art41/layoff_report"}
    dues = {name: _task(backend, local.id, ref).due_date for name, ref in art41.items()}
    assert dues == {"art41/layoff_explain": date(2027, 1, 1), "art41/layoff_report": date(2027, 1, 30)}
    staff_phase = _task(backend, local.id, art41["art41/layoff_report"]).phase_no
    assert staff_phase == 5 and _task(backend, local.id, art41["art41/layoff_report"]).legal_basis == "劳动合同法41"
    backend.call(staff.update_employee, local.id, "E-0001", TODAY, placement="agreed")  # one fewer: below again
    assert not backend.call(staff.staff_summary, local.id, TODAY).art41_reached
    assert not any(name.startswith("art41/") for name in _links(backend, local.id))
    refs = set(art41.values())
    assert not refs & set(backend.call(lambda s: s.execute(select(Task.public_id)).scalars().all()))


def test_without_a_typed_workforce_the_register_is_the_workforce(backend, local):
    _layoffs(backend, local.id, 2)
    backend.call(staff.add_employee, local.id, TODAY, name="留任", hire_date="2020-01-01", placement="transfer")
    summary = backend.call(staff.staff_summary, local.id, TODAY)
    assert (summary.workforce, summary.layoffs, summary.art41_reached) == (3, 2, True)


# -- follow-up tasks -----------------------------------------------------------------------------------------------


def test_follow_up_tasks_are_made_moved_and_removed(backend, local):
    employee = backend.call(staff.add_employee, local.id, TODAY, name="吴九 [保洁]", hire_date="2020-01-01",
                            placement="agreed", average="4000")
    assert employee.tasks == ()  # no leaving date yet
    employee = backend.call(staff.update_employee, local.id, "E-0001", TODAY, leaving_date="2027-01-10")
    tasks = [_task(backend, local.id, ref) for ref in employee.tasks]
    assert [t.due_date for t in tasks] == [date(2027, 1, 10), date(2027, 1, 25), date(2027, 1, 10)]
    assert all("吴九 [保洁]" in t.title_zh and t.phase_no == 5 and t.owner == "hr" for t in tasks)
    assert all(t.legal_basis == "劳动合同法50" for t in tasks)
    moved = backend.call(staff.update_employee, local.id, "E-0001", TODAY, leaving_date="2027-02-01")
    assert moved.tasks == employee.tasks
    assert [_task(backend, local.id, ref).due_date for ref in moved.tasks] == [
        date(2027, 2, 1), date(2027, 2, 16), date(2027, 2, 1)]
    renamed = backend.call(staff.update_employee, local.id, "E-0001", TODAY, name="吴九")
    assert all(_task(backend, local.id, ref).title_zh.endswith("吴九") for ref in renamed.tasks)
    certificate = moved.tasks[0]
    backend.call(checklist.toggle_done, local.id, certificate, TODAY)
    staying = backend.call(staff.update_employee, local.id, "E-0001", TODAY, placement="transfer")
    assert staying.tasks == () and _links(backend, local.id) == {}
    assert _task(backend, local.id, certificate).status == "done"  # done work stays on the checklist
    for ref in moved.tasks[1:]:
        with pytest.raises(UserError):
            _task(backend, local.id, ref)


def test_deleting_an_employee_takes_its_open_tasks(backend, local):
    first = backend.call(staff.add_employee, local.id, TODAY, name="郑十", hire_date="2020-01-01",
                         placement="agreed", average="4000", leaving_date="2027-01-10")
    backend.call(checklist.toggle_done, local.id, first.tasks[0], TODAY)
    backend.call(staff.delete_employee, local.id, first.public_id)
    assert _count(backend, Employee, local.id) == 0 and _links(backend, local.id) == {}
    assert _task(backend, local.id, first.tasks[0]).status == "done"
    assert _error(backend, staff.get_employee, local.id, first.public_id).key == "staff.error.not_found"
    again = backend.call(staff.add_employee, local.id, TODAY, name="郑十", hire_date="2020-01-01")
    assert again.public_id == "E-0002"  # ids are never reused


# -- totals, the dashboard and the quick start --------------------------------------------------------------------


def _register(backend, project_id):
    """A small register of every placement and status."""
    rows = [
        {"name": "甲", "hire_date": "2016-03-01", "placement": "agreed", "average": "6000",
         "leaving_date": "2026-12-31", "placement_status": "planned"},
        {"name": "乙", "hire_date": "2005-07-01", "placement": "expiry", "wages": "5000, 5200, 5100",
         "leaving_date": "2026-12-31", "placement_status": "done"},
        {"name": "丙", "hire_date": "2021-02-15", "placement": "art40", "average": "4500.50",
         "leaving_date": "2027-01-15"},
        {"name": "丁", "hire_date": "2019-09-01", "placement": "art40-no-notice", "wages": "7000, 7100",
         "last_month": "7300", "leaving_date": "2027-01-15", "placement_status": "planned"},
        {"name": "戊", "hire_date": "2012-01-01", "placement": "art41", "average": "40000",
         "leaving_date": "2027-01-31"},
        {"name": "己", "hire_date": "2012-01-01", "placement": "transfer", "placement_target": "P-0002 [北区]",
         "placement_status": "done"},
        {"name": "庚", "hire_date": "2012-01-01", "placement": "taken-over"},
        {"name": "辛", "hire_date": "2012-01-01"},
        {"name": "壬", "hire_date": "2012-01-01", "placement": "agreed"},  # incomplete
    ]
    for values in rows:
        backend.call(staff.add_employee, project_id, TODAY, **values)


def test_summary_totals_are_sums_of_the_rows(backend, local):
    _register(backend, local.id)
    rows = backend.call(staff.list_employees, local.id)
    summary = backend.call(staff.staff_summary, local.id, TODAY)
    assert summary.employees == len(rows) == sum(t.employees for t in summary.by_placement)
    assert (summary.pending, summary.planned, summary.done) == tuple(
        sum(r.placement_status == status for r in rows) for status in ("pending", "planned", "done"))
    assert summary.severance_fen == sum(r.amount_fen for r in rows) == sum(t.severance_fen
                                                                          for t in summary.by_placement)
    assert all(isinstance(t.severance_fen, int) for t in summary.by_placement)
    for total in summary.by_placement:
        assert total.severance_fen == sum(r.amount_fen for r in rows if r.placement == total.placement)
    assert [t.placement for t in summary.by_placement] == list(staff.PLACEMENTS)
    assert summary.incomplete == ("E-0009",) and summary.layoffs == 1 and summary.art41_reached  # 1 of 9 ≥ 10%
    before_2008 = next(r for r in rows if r.name == "乙")
    assert before_2008.severance.before_2008 is not None
    figures = backend.call(staff.figures_of, local.id)
    assert (figures.employees, figures.placed, figures.to_place, figures.severance_fen) == (
        9, 2, 7, summary.severance_fen)
    assert figures.alerts == 1 + len(summary.blocked) + len(summary.incomplete)


def test_the_quick_start_reads_the_staff_figures_alike(backend, local):
    _register(backend, local.id)
    path = backend.engine.url.database
    for today in (TODAY, TODAY + timedelta(days=90)):
        quick = quick_dashboard(path, local.id, today)
        assert quick.staff == backend.call(load_dashboard, local.id, today).staff
        assert quick.staff == backend.call(staff.figures_of, local.id) and quick.staff.employees == 9


# -- audit, undo, deletion -----------------------------------------------------------------------------------------


def test_an_employee_with_its_tasks_is_one_change_undone_whole(backend, local):
    tasks = _count(backend, Task, local.id)
    added = backend.call(staff.add_employee, local.id, TODAY, name="陈一", hire_date="2020-01-01",
                         placement="agreed", average="4000", leaving_date="2027-01-10")
    assert _count(backend, Task, local.id) == tasks + 3
    change = backend.call(undo.undo_last, local.id)
    assert {added.public_id, *added.tasks} <= set(change.rows)
    assert [_count(backend, model, local.id) for model in (Task, Employee, EmployeeTask)] == [tasks, 0, 0]
    backend.call(undo.undo_last, local.id)  # undo the undo: it all comes back
    assert backend.call(staff.get_employee, local.id, added.public_id).tasks == added.tasks
    moved = backend.call(staff.update_employee, local.id, added.public_id, TODAY, leaving_date="2027-03-01")
    assert _task(backend, local.id, moved.tasks[1]).due_date == date(2027, 3, 16)
    backend.call(undo.undo_last, local.id)
    assert backend.call(staff.get_employee, local.id, added.public_id).leaving_date == date(2027, 1, 10)
    assert _task(backend, local.id, moved.tasks[1]).due_date == date(2027, 1, 25)
    assert backend.call(audit.verify).ok


def test_deleting_the_project_takes_the_staff_rows_with_entries(backend, local):
    _register(backend, local.id)
    before = {model.__tablename__: _count(backend, model, local.id) for model in TABLES}
    assert all(before.values())
    entries = backend.call(audit.entry_count)
    backend.call(projects.delete_project, local.id)
    assert all(_count(backend, model, local.id) == 0 for model in TABLES)
    deleted: dict[str, int] = {}
    for entry in backend.call(audit.list_entries, local.id, None):
        if entry.id > entries and entry.entity in ("employee", "employee_task", "staff_settings"):
            assert entry.action == "delete" and json.loads(entry.old)["project_id"] == local.id
            deleted[entry.entity] = deleted.get(entry.entity, 0) + 1
    assert deleted == {"employee": before["employee"], "employee_task": before["employee_task"],
                       "staff_settings": 1}
    assert backend.call(audit.verify).ok


# -- the demo ------------------------------------------------------------------------------------------------------


def test_the_demo_has_a_staff_list_with_its_alerts(backend, demo):
    rows = backend.call(staff.list_employees, demo.id)
    assert 35 <= len(rows) <= 45 and {r.team for r in rows} >= {"秩序维护部", "环境部", "工程部", "客服部"}
    assert {r.placement for r in rows} == set(staff.PLACEMENTS)  # every placement, 待定 too
    assert {r.placement_status for r in rows} == {"pending", "planned", "done"}
    assert any("[临时]" in r.note for r in rows)
    (blocked,) = [r for r in rows if r.blocks]
    assert (blocked.placement, blocked.protected, blocked.blocks[0].kind) == ("art40", ("maternity",), "blocked")
    assert any(r.severance and r.severance.before_2008 for r in rows)
    assert any(r.average_fen and not r.wages_fen and r.severance for r in rows)
    summary = backend.call(staff.staff_summary, demo.id, TODAY)
    assert summary.art41_reached and summary.layoffs >= 5 and summary.blocked == (blocked.public_id,)
    assert len(summary.incomplete) == 1
    assert all(r.tasks for r in rows if r.leaving and r.leaving_date)
    assert {"art41/layoff_explain", "art41/layoff_report"} <= set(_links(backend, demo.id))
    figures = backend.call(load_dashboard, demo.id, TODAY).staff
    assert figures.alerts == 3 and figures.severance_fen == summary.severance_fen > 0
