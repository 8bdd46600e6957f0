"""The accounts as the package and the statements print them (read through services/accounts.py): the 公示 lists
(arrears and prepaid refunds by unit, names and phones masked), the settlement report (结算报告, signed by the
three parties under it), and the owner statements workbook (one page per unit, io/xlsx_statement.py) with the
confirmations sheet the committee returns (对账确认回执, imported by services/accounts_import.py).
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from ..domain.accounts import Direction, LineCategory, LineState, mask_name, mask_phone
from ..domain.money import format_fen
from ..i18n import _
from ..services import accounts, handover, projects
from .spec import CONFIRMATIONS
from .xlsx_statement import Statement, write_statements
from .xlsx_text import sheet_title

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from ..services.readmodels import LineRead, UnitRead
    from .xlsx_sheet import Formats

#: States of a line a 公示 list counts: not settled, not in dispute (a disputed amount is not published as owed).
NOTICED = frozenset({LineState.UNCONFIRMED, LineState.CONFIRMED})


def label(group: str, code: str | None) -> str:
    """A code's label in the current language (`accounts.<group>.<code>`)."""
    return _(f"accounts.{group}.{code}") if code else ""


def period_text(start: date | None, end: date | None) -> str:
    """`2026-01-01 至 2026-06-30`, one end alone, or ``."""
    if start and end:
        return _("accounts.print.period", start=start.isoformat(), end=end.isoformat())
    return (start or end).isoformat() if (start or end) else ""


def unit_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 房屋清单's rows: each unit with its totals, net and how far it is reconciled."""
    count, rows = accounts.export_rows(session, project_id, "unit")

    def rows_with_state() -> Iterator[dict]:
        for row in rows:
            if row["lines"] == 0:
                reconciled = ""
            elif row["unconfirmed"] == 0 and row["disputed"] == 0:
                reconciled = _("accounts.unit_closed")
            else:
                reconciled = " ".join(filter(None, (
                    _("accounts.unit_open", n=row["unconfirmed"]) if row["unconfirmed"] else "",
                    _("accounts.unit_disputed", n=row["disputed"]) if row["disputed"] else "")))
            yield {**row, "net_fen": row["owes_fen"] - row["owed_fen"], "reconciled": reconciled}

    return count, rows_with_state()


# -- 公示 lists ----------------------------------------------------------------------------------------------------


def notice_rows(session: Session, project_id: int, kind: str) -> tuple[int, Iterator[dict]]:
    """A 公示 list's rows, by unit number: `arrears` sums the unit's arrears lines it owes, `prepaid` the part
    after the cut-off of its prepaid lines (refunded); only units with something to show, only lines not yet
    settled and not in dispute. Owner and phone masked (mask_name, mask_phone): nothing else personal."""
    units = {u.unit_no: u for u in accounts.list_units(session, project_id)}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in accounts.list_lines(session, project_id):
        if line.state not in NOTICED:
            continue
        if kind == "arrears" and line.category == LineCategory.ARREARS and line.direction == Direction.OWES:
            fen = line.amount_fen
        elif kind == "prepaid" and line.category == LineCategory.PREPAID and line.after_cutoff_fen > 0:
            fen = line.after_cutoff_fen
        else:
            continue
        found = sums[line.unit_no]
        found[0] += 1
        found[1] += fen
    rows = [{"no": no, "unit": unit_no, "owner": mask_name(units[unit_no].owner or ""),
             "phone": mask_phone(units[unit_no].phone or ""), "count": count, "sum": fen}
            for no, (unit_no, (count, fen)) in enumerate(sorted(sums.items(), key=lambda item: _unit_key(item[0])),
                                                         start=1)]
    return len(rows), iter(rows)


def _unit_key(unit_no: str) -> tuple:
    """`3-1-201` sorts before `10-1-101`: numbers compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", unit_no))


arrears_rows = partial(notice_rows, kind="arrears")
prepaid_rows = partial(notice_rows, kind="prepaid")


# -- the settlement report -------------------------------------------------------------------------------------


def settlement_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 结算报告: the cut-off and the units reconciled; the owners' lines by category, direction and state,
    the totals each way; prepaid refunds after the cut-off; public revenue, its costs and the net; the repair fund;
    the fee surplus (酬金制) or the lump sum result (包干制, shown, not settled); vendor balances; the carve-outs."""
    s = accounts.settlement(session, project_id)
    rows: list[dict] = []

    named: set[str] = set()

    def add(section: str, measure: str, fen: int | None = None, count: int | None = None) -> None:
        """A row; its part is named on the part's first row only (the printed report reads as sections)."""
        rows.append({"section": "" if section in named else section, "measure": measure, "count": count,
                     "sum": fen})
        named.add(section)

    part = _("accounts.report.overview")
    add(part, _("accounts.report.cutoff", day=s.cutoff.isoformat()))
    add(part, _("accounts.report.units_closed", closed=s.units_closed, units=s.units), count=s.units_closed)
    part = _("accounts.report.lines")
    for total in s.by_category:
        measure = "/".join((label("category", total.category), label("direction", total.direction),
                            label("state", total.state)))
        if total.due_fen != total.amount_fen:  # prepaid: what is refunded is the part after the cut-off
            measure += " " + _("accounts.report.of_amount", amount=format_fen(total.amount_fen))
        add(part, measure, total.due_fen, total.lines)
    add(part, _("accounts.report.total_owes"), s.owes_fen)
    add(part, _("accounts.report.total_owed"), s.owed_fen)
    add(part, _("accounts.report.net"), s.owes_fen - s.owed_fen)
    add(part, _("accounts.report.prepaid_after"), s.prepaid_after_cutoff_fen)
    part = _("accounts.report.project")
    add(part, label("kind", "revenue"), s.revenue_fen)
    add(part, label("kind", "revenue_cost"), s.revenue_cost_fen)
    add(part, _("accounts.report.revenue_net"), s.revenue_net_fen)
    add(part, label("kind", "repair_fund"), s.repair_fund_fen)
    add(part, label("kind", "fee_surplus"), s.fee_surplus_fen)
    add(part, _("accounts.report.lump_sum"), s.lump_sum_fen)
    add(part, label("kind", "vendor_payable"), s.vendor_payable_fen)
    add(part, label("kind", "vendor_prepaid"), s.vendor_prepaid_fen)
    part = _("accounts.report.carve_outs")
    if not s.carve_outs:
        add(part, _("accounts.report.no_carve_outs"), count=0)
    for line in s.carve_outs:
        add(part, " ".join(filter(None, (line.public_id, line.unit_no, label("category", line.category),
                                         label("direction", line.direction), line.dispute_reason))),
            line.due_fen)
    return len(rows), iter(rows)


# -- owner statements ------------------------------------------------------------------------------------------


def statement(unit: "UnitRead", lines: Sequence["LineRead"], project: str, cutoff: date) -> Statement:
    """One unit's statement as printed: every line, the totals as the unit's (what changes hands: a prepaid
    line's part after the cut-off, carved-out lines left out)."""
    area = f"{unit.area_m2 // 100}.{unit.area_m2 % 100:02d}" if unit.area_m2 is not None else "-"
    facts = [
        _("accounts.print.statement_project", project=project, cutoff=cutoff.isoformat()),
        _("accounts.print.statement_unit", unit=unit.unit_no, owner=unit.owner or "-", phone=unit.phone or "-",
          area=area),
    ]
    rows = [{"public_id": line.public_id, "category": label("category", line.category),
             "period": period_text(line.period_start, line.period_end),
             "direction": label("direction", line.direction), "amount_fen": line.amount_fen,
             "after_cutoff_fen": line.after_cutoff_fen or None, "state": label("state", line.state),
             "source_ref": line.source_ref} for line in lines]
    totals = [(_("accounts.print.total_owes"), unit.owes_fen), (_("accounts.print.total_owed"), unit.owed_fen),
              (_("accounts.print.net"), unit.net_fen)]
    return Statement(facts=facts, lines=rows, totals=totals)


def confirmation_rows(statements: Iterable[tuple["UnitRead", Sequence["LineRead"]]]) -> Iterator[dict]:
    """The 对账确认回执's rows: one per line, the reply left for the committee to fill in."""
    for unit, lines in statements:
        for line in lines:
            text = " ".join(filter(None, (label("category", line.category),
                                          period_text(line.period_start, line.period_end),
                                          label("direction", line.direction), format_fen(line.amount_fen))))
            yield {"unit_no": unit.unit_no, "public_id": line.public_id, "line": text}


@dataclass(frozen=True)
class StatementsResult:
    path: Path
    units: int
    lines: int
    sheets: list[str]


def export_statements(session: Session, project_id: int, path: Path, units: Sequence[str] | None = None, *,
                      generated_at: datetime | None = None,
                      progress: Callable[[int, int], None] | None = None) -> StatementsResult:
    """Write the owner statements of `units` (unit numbers or U- ids; None: every unit) to `path`: one page per
    unit, then the confirmations sheet. Raises UserError for an unknown unit, ExportError when the file cannot be
    written."""
    from .xlsx_schedule import Lists, write_schedule
    from .xlsx_write import write_workbook

    project = projects.get_project(session, project_id)
    chosen = accounts.statements(session, project_id, list(units) if units else None)
    cutoff = accounts.cutoff(session, project_id)
    printed = [statement(unit, lines, project.name, cutoff) for unit, lines in chosen]
    count = sum(len(lines) for _unit, lines in chosen)
    signers = [f"{p.company} {p.representative}".strip() for p in handover.list_parties(session, project_id)]
    moment = generated_at or datetime.now().astimezone()  # Excel has no time zones: the local wall-clock time
    heading = (project.name, moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % 500 == 0:
            progress(done, 2 * count)

    titles: list[str] = []

    def build(workbook: "Workbook", formats: "Formats") -> None:
        taken: set[str] = set()
        titles.extend(write_statements(workbook, formats, printed, heading, tick, taken))
        receipt = sheet_title(CONFIRMATIONS.title, taken)
        lists = Lists(title=sheet_title(_("export.lists_sheet"), taken))
        write_schedule(workbook, formats, receipt, CONFIRMATIONS, confirmation_rows(chosen), lists, heading, tick,
                       signers)
        _reply_dropdown(workbook.get_worksheet_by_name(receipt), count)
        lists.write(workbook)
        titles.append(receipt)

    write_workbook(Path(path), _("accounts.print.statement_title"), build)
    return StatementsResult(Path(path), len(chosen), count, titles)


def _reply_dropdown(ws, rows: int) -> None:
    """确认 / 有争议 offered in the reply column (other words are read too: services/accounts_import.py)."""
    if rows:
        col = [c.key for c in CONFIRMATIONS.columns].index("result")
        ws.data_validation(1, col, rows, col, {
            "validate": "list", "source": [_("accounts.reply.confirmed"), _("accounts.reply.disputed")],
            "ignore_blank": True, "error_type": "warning",
        })
