"""The programme's pages: what a user sees, forms keeping input, queries flat in the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import shared_org
from qms.audits import services_programme as svc
from qms.audits.models import Finding, Programme
from qms.audits.tests.test_programme_factories import (
    YEAR,
    english,  # noqa: F401
    make_audit,
    make_plan_tasks,
    make_programme,
    ready_audit,
)

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def test_new_programme_form_preselects_plan_tasks_and_dates(org, personas, client_as):
    task6, task7 = make_plan_tasks(org, personas)
    page = client_as("iso_office").get(reverse("audits:programme_create") + f"?year={YEAR}")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{task6.pk}" selected>' in html
    assert f'<option value="{task7.pk}" selected>' in html
    assert 'value="01/06/2026"' in html and 'value="30/07/2026"' in html


def test_programme_create_through_the_form(org, personas, client_as):
    task6, task7 = make_plan_tasks(org, personas)
    response = client_as("iso_office").post(
        reverse("audits:programme_create"),
        {
            "year": YEAR,
            "title": "Chương trình đánh giá nội bộ năm 2026",
            "start": "01/06/2026",
            "end": "30/07/2026",
            "plan_task": task6.pk,
            "action_task": task7.pk,
            "clauses": ["7.5", "8.5"] if _has_library() else [],
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert programme.plan_task == task6 and programme.action_task == task7


def _has_library() -> bool:
    from qms.audits.forms_programme import clause_choices

    return bool(clause_choices())


def test_programme_form_keeps_input_on_error(org, personas, client_as):
    response = client_as("iso_office").post(
        reverse("audits:programme_create"),
        {"year": YEAR, "title": "Giữ nguyên tiêu đề", "start": "30/07/2026", "end": "01/06/2026"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giữ nguyên tiêu đề" in html and "is-invalid" in html


def test_home_lists_the_programmes(org, personas, client_as):
    make_programme(org, personas)
    html = client_as("staff_a").get(reverse("audits:home")).content.decode()
    assert "Chương trình đánh giá nội bộ năm 2026" in html


def _findings(audit, n):
    Finding.objects.bulk_create(
        Finding(
            audit=audit,
            agency=audit.agency,
            unit=org_cache["unit"],
            kind="observation",
            clause="7.5",
            description="x",
        )
        for _ in range(n)
    )


org_cache: dict = {}


def test_programme_page_queries_flat_in_audits(org, personas, client_as):
    org_cache["unit"] = org.div_a
    programme = make_programme(org, personas, approve=True)
    client = client_as("iso_office")
    url = reverse("audits:programme_detail", args=[programme.pk])
    for _ in range(2):
        a = make_audit(org, personas, programme)
        svc.team_member_add(
            actor=personas["iso_office"], audit=a, user=personas["auditor"], role="lead"
        )
        _findings(a, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        a = make_audit(org, personas, programme, units=[org.div_a, org.div_b])
        svc.team_member_add(
            actor=personas["iso_office"], audit=a, user=personas["leader"], role="lead"
        )
        _findings(a, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('href="/audits/') >= 10
    assert len(many.captured_queries) == len(few.captured_queries)
    # the programme by its key, audits, units, findings once, procedures, coverage, names
    assert len(few.captured_queries) <= 11


def test_audit_page_shows_plan_team_slots_and_summary(org, personas, client_as):
    audit = ready_audit(org, personas)
    html = client_as("head_a").get(reverse("audits:audit_detail", args=[audit.pk])).content.decode()
    for text in ("Họp khai mạc", "Phòng GDTrH", 'id="audit-team"', 'id="findings-summary"'):
        assert text in html
    assert 'id="team-form"' not in html  # a unit head reads only


def test_audit_page_queries_flat_in_team_and_slots(org, personas, client_as):
    audit = ready_audit(org, personas)
    client = client_as("iso_office")
    url = reverse("audits:audit_detail", args=[audit.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    svc.settings_save(actor=personas["iso_office"], agency=org.agency, independence="warn")
    for who in ("leader", "head_b", "agency_admin"):
        svc.team_member_add(
            actor=personas["iso_office"],
            audit=audit,
            user=personas[who],
            role="auditor",
            reason="Lý do",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # the settings row
    assert len(few.captured_queries) <= 19  # units and team read once


def test_audit_form_keeps_input_on_error(org, personas, client_as):
    programme = make_programme(org, personas)
    response = client_as("iso_office").post(
        reverse("audits:audit_create", args=[programme.pk]),
        {
            "title": "Tiêu đề giữ lại",
            "units": [org.div_a.pk],
            "start_date": "01/01/2026",
            "end_date": "01/01/2026",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tiêu đề giữ lại" in html
    assert "01/06/2026" in html  # the programme's window named in the error


def test_slot_form_error_keeps_input(org, personas, client_as):
    programme = make_programme(org, personas)
    audit = make_audit(org, personas, programme)
    response = client_as("iso_office").post(
        reverse("audits:slot_add", args=[audit.pk]),
        {
            "date": "10/06/2026",
            "start_time": "10:00",
            "end_time": "09:00",
            "activity": "Hoạt động giữ lại",
        },
    )
    assert response.status_code == 200
    assert "Hoạt động giữ lại" in response.content.decode()


def test_menu_entry_for_readers(org, personas, client_as):
    html = client_as("staff_a").get(reverse("audits:home")).content.decode()
    assert reverse("audits:home") in html


def test_draft_findings_counted_for_the_office_only(org, personas, client_as):
    programme = make_programme(org, personas, approve=True)
    audit = make_audit(org, personas, programme)
    Finding.objects.create(
        audit=audit, agency=org.agency, unit=org.div_a, kind="observation", description="nháp"
    )
    url = reverse("audits:programme_detail", args=[programme.pk])
    office = client_as("iso_office").get(url).content.decode()
    unit = client_as("staff_a").get(url).content.decode()
    assert "Chưa ghi nhận phát hiện nào." not in office
    assert "Chưa ghi nhận phát hiện nào." in unit


def test_programme_page_shows_units_not_covered(org, personas, client_as):
    programme = make_programme(org, personas, approve=True)
    make_audit(org, personas, programme, units=[org.div_a])
    html = (
        client_as("leader")
        .get(reverse("audits:programme_detail", args=[programme.pk]))
        .content.decode()
    )
    covered = html[html.index('id="programme-coverage"') :]
    assert "Phòng GDTrH · " in covered
    assert 'not-covered">Phòng TCCB' in covered
