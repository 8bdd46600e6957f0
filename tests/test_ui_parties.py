"""Drive the People screen's tabs of stakeholders, notices, announcements and contracts on the demo: `m` records a
notice's delivery with its proof (and a refusal), a draft announcement is made from a template, edited, issued
(then frozen) and given a new version, a contract's last notice day is derived from what is typed, the filter
choices follow the tab, and the dashboard's card opens the notices it counts."""

from datetime import date

from textual.widgets import Input, Select, TextArea

from exit_tui.services import announcements, contracts, parties
from exit_tui.ui.modals.announcement import AnnouncementDialog, DraftDialog
from exit_tui.ui.modals.confirm import ConfirmScreen
from exit_tui.ui.modals.record_form import RecordForm
from exit_tui.ui.requests import PeopleRequest
from exit_tui.ui.screens.people import PeopleScreen

from .ui_helpers import demo_app, settle


async def open_tab(pilot, tab: str, key: str | None = None) -> PeopleScreen:
    await settle(pilot)
    pilot.app.show("people", PeopleRequest(tab=tab, key=key))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen) and screen.tab.id == tab
    return screen


async def test_m_records_a_notice_sent_then_refused_with_its_proof(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    pending = next(n for n in backend.call(parties.list_notices, project_id, app.today) if n.status == "pending")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tab(pilot, "notice", pending.public_id)
        assert screen.table.cursor_row.public_id == pending.public_id
        assert str(screen.query_one("#choice", Select).value) == "all"
        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm) and form.query_one("#status", Select).value == "sent"
        form.query_one("#channel", Select).value = "registered"
        form.query_one("#proof_ref", Input).value = "EMS [1234567890CN]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        sent = backend.call(parties.get_notice, project_id, pending.public_id, app.today)
        assert (sent.status, sent.channel, sent.sent_on, sent.proof_ref) == (
            "sent", "registered", app.today, "EMS [1234567890CN]")

        await pilot.press("m")  # the next step: received or refused
        await settle(pilot)
        form = app.screen
        assert form.query_one("#status", Select).value == "received"
        form.query_one("#status", Select).value = "refused"
        form.query_one("#proof_ref", Input).value = ""
        form.query_one("#note", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # a refusal needs a reference or a note saying how it is evidenced
        assert backend.call(parties.get_notice, project_id, pending.public_id, app.today).status == "sent"
        form.query_one("#note", Input).value = "退回信封拍照存档"
        await pilot.press("ctrl+s")
        await settle(pilot)
        refused = backend.call(parties.get_notice, project_id, pending.public_id, app.today)
        assert refused.status == "refused"
        assert screen.table.cursor_row.public_id == pending.public_id

        screen.query_one("#choice", Select).value = "at_risk"
        await settle(pilot)
        at_risk = [n.public_id for n in backend.call(parties.list_notices, project_id, app.today) if n.at_risk]
        assert screen.table.shown_keys() == at_risk


async def test_an_announcement_is_drafted_edited_issued_and_versioned(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    before = {a.public_id for a in backend.call(announcements.list_announcements, project_id, app.today)}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tab(pilot, "announcement")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, DraftDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = backend.call(announcements.list_announcements, project_id, app.today)
        (draft,) = [r for r in rows if r.public_id not in before]
        assert draft.status == "draft"
        assert screen.table.cursor_row.public_id == draft.public_id

        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AnnouncementDialog)
        body = dialog.query_one("#body", TextArea)
        assert "{" in body.text  # the draft as typed: its merge fields, filled on issue
        body.text = body.text + "\n[补充] 咨询电话:{联系电话}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "[补充]" in backend.call(announcements.draft_text, project_id, draft.public_id, app.today).body
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        issued = backend.call(announcements.get_announcement, project_id, draft.public_id, app.today)
        assert issued.status == "issued" and issued.issued_on == app.today and "{" not in issued.body

        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert dialog.query_one("#body", TextArea).read_only and dialog.query_one("#title", Input).disabled
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        rows = backend.call(announcements.list_announcements, project_id, app.today)
        (new,) = [r for r in rows if r.public_id not in before | {draft.public_id}]
        assert new.version == issued.version + 1 and screen.table.cursor_row.public_id == new.public_id


async def test_a_contracts_last_notice_day_is_derived_and_flags_filter(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    listed = backend.call(contracts.list_contracts, project_id, app.today)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tab(pilot, "contract")
        screen.query_one("#choice", Select).value = "flagged"
        await settle(pilot)
        assert screen.table.shown_keys() == [c.public_id for c in listed if c.late or c.gap]
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#counterparty", Input).value = "[新] 二次供水维保"
        form.query_one("#kind", Select).value = "maintenance"
        form.query_one("#end", Input).value = "2027年5月31日"
        form.query_one("#notice_period", Input).value = "3个月"
        form.query_one("#decision", Select).value = "expire"
        await pilot.press("ctrl+s")
        await settle(pilot)
        new = next(c for c in backend.call(contracts.list_contracts, project_id, app.today)
                   if c.counterparty == "[新] 二次供水维保")
        assert new.last_notice_day == date(2027, 2, 28)  # three months before the 31st: the month's end
        assert str(screen.query_one("#choice", Select).value) == "flagged"  # the tab keeps its choice


async def test_the_dashboard_card_opens_the_notices_it_counts(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    notices = backend.call(parties.list_notices, project_id, app.today)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#card-parties")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PeopleScreen) and screen.tab.id == "notice"
        assert screen.table.shown_keys() == [n.public_id for n in notices if n.overdue]
        await pilot.press("left_square_bracket")  # the stakeholders: the staff tab's choices are not offered
        await settle(pilot)
        assert screen.tab.id == "stakeholder" and str(screen.query_one("#choice", Select).value) == "all"
        screen.query_one("#choice", Select).value = "open"
        await settle(pilot)
        open_ = [s.public_id for s in backend.call(parties.list_stakeholders, project_id) if s.open_notices]
        assert screen.table.shown_keys() == open_
