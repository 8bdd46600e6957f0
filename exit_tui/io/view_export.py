"""One list as the user sees it (filtered, sorted) written to an .xlsx file: a header row and one row per line.

Values keep their kind: text is written as text (never a formula), money in fen as a number of yuan with two
decimals, dates as dates. Rows stream one at a time (XlsxWriter `constant_memory`).
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from ..services.readmodels import ProjectRead
from .atomic import atomic_path, export_errors

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Characters an .xlsx cell cannot hold."""


def default_view_path(project: ProjectRead, view: str, documents_dir: Path | None = None, *,
                      today: date | None = None) -> Path:
    """`<project name>-<view>-2026-11-28.xlsx` in the user's documents folder (the home folder without one)."""
    from .export import default_export_path, safe_file_name

    package = default_export_path(project, documents_dir, today=today)
    day = (today or date.today()).isoformat()
    return package.with_name(f"{safe_file_name(project.name)}-{safe_file_name(view)}-{day}.xlsx")


def export_view(path: Path, title: str, headers: Sequence[str], kinds: Sequence[str],
                rows: Iterable[Sequence[object]]) -> int:
    """Write `rows` (values in the order of `headers`; `kinds` as the table's column kinds) to the sheet `title`
    of a new workbook at `path`; returns the number of rows written."""
    import xlsxwriter

    path = Path(path)
    count = 0
    with export_errors(path), atomic_path(path) as temp:
        book = xlsxwriter.Workbook(str(temp), {"constant_memory": True})
        try:
            bold = book.add_format({"bold": True, "bottom": 1})
            money = book.add_format({"num_format": "#,##0.00"})
            day = book.add_format({"num_format": "yyyy-mm-dd"})
            sheet = book.add_worksheet(_CONTROL.sub("", title)[:31] or "Sheet1")
            sheet.freeze_panes(1, 0)
            for col, header in enumerate(headers):
                sheet.write_string(0, col, header, bold)
            for count, values in enumerate(rows, start=1):
                for col, (kind, value) in enumerate(zip(kinds, values, strict=True)):
                    if value is None or value == "":
                        continue
                    if kind == "money":
                        sheet.write_number(count, col, int(value) / 100, money)
                    elif kind == "int" and isinstance(value, int):
                        sheet.write_number(count, col, value)
                    elif kind == "date" and isinstance(value, date):
                        sheet.write_datetime(count, col, value, day)
                    else:
                        sheet.write_string(count, col, _CONTROL.sub("", str(value)))
        finally:
            book.close()
    return count
