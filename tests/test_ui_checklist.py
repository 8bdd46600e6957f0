"""Drive the checklist like a coordinator: filter, toggle, edit (bad and good input), add, delete."""

from textual.widgets import Input, Label, Select, Static

from exit_tui.domain.enums import TaskStatus
from exit_tui.services import audit, checklist
from exit_tui.services.checklist import TaskQuery
from exit_tui.services.readmodels import TaskChanges
from exit_tui.ui.modals.confirm import ConfirmScreen
from exit_tui.ui.modals.task_form import TaskForm
from exit_tui.ui.screens.checklist import ChecklistScreen
from exit_tui.ui.widgets.register_table import RegisterTable

from .ui_helpers import FROZEN_TODAY, demo_app, settle, task_keys


async def open_checklist(pilot):
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ChecklistScreen)
    return pilot.app.screen.query_one("#register", RegisterTable)


async def move_to(pilot, table: RegisterTable, public_id: str) -> None:
    assert table.move_to_key(public_id)
    await pilot.pause()


def services_called(app) -> list[str]:
    """Record the names of the services the app calls from now on."""
    calls: list[str] = []
    call_service = app.call_service

    def recording(service, /, *args, **kwargs):
        calls.append(service)
        return call_service(service, *args, **kwargs)

    app.call_service = recording
    return calls


def db_task(backend, project_id, public_id):
    return backend.call(checklist.get_task, project_id, public_id, FROZEN_TODAY)


def audit_count(backend, project_id) -> int:
    return len(backend.call(audit.list_entries, project_id, 100_000))


async def test_checklist_lists_every_task_grouped_by_phase(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        total = backend.call(checklist.list_tasks, project_id, TaskQuery(), FROZEN_TODAY).total
        assert len(task_keys(table)) == total
        headings = [k for k in table.view_keys() if k.startswith("phase:")]
        assert headings == [f"phase:{n}" for n in range(1, 21)]
        count_line = str(app.screen.query_one("#count-line", Label).render())
        assert f"显示 {total}/{total} 项" in count_line


async def test_filter_as_you_type_by_owner_role_in_chinese(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#filter", Input)
        calls = services_called(app)
        await pilot.press(*"财务")
        await settle(pilot)
        shown = task_keys(table)
        expected = backend.call(checklist.list_tasks, project_id, TaskQuery(text="财务"), FROZEN_TODAY).rows
        assert shown == [t.public_id for t in expected]
        assert shown and all(t.owner == "finance" or "财务" in t.title_zh + t.note for t in expected)
        assert "checklist.list_tasks" not in calls  # filtered in memory, not in the database
        await pilot.press("escape")  # one press: the text is cleared and the list has the focus
        await settle(pilot)
        assert app.focused is table
        assert app.screen.query_one("#filter", Input).value == ""
        assert len(task_keys(table)) > len(shown)


async def test_status_and_overdue_toggles(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        await pilot.press("s")  # all -> open
        await settle(pilot)
        assert app.screen.query_one("#status", Select).value == "open"
        rows = table.shown_rows()
        assert rows and all(t.status is not TaskStatus.DONE for t in rows)
        await pilot.press("o")  # overdue only
        await settle(pilot)
        overdue = backend.call(checklist.list_tasks, project_id, TaskQuery(overdue_only=True), FROZEN_TODAY).rows
        assert task_keys(table) == [t.public_id for t in overdue]
        assert overdue and all(t.due_date < FROZEN_TODAY and t.status is not TaskStatus.DONE for t in overdue)


async def test_space_toggles_done_and_back(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        target = next(t for t in table.shown_rows() if t.status is TaskStatus.TODO)
        await move_to(pilot, table, target.public_id)
        calls = services_called(app)
        await pilot.press("space")
        await settle(pilot)
        stored = db_task(backend, project_id, target.public_id)
        assert stored.status is TaskStatus.DONE and stored.done_on == FROZEN_TODAY
        assert "已完成" in table.cell_text(target.public_id, "status")
        assert calls == ["checklist.toggle_done"]  # that row is updated; the list is not read again
        assert table.cursor_key == target.public_id
        await pilot.press("space")
        await settle(pilot)
        assert db_task(backend, project_id, target.public_id).status is TaskStatus.TODO


async def test_ctrl_z_undoes_an_accidental_toggle_and_keeps_the_completion_date(tmp_path):
    """A done task toggled back to to-do by mistake: ctrl+z restores it with its original completion date."""
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        target = next(t for t in table.shown_rows() if t.status is TaskStatus.DONE and t.done_on < FROZEN_TODAY)
        await move_to(pilot, table, target.public_id)
        await pilot.press("space")
        await settle(pilot)
        assert db_task(backend, project_id, target.public_id).done_on is None
        await pilot.press("ctrl+z")
        await settle(pilot)
        stored = db_task(backend, project_id, target.public_id)
        assert (stored.status, stored.done_on) == (TaskStatus.DONE, target.done_on)
        assert "已完成" in table.cell_text(target.public_id, "status")
        last = backend.call(audit.list_entries, project_id, 1)[0]
        assert (last.action, last.public_id) == ("update", target.public_id)  # the undo is audited


async def test_switching_back_to_an_unchanged_checklist_reads_nothing_again(tmp_path):
    """A screen switch rebuilds nothing that did not change: the checklist is read again only after a write."""
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot)
        calls = services_called(app)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "checklist.list_tasks" not in calls
        backend.call(checklist.update_task, project_id, "T-0003", TaskChanges(note="另一窗口改的"), FROZEN_TODAY)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert calls.count("checklist.list_tasks") == 1  # written meanwhile (here: by another program)


async def test_a_task_past_its_statutory_limit_is_marked(tmp_path):
    """A task that serves a statutory deadline and is due after it is marked in the list (§) and counted."""
    from exit_tui.services import timeline
    from exit_tui.services.readmodels import PlanChange
    from tests.test_timeline import _task

    app, backend, project_id = demo_app(tmp_path)
    notice = _task(backend, project_id, "notice-947")
    backend.call(timeline.apply_replan, project_id, PlanChange("2026-12-20", task=notice.public_id))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        assert "§" in table.cell_text(notice.public_id, "due")
        assert "§ 迟于法定期限 1 项" in str(app.screen.query_one("#count-line", Label).render())


async def test_space_on_a_phase_heading_changes_nothing(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        before = audit_count(backend, project_id)
        await move_to(pilot, table, "phase:1")
        await pilot.press("space")
        await settle(pilot)
        assert audit_count(backend, project_id) == before


async def test_edit_with_a_bad_date_shows_the_error_and_saves_nothing(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        target = task_keys(table)[3]
        before = db_task(backend, project_id, target)
        entries = audit_count(backend, project_id)
        await move_to(pilot, table, target)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        due = form.query_one("#due", Input)
        due.value = "2026-02-30"
        await pilot.pause()
        hint = form.query_one("#field-due .hint", Static)
        assert hint.has_class("-error")
        assert "2026-02-30" in str(hint.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open, the user can correct it
        assert db_task(backend, project_id, target) == before
        assert audit_count(backend, project_id) == entries
        await pilot.press("escape", "y")  # the edit is thrown away only when the user says so
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert db_task(backend, project_id, target) == before


async def test_edit_owner_and_due_offset_is_saved_and_audited(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        target = task_keys(table)[0]
        await move_to(pilot, table, target)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        form.query_one("#owner", Input).value = "王经理"
        form.query_one("#due", Input).value = "移交日 +3天"
        form.query_one("#note", Input).value = "见会议纪要 [2026-11] 第3项"
        await pilot.pause()
        assert not form.query_one("#field-due .hint", Static).has_class("-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        stored = db_task(backend, project_id, target)
        project = app.project
        assert stored.owner == "王经理"
        assert stored.due_rule == "handover +3d"
        assert (stored.due_date - project.dates.handover).days == 3
        assert stored.note == "见会议纪要 [2026-11] 第3项"
        changed = {(e.public_id, e.field) for e in backend.call(audit.list_entries, project_id, 10)}
        assert {(target, "owner"), (target, "due_date"), (target, "note")} <= changed
        assert (target, "title_zh") not in changed  # untouched fields are not rewritten
        assert table.cell_text(target, "owner") == "王经理"


async def test_add_a_task_in_the_current_phase(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        total = len(task_keys(table))
        await move_to(pilot, table, "phase:4")
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        assert form.query_one("#phase", Select).value == 4
        form.query_one("#title", Input).value = "核对 [C区] 储藏室钥匙"
        form.query_one("#owner", Input).value = "工程维修"
        form.query_one("#due", Input).value = "2026年12月20日"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        keys = task_keys(table)
        assert len(keys) == total + 1
        new_id = max(keys)
        stored = db_task(backend, project_id, new_id)
        assert stored.title_zh == "核对 [C区] 储藏室钥匙"
        assert stored.owner == "engineering"
        assert stored.phase_no == 4 and stored.due_date.isoformat() == "2026-12-20" and stored.due_rule is None
        assert table.cursor_key == new_id


async def test_add_with_an_empty_title_is_refused_in_the_form(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        total = len(task_keys(table))
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#due", Input).value = "T-1d"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskForm)
        assert app.screen.query_one("#field-title .hint", Static).has_class("-error")
        await pilot.press("escape")
        await settle(pilot)
        assert len(task_keys(table)) == total


async def test_delete_asks_first_and_no_keeps_the_task(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        target = task_keys(table)[5]
        await move_to(pilot, table, target)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target in task_keys(table)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert target not in task_keys(table)
        remaining = backend.call(checklist.list_tasks, project_id, TaskQuery(text=target), FROZEN_TODAY)
        assert remaining.matching == 0
        last = backend.call(audit.list_entries, project_id, 1)[0]
        assert (last.action, last.public_id) == ("delete", target)


def counted_from(backend, project_id):
    """(task, the task it is counted from) of every task whose due is counted from another task."""
    rows = backend.call(checklist.list_tasks, project_id, TaskQuery(limit=100_000), FROZEN_TODAY).rows
    return [(t.public_id, t.due_rule.split()[0]) for t in rows if t.due_rule and t.due_rule.startswith("T-")]


async def test_deleting_a_task_others_count_from_names_them_and_keeps_their_dates(tmp_path):
    """The confirmation names the tasks counted from the one deleted; after it they keep their dates as fixed
    dates, and no rule points at the deleted task."""
    app, backend, project_id = demo_app(tmp_path)
    follower, leader = counted_from(backend, project_id)[0]
    due = db_task(backend, project_id, follower).due_date
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        await move_to(pilot, table, leader)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert any(follower in str(text.render()) for text in app.screen.query(Static))
        await pilot.press("y")
        await settle(pilot)
    assert leader not in {key for key, _leader in counted_from(backend, project_id)}
    assert all(anchor != leader for _key, anchor in counted_from(backend, project_id))
    after = db_task(backend, project_id, follower)
    assert (after.due_date, after.due_rule) == (due, None)


def test_delete_of_a_task_others_count_from_is_refused_without_detach(backend, demo):
    import pytest

    from exit_tui.services.errors import UserError

    follower, leader = counted_from(backend, demo.id)[0]
    assert follower in backend.call(checklist.dependants, demo.id, leader)[0]
    with pytest.raises(UserError) as caught:
        backend.call(checklist.delete_task, demo.id, leader)
    assert caught.value.key == "error.task_has_dependants" and follower in str(caught.value)
    assert db_task(backend, demo.id, leader).public_id == leader  # nothing deleted


async def test_changes_survive_a_restart(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        target = next(t for t in table.shown_rows() if t.status is TaskStatus.TODO).public_id
        await move_to(pilot, table, target)
        await pilot.press("space")
        await settle(pilot)
    backend.close()

    from exit_tui.services.backend import Backend
    from exit_tui.ui.app import ExitApp

    again = Backend.open(str(tmp_path / "ui.db"))
    app2 = ExitApp(again, project_id=project_id, today=FROZEN_TODAY)
    async with app2.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        assert "已完成" in table.cell_text(target, "status")


async def test_the_title_column_follows_the_terminal_size(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        narrow = table.column_width("title")
        target = task_keys(table)[2]
        await move_to(pilot, table, target)
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert table.column_width("title") == narrow + 40
        assert table.cursor_key == target  # the cursor stays on the same task
