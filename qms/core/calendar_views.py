"""The working-day calendar page: each day off and working weekend day of a year with
where it comes from; official notices and local overrides.

Agency and system administrators read it; only a province-level system administrator
(``permissions.can_manage_calendar``) changes it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qms.accounts import permissions
from qms.core import calendar_services, services
from qms.core.calendar_forms import CalendarNoticeForm
from qms.core.calendar_services import CalendarNoticeError, NoticeInput
from qms.core.forms import CalendarOverrideForm
from qms.core.http import AuthedRequest
from qms.core.models import CalendarNotice, CalendarOverride
from qms.core.workdays import WorkCalendar


def _require_reader(request: AuthedRequest) -> None:
    if not permissions.has_any_role(request.user, "core.view_calendar"):
        raise PermissionDenied


def _require_manager(request: AuthedRequest) -> None:
    _require_reader(request)
    if not permissions.can_manage_calendar(request.user):
        raise PermissionDenied


def _year(request: AuthedRequest) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('core:calendar')}?year={year}")


def _context(year: int) -> dict[str, Any]:
    cal = WorkCalendar()
    overrides = {
        o.date: o
        for o in CalendarOverride.objects.filter(date__year=year).select_related("created_by")
    }
    rows = [{"row": r, "override": overrides.get(r.date)} for r in cal.year_days(year)]
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    notices = (
        CalendarNotice.objects.filter(year=year)
        .select_related("created_by", "archived_by")
        .prefetch_related("days")
    )
    today = timezone.localdate()
    return {
        "rows": rows,
        "year": year,
        "years": range(today.year - 2, today.year + 3),
        "official": cal.is_official_year(year),
        "working_days": cal.working_days_between(first - datetime.timedelta(days=1), last),
        "notices": notices,
    }


def _render(request: AuthedRequest, year: int, **forms: Any) -> HttpResponse:
    manager = permissions.can_manage_calendar(request.user)
    context = _context(year) | {"can_manage": manager}
    context["form"] = forms.get("form") or CalendarOverrideForm()
    context["notice_form"] = forms.get("notice_form") or CalendarNoticeForm(initial={"year": year})
    return render(request, "core/calendar.html", context)


@require_http_methods(["GET", "POST"])
def calendar(request: AuthedRequest) -> HttpResponse:
    """GET: the year's calendar. POST: a local override of one day (province admins)."""
    _require_reader(request)
    if request.method != "POST":
        return _render(request, _year(request))
    _require_manager(request)
    form = CalendarOverrideForm(request.POST)
    if not form.is_valid():
        return _render(request, _year(request), form=form)
    d = form.cleaned_data
    services.calendar_override_set(
        actor=request.user, date=d["date"], kind=d["kind"], note=d["note"]
    )
    messages.success(request, _("Calendar updated."))
    return _back(d["date"].year)


@require_POST
def calendar_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    override = get_object_or_404(CalendarOverride, pk=pk)
    year = override.date.year
    services.calendar_override_remove(actor=request.user, override=override)
    messages.success(request, _("The day follows the national calendar again."))
    return _back(year)


@require_POST
def calendar_notice_create(request: AuthedRequest) -> HttpResponse:
    """Record an official notice (number, date, issuer and its days)."""
    _require_manager(request)
    form = CalendarNoticeForm(request.POST)
    year = _year(request)
    if form.is_valid():
        d = form.cleaned_data
        data = NoticeInput(
            year=d["year"],
            number=d["number"],
            issued_on=d["issued_on"],
            issuer=d["issuer"],
            summary=d["summary"],
            days=d["days"],
        )
        try:
            calendar_services.calendar_notice_create(actor=request.user, data=data)
        except CalendarNoticeError as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, _("Notice %(n)s recorded.") % {"n": data.number})
            return _back(data.year)
        year = d["year"]
    return _render(request, year, notice_form=form)


@require_POST
def calendar_notice_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    notice = get_object_or_404(CalendarNotice, pk=pk)
    try:
        calendar_services.calendar_notice_archive(actor=request.user, notice=notice)
    except CalendarNoticeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Notice %(n)s archived: its days no longer count.") % {"n": notice.number}
        )
    return _back(notice.year)
