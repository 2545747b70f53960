"""California judicial holidays and "court days" (judicial days) arithmetic.

Code Civ. Proc. 135 makes the holidays of Gov. Code 6700 judicial holidays; a holiday on a
Sunday is observed on the Monday. Which Saturday holidays close the courts on the Friday
before is not confirmed here (only November 11 is assumed to), so the list is
UNCONFIRMED: the court's own calendar governs, and every finding that counts court days says
so. Computed, not typed in, so it does not run out in a future year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

CITATION = "Code Civ. Proc., §§ 12a, 135; Gov. Code, § 6700"


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th weekday (Monday 0) of a month; n = -1 for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@cache
def holidays(year: int) -> frozenset[date]:
    fixed = [date(year, 1, 1), date(year, 2, 12), date(year, 3, 31), date(year, 6, 19), date(year, 7, 4),
             date(year, 11, 11), date(year, 12, 25)]
    days: set[date] = set()
    for day in fixed:
        if day.weekday() == 6:
            days.add(day + timedelta(days=1))  # Sunday: observed on Monday
        elif day.weekday() == 5 and day.month == 11:
            days.add(day - timedelta(days=1))  # Veterans Day on a Saturday: the Friday before
        else:
            days.add(day)
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    days |= {_nth_weekday(year, 1, 0, 3), _nth_weekday(year, 2, 0, 3), _nth_weekday(year, 5, 0, -1),
             _nth_weekday(year, 9, 0, 1), _nth_weekday(year, 9, 4, 4), thanksgiving,
             thanksgiving + timedelta(days=1)}
    return frozenset(days)


def is_court_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def court_days_after(day: date, count: int) -> date:
    """The `count`-th court day after `day` (the day itself is not counted)."""
    current, left = day, count
    while left > 0:
        current += timedelta(days=1)
        if is_court_day(current):
            left -= 1
    return current


def last_day(day: date) -> date:
    """The last day of a period set by law that ends on `day`: `day`, or the next court day when it
    is a Saturday, a Sunday or a judicial holiday (Code Civ. Proc. 12a(a); 12a(b) applies it to a
    period in any code, Pen. Code 236.14(c)'s 45 days included)."""
    while not is_court_day(day):
        day += timedelta(days=1)
    return day
