"""Registers and settings: decisions, external documents, records, reviews, import, plan links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.documents import selectors, services
from qms.documents.forms import (
    DecisionForm,
    ExternalForm,
    ExternalStatusForm,
    ImportForm,
    LinkForm,
    RecordForm,
    SettingsForm,
)
from qms.documents.models import (
    ExternalDocument,
    ReviewTask,
)
from qms.documents.services import DocumentError
from qms.documents.views.common import (
    PAGE_SIZE,
    _agency_for_change,
    _agency_from,
    _today,
    _url,
    int_param,
)

# --------------------------------------------------------------------------- decisions


@require_GET
def decision_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.decision_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "documents/decision_list.html",
        {
            "page": page,
            "can_issue": bool(selectors.agencies_to_change(request.user, "documents.issue")),
        },
    )


def _decision_initial(agency: OrgUnit) -> dict[str, Any]:
    today = _today()
    return {
        "issued_on": today,
        "effective_on": today,
        "bases": "\n".join(
            [
                "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về "
                "việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO "
                "9001:2008 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà "
                "nước;",
                "Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10/10/2014 của Bộ Khoa học và Công nghệ "
                "quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg;",
            ]
        ),
        "proposer": "Trưởng ban ISO",
        "executors": "Chánh Văn phòng, Trưởng các phòng thuộc Sở và các cá nhân có liên quan",
        "recipients": "Như Điều 3;\nLãnh đạo Sở;\nLưu: VT, Ban ISO.",
        "signer_position": "GIÁM ĐỐC",
    }


@require_http_methods(["GET", "POST"])
def decision_create(request: AuthedRequest) -> HttpResponse:
    agency = _agency_for_change(request, "documents.issue")
    approved = selectors.approved_versions(agency)
    form = DecisionForm(request.POST or None, versions=approved, initial=_decision_initial(agency))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        versions = list(d["versions"])
        data = services.DecisionInput(
            issued_on=d["issued_on"],
            effective_on=d["effective_on"],
            title=d["title"].strip() or services.default_decision_title(versions),
            bases=d["bases"],
            proposer=d["proposer"],
            executors=d["executors"],
            recipients=d["recipients"],
            signer_prefix=d["signer_prefix"],
            signer_authority=d["signer_authority"],
            signer_position=d["signer_position"],
            signer_name=d["signer_name"],
        )
        try:
            decision = services.decision_issue(
                actor=request.user, agency=agency, versions=versions, data=data
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Decision %(number)s issued; the documents are in force.")
                % {"number": decision.number},
            )
            return redirect("documents:decision_detail", pk=decision.pk)
    return render(
        request,
        "documents/decision_form.html",
        {"form": form, "agency": agency, "approved": approved},
    )


@require_GET
def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.get_decision_for_user(request.user, pk)
    versions = decision.versions.select_related("document", "approver").order_by("document__code")
    return render(
        request, "documents/decision_detail.html", {"decision": decision, "versions": versions}
    )


# --------------------------------------------------------------------------- external documents


@require_GET
def external_list(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    status = g.get("status", "") if g.get("status") in ExternalDocument.Status.values else ""
    qs = selectors.external_list(
        request.user, q=g.get("q", "").strip(), agency=int_param(g.get("agency")), status=status
    )
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    return render(
        request,
        "documents/external_list.html",
        {
            "page": page,
            "q": g.get("q", ""),
            "status": status,
            "statuses": ExternalDocument.Status.choices,
            "agencies": selectors.agencies_for(request.user),
            "agency_id": int_param(g.get("agency")),
            "query_string": g.urlencode(),
            "can_edit": bool(
                selectors.agencies_to_change(request.user, "documents.manage_registers")
            ),
        },
    )


def _external_input(form: ExternalForm) -> services.ExternalInput:
    d = form.cleaned_data
    return services.ExternalInput(
        number=d["number"],
        doc_type=d["doc_type"],
        issuer=d["issuer"],
        title=d["title"],
        signed_on=d["signed_on"],
        effective_on=d["effective_on"],
        field=d["field"],
        owner_unit=d.get("owner_unit"),
    )


def _require_register(user: Any, agency: OrgUnit) -> None:
    """The external register is the agency's: kept by those holding the role over it."""
    selectors.require(user, "documents.manage_registers", agency)


def _record_units(user: Any, agency: OrgUnit) -> Any:
    """Units whose records list the user keeps (strictly their own scope)."""
    return (
        OrgUnit.objects.subtree_of(agency)
        .active()
        .filter(permissions.unit_scope_q(user, "documents.manage_registers"))
    )


@require_http_methods(["GET", "POST"])
def external_create(request: AuthedRequest) -> HttpResponse:
    agency = _agency_for_change(request, "documents.manage_registers")
    form = ExternalForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            ext = services.external_create(
                actor=request.user, agency=agency, data=_external_input(form)
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added to the external documents register."))
            return redirect("documents:external_detail", pk=ext.pk)
    return render(
        request, "documents/external_form.html", {"form": form, "agency": agency, "ext": None}
    )


@require_GET
def external_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    ext = selectors.get_external_for_user(request.user, pk)
    citing = list(
        ext.cited_by.filter(archived_at__isnull=True).select_related(
            "owner_unit", "current_version"
        )
    )
    tasks = list(ext.review_tasks.select_related("document").order_by("due_on"))
    return render(
        request,
        "documents/external_detail.html",
        {
            "ext": ext,
            "citing": citing,
            "tasks": tasks,
            "openable": selectors.documents_openable_by(
                request.user, [d.pk for d in citing] + [t.document_id for t in tasks]
            ),
            "today": _today(),
            "can_edit": permissions.can(request.user, "documents.manage_registers", ext.agency),
        },
    )


@require_http_methods(["GET", "POST"])
def external_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    ext = selectors.get_external_for_user(request.user, pk)
    _require_register(request.user, ext.agency)
    initial = {
        f: getattr(ext, f)
        for f in (
            "number",
            "doc_type",
            "issuer",
            "title",
            "signed_on",
            "effective_on",
            "field",
            "owner_unit",
        )
    }
    initial["version"] = ext.version
    form = ExternalForm(request.POST or None, agency=ext.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.external_update(
                actor=request.user,
                ext=ext,
                data=_external_input(form),
                version=form.cleaned_data.get("version") or 0,
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Register entry saved."))
            return redirect("documents:external_detail", pk=ext.pk)
    return render(
        request, "documents/external_form.html", {"form": form, "agency": ext.agency, "ext": ext}
    )


@require_http_methods(["GET", "POST"])
def external_status(request: AuthedRequest, pk: int) -> HttpResponse:
    ext = selectors.get_external_for_user(request.user, pk)
    _require_register(request.user, ext.agency)
    form = ExternalStatusForm(
        request.POST or None,
        ext=ext,
        initial={
            "status": ext.status,
            "change_effective_on": ext.change_effective_on,
            "replaced_by": ext.replaced_by,
            "note": ext.change_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            tasks = services.external_mark_changed(
                actor=request.user,
                ext=ext,
                status=d["status"],
                change_effective_on=d["change_effective_on"],
                replaced_by=d["replaced_by"],
                note=d["note"],
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Status saved; %(n)d document(s) citing it must be reviewed.") % {"n": len(tasks)}
                if tasks
                else _("Status saved."),
            )
            return redirect("documents:external_detail", pk=ext.pk)
    return render(request, "documents/external_status.html", {"form": form, "ext": ext})


# --------------------------------------------------------------------------- records


@require_GET
def record_list(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.record_list(
        request.user,
        agency=int_param(g.get("agency")),
        unit=int_param(g.get("unit")),
        q=g.get("q", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    rows = list(page)
    return render(
        request,
        "documents/record_list.html",
        {
            "page": page,
            "q": g.get("q", ""),
            "agencies": selectors.agencies_for(request.user),
            "agency_id": int_param(g.get("agency")),
            "query_string": g.urlencode(),
            "can_edit": permissions.has_any_role(request.user, "documents.manage_registers"),
            # Row links only where they open: the user's own records lists and documents.
            "editable_units": set(
                OrgUnit.objects.filter(
                    permissions.unit_scope_q(request.user, "documents.manage_registers"),
                    pk__in={r.owner_unit_id for r in rows},
                ).values_list("pk", flat=True)
            ),
            "openable": selectors.documents_openable_by(
                request.user, [r.document_id or 0 for r in rows]
            ),
        },
    )


def _record_input(form: RecordForm) -> services.RecordInput:
    d = form.cleaned_data
    return services.RecordInput(
        name=d["name"],
        owner_unit=d["owner_unit"],
        document=d.get("document"),
        form_code=d["form_code"],
        keeper=d["keeper"],
        location=d["location"],
        retention_years=d["retention_years"],
        retention_text=d["retention_text"],
        disposal_method=d["disposal_method"],
    )


@require_http_methods(["GET", "POST"])
def record_create(request: AuthedRequest) -> HttpResponse:
    agency = _agency_from(request, "documents.manage_registers")
    units = _record_units(request.user, agency)
    if not units.exists():
        raise PermissionDenied
    form = RecordForm(request.POST or None, agency=agency, owner_units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_save(actor=request.user, agency=agency, data=_record_input(form))
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added to the records list."))
            return redirect(f"{_url('documents:record_list')}?agency={agency.pk}")
    return render(request, "documents/record_form.html", {"form": form, "agency": agency})


@require_http_methods(["GET", "POST"])
def record_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    record = selectors.get_record_for_user(request.user, pk)
    # A records list entry belongs to its unit: changed (or archived) only by who keeps that
    # unit's list; moving it to another unit needs the role there too (the form offers only
    # the user's own units).
    selectors.require(request.user, "documents.manage_registers", record.owner_unit)
    units = _record_units(request.user, record.agency)
    initial = {
        f: getattr(record, f)
        for f in (
            "name",
            "document",
            "form_code",
            "owner_unit",
            "keeper",
            "location",
            "retention_years",
            "retention_text",
            "disposal_method",
        )
    }
    form = RecordForm(
        request.POST or None, agency=record.agency, owner_units=units, initial=initial
    )
    if request.method == "POST":
        if "archive" in request.POST:
            services.record_archive(actor=request.user, record=record)
            messages.success(request, _("Entry archived: it no longer appears in the list."))
            return redirect("documents:record_list")
        if form.is_valid():
            try:
                services.record_save(
                    actor=request.user,
                    agency=record.agency,
                    data=_record_input(form),
                    record=record,
                )
            except DocumentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Records list entry saved."))
                return redirect("documents:record_list")
    return render(
        request,
        "documents/record_form.html",
        {"form": form, "agency": record.agency, "record": record},
    )


# --------------------------------------------------------------------------- reviews


@require_POST
def review_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ReviewTask, pk=pk)
    document = selectors.get_document_for_user(request.user, task.document_id)
    selectors.require(request.user, "documents.edit", document.owner_unit)
    try:
        services.review_complete(actor=request.user, task=task, note=request.POST.get("note", ""))
    except DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("documents:document_detail", pk=document.pk)


# --------------------------------------------------------------------------- settings


@require_http_methods(["GET", "POST"])
def settings_edit(request: AuthedRequest) -> HttpResponse:
    agency = _agency_for_change(request, "documents.manage_settings")
    current = services.settings_for(agency)
    form = SettingsForm(
        request.POST or None,
        current=current,
        initial={
            "distinct_signers": current.distinct_signers,
            "review_months": current.review_months,
            "legal_alignment_months": current.legal_alignment_months,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                actor=request.user,
                agency=agency,
                code_patterns=form.patterns(),
                distinct_signers=form.cleaned_data["distinct_signers"],
                review_months=form.cleaned_data["review_months"],
                legal_alignment_months=form.cleaned_data["legal_alignment_months"],
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Document control settings saved."))
            return redirect(f"{_url('documents:settings')}?agency={agency.pk}")
    return render(
        request,
        "documents/settings.html",
        {
            "form": form,
            "agency": agency,
            "agencies": selectors.agencies_to_change(request.user, "documents.manage_settings"),
        },
    )


# --------------------------------------------------------------------------- import


@require_http_methods(["GET", "POST"])
def import_list(request: AuthedRequest) -> HttpResponse:
    from qms.documents import imports

    agencies = selectors.agencies_for(request.user, "documents.manage_registers")
    if not agencies.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, agencies=agencies)
    errors: list[imports.RowError] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if not imports.may_import(request.user, d["agency"], d["list_kind"]):
            raise PermissionDenied
        try:
            result = imports.import_list(
                actor=request.user, agency=d["agency"], list_kind=d["list_kind"], upload=d["file"]
            )
        except imports.ImportRejected as exc:
            errors = exc.errors
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("%(n)d rows imported.") % {"n": result.created})
            target = {
                "internal": "documents:document_list",
                "external": "documents:external_list",
                "records": "documents:record_list",
            }[d["list_kind"]]
            return redirect(f"{_url(target)}?agency={d['agency'].pk}")
    return render(
        request,
        "documents/import.html",
        {"form": form, "errors": errors, "columns": imports.COLUMNS},
    )


# --------------------------------------------------------------------------- plan task links


@require_http_methods(["GET", "POST"])
def task_links(request: AuthedRequest, task_pk: int) -> HttpResponse:
    from qms.planning import selectors as planning

    task = planning.get_task_for_user(request.user, task_pk, "planning.edit_plan")
    # Linking documents edits the agency's plan: a role over the plan's agency itself.
    selectors.require(request.user, "planning.edit_plan", task.plan.agency)
    docs = selectors.linkable_documents(task.plan.agency)
    current = [link.document for link in task.document_links.select_related("document")]
    form = LinkForm(request.POST or None, documents=docs, initial={"documents": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_link_set(
                actor=request.user, task=task, documents=list(form.cleaned_data["documents"])
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Documents linked to the task."))
            return redirect("planning:task_detail", pk=task.pk)
    return render(request, "documents/task_links.html", {"form": form, "task": task})
