"""The announcements as the package prints them (公告, read through services/announcements.py): each issued
version on a printed page of its own, as it was frozen, with its number, whom it is for, the day it was issued,
the version it replaces and where it was posted (the posting notice with its photo proof).

Written for reading only: an announcement changes by a new version, and an import of the sheet is refused
(io/registers.is_read_only). The stakeholders, notices and contracts are schedules like any other
(io/xlsx_schedule.py), read back by services/parties_import.py.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from ..domain.announcements import find_template, templates
from ..domain.parties import AnnouncementStatus
from ..i18n import _
from ..services import announcements, parties
from .spec import ANNOUNCEMENTS
from .xlsx_sheet import LINE_HEIGHT, Formats, page_setup, set_widths, write_text
from .xlsx_statement import print_scale
from .xlsx_text import text_lines

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

#: The announcement page's width in characters (one column: a letter is read, not scanned across).
PAGE_WIDTH = 84


def _posted(notice) -> str:
    """`N-0012 公告张贴 2026-11-20 照片 IMG_0042.jpg (已发)`: where and when it was posted, and its proof."""
    parts = [notice.public_id, parties.label("channel", notice.channel) if notice.channel else "",
             notice.sent_on.isoformat() if notice.sent_on else "",
             parties.label("proof", notice.proof_kind) if notice.proof_kind else "", notice.proof_ref]
    return " ".join(filter(None, parts)) + f" ({parties.label('status', notice.status)})"


def announcement_rows(session: Session, project_id: int, today: date) -> tuple[int, Iterator[dict]]:
    """One row per issued version in force (keyed by io/spec.ANNOUNCEMENTS' column keys), in the order of the
    templates (data/announcements.toml: the order an exit publishes them), Chinese before English."""
    issued = announcements.list_announcements(session, project_id, today, status=AnnouncementStatus.ISSUED.value)
    order = {template.key: index for index, template in enumerate(templates())}
    issued.sort(key=lambda item: (order.get(item.template, len(order)), item.language != "zh", item.version))
    notices = {n.public_id: n for n in parties.list_notices(session, project_id, today)} if issued else {}

    def rows() -> Iterator[dict]:
        for item in issued:
            template = find_template(item.template)
            notice = notices.get(item.notice_ref or "")
            yield {
                "title": item.title,
                "number": _("announcements.print.number", id=item.public_id, version=item.version),
                "audience": template.audience(item.language),
                "issued_on": item.issued_on,
                "supersedes": item.supersedes or "",
                "posted": _posted(notice) if notice else (item.notice_ref or ""),
                "body": item.body,
                "language": item.language,
            }

    return len(issued), rows()


def write_announcements(workbook: "Workbook", formats: Formats, title: str, rows: Iterable[Mapping[str, object]],
                        heading: tuple[str, datetime], tick: Callable[[], None]) -> None:
    """The announcements' sheet: each on a page of its own (A4 portrait, a manual break before each, a print
    scale so that Excel keeps the breaks): the title centred, a line of its particulars, the text a paragraph a
    row, then where it was posted, a line to fill in when no posting is recorded yet."""
    ws = workbook.add_worksheet(title)
    set_widths(ws, [PAGE_WIDTH])
    title_format = formats.get(bold=True, font_size=15, align="center", valign="vcenter", text_wrap=True)
    meta_format = formats.get(font_size=9, font_color="#595959", align="center", valign="top", text_wrap=True)
    body_format = formats.get(font_size=11, valign="top", text_wrap=True)
    posted_format = formats.get(font_size=9, font_color="#595959", valign="top", text_wrap=True, top=1,
                                top_color="#808080")
    breaks: list[int] = []
    row = 0

    def line(text: str, cell_format, lines_extra: int = 0, pad: int = 4) -> None:
        nonlocal row
        write_text(ws, formats, row, 0, text, cell_format)
        ws.set_row(row, LINE_HEIGHT * (printed_lines(text) + lines_extra) + pad)
        row += 1

    for number, item in enumerate(rows):
        if number:
            breaks.append(row)
        line(str(item.get("title") or ""), title_format, lines_extra=1)
        line(_particulars(item), meta_format)
        row += 1  # a blank row under the particulars
        for paragraph in str(item.get("body") or "").split("\n"):
            if paragraph.strip():
                line(paragraph, body_format, pad=2)
            else:
                ws.set_row(row, LINE_HEIGHT / 2)
                row += 1
        row += 1
        posted = str(item.get("posted") or "") or "______________________________"
        line(f"{ANNOUNCEMENTS.column('posted').header}: {posted}", posted_format)
        row += 1
        tick()
    if row == 0:
        write_text(ws, formats, 0, 0, _("announcements.print.none"), formats.plain)
    project, generated = heading
    page_setup(ws, title, project, PAGE_WIDTH, generated, scale=print_scale(PAGE_WIDTH))
    if breaks:
        ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, max(row - 2, 0), 0)


def printed_lines(text: str) -> int:
    """The lines a paragraph takes on the page: text_lines, but prose in a Latin script is counted at the width
    its letters take in a proportional font (about 0.85 of a digit's), so that an English page is not spaced out
    with half-empty rows."""
    if text.isascii():
        return text_lines("x" * -(-len(text) * 85 // 100), PAGE_WIDTH)
    return text_lines(text, PAGE_WIDTH)


def _particulars(item: Mapping[str, object]) -> str:
    """`编号 M-0003 第 2 版 · 对象 全体业主 · 发布日期 2026-11-20 · 取代 M-0001`: the labels in the package's
    language, the values as issued."""
    issued = item.get("issued_on")
    parts = [
        f"{ANNOUNCEMENTS.column('number').header} {item.get('number')}",
        f"{ANNOUNCEMENTS.column('audience').header} {item.get('audience')}",
        f"{ANNOUNCEMENTS.column('issued_on').header} {issued.isoformat() if isinstance(issued, date) else ''}",
    ]
    if item.get("supersedes"):
        parts.append(f"{ANNOUNCEMENTS.column('supersedes').header} {item.get('supersedes')}")
    return " · ".join(parts)

