"""The demo's living handover (services/demo.py, data/demo.toml): a few hundred documents and facilities, keys
with exactly one count that does not balance, accounts handed over, inspection items in every state, one batch
signed with an item owed and one open; dates relative to today, the same every time, every row audited."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from exit_tui.db.models import AuditEntry, Document, Facility, InspectionItem
from exit_tui.domain.handover import InspectionState
from exit_tui.services import handover
from exit_tui.services.backend import Backend
from exit_tui.services.demo import create_demo
from tests.helpers import TODAY


def test_registers_are_filled_with_realistic_items(backend, demo):
    documents = backend.call(handover.list_items, demo.id, "document")
    facilities = backend.call(handover.list_items, demo.id, "facility")
    assert len(documents) + len(facilities) >= 250
    assert {d.status for d in documents} == {"pending", "ready", "handed", "missing"}
    lifts = [f for f in facilities if "-DT-" in f.code]
    assert len(lifts) == 24 and lifts[0].code == "1#-DT-01" and lifts[0].location == "1#楼 1号梯"
    assert {f.condition for f in facilities} == {"unchecked", "good", "fair", "poor"}
    assert 0 < sum(f.owners_money for f in facilities) <= 10
    premises = [f for f in facilities if f.category == "premises" and f.area_m2]
    assert len(premises) == 4 and handover.area_text(premises[0].area_m2) == "126.40"
    assert any("[B区]" in item.name for item in [*documents, *facilities])


def test_keys_have_one_discrepancy_and_two_accounts_handed(backend, demo):
    keys = backend.call(handover.list_items, demo.id, "key")
    assert [k.name for k in keys if k.discrepancy] == ["门禁管理卡及备用卡"]
    handed = [k for k in keys if k.kind == "account" and k.account_handed]
    assert len(handed) == 2 and handed[0].handed_to == "陈丽华" and handed[0].handed_on == TODAY - timedelta(days=3)


def test_inspection_items_in_every_state_and_a_dispute_with_its_reason(backend, demo):
    items = backend.call(handover.list_items, demo.id, "inspection")
    assert set(Counter(i.state for i in items)) == set(InspectionState)
    (disputed,) = [i for i in items if i.state == "disputed"]
    assert disputed.dispute_reason and disputed.item_ref.startswith("K-")
    assert any(i.deadline and i.deadline < TODAY and i.state != "closed" for i in items)  # one overdue


def test_one_signed_batch_owes_an_item_and_one_batch_is_open(backend, demo):
    signed, open_batch = backend.call(handover.list_batches, demo.id)
    assert signed.signed and not open_batch.signed
    assert [s.name for s in signed.signatures] == ["王建国", "陈丽华", "张志强"]
    owed = backend.call(handover.outstanding, demo.id)
    assert [(o.batch, o.outcome) for o in owed] == [(signed.public_id, "not_handed"),
                                                    (open_batch.public_id, "not_handed")]
    assert owed[0].promised_on == TODAY + timedelta(days=10) and owed[0].reason
    parties = backend.call(handover.list_parties, demo.id)
    assert parties[1].company == "锦绣华庭[一期]业主委员会"
    figures = backend.call(handover.summary, demo.id)
    assert (figures.not_handed, figures.key_discrepancies) == (2, 1) and 0 < figures.handed < figures.items


def test_every_row_is_audited(backend, demo):
    def count(model, entity: str) -> tuple[int, int]:
        return backend.call(lambda s: (
            s.execute(select(func.count()).select_from(model).where(model.project_id == demo.id)).scalar_one(),
            s.execute(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.project_id == demo.id, AuditEntry.entity == entity, AuditEntry.action == "create")
            ).scalar_one()))

    for model, entity in ((Document, "document"), (Facility, "facility"), (InspectionItem, "inspection")):
        rows, created = count(model, entity)
        assert rows == created > 10


def test_the_same_demo_every_time(tmp_path, backend, demo):
    other = Backend.open(str(tmp_path / "again.db"))
    try:
        again = other.call(create_demo, TODAY)
        for register in ("document", "facility", "key", "inspection"):
            assert other.call(handover.list_items, again.id, register) == backend.call(
                handover.list_items, demo.id, register)
        assert other.call(handover.list_batches, again.id) == backend.call(handover.list_batches, demo.id)
    finally:
        other.close()

