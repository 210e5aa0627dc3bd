"""Every write to controlled documents: one transaction, a log entry, outbox rows.

Workflow of a version: draft → review (Soát xét, ISO committee) → approval (Phê duyệt,
leadership) → approved → in force by an issuing decision; a reviewer or approver may return
it with a comment. Author, reviewer and approver are different people (three by default,
two when the agency allows it). Nothing is deleted: drafts are abandoned, old versions
become obsolete, documents are withdrawn.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.accounts.models import User
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.core.numbering import number_issue, number_register_external
from qms.core.text import fold
from qms.documents import codes
from qms.documents.models import (
    Acknowledgement,
    ChangeRequest,
    Document,
    DocumentSettings,
    DocumentVersion,
    ExternalDocument,
    IssuingDecision,
    RetainedRecord,
    ReviewTask,
    TaskDocumentLink,
    VersionReview,
)
from qms.notifications import services as notifications
from qms.notifications.messages import DocumentFacts
from qms.notifications.models import Kind
from qms.notifications.services import Directory

if TYPE_CHECKING:
    from qms.documents.files import CheckedFile
    from qms.planning.models import PlanTask

S = DocumentVersion.Status


class DocumentError(Exception):
    """A change was refused; the message is for users."""


class StaleEdit(DocumentError):
    """Someone else saved the draft since the form was loaded."""


DOCUMENT_FIELDS = (
    "code",
    "title",
    "kind",
    "owner_unit",
    "parent",
    "is_tthc",
    "tthc_code",
    "tthc_field",
    "status",
    "review_months",
    "next_review_on",
    "archived_at",
)
VERSION_FIELDS = (
    "status",
    "issue_no",
    "content",
    "change_request",
    "change_part",
    "change_description",
    "file_name",
    "file_sha256",
    "reviewer",
    "approver",
    "decision",
    "issued_on",
    "effective_on",
    "obsoleted_on",
)
EXTERNAL_FIELDS = (
    "number",
    "doc_type",
    "issuer",
    "title",
    "signed_on",
    "effective_on",
    "status",
    "replaced_by",
    "change_effective_on",
    "change_note",
    "field",
    "owner_unit",
    "archived_at",
)
RECORD_FIELDS = (
    "name",
    "form_code",
    "keeper",
    "location",
    "retention_years",
    "retention_text",
    "disposal_method",
    "owner_unit",
    "document",
    "archived_at",
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (31/5 + 3 → 31/8, 30/11 + 3
    → 28 or 29/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _log(
    actor: User | None,
    action: str,
    obj: Any,
    agency: OrgUnit,
    before: Snapshot | None,
    after: Snapshot | None = None,
    note: str = "",
) -> None:
    logentry_create(
        actor=actor, action=action, obj=obj, unit=agency, before=before, after=after, note=note
    )


def settings_for(agency: OrgUnit) -> DocumentSettings:
    obj, _created = DocumentSettings.objects.get_or_create(agency=agency)
    return obj


def facts(version: DocumentVersion) -> DocumentFacts:
    doc = version.document
    return DocumentFacts(
        code=doc.code, title=doc.title, issue_no=version.issue_no, agency_name=doc.agency.name
    )


def version_url(version: DocumentVersion) -> str:
    return reverse("documents:version_detail", kwargs={"pk": version.pk})


# --------------------------------------------------------------------------- settings, codes


def settings_save(
    *,
    actor: User,
    agency: OrgUnit,
    code_patterns: dict[str, str],
    distinct_signers: int,
    review_months: int,
    legal_alignment_months: int,
) -> DocumentSettings:
    """Save an agency's code patterns and rules. Raises DocumentError for a bad pattern."""
    for kind, pattern in code_patterns.items():
        try:
            codes.validate_pattern(pattern)
        except codes.PatternError as exc:
            label = Document.Kind(kind).label
            raise DocumentError(f"{label}: {exc}") from exc
    if distinct_signers not in (2, 3):
        raise DocumentError(_("Choose two or three distinct people."))
    with transaction.atomic():
        obj = DocumentSettings.objects.select_for_update().get(pk=settings_for(agency).pk)
        fields = ["code_patterns", "distinct_signers", "review_months", "legal_alignment_months"]
        before = snapshot(obj, fields)
        obj.code_patterns = code_patterns
        obj.distinct_signers = distinct_signers
        obj.review_months = review_months
        obj.legal_alignment_months = legal_alignment_months
        obj.save()
        _log(actor, "documents.settings.updated", obj, agency, before)
    return obj


def unit_symbol(unit: OrgUnit) -> str:
    """The unit part of a code: its document symbol, else the last part of its code."""
    return unit.doc_symbol or unit.code.rsplit("-", 1)[-1]


def propose_code(
    *, agency: OrgUnit, kind: str, owner_unit: OrgUnit | None, parent: Document | None
) -> str:
    """The next free code of ``kind`` by the agency's pattern (forms count per procedure)."""
    pattern = settings_for(agency).pattern_for(kind)
    existing = list(Document.objects.filter(agency=agency).values_list("code", flat=True))
    return codes.next_code(
        pattern,
        existing,
        unit=unit_symbol(owner_unit) if owner_unit else "",
        parent=parent.code if parent else "",
    )


# --------------------------------------------------------------------------- search text


def _content_text(content: dict[str, Any]) -> str:
    parts: list[str] = []
    for value in (content or {}).values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    parts.extend(str(v) for v in item.values())
                else:
                    parts.append(str(item))
    return "\n".join(parts)


def document_search_text(document: Document, version: DocumentVersion | None) -> str:
    parts = [document.code, document.title, document.tthc_code, document.tthc_field]
    if version is not None:
        parts += [_content_text(version.content), version.file_name, version.file_text]
    return fold("\n".join(p for p in parts if p))


def _refresh_search(document: Document) -> None:
    """Index the version in force, else the newest one."""
    version = document.current_version or document.versions.order_by("-issue_no").first()
    document.search_text = document_search_text(document, version)
    document.save(update_fields=["search_text"])


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
    """Change a document's identity and lists. The code is frozen once it was in force."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.current_version_id and data.code.strip() != document.code:
            raise DocumentError(_("The code of a document that has been in force cannot change."))
        _check_input(document.agency, data, document)
        before = {**snapshot(document, DOCUMENT_FIELDS), **_m2m_snapshot(document)}
        _apply_input(document, data)
        document.save()
        _set_m2m(document, data)
        _refresh_search(document)
        after = {**snapshot(document, DOCUMENT_FIELDS), **_m2m_snapshot(document)}
        _log(actor, "documents.document.updated", document, document.agency, before, after)
    return document


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
        _refresh_search(version.document)
        _log(actor, "documents.version.saved", version, version.document.agency, before)
    return version


def _signers_rule(version: DocumentVersion) -> int:
    return settings_for(version.document.agency).distinct_signers


def _lock(version: DocumentVersion) -> DocumentVersion:
    return (
        DocumentVersion.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "author")
        .get(pk=version.pk)
    )


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
        before = snapshot(version, ["status"])
        version.status = S.REVIEW
        version.submitted_at = timezone.now()
        version.save(update_fields=["status", "submitted_at"])
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
        if _signers_rule(version) == 3 and version.author_id == actor.pk:
            raise DocumentError(_("The author of a draft cannot also review it."))
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
        if version.author_id == actor.pk:
            raise DocumentError(_("The author cannot approve their own draft."))
        if _signers_rule(version) == 3 and version.reviewer_id == actor.pk:
            raise DocumentError(_("The reviewer of a draft cannot also approve it."))
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


# --------------------------------------------------------------------------- issue


@dataclass
class DecisionInput:
    issued_on: datetime.date
    effective_on: datetime.date
    title: str
    bases: list[str]
    proposer: str
    executors: str
    recipients: list[str]
    signer_prefix: str
    signer_authority: str
    signer_position: str
    signer_name: str


def default_decision_title(versions: Sequence[DocumentVersion]) -> str:
    if len(versions) == 1:
        doc = versions[0].document
        return _("On issuing %(title)s (code %(code)s, issue %(no)02d)") % {
            "title": doc.title,
            "code": doc.code,
            "no": versions[0].issue_no,
        }
    return _("On issuing %(n)d documents of the quality management system") % {"n": len(versions)}


def decision_issue(
    *,
    actor: User,
    agency: OrgUnit,
    versions: Sequence[DocumentVersion],
    data: DecisionInput,
) -> IssuingDecision:
    """Number a Quyết định ban hành from the agency's register and put ``versions`` in force.

    The versions they replace become obsolete; recipients on each document's distribution
    list are asked to confirm reading. Raises DocumentError unless every version is approved
    and belongs to ``agency``.
    """
    if not versions:
        raise DocumentError(_("Choose at least one approved document to issue."))
    if data.effective_on < data.issued_on:
        raise DocumentError(_("A decision cannot take effect before it is signed."))
    with transaction.atomic():
        locked = [_lock(v) for v in versions]
        for v in locked:
            if v.document.agency_id != agency.pk:
                raise DocumentError(_("All documents of a decision belong to its agency."))
            if v.status != S.APPROVED:
                raise DocumentError(
                    _("%(code)s has not been approved: it cannot be issued.")
                    % {"code": v.document.code}
                )
        number = number_issue(
            agency=agency, doc_type="QĐ", issued_on=data.issued_on, subject=data.title, actor=actor
        )
        decision = _decision_create(actor, agency, data, number.symbol, number)
        for v in locked:
            _put_in_force(actor, v, decision)
        _log(
            actor,
            "documents.decision.issued",
            decision,
            agency,
            {},
            {
                "number": decision.number,
                "versions": [f"{v.document.code} ({v.issue_no:02d})" for v in locked],
            },
        )
    return decision


def _decision_create(
    actor: User | None, agency: OrgUnit, data: DecisionInput, symbol: str, number: Any
) -> IssuingDecision:
    return IssuingDecision.objects.create(
        agency=agency,
        issued_number=number,
        number=symbol,
        issued_on=data.issued_on,
        effective_on=data.effective_on,
        title=data.title.strip(),
        parent_body=agency.parent_body_name,
        issuer_name=agency.name.upper(),
        place=agency.place_name,
        bases=[b.strip() for b in data.bases if b.strip()],
        proposer=data.proposer.strip(),
        executors=data.executors.strip(),
        recipients=[r.strip() for r in data.recipients if r.strip()],
        signer_prefix=data.signer_prefix,
        signer_authority=data.signer_authority.strip(),
        signer_position=data.signer_position.strip(),
        signer_name=data.signer_name.strip(),
        registered_from_paper=number is None or getattr(number, "external", False),
        created_by=actor,
    )


def _put_in_force(actor: User | None, version: DocumentVersion, decision: IssuingDecision) -> None:
    document = Document.objects.select_for_update().get(pk=version.document_id)
    agency = document.agency
    before = snapshot(version, ["status", "decision", "issued_on", "effective_on"])
    old = document.current_version
    if old is not None and old.pk != version.pk:
        DocumentVersion.objects.filter(pk=old.pk).update(
            status=S.OBSOLETE, obsoleted_on=decision.effective_on
        )
        _log(
            actor,
            "documents.version.obsoleted",
            old,
            agency,
            {"status": S.IN_FORCE},
            {"status": S.OBSOLETE},
        )
    version.status = S.IN_FORCE
    version.decision = decision
    version.issued_on = decision.issued_on
    version.effective_on = decision.effective_on
    version.save(update_fields=["status", "decision", "issued_on", "effective_on"])
    if actor is not None:
        _trail(version, VersionReview.Step.ISSUED, actor, decision.number)
    doc_before = snapshot(document, ["status", "next_review_on"])
    document.status = Document.Status.IN_FORCE
    document.current_version = version
    months = document.review_months or settings_for(agency).review_months
    document.next_review_on = add_months(decision.effective_on, months)
    document.save(update_fields=["status", "current_version", "next_review_on"])
    _refresh_search(document)
    # A new version answers the reviews that were open (periodic or legal change).
    document.review_tasks.filter(status=ReviewTask.Status.OPEN).update(
        status=ReviewTask.Status.DONE,
        outcome=ReviewTask.Outcome.REVISED,
        done_by=actor,
        done_at=timezone.now(),
        note=decision.number,
    )
    _log(actor, "documents.version.issued", version, agency, before)
    _log(actor, "documents.document.updated", document, agency, doc_before)
    if not decision.registered_from_paper:
        _distribute(actor, version, decision)


def distribution_recipients(document: Document) -> set[int]:
    """Active members of the units on the list, and the people named on it."""
    unit_ids = [u.pk for u in document.distribution_units.all()]
    people = set(
        User.objects.filter(is_active=True, unit_id__in=unit_ids).values_list("pk", flat=True)
    )
    people |= {u.pk for u in document.distribution_users.all() if u.is_active}
    return people


def _distribute(actor: User | None, version: DocumentVersion, decision: IssuingDecision) -> None:
    document = version.document
    recipients = distribution_recipients(document)
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(version=version, user_id=uid) for uid in sorted(recipients)],
        ignore_conflicts=True,
    )
    notifications.notify_document(
        kind=Kind.DOC_ISSUED,
        recipients=recipients | {version.author_id or 0},
        actor=actor,
        facts=facts(version),
        obj=version,
        url=version_url(version),
        agency_id=document.agency_id,
        decision=decision.number,
    )


def version_register_paper(
    *,
    actor: User | None,
    document: Document,
    issue_no: int,
    decision: IssuingDecision,
    content: dict[str, Any] | None = None,
    signers: dict[str, dict[str, str]] | None = None,
    change_description: str = "",
) -> DocumentVersion:
    """Record a version approved and issued on paper before eISO, with its decision."""
    with transaction.atomic():
        if document.versions.filter(issue_no=issue_no).exists():
            raise DocumentError(_("This issue number already exists."))
        version = DocumentVersion.objects.create(
            document=document,
            issue_no=issue_no,
            status=S.APPROVED,
            content=content or {},
            approved_on_paper=True,
            paper_signers=signers or {},
            decision=decision,
            change_description=change_description,
        )
        _put_in_force(actor, version, decision)
        _log(
            actor,
            "documents.version.registered",
            version,
            document.agency,
            {},
            {
                "issue_no": issue_no,
                "decision": decision.number,
            },
        )
    return version


def decision_register_paper(
    *, actor: User | None, agency: OrgUnit, serial: int, data: DecisionInput
) -> IssuingDecision:
    """A decision signed on paper, entered into the agency's register (its number stays)."""
    with transaction.atomic():
        number = number_register_external(
            agency=agency,
            doc_type="QĐ",
            serial=serial,
            issued_on=data.issued_on,
            subject=data.title,
            actor=actor,
        )
        decision = _decision_create(actor, agency, data, number.symbol, number)
        decision.registered_from_paper = True
        decision.save(update_fields=["registered_from_paper"])
        _log(
            actor,
            "documents.decision.registered",
            decision,
            agency,
            {},
            {"number": decision.number},
        )
    return decision


def acknowledge(*, actor: User, version: DocumentVersion) -> Acknowledgement:
    """Confirm "đã đọc". Raises DocumentError when the user was not on the list."""
    with transaction.atomic():
        ack = (
            Acknowledgement.objects.select_for_update().filter(version=version, user=actor).first()
        )
        if ack is None:
            raise DocumentError(_("This version was not sent to you for reading."))
        if ack.read_at is None:
            ack.read_at = timezone.now()
            ack.save(update_fields=["read_at"])
            _log(
                actor,
                "documents.version.acknowledged",
                version,
                version.document.agency,
                {},
                {
                    "read_by": actor.username,
                },
            )
    return ack


# --------------------------------------------------------------------------- change requests


def change_request_create(
    *, actor: User, document: Document, part: str, reason: str
) -> ChangeRequest:
    """Phiếu đề nghị sửa đổi on a document in force; the owner unit and ISO are told."""
    if not reason.strip():
        raise DocumentError(_("Say what should change and why."))
    document = Document.objects.select_related("agency", "current_version").get(pk=document.pk)
    if document.status != Document.Status.IN_FORCE or document.current_version is None:
        raise DocumentError(_("Changes can be requested only on a document in force."))
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            document=document, requested_by=actor, part=part.strip(), reason=reason.strip()
        )
        agency = document.agency
        _log(
            actor,
            "documents.change_request.created",
            request,
            agency,
            {},
            {
                "part": request.part,
                "reason": request.reason,
            },
        )
        directory = Directory([agency.pk])
        notifications.notify_document(
            kind=Kind.DOC_CHANGE_REQUESTED,
            recipients=directory.heads([document.owner_unit_id]) | directory.office(agency.pk),
            actor=actor,
            facts=facts(document.current_version),
            obj=request,
            url=reverse("documents:document_detail", kwargs={"pk": document.pk}),
            agency_id=agency.pk,
            comment=request.reason,
        )
    return request


def change_request_decide(
    *, actor: User, request: ChangeRequest, accept: bool, note: str = ""
) -> ChangeRequest:
    """Accept (a new draft starts, or the one in progress takes it) or decline with a reason."""
    if not accept and not note.strip():
        raise DocumentError(_("Give the reason for declining."))
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("document")
            .get(pk=request.pk)
        )
        if request.status != ChangeRequest.Status.OPEN:
            raise DocumentError(_("This change request has already been decided."))
        before = snapshot(request, ["status", "decision_note", "new_version"])
        document = request.document
        if accept:
            open_version = document.versions.filter(status__in=DocumentVersion.OPEN).first()
            request.new_version = open_version or version_start(
                actor=actor, document=document, change_request=request
            )
        request.status = ChangeRequest.Status.ACCEPTED if accept else ChangeRequest.Status.DECLINED
        request.decision_note = note.strip()
        request.decided_by, request.decided_at = actor, timezone.now()
        request.save()
        _log(actor, "documents.change_request.decided", request, document.agency, before)
        version = document.current_version or request.new_version
        if version is not None:
            notifications.notify_document(
                kind=Kind.DOC_CHANGE_DECIDED,
                recipients=[request.requested_by_id],
                actor=actor,
                facts=facts(version),
                obj=request,
                url=reverse("documents:document_detail", kwargs={"pk": document.pk}),
                agency_id=document.agency_id,
                comment=request.decision_note,
                outcome=str(request.get_status_display()),
            )
    return request


# --------------------------------------------------------------------------- external documents


@dataclass
class ExternalInput:
    number: str
    doc_type: str
    issuer: str
    title: str
    signed_on: datetime.date | None
    effective_on: datetime.date | None
    field: str = ""
    owner_unit: OrgUnit | None = None


def _external_search(ext: ExternalDocument) -> str:
    return fold(" ".join([ext.number, ext.doc_type, ext.issuer, ext.title, ext.field]))


def _external_apply(ext: ExternalDocument, data: ExternalInput) -> None:
    ext.number = data.number.strip()
    ext.doc_type = data.doc_type.strip()
    ext.issuer = data.issuer.strip()
    ext.title = data.title.strip()
    ext.signed_on = data.signed_on
    ext.effective_on = data.effective_on
    ext.field = data.field.strip()
    ext.owner_unit = data.owner_unit
    ext.search_text = _external_search(ext)


def _external_clash(agency: OrgUnit, number: str, exclude: int | None = None) -> None:
    qs = ExternalDocument.objects.filter(
        agency=agency, number__iexact=number.strip(), archived_at__isnull=True
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise DocumentError(_("%(number)s is already in the register.") % {"number": number})


def external_create(
    *, actor: User | None, agency: OrgUnit, data: ExternalInput
) -> ExternalDocument:
    """Add a legal text or standard to the agency's register."""
    _external_clash(agency, data.number)
    with transaction.atomic():
        ext = ExternalDocument(agency=agency, created_by=actor)
        _external_apply(ext, data)
        ext.save()
        _log(actor, "documents.external.created", ext, agency, {}, snapshot(ext, EXTERNAL_FIELDS))
    return ext


def external_update(
    *, actor: User, ext: ExternalDocument, data: ExternalInput, version: int
) -> ExternalDocument:
    """Correct an entry of the register. Raises StaleEdit if someone saved since."""
    _external_clash(ext.agency, data.number, exclude=ext.pk)
    with transaction.atomic():
        ext = ExternalDocument.objects.select_for_update().get(pk=ext.pk)
        if ext.version != version:
            raise StaleEdit(_("Someone else saved this entry meanwhile. Reload it."))
        before = snapshot(ext, EXTERNAL_FIELDS)
        _external_apply(ext, data)
        ext.version += 1
        ext.save()
        _log(actor, "documents.external.updated", ext, ext.agency, before)
    return ext


def external_mark_changed(
    *,
    actor: User | None,
    ext: ExternalDocument,
    status: str,
    change_effective_on: datetime.date | None,
    replaced_by: ExternalDocument | None = None,
    note: str = "",
) -> list[ReviewTask]:
    """Mark a legal text amended, replaced or expired.

    Amended or replaced: every document citing it (in force or being drafted) gets a review
    task due ``legal_alignment_months`` (3 by QĐ 19/2014) after the new text takes effect,
    and its owner unit is told. Returns the tasks created.
    """
    status = ExternalDocument.Status(status)
    changed = status in {ExternalDocument.Status.AMENDED, ExternalDocument.Status.REPLACED}
    if changed and change_effective_on is None:
        raise DocumentError(_("Give the date the amending or replacing text takes effect."))
    if replaced_by is not None and (
        replaced_by.pk == ext.pk or replaced_by.agency_id != ext.agency_id
    ):
        raise DocumentError(_("Choose another text of the same register."))
    with transaction.atomic():
        ext = ExternalDocument.objects.select_for_update().get(pk=ext.pk)
        before = snapshot(ext, EXTERNAL_FIELDS)
        ext.status = status
        ext.change_effective_on = change_effective_on
        ext.replaced_by = replaced_by
        ext.change_note = note.strip()
        ext.version += 1
        ext.save()
        _log(actor, "documents.external.status_changed", ext, ext.agency, before)
        if status in {ExternalDocument.Status.AMENDED, ExternalDocument.Status.REPLACED}:
            assert change_effective_on is not None  # noqa: S101 - checked above
            return _legal_review_tasks(actor, ext, change_effective_on)
    return []


def _legal_review_tasks(
    actor: User | None, ext: ExternalDocument, effective_on: datetime.date
) -> list[ReviewTask]:
    months = settings_for(ext.agency).legal_alignment_months
    due = add_months(effective_on, months)
    citing = list(
        ext.cited_by.exclude(status=Document.Status.WITHDRAWN)
        .filter(archived_at__isnull=True)
        .select_related("agency", "current_version", "owner_unit")
    )
    created: list[ReviewTask] = []
    directory = Directory([ext.agency_id])
    for document in citing:
        task, new = ReviewTask.objects.get_or_create(
            document=document,
            external=ext,
            due_on=due,
            defaults={"reason": ReviewTask.Reason.LEGAL_CHANGE},
        )
        if not new:
            continue
        created.append(task)
        _log(
            actor,
            "documents.review.created",
            task,
            ext.agency,
            {},
            {
                "document": document.code,
                "external": ext.number,
                "due_on": due.isoformat(),
            },
        )
        _notify_review(task, directory, actor)
    return created


def _notify_review(task: ReviewTask, directory: Directory, actor: User | None) -> None:
    document = task.document
    version = document.current_version or document.versions.order_by("-issue_no").first()
    if version is None:
        return
    recipients = directory.heads([document.owner_unit_id]) or directory.office(document.agency_id)
    reason = (
        _("%(number)s has changed (%(status)s)")
        % {"number": task.external.number, "status": task.external.get_status_display()}
        if task.external
        else str(task.get_reason_display())
    )
    notifications.notify_document(
        kind=Kind.DOC_REVIEW_DUE,
        recipients=recipients,
        actor=actor,
        facts=facts(version),
        obj=task,
        url=reverse("documents:document_detail", kwargs={"pk": document.pk}),
        agency_id=document.agency_id,
        key=f"doc_review:{task.pk}",
        due=task.due_on,
        reason=reason,
    )


def external_archive(*, actor: User, ext: ExternalDocument) -> ExternalDocument:
    """Take an entry made by mistake out of the register (kept, no longer listed)."""
    with transaction.atomic():
        ext = ExternalDocument.objects.select_for_update().get(pk=ext.pk)
        if ext.cited_by.exists():
            raise DocumentError(_("Documents cite this text: mark it expired instead."))
        before = snapshot(ext, ["archived_at"])
        ext.archived_at = timezone.now()
        ext.save(update_fields=["archived_at"])
        _log(actor, "documents.external.archived", ext, ext.agency, before)
    return ext


# --------------------------------------------------------------------------- reviews


def review_complete(*, actor: User, task: ReviewTask, note: str) -> ReviewTask:
    """Close a review with "no change needed"; the next periodic review is scheduled."""
    if not note.strip():
        raise DocumentError(_("Say what was reviewed and why no change is needed."))
    with transaction.atomic():
        task = (
            ReviewTask.objects.select_for_update(of=("self",))
            .select_related("document")
            .get(pk=task.pk)
        )
        if task.status != ReviewTask.Status.OPEN:
            raise DocumentError(_("This review is already closed."))
        before = snapshot(task, ["status", "outcome", "note"])
        task.status, task.outcome, task.note = (
            ReviewTask.Status.DONE,
            ReviewTask.Outcome.NO_CHANGE,
            note.strip(),
        )
        task.done_by, task.done_at = actor, timezone.now()
        task.save()
        document = task.document
        _log(actor, "documents.review.completed", task, document.agency, before)
        if (
            task.reason == ReviewTask.Reason.PERIODIC
            and document.status == Document.Status.IN_FORCE
        ):
            doc_before = snapshot(document, ["next_review_on"])
            months = document.review_months or settings_for(document.agency).review_months
            document.next_review_on = add_months(timezone.localdate(), months)
            document.save(update_fields=["next_review_on"])
            _log(actor, "documents.document.updated", document, document.agency, doc_before)
    return task


def periodic_reviews(today: datetime.date, agency_ids: Iterable[int] | None = None) -> int:
    """Open a periodic review for every document in force whose review date has come."""
    due = Document.objects.filter(
        status=Document.Status.IN_FORCE,
        archived_at__isnull=True,
        next_review_on__lte=today,
    ).select_related("agency", "current_version")
    if agency_ids is not None:
        due = due.filter(agency_id__in=list(agency_ids))
    due_list = list(due)
    if not due_list:
        return 0
    directory = Directory(sorted({d.agency_id for d in due_list}))
    created = 0
    for document in due_list:
        assert document.next_review_on is not None  # noqa: S101 - filtered above
        try:
            with transaction.atomic():
                task, new = ReviewTask.objects.get_or_create(
                    document=document,
                    reason=ReviewTask.Reason.PERIODIC,
                    due_on=document.next_review_on,
                    external=None,
                )
                if new:
                    _log(
                        None,
                        "documents.review.created",
                        task,
                        document.agency,
                        {},
                        {
                            "document": document.code,
                            "due_on": task.due_on.isoformat(),
                        },
                    )
                    _notify_review(task, directory, None)
                    created += 1
        except IntegrityError:  # another pass created it meanwhile
            continue
    return created


# --------------------------------------------------------------------------- records


@dataclass
class RecordInput:
    name: str
    owner_unit: OrgUnit
    document: Document | None = None
    form_code: str = ""
    keeper: str = ""
    location: str = ""
    retention_years: int | None = None
    retention_text: str = ""
    disposal_method: str = ""


def _record_apply(record: RetainedRecord, data: RecordInput) -> None:
    record.name = data.name.strip()
    record.owner_unit = data.owner_unit
    record.document = data.document
    record.form_code = data.form_code.strip()
    record.keeper = data.keeper.strip()
    record.location = data.location.strip()
    record.retention_years = data.retention_years
    record.retention_text = data.retention_text.strip()
    record.disposal_method = data.disposal_method.strip()


def record_save(
    *, actor: User | None, agency: OrgUnit, data: RecordInput, record: RetainedRecord | None = None
) -> RetainedRecord:
    """Create or correct an entry of the records list (Danh mục hồ sơ)."""
    if data.document is not None and data.document.agency_id != agency.pk:
        raise DocumentError(_("Choose a procedure of the same agency."))
    with transaction.atomic():
        if record is None:
            record = RetainedRecord(agency=agency, created_by=actor)
            before: Snapshot = {}
            action = "documents.record.created"
        else:
            record = RetainedRecord.objects.select_for_update().get(pk=record.pk)
            before = snapshot(record, RECORD_FIELDS)
            action = "documents.record.updated"
        _record_apply(record, data)
        record.save()
        _log(actor, action, record, agency, before, snapshot(record, RECORD_FIELDS))
    return record


def record_archive(*, actor: User, record: RetainedRecord) -> RetainedRecord:
    with transaction.atomic():
        record = RetainedRecord.objects.select_for_update().get(pk=record.pk)
        before = snapshot(record, ["archived_at"])
        record.archived_at = timezone.now()
        record.save(update_fields=["archived_at"])
        _log(actor, "documents.record.archived", record, record.agency, before)
    return record


# --------------------------------------------------------------------------- plan links


def task_link_set(
    *, actor: User, task: PlanTask, documents: Sequence[Document]
) -> list[TaskDocumentLink]:
    """Make ``documents`` the ones linked to a plan task (links are logged both ways)."""
    agency_id = task.plan.agency_id
    if any(d.agency_id != agency_id for d in documents):
        raise DocumentError(_("Link only documents of the plan's agency."))
    with transaction.atomic():
        current = {link.document_id: link for link in task.document_links.all()}
        wanted = {d.pk for d in documents}
        before = {"documents": sorted(current)}
        for doc_id, link in current.items():
            if doc_id not in wanted:
                link.delete()  # a link is not an ISO record; the log keeps its history
        for doc_id in sorted(wanted - set(current)):
            TaskDocumentLink.objects.create(task=task, document_id=doc_id, created_by=actor)
        logentry_create(
            actor=actor,
            action="documents.task_links.set",
            obj=task,
            unit=task.plan.agency,
            before=before,
            after={"documents": sorted(wanted)},
        )
        return list(task.document_links.select_related("document"))


def can_edit(user: User, document: Document) -> bool:
    return permissions.can(user, "documents.edit", document.owner_unit)
