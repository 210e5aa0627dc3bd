"""Step times of a procedure (5.7 of a TTHC procedure) and their sum.

Times are written as in the agencies' tables: "01 ngày", "0,5 ngày làm việc", "04 giờ",
"1/2 ngày", "Trong ngày" … A working day has 8 hours. The sum must equal the legal time
limit (Thời gian xử lý); when it does not, or a time cannot be read, the editor warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from qms.core.text import fold

HOURS_PER_DAY = Decimal(8)
_NUMBER = r"(\d+(?:[.,]\d+)?|\d+\s*/\s*\d+)"
_DAYS = re.compile(_NUMBER + r"\s*(ngay|day)")
_HOURS = re.compile(_NUMBER + r"\s*(gio|h\b|hour)")


def _number(text: str) -> Decimal:
    text = text.replace(" ", "")
    if "/" in text:
        num, den = text.split("/")
        return Decimal(num) / Decimal(den)
    return Decimal(text.replace(",", "."))


def parse_days(text: str) -> Decimal | None:
    """Working days in ``text`` ("0,5 ngày" → 0.5, "04 giờ" → 0.5); None if unreadable."""
    folded = fold(text)
    if not folded:
        return None
    total = Decimal(0)
    found = False
    try:
        for match in _DAYS.finditer(folded):
            total += _number(match.group(1))
            found = True
        for match in _HOURS.finditer(folded):
            total += _number(match.group(1)) / HOURS_PER_DAY
            found = True
    except (InvalidOperation, ZeroDivisionError):
        return None
    if not found:
        try:
            return _number(folded)  # a bare number: days
        except (InvalidOperation, ZeroDivisionError, ValueError):
            return None
    return total


@dataclass(frozen=True)
class StepCheck:
    total: Decimal | None
    limit: Decimal | None
    unreadable: list[int]
    warning: str

    @property
    def ok(self) -> bool:
        return not self.warning


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def check_steps(step_times: list[str], limit_text: str) -> StepCheck:
    """Compare the sum of the step times with the time limit; explain any mismatch."""
    limit = parse_days(limit_text) if limit_text.strip() else None
    unreadable = [i + 1 for i, t in enumerate(step_times) if t.strip() and parse_days(t) is None]
    values = [parse_days(t) for t in step_times if t.strip()]
    total = sum((v for v in values if v is not None), Decimal(0)) if values else None
    warning = ""
    if unreadable:
        warning = _("The time of step(s) %(steps)s cannot be read (write e.g. “01 ngày”).") % {
            "steps": ", ".join(str(i) for i in unreadable)
        }
    elif limit is not None and total is not None and total != limit:
        warning = _(
            "The step times add up to %(total)s working days, but the time limit is "
            "%(limit)s working days."
        ) % {"total": _fmt(total), "limit": _fmt(limit)}
    elif limit is None and limit_text.strip():
        warning = _("The processing time “%(text)s” cannot be read as working days.") % {
            "text": limit_text
        }
    return StepCheck(total=total, limit=limit, unreadable=unreadable, warning=warning)
