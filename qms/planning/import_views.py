"""The Word import wizard: upload a plan's appendix, review the rows, create the tasks."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.core.services import unitalias_set
from qms.planning import selectors
from qms.planning.forms import ImportForm
from qms.planning.import_wizard import (
    AppendixReadError,
    ImportPreview,
    preview_plan_docx,
    preview_task_inputs,
)
from qms.planning.models import Plan
from qms.planning.services import PlanningError, plan_import_tasks

_SESSION_KEY = "plan_import"


@require_http_methods(["GET", "POST"])
def plan_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Step 1: upload a Word file; every row is read or the whole file is refused."""
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    if plan.status != Plan.Status.DRAFT:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            preview = preview_plan_docx(
                form.cleaned_data["file"], agency=plan.agency, year=plan.year
            )
        except AppendixReadError as exc:
            errors = list(exc.errors) or [(0, "", str(exc))]
        else:
            token = secrets.token_urlsafe(8)
            request.session[_SESSION_KEY] = {
                "token": token,
                "plan": plan.pk,
                "preview": preview.to_session(),
            }
            return redirect(f"{request.path}review/?t={token}")
    return render(
        request, "planning/plan_import.html", {"plan": plan, "form": form, "errors": errors}
    )


def _stored_preview(request: AuthedRequest, plan: Plan) -> ImportPreview | None:
    data = request.session.get(_SESSION_KEY)
    token = request.GET.get("t") or request.POST.get("t")
    if not data or data.get("plan") != plan.pk or data.get("token") != token:
        return None
    return ImportPreview.from_session(data["preview"])


@require_http_methods(["GET", "POST"])
def plan_import_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """Step 2: review the rows and map unmatched unit names; then create all tasks."""
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    preview = _stored_preview(request, plan)
    if preview is None:
        messages.error(request, _("The import has expired; upload the file again."))
        return redirect("planning:plan_import", pk=plan.pk)
    units = list(
        OrgUnit.objects.active()
        .filter(path__startswith=plan.agency.path)
        .exclude(pk=plan.agency_id)
        .order_by("sort_order", "name")
    )
    by_pk = {u.pk: u for u in units}
    mapping: dict[str, list[OrgUnit]] = {}
    missing: list[str] = []
    if request.method == "POST":
        for i, name in enumerate(preview.unmatched):
            chosen = [
                by_pk[int(v)]
                for v in request.POST.getlist(f"map_{i}")
                if v.isdigit() and int(v) in by_pk
            ]
            if chosen:
                mapping[name] = chosen
            else:
                missing.append(name)
        if not missing:
            try:
                tasks = plan_import_tasks(
                    actor=request.user,
                    plan=plan,
                    tasks=preview_task_inputs(preview, agency=plan.agency, mapping=mapping),
                )
            except PlanningError as exc:
                messages.error(request, str(exc))
            else:
                for i, name in enumerate(preview.unmatched):
                    if request.POST.get(f"remember_{i}"):
                        unitalias_set(
                            actor=request.user, agency=plan.agency, name=name, units=mapping[name]
                        )
                request.session.pop(_SESSION_KEY, None)
                messages.success(request, _("%(n)s tasks imported.") % {"n": len(tasks)})
                return redirect("planning:task_list", pk=plan.pk)
    names = {u.pk: u.display_name for u in units}
    rows = [
        {
            "row": r,
            "lead_units": [names.get(i, "?") for i in r.lead_ids],
            "support_units": [names.get(i, "?") for i in r.support_ids],
        }
        for r in preview.rows
    ]
    selected = {i: [u.pk for u in mapping.get(n, [])] for i, n in enumerate(preview.unmatched)}
    return render(
        request,
        "planning/plan_import_review.html",
        {
            "plan": plan,
            "rows": rows,
            "unmatched": list(enumerate(preview.unmatched)),
            "units": units,
            "token": request.GET.get("t") or request.POST.get("t"),
            "missing": missing,
            "selected": selected,
        },
    )


@require_POST
def plan_import_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    request.session.pop(_SESSION_KEY, None)
    return redirect("planning:plan_detail", pk=plan.pk)
