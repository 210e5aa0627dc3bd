"""Working days of Vietnamese civil servants, from four layers (the first that knows a
day decides):

1. :class:`CalendarOverride`: a local decision entered in eISO;
2. :class:`CalendarNoticeDay` of an active :class:`CalendarNotice` entered by a
   province-level administrator (next year's official notice);
3. the official calendar shipped with eISO (:mod:`qms.core.official_calendar`, complete
   for each shipped year);
4. for other years, the Labour Code holidays computed by the ``holidays`` package.

Build one :class:`WorkCalendar` per request or per periodic pass: it reads the two tables
once (two queries) and answers every question from memory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import holidays

from qms.core.models import CalendarNoticeDay, CalendarOverride
from qms.core.official_calendar import Notice, OfficialDay, shipped

_MAX_SCAN = 60  # no run of days off in Vietnam is that long
WORKING = CalendarOverride.Kind.WORKING.value


@dataclass(frozen=True)
class NoticeDay:
    """A day of an admin-entered notice, as the calendar holds it in memory."""

    kind: str
    reason: str
    notice: Notice
    notice_pk: int


@dataclass(frozen=True)
class DayRow:
    """One row of the calendar page: a day that is not an ordinary weekday/weekend."""

    date: datetime.date
    working: bool
    name: str
    source: str  # "override" | "notice" | "official" | "labour_code"
    notice: Notice | None = None
    notice_pk: int | None = None


def _notice_days_from_db() -> dict[datetime.date, NoticeDay]:
    days: dict[datetime.date, NoticeDay] = {}
    rows = CalendarNoticeDay.objects.filter(notice__archived_at__isnull=True).select_related(
        "notice"
    )
    for row in rows.order_by("notice__issued_on", "notice_id"):  # the later notice wins
        n = row.notice
        days[row.date] = NoticeDay(
            row.kind, row.reason, Notice(n.number, n.issued_on, n.issuer), n.pk
        )
    return days


class WorkCalendar:
    def __init__(
        self,
        overrides: dict[datetime.date, str] | None = None,
        notice_days: dict[datetime.date, NoticeDay] | None = None,
    ) -> None:
        """Without arguments, read the overrides and notices from the database; with
        ``overrides`` given (tests, previews), notices default to none."""
        if overrides is None:
            overrides = dict(CalendarOverride.objects.values_list("date", "kind"))
            if notice_days is None:
                notice_days = _notice_days_from_db()
        self._overrides = overrides
        self._notice_days = notice_days or {}
        self._official = shipped()
        self._national = holidays.country_holidays("VN", language="vi")

    def is_official_year(self, year: int) -> bool:
        """Does eISO ship the official calendar of ``year``?"""
        return year in self._official

    def _official_day(self, day: datetime.date) -> OfficialDay | None:
        return self._official.get(day.year, {}).get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self._overrides.get(day)
        if kind is not None:
            return kind == WORKING
        notice_day = self._notice_days.get(day)
        if notice_day is not None:
            return notice_day.kind == WORKING
        if day.year in self._official:
            official = self._official_day(day)
            return official.working if official else day.weekday() < 5
        return bool(self._national.is_working_day(day))

    def holiday_name(self, day: datetime.date) -> str:
        notice_day = self._notice_days.get(day)
        if notice_day is not None:
            return notice_day.reason
        if day.year in self._official:
            official = self._official_day(day)
            return official.reason if official else ""
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

    def _base_rows(self, year: int) -> dict[datetime.date, DayRow]:
        if year in self._official:
            return {
                d: DayRow(d, o.working, o.reason, "official", o.notice)
                for d, o in self._official[year].items()
            }
        national = holidays.country_holidays("VN", years=year, language="vi")
        rows = {d: DayRow(d, False, str(name), "labour_code") for d, name in national.items()}
        for day in getattr(national, "weekend_workdays", ()):
            if day.year == year:
                rows[day] = DayRow(day, True, "", "labour_code")
        return rows

    def year_days(self, year: int) -> list[DayRow]:
        """Every day off and working weekend day of ``year``, each with where it comes from."""
        rows = self._base_rows(year)
        for day, nd in self._notice_days.items():
            if day.year == year:
                rows[day] = DayRow(
                    day, nd.kind == WORKING, nd.reason, "notice", nd.notice, nd.notice_pk
                )
        for day, kind in self._overrides.items():
            if day.year == year:
                rows[day] = DayRow(day, kind == WORKING, "", "override")
        return [rows[d] for d in sorted(rows)]
