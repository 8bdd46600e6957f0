"""Undo of the last change (ctrl+z): from the audit log, through the audited write path."""

import pytest

from exit_tui.domain.enums import TaskStatus
from exit_tui.services import audit, checklist, timeline, undo
from exit_tui.services.errors import UserError
from exit_tui.services.readmodels import TaskChanges
from tests.helpers import TODAY


def _task(backend, project_id, public_id):
    return backend.call(checklist.get_task, project_id, public_id, TODAY)


def test_undo_restores_the_original_completion_date(backend, demo):
    """Toggling a done task back to to-do loses its completion date; undo brings back exactly what it was."""
    done = next(t for t in backend.call(checklist.list_tasks, demo.id, checklist.TaskQuery(limit=10_000), TODAY).rows
                if t.status is TaskStatus.DONE and t.done_on and t.done_on < TODAY)
    backend.call(checklist.toggle_done, demo.id, done.public_id, TODAY)
    assert _task(backend, demo.id, done.public_id).done_on is None
    change = backend.call(undo.undo_last, demo.id)
    assert change.rows == (done.public_id,) and change.entries == 2  # status and the completion date
    back = _task(backend, demo.id, done.public_id)
    assert (back.status, back.done_on) == (TaskStatus.DONE, done.done_on)
    assert backend.call(audit.verify).ok


def test_undo_of_an_edit_that_moved_others_moves_them_back(backend, demo):
    tasks = {t.public_id: t for t in backend.call(checklist.list_tasks, demo.id, checklist.TaskQuery(limit=10_000),
                                                   TODAY).rows}
    follower = next(t for t in tasks.values() if t.due_rule and t.due_rule.startswith("T-")
                    and t.status is not TaskStatus.DONE)
    leader = follower.due_rule.split()[0]
    backend.call(checklist.update_task, demo.id, leader, TaskChanges(due="2027-03-01", note="改期"), TODAY)
    assert _task(backend, demo.id, follower.public_id).due_date != follower.due_date
    change = backend.call(undo.undo_last, demo.id)
    assert {leader, follower.public_id} <= set(change.rows)
    assert _task(backend, demo.id, follower.public_id).due_date == follower.due_date
    restored = _task(backend, demo.id, leader)
    assert (restored.due_date, restored.due_rule, restored.note) == (
        tasks[leader].due_date, tasks[leader].due_rule, tasks[leader].note)


def test_undo_of_add_and_delete(backend, demo):
    added = backend.call(checklist.add_task, demo.id, phase_no=4, title="临时任务 [x]", due="T-3d", today=TODAY)
    backend.call(undo.undo_last, demo.id)
    with pytest.raises(UserError):
        _task(backend, demo.id, added.public_id)
    before = _task(backend, demo.id, "T-0009")
    followers = backend.call(checklist.dependants, demo.id, "T-0009")
    backend.call(checklist.delete_task, demo.id, "T-0009", detach=bool(followers))
    backend.call(undo.undo_last, demo.id)
    assert _task(backend, demo.id, "T-0009") == before  # the whole row, under its old id
    assert backend.call(checklist.dependants, demo.id, "T-0009") == followers


def test_a_second_undo_redoes_and_an_occurrence_mark_is_undone(backend, demo):
    recurring = next(t for t in backend.call(checklist.list_tasks, demo.id, checklist.TaskQuery(limit=10_000),
                                              TODAY).rows if t.recurrence)
    occurrences = backend.call(timeline.list_occurrences, demo.id, recurring.public_id)
    day = next(o.day for o in occurrences if o.done_on is None)
    backend.call(timeline.set_occurrence_done, demo.id, recurring.public_id, day, True, TODAY)
    backend.call(undo.undo_last, demo.id)
    marks = {o.day: o.done_on for o in backend.call(timeline.list_occurrences, demo.id, recurring.public_id)}
    assert marks[day] is None
    backend.call(undo.undo_last, demo.id)  # undoing the undo marks it again
    marks = {o.day: o.done_on for o in backend.call(timeline.list_occurrences, demo.id, recurring.public_id)}
    assert marks[day] == TODAY


def test_the_creation_of_a_project_is_not_undone(backend):
    from exit_tui.services.projects import create_project
    from tests.helpers import PROJECT_ARGS

    project = backend.call(create_project, **PROJECT_ARGS, today=TODAY)
    change = backend.call(undo.last_change, project.id)
    assert change.rows[0] == project.public_id and change.entries > 100  # the project, its phases and tasks
    with pytest.raises(UserError) as caught:
        backend.call(undo.undo_last, project.id)
    assert caught.value.key == "undo.not_possible"
    assert backend.call(undo.last_change, project.id) == change  # nothing was written
