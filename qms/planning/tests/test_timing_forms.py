"""Every timing form the seed and other plans use parses, or is flagged; never guessed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qms.planning.timing import TimingKind as K
from qms.planning.timing import parse_timing, shift_timing_text, shift_years_in_text

D = dt.date

CASES = [
    # The seed's ten timings, as printed and as wrapped in the text extraction.
    ("Trước 10/02/2022", K.DEADLINE, None, D(2022, 2, 10)),
    ("Trước \n\n10/02/2022", K.DEADLINE, None, D(2022, 2, 10)),
    ("Trước 25/8/2022", K.DEADLINE, None, D(2022, 8, 25)),
    ("Trước 05/09/2022", K.DEADLINE, None, D(2022, 9, 5)),
    ("Thường xuyên", K.CONTINUOUS, None, None),
    ("Thường \n\nxuyên", K.CONTINUOUS, None, None),
    ("Từ 01/6 đến 30/7/2022", K.WINDOW, D(2022, 6, 1), D(2022, 7, 30)),
    ("Từ 01/6 đến \n\n30/7/2022", K.WINDOW, D(2022, 6, 1), D(2022, 7, 30)),
    ("Tháng 01/8 đến 15/9/2022", K.WINDOW, D(2022, 8, 1), D(2022, 9, 15)),
    ("Tháng 01/8 \n\nđến \n\n15/9/2022", K.WINDOW, D(2022, 8, 1), D(2022, 9, 15)),
    ("Trước 30/9/2022", K.DEADLINE, None, D(2022, 9, 30)),
    ("Theo quy định", K.PER_REGULATION, None, None),
    ("Theo quy \n\nđịnh", K.PER_REGULATION, None, None),
    # Forms other plans use.
    ("Tháng 3/2023", K.MONTH, D(2023, 3, 1), D(2023, 3, 31)),
    ("Trong tháng 2/2024", K.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
    ("Tháng 3 - 4/2023", K.MONTH, D(2023, 3, 1), D(2023, 4, 30)),
    ("Quý II/2023", K.QUARTER, D(2023, 4, 1), D(2023, 6, 30)),
    ("Quý IV/2023", K.QUARTER, D(2023, 10, 1), D(2023, 12, 31)),
    ("Quý 1 năm 2024", K.QUARTER, D(2024, 1, 1), D(2024, 3, 31)),
    ("Trước ngày 15 tháng 12 năm 2023", K.DEADLINE, None, D(2023, 12, 15)),
    ("Trước ngày 15/12/2023", K.DEADLINE, None, D(2023, 12, 15)),
    ("Chậm nhất 15.12.2023", K.DEADLINE, None, D(2023, 12, 15)),
    ("15/12/2023", K.DEADLINE, None, D(2023, 12, 15)),
    ("Năm học 2022-2023", K.SCHOOL_YEAR, D(2022, 8, 1), D(2023, 7, 31)),
    ("Năm học 2022 - 2023", K.SCHOOL_YEAR, D(2022, 8, 1), D(2023, 7, 31)),
    ("Từ ngày 01/6/2022 đến ngày 30/7/2022", K.WINDOW, D(2022, 6, 1), D(2022, 7, 30)),
    ("01/11 - 15/01/2023", K.WINDOW, D(2022, 11, 1), D(2023, 1, 15)),
    ("Năm 2023", K.WINDOW, D(2023, 1, 1), D(2023, 12, 31)),
    ("Hằng tháng", K.RECURRING, None, None),
    ("Hàng tháng", K.RECURRING, None, None),
    ("Định kỳ 6 tháng", K.RECURRING, None, None),
    # Kept verbatim and flagged.
    ("Sau khi có hướng dẫn của Bộ", K.UNPARSED, None, None),
    ("Trước Tết", K.UNPARSED, None, None),
    ("31/02/2022", K.UNPARSED, None, None),
    ("", K.UNPARSED, None, None),
    ("Trước 10/02", K.UNPARSED, None, None),
]


@pytest.mark.parametrize("text,kind,start,due", CASES, ids=[c[0] or "empty" for c in CASES])
def test_timing_forms(text, kind, start, due):
    timing = parse_timing(text)
    assert (timing.kind, timing.start, timing.due) == (kind, start, due)
    assert timing.text == text
    assert timing.flagged == (kind == K.UNPARSED)


@pytest.mark.parametrize(
    "text,months", [("Thường xuyên", 3), ("Hằng tháng", 1), ("Định kỳ 6 tháng", 6), ("Hằng quý", 3)]
)
def test_cadence(text, months):
    assert parse_timing(text).cadence_months == months


def test_year_from_context_for_a_bare_date():
    assert parse_timing("Trước 10/02", default_year=2022).due == D(2022, 2, 10)


def test_school_year_start_is_configurable():
    t = parse_timing("Năm học 2022-2023", school_year_start_month=9, school_year_start_day=5)
    assert (t.start, t.due) == (D(2022, 9, 5), D(2023, 9, 4))


@pytest.mark.parametrize(
    "text,shifted",
    [
        ("Trước 10/02/2022", "Trước 10/02/2023"),
        ("Từ 01/6 đến 30/7/2022", "Từ 01/6 đến 30/7/2023"),
        ("Quý II/2023", "Quý II/2024"),
        ("Trước ngày 15 tháng 12 năm 2023", "Trước ngày 15 tháng 12 năm 2024"),
        ("Năm học 2021-2022", "Năm học 2022-2023"),
        ("Thường xuyên", "Thường xuyên"),
        ("29/02/2024", "28/02/2025"),
    ],
)
def test_shift_timing_text(text, shifted):
    assert shift_timing_text(text, 1) == shifted


def test_shift_years_in_prose_keeps_document_numbers_and_standards():
    text = (
        "Đánh giá mục tiêu chất lượng năm học 2021-2022 theo TCVN ISO 9001:2015 năm 2022, "
        "Quyết định 19/2014/QĐ-TTg"
    )
    assert shift_years_in_text(text, 1) == (
        "Đánh giá mục tiêu chất lượng năm học 2022-2023 theo TCVN ISO 9001:2015 năm 2023, "
        "Quyết định 19/2014/QĐ-TTg"
    )


@given(st.text(max_size=80))
def test_never_raises(text):
    timing = parse_timing(text)
    assert timing.text == text


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)))
def test_any_deadline_date_parses(day):
    timing = parse_timing(f"Trước {day:%d/%m/%Y}")
    assert timing.kind == K.DEADLINE and timing.due == day


@given(
    st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)),
    st.integers(min_value=0, max_value=400),
)
def test_windows_start_before_due(start, length):
    due = start + dt.timedelta(days=length)
    timing = parse_timing(f"Từ {start:%d/%m/%Y} đến {due:%d/%m/%Y}")
    assert timing.kind == K.WINDOW and timing.start == start and timing.due == due


@given(
    st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)).filter(
        lambda d: not (d.month == 2 and d.day == 29)
    )
)
def test_shift_round_trips(day):
    text = f"Trước {day:%d/%m/%Y}"
    assert shift_timing_text(shift_timing_text(text, 1), -1) == text
