"""Replanning and recurring tasks, driven like a coordinator: preview first, apply only when confirmed."""

from datetime import timedelta

from sqlmodel import select
from textual.widgets import Input, SelectionList, Static

from exit_tui.db.models import Task
from exit_tui.services import projects, timeline
from exit_tui.ui.modals.occurrences import OccurrencesDialog
from exit_tui.ui.modals.replan import ProjectDateForm, ReplanDialog
from exit_tui.ui.modals.task_form import TaskForm
from exit_tui.ui.screens.checklist import ChecklistScreen

from .test_ui_checklist import move_to, open_checklist
from .ui_helpers import FROZEN_TODAY, demo_app, settle


def by_template(backend, project_id, key) -> Task:
    return backend.call(
        lambda s: s.exec(select(Task).where(Task.project_id == project_id, Task.template_key == key)).one()
    )


def dialog_text(app) -> str:
    return str(app.screen.query_one("#replan-text", Static).render())


async def edit_due(pilot, table, public_id: str, value: str) -> None:
    await move_to(pilot, table, public_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TaskForm)
    pilot.app.screen.query_one("#due", Input).value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_due_change_that_moves_others_is_previewed_then_applied(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        punch = by_template(backend, project_id, "punch-list")
        acceptance = by_template(backend, project_id, "joint-acceptance")
        new_day = punch.due_date + timedelta(days=4)
        await edit_due(pilot, table, punch.public_id, new_day.isoformat())
        assert isinstance(app.screen, ReplanDialog)
        text = dialog_text(app)
        assert acceptance.public_id in text and "+4" in text
        assert by_template(backend, project_id, "punch-list").due_date == punch.due_date  # nothing written yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert by_template(backend, project_id, "punch-list").due_date == new_day
        assert by_template(backend, project_id, "joint-acceptance").due_date == acceptance.due_date + timedelta(days=4)


async def test_cancelling_the_preview_keeps_the_form_and_writes_nothing(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        punch = by_template(backend, project_id, "punch-list")
        await edit_due(pilot, table, punch.public_id, (punch.due_date + timedelta(days=9)).isoformat())
        assert isinstance(app.screen, ReplanDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TaskForm)  # back in the form to adjust the date
        assert by_template(backend, project_id, "punch-list").due_date == punch.due_date


async def test_a_due_loop_is_refused_in_the_form(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        punch = by_template(backend, project_id, "punch-list")
        acceptance = by_template(backend, project_id, "joint-acceptance")
        await edit_due(pilot, table, punch.public_id, f"{acceptance.public_id} +1d")
        assert isinstance(app.screen, TaskForm)
        error = str(app.screen.query_one("#field-due .hint", Static).render())
        assert f"{punch.public_id} -> {acceptance.public_id} -> {punch.public_id}" in error
        await pilot.press("escape")


async def test_r_changes_t_after_a_preview(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.project.dates.handover
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ProjectDateForm)
        app.screen.query_one("#value", Input).value = (before + timedelta(days=7)).isoformat()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReplanDialog)
        assert "+7" in dialog_text(app)
        assert backend.call(projects.get_project, project_id).dates.handover == before
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert backend.call(projects.get_project, project_id).dates.handover == before + timedelta(days=7)
        assert app.project.dates.handover == before + timedelta(days=7)  # the header follows


async def test_occurrences_are_marked_one_by_one(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_checklist(pilot)
        meeting = by_template(backend, project_id, "team-meeting")
        await move_to(pilot, table, meeting.public_id)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, OccurrencesDialog)
        listing = app.screen.query_one("#occurrences", SelectionList)
        assert listing.option_count > 10
        before = backend.call(timeline.list_occurrences, project_id, meeting.public_id)
        last = len(before) - 1  # ahead of today: still open in the demo
        assert before[last].done_on is None and before[0].done_on is not None
        listing.highlighted = last
        await pilot.press("space")
        await settle(pilot)
        marks = backend.call(timeline.list_occurrences, project_id, meeting.public_id)
        assert marks[last].done_on == FROZEN_TODAY and marks[:last] == before[:last]
        done = sum(1 for o in marks if o.done_on)
        assert f"{done}/{len(marks)}" in str(app.screen.query_one("#occ-count", Static).render())
        listing.highlighted = 0
        await pilot.press("space")  # and open again
        await settle(pilot)
        assert backend.call(timeline.list_occurrences, project_id, meeting.public_id)[0].done_on is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
