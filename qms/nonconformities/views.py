"""Pages of nonconformity records: the register (list), one NC with every stage, raising
one (directly or from a source record), each workflow step, evidence, settings.

Reading: ``selectors.get_nc_for_user`` (scope of ``nonconformities.view``: 404 outside
it). Every change goes through ``qms.nonconformities.services``, which decides on the
NC's own unit; the page shows a step's form only to who may do it. A refused step
re-renders the page with the form as typed and the service's message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.audittrail.models import LogEntry
from qms.core import downloads, keyset
from qms.core.http import AuthedRequest, int_param
from qms.core.models import OrgUnit
from qms.nonconformities import forms, selectors, services, sources
from qms.nonconformities.models import (
    CorrectiveAction,
    NCEvidence,
    Nonconformity,
    Verification,
)
from qms.nonconformities.rows import COLUMNS, nc_rows, rows_html

S = Nonconformity.Status
LIST_ORDER = ("-raised_on", "-id")


def _nc_or_404(request: AuthedRequest, pk: int) -> Nonconformity:
    nc = selectors.get_nc_for_user(request.user, pk)
    if nc is None:
        raise Http404
    return nc


def _must(request: AuthedRequest, allowed: bool) -> None:
    """A reader who may not do the step is refused (403) before the form is read."""
    if not allowed:
        raise PermissionDenied


def _analyst(request: AuthedRequest, nc: Nonconformity) -> None:
    _must(request, permissions.can(request.user, "nonconformities.analyse", nc.unit))


# --------------------------------------------------------------------------- list


def _list_units(request: AuthedRequest) -> list[OrgUnit]:
    ids = selectors.ncs_for_user(request.user).values("unit_id")
    return list(
        OrgUnit.objects.filter(pk__in=ids).only("pk", "name", "short_name").order_by("path")
    )


def _years(request: AuthedRequest) -> list[int]:
    # Without the model's ordering, DISTINCT is on the year alone (not year, path, serial).
    years = set(
        selectors.ncs_for_user(request.user).order_by().values_list("year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def filtered(request: AuthedRequest, values: dict[str, Any]) -> Any:
    qs = selectors.ncs_for_user(request.user, archived=bool(values.get("archived")))
    if values.get("archived"):
        qs = qs.filter(archived_at__isnull=False)
    if "year" in values:
        qs = qs.filter(year=values["year"])
    if "status" in values:
        qs = qs.filter(status=values["status"])
    if "unit" in values:
        qs = qs.filter(unit_id=values["unit"])
    if "source" in values:
        qs = qs.filter(source_key="" if values["source"] == "direct" else values["source"])
    if "severity" in values:
        qs = qs.filter(severity=values["severity"])
    if "clause" in values:
        qs = qs.filter(clause__startswith=values["clause"].strip())
    if values.get("mine"):
        me = request.user
        qs = qs.filter(
            Q(owner=me)
            | Q(raised_by=me)
            | Q(pk__in=CorrectiveAction.objects.filter(owner=me).values("nc_id"))
        )
    return qs


@require_GET
def nc_list(request: AuthedRequest) -> HttpResponse:
    """The NC register: filters, keyset pages, status counts."""
    form = forms.FilterForm(request.GET or None, years=_years(request), units=_list_units(request))
    values = form.values() if request.GET else {}
    qs = filtered(request, values).annotate(
        late_actions=Count(
            "actions",
            filter=Q(actions__status="open", actions__due__lt=timezone.localdate()),
        )
    )
    page = keyset.keyset_page(
        qs.select_related("unit", "owner").only(*COLUMNS),
        LIST_ORDER,
        older=request.GET.get("older"),
        newer=request.GET.get("newer"),
    )
    rows = nc_rows(page.rows, timezone.localdate())
    query = request.GET.copy()
    for key in ("older", "newer"):
        query.pop(key, None)
    counts_q = selectors.visible_q(request.user)
    if "year" in values:
        counts_q &= Q(year=values["year"])
    counts = selectors.nc_counts(counts_q)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "rows_html": rows_html(rows),
        "filter_query": query.urlencode(),
        "counts": counts,
        "statuses": Nonconformity.Status.choices,
        # Each status with its count (the template looped over the counts per status).
        "status_counts": [(v, label, counts.get(v)) for v, label in Nonconformity.Status.choices],
        "year_value": form["year"].value(),
        "may_raise": _may_raise_directly(request),
        "may_settings": permissions.has_agency_role(
            request.user, "nonconformities.manage_settings"
        ),
    }
    template = (
        "nonconformities/partials/_list_rows.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "nc-rows"
        else "nonconformities/list.html"
    )
    return render(request, template, context)


# --------------------------------------------------------------------------- detail


class Steps:
    """What the user may do on the NC now (each step's form shows only if allowed)."""

    def __init__(self, user: Any, nc: Nonconformity) -> None:
        unit = nc.unit
        analyse = permissions.can(user, "nonconformities.analyse", unit)
        live = nc.archived_at is None
        self.edit = live and analyse and nc.status in services.EDITABLE_STATES
        self.correct = self.edit
        self.analyse = live and analyse and nc.status in services.ANALYSIS_STATES
        self.plan = live and analyse and nc.status in services.ACTION_STATES
        self.confirm_plan = live and analyse and nc.status == S.ANALYSED
        self.verify_role = live and permissions.can(user, "nonconformities.verify", unit)
        self.verify = self.verify_role and nc.status == S.AWAITING_VERIFICATION
        self.evidence = (
            live
            and nc.status != S.CLOSED
            and (analyse or permissions.can(user, "nonconformities.raise", unit))
        )
        self.archive = live and permissions.can(user, "nonconformities.manage_settings", nc.agency)
        self.to_task = live and permissions.can(user, "planning.edit_plan", nc.agency)
        self.working = live and nc.status in {S.PLANNED, S.IN_PROGRESS}
        self.verify_blocked = False  # set by the page: a conflict, or too early


def _history(nc: Nonconformity, actions: list[CorrectiveAction], verifications: list[Any]) -> Any:
    cts = ContentType.objects.get_for_models(Nonconformity, CorrectiveAction, Verification)
    q = Q(content_type=cts[Nonconformity], object_id=str(nc.pk))
    if actions:
        q |= Q(content_type=cts[CorrectiveAction], object_id__in=[str(a.pk) for a in actions])
    if verifications:
        q |= Q(content_type=cts[Verification], object_id__in=[str(v.pk) for v in verifications])
    return LogEntry.objects.filter(q).select_related("actor", "content_type")[:200]


def _step_forms(
    nc: Nonconformity, steps: Steps, bound: dict[str, Any], today: Any
) -> dict[str, Any]:
    """The form of each step the user may take now; a refused one comes back as typed."""
    forms_: dict[str, Any] = {}
    if steps.edit:
        forms_["edit_form"] = bound.get("edit_form") or forms.NCEditForm(
            agency=nc.agency,
            initial={
                "title": nc.title,
                "description": nc.description,
                "unit": nc.unit_id,
                "owner": nc.owner_id,
                "clause": nc.clause,
                "severity": nc.severity,
                "version": nc.version,
            },
        )
    if steps.correct:
        forms_["correction_form"] = bound.get("correction_form") or forms.CorrectionForm(
            initial={
                "correction": nc.correction,
                "correction_on": nc.correction_on or today,
                "version": nc.version,
            }
        )
    if steps.analyse:
        forms_["analysis_form"] = bound.get("analysis_form") or forms.AnalysisForm(
            initial=forms.AnalysisForm.initial_from(nc)
        )
    if steps.plan:
        forms_["action_form"] = bound.get("action_form") or forms.ActionForm(
            agency=nc.agency, initial={"unit": nc.unit_id, "version": nc.version}
        )
    forms_["done_action"] = bound.get("done_action")
    if steps.verify and (bound.get("verify_form") or not steps.verify_blocked):
        # Not built when the page says why the user cannot verify (independence, too early).
        forms_["verify_form"] = bound.get("verify_form") or forms.VerifyForm(
            initial={"verified_on": today, "version": nc.version}
        )
    if steps.evidence:
        forms_["evidence_form"] = bound.get("evidence_form") or forms.EvidenceForm()
    if steps.archive:
        forms_["archive_form"] = bound.get("archive_form") or forms.ArchiveForm()
    return forms_


def _detail(
    request: AuthedRequest, nc: Nonconformity, status: int = 200, **bound: Any
) -> HttpResponse:
    steps = Steps(request.user, nc)
    agency = nc.agency
    actions = list(
        nc.actions.select_related("owner", "unit", "done_by", "plan_task__plan").order_by(
            "created_at", "pk"
        )
    )
    verifications = list(nc.verifications.select_related("verified_by").order_by("pk"))
    evidence = list(nc.evidence.filter(archived_at__isnull=True).select_related("uploaded_by"))
    by_action: dict[int, list[NCEvidence]] = {}
    by_verification: dict[int, list[NCEvidence]] = {}
    own: list[NCEvidence] = []
    for e in evidence:
        if e.action_id:
            by_action.setdefault(e.action_id, []).append(e)
        elif e.verification_id:
            by_verification.setdefault(e.verification_id, []).append(e)
        else:
            own.append(e)
    today = timezone.localdate()
    for a in actions:
        a.files = by_action.get(a.pk, [])  # type: ignore[attr-defined]
        may = steps.working and a.status == "open" and services.may_complete(request.user, a)
        a.may_complete = may  # type: ignore[attr-defined]
        if may:
            # One form per action, with its own ids; the one just refused keeps its input.
            a.done_form = (  # type: ignore[attr-defined]
                bound["done_form"]
                if bound.get("done_action") == a.pk
                else forms.DoneForm(auto_id=f"id_done{a.pk}_%s", initial={"done_on": today})
            )
        a.late = a.status == "open" and a.due < today  # type: ignore[attr-defined]
    for v in verifications:
        v.files = by_verification.get(v.pk, [])  # type: ignore[attr-defined]
    delay_days = services.settings_for(agency).verification_delay_days
    due_on = services.verification_due_on(nc, delay_days)
    conflict = services.verifier_conflict(request.user, nc, actions) if steps.verify else ""
    steps.verify_blocked = bool(conflict) or bool(due_on and due_on > today)
    source_url = ""
    source = sources.registry.get(nc.source_key) if nc.source_key else None
    if source is not None and nc.source_id:
        obj = nc.source
        if obj is not None:
            source_url = source.url_of(obj)
    context: dict[str, Any] = {
        "nc": nc,
        "steps": steps,
        "actions": actions,
        "open_actions": [a for a in actions if a.status == "open"],
        "verifications": verifications,
        "evidence": own,
        "history": _history(nc, actions, verifications),
        "source_url": source_url,
        "source_name": source.label if source else "",
        "verification_due_on": due_on,
        "verification_early": bool(due_on and due_on > today),
        "verifier_conflict": conflict,
        "fishbone_rows": [
            (forms.FISHBONE_LABELS[cat], nc.fishbone.get(cat, []))
            for cat in services.FISHBONE_CATEGORIES
        ],
        "today": today,
        "delay_days": delay_days,
    }
    context.update(_step_forms(nc, steps, bound, today))
    context["open_card"] = bound.get("open_card", "")
    return render(request, "nonconformities/detail.html", context, status=status)


@require_GET
def nc_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, _nc_or_404(request, pk))


def _back(nc: Nonconformity, anchor: str = "") -> HttpResponse:
    response = redirect("nonconformities:detail", pk=nc.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _version(form: Any) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value else None


# --------------------------------------------------------------------------- raise


def _raise_page(
    request: AuthedRequest,
    form: forms.RaiseForm,
    *,
    source: sources.Source | None = None,
    facts: sources.SourceFacts | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "nonconformities/raise.html",
        {"form": form, "source": source, "facts": facts},
        status=status,
    )


def _raise_agency(request: AuthedRequest) -> OrgUnit:
    """The agency a direct NC is raised in: the user's own, else the first one where they
    may raise."""
    user = request.user
    home = user.unit if user.unit_id else None
    own = home if home and home.kind == OrgUnit.Kind.AGENCY else (home.agency if home else None)
    wanted = request.GET.get("agency")
    if not wanted or (own is not None and int_param(wanted) == own.pk):
        agency: OrgUnit | None = own  # read with the user: no query for the usual case
    else:
        agency = OrgUnit.objects.filter(pk=wanted, kind="agency").first() or own
    if agency is None:
        raise PermissionDenied
    return agency


def _may_raise_directly(request: AuthedRequest) -> bool:
    """Whether the list offers "Raise": the user has an agency of their own and a unit of it
    where they may raise (a province-wide administrator raises from an agency's records)."""
    if not permissions.has_any_role(request.user, "nonconformities.raise"):
        return False
    try:
        agency = _raise_agency(request)
    except PermissionDenied:
        return False
    return bool(_raise_units(request, agency).exists())


def _raise_units(request: AuthedRequest, agency: OrgUnit) -> Any:
    return forms.agency_units(agency).filter(
        permissions.unit_scope_q(request.user, "nonconformities.raise")
    )


@require_http_methods(["GET", "POST"])
def nc_raise(request: AuthedRequest) -> HttpResponse:
    """Raise an NC directly (an observation, a complaint, a process check)."""
    if not permissions.has_any_role(request.user, "nonconformities.raise"):
        raise PermissionDenied
    agency = _raise_agency(request)
    units = _raise_units(request, agency)
    if not units.exists():
        raise PermissionDenied
    if request.method == "GET":
        form = forms.RaiseForm(
            agency=agency, units=units, initial={"raised_on": timezone.localdate()}
        )
        return _raise_page(request, form)
    form = forms.RaiseForm(request.POST, agency=agency, units=units)
    if form.is_valid():
        d = form.cleaned_data
        try:
            nc = services.raise_nc(
                actor=request.user,
                unit=d["unit"],
                title=d["title"],
                description=d["description"],
                clause=d.get("clause", ""),
                severity=d["severity"],
                owner=d.get("owner"),
                raised_on=d["raised_on"],
            )
        except services.NCError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Nonconformity %(number)s raised.") % {"number": nc.number})
            return redirect("nonconformities:detail", pk=nc.pk)
    return _raise_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
def nc_raise_from(request: AuthedRequest, source_key: str, object_id: int) -> HttpResponse:
    """Raise an NC from a source record, pre-filled with what the source says."""
    source = sources.registry.get(source_key)
    if source is None:
        raise Http404
    obj = source.model._default_manager.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    facts = source.describe(obj)
    if not permissions.can(request.user, "nonconformities.raise", facts.unit):
        raise PermissionDenied
    units = _raise_units(request, facts.agency)
    if request.method == "GET":
        form = forms.RaiseForm(
            agency=facts.agency,
            units=units,
            initial={
                "unit": facts.unit.pk,
                "title": facts.title,
                "description": facts.description,
                "clause": facts.clause,
                "severity": facts.severity,
                "owner": facts.owner.pk if facts.owner else None,
                "raised_on": timezone.localdate(),
            },
        )
        return _raise_page(request, form, source=source, facts=facts)
    form = forms.RaiseForm(request.POST, agency=facts.agency, units=units)
    if form.is_valid():
        d = form.cleaned_data
        try:
            nc = services.raise_nc(
                actor=request.user,
                source_key=source_key,
                source_obj=obj,
                unit=d["unit"],
                title=d["title"],
                description=d["description"],
                clause=d.get("clause", ""),
                severity=d["severity"],
                owner=d.get("owner"),
                raised_on=d["raised_on"],
            )
        except services.NCError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Nonconformity %(number)s raised.") % {"number": nc.number})
            return redirect("nonconformities:detail", pk=nc.pk)
    return _raise_page(request, form, source=source, facts=facts, status=400)


# --------------------------------------------------------------------------- steps


def _run(
    request: AuthedRequest,
    nc: Nonconformity,
    form: Any,
    key: str,
    step: Any,
    success: str,
    anchor: str,
    **extra: Any,
) -> HttpResponse:
    """Validate ``form``, run ``step(form)``; back to the page, or the page again with the
    form as typed and the message."""
    if form.is_valid():
        try:
            step(form)
        except services.NCError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return _back(nc, anchor)
    nc.refresh_from_db()
    return _detail(request, nc, status=400, open_card=anchor, **{key: form}, **extra)


@require_POST
def nc_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _analyst(request, nc)
    form = forms.NCEditForm(request.POST, agency=nc.agency)
    return _run(
        request,
        nc,
        form,
        "edit_form",
        lambda f: services.nc_update(
            actor=request.user, nc=nc, data=f.to_input(), loaded_version=_version(f)
        ),
        _("Nonconformity saved."),
        "card-description",
    )


@require_POST
def nc_correction(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _analyst(request, nc)
    form = forms.CorrectionForm(request.POST)
    return _run(
        request,
        nc,
        form,
        "correction_form",
        lambda f: services.correction_record(
            actor=request.user,
            nc=nc,
            correction=f.cleaned_data["correction"],
            correction_on=f.cleaned_data.get("correction_on"),
            loaded_version=_version(f),
        ),
        _("Correction recorded."),
        "card-correction",
    )


@require_POST
def nc_analysis(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _analyst(request, nc)
    form = forms.AnalysisForm(request.POST)
    return _run(
        request,
        nc,
        form,
        "analysis_form",
        lambda f: services.cause_analyse(
            actor=request.user,
            nc=nc,
            method=f.cleaned_data["method"],
            whys=f.whys(),
            fishbone=f.fishbone(),
            root_cause=f.cleaned_data["root_cause"],
            loaded_version=_version(f),
        ),
        _("Cause analysis saved."),
        "card-analysis",
    )


@require_POST
def action_add(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _analyst(request, nc)
    form = forms.ActionForm(request.POST, agency=nc.agency)
    return _run(
        request,
        nc,
        form,
        "action_form",
        lambda f: services.action_add(actor=request.user, nc=nc, data=f.to_input()),
        _("Corrective action added."),
        "card-actions",
    )


def _action_of(nc: Nonconformity, action_pk: int) -> CorrectiveAction:
    action = nc.actions.select_related("unit", "owner").filter(pk=action_pk).first()
    if action is None:
        raise Http404
    return action


@require_http_methods(["GET", "POST"])
def action_edit(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    action = _action_of(nc, action_pk)
    _analyst(request, nc)
    if request.method == "GET":
        form = forms.ActionForm(
            agency=nc.agency,
            initial={
                "description": action.description,
                "owner": action.owner_id,
                "unit": action.unit_id,
                "due": action.due,
                "version": action.version,
            },
        )
        status = 200
    else:
        form = forms.ActionForm(request.POST, agency=nc.agency)
        if form.is_valid():
            try:
                services.action_update(
                    actor=request.user,
                    action=action,
                    data=form.to_input(),
                    loaded_version=_version(form),
                )
            except services.NCError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Corrective action saved."))
                return _back(nc, "card-actions")
        status = 400
    return render(
        request,
        "nonconformities/action_form.html",
        {"nc": nc, "action": action, "form": form},
        status=status,
    )


@require_POST
def plan_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _analyst(request, nc)
    try:
        services.plan_confirm(
            actor=request.user,
            nc=nc,
            loaded_version=int(request.POST.get("version") or 0) or None,
        )
    except services.NCError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Action plan confirmed; the owners are told."))
    return _back(nc, "card-actions")


@require_POST
def action_done(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    action = _action_of(nc, action_pk)
    _must(request, services.may_complete(request.user, action))
    form = forms.DoneForm(request.POST, request.FILES, auto_id=f"id_done{action.pk}_%s")
    return _run(
        request,
        nc,
        form,
        "done_form",
        lambda f: services.action_done(
            actor=request.user,
            action=action,
            result=f.cleaned_data["result"],
            done_on=f.cleaned_data.get("done_on"),
            files=f.cleaned_data.get("evidence") or [],
        ),
        _("Action marked done."),
        "card-actions",
        done_action=action.pk,
    )


@require_POST
def action_cancel(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    action = _action_of(nc, action_pk)
    _analyst(request, nc)
    try:
        services.action_cancel(
            actor=request.user, action=action, reason=request.POST.get("reason", "")
        )
    except services.NCError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Corrective action cancelled."))
    return _back(nc, "card-actions")


@require_POST
def action_to_task(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    action = _action_of(nc, action_pk)
    _must(request, permissions.can(request.user, "planning.edit_plan", nc.agency))
    try:
        task = services.action_to_task(actor=request.user, action=action)
    except services.NCError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The action is task %(no)s of the plan %(plan)s.")
            % {"no": task.number, "plan": task.plan},
        )
    return _back(nc, "card-actions")


@require_POST
def nc_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _must(request, permissions.can(request.user, "nonconformities.verify", nc.unit))
    form = forms.VerifyForm(request.POST, request.FILES)
    effective = request.POST.get("effective") == "yes"
    return _run(
        request,
        nc,
        form,
        "verify_form",
        lambda f: services.verify(
            actor=request.user,
            nc=nc,
            effective=f.cleaned_data["effective"],
            note=f.cleaned_data["note"],
            verified_on=f.cleaned_data.get("verified_on"),
            files=f.cleaned_data.get("evidence") or [],
            loaded_version=_version(f),
        ),
        _("Verified as effective: the nonconformity is closed.")
        if effective
        else _("Not effective: the nonconformity is reopened for a new analysis and actions."),
        "card-verification",
    )


@require_POST
def evidence_add(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _must(
        request,
        permissions.can(request.user, "nonconformities.analyse", nc.unit)
        or permissions.can(request.user, "nonconformities.raise", nc.unit),
    )
    form = forms.EvidenceForm(request.POST, request.FILES)

    def step(f: Any) -> None:
        services.evidence_add(actor=request.user, nc=nc, files=f.cleaned_data.get("evidence") or [])

    return _run(request, nc, form, "evidence_form", step, _("Evidence added."), "card-evidence")


@require_POST
def nc_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = _nc_or_404(request, pk)
    _must(request, permissions.can(request.user, "nonconformities.manage_settings", nc.agency))
    form = forms.ArchiveForm(request.POST)
    return _run(
        request,
        nc,
        form,
        "archive_form",
        lambda f: services.nc_archive(actor=request.user, nc=nc, reason=f.cleaned_data["reason"]),
        _("Nonconformity archived: it stays in the register."),
        "",
    )


@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponse | FileResponse:
    evidence = get_object_or_404(NCEvidence, pk=pk, archived_at__isnull=True)
    _nc_or_404(request, evidence.nc_id)
    return downloads.stored_file_response(
        evidence.file, filename=evidence.file_name, content_type=evidence.file_type
    )


# --------------------------------------------------------------------------- settings


def _settings_agencies(request: AuthedRequest) -> list[OrgUnit]:
    return [
        a
        for a in OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY, archived_at__isnull=True)
        if permissions.can(request.user, "nonconformities.manage_settings", a)
    ]


@require_http_methods(["GET", "POST"])
def nc_settings(request: AuthedRequest) -> HttpResponse:
    """The agency's NC settings (the verification delay)."""
    agencies = _settings_agencies(request)
    if not agencies:
        raise PermissionDenied
    chosen = request.POST.get("agency") or request.GET.get("agency")
    agency = next((a for a in agencies if str(a.pk) == chosen), None)
    if agency is None:
        home = request.user.unit
        home_agency = home.agency_id if home else None
        agency = next((a for a in agencies if a.pk == home_agency), agencies[0])
    current = services.settings_for(agency)
    status = 200
    if request.method == "POST":
        form = forms.SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.settings_save(
                    actor=request.user,
                    agency=agency,
                    verification_delay_days=form.cleaned_data["verification_delay_days"],
                )
            except services.NCError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Settings saved."))
                return redirect(f"{request.path}?agency={agency.pk}")
        status = 400
    else:
        form = forms.SettingsForm(
            initial={"verification_delay_days": current.verification_delay_days}
        )
    return render(
        request,
        "nonconformities/settings.html",
        {"form": form, "agency": agency, "agencies": agencies},
        status=status,
    )
