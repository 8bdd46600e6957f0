"""The accounts as printed (io/accounts_print.py, io/xlsx_statement.py): the package's accounts sheets on the index
with their row counts, the 公示 lists with nothing personal left whole, the settlement report with its totals and
the three-party signature block, and the owner statements: a page per unit, A4 portrait, a confirmation box, for
one unit, a selection or all."""

import re

import openpyxl
import pytest

from exit_tui.domain.accounts import mask_name, mask_phone
from exit_tui.i18n import _, set_language
from exit_tui.io.accounts_print import export_statements
from exit_tui.io.export import export_package
from exit_tui.io.xlsx_statement import WIDTHS, print_scale
from exit_tui.services import accounts
from exit_tui.services.errors import UserError
from tests.helpers import TODAY
from tests.test_accounts_import import add_accounts

OWNERS = ("张三", "张三丰", "欧阳娜娜")
PHONES = ("13800138000", "13912345678", "021-58881234", "02158881234")


@pytest.fixture
def book(backend, project, tmp_path):
    add_accounts(backend, project.id)
    backend.call(accounts.add_item, project.id, "line", unit_no="3-1-201", category="other", amount_fen="66",
                 source_ref="违约金")
    backend.call(accounts.move_lines, project.id, ["L-0005"], "disputed", "不认可违约金", "业主来函 2026-11-20")
    backend.call(accounts.move_lines, project.id, ["L-0005"], "carved_out")
    path = tmp_path / "package.xlsx"
    result = backend.call(export_package, project.id, path, today=TODAY)
    return project, openpyxl.load_workbook(path), dict(result.sheets)


def test_the_index_lists_the_accounts_sheets_with_their_rows(book):
    _project, workbook, counts = book
    for title, rows in (("房屋清单", 3), ("对账明细", 5), ("项目台账", 2), ("欠费公示清单", 2),
                        ("预收费用退还公示清单", 1)):
        assert counts[title] == rows
    index = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True) if row[0] in counts}
    assert index == counts


def test_no_full_name_or_phone_on_any_public_notice(book):
    _project, workbook, _counts = book
    notices = [sheet for sheet in workbook.worksheets if "公示" in sheet.title]
    assert len(notices) == 2
    for sheet in notices:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                text = str(value or "")
                assert not any(owner in text for owner in OWNERS), (sheet.title, text)
                assert not any(phone in text.replace("-", "") for phone in PHONES), (sheet.title, text)
    arrears = [row for row in workbook["欠费公示清单"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert [row[1:6] for row in arrears[:2]] == [
        ("3-1-201", mask_name("张三"), mask_phone("13800138000"), 1, 1234.5),
        ("10-2-1501", "欧**娜", "021****1234", 1, 88.8)]  # parking is not arrears; the carve-out is not listed
    prepaid = next(workbook["预收费用退还公示清单"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert prepaid[1:4] == ("3-1-202", "张*丰", "139****5678")


def test_the_settlement_report_totals_and_signature(backend, book):
    project, workbook, _counts = book
    summary = backend.call(accounts.settlement, project.id)
    rows = [row for row in workbook["结算报告"].iter_rows(values_only=True) if any(row)]
    sums = {row[1]: row[3] for row in rows[1:]}
    def fen(key: str) -> int:
        return round(sums[_(key)] * 100)

    assert (fen("accounts.report.total_owes"), fen("accounts.report.total_owed")) == (summary.owes_fen,
                                                                                    summary.owed_fen)
    assert fen("accounts.report.net") == summary.owes_fen - summary.owed_fen
    assert fen("accounts.report.revenue_net") == 500000
    assert fen("accounts.report.prepaid_after") == summary.prepaid_after_cutoff_fen > 0
    carved = [row for row in rows if row[0] == _("accounts.report.carve_outs")]
    assert len(carved) == 1 and "L-0005" in carved[0][1] and "不认可违约金" in carved[0][1] and carved[0][3] == 66
    titles = [row[0] for row in rows]
    assert _("export.signature_title") in titles
    assert any(str(t).startswith(_("export.signature_supervisor")) for t in titles)


@pytest.mark.parametrize("units, pages", [(["3-1-202"], 1), (["U-0003", "3-1-201"], 2), (None, 3)])
def test_statements_a_page_per_unit(backend, project, tmp_path, units, pages):
    add_accounts(backend, project.id)
    path = tmp_path / "对账单.xlsx"
    result = backend.call(export_statements, project.id, path, units)
    assert (result.units, result.sheets) == (pages, ["对账单", "对账确认回执"])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["对账单"]
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "portrait")
    # a print scale, not "fit to page": Excel ignores manual page breaks on a sheet fitted to the page
    assert sheet.page_setup.scale == print_scale(sum(WIDTHS)) < 100
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert len(breaks) == pages - 1
    texts = [str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0]]
    starts = [n for n, text in enumerate(texts) if text == _("accounts.print.statement_title")]
    assert len(starts) == pages
    assert texts.count(_("accounts.print.reply_sign")) == pages  # the confirmation box, once per unit
    if units == ["U-0003", "3-1-201"]:  # in the order asked for
        assert "10-2-1501" in texts[starts[0] + 2] and "3-1-201" in texts[starts[1] + 2]
        # each unit starts a page: the break is right above the second unit's title
        title_rows = [row[0].row for row in sheet.iter_rows() if row[0].value == _("accounts.print.statement_title")]
        assert breaks == [title_rows[1] - 1]
    receipt = [row for row in workbook["对账确认回执"].iter_rows(min_row=2, values_only=True)
               if row[1] and str(row[1]).startswith("L-")]
    assert len(receipt) == result.lines


def test_statement_totals_are_the_units(backend, project, tmp_path):
    add_accounts(backend, project.id)
    path = tmp_path / "s.xlsx"
    backend.call(export_statements, project.id, path, ["3-1-202"])
    rows = list(openpyxl.load_workbook(path)["对账单"].iter_rows(values_only=True))
    totals = {row[0]: row[4] for row in rows if row[0] in (_("accounts.print.total_owes"),
                                                           _("accounts.print.total_owed"), _("accounts.print.net"))}
    unit = next(u for u in backend.call(accounts.list_units, project.id) if u.unit_no == "3-1-202")
    assert totals == {_("accounts.print.total_owes"): 0, _("accounts.print.total_owed"): unit.owed_fen / 100,
                      _("accounts.print.net"): unit.net_fen / 100}
    assert "张三丰" in rows[2][0] and "13912345678" in rows[2][0]  # the owner's own statement: not masked


def test_statements_of_an_unknown_unit_are_refused(backend, project, tmp_path):
    add_accounts(backend, project.id)
    with pytest.raises(UserError, match="9-9-999"):
        backend.call(export_statements, project.id, tmp_path / "s.xlsx", ["9-9-999"])
    assert not (tmp_path / "s.xlsx").exists()


def test_english_sheets(backend, project, tmp_path):
    add_accounts(backend, project.id)
    set_language("en")
    path = tmp_path / "package.xlsx"
    result = backend.call(export_package, project.id, path, today=TODAY)
    titles = [title for title, _rows in result.sheets]
    assert {"Units", "Ledger lines", "Project ledgers", "Settlement report"} <= set(titles)
    assert sum("公示" in title for title in titles) == 2  # the notices say what they are in either language
    statements = backend.call(export_statements, project.id, tmp_path / "s.xlsx")
    assert statements.sheets == ["Statements", "Confirmations"]


def test_the_demos_notices_show_no_owners_name_or_phone(backend, demo, tmp_path):
    """Every cell of every 公示 sheet of the demo's package against every owner's name and phone of the project
    (a name of one character, which masking keeps, aside)."""
    from exit_tui.services import handover

    units = backend.call(accounts.list_units, demo.id)
    parties = {p.representative for p in backend.call(handover.list_parties, demo.id)}  # printed to be signed
    names = {name for u in units for name in re.split(r"[、,,/]", u.owner) if len(name) > 1} - parties
    phones = {re.sub(r"\D", "", u.phone) for u in units if u.phone}
    assert len(names) > 100 and len(phones) > 100
    path = tmp_path / "package.xlsx"
    backend.call(export_package, demo.id, path, today=TODAY)
    workbook = openpyxl.load_workbook(path, read_only=True)
    notices = [name for name in workbook.sheetnames if "公示" in name]
    assert len(notices) == 2
    full_name = re.compile("|".join(map(re.escape, sorted(names))))
    cells = 0
    for name in notices:
        for row in workbook[name].iter_rows(values_only=True):
            for value in row:
                if value is None:
                    continue
                text = str(value)
                cells += 1
                assert not full_name.search(text), text
                assert not any(phone in re.sub(r"\D", "", text) for phone in phones if len(phone) >= 7), text
    workbook.close()
    assert cells > 500
