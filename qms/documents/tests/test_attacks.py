"""Issue 12, H2, M1, L7 and links, performed as real requests: refused, nothing changed.

H2: a school's unit head imported an XLSX putting an Office procedure in force under
decision 999/QĐ-… and archived another division's retained record. M1: staff drafted, the
ISO officer rewrote the content, submitted and reviewed it himself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import shared_org
from qms.accounts import permissions
from qms.accounts.models import Role, RoleAssignment
from qms.documents import imports, selectors, services
from qms.documents.models import (
    DocumentSettings,
    DocumentVersion,
    RetainedRecord,
    TaskDocumentLink,
    VersionReview,
)
from qms.documents.services import DocumentError
from qms.documents.tests.conftest import content
from qms.documents.tests.test_imports import INTERNAL_HEADER, RECORD_HEADER, counts, xlsx
from qms.planning.tests.factories import first_task, make_plan

pytestmark = pytest.mark.django_db
S = DocumentVersion.Status


# One organisation per module; each case runs in a savepoint.
org, personas = shared_org()


def _office_row_in_force() -> list[Any]:
    return [1, "QT.VP.09", "Quy trình văn thư", "Quy trình hệ thống", "Văn phòng Sở", 1,
            "06/11/2026", "999/QĐ-SGDĐT", "", "", ""]  # fmt: skip


# --------------------------------------------------------------------------- H2


@pytest.mark.parametrize("persona", ["school_head", "school_iso", "div_iso", "head_a"])
def test_importing_the_internal_list_needs_the_iso_committee_over_the_agency(
    org: Any, client_as: Any, persona: str
) -> None:
    before = counts()
    response = client_as(persona).post(
        reverse("documents:import"),
        {
            "agency": org.agency.pk,
            "list_kind": "internal",
            "file": xlsx([INTERNAL_HEADER, _office_row_in_force()]),
        },
    )
    assert response.status_code == 403
    assert counts() == before  # no document, no decision, no number taken


def test_the_iso_committee_over_the_agency_may_import_the_internal_list(
    org: Any, personas: Any
) -> None:
    result = imports.import_list(
        actor=personas["iso_office"],
        agency=org.agency,
        list_kind="internal",
        upload=xlsx([INTERNAL_HEADER, _office_row_in_force()]),
    )
    assert result.created == 1


def test_import_service_refuses_an_agency_wide_list_to_a_school_head(
    org: Any, personas: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.import_list(
            actor=personas["school_head"],
            agency=org.agency,
            list_kind="external",
            upload=xlsx([INTERNAL_HEADER]),
        )


def test_records_import_refuses_rows_of_a_unit_the_importer_does_not_keep(
    org: Any, personas: Any
) -> None:
    rows = [[1, "Sổ công văn", "", "", "Phòng GDTrH", "", "", "5 năm", ""]]
    before = counts()
    with pytest.raises(imports.ImportRejected) as info:
        imports.import_list(
            actor=personas["head_b"],
            agency=org.agency,
            list_kind="records",
            upload=xlsx([RECORD_HEADER, *rows]),
        )
    assert "do not keep the records list" in info.value.errors[0].message
    assert counts() == before
    own = [[1, "Sổ công văn", "", "", "Phòng TCCB", "", "", "5 năm", ""]]
    result = imports.import_list(
        actor=personas["head_b"],
        agency=org.agency,
        list_kind="records",
        upload=xlsx([RECORD_HEADER, *own]),
    )
    assert result.created == 1


@pytest.fixture
def div_b_record(org: Any, personas: Any) -> RetainedRecord:
    return services.record_save(
        actor=personas["iso_office"],
        agency=org.agency,
        data=services.RecordInput(name="Hồ sơ cán bộ", owner_unit=org.div_b),
    )


@pytest.mark.parametrize("persona", ["school_head", "head_a", "school_iso"])
def test_archiving_another_units_record_is_refused(
    client_as: Any, div_b_record: RetainedRecord, persona: str
) -> None:
    url = reverse("documents:record_edit", kwargs={"pk": div_b_record.pk})
    response = client_as(persona).post(url, {"archive": "1"})
    assert response.status_code == 403
    div_b_record.refresh_from_db()
    assert div_b_record.archived_at is None


def test_the_unit_keeping_a_record_archives_it(client_as: Any, div_b_record: Any) -> None:
    url = reverse("documents:record_edit", kwargs={"pk": div_b_record.pk})
    assert client_as("head_b").post(url, {"archive": "1"}).status_code == 302
    div_b_record.refresh_from_db()
    assert div_b_record.archived_at is not None


def test_a_school_iso_officer_cannot_issue_a_decision_nor_change_settings(
    org: Any, client_as: Any
) -> None:
    client = client_as("school_iso")
    before = counts()
    assert client.post(reverse("documents:decision_create"), {}).status_code == 403
    response = client.post(
        reverse("documents:settings") + f"?agency={org.agency.pk}",
        {"distinct_signers": 2, "review_months": 6, "legal_alignment_months": 3},
    )
    assert response.status_code == 403
    assert counts() == before
    assert not DocumentSettings.objects.filter(agency=org.agency, distinct_signers=2).exists()


def test_a_school_iso_officer_sees_no_issue_button_nor_others_drafts(
    client_as: Any, make_document: Any
) -> None:
    document = make_document()
    services.version_submit(actor=document.created_by, version=document.versions.get())
    client = client_as("school_iso")
    page = client.get(reverse("documents:home")).content.decode()
    assert reverse("documents:decision_create") not in page
    assert document.code not in page
    listing = client.get(reverse("documents:document_list")).content.decode()
    assert document.code not in listing


# --------------------------------------------------------------------------- M1


def _rewrite(client: Any, version: DocumentVersion) -> Any:
    data = {
        "lock_version": version.lock_version,
        "purpose": "Nội dung do cán bộ ISO viết lại.",
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
    }
    return client.post(reverse("documents:version_edit", kwargs={"pk": version.pk}), data)


def test_the_iso_officer_who_rewrote_and_submitted_a_draft_cannot_review_it(
    client_as: Any, make_document: Any
) -> None:
    document = make_document(author="staff_a")
    version = document.versions.get()
    iso = client_as("iso_office")
    assert _rewrite(iso, version).status_code == 302
    assert iso.post(reverse("documents:version_submit", kwargs={"pk": version.pk})).status_code
    response = iso.post(
        reverse("documents:version_review", kwargs={"pk": version.pk}), {"decision": "forward"}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == S.REVIEW and version.reviewer_id is None
    assert {u.username for u in version.editors.all()} == {"staff_a", "iso_office"}
    assert version.submitted_by.username == "iso_office"
    assert not version.trail.filter(step=VersionReview.Step.REVIEWED).exists()


def test_an_editor_cannot_review_even_if_someone_else_submitted(
    personas: Any, make_document: Any
) -> None:
    document = make_document(author="staff_a")
    version = document.versions.get()
    services.version_save(
        actor=personas["iso_office"],
        version=version,
        content=content(purpose="Sửa"),
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
    )
    services.version_submit(actor=personas["staff_a"], version=version)
    with pytest.raises(DocumentError, match="wrote or submitted"):
        services.version_review(actor=personas["iso_office"], version=version, forward=True)


def test_an_editor_holding_the_leader_role_cannot_approve(
    org: Any, personas: Any, make_document: Any
) -> None:
    leader = personas["leader"]
    RoleAssignment.objects.create(user=leader, role=Role.STAFF, org_unit=org.div_a)
    document = make_document(author="staff_a")
    version = document.versions.get()
    services.version_save(
        actor=leader,
        version=version,
        content=content(purpose="Lãnh đạo sửa"),
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
    )
    services.version_submit(actor=personas["staff_a"], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    with pytest.raises(DocumentError, match="cannot also approve"):
        services.version_approve(actor=leader, version=version, approve=True)
    version.refresh_from_db()
    assert version.status == S.APPROVAL and version.approver_id is None


def test_with_two_signers_an_editor_may_review_but_not_approve(
    org: Any, personas: Any, make_document: Any
) -> None:
    DocumentSettings.objects.update_or_create(agency=org.agency, defaults={"distinct_signers": 2})
    document = make_document(author="iso_office")
    version = document.versions.get()
    services.version_submit(actor=personas["iso_office"], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    version.refresh_from_db()
    assert version.status == S.APPROVAL


def test_the_database_refuses_a_submitter_approving(
    personas: Any, make_document: Any, issue: Any
) -> None:
    version = issue(make_document())
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(submitted_by=version.approver)


def test_version_page_shows_who_did_what(
    client_as: Any, personas: Any, make_document: Any, issue: Any
) -> None:
    version = issue(make_document())
    page = client_as("staff_a").get(reverse("documents:version_detail", kwargs={"pk": version.pk}))
    html = page.content.decode()
    assert 'id="actors"' in html
    for name in ("head_a", "iso_office", "leader"):
        assert personas[name].display_name in html


# --------------------------------------------------------------------------- L7


def test_title_and_owner_of_a_document_in_force_change_only_with_a_new_version(
    org: Any, personas: Any, make_document: Any, issue: Any, client_as: Any
) -> None:
    document = make_document()
    issue(document)
    data = services.DocumentInput(
        kind=document.kind, code=document.code, title="Tên mới", owner_unit=org.div_a
    )
    with pytest.raises(DocumentError, match="only with a new version"):
        services.document_update(actor=personas["head_a"], document=document, data=data)
    draft = services.version_start(actor=personas["head_a"], document=document)
    services.document_update(actor=personas["head_a"], document=document, data=data)
    document.refresh_from_db()
    draft.refresh_from_db()
    assert document.title != "Tên mới" and draft.new_title == "Tên mới"
    issue(document, day=draft.created_at.date().replace(year=2026, month=9, day=1))
    document.refresh_from_db()
    assert document.title == "Tên mới"


def test_kind_of_a_document_in_force_is_frozen(
    org: Any, personas: Any, make_document: Any, issue: Any
) -> None:
    document = make_document()
    issue(document)
    data = services.DocumentInput(
        kind="guideline", code=document.code, title=document.title, owner_unit=org.div_a
    )
    with pytest.raises(DocumentError, match="kind of a document"):
        services.document_update(actor=personas["head_a"], document=document, data=data)
    document.refresh_from_db()
    assert document.kind == "work_procedure"


def test_distribution_of_a_document_in_force_changes_now_and_is_logged(
    org: Any, personas: Any, make_document: Any, issue: Any
) -> None:
    from qms.audittrail.models import LogEntry

    document = make_document()
    issue(document)
    data = services.DocumentInput(
        kind=document.kind,
        code=document.code,
        title=document.title,
        owner_unit=org.div_a,
        distribution_units=[org.div_a, org.div_b],
    )
    services.document_update(actor=personas["head_a"], document=document, data=data)
    entry = LogEntry.objects.filter(action="documents.document.updated").latest("id")
    was, now = entry.changes["distribution_units"]
    assert was == [org.div_a.code]
    assert sorted(now) == sorted([org.div_a.code, org.div_b.code])


# --------------------------------------------------------------------------- links


def test_task_page_shows_a_draft_link_only_to_who_may_open_it(
    org: Any, personas: Any, make_document: Any, client_as: Any
) -> None:
    draft = make_document()
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    task = first_task(plan)
    TaskDocumentLink.objects.create(task=task, document=draft, created_by=personas["iso_office"])
    url = reverse("planning:task_detail", kwargs={"pk": task.pk})
    href = reverse("documents:document_detail", kwargs={"pk": draft.pk})
    stranger = client_as("head_b").get(url).content.decode()
    assert href not in stranger and draft.code in stranger and "doc-unlinked" in stranger
    assert client_as("head_b").get(href).status_code == 404
    assert href in client_as("staff_a").get(url).content.decode()


def test_documents_openable_by_is_one_query(personas: Any, make_document: Any, issue: Any) -> None:
    docs = [make_document(code=f"QT-GDTRH-{i:02d}") for i in range(1, 6)]
    issue(docs[0])
    permissions.has_any_role(personas["head_b"], "documents.view")  # warm the role cache
    with CaptureQueriesContext(connection) as ctx:
        openable = selectors.documents_openable_by(personas["head_b"], [d.pk for d in docs])
    assert len(ctx.captured_queries) == 1
    assert openable == {docs[0].pk}
    assert selectors.documents_openable_by(personas["staff_a"], [d.pk for d in docs]) == {
        d.pk for d in docs
    }


def test_records_list_queries_stay_flat_with_row_links(
    org: Any, personas: Any, make_document: Any, client_as: Any
) -> None:
    document = make_document()

    def add(n: int) -> None:
        for i in range(n):
            services.record_save(
                actor=personas["iso_office"],
                agency=org.agency,
                data=services.RecordInput(
                    name=f"Hồ sơ {i}",
                    owner_unit=org.div_a if i % 2 else org.div_b,
                    document=document,
                ),
            )

    client = client_as("head_a")
    url = reverse("documents:record_list")
    add(5)
    client.get(url)  # the first request of a session stamps its activity; measure after it
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    small = len(ctx.captured_queries)
    html = page.content.decode()
    mine = RetainedRecord.objects.filter(owner_unit=org.div_a).first()
    other = RetainedRecord.objects.filter(owner_unit=org.div_b).first()
    assert mine is not None and other is not None
    assert reverse("documents:record_edit", kwargs={"pk": mine.pk}) in html
    assert reverse("documents:record_edit", kwargs={"pk": other.pk}) not in html
    add(30)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) == small
