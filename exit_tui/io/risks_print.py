"""The Risks area as the package prints it (read through services/risks.py): the 5×5 heatmap of the open risks
drawn in cell fills above the risk register (风险登记册: impact across, likelihood up, each cell filled by its level's
colour and showing its count), and the contingency plans (应急预案), one risk's plan a printed page.

The plans are written for reading only: a plan is changed on the register, and an import of the plans' sheet is
refused (io/registers.is_read_only). The register and the drill log are schedules like any other
(io/xlsx_schedule.py), read back by services/risks_import.py.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from ..domain.risks import RATING, Level, Status, Thresholds
from ..i18n import _
from ..services import risks
from ..services.readmodels import Heatmap
from .spec import PLANS
from .xlsx_sheet import LINE_HEIGHT, Formats, Pages, page_setup, set_widths, write_text
from .xlsx_statement import print_scale
from .xlsx_text import text_lines

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

#: Cell fills of the levels (the screen's green, blue-grey, amber and red, light enough to print the counts on).
LEVEL_FILLS = {Level.LOW: "#C6EFCE", Level.MEDIUM: "#FFEB9C", Level.HIGH: "#F8CBAD", Level.EXTREME: "#FF7C80"}
#: Height (points) of a row of the heatmap; how wide (characters) its cells should come out.
HEAT_ROW, HEAT_CELL = 36, 30
#: How many scheduled drill days and past drills a plan's page lists.
DRILL_DAYS, LAST_DRILLS = 6, 3
#: The plan page's two columns: labels, then values.
PLAN_WIDTHS = [16, 72]


# -- the heatmap above the register ------------------------------------------------------------------------------


def cell_groups(widths: list[int], cells: int = len(RATING), target: int = HEAT_CELL) -> list[tuple[int, int]]:
    """The columns (first, last) each heatmap cell spans, from the second column on (the first holds the
    likelihood axis): the sheet's columns keep their widths, so a cell is a run of them, chosen so that the cells
    come out as even as the column edges allow, about `target` characters each."""
    edges = []
    total = 0
    for width in widths[1:]:
        total += width
        edges.append(total)
    best: tuple[float, list[int]] | None = None
    for size in range(max(6, target // 3), 3 * target):
        picked = []
        for k in range(1, cells + 1):
            edge = min((e for e in range(len(edges)) if not picked or e > picked[-1]),
                       key=lambda e: abs(edges[e] - k * size), default=None)
            if edge is None:
                break
            picked.append(edge)
        if len(picked) < cells:
            continue
        spans = [edges[picked[0]], *(edges[b] - edges[a] for a, b in zip(picked, picked[1:]))]
        mean = sum(spans) / cells
        score = (max(spans) - min(spans)) / mean + abs(mean - target) / target / 2
        if best is None or score < best[0]:
            best = (score, picked)
    if best is None:  # fewer columns than cells: one column each, as many as there are
        return [(col, col) for col in range(1, min(len(widths), cells + 1))]
    picked = best[1]  # edge e is the right edge of column e + 1
    return list(zip([1, *(edge + 2 for edge in picked[:-1])], [edge + 1 for edge in picked], strict=True))


def _reachable(low: int, high: int) -> tuple[int, int] | None:
    """The lowest and highest scores (products of two ratings) from `low` to `high`, or None when none is."""
    scores = sorted({a * b for a in RATING for b in RATING if low <= a * b <= high})
    return (scores[0], scores[-1]) if scores else None


def level_ranges(levels: Thresholds) -> list[tuple[Level, str]]:
    """Each level with the scores it takes as the legend says them: `低 ≤ 4`, `中 5-9`, `极高 ≥ 20`."""
    bounds = {Level.LOW: (1, levels.low), Level.MEDIUM: (levels.low + 1, levels.medium),
              Level.HIGH: (levels.medium + 1, levels.high), Level.EXTREME: (levels.high + 1, 25)}
    found = []
    for level, (low, high) in bounds.items():
        reach = _reachable(low, high)
        if reach is None:
            continue
        first, last = reach
        if level is Level.LOW:
            scores = f"≤ {last}"
        elif level is Level.EXTREME:
            scores = f"≥ {first}"
        else:
            scores = f"{first}-{last}" if first != last else str(first)
        found.append((level, f"{risks.label('level', level.value)} {scores}"))
    return found


@dataclass(frozen=True)
class HeatmapBlock:
    """The open risks counted per (likelihood, impact) cell, as the register's sheet draws them above its header
    (io/xlsx_schedule.Above): a title, five rows of cells (likelihood 5 at the top), the impact axis, a legend."""

    heatmap: Heatmap
    thresholds: Thresholds

    def write(self, ws: "Worksheet", formats: Formats, widths: list[int], pages: Pages) -> int:
        groups = cell_groups(widths)
        last = groups[-1][1]
        axis = formats.get(bold=True, align="center", valign="vcenter", text_wrap=True)
        row = 0

        def box(first: int, end: int, text: str, cell_format) -> None:
            if end > first:
                ws.merge_range(row, first, row, end, "", cell_format)
            write_text(ws, formats, row, first, text, cell_format)

        box(0, last, _("risks.print.heatmap_title", n=self.heatmap.total), formats.section)
        ws.set_row(row, LINE_HEIGHT + 4)
        pages.add(LINE_HEIGHT + 4)
        for likelihood in reversed(RATING):
            row += 1
            box(0, 0, _("risks.print.likelihood_n", n=likelihood), axis)
            for impact, (first, end) in zip(RATING, groups):
                level = self.heatmap.levels[likelihood - 1][impact - 1]
                count = self.heatmap.count(likelihood, impact)
                cell = formats.get(bold=True, font_size=16, align="center", valign="vcenter", border=1,
                                   border_color="#808080", pattern=1, bg_color=LEVEL_FILLS[Level(level)])
                if end > first:
                    ws.merge_range(row, first, row, end, "", cell)
                if count:
                    ws.write_number(row, first, count, cell)
                elif end == first:  # an empty cell of one column: its fill alone
                    ws.write_blank(row, first, None, cell)
            ws.set_row(row, HEAT_ROW)
            pages.add(HEAT_ROW)
        row += 1
        for impact, (first, end) in zip(RATING, groups):
            box(first, end, _("risks.print.impact_n", n=impact), axis)
        axes = _("risks.print.axes")
        box(0, 0, axes, formats.get(italic=True, align="center", valign="vcenter", text_wrap=True,
                                    font_color="#595959"))
        height = LINE_HEIGHT * max(2, text_lines(axes, widths[0])) + 4
        ws.set_row(row, height)
        pages.add(height)
        row += 1
        box(0, 0, _("risks.print.legend"), axis)
        for (level, text), (first, end) in zip(level_ranges(self.thresholds), groups):
            box(first, end, text, formats.get(align="center", valign="vcenter", border=1, border_color="#808080",
                                              pattern=1, bg_color=LEVEL_FILLS[level]))
        pages.add()
        pages.add()  # a blank row before the register's header
        return row + 2


def heatmap_block(session: Session, project_id: int) -> HeatmapBlock:
    """The heatmap of the project's open risks, levelled by its rule profile's thresholds."""
    return HeatmapBlock(risks.heatmap(session, project_id), risks.thresholds(session, project_id))


# -- the contingency plans, a page each ---------------------------------------------------------------------------


def plan_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """One row per risk that is not closed and has a plan (measures, a lead, a phone or a drill schedule), in the
    register's order, keyed by io/spec.PLANS' column keys, as its page prints it."""
    chosen = [risk for risk in risks.list_risks(session, project_id)
              if risk.status != Status.CLOSED and (risk.plan or risk.plan_lead or risk.plan_phone or risk.drill_rule)]
    drills: dict[str, list] = {}
    for drill in risks.list_drills(session, project_id):
        drills.setdefault(drill.risk, []).append(drill)
    days: dict[str, list[str]] = {}
    for item in risks.dated_items(session, project_id):
        if item.kind == "drill":
            days.setdefault(item.public_id, []).append(item.day.isoformat())

    def rows() -> Iterator[dict]:
        for risk in chosen:
            yield {
                "risk": _("risks.print.plan_heading", id=risk.public_id, title=risk.title),
                "category": risks.label("category", risk.category),
                "trigger": risk.trigger,
                "rating": _("risks.print.rating", level=risks.label("level", risk.level), score=risk.score,
                            likelihood=risk.likelihood, impact=risk.impact),
                "status": risks.label("status", risk.status) + (
                    _("risks.print.next_review", day=risk.next_review.isoformat()) if risk.next_review else ""),
                "owner": risk.owner,
                "plan": risk.plan,
                "plan_lead": risk.plan_lead,
                "plan_phone": risk.plan_phone,
                "mitigation": risk.mitigation,
                "drills": _schedule(risk.drill_rule, days.get(risk.public_id, [])),
                "last_drills": "\n".join(_drill_line(drill) for drill in
                                         reversed(drills.get(risk.public_id, [])[-LAST_DRILLS:])),
                "tasks": " ".join(risk.tasks),
            }

    return len(chosen), rows()


def _schedule(rule: str, days: list[str]) -> str:
    if not rule:
        return _("risks.print.no_schedule")
    more = " …" if len(days) > DRILL_DAYS else ""
    shown = ", ".join(days[:DRILL_DAYS]) + more if days else _("risks.print.no_days")
    return _("risks.print.schedule", rule=rule, days=shown)


def _drill_line(drill) -> str:
    """`2026-11-20 X-0003 交接当日联动测试; 发现问题: …; 跟进任务 T-0127`."""
    parts = [f"{drill.held_on.isoformat()} {drill.public_id} {drill.scenario}".strip()]
    if drill.findings:
        parts.append(_("risks.print.findings", text=drill.findings))
    if drill.tasks:
        parts.append(_("risks.print.follow_up_tasks", ids=" ".join(drill.tasks)))
    return "; ".join(parts)


def write_plans(workbook: "Workbook", formats: Formats, title: str, rows: Iterable[Mapping[str, object]],
                heading: tuple[str, datetime], tick: Callable[[], None]) -> None:
    """The plans' sheet: each plan on a printed page of its own (A4 portrait, a manual page break before each
    one, a print scale rather than "fit to width", which would drop the breaks in Excel): its heading, then one
    labelled line per column of io/spec.PLANS, with a line to sign for the plan's lead."""
    ws = workbook.add_worksheet(title)
    set_widths(ws, PLAN_WIDTHS)
    total = sum(PLAN_WIDTHS)
    heading_format = formats.get(bold=True, font_size=14, valign="vcenter", text_wrap=True, bottom=2)
    label_format = formats.get(bold=True, valign="top", text_wrap=True, border=1, border_color="#808080",
                               pattern=1, bg_color="#D9E1F2")
    value_format = formats.get(valign="top", text_wrap=True, border=1, border_color="#808080")
    breaks: list[int] = []
    row = 0
    for number, plan in enumerate(rows):
        if number:
            breaks.append(row)
        ws.merge_range(row, 0, row, 1, "", heading_format)
        write_text(ws, formats, row, 0, plan.get("risk") or "", heading_format)
        ws.set_row(row, 2 * LINE_HEIGHT + 6)
        row += 2  # a blank row under the heading
        for column in PLANS.columns[1:]:
            text = str(plan.get(column.key) or "")
            write_text(ws, formats, row, 0, column.header, label_format)
            write_text(ws, formats, row, 1, text, value_format)
            lines = max(text_lines(column.header, PLAN_WIDTHS[0]), text_lines(text, PLAN_WIDTHS[1]))
            ws.set_row(row, LINE_HEIGHT * lines + 4)
            row += 1
        row += 1
        ws.merge_range(row, 0, row, 1, "", formats.sign_line)
        write_text(ws, formats, row, 0, _("risks.print.plan_sign"), formats.sign_line)
        ws.set_row(row, 2 * LINE_HEIGHT + 8)
        row += 2
        tick()
    if row == 0:
        write_text(ws, formats, 0, 0, _("risks.print.no_plans"), formats.plain)
    project, generated = heading
    page_setup(ws, title, project, total, generated, scale=print_scale(total))
    if breaks:
        ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, max(row - 2, 0), len(PLAN_WIDTHS) - 1)  # down to the last sign line
