"""The working-day calendar: the official civil-servant calendar 2024–2026 shipped with
eISO (every weekday off and make-up Saturday of the notices), the Labour Code fallback for
other years, admin notices and overrides.

The expected days below are typed from the notices (Văn phòng Chính phủ letters 8662/2023,
2450/2024, 8726/2024, 12729/2025; Bộ Nội vụ 9441/TB-BNV), not read from the data files.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qms.core.models import CalendarOverride
from qms.core.official_calendar import shipped, shipped_years
from qms.core.workdays import WorkCalendar

D = datetime.date
CAL = WorkCalendar(overrides={})

# Every weekday off, per year, from the official notices.
OFFICIAL_DAYS_OFF = {
    2024: [
        D(2024, 1, 1),  # Tết Dương lịch (Mon)
        *[D(2024, 2, d) for d in (8, 9, 12, 13, 14)],  # Tết Giáp Thìn, 8662/VPCP-KGVX
        D(2024, 4, 18),  # Giỗ Tổ
        D(2024, 4, 29),  # swapped, 2450/VPCP-KGVX
        D(2024, 4, 30),
        D(2024, 5, 1),
        D(2024, 9, 2),
        D(2024, 9, 3),  # 8662/VPCP-KGVX
    ],
    2025: [
        D(2025, 1, 1),
        *[D(2025, 1, d) for d in (27, 28, 29, 30, 31)],  # Tết Ất Tỵ, 8726/VPCP-KGVX
        D(2025, 4, 7),  # Giỗ Tổ
        D(2025, 4, 30),
        D(2025, 5, 1),
        D(2025, 5, 2),  # swapped with Saturday 26/04
        D(2025, 9, 1),
        D(2025, 9, 2),
    ],
    2026: [
        D(2026, 1, 1),
        D(2026, 1, 2),  # swapped with Saturday 10/01, 12729/VPCP-KGVX
        *[D(2026, 2, d) for d in (16, 17, 18, 19, 20)],  # Tết Bính Ngọ, 9441/TB-BNV
        D(2026, 4, 27),  # Giỗ Tổ falls on Sunday 26/04: the next working day off
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 8, 31),  # swapped with Saturday 22/08, 9441/TB-BNV
        D(2026, 9, 1),
        D(2026, 9, 2),
    ],
}
MAKE_UP_SATURDAYS = {
    2024: [D(2024, 5, 4)],
    2025: [D(2025, 4, 26)],
    2026: [D(2026, 1, 10), D(2026, 8, 22)],
}
# Days around the breaks that are ordinary working days.
WORKING_AROUND = [
    D(2024, 1, 2),
    D(2024, 2, 7),
    D(2024, 2, 15),
    D(2024, 4, 17),
    D(2024, 4, 19),
    D(2024, 5, 2),
    D(2024, 8, 30),
    D(2024, 9, 4),
    D(2024, 12, 31),
    D(2025, 1, 2),
    D(2025, 1, 24),
    D(2025, 2, 3),
    D(2025, 4, 4),
    D(2025, 4, 8),
    D(2025, 4, 29),
    D(2025, 5, 5),
    D(2025, 8, 29),
    D(2025, 9, 3),
    D(2025, 12, 31),
    D(2026, 1, 5),
    D(2026, 1, 9),
    D(2026, 2, 13),
    D(2026, 2, 23),
    D(2026, 4, 24),
    D(2026, 4, 28),
    D(2026, 4, 29),
    D(2026, 5, 4),
    D(2026, 8, 28),
    D(2026, 9, 3),
    D(2026, 11, 24),  # Ngày Văn hóa Việt Nam: no enacted day off could be sourced
]
ORDINARY_WEEKENDS = [
    D(2024, 5, 11),
    D(2025, 4, 19),
    D(2025, 5, 3),
    D(2026, 1, 3),
    D(2026, 1, 4),
    D(2026, 1, 17),
    D(2026, 2, 14),
    D(2026, 2, 22),
    D(2026, 8, 29),
]


def _cases(table: dict[int, list[datetime.date]]) -> list[datetime.date]:
    return [d for days in table.values() for d in days]


@pytest.mark.parametrize("day", _cases(OFFICIAL_DAYS_OFF), ids=str)
def test_official_weekday_off(day: datetime.date) -> None:
    assert day.weekday() < 5
    assert CAL.is_working_day(day) is False
    assert CAL.holiday_name(day)


@pytest.mark.parametrize("day", _cases(MAKE_UP_SATURDAYS), ids=str)
def test_make_up_saturday_is_worked(day: datetime.date) -> None:
    assert day.weekday() == 5
    assert CAL.is_working_day(day) is True


@pytest.mark.parametrize("day", WORKING_AROUND, ids=str)
def test_days_around_the_breaks_are_worked(day: datetime.date) -> None:
    assert CAL.is_working_day(day) is True


@pytest.mark.parametrize("day", ORDINARY_WEEKENDS, ids=str)
def test_ordinary_weekends_stay_off(day: datetime.date) -> None:
    assert CAL.is_working_day(day) is False


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_shipped_year_lists_exactly_the_official_days(year: int) -> None:
    """Nothing more and nothing less than the notices: no day from the package slips in."""
    rows = CAL.year_days(year)
    assert {r.date for r in rows if not r.working} == set(OFFICIAL_DAYS_OFF[year])
    assert {r.date for r in rows if r.working} == set(MAKE_UP_SATURDAYS[year])
    assert all(r.source == "official" and r.notice and r.notice.number for r in rows)


def test_shipped_years_and_notices() -> None:
    assert shipped_years() == [2024, 2025, 2026]
    new_year = shipped()[2026][D(2026, 1, 2)]
    assert new_year.notice.number == "12729/VPCP-KGVX"
    assert new_year.notice.issued_on == D(2025, 12, 25)
    assert shipped()[2026][D(2026, 2, 17)].notice.number == "9441/TB-BNV"


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        # New Year 2026: Thu 01 and Fri 02 off, Saturday 10/01 worked.
        (D(2025, 12, 30), 1, D(2025, 12, 31)),
        (D(2025, 12, 30), 2, D(2026, 1, 5)),
        (D(2025, 12, 31), 1, D(2026, 1, 5)),
        (D(2025, 12, 31), 5, D(2026, 1, 9)),
        (D(2025, 12, 31), 6, D(2026, 1, 10)),  # the make-up Saturday counts
        (D(2025, 12, 31), 7, D(2026, 1, 12)),
        (D(2025, 12, 29), 10, D(2026, 1, 13)),
        # Tết Bính Ngọ: 14/02 to 22/02 off.
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 12), 2, D(2026, 2, 23)),
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 13), 1, D(2026, 2, 23)),
        (D(2026, 2, 9), 10, D(2026, 3, 2)),
        (D(2026, 2, 16), 1, D(2026, 2, 23)),  # counted from a day inside the break
        (D(2026, 2, 23), -1, D(2026, 2, 13)),
        # Giỗ Tổ and 30/4–1/5 2026.
        (D(2026, 4, 24), 1, D(2026, 4, 28)),
        (D(2026, 4, 29), 1, D(2026, 5, 4)),
        # Quốc khánh 2026 with the make-up Saturday 22/08.
        (D(2026, 8, 21), 1, D(2026, 8, 22)),
        (D(2026, 8, 28), 1, D(2026, 9, 3)),
    ],
)
def test_due_dates_across_new_year_and_tet_2026(
    start: datetime.date, count: int, due: datetime.date
) -> None:
    assert CAL.add_working_days(start, count) == due


def test_next_working_day_and_counting() -> None:
    assert CAL.next_working_day(D(2026, 3, 15)) == D(2026, 3, 16)
    assert CAL.next_working_day(D(2026, 3, 16)) == D(2026, 3, 16)
    assert CAL.next_working_day(D(2026, 2, 16)) == D(2026, 2, 23)  # across Tết
    assert CAL.next_working_day(D(2026, 1, 1)) == D(2026, 1, 5)
    assert CAL.add_working_days(D(2026, 3, 16), -1) == D(2026, 3, 13)
    assert CAL.working_days_between(D(2026, 3, 13), D(2026, 3, 20)) == 5
    # January 2026: 22 weekdays, minus 01 and 02, plus Saturday 10.
    assert CAL.working_days_between(D(2025, 12, 31), D(2026, 1, 31)) == 21
    assert CAL.holiday_name(D(2026, 2, 17)).startswith("Tết Nguyên đán")


def test_years_without_shipped_data_fall_back_to_the_labour_code() -> None:
    assert not CAL.is_official_year(2027)
    assert CAL.is_working_day(D(2027, 2, 8)) is False  # Tết 2027 from the package
    assert CAL.is_working_day(D(2027, 4, 30)) is False
    assert CAL.is_working_day(D(2027, 3, 15)) is True
    rows = CAL.year_days(2027)
    assert rows and all(r.source == "labour_code" for r in rows)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2023, 12, 1), max_value=D(2027, 12, 31)),
    count=st.integers(min_value=1, max_value=40),
)
def test_add_working_days_never_lands_on_a_day_off(start: datetime.date, count: int) -> None:
    due = CAL.add_working_days(start, count)
    assert CAL.is_working_day(due)
    assert due > start
    assert CAL.working_days_between(start, due) == count


@pytest.mark.django_db
def test_overrides_win_over_the_national_calendar() -> None:
    CalendarOverride.objects.create(date=D(2026, 3, 16), kind="day_off", note="Nghỉ bù")
    CalendarOverride.objects.create(date=D(2026, 3, 14), kind="working", note="Làm bù")
    CalendarOverride.objects.create(date=D(2026, 1, 10), kind="day_off", note="Không làm bù")
    cal = WorkCalendar()
    assert not cal.is_working_day(D(2026, 3, 16))
    assert cal.is_working_day(D(2026, 3, 14))
    assert not cal.is_working_day(D(2026, 1, 10))  # even over the official notice
    assert cal.next_working_day(D(2026, 3, 15)) == D(2026, 3, 17)
    rows = {r.date: r.source for r in cal.year_days(2026)}
    assert rows[D(2026, 3, 16)] == "override" and rows[D(2026, 8, 22)] == "official"
