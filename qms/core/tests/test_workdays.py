"""The working-day calendar: weekends, Vietnamese public holidays (Tết), swapped days,
and the administrator's overrides."""

from __future__ import annotations

import datetime

import pytest

from qms.core.models import CalendarOverride
from qms.core.workdays import WorkCalendar

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 3, 13), True),  # Friday
        (D(2026, 3, 14), False),  # Saturday
        (D(2026, 3, 15), False),  # Sunday
        (D(2026, 2, 16), False),  # Giao thừa
        (D(2026, 2, 17), False),  # Tết Nguyên Đán
        (D(2026, 2, 20), False),  # Mùng bốn Tết
        (D(2026, 4, 30), False),
        (D(2026, 5, 1), False),
        (D(2026, 9, 2), False),
        (D(2026, 8, 22), True),  # a Saturday worked in exchange for 31/08
        (D(2026, 8, 31), False),
    ],
)
def test_national_calendar(day: datetime.date, working: bool) -> None:
    assert WorkCalendar(overrides={}).is_working_day(day) is working


def test_next_working_day_and_counting() -> None:
    cal = WorkCalendar(overrides={})
    assert cal.next_working_day(D(2026, 3, 15)) == D(2026, 3, 16)
    assert cal.next_working_day(D(2026, 3, 16)) == D(2026, 3, 16)
    assert cal.next_working_day(D(2026, 2, 16)) == D(2026, 2, 23)  # across Tết
    assert cal.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 3, 16), -1) == D(2026, 3, 13)
    assert cal.working_days_between(D(2026, 3, 13), D(2026, 3, 20)) == 5
    assert cal.holiday_name(D(2026, 2, 17)) == "Tết Nguyên Đán"


@pytest.mark.django_db
def test_overrides_win_over_the_national_calendar() -> None:
    CalendarOverride.objects.create(date=D(2026, 3, 16), kind="day_off", note="Nghỉ bù")
    CalendarOverride.objects.create(date=D(2026, 3, 14), kind="working", note="Làm bù")
    cal = WorkCalendar()
    assert not cal.is_working_day(D(2026, 3, 16))
    assert cal.is_working_day(D(2026, 3, 14))
    assert cal.next_working_day(D(2026, 3, 15)) == D(2026, 3, 17)
    rows = {d: source for d, _name, source in cal.days_off(2026)}
    assert rows[D(2026, 3, 16)] == "override" and rows[D(2026, 8, 22)] == "swapped"
