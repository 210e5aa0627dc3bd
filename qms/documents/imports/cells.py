"""Cell values: text, dates, whole numbers and retention periods, and the folded keys
that codes, decision numbers and headers are compared by."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from qms.core.text import fold, normalise_space


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def norm(text: str) -> str:
    """Folded, punctuation-free key: "Số, ký hiệu" → "so ky hieu"."""
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def header_key(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text).replace("*", " ")
    return norm(text)


def code_key(code: str) -> str:
    return normalise_space(code).casefold()


def decision_key(number: str) -> str:
    return re.sub(r"\s+", "", fold(number))


# The serial a decision number starts with: "2862/QĐ-SGDĐT" → 2862.
SERIAL = re.compile(r"^\s*0*([1-9]\d*)")


def is_empty(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_space(str(value))


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
# Excel serials of 1950-01-01 and 2100-12-31: a bare number outside is no date.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415


def as_date(value: Any) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    bad = CellError(_("Enter a date as dd/mm/yyyy."))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            converted = from_excel(value)
            if isinstance(converted, datetime.datetime):
                return converted.date()
            if isinstance(converted, datetime.date):
                return converted
        raise bad
    text = as_text(value)
    if m := _DMY.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _YMD.match(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise bad
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("%(text)s is not a valid date.") % {"text": text}) from exc


def as_int(value: Any, *, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise CellError(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return number


def as_retention(value: Any) -> tuple[int | None, str]:
    """("05 năm" → 5, "05 năm"); ("Lâu dài" → None, "Lâu dài"); a bare 5 → (5, "05 năm")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        years = as_int(value, low=1, high=100)
        return years, f"{years:02d} năm"
    text = as_text(value)
    m = re.match(r"^(\d{1,3})\s*(?:nam|years?)\b", fold(text))
    if m:
        years = int(m.group(1))
        if not 1 <= years <= 100:
            raise CellError(_("A retention period is from 1 to 100 years."))
        return years, text
    return None, text
