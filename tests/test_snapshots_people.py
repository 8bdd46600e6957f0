"""SVG snapshots of the People screen (its five tabs; the staff placement register under its totals and alerts,
an employee's form with the severance working, the settings form, a notice's delivery, an issued announcement), in
Chinese and English, at 120x40 and 80x24."""

import pytest

from exit_tui.services import announcements, parties, staff

from .test_snapshots import keys_then_settle, language  # noqa: F401 - the zh/en fixture
from .ui_helpers import demo_app

SIZES = {"wide": (120, 40), "narrow": (80, 24)}


@pytest.mark.parametrize("size", SIZES)
def test_people(snap_compare, tmp_path, language, size):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("7"))


def test_employee_form_with_the_working(snap_compare, tmp_path, language):
    """The employee hired before 2008 (the split shown), with a note holding [brackets]."""
    app, backend, project_id = demo_app(tmp_path)
    before_2008 = next(e for e in backend.call(staff.list_employees, project_id)
                       if e.severance is not None and e.severance.before_2008 is not None)
    backend.call(staff.update_employee, project_id, before_2008.public_id, app.today, note="[返聘] 待确认")
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=keys_then_settle("7", "slash", *before_2008.public_id, "enter", "enter"))


def test_staff_settings(snap_compare, tmp_path, language):
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys_then_settle("7", "s"))


TABS = {"stakeholder": ["right_square_bracket"], "notice": ["right_square_bracket"] * 2,
        "announcement": ["left_square_bracket"] * 2, "contract": ["left_square_bracket"]}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", TABS)
def test_people_tabs(snap_compare, tmp_path, language, size, tab):
    """The demo's stakeholders, notices in every state (one 拒收), announcements issued, superseded and drafted,
    and contracts (one past its last notice day, a lift contract ending before T)."""
    app, _backend, _ = demo_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle("7", *TABS[tab]))


def test_notice_delivery_form(snap_compare, tmp_path, language):
    app, backend, project_id = demo_app(tmp_path)
    pending = next(n for n in backend.call(parties.list_notices, project_id, app.today) if n.status == "pending")
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=keys_then_settle("7", *TABS["notice"], "slash", *pending.public_id, "enter", "m"))


def test_announcement_dialog(snap_compare, tmp_path, language):
    """The issued exit notice with its frozen text (the project's name holds [brackets])."""
    app, backend, project_id = demo_app(tmp_path)
    issued = next(a for a in backend.call(announcements.list_announcements, project_id, app.today)
                  if a.status == "issued" and a.supersedes)
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=keys_then_settle("7", *TABS["announcement"], "slash", *issued.public_id, "enter",
                                                    "enter"))
