"""Working days in Vietnam: public holidays from the ``holidays`` package (Tết, 30/4,
1/5, 2/9, Giỗ Tổ…, with its swapped days) plus the :class:`CalendarOverride` table.

Build one :class:`WorkCalendar` per request or per periodic pass: it reads the override
table once and answers every question from memory.
"""

from __future__ import annotations

import datetime
from functools import cached_property

import holidays

from qms.core.models import CalendarOverride

_MAX_SCAN = 60  # no run of days off in Vietnam is that long


class WorkCalendar:
    def __init__(self, overrides: dict[datetime.date, str] | None = None) -> None:
        if overrides is None:
            overrides = dict(CalendarOverride.objects.values_list("date", "kind"))
        self._overrides = overrides
        self._national = holidays.country_holidays("VN", language="vi")

    @cached_property
    def _working_override(self) -> set[datetime.date]:
        return {d for d, k in self._overrides.items() if k == CalendarOverride.Kind.WORKING}

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self._overrides.get(day)
        if kind is not None:
            return kind == CalendarOverride.Kind.WORKING
        return bool(self._national.is_working_day(day))

    def holiday_name(self, day: datetime.date) -> str:
        return str(self._national.get(day) or "")

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        for _ in range(_MAX_SCAN):
            if self.is_working_day(day):
                return day
            day += datetime.timedelta(days=1)
        raise ValueError("No working day within 60 days")  # pragma: no cover

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def days_off(self, year: int) -> list[tuple[datetime.date, str, str]]:
        """(date, name, source) of the non-weekend days off and overrides of a year."""
        rows: dict[datetime.date, tuple[str, str]] = {}
        national = holidays.country_holidays("VN", years=year, language="vi")
        for day, name in national.items():
            rows[day] = (str(name), "national")
        for day in getattr(national, "weekend_workdays", ()):
            if day.year == year:
                rows[day] = ("", "swapped")
        for day, kind in self._overrides.items():
            if day.year == year:
                rows[day] = (kind, "override")
        return sorted((d, name, source) for d, (name, source) in rows.items())
