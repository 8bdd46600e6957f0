"""The 经济补偿计算表 as the package prints it (read through services/staff.py): one row per leaving employee with
every figure of the severance and the working that produced it, step by step with the rule of each (years and
the remainder rule, the wage used and why: average, minimum floor, 3× cap with the 12-year cap; the month in lieu
of notice; the amount), a column for the employee to sign that they checked it, the totals (all and by ground),
then the signature block.

Who signs: the employment is between the company and its employees, so the company (用人单位, sealed), the union or
the employees' representative (工会或职工代表: art 41 and 43 give it a say in terminations), and whoever prepared
the sheet (制表人, who answers for the figures); each employee signs their own row. The owners' committee is no
party to it (and the company's package for the committee can leave the staff sheets out: export --without staff).

Written for reading only: severance is computed from the 员工安置表, and an import of this sheet is refused
(io/registers.is_read_only).
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from ..domain.handover import PartyRole
from ..i18n import _
from ..i18n.severance import block_text, working
from ..services import handover, staff
from ..services.readmodels import EmployeeRead
from .spec import SEVERANCE
from .xlsx_schedule import signature_block
from .xlsx_sheet import LINE_HEIGHT, Formats, Pages, column_writer, page_setup, set_widths, write_row, write_text
from .xlsx_text import text_lines

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

#: Who signs the severance sheet (catalog keys), in the signature block's order.
SEVERANCE_PARTIES = ("staff.print.sign_employer", "staff.print.sign_union", "staff.print.sign_preparer")
#: The money columns the totals add up.
SUMMED = ("severance", "extra", "amount")


def _span(span) -> str:
    return _("staff.print.span", years=span.years, months=span.months, days=span.days)


def working_text(employee: EmployeeRead) -> str:
    """The working as the sheet prints it: the law's blocks first, then each step numbered (or why the severance
    cannot be computed yet)."""
    lines = [_("staff.print.blocked", text=block_text(block)) for block in employee.blocks]
    if employee.severance is not None:
        lines += [f"{n}. {text}" for n, text in enumerate(working(employee.severance), start=1)]
    else:
        lines.append(employee.severance_error_text)
    return "\n".join(lines)


def severance_row(employee: EmployeeRead, employer: str = "") -> dict:
    """One leaving employee's row (io/spec.SEVERANCE's keys; money in fen, None where nothing is computed);
    `employer` is carried for the signature block, `code` the ground for the totals by ground."""
    result = employee.severance
    position = "\n".join(filter(None, (employee.position, employee.team)))
    row = {"employee": f"{employee.public_id}\n{employee.name}", "position": position,
           "placement": staff.label("placement", employee.placement), "leaving_date": employee.leaving_date,
           "working": working_text(employee), "employer": employer, "code": employee.placement,
           "before_2008": bool(result and result.before_2008)}
    if result is None:
        return row
    service = _span(result.counted)
    if result.before_2008 is not None:
        service += "\n" + _("staff.print.before_2008", span=_span(result.before_2008))
    rule = _(f"staff.print.rule.{result.wage_rule.value}") if result.wage_rule else _("staff.print.rule.none")
    return {**row, "service": service, "months": str(result.months), "wage": result.wage_used or None,
            "wage_rule": rule, "severance": result.severance, "extra": result.extra_month or None,
            "amount": result.amount}


def severance_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """The 经济补偿计算表's rows: every employee whose placement ends the employment, in the register's order."""
    leaving = [e for e in staff.list_employees(session, project_id) if e.leaving]
    employer = next((p.company for p in handover.list_parties(session, project_id)
                     if p.role == PartyRole.HANDING.value), "")
    return len(leaving), (severance_row(e, employer) for e in leaving)


def write_severance(workbook: "Workbook", formats: Formats, title: str, rows: Iterable[Mapping[str, object]],
                    heading: tuple[str, datetime], tick: Callable[[], None]) -> None:
    """The sheet: its title and how it was worked out, the header (repeated on every page), a row per employee
    (each row's height set from its wrapped text, so the page estimate holds), the totals, the notes, and the
    signature block kept on one page; A4 landscape, fitted to the page width."""
    ws = workbook.add_worksheet(title)
    columns = SEVERANCE.columns
    widths = [c.width for c in columns]  # no filter buttons: a header wider than its column wraps
    set_widths(ws, widths)
    total, last_col = sum(widths), len(widths) - 1
    pages = Pages(total, landscape=True)

    def line(row: int, text: str, cell_format) -> None:
        ws.merge_range(row, 0, row, last_col, "", cell_format)
        write_text(ws, formats, row, 0, text, cell_format)
        height = LINE_HEIGHT * text_lines(text, total) + 6
        ws.set_row(row, height)
        pages.add(height)

    line(0, SEVERANCE.title, formats.get(bold=True, font_size=14, valign="vcenter"))
    line(1, _("staff.print.explain"), formats.text_wrap)
    header = 2
    height = LINE_HEIGHT * max(text_lines(c.header, w) for c, w in zip(columns, widths))
    for col, column in enumerate(columns):
        write_text(ws, formats, header, col, column.header, formats.header)
    ws.set_row(header, height)
    pages.add(height, repeated=True)
    ws.repeat_rows(header)
    ws.freeze_panes(header + 1, 0)

    writers = [(column_writer(ws, formats, c, w), c.key) for c, w in zip(columns, widths)]
    sums = dict.fromkeys(SUMMED, 0)
    by_ground: dict[str, list[int]] = {}
    row, count, open_, before_2008, employer = header, 0, 0, False, ""
    for item in rows:
        row += 1
        lines = write_row(ws, row, [(write, item.get(key)) for write, key in writers])
        ws.set_row(row, LINE_HEIGHT * lines)
        pages.add(LINE_HEIGHT * lines)
        count += 1
        employer = str(item.get("employer") or "")
        before_2008 = before_2008 or bool(item.get("before_2008"))
        if item.get("amount") is None:
            open_ += 1
        else:
            ground = by_ground.setdefault(str(item.get("code") or ""), [0, 0])
            ground[0] += 1
            ground[1] += int(item["amount"])
        for key in SUMMED:
            sums[key] += int(item.get(key) or 0)
        tick()
    row = _totals(ws, formats, widths, row + 1, count, open_, sums, by_ground, pages)
    notes = [_("staff.print.note_rounding")]
    if before_2008:
        notes.append(_("staff.print.note_before_2008"))
    if open_:
        notes.append(_("staff.print.note_open", n=open_))
    for note in notes:
        line(row, note, formats.text_wrap)
        row += 1
    signature_block(ws, formats, widths, row, [employer], pages=pages, parties=SEVERANCE_PARTIES)
    project, generated = heading
    page_setup(ws, title, project, total, generated, grid=True, landscape=True, pages=pages)


def _totals(ws, formats: Formats, widths: list[int], row: int, count: int, open_: int, sums: dict[str, int],
            by_ground: dict[str, list[int]], pages: Pages) -> int:
    """The totals row (employees counted, the money columns summed) and one line per ground; returns the next
    free row."""
    keys = [c.key for c in SEVERANCE.columns]
    label_end = keys.index("wage_rule")
    bold = formats.get(bold=True, valign="top", text_wrap=True, top=2)
    money = formats.get(bold=True, valign="top", num_format="#,##0.00", top=2)
    lines = [(_("staff.print.total", n=count, open=open_) if open_ else _("staff.print.total_all", n=count),
              sums, bold, money)]
    plain_money = formats.money
    for code in staff.PLACEMENTS:
        if code in by_ground:
            n, fen = by_ground[code]
            lines.append((_("staff.print.total_ground", ground=staff.label("placement", code), n=n),
                          {"amount": fen}, formats.text_wrap, plain_money))
    for text, figures, text_format, money_format in lines:
        ws.merge_range(row, 0, row, label_end, "", text_format)
        write_text(ws, formats, row, 0, text, text_format)
        for key in SUMMED:
            col = keys.index(key)
            if key in figures:
                ws.write_number(row, col, figures[key] / 100, money_format)
            else:
                ws.write_blank(row, col, None, text_format)
        for col in range(keys.index("amount") + 1, len(keys)):
            ws.write_blank(row, col, None, text_format)
        height = LINE_HEIGHT * text_lines(text, sum(widths[:label_end + 1]))
        ws.set_row(row, height)
        pages.add(height)
        row += 1
    return row + 1
