"""Handover and joint inspection (services/handover.py, domain/handover.py): seed lists by exit type, validation
naming the field, the inspection state rules, batches locked by signing with amendments beside them, key counts
that do not balance, audit entries, undo, and deletion with the project."""

import json

import pytest
from sqlalchemy import func, select

from exit_tui.db.models import (
    BatchAmendment, BatchItem, Document, Facility, HandoverBatch, HandoverKey, InspectionItem, Party,
)
from exit_tui.domain.enums import ExitType
from exit_tui.domain.handover import SEED_FILES, InspectionState, can_move, seed_for, seed_items
from exit_tui.domain.templates import legal_bases
from exit_tui.services import audit, handover, projects, undo
from exit_tui.services.errors import UserError
from tests.helpers import PROJECT_ARGS, TODAY

TABLES = (Document, Facility, HandoverKey, InspectionItem, HandoverBatch, BatchItem, BatchAmendment, Party)


def _error(backend, fn, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        backend.call(fn, *args, **kwargs)
    return caught.value


def _count(backend, model, project_id) -> int:
    return backend.call(lambda s: s.execute(
        select(func.count()).select_from(model).where(model.project_id == project_id)).scalar_one())


# -- seed lists --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("register", list(SEED_FILES))
def test_seed_lists_are_bilingual_and_every_legal_basis_is_explained(register):
    items = seed_items(register)
    assert len(items) >= 10
    for item in items:
        assert item.zh.strip() and item.en.strip(), item.key
        assert item.basis in legal_bases(), (item.key, item.basis)
    assert {"承接查验办法16", "条例37", "民法典274"} <= set(legal_bases())


def test_seed_lists_cover_the_domain():
    facilities = seed_items("facility")
    assert {i.category for i in facilities} == {"part", "equipment", "facility", "premises"}
    assert all(i.method and i.unit_zh and i.unit_en for i in facilities)
    assert {i.category for i in seed_items("key")} == {"key", "card", "remote", "account"}
    accounts = [i.zh for i in seed_items("key") if i.category == "account"]
    assert all(any(system in name for name in accounts) for system in ("门禁", "道闸", "监控", "收费"))
    assert any("竣工总平面图" in i.zh for i in seed_items("document"))


def test_new_projects_are_seeded_by_exit_type(backend):
    made = {}
    for index, exit_type in enumerate(ExitType):
        project = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": f"项目{index}",
                                                          "exit_type": exit_type}, today=TODAY)
        made[exit_type] = project
        for register in ("document", "facility", "key"):
            rows = backend.call(handover.list_items, project.id, register)
            assert [r.name for r in rows] == [i.zh for i in seed_for(register, exit_type)]
            assert all(r.legal_basis for r in rows)
        assert backend.call(handover.seed_registers, project.id) == {"document": 0, "facility": 0, "key": 0}

    def names(exit_type):
        return {d.name for d in backend.call(handover.list_items, made[exit_type].id, "document")}

    assert "三方交接协议" in names(ExitType.TRANSFER) and "三方交接协议" not in names(ExitType.CONTRACT_EXPIRY)
    assert "业主大会解聘决定及通知" in names(ExitType.EARLY_EXIT) - names(ExitType.TRANSFER)
    premises = [f for f in backend.call(handover.list_items, made[ExitType.TRANSFER].id, "facility")
                if f.category == "premises"]
    assert premises and all(f.area_m2 is None and f.unit == "间" for f in premises)


def test_an_existing_project_without_registers_gets_them(backend, project):
    def clear(session):
        for model in (Document, Facility, HandoverKey):
            audit.delete_rows(session, model.__table__, model.__table__.c.project_id == project.id)

    backend.call(clear)
    added = backend.call(handover.seed_registers, project.id)
    assert added == {r: len(seed_for(r, project.exit_type)) for r in ("document", "facility", "key")}
    ids = [d.public_id for d in backend.call(handover.list_items, project.id, "document")]
    assert ids[0] == f"D-{len(ids) + 1:04d}"  # ids are never given twice


# -- validation --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("register", "values", "field"), [
    ("document", {"name": "  "}, "name"),
    ("document", {"name": "图纸", "copies": "-1"}, "copies"),
    ("document", {"name": "图纸", "status": "done"}, "status"),
    ("facility", {"name": "泵", "area_m2": "12.345"}, "area_m2"),
    ("facility", {"name": "泵", "owners_money": "maybe"}, "owners_money"),
    ("key", {"name": "门", "handed_on": "next week"}, "handed_on"),
    ("inspection", {"description": "漏水", "item_ref": "A-9999"}, "item_ref"),
    ("inspection", {"description": "漏水", "state": "disputed"}, "dispute_reason"),
    ("inspection", {"description": "漏水", "password": "x"}, "password"),
])
def test_bad_values_are_refused_naming_the_field(backend, project, register, values, field):
    assert _error(backend, handover.add_item, project.id, register, **values).field == field


def test_values_are_cleaned_as_typed(backend, project):
    premises = backend.call(handover.add_item, project.id, "facility", name=" 物业用房 ", category="物业服务用房",
                            area_m2="１２.５", quantity="２", owners_money="是", method="Test")
    assert (premises.name, premises.category, premises.area_m2, premises.quantity, premises.owners_money,
            premises.method) == ("物业用房", "premises", 1250, 2, True, "test")
    assert handover.area_text(premises.area_m2) == "12.50"
    key = backend.call(handover.add_item, project.id, "key", name="收费系统", kind="系统账号", account_handed="yes",
                       handed_to="新物业 张三", handed_on="2027年1月10日")
    assert (key.kind, key.account_handed, key.handed_on.isoformat()) == ("account", True, "2027-01-10")
    item = backend.call(handover.add_item, project.id, "inspection", description="屋面渗水", item_ref="a-3")
    assert (item.item_ref, item.state) == ("A-0003", "open")


def test_no_password_is_ever_stored():
    assert not [c for c in HandoverKey.__table__.c if "pass" in c.name or "secret" in c.name]


# -- inspection items --------------------------------------------------------------------------------------------


def test_the_inspection_state_rules():
    S = InspectionState
    assert can_move(S.OPEN, S.ASSIGNED) and not can_move(S.OPEN, S.CLOSED)
    assert all(can_move(state, S.DISPUTED) for state in S if state is not S.CLOSED)
    assert not can_move(S.CLOSED, S.DISPUTED) and not can_move(S.CLOSED, S.OPEN)


def test_an_inspection_item_moves_only_as_the_rules_allow(backend, project):
    item = backend.call(handover.add_item, project.id, "inspection", description="电梯异响", responsible="维保单位")
    error = _error(backend, handover.move_inspection, project.id, item.public_id, "closed")
    assert error.field == "state" and "待分派" in error.message() and "已关闭" in error.message()
    for state in ("assigned", "recheck", "closable"):
        backend.call(handover.move_inspection, project.id, item.public_id, state)
    assert _error(backend, handover.move_inspection, project.id, item.public_id, "disputed").field == "dispute_reason"
    disputed = backend.call(handover.move_inspection, project.id, item.public_id, "disputed", "业委会认为未修复")
    assert (disputed.state, disputed.dispute_reason) == ("disputed", "业委会认为未修复")
    backend.call(handover.move_inspection, project.id, item.public_id, "assigned")
    states = [e.new for e in backend.call(audit.list_entries, project.id, None)
              if e.public_id == item.public_id and e.field == "state"]
    assert states == ["assigned", "disputed", "closable", "recheck", "assigned"]  # newest first


# -- batches -----------------------------------------------------------------------------------------------------


def _ready_batch(backend, project_id):
    for public_id in ("D-0001", "D-0002"):
        backend.call(handover.update_item, project_id, "document", public_id, status="ready")
    return backend.call(handover.create_batch, project_id, "第一批", ["K-0001", "a-1"], ready_documents=True,
                        created_on=TODAY)


def test_a_batch_gathers_picked_items_and_ready_documents(backend, project):
    assert _error(backend, handover.create_batch, project.id, "空批次").field == "items"
    assert _error(backend, handover.create_batch, project.id, "批次", ["D-9999"]).field == "item_ref"
    batch = _ready_batch(backend, project.id)
    assert [i.item_ref for i in batch.items] == ["K-0001", "A-0001", "D-0001", "D-0002"]
    assert {i.outcome for i in batch.items} == {"handed"} and not batch.signed
    error = _error(backend, handover.set_outcome, project.id, batch.public_id, "K-0001", "not_handed")
    assert error.field == "promised_on" and "未移交" in error.message()
    assert _error(backend, handover.set_outcome, project.id, batch.public_id, "K-0001", "partial",
                  "2026-12-20").field == "reason"
    batch = backend.call(handover.set_outcome, project.id, batch.public_id, "K-0001", "not_handed", "2026年12月20日",
                         "少两把")
    owed = backend.call(handover.outstanding, project.id)
    assert [(o.item_ref, o.promised_on.isoformat(), o.reason) for o in owed] == [("K-0001", "2026-12-20", "少两把")]


def test_signing_locks_a_batch_and_changes_go_through_amendments(backend, project):
    batch = _ready_batch(backend, project.id)
    backend.call(handover.set_outcome, project.id, batch.public_id, "K-0001", "not_handed", "2026-12-20", "少两把")
    assert _error(backend, handover.amend_batch, project.id, batch.public_id, "改").key == \
        "handover.error.batch_not_signed"
    assert _error(backend, handover.sign_batch, project.id, batch.public_id, TODAY).field == "handing"
    backend.call(handover.set_party, project.id, "handing", "锦绣物业", "王经理")
    backend.call(handover.set_party, project.id, "receiving", "业主委员会", "李主任")
    signed = backend.call(handover.sign_batch, project.id, batch.public_id, "2026-11-28", supervising="街道 赵科长")
    assert signed.signed
    assert [(s.name, s.signed_on) for s in signed.signatures] == [
        ("王经理", TODAY), ("李主任", TODAY), ("街道 赵科长", TODAY)]
    documents = {d.public_id: d.status for d in backend.call(handover.list_items, project.id, "document")}
    assert documents["D-0001"] == documents["D-0002"] == "handed" and documents["D-0003"] == "pending"

    for call, args in ((handover.set_outcome, ("K-0001", "handed")), (handover.add_to_batch, (["D-0003"],)),
                       (handover.remove_from_batch, ("A-0001",)), (handover.delete_batch, ())):
        error = _error(backend, call, project.id, batch.public_id, *args)
        assert error.key == "handover.error.batch_signed" and batch.public_id in error.message()
    assert _error(backend, handover.update_batch, project.id, batch.public_id, title="改名").key == \
        "handover.error.batch_signed"
    assert _error(backend, handover.delete_item, project.id, "key", "K-0001").key == "handover.error.in_signed_batch"

    amended = backend.call(handover.amend_batch, project.id, batch.public_id, "12月5日补交两把", item_ref="K-0001",
                           outcome="handed", made_on=TODAY)
    key = next(i for i in amended.items if i.item_ref == "K-0001")
    assert (key.signed_outcome, key.outcome, key.reason) == ("not_handed", "handed", "12月5日补交两把")
    assert [(a.no, a.item_ref, a.outcome) for a in amended.amendments] == [(1, "K-0001", "handed")]
    assert backend.call(handover.outstanding, project.id) == []
    newest = backend.call(audit.list_entries, project.id, 1)[0]
    assert (newest.action, newest.entity, newest.public_id) == ("create", "amendment", f"{batch.public_id}#1")
    assert _count(backend, BatchItem, project.id) == 4  # the signed record itself is untouched


def test_summary_counts_handed_owed_discrepancies_and_open_items(backend, project):
    empty = backend.call(handover.summary, project.id)
    assert (empty.handed, empty.not_handed, empty.key_discrepancies, empty.open_inspections) == (0, 0, 0, 0)
    backend.call(handover.update_item, project.id, "key", "K-0002", handed_out=6, received="5")
    account = next(k for k in backend.call(handover.list_items, project.id, "key") if k.kind == "account")
    backend.call(handover.update_item, project.id, "key", account.public_id, handed_out=1)
    backend.call(handover.add_item, project.id, "inspection", description="消防栓无水")
    batch = _ready_batch(backend, project.id)
    backend.call(handover.set_outcome, project.id, batch.public_id, "K-0001", "partial", "2026-12-20", "缺一张卡")
    backend.call(handover.sign_batch, project.id, batch.public_id, TODAY, handing="甲", receiving="乙",
                 supervising="丙")
    figures = backend.call(handover.summary, project.id)
    assert figures.items == sum(_count(backend, m, project.id) for m in (Document, Facility, HandoverKey))
    assert (figures.handed, figures.not_handed, figures.key_discrepancies, figures.open_inspections) == (3, 1, 1, 1)
    assert figures.share_handed == pytest.approx(3 / figures.items)
    keys = {k.public_id: k.discrepancy for k in backend.call(handover.list_items, project.id, "key")}
    assert keys["K-0002"] and not keys[account.public_id]


# -- audit, undo, delete -----------------------------------------------------------------------------------------


def test_writes_are_audited_and_undone(backend, project):
    backend.call(handover.update_item, project.id, "document", "D-0003", holder="档案室", status="ready")
    entries = backend.call(audit.list_entries, project.id, 2)
    assert sorted((e.entity, e.public_id, e.field, e.new) for e in entries) == [
        ("document", "D-0003", "holder", "档案室"), ("document", "D-0003", "status", "ready")]
    backend.call(undo.undo_last, project.id)
    document = backend.call(handover.get_item, project.id, "document", "D-0003")
    assert (document.holder, document.status) == ("", "pending")
    backend.call(handover.delete_item, project.id, "facility", "A-0002")
    backend.call(undo.undo_last, project.id)
    assert backend.call(handover.get_item, project.id, "facility", "A-0002").name == "承重墙体、柱、梁、楼板"
    assert backend.call(audit.verify).ok


def test_deleting_the_project_deletes_every_handover_row_with_its_entry(backend, project):
    batch = _ready_batch(backend, project.id)
    backend.call(handover.sign_batch, project.id, batch.public_id, TODAY, handing="甲", receiving="乙",
                 supervising="丙")
    backend.call(handover.amend_batch, project.id, batch.public_id, "补充说明")
    backend.call(handover.add_item, project.id, "inspection", description="门禁失灵")
    backend.call(handover.set_party, project.id, "supervising", "某街道办", "赵科长")
    before = {model.__tablename__: _count(backend, model, project.id) for model in TABLES}
    assert all(before.values())
    entries_before = backend.call(audit.entry_count)
    backend.call(projects.delete_project, project.id)
    assert all(_count(backend, model, project.id) == 0 for model in TABLES)
    deleted: dict[str, int] = {}
    for entry in backend.call(audit.list_entries, project.id, None):
        if entry.id > entries_before:
            assert entry.action == "delete" and json.loads(entry.old).get("project_id", project.id) == project.id
            deleted[entry.entity] = deleted.get(entry.entity, 0) + 1
    entity = {spec.table.name: spec.entity for spec in audit.AUDITED.values()}
    assert {entity[table]: n for table, n in before.items()} == {k: v for k, v in deleted.items() if k in
                                                                  {entity[t] for t in before}}
    assert backend.call(audit.verify).ok
