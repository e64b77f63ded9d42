"""Date arithmetic the policies need: ages in 周岁, periods of years and months, and
Chinese working days.

Periods follow 民法典 第二百零二条: "按照年、月计算期间的，到期月的对应日为期间的最后
一日；没有对应日的，月末日为期间的最后一日". So 29 Feb + 1 year is 28 Feb, and 31 Jan
+ 1 month is 28/29 Feb.

Ages: a person born on 29 Feb completes a year of age at the end of 28 Feb in a
common year (the period's last day is the month's end), so their birthday in a common
year is 1 March. ``age_on`` counts completed years on a date with that rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Iterable


def add_months(start: dt.date, months: int) -> dt.date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def add_years(start: dt.date, years: int) -> dt.date:
    return add_months(start, 12 * years)


def birthday_in(birth: dt.date, year: int) -> dt.date:
    """The day in ``year`` on which a person born on ``birth`` completes another year of
    age: 1 March for 29 February births in a common year."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return dt.date(year, birth.month, birth.day)


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years of age (周岁) on ``on``."""
    age = on.year - birth.year
    if on < birthday_in(birth, on.year):
        age -= 1
    return age


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months completed from ``start`` to ``end``."""
    n = (end.year - start.year) * 12 + end.month - start.month
    while n > 0 and add_months(start, n) > end:
        n -= 1
    return max(n, 0)


class WorkdayCalendar:
    """Chinese working days from ``chinesecalendar`` plus the office's own dates.

    ``extra_holidays`` and ``extra_workdays`` override the package (statutory holidays
    and make-up working days announced after the package was released). A date in a
    year the package does not know and that no extra date covers is treated as a
    working day from Monday to Friday, and the year is reported in ``uncovered_years``
    so the caller can warn.
    """

    def __init__(self, extra_holidays: Iterable[dt.date] = (), extra_workdays: Iterable[dt.date] = ()):
        self.extra_holidays = set(extra_holidays)
        self.extra_workdays = set(extra_workdays)
        self.uncovered_years: set[int] = set()
        self._extra_years = {d.year for d in self.extra_holidays | self.extra_workdays}

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        try:
            import chinese_calendar
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._extra_years:
                self.uncovered_years.add(day.year)
            return day.weekday() < 5
        except ImportError:  # pragma: no cover - the package is a dependency
            self.uncovered_years.add(day.year)
            return day.weekday() < 5

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (the start day itself not counted,
        民法典 第二百零一条: 开始的当日不计入)."""
        day = start
        count = 0
        while count < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤
        ``start``): the inverse of ``add_workdays`` (``add_workdays(s, n)`` is the first
        day ``d`` with ``workdays_between(s, d) == n``)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count
