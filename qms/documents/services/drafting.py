"""Documents and their drafts: create, edit, submit, review, approve, abandon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts.models import User
from qms.audittrail.services import Snapshot, snapshot
from qms.core.models import OrgUnit
from qms.documents import notifications
from qms.documents.models import (
    ChangeRequest,
    Document,
    DocumentVersion,
    ExternalDocument,
    ReviewTask,
    VersionReview,
)
from qms.documents.notifications import Kind
from qms.documents.services.base import (
    DOCUMENT_FIELDS,
    VERSION_FIELDS,
    DocumentError,
    S,
    StaleEdit,
    _log,
    _refresh_search,
    facts,
    settings_for,
    version_url,
)
from qms.notifications.services import Directory

if TYPE_CHECKING:
    from qms.documents.files import CheckedFile


# --------------------------------------------------------------------------- documents


@dataclass
class DocumentInput:
    kind: str
    code: str
    title: str
    owner_unit: OrgUnit
    parent: Document | None = None
    is_tthc: bool = False
    tthc_code: str = ""
    tthc_field: str = ""
    review_months: int | None = None
    references: Sequence[ExternalDocument] = ()
    distribution_units: Sequence[OrgUnit] = ()
    distribution_users: Sequence[User] = ()


def _check_input(agency: OrgUnit, data: DocumentInput, document: Document | None) -> None:
    if data.owner_unit.pk != agency.pk and data.owner_unit.agency_id != agency.pk:
        raise DocumentError(_("The owner unit must belong to the agency."))
    if data.kind == Document.Kind.FORM and data.parent is None:
        raise DocumentError(_("A form belongs to a procedure: choose it."))
    if data.parent is not None and (
        data.parent.agency_id != agency.pk or not data.parent.is_procedure
    ):
        raise DocumentError(_("A form can only belong to a procedure of the same agency."))
    clash = Document.objects.filter(agency=agency, code__iexact=data.code.strip())
    if document is not None:
        clash = clash.exclude(pk=document.pk)
    if clash.exists():
        raise DocumentError(
            _("Code %(code)s is already used in this agency.") % {"code": data.code}
        )
    for ext in data.references:
        if ext.agency_id != agency.pk:
            raise DocumentError(_("Cite only external documents of the agency's register."))


def _apply_input(document: Document, data: DocumentInput) -> None:
    document.kind = data.kind
    document.code = data.code.strip()
    document.title = data.title.strip()
    document.owner_unit = data.owner_unit
    document.parent = data.parent if data.kind == Document.Kind.FORM else None
    document.is_tthc = data.is_tthc and data.kind == Document.Kind.WORK_PROCEDURE
    document.tthc_code = data.tthc_code.strip() if document.is_tthc else ""
    document.tthc_field = data.tthc_field.strip() if document.is_tthc else ""
    document.review_months = data.review_months


def _m2m_snapshot(document: Document) -> Snapshot:
    return {
        "references": sorted(r.number for r in document.references.all()),
        "distribution_units": sorted(u.code for u in document.distribution_units.all()),
        "distribution_users": sorted(u.username for u in document.distribution_users.all()),
    }


def _set_m2m(document: Document, data: DocumentInput) -> None:
    document.references.set(data.references)
    document.distribution_units.set(data.distribution_units)
    document.distribution_users.set(data.distribution_users)


def document_create(*, actor: User, agency: OrgUnit, data: DocumentInput) -> Document:
    """A new document with its first draft (issue 01) authored by ``actor``."""
    _check_input(agency, data, None)
    with transaction.atomic():
        document = Document(agency=agency, created_by=actor)
        _apply_input(document, data)
        document.save()
        _set_m2m(document, data)
        version = DocumentVersion.objects.create(
            document=document,
            issue_no=1,
            author=actor,
            author_position=actor.position_title,
            content=_initial_content(document),
        )
        version.editors.add(actor)
        _refresh_search(document)
        after = {**snapshot(document, DOCUMENT_FIELDS), **_m2m_snapshot(document)}
        _log(actor, "documents.document.created", document, agency, {}, after)
        _log(
            actor,
            "documents.version.created",
            version,
            agency,
            {},
            snapshot(version, ["issue_no", "status"]),
        )
    return document


def _initial_content(document: Document) -> dict[str, Any]:
    if not document.is_procedure:
        return {}
    return {"purpose": "", "scope": "", "definitions": "", "body": "", "steps": []}


def document_update(*, actor: User, document: Document, data: DocumentInput) -> Document:
    """Change a document's identity and lists. The code is frozen once it was in force; the
    title and owner unit of a document that has been in force change only with a new version
    (kept on its open draft, applied when it is issued). The distribution list is not content:
    it may change at any time, logged before/after."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.current_version_id and data.code.strip() != document.code:
            raise DocumentError(_("The code of a document that has been in force cannot change."))
        if document.current_version_id and data.kind != document.kind:
            raise DocumentError(_("The kind of a document that has been in force cannot change."))
        _check_input(document.agency, data, document)
        if document.current_version_id:
            _identity_to_new_version(actor, document, data)
        before = {**snapshot(document, DOCUMENT_FIELDS), **_m2m_snapshot(document)}
        _apply_input(document, data)
        document.save()
        _set_m2m(document, data)
        _refresh_search(document)
        after = {**snapshot(document, DOCUMENT_FIELDS), **_m2m_snapshot(document)}
        _log(actor, "documents.document.updated", document, document.agency, before, after)
    return document


def _identity_to_new_version(actor: User, document: Document, data: DocumentInput) -> None:
    """Keep a new title or owner unit on the open draft; ``data`` then leaves the document's
    own values alone. Raises DocumentError when there is no draft to carry them."""
    title = data.title.strip()
    changed = title != document.title or data.owner_unit.pk != document.owner_unit_id
    draft = document.versions.filter(status__in=DocumentVersion.EDITABLE).first()
    if draft is None:
        if changed:
            raise DocumentError(
                _(
                    "The title and owner unit of a document in force change only with a new "
                    "version: start a new version, then change them."
                )
            )
        return
    fields = ["new_title", "new_owner_unit"]
    before = snapshot(draft, fields)
    draft.new_title = title if title != document.title else ""
    same_unit = data.owner_unit.pk == document.owner_unit_id
    draft.new_owner_unit = None if same_unit else data.owner_unit
    if snapshot(draft, fields) != before:
        draft.save(update_fields=fields)
        _log(actor, "documents.version.identity_changed", draft, document.agency, before)
    data.title = document.title
    data.owner_unit = document.owner_unit


def document_withdraw(*, actor: User, document: Document, reason: str) -> Document:
    """Withdraw a document (bãi bỏ): its version in force becomes obsolete; kept forever."""
    if not reason.strip():
        raise DocumentError(_("Give the reason for withdrawing the document."))
    today = timezone.localdate()
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status == Document.Status.WITHDRAWN:
            raise DocumentError(_("The document is already withdrawn."))
        if document.versions.filter(status__in=DocumentVersion.OPEN).exists():
            raise DocumentError(_("Finish or abandon the version in progress first."))
        before = snapshot(document, DOCUMENT_FIELDS)
        document.versions.filter(status=S.IN_FORCE).update(status=S.OBSOLETE, obsoleted_on=today)
        document.status = Document.Status.WITHDRAWN
        document.next_review_on = None
        document.save(update_fields=["status", "next_review_on"])
        document.review_tasks.filter(status=ReviewTask.Status.OPEN).update(
            status=ReviewTask.Status.DONE,
            outcome="",
            note=reason.strip(),
            done_by=actor,
            done_at=timezone.now(),
        )
        _log(actor, "documents.document.withdrawn", document, document.agency, before, note=reason)
    return document


# --------------------------------------------------------------------------- versions


def version_start(
    *, actor: User, document: Document, change_request: ChangeRequest | None = None
) -> DocumentVersion:
    """A new draft from the version in force (content copied; the file is not)."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status == Document.Status.WITHDRAWN:
            raise DocumentError(_("A withdrawn document cannot get a new version."))
        if document.versions.filter(status__in=DocumentVersion.OPEN).exists():
            raise DocumentError(_("This document already has a version in progress."))
        last = document.versions.aggregate(n=Max("issue_no"))["n"] or 0
        source = document.current_version
        version = DocumentVersion.objects.create(
            document=document,
            issue_no=last + 1,
            author=actor,
            author_position=actor.position_title,
            content=dict(source.content) if source else _initial_content(document),
            change_request=(
                _("Change request of %(name)s") % {"name": change_request.requested_by.display_name}
                if change_request
                else ""
            ),
            change_part=change_request.part if change_request else "",
            change_description=change_request.reason if change_request else "",
        )
        version.editors.add(actor)
        _log(
            actor,
            "documents.version.created",
            version,
            document.agency,
            {},
            snapshot(version, ["issue_no", "status"]),
        )
    return version


def version_save(
    *,
    actor: User,
    version: DocumentVersion,
    content: dict[str, Any],
    change_request: str,
    change_part: str,
    change_description: str,
    lock_version: int,
    upload: UploadedFile | None = None,
    checked: CheckedFile | None = None,
) -> DocumentVersion:
    """Save a draft's content and optional file. Raises StaleEdit if someone saved since."""
    with transaction.atomic():
        version = (
            DocumentVersion.objects.select_for_update(of=("self",))
            .select_related("document")
            .get(pk=version.pk)
        )
        if not version.is_editable:
            raise DocumentError(_("Only a draft or a returned draft can be edited."))
        if version.lock_version != lock_version:
            raise StaleEdit(
                _(
                    "Someone else saved this draft meanwhile. Reload it and apply your changes again."
                )
            )
        before = snapshot(version, VERSION_FIELDS)
        version.content = content
        version.change_request = change_request.strip()
        version.change_part = change_part.strip()
        version.change_description = change_description.strip()
        if upload is not None and checked is not None:
            version.file.save(checked.name, upload, save=False)
            version.file_name = checked.name
            version.file_type = checked.content_type
            version.file_size = checked.size
            version.file_sha256 = checked.sha256
            version.file_text = checked.text
        version.lock_version += 1
        version.save()
        new_editor = not version.editors.filter(pk=actor.pk).exists()
        version.editors.add(actor)
        _refresh_search(version.document)
        note = _("New editor: %(name)s") % {"name": actor.display_name} if new_editor else ""
        _log(actor, "documents.version.saved", version, version.document.agency, before, note=note)
    return version


def _signers_rule(version: DocumentVersion) -> int:
    return settings_for(version.document.agency).distinct_signers


def _lock(version: DocumentVersion) -> DocumentVersion:
    return (
        DocumentVersion.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "author")
        .get(pk=version.pk)
    )


def drafters(version: DocumentVersion) -> set[int]:
    """The people who did the author's work on ``version``: who created it, every editor of
    its content or file, whoever submitted it."""
    ids = set(version.editors.values_list("pk", flat=True))
    # Every submission counts, including earlier rounds before a return.
    ids |= set(
        version.trail.filter(step=VersionReview.Step.SUBMITTED).values_list("actor_id", flat=True)
    )
    ids |= {uid for uid in (version.author_id, version.submitted_by_id) if uid}
    return ids


def _check_separation(version: DocumentVersion, actor: User, step: str) -> None:
    """Refuse ``actor`` taking ``step`` (review, approve) after doing another role of the
    version that the agency's setting separates. Two signers: drafting and approval apart;
    three: drafting, review and approval each by different people."""
    three = _signers_rule(version) == 3
    wrote = actor.pk in drafters(version)
    if step == "review" and three and wrote:
        if actor.pk == version.author_id:
            raise DocumentError(_("The author of a draft cannot also review it."))
        raise DocumentError(_("Whoever wrote or submitted a draft cannot also review it."))
    if step == "approve":
        if actor.pk == version.author_id:
            raise DocumentError(_("The author cannot approve their own draft."))
        if wrote:
            raise DocumentError(_("Whoever wrote or submitted a draft cannot also approve it."))
        if three and version.reviewer_id == actor.pk:
            raise DocumentError(_("The reviewer of a draft cannot also approve it."))


def _trail(version: DocumentVersion, step: str, actor: User, comment: str = "") -> None:
    VersionReview.objects.create(version=version, step=step, actor=actor, comment=comment.strip())


def version_submit(*, actor: User, version: DocumentVersion) -> DocumentVersion:
    """Send a draft to review (Soát xét). The ISO committee is notified."""
    with transaction.atomic():
        version = _lock(version)
        if not version.is_editable:
            raise DocumentError(_("Only a draft can be submitted for review."))
        if not version.has_structured_content and not version.file_name:
            raise DocumentError(_("Write the content or attach the file before submitting."))
        before = snapshot(version, ["status", "submitted_by"])
        version.status = S.REVIEW
        version.submitted_by = actor
        version.submitted_at = timezone.now()
        version.save(update_fields=["status", "submitted_by", "submitted_at"])
        _trail(version, VersionReview.Step.SUBMITTED, actor)
        agency = version.document.agency
        _log(actor, "documents.version.submitted", version, agency, before)
        notifications.notify_document(
            kind=Kind.DOC_REVIEW_REQUESTED,
            recipients=Directory([agency.pk]).office(agency.pk),
            actor=actor,
            facts=facts(version),
            obj=version,
            url=version_url(version),
            agency_id=agency.pk,
        )
    return version


def _return(actor: User, version: DocumentVersion, comment: str, action: str) -> None:
    if not comment.strip():
        raise DocumentError(_("Say what must change: a comment is required to return a draft."))
    before = snapshot(version, ["status"])
    version.status = S.RETURNED
    version.save(update_fields=["status"])
    _trail(version, VersionReview.Step.RETURNED, actor, comment)
    _log(actor, action, version, version.document.agency, before, note=comment.strip())
    notifications.notify_document(
        kind=Kind.DOC_RETURNED,
        recipients=[version.author_id] if version.author_id else [],
        actor=actor,
        facts=facts(version),
        obj=version,
        url=version_url(version),
        agency_id=version.document.agency_id,
        comment=comment.strip(),
    )


def version_review(
    *, actor: User, version: DocumentVersion, forward: bool, comment: str = ""
) -> DocumentVersion:
    """Soát xét: forward to approval, or return to the author with a comment."""
    with transaction.atomic():
        version = _lock(version)
        if version.status != S.REVIEW:
            raise DocumentError(_("This version is not waiting for review."))
        _check_separation(version, actor, "review")
        if not forward:
            _return(actor, version, comment, "documents.version.returned")
            return version
        before = snapshot(version, ["status", "reviewer"])
        version.status = S.APPROVAL
        version.reviewer = actor
        version.reviewer_position = actor.position_title
        version.reviewed_at = timezone.now()
        version.save(update_fields=["status", "reviewer", "reviewer_position", "reviewed_at"])
        _trail(version, VersionReview.Step.REVIEWED, actor, comment)
        agency = version.document.agency
        _log(actor, "documents.version.reviewed", version, agency, before, note=comment.strip())
        notifications.notify_document(
            kind=Kind.DOC_APPROVAL_REQUESTED,
            recipients=Directory([agency.pk]).approvers(agency.pk) - {version.author_id},
            actor=actor,
            facts=facts(version),
            obj=version,
            url=version_url(version),
            agency_id=agency.pk,
            comment=comment.strip(),
        )
    return version


def version_approve(
    *, actor: User, version: DocumentVersion, approve: bool, comment: str = ""
) -> DocumentVersion:
    """Phê duyệt by leadership; the approver is neither the author nor (with three
    signers) the reviewer. Returning needs a comment."""
    with transaction.atomic():
        version = _lock(version)
        if version.status != S.APPROVAL:
            raise DocumentError(_("This version is not waiting for approval."))
        _check_separation(version, actor, "approve")
        if not approve:
            _return(actor, version, comment, "documents.version.returned")
            return version
        before = snapshot(version, ["status", "approver"])
        version.status = S.APPROVED
        version.approver = actor
        version.approver_position = actor.position_title
        version.approved_at = timezone.now()
        version.save(update_fields=["status", "approver", "approver_position", "approved_at"])
        _trail(version, VersionReview.Step.APPROVED, actor, comment)
        agency = version.document.agency
        _log(actor, "documents.version.approved", version, agency, before, note=comment.strip())
        notifications.notify_document(
            kind=Kind.DOC_APPROVED,
            recipients=Directory([agency.pk]).office(agency.pk) | {version.author_id or 0},
            actor=actor,
            facts=facts(version),
            obj=version,
            url=reverse("documents:decision_create") + f"?agency={agency.pk}",
            agency_id=agency.pk,
        )
    return version


def version_cancel(*, actor: User, version: DocumentVersion, reason: str) -> DocumentVersion:
    """Abandon a draft that will not be issued; it stays in the history."""
    if not reason.strip():
        raise DocumentError(_("Give the reason for abandoning the draft."))
    with transaction.atomic():
        version = _lock(version)
        if version.status not in DocumentVersion.OPEN:
            raise DocumentError(_("Only a version in progress can be abandoned."))
        before = snapshot(version, ["status"])
        version.status = S.CANCELLED
        version.save(update_fields=["status"])
        _trail(version, VersionReview.Step.CANCELLED, actor, reason)
        _log(
            actor,
            "documents.version.cancelled",
            version,
            version.document.agency,
            before,
            note=reason,
        )
    return version
