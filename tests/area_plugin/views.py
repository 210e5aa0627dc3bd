from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from qms.core.http import AuthedRequest
from qms.planning import selectors
from qms.reports import responses, xlsx


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "area_plugin/home.html", {"plans": selectors.plan_list(request.user)})


@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    """The plans the user may see, one row each, through the one safe cell writer."""
    workbook, sheet = xlsx.new_workbook("Plans")
    xlsx.append(sheet, ["Year", "Title"])
    for plan in selectors.plan_list(request.user):
        xlsx.append(sheet, [plan.year, plan.title])
    return responses.download(xlsx.workbook_bytes(workbook), "plugin-plans.xlsx")
