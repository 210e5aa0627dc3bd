"""Auditor independence (ISO 9001:2015, 9.2.2 c): refused or warned per the agency's setting."""

from __future__ import annotations

import pytest

from conftest import shared_org
from qms.audits import services_programme as svc
from qms.audits.models import AuditSettings, AuditTeamMember
from qms.audits.services_programme import AuditError
from qms.audits.tests.test_programme_factories import (
    english,  # noqa: F401
    issued_document,
    make_audit,
    make_programme,
)
from qms.audittrail.models import LogEntry

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def _set(org, personas, value: str) -> None:
    svc.settings_save(actor=personas["iso_office"], agency=org.agency, independence=value)


def _add(personas, audit, who: str, reason: str = "") -> svc.MemberAdded:
    return svc.team_member_add(
        actor=personas["iso_office"], audit=audit, user=personas[who], role="auditor", reason=reason
    )


@pytest.fixture
def audit_a(org, personas):
    return make_audit(org, personas, make_programme(org, personas), units=[org.div_a])


def test_default_setting_is_refuse(org):
    assert svc.audit_settings(org.agency).independence == AuditSettings.Independence.REFUSE


def test_member_of_audited_unit_refused(org, personas, audit_a):
    with pytest.raises(AuditError) as exc:
        _add(personas, audit_a, "staff_a")
    assert "belongs to the audited unit Phòng GDTrH" in str(exc.value)
    assert not audit_a.team.exists()


def test_head_of_audited_unit_refused(org, personas, audit_a):
    with pytest.raises(AuditError, match="heads the audited unit Phòng GDTrH"):
        _add(personas, audit_a, "head_a")


def test_author_of_procedure_in_scope_refused(org, personas):
    doc = issued_document(org, personas, author="head_b", code="QT-TCCB-09")
    audit = make_audit(org, personas, make_programme(org, personas), procedures=[doc])
    with pytest.raises(AuditError, match="drafted the procedure in scope QT-TCCB-09"):
        _add(personas, audit, "head_b")


def test_independent_auditor_accepted_under_refuse(org, personas, audit_a):
    added = _add(personas, audit_a, "auditor")
    assert added.member.independence_reason == ""
    assert not added.in_register


def test_warn_requires_a_reason(org, personas, audit_a):
    _set(org, personas, "warn")
    with pytest.raises(AuditError, match="Give the reason"):
        _add(personas, audit_a, "staff_a")


def test_warn_records_the_reason(org, personas, audit_a):
    _set(org, personas, "warn")
    added = _add(personas, audit_a, "head_a", reason="Đơn vị chỉ có một chuyên gia đã qua đào tạo")
    assert added.member.independence_reason.startswith("Đơn vị chỉ có")
    entry = LogEntry.objects.filter(action="audits.team.added").latest("pk")
    assert entry.changes["independence_reason"][1].startswith("Đơn vị chỉ có")


def test_warn_author_of_procedure_with_reason(org, personas):
    _set(org, personas, "warn")
    doc = issued_document(org, personas, author="head_b", code="QT-TCCB-09")
    audit = make_audit(org, personas, make_programme(org, personas), procedures=[doc])
    added = _add(personas, audit, "head_b", reason="Chỉ đánh giá phần không do mình soạn")
    assert added.member.independence_reason


def test_units_change_rechecked_refuse(org, personas):
    audit = make_audit(org, personas, make_programme(org, personas), units=[org.div_b])
    _add(personas, audit, "staff_a")  # independent of division B
    data = svc.AuditInput(
        title=audit.title, units=[org.div_a], start_date=audit.start_date, end_date=audit.end_date
    )
    with pytest.raises(AuditError, match="Staff_A is not independent"):
        svc.audit_update(actor=personas["iso_office"], audit=audit, data=data, loaded_version=None)
    audit.refresh_from_db()
    assert list(audit.units.all()) == [org.div_b]


def test_procedures_change_rechecked_warn(org, personas):
    _set(org, personas, "warn")
    doc = issued_document(org, personas, author="head_b", code="QT-TCCB-09")
    audit = make_audit(org, personas, make_programme(org, personas), units=[org.div_a])
    _add(personas, audit, "head_b")
    data = svc.AuditInput(
        title=audit.title,
        units=[org.div_a],
        start_date=audit.start_date,
        end_date=audit.end_date,
        procedures=[doc],
    )
    with pytest.raises(AuditError, match="Give the reason"):
        svc.audit_update(actor=personas["iso_office"], audit=audit, data=data, loaded_version=None)
    svc.audit_update(
        actor=personas["iso_office"],
        audit=audit,
        data=data,
        loaded_version=None,
        independence_reason="Được Ban ISO chấp thuận",
    )
    member = AuditTeamMember.objects.get(audit=audit, user=personas["head_b"])
    assert member.independence_reason == "Được Ban ISO chấp thuận"


def test_settings_need_manage_settings_on_agency(org, personas):
    for name in ("head_a", "school_iso", "auditor", "leader"):
        with pytest.raises(AuditError):
            svc.settings_save(actor=personas[name], agency=org.agency, independence="warn")
    svc.settings_save(actor=personas["agency_admin"], agency=org.agency, independence="warn")
    assert svc.audit_settings(org.agency).independence == "warn"


def test_settings_page_saves(org, client_as):
    client = client_as("iso_office")
    page = client.get("/audits/settings/")
    assert page.status_code == 200
    response = client.post("/audits/settings/", {"independence": "warn"})
    assert response.status_code == 302
    assert svc.audit_settings(org.agency).independence == "warn"
    assert client_as("head_a").get("/audits/settings/").status_code == 403


def test_plan_page_shows_the_reason(org, personas, client_as, audit_a):
    _set(org, personas, "warn")
    _add(personas, audit_a, "head_a", reason="Thiếu chuyên gia")
    page = client_as("iso_office").get(f"/audits/{audit_a.pk}/")
    assert "Thiếu chuyên gia" in page.content.decode()
    refused = client_as("iso_office").post(
        f"/audits/{audit_a.pk}/team/add/", {"user": personas["staff_a"].pk, "role": "auditor"}
    )
    assert refused.status_code == 200
    assert "Give the reason" in refused.content.decode() or "lý do" in refused.content.decode()


@pytest.mark.parametrize("setting", ["refuse", "warn"])
@pytest.mark.parametrize(
    "who,why", [("staff_a", "belongs to"), ("head_a", "heads"), ("head_b", "drafted")]
)
def test_each_conflict_under_each_setting(org, personas, setting, who, why):
    _set(org, personas, setting)
    doc = issued_document(org, personas, author="head_b", code="QT-TCCB-09")
    audit = make_audit(
        org, personas, make_programme(org, personas), units=[org.div_a], procedures=[doc]
    )
    with pytest.raises(AuditError, match=why):
        _add(personas, audit, who)
    if setting == "warn":
        assert (
            _add(personas, audit, who, reason="Có lý do").member.independence_reason == "Có lý do"
        )
    else:
        with pytest.raises(AuditError, match=why):
            _add(personas, audit, who, reason="Có lý do")
        assert not audit.team.exists()


def test_procedures_change_rechecked_refuse(org, personas):
    doc = issued_document(org, personas, author="head_b", code="QT-TCCB-09")
    audit = make_audit(org, personas, make_programme(org, personas), units=[org.div_a])
    _add(personas, audit, "head_b")
    data = svc.AuditInput(
        title=audit.title,
        units=[org.div_a],
        start_date=audit.start_date,
        end_date=audit.end_date,
        procedures=[doc],
    )
    with pytest.raises(AuditError, match="drafted the procedure in scope QT-TCCB-09"):
        svc.audit_update(
            actor=personas["iso_office"],
            audit=audit,
            data=data,
            loaded_version=None,
            independence_reason="x",
        )


def test_units_change_rechecked_warn(org, personas):
    _set(org, personas, "warn")
    audit = make_audit(org, personas, make_programme(org, personas), units=[org.div_b])
    _add(personas, audit, "staff_a")
    data = svc.AuditInput(
        title=audit.title, units=[org.div_a], start_date=audit.start_date, end_date=audit.end_date
    )
    svc.audit_update(
        actor=personas["iso_office"],
        audit=audit,
        data=data,
        loaded_version=None,
        independence_reason="Bổ sung",
    )
    assert (
        AuditTeamMember.objects.get(audit=audit, user=personas["staff_a"]).independence_reason
        == "Bổ sung"
    )
