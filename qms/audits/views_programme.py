"""Pages of the internal-audit programme: helper → form → service → render."""

from __future__ import annotations

import importlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.audits import selectors_programme as sel
from qms.audits import services_programme as svc
from qms.audits.forms_programme import (
    AuditForm,
    AuditorForm,
    ProgrammeForm,
    ReportForm,
    SettingsForm,
    SlotForm,
    TeamMemberForm,
)
from qms.audits.models import Audit, Auditor, AuditSlot, AuditTeamMember
from qms.audits.services_programme import AuditError
from qms.core import selectors as core_selectors
from qms.core.http import AuthedRequest, int_param
from qms.core.models import OrgUnit
from qms.core.transitions import run_transition


def _agency(request: AuthedRequest, action: str = "audits.view") -> tuple[OrgUnit, Any]:
    """The agency a page shows (``?agency=``, else the user's own) and those readable."""
    user = request.user
    agencies = core_selectors.agencies_for_reading(user, "audits.view")
    own = user.unit.agency_id or user.unit_id if user.unit else None
    wanted = int_param(request.GET.get("agency")) or own or 0
    agency = agencies.filter(pk=wanted).first() or agencies.first()
    if agency is None:
        raise PermissionDenied
    return agency, agencies


def _agency_to_change(request: AuthedRequest, action: str) -> OrgUnit:
    agency, _agencies = _agency(request)
    if not permissions.can(request.user, action, agency):
        raise PermissionDenied
    return agency


# --------------------------------------------------------------------------- programmes


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The agency's internal-audit programmes by year."""
    agency, agencies = _agency(request)
    user = request.user
    return render(
        request,
        "audits/home.html",
        {
            "agency": agency,
            "agencies": agencies,
            "programmes": sel.programme_list(user, agency),
            "can_manage": permissions.can(user, "audits.manage_programme", agency),
            "can_auditors": permissions.can(user, "audits.manage_auditors", agency),
            "can_settings": permissions.can(user, "audits.manage_settings", agency),
            "next_year": timezone.localdate().year,
        },
    )


def _programme_input(form: ProgrammeForm) -> svc.ProgrammeInput:
    d = form.cleaned_data
    return svc.ProgrammeInput(
        year=d["year"],
        title=d["title"],
        start=d["start"],
        end=d["end"],
        objective=d["objective"],
        scope=d["scope"],
        clauses=list(d["clauses"]),
        legal_criteria=d["legal_criteria"],
        procedures=list(d["procedures"]),
        plan_task=d["plan_task"],
        action_task=d["action_task"],
    )


def _programme_initial(agency: OrgUnit, year: int, tasks: list[Any]) -> dict[str, Any]:
    audit_task, action_task = svc.guess_plan_tasks(tasks)
    start, end = svc.default_dates(year, audit_task)
    return {
        "year": year,
        "title": f"Chương trình đánh giá nội bộ năm {year}",
        "start": start,
        "end": end,
        "plan_task": audit_task,
        "action_task": action_task,
        "clauses": [],
        "objective": (
            "Đánh giá sự phù hợp và hiệu lực của hệ thống quản lý chất lượng theo "
            "TCVN ISO 9001:2015 tại các đơn vị."
        ),
    }


@require_http_methods(["GET", "POST"])
def programme_create(request: AuthedRequest) -> HttpResponse:
    """A new programme; the plan's tasks 6 and 7 are pre-selected by their titles."""
    agency = _agency_to_change(request, "audits.manage_programme")
    year = (
        int_param(request.POST.get("year") or request.GET.get("year")) or timezone.localdate().year
    )
    tasks = svc.plan_tasks_for(agency, year)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, agency=agency, tasks=tasks)
        if form.is_valid():
            try:
                programme = svc.programme_create(
                    actor=request.user, agency=agency, data=_programme_input(form)
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Programme created as a draft."))
                return redirect("audits:programme_detail", programme.pk)
    else:
        form = ProgrammeForm(
            initial=_programme_initial(agency, year, tasks), agency=agency, tasks=tasks
        )
    return render(
        request,
        "audits/programme_form.html",
        {"form": form, "agency": agency, "programme": None, "year": year, "has_plan": bool(tasks)},
    )


@require_http_methods(["GET", "POST"])
def programme_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = sel.get_programme_for_user(request.user, pk, "audits.manage_programme")
    tasks = svc.plan_tasks_for(programme.agency, programme.year)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, agency=programme.agency, tasks=tasks)
        if form.is_valid():
            try:
                svc.programme_update(
                    actor=request.user,
                    programme=programme,
                    data=_programme_input(form),
                    loaded_version=form.cleaned_data.get("version"),
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Programme saved."))
                return redirect("audits:programme_detail", programme.pk)
    else:
        form = ProgrammeForm(
            initial={
                **{
                    f: getattr(programme, f)
                    for f in (
                        "year",
                        "title",
                        "objective",
                        "scope",
                        "start",
                        "end",
                        "legal_criteria",
                        "clauses",
                    )
                },
                "plan_task": programme.plan_task,
                "action_task": programme.action_task,
                "procedures": list(programme.procedures.all()),
                "version": programme.version,
            },
            agency=programme.agency,
            tasks=tasks,
        )
    return render(
        request,
        "audits/programme_form.html",
        {
            "form": form,
            "agency": programme.agency,
            "programme": programme,
            "year": programme.year,
            "has_plan": bool(tasks),
        },
    )


@require_GET
def programme_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The programme: criteria, plan tasks and the audits table (flat in the audits)."""
    user = request.user
    programme = sel.get_programme_page(user, pk)
    agency = programme.agency
    drafts = sel.sees_drafts(user, agency)
    rows, groups = sel.programme_page_rows(user, programme, issued_only=not drafts)
    return render(
        request,
        "audits/programme_detail.html",
        {
            "programme": programme,
            "rows": rows,
            "procedures": list(programme.procedures.only("code", "title", "agency_id")),
            "clause_labels": [sel._clause_label(n) for n in programme.clauses],
            "can_manage": permissions.can(user, "audits.manage_programme", agency),
            "can_approve": permissions.can(user, "audits.approve_programme", agency),
            "kinds": sel.summary_kinds(),
            "coverage": sel.coverage(programme, rows),
            "summary": sel.findings_summary(
                [r.audit.pk for r in rows if r.visible], issued_only=not drafts, groups=groups
            ),
        },
    )


def _programme_step(
    request: AuthedRequest, pk: int, action: str, step: Any, success: str
) -> HttpResponse:
    programme = sel.get_programme_for_user(request.user, pk, action)
    return run_transition(
        request,
        lambda: step(actor=request.user, programme=programme),
        success=success,
        error=AuditError,
        then=reverse("audits:programme_detail", args=[programme.pk]),
    )


@require_POST
def programme_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _programme_step(
        request, pk, "audits.approve_programme", svc.programme_approve, _("Programme approved.")
    )


@require_POST
def programme_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _programme_step(
        request, pk, "audits.manage_programme", svc.programme_close, _("Programme closed.")
    )


@require_POST
def programme_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = sel.get_programme_for_user(request.user, pk, "audits.manage_programme")
    try:
        svc.programme_archive(actor=request.user, programme=programme)
    except AuditError as exc:
        messages.error(request, str(exc))
        return redirect("audits:programme_detail", programme.pk)
    messages.success(request, _("Programme archived."))
    return redirect(f"{reverse('audits:home')}?agency={programme.agency_id}")


# --------------------------------------------------------------------------- audits


def _audit_input(form: AuditForm) -> svc.AuditInput:
    d = form.cleaned_data
    return svc.AuditInput(
        title=d["title"],
        units=list(d["units"]),
        start_date=d["start_date"],
        end_date=d["end_date"],
        procedures=list(d["procedures"]),
        scope=d["scope"],
        clauses=list(d["clauses"]),
        criteria=d["criteria"],
        auditees=list(d["auditees"]),
    )


@require_http_methods(["GET", "POST"])
def audit_create(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = sel.get_programme_for_user(request.user, pk, "audits.manage_programme")
    if request.method == "POST":
        form = AuditForm(request.POST, agency=programme.agency)
        if form.is_valid():
            try:
                audit = svc.audit_create(
                    actor=request.user, programme=programme, data=_audit_input(form)
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Audit plan created; now form the team and the time slots.")
                )
                return redirect("audits:audit_detail", audit.pk)
    else:
        n = programme.audits.count() + 1
        form = AuditForm(
            initial={
                "title": f"Kế hoạch đánh giá nội bộ số {n} năm {programme.year}",
                "start_date": programme.start,
                "end_date": programme.start,
                "clauses": programme.clauses,
                "criteria": "TCVN ISO 9001:2015; các quy trình trong phạm vi; "
                + (programme.legal_criteria or "các văn bản pháp luật liên quan"),
            },
            agency=programme.agency,
        )
    return render(
        request, "audits/audit_form.html", {"form": form, "programme": programme, "audit": None}
    )


@require_http_methods(["GET", "POST"])
def audit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, "audits.manage_programme")
    if request.method == "POST":
        form = AuditForm(request.POST, agency=audit.agency)
        if form.is_valid():
            try:
                svc.audit_update(
                    actor=request.user,
                    audit=audit,
                    data=_audit_input(form),
                    loaded_version=form.cleaned_data.get("version"),
                    independence_reason=form.cleaned_data["independence_reason"],
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Audit plan saved."))
                return redirect("audits:audit_detail", audit.pk)
    else:
        form = AuditForm(
            initial={
                **{
                    f: getattr(audit, f)
                    for f in ("title", "scope", "clauses", "criteria", "start_date", "end_date")
                },
                "units": list(audit.units.all()),
                "procedures": list(audit.procedures.all()),
                "auditees": list(audit.auditees.all()),
                "version": audit.version,
            },
            agency=audit.agency,
        )
    return render(
        request,
        "audits/audit_form.html",
        {"form": form, "programme": audit.programme, "audit": audit},
    )


def _checklist_block(request: AuthedRequest, audit: Audit) -> Any:
    """The checklists part's block on the audit page, when that part is installed."""
    try:
        module = importlib.import_module("qms.audits.checklist_panels")
    except ImportError:
        return None
    return module.audit_block(request, audit)


def audit_context(request: AuthedRequest, audit: Audit, **forms: Any) -> dict[str, Any]:
    user = request.user
    # The units read once for the page and the checklist block (``audit.units.all()``).
    prefetch_related_objects([audit], "units")
    units = list(audit.units.all())
    team = sel.team(audit)
    can_manage = permissions.can(user, "audits.manage_programme", audit.agency)
    editable = audit.status in (Audit.Status.PLANNED, Audit.Status.NOTIFIED) and can_manage
    can_conduct = sel.may_conduct(user, audit, units, team)
    summary = sel.findings_summary([audit.pk], issued_only=not (can_manage or can_conduct))
    return {
        "audit": audit,
        "programme": audit.programme,
        "units": units,
        "procedures": list(audit.procedures.only("code", "title").order_by("code")),
        "clause_labels": [sel._clause_label(n) for n in audit.clauses],
        "slots": list(audit.slots.select_related("unit").order_by("date", "start_time", "id")),
        "team": team,
        "auditees": list(audit.auditees.select_related("unit")),
        "can_manage": can_manage,
        "editable": editable,
        "can_conduct": can_conduct,
        "is_lead": audit.lead_auditor_id == user.pk,
        "summary": summary,
        "people": sel.people_for_team(audit.agency) if editable else [],
        "team_form": forms.get("team_form")
        or (TeamMemberForm(agency=audit.agency) if editable else None),
        "slot_form": forms.get("slot_form")
        or (
            SlotForm(initial={"date": audit.start_date}, units=audit.units.all())
            if editable
            else None
        ),
        "settings": svc.audit_settings(audit.agency),
        "checklist_block": _checklist_block(request, audit),
    }


@require_GET
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The audit: plan, slots, team, auditees, checklist block, report."""
    audit = sel.get_audit_for_user(request.user, pk)
    return render(request, "audits/audit_detail.html", audit_context(request, audit))


@require_POST
def team_add(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, "audits.manage_programme")
    form = TeamMemberForm(request.POST, agency=audit.agency)
    if form.is_valid():
        d = form.cleaned_data
        try:
            added = svc.team_member_add(
                actor=request.user, audit=audit, user=d["user"], role=d["role"], reason=d["reason"]
            )
        except AuditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(person)s added to the team.") % {"person": d["user"].display_name}
            )
            if not added.in_register:
                messages.warning(
                    request,
                    _("%(person)s is not in the auditor register.")
                    % {"person": d["user"].display_name},
                )
            elif not added.certificate_valid:
                messages.warning(
                    request,
                    _("The auditor certificate of %(person)s has expired.")
                    % {"person": d["user"].display_name},
                )
            return redirect("audits:audit_detail", audit.pk)
    return render(
        request, "audits/audit_detail.html", audit_context(request, audit, team_form=form)
    )


@require_POST
def team_remove(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, "audits.manage_programme")
    member = get_object_or_404(AuditTeamMember, pk=member_pk, audit=audit)
    return run_transition(
        request,
        lambda: svc.team_member_remove(actor=request.user, member=member),
        success=_("Taken off the team."),
        error=AuditError,
        then=reverse("audits:audit_detail", args=[audit.pk]),
    )


@require_POST
def slot_add(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, "audits.manage_programme")
    form = SlotForm(request.POST, units=audit.units.all())
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.slot_add(actor=request.user, audit=audit, data=svc.SlotInput(**d))
        except AuditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Time slot added."))
            return redirect("audits:audit_detail", audit.pk)
    return render(
        request, "audits/audit_detail.html", audit_context(request, audit, slot_form=form)
    )


@require_POST
def slot_remove(request: AuthedRequest, pk: int, slot_pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, "audits.manage_programme")
    slot = get_object_or_404(AuditSlot, pk=slot_pk, audit=audit)
    return run_transition(
        request,
        lambda: svc.slot_remove(actor=request.user, slot=slot),
        success=_("Time slot removed."),
        error=AuditError,
        then=reverse("audits:audit_detail", args=[audit.pk]),
    )


def _audit_step(
    request: AuthedRequest, pk: int, action: str | None, step: Any, success: str
) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, action)
    if action is None and not (
        audit.team.filter(user=request.user).exists()
        or permissions.can(request.user, "audits.manage_programme", audit.agency)
    ):
        raise PermissionDenied
    return run_transition(
        request,
        lambda: step(actor=request.user, audit=audit),
        success=success,
        error=AuditError,
        then=reverse("audits:audit_detail", args=[audit.pk]),
    )


@require_POST
def audit_send(request: AuthedRequest, pk: int) -> HttpResponse:
    return _audit_step(
        request,
        pk,
        "audits.manage_programme",
        svc.audit_send,
        _("Plan sent to the team and the audited units."),
    )


@require_POST
def audit_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk, "audits.manage_programme")
    try:
        svc.audit_archive(actor=request.user, audit=audit)
    except AuditError as exc:
        messages.error(request, str(exc))
        return redirect("audits:audit_detail", audit.pk)
    messages.success(request, _("Audit archived."))
    return redirect("audits:programme_detail", audit.programme_id)


@require_POST
def audit_start(request: AuthedRequest, pk: int) -> HttpResponse:
    return _audit_step(request, pk, None, svc.audit_start, _("Audit started."))


@require_POST
def audit_finish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _audit_step(
        request,
        pk,
        None,
        svc.audit_finish,
        _("Audit marked as audited; the report can be approved."),
    )


@require_http_methods(["GET", "POST"])
def report_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk)
    if not sel.may_conduct(request.user, audit, list(audit.units.all())):
        raise PermissionDenied
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                svc.report_save(
                    actor=request.user,
                    audit=audit,
                    data=svc.ReportInput(d["opening_notes"], d["closing_notes"], d["conclusions"]),
                    loaded_version=d.get("version"),
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Report saved."))
                return redirect("audits:audit_detail", audit.pk)
    else:
        form = ReportForm(
            initial={
                f: getattr(audit, f)
                for f in ("opening_notes", "closing_notes", "conclusions", "version")
            }
        )
    return render(
        request,
        "audits/report_form.html",
        {"form": form, "audit": audit, "summary": sel.findings_summary([audit.pk])},
    )


@require_POST
def report_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk)
    if audit.lead_auditor_id != request.user.pk:
        raise PermissionDenied
    return _audit_step(request, pk, None, svc.report_approve, _("Report approved."))


@require_POST
def report_send(request: AuthedRequest, pk: int) -> HttpResponse:
    return _audit_step(request, pk, None, svc.report_send, _("Report sent to leadership."))


# --------------------------------------------------------------------------- register, settings


@require_http_methods(["GET", "POST"])
def auditors(request: AuthedRequest) -> HttpResponse:
    """The auditor register of the agency: who is qualified, until when."""
    agency = _agency_to_change(request, "audits.manage_auditors")
    if request.method == "POST":
        form = AuditorForm(request.POST, agency=agency)
        if form.is_valid():
            try:
                svc.auditor_add(
                    actor=request.user, agency=agency, data=svc.AuditorInput(**form.cleaned_data)
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Added to the auditor register."))
                return redirect(f"{reverse('audits:auditors')}?agency={agency.pk}")
    else:
        form = AuditorForm(agency=agency)
    entries = list(
        Auditor.objects.filter(agency=agency, archived_at__isnull=True).select_related("user__unit")
    )
    return render(
        request,
        "audits/auditors.html",
        {"agency": agency, "entries": entries, "form": form, "today": timezone.localdate()},
    )


def _entry(request: AuthedRequest, pk: int) -> Auditor:
    entry = get_object_or_404(
        Auditor.objects.filter(archived_at__isnull=True).select_related("user", "agency"), pk=pk
    )
    if not permissions.can_read_agency_wide(request.user, "audits.view", entry.agency):
        raise Http404
    if not permissions.can(request.user, "audits.manage_auditors", entry.agency):
        raise PermissionDenied
    return entry


@require_http_methods(["GET", "POST"])
def auditor_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if request.method == "POST":
        form = AuditorForm(request.POST, agency=entry.agency, editing=True)
        if form.is_valid():
            try:
                svc.auditor_update(
                    actor=request.user,
                    entry=entry,
                    data=svc.AuditorInput(user=entry.user, **form.cleaned_data),
                )
            except AuditError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Register entry saved."))
                return redirect(f"{reverse('audits:auditors')}?agency={entry.agency_id}")
    else:
        form = AuditorForm(
            initial={f: getattr(entry, f) for f in svc.AUDITOR_FIELDS},
            agency=entry.agency,
            editing=True,
        )
    return render(request, "audits/auditor_form.html", {"form": form, "entry": entry})


@require_POST
def auditor_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    return run_transition(
        request,
        lambda: svc.auditor_archive(actor=request.user, entry=entry),
        success=_("Taken off the auditor register."),
        error=AuditError,
        then=f"{reverse('audits:auditors')}?agency={entry.agency_id}",
    )


@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest) -> HttpResponse:
    """The agency's rule for auditors who are not independent."""
    agency = _agency_to_change(request, "audits.manage_settings")
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            svc.settings_save(
                actor=request.user, agency=agency, independence=form.cleaned_data["independence"]
            )
            messages.success(request, _("Audit settings saved."))
            return redirect(f"{reverse('audits:settings')}?agency={agency.pk}")
    else:
        form = SettingsForm(initial={"independence": svc.audit_settings(agency).independence})
    return render(request, "audits/settings.html", {"agency": agency, "form": form})
