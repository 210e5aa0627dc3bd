"""Putting versions in force: issuing decisions, paper registration, distribution and reading, change requests."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts.models import User
from qms.audittrail.services import snapshot
from qms.core.models import OrgUnit
from qms.core.numbering import number_issue, number_register_external
from qms.documents import notifications
from qms.documents.models import (
    Acknowledgement,
    ChangeRequest,
    Document,
    DocumentVersion,
    IssuingDecision,
    ReviewTask,
    VersionReview,
)
from qms.documents.notifications import Kind
from qms.documents.services.base import (
    DocumentError,
    S,
    _log,
    _refresh_search,
    add_months,
    facts,
    settings_for,
    version_url,
)
from qms.documents.services.drafting import (
    _lock,
    _trail,
    version_start,
)
from qms.notifications.services import Directory

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
        **IssuingDecision.header_for(agency),
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
    doc_before = snapshot(document, ["status", "next_review_on", "title", "owner_unit"])
    if version.new_title:
        document.title = version.new_title
    if version.new_owner_unit_id:
        document.owner_unit_id = version.new_owner_unit_id
    document.status = Document.Status.IN_FORCE
    document.current_version = version
    months = document.review_months or settings_for(agency).review_months
    document.next_review_on = add_months(decision.effective_on, months)
    document.save(
        update_fields=["status", "current_version", "next_review_on", "title", "owner_unit"]
    )
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
