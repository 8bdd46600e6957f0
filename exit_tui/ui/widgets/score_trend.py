"""A risk's score over time as a sparkline: one cell per stretch of days from its first rating to today, the bar's
height the score on the absolute 1–25 scale (not stretched between this risk's own lowest and highest, so two
risks' lines compare), coloured by the level of the cell of the heatmap it was in; the ratings follow in figures.
"""

from collections.abc import Callable, Sequence
from datetime import date

from rich.text import Text
from textual.widgets import Static

from ...i18n import _
from .heatmap import LEVEL_COLOURS

BARS = "▁▂▃▄▅▆▇█"
TOP = 25
WIDTH = 36
"""Cells of the line at most (a risk rated once a day for a month is drawn a day a cell)."""


def trend_text(points: Sequence, today: date, level_of: Callable[[int, int], str], width: int = WIDTH) -> Text:
    """`points`: ScorePoint-like (day, likelihood, impact, score) by day. Empty text when there are none."""
    if not points:
        return Text()
    first = points[0].day
    span = max((today - first).days, 0) + 1
    if span >= len(points):  # a cell per stretch of days
        cells = min(width, span)
        days = [first.toordinal() + cell * span // cells for cell in range(cells)]
        shown_points = [[p for p in points if p.day.toordinal() <= day][-1] for day in days]
    else:  # rated more often than once a day (a new risk worked on the day): a cell per rating
        shown_points = list(points[-width:])
    line = Text()
    for point in shown_points:
        bar = BARS[min(len(BARS) - 1, (point.score - 1) * len(BARS) // TOP)]
        line.append(bar, style=LEVEL_COLOURS.get(level_of(point.likelihood, point.impact), ""))
    shown = points[-6:]
    figures = " → ".join(f"{p.score}" for p in shown)
    if len(points) > len(shown):
        figures = "… → " + figures
    line.append(f"  {figures}", style="bold")
    line.append("  " + _("risks.trend_since", day=first.isoformat()), style="dim")
    return line


class ScoreTrend(Static):
    """The risk form's line: `show(points, today, level_of)` once the history is read."""

    DEFAULT_CSS = "ScoreTrend { height: auto; margin: 0 0 1 0; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(_("risks.trend_loading"), style="dim"), id=id)

    def show(self, points: Sequence, today: date, level_of: Callable[[int, int], str]) -> None:
        self.update(Text(_("risks.trend") + "  ", style="dim") + trend_text(points, today, level_of))
