"""Read the "Thời gian thực hiện" of a plan task.

The text is always kept as written; this module only says what it means. Anything
it does not understand is UNPARSED (flagged for a person to set dates), never
rejected and never guessed.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class TimingKind(StrEnum):
    DEADLINE = "deadline"
    WINDOW = "window"
    CONTINUOUS = "continuous"
    PER_REGULATION = "per_regulation"
    MONTH = "month"
    QUARTER = "quarter"
    SCHOOL_YEAR = "school_year"
    RECURRING = "recurring"
    UNPARSED = "unparsed"


@dataclass(frozen=True)
class Timing:
    text: str
    kind: TimingKind
    start: datetime.date | None = None
    due: datetime.date | None = None
    cadence_months: int | None = None

    @property
    def flagged(self) -> bool:
        return self.kind == TimingKind.UNPARSED


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?"
_LONG_DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.rstrip(".;, ")


def _date(day: str, month: str, year: int | None) -> datetime.date | None:
    if year is None:
        return None
    try:
        return datetime.date(year, int(month), int(day))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _unparsed(text: str) -> Timing:
    return Timing(text, TimingKind.UNPARSED)


def parse_timing(
    text: str,
    *,
    default_year: int | None = None,
    school_year_start_month: int = 8,
    school_year_start_day: int = 1,
) -> Timing:
    """What a timing text means; UNPARSED (flagged) when it is not understood."""
    try:
        return _parse(text, default_year, school_year_start_month, school_year_start_day)
    except (ValueError, OverflowError):
        return _unparsed(text)


def _parse(text: str, default_year: int | None, sy_month: int, sy_day: int) -> Timing:
    s = _clean(text)
    if not s:
        return _unparsed(text)
    fixed = {
        "thường xuyên": (TimingKind.CONTINUOUS, 3),
        "theo quy định": (TimingKind.PER_REGULATION, None),
        "hằng tháng": (TimingKind.RECURRING, 1),
        "hàng tháng": (TimingKind.RECURRING, 1),
        "hằng quý": (TimingKind.RECURRING, 3),
        "hàng quý": (TimingKind.RECURRING, 3),
        "định kỳ hằng quý": (TimingKind.RECURRING, 3),
        "hằng năm": (TimingKind.RECURRING, 12),
        "hàng năm": (TimingKind.RECURRING, 12),
    }
    if s in fixed:
        kind, cadence = fixed[s]
        return Timing(text, kind, cadence_months=cadence)
    m = re.fullmatch(r"(?:định kỳ )?(\d{1,2}) tháng(?: một lần| 1 lần)?|định kỳ (\d{1,2}) tháng", s)
    if m and (s.startswith("định kỳ") or "lần" in s):
        months = int(m.group(1) or m.group(2))
        if 1 <= months <= 24:
            return Timing(text, TimingKind.RECURRING, cadence_months=months)
    for parser in (_school_year, _quarter, _window, _month, _deadline, _year):
        result = parser(text, s, default_year, sy_month, sy_day)
        if result is not None:
            return result
    return _unparsed(text)


def _school_year(text: str, s: str, _dy: int | None, sy_month: int, sy_day: int) -> Timing | None:
    m = re.fullmatch(r"năm học (\d{4}) ?- ?(\d{4})", s)
    if not m:
        return None
    first, second = int(m.group(1)), int(m.group(2))
    if second != first + 1:
        return _unparsed(text)
    start = datetime.date(first, sy_month, sy_day)
    due = datetime.date(second, sy_month, sy_day) - datetime.timedelta(days=1)
    return Timing(text, TimingKind.SCHOOL_YEAR, start, due)


def _quarter(text: str, s: str, default_year: int | None, *_: int) -> Timing | None:
    m = re.fullmatch(r"(?:trong )?quý (i{1,3}|iv|[1-4])(?: ?/ ?| năm )(\d{4})", s)
    if not m:
        m2 = re.fullmatch(r"(?:trong )?quý (i{1,3}|iv|[1-4])", s)
        if not m2 or default_year is None:
            return None
        q, year = m2.group(1), default_year
    else:
        q, year = m.group(1), int(m.group(2))
    quarter = _ROMAN[q] if q in _ROMAN else int(q)
    start = datetime.date(year, 3 * quarter - 2, 1)
    return Timing(text, TimingKind.QUARTER, start, _month_end(year, 3 * quarter))


def _window(text: str, s: str, default_year: int | None, *_: int) -> Timing | None:
    pattern = rf"(?:từ |tháng )?(?:ngày )?{_DATE}\s*(?:đến|-|–|tới)\s*(?:ngày )?{_DATE}"
    m = re.fullmatch(pattern, s)
    if not m:
        return None
    d1, m1, y1, d2, m2, y2 = m.groups()
    end_year = int(y2) if y2 else default_year
    if end_year is None:
        return _unparsed(text)
    due = _date(d2, m2, end_year)
    start = _date(d1, m1, int(y1) if y1 else end_year)
    if due is None or start is None:
        return _unparsed(text)
    if start > due and not y1:
        start = _date(d1, m1, end_year - 1)
    if start is None or start > due:
        return _unparsed(text)
    return Timing(text, TimingKind.WINDOW, start, due)


def _month(text: str, s: str, default_year: int | None, *_: int) -> Timing | None:
    m = re.fullmatch(
        r"(?:trong )?tháng (\d{1,2})(?: ?(?:-|–|đến) ?(?:tháng )?(\d{1,2}))?"
        r"(?: ?/ ?| năm )(\d{4})",
        s,
    )
    if not m:
        return None
    first, last, year = int(m.group(1)), int(m.group(2) or m.group(1)), int(m.group(3))
    if not (1 <= first <= last <= 12):
        return _unparsed(text)
    return Timing(text, TimingKind.MONTH, datetime.date(year, first, 1), _month_end(year, last))


def _deadline(text: str, s: str, default_year: int | None, *_: int) -> Timing | None:
    prefix = r"(?:(?:trước|chậm nhất|hạn|hoàn thành trước|xong trước)(?: ngày)?:? )?"
    m = re.fullmatch(prefix + _DATE, s)
    if m:
        day, month, year = m.groups()
        y = int(year) if year else default_year
        due = _date(day, month, y)
        return Timing(text, TimingKind.DEADLINE, None, due) if due else _unparsed(text)
    m = re.fullmatch(prefix.replace("(?: ngày)?", "") + _LONG_DATE, s)
    if m:
        due = _date(m.group(1), m.group(2), int(m.group(3)))
        return Timing(text, TimingKind.DEADLINE, None, due) if due else _unparsed(text)
    return None


def _year(text: str, s: str, *_: object) -> Timing | None:
    m = re.fullmatch(r"(?:trong )?năm (\d{4})", s)
    if not m:
        return None
    year = int(m.group(1))
    return Timing(text, TimingKind.WINDOW, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _shift_year(year: str, years: int) -> str:
    value = int(year)
    return str(value + years) if 1900 <= value <= 2199 else year


def _shift_date(match: re.Match[str], years: int) -> str:
    day, sep1, month, sep2, year = match.groups()
    new_year = int(_shift_year(year, years))
    d, mo = int(day), int(month)
    if mo == 2 and d == 29 and not calendar.isleap(new_year):
        day = "28"
    return f"{day}{sep1}{month}{sep2}{new_year}"


def shift_timing_text(text: str, years: int) -> str:
    """Move the years of the dates in a timing text ("Trước 10/02/2022" → "…/2023")."""
    out = re.sub(
        r"(\d{1,2})(\s*[/.\-]\s*)(\d{1,2})(\s*[/.\-]\s*)(\d{4})",
        lambda m: _shift_date(m, years),
        text,
    )
    out = re.sub(
        r"(?i)((?:quý|tháng)\s+[ivx\d]+(?:\s*[-–]\s*\d{1,2})?\s*/\s*)(\d{4})",
        lambda m: m.group(1) + _shift_year(m.group(2), years),
        out,
    )
    return shift_years_in_text(out, years)


def shift_years_in_text(text: str, years: int) -> str:
    """Move "năm học 2021-2022" and "năm 2022" in prose; document numbers stay."""
    out = re.sub(
        r"(?i)(năm học\s+)(\d{4})(\s*-\s*)(\d{4})",
        lambda m: (
            f"{m.group(1)}{_shift_year(m.group(2), years)}{m.group(3)}"
            f"{_shift_year(m.group(4), years)}"
        ),
        text,
    )
    return re.sub(
        r"(?i)(?<![\w/])(năm\s+)(\d{4})(?![\d/:])",
        lambda m: m.group(1) + _shift_year(m.group(2), years),
        out,
    )
