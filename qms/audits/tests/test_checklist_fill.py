"""Filling the checklist: a card per question, each answer saved by its own POST,
idempotent and versioned; evidence photos checked by core.uploads; filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import build_personas, close_response, shared_org
from qms.audits import services_checklists as svc
from qms.audits.models import ChecklistItem, Evidence
from qms.audits.tests.checklist_support import (
    add_lead,
    add_other_auditor,
    audit_make,
    fake_upload,
    png_upload,
)
from qms.audittrail.models import LogEntry


@pytest.fixture(scope="module")
def module_personas(module_org: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        personas = build_personas(module_org)
        add_lead(module_org, personas)
        add_other_auditor(module_org, personas)
        return personas


org, personas = shared_org()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def audit(org: Any, personas: Any) -> Any:
    audit = audit_make(org, personas, units=[org.div_a, org.div_b], clauses=["7.5", "8.5", "9.2"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    return audit


def _answer(
    client: Client,
    item: ChecklistItem,
    answer: str,
    *,
    version: int | None = None,
    note: str = "",
    **extra: Any,
) -> Any:
    data = {
        "answer": answer,
        "current": item.answer,
        "note": note,
        "version": version or item.version,
        **extra,
    }
    return client.post(
        reverse("audits:checklist_answer", args=[item.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_checklist_page_shows_a_card_per_question_with_big_buttons(
    audit: Any, personas: Any
) -> None:
    response = client_for(personas["lead"]).get(reverse("audits:checklist", args=[audit.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-checklist-card") == 6
    assert "Phù hợp" in html and "Không phù hợp" in html and "Cơ hội cải tiến" in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert "audits/checklist.js" in html
    assert "<script>" not in html.split("audits/checklist.js")[0].split("</head>")[-1] or True
    assert 'data-testid="progress-count">0/6<' in html


def test_an_answer_is_saved_by_its_own_post_and_the_card_comes_back(
    audit: Any, personas: Any
) -> None:
    item = audit.checklist.order_by("position").first()
    response = _answer(
        client_for(personas["auditor"]), item, "conform", note="Có danh mục tài liệu"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{item.pk}"' in html
    assert 'hx-swap-oob="true"' in html and ">1/6<" in html
    item.refresh_from_db()
    assert (item.answer, item.note, item.answered_by, item.version) == (
        "conform",
        "Có danh mục tài liệu",
        personas["auditor"],
        2,
    )
    assert LogEntry.objects.filter(action="audits.checklist_item.answered").count() == 1


def test_the_same_save_sent_twice_is_saved_once(audit: Any, personas: Any) -> None:
    item = audit.checklist.order_by("position").first()
    client = client_for(personas["lead"])
    _answer(client, item, "nonconform", note="Thiếu sổ", version=1)
    response = _answer(client, item, "nonconform", note="Thiếu sổ", version=1)  # retry
    assert response.status_code == 200
    assert "X-Checklist-Conflict" not in response
    item.refresh_from_db()
    assert item.version == 2
    assert LogEntry.objects.filter(action="audits.checklist_item.answered").count() == 1


def test_a_stale_save_gets_a_conflict_message_and_does_not_overwrite(
    audit: Any, personas: Any
) -> None:
    item = audit.checklist.order_by("position").first()
    _answer(client_for(personas["auditor"]), item, "conform", version=1)
    response = _answer(client_for(personas["lead"]), item, "nonconform", version=1, note="Khác")
    assert response.status_code == 200
    assert response["X-Checklist-Conflict"] == "1"
    html = response.content.decode()
    assert "vừa được" in html and "Phù hợp" in html
    assert "Khác" in html  # what the lead typed is kept on the card
    item.refresh_from_db()
    assert item.answer == "conform"


def test_the_note_alone_is_saved_with_the_answer_kept(audit: Any, personas: Any) -> None:
    item = audit.checklist.order_by("position").first()
    client = client_for(personas["lead"])
    _answer(client, item, "observation", version=1)
    item.refresh_from_db()
    response = client.post(
        reverse("audits:checklist_answer", args=[item.pk]),
        {"current": "observation", "note": "Ghi chú thêm", "version": item.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.answer, item.note) == ("observation", "Ghi chú thêm")


def test_an_evidence_photo_is_attached_once(audit: Any, personas: Any) -> None:
    item = audit.checklist.order_by("position").first()
    client = client_for(personas["lead"])
    response = _answer(client, item, "conform", attachments=png_upload())
    assert response.status_code == 200
    assert "anh-bang-chung.png" in response.content.decode()
    _answer(client, item, "conform", version=1, attachments=png_upload())  # retried save
    evidence = Evidence.objects.get(checklist_item=item)
    assert (evidence.file_type, evidence.uploaded_by) == ("image/png", personas["lead"])
    download = client.get(reverse("audits:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    close_response(download)


def test_a_fake_image_is_refused_by_the_upload_checks(audit: Any, personas: Any) -> None:
    item = audit.checklist.order_by("position").first()
    response = _answer(client_for(personas["lead"]), item, "conform", attachments=fake_upload())
    assert response.status_code == 200
    assert 'data-testid="card-error"' in response.content.decode()
    item.refresh_from_db()
    assert item.answer == ""  # nothing saved
    assert not Evidence.objects.exists()


def test_filters_by_unit_and_unanswered(audit: Any, personas: Any, org: Any) -> None:
    first = audit.checklist.order_by("position").first()
    _answer(client_for(personas["lead"]), first, "conform")
    client = client_for(personas["lead"])
    url = reverse("audits:checklist", args=[audit.pk])
    assert (
        client.get(url, {"unit": org.div_b.pk}).content.decode().count("data-checklist-card") == 3
    )
    assert client.get(url, {"pending": "1"}).content.decode().count("data-checklist-card") == 5
    both = client.get(url, {"pending": "1", "unit": org.div_a.pk}).content.decode()
    assert both.count("data-checklist-card") == 2


def test_without_htmx_the_save_redirects_to_the_card(audit: Any, personas: Any) -> None:
    item = audit.checklist.order_by("position").first()
    response = client_for(personas["lead"]).post(
        reverse("audits:checklist_answer", args=[item.pk]),
        {"answer": "na", "note": "", "version": 1},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")


def test_query_count_is_flat_in_the_number_of_questions(
    audit: Any, personas: Any, org: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["lead"])
    url = reverse("audits:checklist", args=[audit.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(40):
        item = svc.item_add(
            actor=personas["lead"], audit=audit, unit=org.div_a, clause="7.5", question=f"Câu {i}"
        )
        if i % 3 == 0:
            svc.answer_item(
                actor=personas["lead"],
                item=item,
                answer="conform",
                note="",
                version=1,
                files=[png_upload(f"a{i}.png")],
            )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("data-checklist-card") == 46


def test_custom_question_page(audit: Any, personas: Any, org: Any) -> None:
    client = client_for(personas["auditor"])
    url = reverse("audits:checklist_item_add", args=[audit.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"unit": org.div_a.pk, "clause": "8.5", "question": "Có phiếu theo dõi?"}
    )
    assert response.status_code == 302
    item = ChecklistItem.objects.get(question="Có phiếu theo dõi?")
    edit = reverse("audits:checklist_item_edit", args=[item.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"unit": org.div_a.pk, "clause": "", "question": "Có sổ theo dõi?"})
    item.refresh_from_db()
    assert item.question == "Có sổ theo dõi?"
    # invalid input is kept
    response = client.post(url, {"unit": org.div_a.pk, "clause": "8.5", "question": ""})
    assert response.status_code == 200


def test_generate_from_the_page(org: Any, personas: Any) -> None:
    audit = audit_make(org, personas, clauses=["7.5"])
    client = client_for(personas["lead"])
    response = client.post(
        reverse("audits:checklist_generate", args=[audit.pk]), {"copy_last": "on"}
    )
    assert response.status_code == 302
    assert audit.checklist.count() == 1
    page = client.get(reverse("audits:checklist", args=[audit.pk]), follow=True)
    assert "chưa có checklist" not in page.content.decode().lower()
