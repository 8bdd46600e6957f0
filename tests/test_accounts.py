"""Accounts (services/accounts.py): units and lines from values as typed, validation naming the field, the
reconciliation's state moves (all or nothing), the cut-off's split of prepaid lines, the settlement's totals,
audit entries, undo, and deletion with the project."""

from datetime import date

import pytest
from sqlalchemy import func, select

from exit_tui.db.models import AuditEntry, LedgerLine, ProjectLedger, Unit
from exit_tui.i18n import set_language
from exit_tui.services import accounts, audit, projects, undo
from exit_tui.services.errors import UserError
from exit_tui.services.readmodels import AccountsFigures, CutoffChange

T = date(2027, 1, 10)  # the sample project's handover day: the default cut-off


def _error(backend, fn, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        backend.call(fn, *args, **kwargs)
    return caught.value


def _count(backend, model, project_id) -> int:
    return backend.call(lambda s: s.execute(
        select(func.count()).select_from(model).where(model.project_id == project_id)).scalar_one())


def _units(backend, project_id, *numbers):
    for number in numbers:
        backend.call(accounts.add_item, project_id, "unit", unit_no=number, owner=f"业主{number}")


def test_units_and_lines_from_values_as_typed(backend, project):
    unit = backend.call(accounts.add_item, project.id, "unit", unit_no=" ３－１－２０１ ", owner="欧阳娜娜、张三",
                        area_m2="１２８.７５㎡", phone="138 1234 1234", note="[B区] 顶楼")
    assert (unit.public_id, unit.unit_no, unit.building, unit.area_m2) == ("U-0001", "3-1-201", "3", 12875)
    assert (unit.lines, unit.owes_fen, unit.owed_fen, unit.closed) == (0, 0, 0, False)
    line = backend.call(accounts.add_item, project.id, "line", unit_no="u-1", category="预收物业费",
                        period_start="2026年7月1日", period_end="2027/6/30", amount_fen="¥3,650.00",
                        source_ref="收据 No.0042")
    # Prepaid is owed to the owner; 171 of its 365 days fall after the cut-off T (10 January).
    assert (line.public_id, line.unit_no, line.direction, line.amount_fen) == ("L-0001", "3-1-201", "owed", 365000)
    assert (line.after_cutoff_fen, line.due_fen, line.signed_fen) == (171000, 171000, -171000)
    arrears = backend.call(accounts.add_item, project.id, "line", unit_no="3-1-201", category="Fee arrears",
                           amount_fen="1234.5元", period_start="2026-01-01", period_end="2026-06-30")
    assert (arrears.direction, arrears.after_cutoff_fen, arrears.signed_fen, arrears.state) == (
        "owes", 0, 123450, "unconfirmed")
    water = backend.call(accounts.add_item, project.id, "line", unit_no="3-1-201", category="utilities",
                         amount_fen=8800, direction="应退业主", meter_reading="水表 1234.5 吨")
    assert (water.amount_fen, water.direction, water.meter_reading) == (8800, "owed", "水表 1234.5 吨")
    (listed,) = backend.call(accounts.list_units, project.id)
    assert (listed.owes_fen, listed.owed_fen, listed.net_fen, listed.lines, listed.unconfirmed) == (
        123450, 171000 + 8800, 123450 - 179800, 3, 3)
    assert [x.public_id for x in backend.call(accounts.list_lines, project.id, "3-1-201")] == [
        "L-0001", "L-0002", "L-0003"]
    assert backend.call(accounts.list_lines, project.id, "U-0001") == backend.call(accounts.list_lines, project.id)


@pytest.mark.parametrize(("register", "values", "field", "key"), [
    ("unit", {"owner": "张三"}, "unit_no", "accounts.error.unit_required"),
    ("unit", {"unit_no": "1-1-101", "area_m2": "abc"}, "area_m2", "handover.error.bad_area"),
    ("unit", {"unit_no": "1-1-101", "colour": "red"}, "colour", "accounts.error.unknown_field"),
    ("line", {"unit_no": "1-1-101", "category": "arrears"}, "amount_fen", "accounts.error.amount_required"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": "12.345"}, "amount_fen",
     "accounts.error.bad_amount"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": "0"}, "amount_fen",
     "accounts.error.bad_amount"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": "(12.00)"}, "amount_fen",
     "accounts.error.bad_amount"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": 12.5}, "amount_fen",
     "accounts.error.bad_amount"),
    ("line", {"unit_no": "9-9-909", "category": "arrears", "amount_fen": "1"}, "unit_no",
     "accounts.error.unknown_unit"),
    ("line", {"unit_no": "1-1-101", "amount_fen": "1"}, "category", "accounts.error.required"),
    ("line", {"unit_no": "1-1-101", "category": "租金", "amount_fen": "1"}, "category", "accounts.error.bad_choice"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": "1", "period_start": "2027-02-01",
              "period_end": "2027-01-31"}, "period_end", "accounts.error.period_order"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": "1", "period_start": "1900-01-01"},
     "period_start", "error.date_out_of_range"),
    ("line", {"unit_no": "1-1-101", "category": "arrears", "amount_fen": "1", "state": "disputed",
              "dispute_reason": "不认可"}, "evidence_ref", "accounts.error.evidence_required"),
    ("ledger", {"kind": "revenue", "amount_fen": "-100"}, "amount_fen", "accounts.error.negative_kind"),
    ("ledger", {"amount_fen": "100"}, "kind", "accounts.error.required"),
])
def test_bad_values_are_refused_naming_the_field(backend, project, register, values, field, key):
    _units(backend, project.id, "1-1-101")
    error = _error(backend, accounts.add_item, project.id, register, **values)
    assert (error.field, error.key) == (field, key)
    assert error.message() and "{" not in error.message()
    assert _count(backend, accounts.MODELS[register], project.id) == (1 if register == "unit" else 0)


def test_unit_numbers_are_unique_per_project(backend, project):
    _units(backend, project.id, "1-1-101", "1-1-102")
    assert _error(backend, accounts.add_item, project.id, "unit", unit_no="１-１-１０１").key == "accounts.error.unit_taken"
    error = _error(backend, accounts.update_item, project.id, "unit", "U-0002", unit_no="1-1-101")
    assert (error.key, error.field) == ("accounts.error.unit_taken", "unit_no")
    assert backend.call(accounts.update_item, project.id, "unit", "U-0002", unit_no="1-1-102", owner="李四").owner == "李四"
    other = backend.call(projects.create_project, name="另一个项目", exit_type="transfer", contract_end="2027-01-01",
                         handover="2027-01-01", decision="2026-06-01")
    assert backend.call(accounts.add_item, other.id, "unit", unit_no="1-1-101").public_id == "U-0001"


def test_project_ledgers_signed_only_where_a_sign_means_something(backend, project):
    for kind, amount in (("公共收益", "12,000.00"), ("revenue_cost", "3,500.50"), ("repair_fund", "500000"),
                         ("repair_fund", "-120000.00"), ("lump_sum", "(8,000.00)"), ("vendor_payable", "4200")):
        backend.call(accounts.add_item, project.id, "ledger", kind=kind, amount_fen=amount, description="x",
                     day="2026-12-01")
    ledgers = backend.call(accounts.list_ledgers, project.id)
    assert [g.amount_fen for g in ledgers] == [1200000, 350050, 50000000, -12000000, -800000, 420000]
    summary = backend.call(accounts.settlement, project.id)
    assert (summary.revenue_net_fen, summary.repair_fund_fen, summary.lump_sum_fen, summary.vendor_payable_fen) == (
        849950, 38000000, -800000, 420000)
    assert backend.call(accounts.update_item, project.id, "ledger", "G-0003", kind="revenue").kind == "revenue"
    assert _error(backend, accounts.update_item, project.id, "ledger", "G-0004", kind="revenue").field == "amount_fen"


def _lines(backend, project_id, count=4):
    _units(backend, project_id, "1-1-101", "1-1-102")
    return [backend.call(accounts.add_item, project_id, "line", unit_no=f"1-1-10{1 + n % 2}", category="arrears",
                         amount_fen=f"{100 + n}.00").public_id for n in range(count)]


def test_move_lines_is_all_or_nothing_and_audited(backend, project):
    ids = _lines(backend, project.id)
    before = backend.call(audit.entry_count)
    moved = backend.call(accounts.move_lines, project.id, ids[:2], "已确认")
    assert [(x.public_id, x.state) for x in moved] == [(ids[0], "confirmed"), (ids[1], "confirmed")]
    assert backend.call(audit.entry_count) == before + 2
    # Settled is reached from confirmed only: the batch with an unconfirmed line is refused whole, naming it.
    error = _error(backend, accounts.move_lines, project.id, [ids[0], ids[2], ids[1]], "settled")
    assert (error.key, error.params["value"]) == ("accounts.error.bad_move", ids[2])
    assert {x.public_id: x.state for x in backend.call(accounts.list_lines, project.id)}[ids[0]] == "confirmed"
    # A dispute needs a reason and evidence.
    assert _error(backend, accounts.move_lines, project.id, ids[2:], "disputed").field == "dispute_reason"
    assert _error(backend, accounts.move_lines, project.id, ids[2:], "disputed", "金额不符").field == "evidence_ref"
    disputed = backend.call(accounts.move_lines, project.id, ids[2:], "disputed", "金额不符", "IMG_0001.jpg")
    assert {(x.state, x.dispute_reason, x.evidence_ref) for x in disputed} == {("disputed", "金额不符", "IMG_0001.jpg")}
    carved = backend.call(accounts.move_lines, project.id, [ids[3].lower().replace("-", "－")], "carved_out")
    assert (carved[0].state, carved[0].dispute_reason) == ("carved_out", "金额不符")  # the record stays with it
    assert _error(backend, accounts.move_lines, project.id, ["L-0999"], "confirmed").key == "accounts.error.not_found"
    units = {u.unit_no: u for u in backend.call(accounts.list_units, project.id)}
    # 1-1-101 holds L-0001 (confirmed) and L-0003 (disputed); 1-1-102 L-0002 (confirmed) and L-0004 (carved out).
    assert (units["1-1-101"].closed, units["1-1-102"].closed) == (False, True)
    assert (units["1-1-102"].owes_fen, units["1-1-102"].carved_out) == (10100, 1)
    figures = backend.call(accounts.figures_of, project.id)
    assert figures == AccountsFigures(unreconciled_fen=0, disputed_fen=10200, units_closed=1, units=2)
    summary = backend.call(accounts.settlement, project.id)
    assert [x.public_id for x in summary.carve_outs] == [ids[3]] and (summary.units, summary.units_closed) == (2, 1)
    assert summary.owes_fen == 10000 + 10100 + 10200
    entries = backend.call(lambda s: s.execute(select(AuditEntry.entity, AuditEntry.field, AuditEntry.new)
                                               .where(AuditEntry.public_id == ids[3]).order_by(AuditEntry.id)).all())
    assert [tuple(e) for e in entries[1:]] == [("line", "state", "disputed"), ("line", "dispute_reason", "金额不符"),
                                                ("line", "evidence_ref", "IMG_0001.jpg"),
                                                ("line", "state", "carved_out")]


def test_update_item_keeps_the_split_and_the_state_rules(backend, project):
    _units(backend, project.id, "2-1-301")
    line = backend.call(accounts.add_item, project.id, "line", unit_no="2-1-301", category="prepaid",
                        amount_fen="310.00", period_start="2027-01-01", period_end="2027-01-31")
    assert line.after_cutoff_fen == 21000  # 21 of 31 days after 10 January
    line = backend.call(accounts.update_item, project.id, "line", line.public_id, amount_fen="620")
    assert line.after_cutoff_fen == 42000
    line = backend.call(accounts.update_item, project.id, "line", line.public_id, category="arrears")
    assert (line.after_cutoff_fen, line.direction) == (0, "owes")
    assert _error(backend, accounts.update_item, project.id, "line", line.public_id, state="settled").key == \
        "accounts.error.bad_move"
    assert backend.call(accounts.update_item, project.id, "line", line.public_id, state="confirmed").state == "confirmed"
    assert _error(backend, accounts.update_item, project.id, "line", "L-0042", note="x").key == "accounts.error.not_found"


def test_cutoff_preview_then_set_recomputes_every_prepaid_line(backend, project):
    _units(backend, project.id, "1-1-101", "1-1-102")
    year = {"category": "prepaid", "period_start": "2026-07-01", "period_end": "2027-06-30"}
    backend.call(accounts.add_item, project.id, "line", unit_no="1-1-101", amount_fen="3650", **year)
    backend.call(accounts.add_item, project.id, "line", unit_no="1-1-102", amount_fen="730", **year)
    backend.call(accounts.add_item, project.id, "line", unit_no="1-1-102", category="deposit", amount_fen="500")
    assert backend.call(accounts.cutoff, project.id) == T
    preview = backend.call(accounts.preview_cutoff, project.id, "2026年12月31日")
    assert (preview.old, preview.new) == (T, date(2026, 12, 31))
    assert preview.changes == (CutoffChange("L-0001", "1-1-101", 171000, 181000),
                               CutoffChange("L-0002", "1-1-102", 34200, 36200))
    assert (preview.prepaid_before_fen, preview.prepaid_after_fen) == (205200, 217200)
    assert backend.call(accounts.cutoff, project.id) == T  # a preview writes nothing
    assert backend.call(accounts.set_cutoff, project.id, "2026-12-31") == preview
    assert backend.call(accounts.cutoff, project.id) == date(2026, 12, 31)
    assert backend.call(accounts.settlement, project.id).prepaid_after_cutoff_fen == 217200
    change = backend.call(undo.last_change, project.id)
    assert set(change.rows) == {project.public_id, "L-0001", "L-0002"}
    backend.call(undo.undo_last, project.id)
    assert backend.call(accounts.cutoff, project.id) == T
    assert backend.call(accounts.settlement, project.id).prepaid_after_cutoff_fen == 205200
    backend.call(accounts.set_cutoff, project.id, "2026-12-31")
    assert backend.call(accounts.set_cutoff, project.id, None).new == T  # back to the handover day
    assert backend.call(accounts.preview_cutoff, project.id, "").changes == ()


def test_a_unit_with_lines_is_not_deleted_and_undo_brings_rows_back(backend, project):
    ids = _lines(backend, project.id, 2)
    error = _error(backend, accounts.delete_item, project.id, "unit", "U-0001")
    assert (error.key, error.params["n"]) == ("accounts.error.unit_has_lines", 1)
    backend.call(accounts.delete_item, project.id, "line", ids[0])
    backend.call(accounts.delete_item, project.id, "unit", "U-0001")
    assert [u.unit_no for u in backend.call(accounts.list_units, project.id)] == ["1-1-102"]
    backend.call(undo.undo_last, project.id)  # the unit comes back whole, under its id
    assert [(u.public_id, u.owner) for u in backend.call(accounts.list_units, project.id)] == [
        ("U-0001", "业主1-1-101"), ("U-0002", "业主1-1-102")]
    assert backend.call(accounts.add_item, project.id, "unit", unit_no="1-1-103").public_id == "U-0003"  # not reused
    assert _error(backend, accounts.list_lines, project.id, "U-0042").key == "accounts.error.unknown_unit"


def test_statements_and_export_rows(backend, project):
    ids = _lines(backend, project.id, 3)
    statements = backend.call(accounts.statements, project.id)
    assert [(u.unit_no, [x.public_id for x in lines]) for u, lines in statements] == [
        ("1-1-101", [ids[0], ids[2]]), ("1-1-102", [ids[1]])]
    picked = backend.call(accounts.statements, project.id, ["U-0002", "1-1-101"])
    assert [u.unit_no for u, _lines in picked] == ["1-1-102", "1-1-101"] and picked[1][1] == statements[0][1]
    assert _error(backend, accounts.statements, project.id, ["9-9"]).field == "unit_no"
    count, rows = backend.call(accounts.export_rows, project.id, "line")
    rows = list(rows)
    assert count == 3 and rows[0]["unit_no"] == "1-1-101" and rows[0]["amount_fen"] == 10000


def test_deleted_with_the_project_and_every_row_logged(backend, project):
    _lines(backend, project.id, 2)
    backend.call(accounts.add_item, project.id, "ledger", kind="revenue", amount_fen="100")
    backend.call(projects.delete_project, project.id)
    for model in (Unit, LedgerLine, ProjectLedger):
        assert _count(backend, model, project.id) == 0
    deleted = backend.call(lambda s: s.execute(select(AuditEntry.entity).where(
        AuditEntry.project_id == project.id, AuditEntry.action == "delete")).scalars().all())
    assert {"unit", "line", "ledger"} <= set(deleted)


def test_choices_read_in_either_language(backend, project):
    _units(backend, project.id, "1-1-101")
    set_language("en")
    line = backend.call(accounts.add_item, project.id, "line", unit_no="1-1-101", category="停车费",
                        amount_fen="300", direction="Owner owes")
    assert (line.category, line.direction) == ("parking", "owes")
    assert accounts.label("state", "carved_out") == "Carved out"
