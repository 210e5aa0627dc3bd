"""The auditor register: kept by audits.manage_auditors, shown when a team is formed."""

from __future__ import annotations

import datetime

import pytest

from conftest import shared_org
from qms.audits import selectors_programme as sel
from qms.audits import services_programme as svc
from qms.audits.models import Auditor
from qms.audits.services_programme import AuditError
from qms.audits.tests.test_programme_factories import (
    english,  # noqa: F401
    make_audit,
    make_programme,
)

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def _entry(org, personas, who="auditor", valid_until=datetime.date(2030, 1, 1)) -> Auditor:
    return svc.auditor_add(
        actor=personas["iso_office"],
        agency=org.agency,
        data=svc.AuditorInput(
            user=personas[who],
            certificate="Chứng chỉ chuyên gia đánh giá nội bộ ISO 9001:2015",
            certificate_no="CG-123",
            trained_by="Viện Năng suất Việt Nam",
            trained_on=datetime.date(2019, 5, 1),
            valid_until=valid_until,
        ),
    )


def test_add_update_archive(org, personas):
    entry = _entry(org, personas)
    with pytest.raises(AuditError, match="already"):
        _entry(org, personas)
    entry = svc.auditor_update(
        actor=personas["agency_admin"],
        entry=entry,
        data=svc.AuditorInput(user=entry.user, certificate="Mới", certificate_no="CG-9"),
    )
    assert entry.certificate_no == "CG-9"
    svc.auditor_archive(actor=personas["iso_office"], entry=entry)
    assert Auditor.objects.filter(pk=entry.pk, archived_at__isnull=False).exists()
    _entry(org, personas)  # can be registered again


def test_register_refuses_other_agency_people_and_roles(org, personas):
    with pytest.raises(AuditError, match="person of the agency"):
        _entry(org, personas, who="outsider")
    with pytest.raises(AuditError):
        svc.auditor_add(
            actor=personas["head_a"],
            agency=org.agency,
            data=svc.AuditorInput(user=personas["auditor"]),
        )


def test_people_for_team_put_qualified_first(org, personas):
    _entry(org, personas, who="head_b", valid_until=datetime.date(2020, 1, 1))
    _entry(org, personas, who="auditor")
    people = sel.people_for_team(org.agency)
    assert people[0][0] == personas["auditor"] and people[0][2] is True
    assert people[1][0] == personas["head_b"] and people[1][2] is False
    assert all(entry is None for _u, entry, _v in people[2:])


def test_team_warns_when_not_in_register(org, personas, client_as):
    audit = make_audit(org, personas, make_programme(org, personas), units=[org.div_a])
    client = client_as("iso_office")
    response = client.post(
        f"/audits/{audit.pk}/team/add/",
        {"user": personas["head_b"].pk, "role": "auditor"},
        follow=True,
    )
    text = response.content.decode()
    assert "not in the auditor register" in text or "không có trong danh sách" in text.lower()


def test_register_page(org, personas, client_as):
    _entry(org, personas)
    client = client_as("iso_office")
    page = client.get("/audits/auditors/")
    assert page.status_code == 200 and "CG-123" in page.content.decode()
    bad = client.post(
        "/audits/auditors/",
        {
            "user": personas["head_a"].pk,
            "trained_on": "01/05/2024",
            "valid_until": "01/01/2020",
            "certificate": "Giữ lại",
        },
    )
    assert bad.status_code == 200 and "Giữ lại" in bad.content.decode()
    ok = client.post(
        "/audits/auditors/",
        {"user": personas["head_a"].pk, "certificate": "CC", "valid_until": "31/12/2030"},
    )
    assert ok.status_code == 302
    assert Auditor.objects.filter(user=personas["head_a"]).exists()
