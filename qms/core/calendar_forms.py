"""Forms of the working-day calendar page: an official notice with its days."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.forms import BaseForm, VNDateField

_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y")
MAX_DAYS = 40


def _parse_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def parse_day_lines(text: str) -> tuple[list[tuple[datetime.date, str]], list[str]]:
    """``dd/mm/yyyy reason`` per line (a dash or colon may separate them) → days, errors."""
    days: list[tuple[datetime.date, str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        head = head.rstrip("-–:")
        day = _parse_date(head)
        reason = rest.strip().lstrip("-–:").strip()
        if day is None:
            errors.append(_("Line %(n)d: start with a date as dd/mm/yyyy.") % {"n": number})
        elif not reason:
            errors.append(_("Line %(n)d: give the reason after the date.") % {"n": number})
        else:
            days.append((day, reason[:255]))
    return days, errors


class CalendarNoticeForm(BaseForm):
    number = forms.CharField(label=gettext_lazy("number"), max_length=60)
    issued_on = VNDateField(label=gettext_lazy("date issued"))
    issuer = forms.CharField(label=gettext_lazy("issuing body"), max_length=255)
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    summary = forms.CharField(label=gettext_lazy("summary"), max_length=255, required=False)
    days_off = forms.CharField(
        label=gettext_lazy("Weekdays off"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "16/02/2026 Tết Nguyên đán"}),
        help_text=gettext_lazy("One per line: the date as dd/mm/yyyy, then the reason."),
    )
    working_days = forms.CharField(
        label=gettext_lazy("Make-up working days (Saturdays)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "10/01/2026 Làm bù"}),
        help_text=gettext_lazy("One per line: the date as dd/mm/yyyy, then the reason."),
    )

    def _days(self, name: str, weekend: bool) -> list[tuple[datetime.date, str]]:
        days, errors = parse_day_lines(self.cleaned_data.get(name, ""))
        year = self.cleaned_data.get("year")
        for day, _reason in days:
            if year and day.year != year:
                errors.append(_("%(d)s is not in %(y)s.") % {"d": f"{day:%d/%m/%Y}", "y": year})
            elif weekend and day.weekday() < 5:
                errors.append(
                    _("%(d)s is a weekday: it is already worked.") % {"d": f"{day:%d/%m/%Y}"}
                )
            elif not weekend and day.weekday() >= 5:
                errors.append(
                    _("%(d)s is a weekend day: it is already off.") % {"d": f"{day:%d/%m/%Y}"}
                )
        for error in errors:
            self.add_error(name, error)
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        off = self._days("days_off", weekend=False)
        working = self._days("working_days", weekend=True)
        dates = [d for d, _r in off + working]
        if len(set(dates)) != len(dates):
            self.add_error(None, _("A date is listed twice."))
        if not dates and not self.errors:
            self.add_error(None, _("List at least one day off or make-up working day."))
        if len(dates) > MAX_DAYS:
            self.add_error(None, _("A notice lists at most %(n)d days.") % {"n": MAX_DAYS})
        data["days"] = [(d, "day_off", r) for d, r in off] + [(d, "working", r) for d, r in working]
        return data
