"""The life of a controlled document: draft, review, approval, issue, obsolete, change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from conftest import shared_org
from qms.audittrail.models import LogEntry
from qms.documents import services
from qms.documents.models import (
    Acknowledgement,
    ChangeRequest,
    Document,
    DocumentSettings,
    DocumentVersion,
    VersionReview,
)
from qms.documents.notifications import Kind
from qms.documents.services import DocumentError
from qms.documents.tests.conftest import decision_input
from qms.notifications.models import Channel, Notification

S = DocumentVersion.Status
pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


def test_full_cycle_puts_the_version_in_force_by_a_numbered_decision(
    make_document: Any, issue: Any, personas: dict[str, Any], org: Any
) -> None:
    document = make_document()
    version = issue(document)
    document.refresh_from_db()
    assert version.status == S.IN_FORCE
    assert document.status == Document.Status.IN_FORCE
    assert document.current_version == version
    assert version.decision.number.endswith("/QĐ-SGDĐT")
    assert version.author == personas["head_a"]
    assert version.reviewer == personas["iso_office"]
    assert version.approver == personas["leader"]
    assert document.next_review_on == datetime.date(2027, 3, 2)  # yearly by default
    steps = list(version.trail.values_list("step", flat=True))
    assert steps == ["submitted", "reviewed", "approved", "issued"]
    actions = set(LogEntry.objects.values_list("action", flat=True))
    assert {
        "documents.version.approved",
        "documents.version.issued",
        "documents.decision.issued",
    } <= actions


def test_a_version_cannot_be_in_force_without_approval(
    make_document: Any, personas: Any, org: Any
) -> None:
    document = make_document()
    version = document.versions.get()
    services.version_submit(actor=personas["head_a"], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    # Issuing a version that waits for approval is refused by the service…
    with pytest.raises(DocumentError, match="not been approved"):
        services.decision_issue(
            actor=personas["iso_office"],
            agency=org.agency,
            versions=[version],
            data=decision_input(),
        )
    version.refresh_from_db()
    assert version.status == S.APPROVAL
    # … and by the database, whatever code tries it.
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(status=S.IN_FORCE)


def test_the_author_cannot_approve_their_own_draft(
    make_document: Any, personas: Any, org: Any
) -> None:
    document = make_document(author="leader")
    version = document.versions.get()
    services.version_submit(actor=personas["leader"], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    with pytest.raises(DocumentError, match="cannot approve their own"):
        services.version_approve(actor=personas["leader"], version=version, approve=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(approver=personas["leader"])


def test_three_people_by_default_two_when_the_agency_allows(
    make_document: Any, personas: Any, org: Any
) -> None:
    document = make_document(author="iso_office")
    version = document.versions.get()
    services.version_submit(actor=personas["iso_office"], version=version)
    with pytest.raises(DocumentError, match="cannot also review"):
        services.version_review(actor=personas["iso_office"], version=version, forward=True)
    DocumentSettings.objects.update_or_create(agency=org.agency, defaults={"distinct_signers": 2})
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    services.version_approve(actor=personas["leader"], version=version, approve=True)
    assert DocumentVersion.objects.get(pk=version.pk).status == S.APPROVED


def test_the_reviewer_cannot_approve_with_three_signers(
    make_document: Any, personas: Any, org: Any
) -> None:
    from qms.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(
        user=personas["iso_office"], role=Role.LEADER, org_unit=org.agency
    )
    document = make_document()
    version = document.versions.get()
    services.version_submit(actor=personas["head_a"], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    with pytest.raises(DocumentError, match="reviewer of a draft cannot also approve"):
        services.version_approve(actor=personas["iso_office"], version=version, approve=True)


def test_returned_draft_keeps_the_reviewer_comment_and_can_be_corrected(
    make_document: Any, personas: Any
) -> None:
    document = make_document()
    version = document.versions.get()
    services.version_submit(actor=personas["head_a"], version=version)
    with pytest.raises(DocumentError, match="comment is required"):
        services.version_review(actor=personas["iso_office"], version=version, forward=False)
    services.version_review(
        actor=personas["iso_office"], version=version, forward=False, comment="Bổ sung bước 2."
    )
    version.refresh_from_db()
    assert version.status == S.RETURNED and version.is_editable
    returned = version.trail.get(step=VersionReview.Step.RETURNED)
    assert returned.comment == "Bổ sung bước 2."
    assert Notification.objects.filter(
        recipient=personas["head_a"], kind=Kind.DOC_RETURNED, channel=Channel.IN_APP
    ).exists()
    services.version_submit(actor=personas["head_a"], version=version)
    assert DocumentVersion.objects.get(pk=version.pk).status == S.REVIEW
    assert version.trail.filter(step=VersionReview.Step.RETURNED).count() == 1


def test_a_new_version_makes_the_old_one_obsolete_and_nothing_is_deleted(
    make_document: Any, issue: Any, personas: Any
) -> None:
    document = make_document()
    first = issue(document)
    second = services.version_start(actor=personas["head_a"], document=document)
    assert second.issue_no == 2 and second.content == first.content
    with pytest.raises(DocumentError, match="already has a version in progress"):
        services.version_start(actor=personas["head_a"], document=document)
    issue(document, datetime.date(2026, 9, 1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.OBSOLETE and first.obsoleted_on == datetime.date(2026, 9, 1)
    assert second.status == S.IN_FORCE
    assert document.versions.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.filter(pk=first.pk).update(status=S.IN_FORCE)


def test_one_decision_issues_several_documents(make_document: Any, personas: Any, org: Any) -> None:
    versions = []
    for n in range(3):
        document = make_document(code=f"QT-GDTRH-0{n + 1}")
        version = document.versions.get()
        services.version_submit(actor=personas["head_a"], version=version)
        services.version_review(actor=personas["iso_office"], version=version, forward=True)
        services.version_approve(actor=personas["leader"], version=version, approve=True)
        versions.append(version)
    decision = services.decision_issue(
        actor=personas["iso_office"], agency=org.agency, versions=versions, data=decision_input()
    )
    assert decision.versions.count() == 3
    assert set(decision.versions.values_list("status", flat=True)) == {S.IN_FORCE}


def test_distribution_asks_for_reading_and_the_owner_sees_who_has_not(
    make_document: Any, issue: Any, personas: Any
) -> None:
    document = make_document(distribution_users=[personas["head_b"]])
    version = issue(document)
    recipients = set(
        Acknowledgement.objects.filter(version=version).values_list("user__username", flat=True)
    )
    assert {"head_a", "staff_a", "head_b"} <= recipients
    assert Notification.objects.filter(
        recipient=personas["staff_a"], kind=Kind.DOC_ISSUED, channel=Channel.IN_APP
    ).exists()
    services.acknowledge(actor=personas["staff_a"], version=version)
    services.acknowledge(actor=personas["staff_a"], version=version)  # twice: once recorded
    read = dict(
        Acknowledgement.objects.filter(version=version).values_list("user__username", "read_at")
    )
    assert read["staff_a"] is not None and read["head_b"] is None
    with pytest.raises(DocumentError, match="not sent to you"):
        services.acknowledge(actor=personas["outsider"], version=version)


def test_change_request_accepted_starts_a_draft_declined_needs_a_reason(
    make_document: Any, issue: Any, personas: Any
) -> None:
    document = make_document()
    with pytest.raises(DocumentError, match="only on a document in force"):
        services.change_request_create(
            actor=personas["staff_a"], document=document, part="", reason="x"
        )
    issue(document)
    document.refresh_from_db()
    first = services.change_request_create(
        actor=personas["staff_a"],
        document=document,
        part="Bước 2",
        reason="Rút ngắn thời gian thẩm định.",
    )
    second = services.change_request_create(
        actor=personas["auditor"], document=document, part="", reason="Đổi tên biểu mẫu."
    )
    with pytest.raises(DocumentError, match="reason for declining"):
        services.change_request_decide(actor=personas["head_a"], request=second, accept=False)
    services.change_request_decide(
        actor=personas["head_a"], request=second, accept=False, note="Không cần."
    )
    accepted = services.change_request_decide(actor=personas["head_a"], request=first, accept=True)
    assert accepted.status == ChangeRequest.Status.ACCEPTED
    assert accepted.new_version is not None and accepted.new_version.issue_no == 2
    assert accepted.new_version.change_part == "Bước 2"
    assert Notification.objects.filter(
        recipient=personas["staff_a"], kind=Kind.DOC_CHANGE_DECIDED, channel=Channel.IN_APP
    ).exists()


def test_withdrawn_document_keeps_its_versions(
    make_document: Any, issue: Any, personas: Any
) -> None:
    document = make_document()
    version = issue(document)
    services.document_withdraw(actor=personas["head_a"], document=document, reason="Bãi bỏ TTHC.")
    version.refresh_from_db()
    document.refresh_from_db()
    assert document.status == Document.Status.WITHDRAWN and version.status == S.OBSOLETE
    with pytest.raises(DocumentError):
        services.version_start(actor=personas["head_a"], document=document)


def test_code_of_a_document_once_in_force_is_frozen(
    make_document: Any, issue: Any, personas: Any, org: Any
) -> None:
    document = make_document()
    issue(document)
    data = services.DocumentInput(
        kind=document.kind, code="QT-NEW-99", title=document.title, owner_unit=org.div_a
    )
    with pytest.raises(DocumentError, match="cannot change"):
        services.document_update(actor=personas["head_a"], document=document, data=data)


def test_stale_draft_edit_is_refused(make_document: Any, personas: Any) -> None:
    document = make_document()
    version = document.versions.get()
    with pytest.raises(services.StaleEdit):
        services.version_save(
            actor=personas["head_a"],
            version=version,
            content={},
            change_request="",
            change_part="",
            change_description="",
            lock_version=version.lock_version - 1,
        )


def test_submitting_an_empty_draft_is_refused(personas: Any, org: Any) -> None:
    document = services.document_create(
        actor=personas["head_a"],
        agency=org.agency,
        data=services.DocumentInput(
            kind=Document.Kind.GUIDELINE, code="HD.01", title="Hướng dẫn", owner_unit=org.div_a
        ),
    )
    with pytest.raises(DocumentError, match="Write the content or attach the file"):
        services.version_submit(actor=personas["head_a"], version=document.versions.get())
