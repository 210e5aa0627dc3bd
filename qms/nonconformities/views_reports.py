"""NC analytics and outputs: the analytics page, the register as XLSX, the NC slip as
DOCX or PDF. Reading only; scoped like the NC pages (``qms.nonconformities.analytics``)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from qms.core.http import AuthedRequest, int_param
from qms.nonconformities import analytics, forms, views
from qms.nonconformities.exports import register_xlsx, slip
from qms.nonconformities.models import Nonconformity
from qms.reports.responses import download, pdf_download


@require_GET
def analytics_page(request: AuthedRequest) -> HttpResponse:
    """An agency's NCs of a year by clause, unit, source, severity and status; cycle times,
    overdue actions and repeat findings; with charts."""
    today = timezone.localdate()
    agencies = list(analytics.readable_agencies(request.user))
    f = analytics.parse_filters(request.user, request.GET, today, agencies=agencies)
    data = analytics.analytics(request.user, f, today)
    units = analytics.filter_units(f.agency)
    years = list(range(today.year - 4, today.year + 1))
    sources = analytics.source_choices()
    return render(
        request,
        "nonconformities/analytics/analytics.html",
        {
            "f": f,
            "data": data,
            "agencies": agencies,
            "units": units,
            "years": years,
            "sources": sources,
            "severities": Nonconformity.Severity.choices,
            "statuses": Nonconformity.Status.choices,
            # The filter bar's options, built once in Python (a template loop with an
            # {% if %} per option cost a fifth of the page).
            "options": {
                "agency": _options(((a.pk, a.display_name) for a in agencies), f.agency.pk),
                "year": _options(((y, y) for y in years), f.year),
                "unit": _options(
                    ((u.pk, u.display_name) for u in units), f.unit.pk if f.unit else None
                ),
                "source": _options(sources, f.source),
                "severity": _options(Nonconformity.Severity.choices, f.severity),
                "status": _options(Nonconformity.Status.choices, f.status),
            },
            "query": urlencode(f.query()),
            "has_detail": _has_detail(),
        },
    )


def _options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """``<option>`` of each choice, ``selected`` marked, as the template's loop wrote them
    (every value and label escaped)."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )


@require_GET
def export_xlsx(request: AuthedRequest) -> HttpResponse:
    """The NC register with the list's filters (the list's own form and query), within
    one agency when ``?agency=`` names one the reader reads."""
    units = views._list_units(request)
    form = forms.FilterForm(request.GET or None, years=views._years(request), units=units)
    values = form.values() if request.GET else {}
    queryset = views.filtered(request, values)
    readable = list(analytics.readable_agencies(request.user))
    wanted = int_param(request.GET.get("agency"))
    agencies = [a for a in readable if a.pk == wanted] or readable
    if wanted and len(agencies) == 1:
        queryset = queryset.filter(agency=agencies[0])
    else:
        present = set(queryset.order_by().values_list("agency_id", flat=True).distinct())
        agencies = [a for a in readable if a.pk in present] or agencies[:1]
    title_line = register_xlsx.subtitle(agencies, values, {u.pk: u for u in units})
    content = register_xlsx.workbook(queryset, title_line, values.get("year"))
    return download(content, register_xlsx.filename(agencies, values.get("year")))


def _has_detail() -> bool:
    """Whether the records part (the NC's own page) is installed."""
    try:
        reverse("nonconformities:detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def _nc_for_user(request: AuthedRequest, pk: int) -> Nonconformity:
    """The NC if the user reads it (404 otherwise: a stranger learns nothing)."""
    nc = get_object_or_404(Nonconformity.objects.only("id", "agency_id"), pk=pk)
    agency = analytics.readable_agencies(request.user).filter(pk=nc.agency_id).first()
    if agency is None or not analytics.visible_ncs(request.user, agency).filter(pk=pk).exists():
        raise Http404
    return slip.load(pk)


@require_GET
def slip_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """Phiếu yêu cầu hành động khắc phục / theo dõi sự không phù hợp (DOCX)."""
    nc = _nc_for_user(request, pk)
    return download(slip.build_docx(nc), slip.filename(nc, "docx"))


@require_GET
def slip_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The NC slip converted to PDF by LibreOffice (back to the NC's page without it)."""
    nc = _nc_for_user(request, pk)
    return pdf_download(
        request,
        lambda: slip.build_docx(nc),
        slip.filename(nc, "pdf"),
        fallback=_nc_url(nc),
    )


def _nc_url(nc: Nonconformity) -> str:
    if _has_detail():
        return reverse("nonconformities:detail", args=[nc.pk])
    return reverse("nonconformities:analytics")
