"""Working days in mainland China: Monday to Friday, less the public holidays, plus the weekend days worked in
their place (调休), from the `chinesecalendar` package's data (the State Council's yearly notices).

The package covers the years FIRST_YEAR..LAST_YEAR. For any other year Monday to Friday are counted as working days
(no holidays, no 调休), and uncovered_years tells the caller which years of a span were counted that way so that it
can say so.

Importing the package's data takes ~0.1 s: import this module only where working days are counted (schedule.py
does so lazily), not on the start-up path.
"""

from datetime import date, timedelta

from chinese_calendar import holidays, workdays

FIRST_YEAR = min(holidays).year
LAST_YEAR = max(holidays).year
#: More working days than this (about 77 years) is taken as a typing error rather than counted day by day.
MAX_COUNT = 20_000


def covered(year: int) -> bool:
    """Whether the holiday data covers `year`."""
    return FIRST_YEAR <= year <= LAST_YEAR


def is_working_day(day: date) -> bool:
    """A working day: in a covered year the package's rule (chinese_calendar.is_workday: a 调休 day, or a weekday
    that is no holiday), read from its tables directly (is_workday checks the year range on every call, 100x
    slower); in any other year Monday to Friday."""
    if covered(day.year):
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """`count` working days after `start` (before it when negative); 0 gives `start` itself.

    `start` need not be a working day: one working day after a Saturday is the next working day.
    Raises OverflowError beyond MAX_COUNT working days.
    """
    if abs(count) > MAX_COUNT:
        raise OverflowError(f"{count} working days is more than {MAX_COUNT}")
    step = timedelta(days=1 if count > 0 else -1)  # one calendar day: timedelta is 10x faster than relativedelta
    day = start
    for _ in range(abs(count)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def uncovered_years(start: date, end: date) -> list[int]:
    """The years from `start` to `end` (either order, both included) the holiday data does not cover: there
    working days were counted Monday to Friday."""
    first, last = sorted((start.year, end.year))
    return [year for year in range(first, last + 1) if not covered(year)]
