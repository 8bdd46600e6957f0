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
from ..i18n import _, _n
from ..i18n.severance import block_text, working
from ..services import handover, staff
from ..services.readmodels import EmployeeRead
from .spec import SEVERANCE
from .xlsx_schedule import SIGNATURE_ROW_HEIGHT, signature_block
from .xlsx_sheet import (
    DEFAULT_ROW_HEIGHT, LINE_HEIGHT, Formats, Pages, column_writer, page_setup, set_widths, write_row, write_text,
)
from .xlsx_text import text_lines

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

#: Who signs the severance sheet (catalog keys), in the signature block's order.
SEVERANCE_PARTIES = ("staff.print.sign_employer", "staff.print.sign_union", "staff.print.sign_preparer")
#: The money columns the totals add up; the columns before them hold a total's label.
SUMMED = ("severance", "extra", "amount")
_LABEL_END = [c.key for c in SEVERANCE.columns].index("wage_rule")
#: Height (points) of the signature block as xlsx_schedule.signature_block draws it (title, three lines).
SIGNATURE_HEIGHT = DEFAULT_ROW_HEIGHT + LINE_HEIGHT + 3 * SIGNATURE_ROW_HEIGHT


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
    `employer` is carried for the signature block, `code` the ground for the totals by ground, `blocked` says
    the law forbids (art 42) or defers (art 45) the termination as planned."""
    result = employee.severance
    position = "\n".join(filter(None, (employee.position, employee.team)))
    row = {"employee": f"{employee.public_id}\n{employee.name}", "position": position,
           "placement": staff.label("placement", employee.placement), "leaving_date": employee.leaving_date,
           "working": working_text(employee), "employer": employer, "code": employee.placement,
           "before_2008": bool(result and result.before_2008), "blocked": bool(employee.blocks)}
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
    working_col = [c.key for c in columns].index("working")
    unlawful = formats.get(valign="top", text_wrap=True, font_color="#C00000")
    sums = dict.fromkeys(SUMMED, 0)
    by_ground: dict[str, list[int]] = {}
    row, count, open_, before_2008, employer = header, 0, 0, False, ""
    for item in rows:
        row += 1
        lines = write_row(ws, row, [(write, item.get(key)) for write, key in writers])
        if item.get("blocked"):  # a termination the law forbids or defers as planned: its working in red
            write_text(ws, formats, row, working_col, item["working"], unlawful)
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
    totals = _total_lines(count, open_, sums, by_ground)
    notes = [_("staff.print.note_rounding")]
    if before_2008:
        notes.append(_("staff.print.note_before_2008"))
    if open_:
        notes.append(_n("staff.print.note_open", open_, n=open_))
    label_width = sum(widths[:_LABEL_END + 1])
    heights = [LINE_HEIGHT * text_lines(text, label_width) for text, _figures in totals]
    note_heights = [LINE_HEIGHT * text_lines(note, total) + 6 for note in notes]
    # The totals, the notes and the signatures on one page: whoever signs sees the amounts signed for.
    pages.add()  # the blank row under the employees
    pages.keep(sum(heights) + DEFAULT_ROW_HEIGHT + sum(note_heights) + SIGNATURE_HEIGHT)
    row += 2
    for index, ((text, figures), height) in enumerate(zip(totals, heights)):
        _total_row(ws, formats, row, text, figures, height, bold=index == 0)
        pages.add(height)
        row += 1
    row += 1
    pages.add()
    for note in notes:
        line(row, note, formats.text_wrap)
        row += 1
    signature_block(ws, formats, widths, row, [employer], pages=pages, parties=SEVERANCE_PARTIES)
    project, generated = heading
    page_setup(ws, title, project, total, generated, grid=True, landscape=True, pages=pages)


def _total_lines(count: int, open_: int, sums: dict[str, int],
                 by_ground: dict[str, list[int]]) -> list[tuple[str, dict[str, int]]]:
    """(label, money by column key) of the totals row and of one line per ground, in the register's order."""
    label = _n("staff.print.total", count, n=count, open=open_) if open_ else _n("staff.print.total_all", count,
                                                                                   n=count)
    lines = [(label, sums)]
    for code in staff.PLACEMENTS:
        if code in by_ground:
            n, fen = by_ground[code]
            lines.append((_("staff.print.total_ground", ground=staff.label("placement", code), n=n),
                          {"amount": fen}))
    return lines


def _total_row(ws, formats: Formats, row: int, text: str, figures: dict[str, int], height: float,
               bold: bool) -> None:
    """A line of the totals: its label over the first columns, its sums under their columns (the totals row in
    bold, ruled above)."""
    keys = [c.key for c in SEVERANCE.columns]
    if bold:
        text_format = formats.get(bold=True, valign="top", text_wrap=True, top=2)
        money_format = formats.get(bold=True, valign="top", num_format="#,##0.00", top=2)
    else:
        text_format, money_format = formats.text_wrap, formats.money
    ws.merge_range(row, 0, row, _LABEL_END, "", text_format)
    write_text(ws, formats, row, 0, text, text_format)
    for col in range(_LABEL_END + 1, len(keys)):
        key = keys[col]
        if key in figures:
            ws.write_number(row, col, figures[key] / 100, money_format)
        else:
            ws.write_blank(row, col, None, text_format)
    ws.set_row(row, height)
