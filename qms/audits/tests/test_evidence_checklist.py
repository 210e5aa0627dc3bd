"""Evidence of a checklist answer: shown on the card, removed (archived, not deleted) by
the team from the card over htmx; downloads only for the working papers' readers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import build_personas, close_response, shared_org
from qms.audits import services_checklists as svc
from qms.audits.models import ChecklistItem, Evidence
from qms.audits.tests.checklist_support import add_lead, audit_make, png_upload
from qms.audittrail.models import LogEntry


@pytest.fixture(scope="module")
def module_personas(module_org: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        personas = build_personas(module_org)
        add_lead(module_org, personas)
        return personas


org, personas = shared_org()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def evidence(org: Any, personas: Any) -> Evidence:
    audit = audit_make(org, personas, clauses=["7.5"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    item = ChecklistItem.objects.get(audit=audit)
    svc.answer_item(
        actor=personas["lead"],
        item=item,
        answer="conform",
        note="",
        version=1,
        files=[png_upload()],
    )
    return Evidence.objects.get(checklist_item=item)


def test_the_card_lists_the_file_with_a_remove_button(evidence: Evidence, personas: Any) -> None:
    page = (
        client_for(personas["lead"])
        .get(reverse("audits:checklist", args=[evidence.audit_id]))
        .content.decode()
    )
    assert "anh-bang-chung.png" in page
    assert reverse("audits:evidence_archive", args=[evidence.pk]) in page
    reader = (
        client_for(personas["leader"])
        .get(reverse("audits:checklist", args=[evidence.audit_id]))
        .content.decode()
    )
    assert "anh-bang-chung.png" in reader
    assert reverse("audits:evidence_archive", args=[evidence.pk]) not in reader


def test_removing_from_the_card_returns_the_card_without_the_file(
    evidence: Evidence, personas: Any
) -> None:
    response = client_for(personas["auditor"]).post(
        reverse("audits:evidence_archive", args=[evidence.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{evidence.checklist_item_id}"' in html
    assert "anh-bang-chung.png" not in html
    evidence.refresh_from_db()
    assert evidence.archived_at is not None  # kept, not deleted
    assert LogEntry.objects.filter(action="audits.evidence.archived").exists()
    response = client_for(personas["lead"]).get(
        reverse("audits:evidence_download", args=[evidence.pk])
    )
    close_response(response)
    assert response.status_code == 404


def test_the_audited_unit_does_not_download_answer_evidence(
    evidence: Evidence, personas: Any
) -> None:
    response = client_for(personas["head_a"]).get(
        reverse("audits:evidence_download", args=[evidence.pk])
    )
    close_response(response)
    assert response.status_code == 403
