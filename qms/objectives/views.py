"""Quality objective pages: helper → form → service → render."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.core import downloads, transitions
from qms.core import selectors as core_selectors
from qms.core.http import AuthedRequest, int_param
from qms.core.models import OrgUnit
from qms.objectives import dashboards, selectors, services
from qms.objectives.forms import (
    EvaluateForm,
    MeasurementForm,
    ObjectiveForm,
    SettingsForm,
    StageForm,
)
from qms.objectives.models import Measurement, Objective, ObjectiveSet
from qms.objectives.services import ObjectiveError, ObjectiveInput
from qms.planning import selectors as planning_selectors

S = ObjectiveSet.Status


def _today() -> datetime.date:
    return timezone.localdate()


def _form_errors(form: Any) -> str:
    """A small inline form's errors as one message (the form itself is not re-shown)."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _agency_period(request: AuthedRequest) -> tuple[OrgUnit, Any, QuerySet[OrgUnit], int]:
    """The agency (``?agency=``, else the user's own) and the period (``?year=``, else the
    school year running today) a page shows."""
    user = request.user
    agencies = core_selectors.agencies_for_reading(user, "objectives.view")
    own = user.unit.agency_id if user.unit else None
    wanted = int_param(request.GET.get("agency")) or own or 0
    agency = agencies.filter(pk=wanted).first() or agencies.first()
    if agency is None:
        raise PermissionDenied
    year = int_param(request.GET.get("year")) or services.current_year(agency, _today())
    return agency, services.period_for(agency=agency, year=year), agencies, year


def _period_context(request: AuthedRequest) -> dict[str, Any]:
    agency, period, agencies, year = _agency_period(request)
    return {
        "agency": agency,
        "agencies": agencies,
        "period": period,
        "years": [year - 1, year, year + 1],
    }


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """One period of an agency: its units and the state of their objectives."""
    user = request.user
    context = _period_context(request)
    agency, period = context["agency"], context["period"]
    can_settings = permissions.can(user, "objectives.manage_settings", agency)
    month, day = services.school_year_start(agency)
    return render(
        request,
        "objectives/home.html",
        {
            **context,
            "rows": selectors.unit_rows(user, agency, period),
            "policies": selectors.policies(agency),
            "can_draft_policy": permissions.can(user, "objectives.review", agency),
            "can_approve_policy": permissions.can(user, "objectives.approve", agency),
            "settings_form": SettingsForm(
                initial={"school_year_start_day": day, "school_year_start_month": month}
            )
            if can_settings
            else None,
            "linked_tasks": selectors.linked_tasks(agency, period),
        },
    )


@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The department's objectives of a period: lights, a chart per indicator, the units."""
    context = _period_context(request)
    data = dashboards.department(context["agency"], context["period"], _today(), with_owners=False)
    return render(
        request,
        "objectives/dashboard.html",
        {**context, "data": data, "light_labels": dashboards.light_labels()},
    )


@require_GET
def matrix(request: AuthedRequest) -> HttpResponse:
    """Units × the department's objectives, each cell coloured by its traffic light."""
    context = _period_context(request)
    data = dashboards.department(
        context["agency"], context["period"], _today(), with_trends=False, with_owners=False
    )
    return render(
        request,
        "objectives/matrix.html",
        {**context, "data": data, "light_labels": dashboards.light_labels()},
    )


@require_POST
def settings_save(request: AuthedRequest) -> HttpResponse:
    agency = _agency_for_policy(request, "objectives.manage_settings")
    form = SettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        services.settings_save(
            actor=request.user,
            agency=agency,
            month=form.cleaned_data["school_year_start_month"],
            day=form.cleaned_data["school_year_start_day"],
        )
        messages.success(
            request, _("School-year start saved; it applies to periods not started yet.")
        )
    return redirect(_home_url(agency))


@require_POST
def stage_link(request: AuthedRequest, task_pk: int) -> HttpResponse:
    """The ISO committee ties a plan task to the objectives cycle (tasks 2 and 3)."""
    task = planning_selectors.get_task_for_user(request.user, task_pk)
    if not permissions.can(request.user, "planning.edit_plan", task.plan.agency):
        raise PermissionDenied
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.stage_link(
                actor=request.user,
                task=task,
                stage=form.cleaned_data["stage"],
                year=form.cleaned_data["year"],
            )
        except ObjectiveError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The task now follows the units' objectives."))
    return redirect("planning:task_detail", pk=task.pk)


@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponse | FileResponse:
    measurement = get_object_or_404(Measurement.objects.exclude(evidence=""), pk=pk)
    selectors.get_objective_for_user(request.user, measurement.objective_id)
    return downloads.stored_file_response(
        measurement.evidence,
        filename=measurement.evidence_name,
        content_type=measurement.evidence_type,
    )


@require_POST
def set_create(request: AuthedRequest) -> HttpResponse:
    """Start a unit's set for a period, empty or carried over from the previous one."""
    unit = (
        OrgUnit.objects.visible_to(request.user)
        .filter(pk=int_param(request.POST.get("unit")) or 0)
        .first()
    )
    if unit is None:
        raise Http404
    if not permissions.can(request.user, "objectives.edit_set", unit):
        raise PermissionDenied
    agency = unit if unit.kind == OrgUnit.Kind.AGENCY else unit.agency
    year = int_param(request.POST.get("year")) or services.current_year(agency, _today())  # type: ignore[arg-type]
    period = services.period_for(agency=agency, year=year)  # type: ignore[arg-type]
    previous = (
        ObjectiveSet.objects.filter(unit=unit, period__start__lt=period.start)
        .order_by("-period__start")
        .first()
    )
    try:
        if previous is not None and request.POST.get("carry") == "1":
            new = services.set_copy_forward(
                actor=request.user, objective_set=previous, period=period
            )
        else:
            new = services.set_create(actor=request.user, unit=unit, period=period)
    except ObjectiveError as exc:
        messages.error(request, str(exc))
        return redirect(f"{_home_url(agency)}&year={year}")
    return redirect("objectives:set_detail", pk=new.pk)


def _home_url(agency: OrgUnit | None) -> str:
    return reverse("objectives:home") + f"?agency={agency.pk if agency else ''}"


def _actions(user: Any, objective_set: ObjectiveSet) -> dict[str, bool]:
    edit = permissions.can(user, "objectives.edit_set", objective_set.unit)
    review = permissions.can(user, "objectives.review", objective_set.agency)
    approve = permissions.can(user, "objectives.approve", objective_set.agency)
    status = objective_set.status
    return {
        "edit": edit and status == S.DRAFT,
        "submit": edit and status == S.DRAFT,
        "return": (review or approve) and status == S.SUBMITTED,
        "approve": approve and status == S.SUBMITTED,
        "measure": permissions.can(user, "objectives.measure", objective_set.unit)
        and status == S.APPROVED,
        "evaluate": edit and status == S.APPROVED,
    }


@require_GET
def set_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    objective_set = selectors.get_set_for_user(request.user, pk)
    today = _today()
    rows, trends = dashboards.set_dashboard(
        objective_set, today, with_owners=False, count_actions=True
    )
    return render(
        request,
        "objectives/set_detail.html",
        {
            "set": objective_set,
            "rows": rows,
            "trends": trends,
            "action_counts": {
                r.objective.pk: n for r in rows if (n := getattr(r.objective, "action_count", None))
            },
            "actions": _actions(request.user, objective_set),
            "today": today,
            # Measurements fall within the period: today, or its last day once it is over.
            "measure_on": min(today, objective_set.period.end),
        },
    )


def _objective_input(form: ObjectiveForm) -> ObjectiveInput:
    d = form.cleaned_data
    return ObjectiveInput(
        statement=d["statement"],
        indicator=d["indicator"],
        owner_unit=d["owner_unit"],
        direction=d["direction"],
        target=d.get("target"),
        target_date=d.get("target_date"),
        unit_of_measure=d["unit_of_measure"],
        baseline=d.get("baseline"),
        frequency=d["frequency"],
        source=d["source"],
        contributes_to=d.get("contributes_to"),
        aggregation=d.get("aggregation") or Objective.Aggregation.MANUAL,
        weight=d.get("weight") or Decimal(1),
        continuing=d.get("continuing", False),
    )


def _objective_form(
    request: AuthedRequest, objective_set: ObjectiveSet, initial: dict[str, Any]
) -> ObjectiveForm:
    return ObjectiveForm(
        request.POST or None,
        owner_units=OrgUnit.objects.subtree_of(objective_set.unit).active(),
        parents=None if objective_set.is_agency_set else selectors.agency_objectives(objective_set),
        initial=initial,
    )


@require_http_methods(["GET", "POST"])
def objective_edit(
    request: AuthedRequest, pk: int, objective_pk: int | None = None
) -> HttpResponse:
    """Add (``objective_pk`` None) or change an objective of a draft set."""
    objective_set = selectors.get_set_for_user(request.user, pk, "objectives.edit_set")
    objective = None
    initial: dict[str, Any] = {
        "owner_unit": objective_set.unit,
        "weight": 1,
        "frequency": Objective.Frequency.QUARTERLY,
    }
    if objective_pk is not None:
        objective = objective_set.objectives.filter(pk=objective_pk).first()
        if objective is None:
            raise Http404
        initial = {
            f: getattr(objective, f)
            for f in (
                "statement",
                "indicator",
                "unit_of_measure",
                "direction",
                "target",
                "target_date",
                "baseline",
                "frequency",
                "source",
                "owner_unit",
                "contributes_to",
                "aggregation",
                "weight",
                "continuing",
            )
        }
    form = _objective_form(request, objective_set, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_save(
                actor=request.user,
                objective_set=objective_set,
                data=_objective_input(form),
                objective=objective,
            )
        except ObjectiveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Objective saved."))
            return redirect("objectives:set_detail", pk=objective_set.pk)
    return render(
        request,
        "objectives/objective_form.html",
        {"form": form, "set": objective_set, "objective": objective},
    )


def _transition(request: AuthedRequest, pk: int, action: str, run: Any, ok: str) -> HttpResponse:
    objective_set = selectors.get_set_for_user(request.user, pk, action)
    return transitions.run_transition(
        request,
        lambda: run(objective_set),
        success=ok,
        error=ObjectiveError,
        then=reverse("objectives:set_detail", kwargs={"pk": objective_set.pk}),
    )


@require_POST
def set_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        "objectives.edit_set",
        lambda s: services.set_submit(actor=request.user, objective_set=s),
        _("Objectives submitted for approval."),
    )


@require_POST
def set_return(request: AuthedRequest, pk: int) -> HttpResponse:
    objective_set = selectors.get_set_for_user(request.user, pk)
    agency = objective_set.agency
    if not (
        permissions.can(request.user, "objectives.review", agency)
        or permissions.can(request.user, "objectives.approve", agency)
    ):
        raise PermissionDenied
    return _transition(
        request,
        pk,
        "objectives.view",
        lambda s: services.set_return(
            actor=request.user, objective_set=s, comment=request.POST.get("comment", "")
        ),
        _("Objectives returned to the unit."),
    )


@require_POST
def set_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        "objectives.approve",
        lambda s: services.set_approve(actor=request.user, objective_set=s),
        _("Objectives approved."),
    )


@require_POST
def set_evaluate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        "objectives.edit_set",
        lambda s: services.set_evaluate(actor=request.user, objective_set=s),
        _("Evaluation of the period closed."),
    )


@require_POST
def measurement_add(request: AuthedRequest, objective_pk: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, objective_pk, "objectives.measure")
    form = MeasurementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.measurement_add(actor=request.user, objective=objective, **form.cleaned_data)
        except ObjectiveError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Measurement recorded."))
    return redirect("objectives:set_detail", pk=objective.objective_set_id)


@require_http_methods(["GET", "POST"])
def objective_evaluate(request: AuthedRequest, objective_pk: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, objective_pk, "objectives.edit_set")
    # The department's evaluation shows each unit's contribution and starts from the roll-up.
    row = dashboards.objective_row(objective, _today())
    form = EvaluateForm(
        request.POST or None,
        initial={
            "result": objective.result if objective.result is not None else row.latest,
            "reached_on": objective.reached_on,
            "cause": objective.cause,
            "proposed_action": objective.proposed_action,
            "continuing": objective.continuing,
        },
    )
    if objective.direction != Objective.Direction.BY_DATE:
        del form.fields["reached_on"]
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_evaluate(
                actor=request.user, objective=objective, **form.cleaned_data
            )
        except ObjectiveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Objective evaluated."))
            return redirect("objectives:set_detail", pk=objective.objective_set_id)
    return render(
        request,
        "objectives/evaluate.html",
        {"form": form, "objective": objective, "set": objective.objective_set, "row": row},
    )


def _agency_for_policy(request: AuthedRequest, action: str) -> OrgUnit:
    agency = (
        core_selectors.agencies_for_reading(request.user, "objectives.view")
        .filter(pk=int_param(request.POST.get("agency")) or 0)
        .first()
    )
    if agency is None:
        raise Http404
    if not permissions.can(request.user, action, agency):
        raise PermissionDenied
    return agency


@require_POST
def policy_draft(request: AuthedRequest) -> HttpResponse:
    """The ISO committee proposes a new version of the quality policy."""
    agency = _agency_for_policy(request, "objectives.review")
    try:
        services.policy_draft(actor=request.user, agency=agency, text=request.POST.get("text", ""))
    except ObjectiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("New version of the quality policy proposed for approval."))
    return redirect(_home_url(agency))


@require_POST
def policy_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Leadership puts a proposed policy in force."""
    policy = selectors.get_policy_for_user(request.user, pk, "objectives.approve")
    try:
        services.policy_approve(actor=request.user, policy=policy, on=_today())
    except ObjectiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The quality policy is in force."))
    return redirect(_home_url(policy.agency))
