"""Change attacks: ids of another audit or agency, stale forms, forged fields."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import make_user, shared_org
from qms.accounts.models import Role
from qms.audits import services_programme as svc
from qms.audits.models import AuditTeamMember, Programme
from qms.audits.tests.test_programme_factories import (
    YEAR,
    add_slot,
    english,  # noqa: F401
    make_audit,
    make_programme,
)

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def test_member_of_another_audit_is_404(org, personas, client_as):
    programme = make_programme(org, personas, approve=True)
    a1 = make_audit(org, personas, programme)
    a2 = make_audit(org, personas, programme, units=[org.div_b])
    member = svc.team_member_add(
        actor=personas["iso_office"], audit=a2, user=personas["leader"], role="lead"
    ).member
    slot = add_slot(personas, a2)
    client = client_as("iso_office")
    assert client.post(reverse("audits:team_remove", args=[a1.pk, member.pk])).status_code == 404
    assert client.post(reverse("audits:slot_remove", args=[a1.pk, slot.pk])).status_code == 404
    assert AuditTeamMember.objects.filter(pk=member.pk).exists()


def test_other_agency_officer_cannot_touch_programme(org, personas, client_as):
    programme = make_programme(org, personas)
    other_iso = make_user("other_iso", org.other_div, Role.ISO_OFFICER, org.other_agency)
    from django.test import Client

    client = Client()
    client.force_login(other_iso)
    assert (
        client.post(
            reverse("audits:programme_edit", args=[programme.pk]), {"title": "X"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("audits:programme_export", args=[programme.pk, "docx"])).status_code
        == 404
    )
    programme.refresh_from_db()
    assert programme.title != "X"


def test_forged_unit_and_task_of_another_agency_refused(org, personas, client_as):
    programme = make_programme(org, personas, approve=True)
    client = client_as("iso_office")
    response = client.post(
        reverse("audits:audit_create", args=[programme.pk]),
        {
            "title": "Giả",
            "units": [org.other_div.pk],
            "start_date": "10/06/2026",
            "end_date": "10/06/2026",
        },
    )
    assert response.status_code == 200  # the choice is not offered: form error, input kept
    assert "Giả" in response.content.decode()
    assert not programme.audits.exists()


def test_stale_programme_form_keeps_input(org, personas, client_as):
    programme = make_programme(org, personas)
    client = client_as("iso_office")
    data = {
        "version": programme.version,
        "year": YEAR,
        "title": "Lần một",
        "start": "01/06/2026",
        "end": "30/07/2026",
    }
    assert (
        client.post(reverse("audits:programme_edit", args=[programme.pk]), data).status_code == 302
    )
    data["title"] = "Lần hai, bản cũ"
    stale = client.post(reverse("audits:programme_edit", args=[programme.pk]), data)
    assert stale.status_code == 200
    assert "Lần hai, bản cũ" in stale.content.decode()
    programme.refresh_from_db()
    assert programme.title == "Lần một"


def test_approved_programme_is_frozen(org, personas):
    programme = make_programme(org, personas, approve=True)
    with pytest.raises(svc.AuditError, match="draft"):
        svc.programme_update(
            actor=personas["iso_office"],
            programme=programme,
            data=svc.ProgrammeInput(
                year=YEAR, title="Sửa", start=programme.start, end=programme.end
            ),
            loaded_version=None,
        )
    assert Programme.objects.get(pk=programme.pk).title != "Sửa"


def test_plan_frozen_once_under_way(org, personas):
    programme = make_programme(org, personas, approve=True)
    audit = make_audit(org, personas, programme)
    svc.team_member_add(
        actor=personas["iso_office"], audit=audit, user=personas["auditor"], role="lead"
    )
    add_slot(personas, audit)
    svc.audit_send(actor=personas["iso_office"], audit=audit)
    svc.audit_start(actor=personas["auditor"], audit=audit)
    with pytest.raises(svc.AuditError, match="under way"):
        svc.slot_add(
            actor=personas["iso_office"],
            audit=audit,
            data=svc.SlotInput(
                date=audit.start_date,
                start_time=datetime.time(13),
                end_time=datetime.time(14),
                activity="X",
            ),
        )


def test_auditee_must_work_in_audited_unit(org, personas):
    programme = make_programme(org, personas)
    with pytest.raises(svc.AuditError, match="does not work in an audited unit"):
        svc.audit_create(
            actor=personas["iso_office"],
            programme=programme,
            data=svc.AuditInput(
                title="X",
                units=[org.div_a],
                start_date=programme.start,
                end_date=programme.start,
                auditees=[personas["head_b"]],
            ),
        )
