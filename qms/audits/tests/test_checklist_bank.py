"""The ISO committee's question bank: questions by clause, added, reworded, archived."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from conftest import shared_org
from qms.audits import services_checklists as svc
from qms.audits.models import Question
from qms.audittrail.models import LogEntry

org, personas = shared_org()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_questions_are_shown_under_their_clause_in_the_standards_order(
    org: Any, personas: Any
) -> None:
    svc.question_create(
        actor=personas["iso_office"], agency=org.agency, clause="10.2", text="Có phiếu theo dõi NC?"
    )
    svc.question_create(
        actor=personas["iso_office"], agency=org.agency, clause="7.5", text="Có danh mục tài liệu?"
    )
    page = client_for(personas["iso_office"]).get(reverse("audits:question_list")).content.decode()
    assert page.index("7.5 Thông tin dạng văn bản") < page.index(
        "10.2 Sự không phù hợp và hành động khắc phục"
    )
    assert "Có danh mục tài liệu?" in page
    assert LogEntry.objects.filter(action="audits.question.created").count() == 2


def test_add_edit_archive_from_the_page(org: Any, personas: Any) -> None:
    client = client_for(personas["iso_office"])
    response = client.post(
        reverse("audits:question_list"), {"clause": "9.2", "text": "Có chương trình đánh giá?"}
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.agency, question.clause, question.created_by) == (
        org.agency,
        "9.2",
        personas["iso_office"],
    )
    client.post(
        reverse("audits:question_edit", args=[question.pk]),
        {"clause": "9.3", "text": "Có biên bản xem xét?"},
    )
    question.refresh_from_db()
    assert (question.clause, question.text) == ("9.3", "Có biên bản xem xét?")
    client.post(reverse("audits:question_archive", args=[question.pk]))
    question.refresh_from_db()
    assert question.archived_at is not None
    assert (
        "Có biên bản xem xét?" not in client.get(reverse("audits:question_list")).content.decode()
    )


def test_a_question_needs_a_clause_of_the_library_and_keeps_the_input(
    org: Any, personas: Any
) -> None:
    client = client_for(personas["iso_office"])
    response = client.post(reverse("audits:question_list"), {"clause": "", "text": "Giữ nguyên"})
    assert response.status_code == 200
    assert "Giữ nguyên" in response.content.decode()
    assert not Question.objects.exists()
    with pytest.raises(svc.ChecklistError):
        svc.question_create(actor=personas["iso_office"], agency=org.agency, clause="4.9", text="x")


def test_only_the_agencys_iso_committee_manages_the_bank(org: Any, personas: Any) -> None:
    for name in ("leader", "auditor", "head_a", "school_iso", "div_iso", "overseer"):
        with pytest.raises(PermissionDenied):
            svc.question_create(actor=personas[name], agency=org.agency, clause="7.5", text="x")
