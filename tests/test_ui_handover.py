"""Drive the Handover screen like a coordinator: tabs, filter, forms, fast inspection entry, marking items into a
batch, signing it, and amending it once it is locked."""

from textual.widgets import Input, Label, Select, Tabs

from exit_tui.services import audit, handover
from exit_tui.ui.modals.batch import BatchScreen
from exit_tui.ui.modals.record_form import RecordForm
from exit_tui.ui.screens.handover import HandoverScreen

from .ui_helpers import demo_app, settle


async def open_handover(pilot) -> HandoverScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HandoverScreen)
    return screen


def count_line(screen) -> str:
    return str(screen.query_one("#count-line", Label).render())


async def test_tabs_show_each_register(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        seen = {}
        for register in ("document", "facility", "key", "inspection"):
            assert screen.tab.id == register
            rows = backend.call(handover.list_items, project_id, register)
            assert screen.table.shown_keys() == [row.public_id for row in rows]
            seen[register] = len(rows)
            await pilot.press("right")
            await settle(pilot)
        assert screen.tab.id == "batch"
        assert screen.table.shown_keys() == [b.public_id for b in backend.call(handover.list_batches, project_id)]
        assert screen.query_one(Tabs).active == "tab-batch"
        await pilot.press("right")  # wraps round
        await settle(pilot)
        assert screen.tab.id == "document"
        assert seen["document"] > 0 and seen["facility"] > 0 and seen["key"] > 0


async def goto_tab(pilot, screen, register: str) -> None:
    while screen.tab.id != register:
        await pilot.press("right")
        await settle(pilot)


async def test_filter_is_kept_per_tab(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        await pilot.press("slash", *"业主名册", "enter")
        await settle(pilot)
        names = [screen.table.row(key).name for key in screen.table.shown_keys()]
        assert names and all("业主名册" in name for name in names)
        await pilot.press("right")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == ""
        assert len(screen.table.shown_keys()) == len(backend.call(handover.list_items, project_id, "facility"))
        await pilot.press("left")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "业主名册"
        assert [screen.table.row(key).name for key in screen.table.shown_keys()] == names


async def test_add_and_edit_a_document_through_the_form(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        before = {row.public_id for row in backend.call(handover.list_items, project_id, "document")}
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#name", Input).value = "［重要］ 电梯年检报告 [2026]"
        form.query_one("#copies", Input).value = "2"
        form.query_one("#status", Select).value = "ready"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        rows = backend.call(handover.list_items, project_id, "document")
        (new,) = [row for row in rows if row.public_id not in before]
        assert (new.name, new.copies, new.status) == ("［重要］ 电梯年检报告 [2026]", 2, "ready")
        assert screen.table.cursor_key == new.public_id
        assert screen.table.cell_text(new.public_id, "name") == "［重要］ 电梯年检报告 [2026]"
        entries = backend.call(audit.list_entries, project_id, 100)
        assert any(e.public_id == new.public_id and e.action == "create" for e in entries)

        # A bad count: the error is on that field, which has the focus; nothing is saved.
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        form.query_one("#copies", Input).value = "两份"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-copies").has_error
        assert form.focused is form.query_one("#copies", Input)
        assert backend.call(handover.get_item, project_id, "document", new.public_id).copies == 2
        form.query_one("#copies", Input).value = "3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert backend.call(handover.get_item, project_id, "document", new.public_id).copies == 3


async def test_an_inspection_round_enters_item_after_item(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        await goto_tab(pilot, screen, "inspection")
        before = len(backend.call(handover.list_items, project_id, "inspection"))
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert form.focused is form.query_one("#description", Input)
        form.query_one("#responsible", Input).value = "开发商"
        for text in ("3号楼地下室渗水", "1#电梯轿厢照明不亮"):
            await pilot.press(*text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form  # stays open for the next item
            assert form.query_one("#description", Input).value == ""
            assert form.query_one("#responsible", Input).value == "开发商"  # kept for the next one
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        items = backend.call(handover.list_items, project_id, "inspection")
        assert len(items) == before + 2
        assert [(i.description, i.responsible, i.state) for i in items[-2:]] == [
            ("3号楼地下室渗水", "开发商", "open"), ("1#电梯轿厢照明不亮", "开发商", "open")]
        assert set(screen.table.shown_keys()) >= {i.public_id for i in items[-2:]}

        # `n` moves the item under the cursor one step on.
        screen.table.move_to_key(items[-1].public_id)
        await pilot.press("n")
        await settle(pilot)
        assert backend.call(handover.get_item, project_id, "inspection", items[-1].public_id).state == "assigned"
        assert screen.table.row(items[-1].public_id).state == "assigned"


async def test_marked_items_become_a_batch_that_is_signed_and_then_amended(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        docs = screen.table.shown_keys()[:2]
        for key in docs:
            screen.table.move_to_key(key)
            await pilot.press("space")
        await goto_tab(pilot, screen, "facility")
        facility = screen.table.shown_keys()[0]
        screen.table.move_to_key(facility)
        await pilot.press("space")
        await settle(pilot)
        assert "各清单共标记 3 项" in count_line(screen)
        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        await pilot.press(*"第二批 [资料与设备]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        batch = backend.call(handover.list_batches, project_id)[-1]
        assert batch.title == "第二批 [资料与设备]"
        assert [item.item_ref for item in batch.items] == [*docs, facility]
        assert not screen.table.marked

        # Open it from the batches tab; an item 未移交 needs a promised date and a reason.
        await goto_tab(pilot, screen, "batch")
        screen.table.move_to_key(batch.public_id)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, BatchScreen)
        await pilot.press("enter")
        await settle(pilot)
        outcome = app.screen
        outcome.query_one("#outcome", Select).value = "not_handed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is outcome
        assert outcome.query_one("#field-promised_on").has_error
        outcome.query_one("#promised_on", Input).value = "2026年12月20日"
        outcome.query_one("#reason", Input).value = "原件在档案馆调阅"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        item = backend.call(handover.get_batch, project_id, batch.public_id).items[0]
        assert (item.outcome, str(item.promised_on), item.reason) == ("not_handed", "2026-12-20", "原件在档案馆调阅")

        # Sign: the parties' representatives are offered; signing locks the batch.
        await pilot.press("s")
        await settle(pilot)
        sign = app.screen
        for role in ("handing", "receiving", "supervising"):
            if not sign.query_one(f"#{role}", Input).value:
                sign.query_one(f"#{role}", Input).value = f"{role} 签字人"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        signed = backend.call(handover.get_batch, project_id, batch.public_id)
        assert signed.signed and all(s.name and s.signed_on for s in signed.signatures)
        assert "已锁定" in str(detail.query_one("#batch-title", Label).render())

        # Locked: taking an item out is refused; enter on an item opens an amendment instead.
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is detail
        assert len(backend.call(handover.get_batch, project_id, batch.public_id).items) == 3
        await pilot.press("enter")
        await settle(pilot)
        amend = app.screen
        assert amend.query_one("#item_ref", Select).value == docs[0]
        amend.query_one("#outcome", Select).value = "handed"
        amend.query_one("#reason", Input).value = "12月5日补交原件"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        amended = backend.call(handover.get_batch, project_id, batch.public_id)
        assert amended.items[0].signed_outcome == "not_handed" and amended.items[0].outcome == "handed"
        assert [a.reason for a in amended.amendments] == ["12月5日补交原件"]
        assert "修订记录 1 条" in str(detail.query_one("#batch-amendments").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_key_discrepancy_is_red_and_counted(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    key = backend.call(handover.add_item, project_id, "key", name="2号楼 [天台] 门钥匙", handed_out=3, received=2)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        await goto_tab(pilot, screen, "key")
        assert "数量不符 -1" in screen.table.cell_text(key.public_id, "discrepancy")
        assert "数量不符" in count_line(screen)


async def test_a_request_opens_a_tab_with_its_filter(tmp_path):
    from exit_tui.ui.requests import HandoverRequest
    from exit_tui.ui.screens.handover import FILTERS

    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        choice = [key for key, _p in FILTERS["key"]].index("handover.filter.discrepancy")
        app.show("handover", HandoverRequest("key", "handover.filter.discrepancy"))
        await settle(pilot)
        screen = app.screen
        assert screen.tab.id == "key"
        keys = backend.call(handover.list_items, project_id, "key")
        assert screen.table.shown_keys() == [k.public_id for k in keys if k.discrepancy]
        assert screen.query_one("#choice", Select).value == choice


def test_the_audit_log_names_a_register_column_by_its_header():
    from exit_tui.ui.screens.audit import field_label

    assert field_label("handed_out", "key") == "移交数量 (handed_out)"
    assert field_label("name_zh", "document") == "资料名称 (name_zh)"
    assert field_label("due_anchor", "task") == "截止日期 (due_anchor)"



async def test_the_dashboard_card_opens_what_is_most_pressing(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#card-handover-progress")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        assert screen.tab.id == "batch"  # the demo owes an item: the batches show where
        assert screen.table.shown_keys() == [b.public_id for b in backend.call(handover.list_batches, project_id)]


async def test_the_three_parties_are_set_once_and_offered_when_signing(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#supervising_company", Input).value = "浦东新区 [锦绣路] 街道办事处"
        form.query_one("#supervising_representative", Input).value = "赵监交"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        parties = {p.role: p for p in backend.call(handover.list_parties, project_id)}
        assert (parties["supervising"].company, parties["supervising"].representative) == (
            "浦东新区 [锦绣路] 街道办事处", "赵监交")
        assert parties["handing"].representative  # the others as they were


async def test_a_signed_batch_cannot_be_deleted(tmp_path):
    app, backend, project_id = demo_app(tmp_path)
    signed = next(b for b in backend.call(handover.list_batches, project_id) if b.signed)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_handover(pilot)
        await goto_tab(pilot, screen, "batch")
        screen.table.move_to_key(signed.public_id)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert signed.public_id in [b.public_id for b in backend.call(handover.list_batches, project_id)]
        assert screen.table.row(signed.public_id) is not None


async def test_enter_on_a_handover_date_in_the_timeline_opens_it(tmp_path):
    from exit_tui.ui.widgets.gantt import Gantt

    app, backend, project_id = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        gantt = app.screen.query_one(Gantt)
        position = next(i for i, row in enumerate(gantt.rows) if row.kind == "dated" and row.dated.kind == "promised")
        dated = gantt.rows[position].dated
        gantt.move_cursor(position)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen) and screen.tab.id == "batch"
        assert screen.table.cursor_key == dated.batch
