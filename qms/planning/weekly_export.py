"""The weekly summary of an agency's issued plans as XLSX (the shared safe cell writer),
and its download view."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl.styles import Alignment, Font

from qms.accounts import permissions
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.planning.weekly import week_bounds, weekly_rows
from qms.reports import responses, xlsx


def weekly_filename(unit: OrgUnit, today: datetime.date) -> str:
    monday = week_bounds(today)[0]
    return f"tong-hop-tuan-{unit.code}-{monday:%Y%m%d}.xlsx"


def build_weekly_xlsx(*, unit: OrgUnit, today: datetime.date) -> bytes:
    """Per lead unit: tasks, done, late and due next week; header rows frozen."""
    monday, next_monday, next_sunday = week_bounds(today)
    wb, ws = xlsx.new_workbook(_("Weekly summary")[:31])
    ws.column_dimensions["A"].width = 42
    for col in "BCDE":
        ws.column_dimensions[col].width = 14
    ws.freeze_panes = "A5"
    title = _("Weekly summary of %(agency)s, week of %(monday)s") % {
        "agency": unit.name,
        "monday": monday.strftime("%d/%m/%Y"),
    }
    ws.append([xlsx.cell(ws, title, font=Font(bold=True, size=13))])
    subtitle = _("Data as of %(date)s; due next week = %(a)s to %(b)s") % {
        "date": today.strftime("%d/%m/%Y"),
        "a": next_monday.strftime("%d/%m/%Y"),
        "b": next_sunday.strftime("%d/%m/%Y"),
    }
    xlsx.append(ws, [subtitle])
    ws.append([])
    bold, centre = Font(bold=True), Alignment(horizontal="center", wrap_text=True)
    header = [_("Lead unit"), _("Tasks"), _("Done"), _("Late"), _("Due next week")]
    ws.append([xlsx.cell(ws, h, font=bold, alignment=centre) for h in header])
    for r in weekly_rows(unit.pk, today):
        xlsx.append(ws, [r["unit"], r["total"], r["done"], r["late"], r["due_next_week"]])
    return xlsx.workbook_bytes(wb)


@require_GET
def weekly_xlsx(request: AuthedRequest, agency: int) -> HttpResponse:
    unit = get_object_or_404(
        OrgUnit.objects.visible_to(request.user), pk=agency, kind=OrgUnit.Kind.AGENCY
    )
    if not permissions.can_read_agency_wide(request.user, "notifications.weekly_summary", unit):
        raise PermissionDenied
    today = timezone.localdate()
    return responses.download(
        build_weekly_xlsx(unit=unit, today=today), weekly_filename(unit, today)
    )
