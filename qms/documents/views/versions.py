"""Version pages: drafting, the workflow steps, downloads, reading, change requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.core.http import AuthedRequest
from qms.documents import files, selectors, services
from qms.documents.forms import (
    ChangeRequestForm,
    CommentForm,
    DecideChangeForm,
    ReasonForm,
    StepFormSet,
    VersionForm,
    steps_from,
)
from qms.documents.models import (
    ChangeRequest,
    DocumentVersion,
)
from qms.documents.services import DocumentError
from qms.documents.steps import check_steps
from qms.documents.views.common import (
    FILE_KINDS,
    S,
)
from qms.reports import responses

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
    forms = list(version.document.forms.filter(archived_at__isnull=True))
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
            "actors": selectors.version_actors(version),
            "signers": selectors.signature_block(version),
            "references": list(version.document.references.all()),
            "forms": forms,
            "openable": selectors.documents_openable_by(request.user, [f.pk for f in forms]),
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
        try:
            stamped = files.stamp_obsolete(data, kind, note=_obsolete_note(version))
        except ValueError:
            # An obsolete file is never handed out unstamped.
            messages.error(request, _("This obsolete file cannot be stamped, so it is not served."))
            return redirect("documents:version_detail", pk=version.pk)
        response: HttpResponse | FileResponse = HttpResponse(
            stamped, content_type=version.file_type
        )
        response["Content-Disposition"] = responses.disposition(f"HET-HIEU-LUC_{version.file_name}")
    else:
        response = FileResponse(
            version.file.open("rb"),
            as_attachment=True,
            filename=version.file_name,
            content_type=version.file_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _obsolete_note(version: DocumentVersion) -> str:
    if version.obsoleted_on:
        return _("Obsolete since %(date)s") % {"date": version.obsoleted_on.strftime("%d/%m/%Y")}
    return ""


# --------------------------------------------------------------------------- change requests


@require_POST
def change_request_create(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    if not selectors.may_request_change(request.user, document):
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
