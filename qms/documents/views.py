"""Document-control pages: helper → form → service → render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.core.htmx import htmx_partial
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.documents import files, selectors, services
from qms.documents.forms import (
    ChangeRequestForm,
    CommentForm,
    DecideChangeForm,
    DecisionForm,
    DocumentForm,
    ExternalForm,
    ExternalStatusForm,
    ImportForm,
    LinkForm,
    ReasonForm,
    RecordForm,
    SettingsForm,
    StepFormSet,
    VersionForm,
    steps_from,
)
from qms.documents.models import (
    ChangeRequest,
    Document,
    DocumentVersion,
    ExternalDocument,
    ReviewTask,
)
from qms.documents.services import DocumentError
from qms.documents.steps import check_steps

PAGE_SIZE = 50
FILE_KINDS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
S = DocumentVersion.Status


def _today() -> datetime.date:
    return timezone.localdate()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _agency_from(request: AuthedRequest, action: str) -> OrgUnit:
    """The agency named by ?agency= (or the only one) where the user may do ``action``."""
    agencies = selectors.agencies_for(request.user, action)
    wanted = _int(request.GET.get("agency") or request.POST.get("agency"))
    if wanted:
        agency = agencies.filter(pk=wanted).first()
        if agency is None:
            raise Http404
        return agency
    agency = agencies.first()
    if agency is None:
        raise PermissionDenied
    return agency


def _owner_units(user: Any, agency: OrgUnit) -> Any:
    return (
        OrgUnit.objects.subtree_of(agency)
        .active()
        .filter(permissions.unit_scope_q(user, "documents.edit"))
    )


# --------------------------------------------------------------------------- home, lists


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = _today()
    return render(
        request,
        "documents/home.html",
        {
            "queue": selectors.work_queue(user),
            "to_read": list(selectors.to_read(user)[:20]),
            "summary": selectors.review_summary(user, today),
            "reviews": list(selectors.open_reviews(user, today)[:20]),
            "today": today,
            "can_create": permissions.has_any_role(user, "documents.edit"),
            "can_issue": permissions.has_any_role(user, "documents.issue"),
        },
    )


def _filters(request: AuthedRequest) -> selectors.DocumentFilters:
    g = request.GET
    return selectors.DocumentFilters(
        q=g.get("q", "").strip(),
        agency=_int(g.get("agency")),
        kind=g.get("kind", "") if g.get("kind") in Document.Kind.values else "",
        unit=_int(g.get("unit")),
        status=g.get("status", "") if g.get("status") in Document.Status.values else "",
        tthc_field=g.get("tthc_field", ""),
        tthc_only=g.get("tthc") == "1",
    )


@require_GET
def document_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.document_list(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    agencies = selectors.agencies_for(request.user)
    ctx = {
        "page": page,
        "filters": filters,
        "kinds": Document.Kind.choices,
        "statuses": Document.Status.choices,
        "agencies": agencies,
        "units": OrgUnit.objects.filter(agency__in=agencies, archived_at__isnull=True).order_by(
            "path"
        ),
        "tthc_fields": selectors.tthc_fields(request.user),
        "query_string": request.GET.urlencode(),
        "can_create": permissions.has_any_role(request.user, "documents.edit"),
        "can_import": permissions.has_any_role(request.user, "documents.manage_registers"),
        "today": _today(),
    }
    template = (
        "documents/partials/_document_rows.html"
        if htmx_partial(request)
        else "documents/document_list.html"
    )
    return render(request, template, ctx)


# --------------------------------------------------------------------------- documents


def _document_input(form: DocumentForm) -> services.DocumentInput:
    d = form.cleaned_data
    return services.DocumentInput(
        kind=d["kind"],
        code=d["code"],
        title=d["title"],
        owner_unit=d["owner_unit"],
        parent=d.get("parent"),
        is_tthc=d.get("is_tthc", False),
        tthc_code=d.get("tthc_code", ""),
        tthc_field=d.get("tthc_field", ""),
        review_months=d.get("review_months"),
        references=list(d.get("references") or []),
        distribution_units=list(d.get("distribution_units") or []),
        distribution_users=list(d.get("distribution_users") or []),
    )


@require_http_methods(["GET", "POST"])
def document_create(request: AuthedRequest) -> HttpResponse:
    agency = _agency_from(request, "documents.edit")
    units = _owner_units(request.user, agency)
    if not units.exists():
        raise PermissionDenied
    form = DocumentForm(request.POST or None, agency=agency, owner_units=units)
    if request.method == "GET":
        kind = request.GET.get("kind", Document.Kind.WORK_PROCEDURE)
        kind = kind if kind in Document.Kind.values else Document.Kind.WORK_PROCEDURE
        unit = units.filter(pk=_int(request.GET.get("unit"))).first() or units.first()
        form.initial = {
            "kind": kind,
            "owner_unit": unit,
            "code": services.propose_code(agency=agency, kind=kind, owner_unit=unit, parent=None),
            "distribution_units": [unit] if unit else [],
        }
    elif form.is_valid():
        try:
            document = services.document_create(
                actor=request.user, agency=agency, data=_document_input(form)
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Document created with its first draft."))
            version = document.versions.get()
            return redirect("documents:version_edit", pk=version.pk)
    return render(
        request, "documents/document_form.html", {"form": form, "agency": agency, "creating": True}
    )


@require_GET
def next_code(request: AuthedRequest) -> HttpResponse:
    """The proposed code for the kind/unit/parent chosen in the form (htmx)."""
    agency = _agency_from(request, "documents.edit")
    kind = request.GET.get("kind", "")
    if kind not in Document.Kind.values:
        raise Http404
    unit = (
        OrgUnit.objects.subtree_of(agency)
        .filter(pk=_int(request.GET.get("owner_unit")) or 0)
        .first()
    )
    parent = Document.objects.filter(agency=agency, pk=_int(request.GET.get("parent")) or 0).first()
    if kind == Document.Kind.FORM and parent is None:
        parent = None  # the pattern's {parent} stays empty until a procedure is chosen
    code = services.propose_code(agency=agency, kind=kind, owner_unit=unit, parent=parent)
    # Replaces the code input of the form (hx-swap="outerHTML"), keeping its attributes.
    return HttpResponse(
        format_html(
            '<input type="text" name="code" value="{}" maxlength="60" class="form-control" '
            'required id="id_code" aria-describedby="id_code_helptext">',
            code,
        )
    )


@require_GET
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    document = selectors.get_document_for_user(user, pk)
    ctx = selectors.document_page(user, document)
    agency, owner = document.agency, document.owner_unit
    ctx.update(
        {
            "document": document,
            "today": _today(),
            "can_edit": services.can_edit(user, document),
            "can_request_change": permissions.can_agency_wide(
                user, "documents.request_change", agency
            )
            and document.status == Document.Status.IN_FORCE,
            "can_decide_change": permissions.can(user, "documents.decide_change", owner),
            "can_complete_review": permissions.can(user, "documents.edit", owner),
            "change_form": ChangeRequestForm(),
            "reason_form": ReasonForm(),
        }
    )
    return render(request, "documents/document_detail.html", ctx)


@require_http_methods(["GET", "POST"])
def document_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    selectors.require(request.user, "documents.edit", document.owner_unit)
    agency = document.agency
    units = _owner_units(request.user, agency) | OrgUnit.objects.filter(pk=document.owner_unit_id)
    initial = {
        "kind": document.kind,
        "owner_unit": document.owner_unit,
        "parent": document.parent,
        "code": document.code,
        "title": document.title,
        "is_tthc": document.is_tthc,
        "tthc_code": document.tthc_code,
        "tthc_field": document.tthc_field,
        "review_months": document.review_months,
        "references": list(document.references.all()),
        "distribution_units": list(document.distribution_units.all()),
        "distribution_users": list(document.distribution_users.all()),
    }
    form = DocumentForm(
        request.POST or None, agency=agency, owner_units=units.distinct(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                actor=request.user, document=document, data=_document_input(form)
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Document saved."))
            return redirect("documents:document_detail", pk=document.pk)
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "agency": agency, "document": document, "creating": False},
    )


@require_POST
def document_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    selectors.require(request.user, "documents.decide_change", document.owner_unit)
    try:
        services.document_withdraw(
            actor=request.user, document=document, reason=request.POST.get("reason", "")
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Document withdrawn; its last version is obsolete."))
    return redirect("documents:document_detail", pk=document.pk)


# --------------------------------------------------------------------------- versions


@require_POST
def version_start(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    selectors.require(request.user, "documents.edit", document.owner_unit)
    try:
        version = services.version_start(actor=request.user, document=document)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("documents:document_detail", pk=document.pk)
    messages.success(request, _("New draft started from the version in force."))
    return redirect("documents:version_edit", pk=version.pk)


def _version_actions(user: Any, version: DocumentVersion) -> dict[str, bool]:
    document = version.document
    agency = document.agency
    edit = permissions.can(user, "documents.edit", document.owner_unit)
    return {
        "edit": edit and version.is_editable,
        "submit": edit and version.is_editable,
        "review": permissions.can(user, "documents.review", agency) and version.status == S.REVIEW,
        "approve": permissions.can(user, "documents.approve", agency)
        and version.status == S.APPROVAL,
        "issue": permissions.can(user, "documents.issue", agency) and version.status == S.APPROVED,
        "cancel": (edit or permissions.can(user, "documents.review", agency))
        and version.status in DocumentVersion.OPEN,
    }


@require_GET
def version_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    content = version.content or {}
    step_times = [s.get("time", "") for s in content.get("steps", [])]
    ack = version.acknowledgements.filter(user=request.user).first()
    return render(
        request,
        "documents/version_detail.html",
        {
            "version": version,
            "document": version.document,
            "content": content,
            "paragraphs": {
                k: [p for p in str(content.get(k, "")).splitlines() if p.strip()]
                for k in (
                    "purpose",
                    "scope",
                    "references_text",
                    "definitions",
                    "body",
                    "legal_basis",
                    "dossier_components",
                )
            },
            "step_check": check_steps(step_times, content.get("processing_time", ""))
            if version.document.is_tthc or step_times
            else None,
            "trail": selectors.version_trail(version),
            "signers": selectors.signature_block(version),
            "references": list(version.document.references.all()),
            "forms": list(version.document.forms.filter(archived_at__isnull=True)),
            "records": list(version.document.records.filter(archived_at__isnull=True)),
            "actions": _version_actions(request.user, version),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "my_ack": ack,
        },
    )


def _version_form_initial(version: DocumentVersion) -> dict[str, Any]:
    content = version.content or {}
    initial = {k: content.get(k, "") for k in VersionForm.CONTENT_FIELDS}
    initial.update(
        lock_version=version.lock_version,
        change_request=version.change_request,
        change_part=version.change_part,
        change_description=version.change_description,
    )
    return initial


@require_http_methods(["GET", "POST"])
def version_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    selectors.require(request.user, "documents.edit", version.document.owner_unit)
    if not version.is_editable:
        messages.error(request, _("Only a draft or a returned draft can be edited."))
        return redirect("documents:version_detail", pk=version.pk)
    steps_initial = list((version.content or {}).get("steps", []))
    form = VersionForm(
        request.POST or None, request.FILES or None, initial=_version_form_initial(version)
    )
    formset = StepFormSet(request.POST or None, initial=steps_initial, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        result = _save_version(request, version, form, formset)
        if result is not None:
            return result
    content = version.content or {}
    step_times = [s.get("time", "") for s in content.get("steps", [])]
    return render(
        request,
        "documents/version_form.html",
        {
            "version": version,
            "document": version.document,
            "form": form,
            "formset": formset,
            "trail": selectors.version_trail(version),
            "step_check": check_steps(step_times, content.get("processing_time", "")),
        },
    )


def _save_version(
    request: AuthedRequest, version: DocumentVersion, form: VersionForm, formset: Any
) -> HttpResponse | None:
    upload = form.cleaned_data.get("file")
    checked = None
    try:
        if upload is not None:
            checked = files.check_upload(upload)
        services.version_save(
            actor=request.user,
            version=version,
            content=form.content(steps_from(formset)),
            change_request=form.cleaned_data["change_request"],
            change_part=form.cleaned_data["change_part"],
            change_description=form.cleaned_data["change_description"],
            lock_version=form.cleaned_data["lock_version"],
            upload=upload,
            checked=checked,
        )
    except files.FileRejected as exc:
        form.add_error("file", str(exc))
        return None
    except DocumentError as exc:
        form.add_error(None, str(exc))
        return None
    version.refresh_from_db()
    steps = [s.get("time", "") for s in version.content.get("steps", [])]
    check = check_steps(steps, version.content.get("processing_time", ""))
    if check.warning and (version.document.is_tthc or steps):
        messages.warning(request, check.warning)
    messages.success(request, _("Draft saved."))
    if "add_steps" in request.POST:
        return redirect("documents:version_edit", pk=version.pk)
    return redirect("documents:version_detail", pk=version.pk)


def _run(request: AuthedRequest, version: DocumentVersion, run: Any, ok: str) -> HttpResponse:
    try:
        run()
    except DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("documents:version_detail", pk=version.pk)


@require_POST
def version_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    selectors.require(request.user, "documents.edit", version.document.owner_unit)
    return _run(
        request,
        version,
        lambda: services.version_submit(actor=request.user, version=version),
        _("Draft submitted for review."),
    )


@require_POST
def version_review(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    selectors.require(request.user, "documents.review", version.document.agency)
    forward = request.POST.get("decision") == "forward"
    comment = request.POST.get("comment", "")
    return _run(
        request,
        version,
        lambda: services.version_review(
            actor=request.user, version=version, forward=forward, comment=comment
        ),
        _("Reviewed and sent for approval.") if forward else _("Draft returned to its author."),
    )


@require_POST
def version_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    selectors.require(request.user, "documents.approve", version.document.agency)
    approve = request.POST.get("decision") == "approve"
    comment = request.POST.get("comment", "")
    return _run(
        request,
        version,
        lambda: services.version_approve(
            actor=request.user, version=version, approve=approve, comment=comment
        ),
        _("Approved: the office can now issue it by a decision.")
        if approve
        else _("Draft returned to its author."),
    )


@require_POST
def version_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    if not _version_actions(request.user, version)["cancel"]:
        raise PermissionDenied
    return _run(
        request,
        version,
        lambda: services.version_cancel(
            actor=request.user, version=version, reason=request.POST.get("reason", "")
        ),
        _("Draft abandoned; it stays in the history."),
    )


@require_POST
def version_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    return _run(
        request,
        version,
        lambda: services.acknowledge(actor=request.user, version=version),
        _("Thank you: your reading is recorded."),
    )


@require_GET
def version_file(request: AuthedRequest, pk: int) -> HttpResponse | FileResponse:
    """The uploaded file, through the permission check; an obsolete one is stamped."""
    version = selectors.get_version_for_user(request.user, pk)
    if not version.file_name or not version.file:
        raise Http404
    if version.is_obsolete:
        with version.file.open("rb") as fh:
            data = fh.read()
        kind = FILE_KINDS.get(version.file_type, "")
        stamped = files.stamp_obsolete(data, kind, note=_obsolete_note(version))
        response: HttpResponse | FileResponse = HttpResponse(
            stamped, content_type=version.file_type
        )
        response["Content-Disposition"] = _disposition(f"HET-HIEU-LUC_{version.file_name}")
    else:
        response = FileResponse(
            version.file.open("rb"),
            as_attachment=True,
            filename=version.file_name,
            content_type=version.file_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename) or "attachment"


def _obsolete_note(version: DocumentVersion) -> str:
    if version.obsoleted_on:
        return _("Obsolete since %(date)s") % {"date": version.obsoleted_on.strftime("%d/%m/%Y")}
    return ""


# --------------------------------------------------------------------------- change requests


@require_POST
def change_request_create(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    if not permissions.can_agency_wide(request.user, "documents.request_change", document.agency):
        raise PermissionDenied
    form = ChangeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change and why."))
    else:
        try:
            services.change_request_create(
                actor=request.user,
                document=document,
                part=form.cleaned_data["part"],
                reason=form.cleaned_data["reason"],
            )
        except DocumentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Change request sent to the owner unit."))
    return redirect("documents:document_detail", pk=document.pk)


@require_POST
def change_request_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeRequest, pk=pk)
    document = selectors.get_document_for_user(request.user, change.document_id)
    selectors.require(request.user, "documents.decide_change", document.owner_unit)
    form = DecideChangeForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.change_request_decide(
            actor=request.user,
            request=change,
            accept=accept,
            note=form.cleaned_data.get("note", ""),
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Change request accepted: a new draft is open.")
            if accept
            else _("Change request declined."),
        )
    return redirect("documents:document_detail", pk=document.pk)


# --------------------------------------------------------------------------- decisions


@require_GET
def decision_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.decision_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "documents/decision_list.html",
        {"page": page, "can_issue": permissions.has_any_role(request.user, "documents.issue")},
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
    agency = _agency_from(request, "documents.issue")
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
        request.user, q=g.get("q", "").strip(), agency=_int(g.get("agency")), status=status
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
            "agency_id": _int(g.get("agency")),
            "query_string": g.urlencode(),
            "can_edit": permissions.has_any_role(request.user, "documents.manage_registers"),
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
    if not permissions.can_agency_wide(user, "documents.manage_registers", agency):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def external_create(request: AuthedRequest) -> HttpResponse:
    agency = _agency_from(request, "documents.manage_registers")
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
    citing = ext.cited_by.filter(archived_at__isnull=True).select_related(
        "owner_unit", "current_version"
    )
    return render(
        request,
        "documents/external_detail.html",
        {
            "ext": ext,
            "citing": citing,
            "tasks": ext.review_tasks.select_related("document").order_by("due_on"),
            "can_edit": permissions.can_agency_wide(
                request.user, "documents.manage_registers", ext.agency
            ),
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
        request.user, agency=_int(g.get("agency")), unit=_int(g.get("unit")), q=g.get("q", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    return render(
        request,
        "documents/record_list.html",
        {
            "page": page,
            "q": g.get("q", ""),
            "agencies": selectors.agencies_for(request.user),
            "agency_id": _int(g.get("agency")),
            "query_string": g.urlencode(),
            "can_edit": permissions.has_any_role(request.user, "documents.manage_registers"),
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
    units = OrgUnit.objects.subtree_of(agency).active()
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
    _require_register(request.user, record.agency)
    units = OrgUnit.objects.subtree_of(record.agency).active()
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


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


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
    agency = _agency_from(request, "documents.manage_settings")
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
            "agencies": selectors.agencies_for(request.user, "documents.manage_settings"),
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
