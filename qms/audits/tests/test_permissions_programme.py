"""Persona × URL × status for every route of the programme part: the ISO office plans, the
leadership approves the programme, the lead auditor approves the report, the audited unit
reads its own audit, the overseer only reads, another agency sees nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import URLPattern, reverse

from conftest import PERSONAS, close_response, fresh, shared_org
from qms.audits import services_programme as svc
from qms.audits.models import Audit, Auditor, Programme
from qms.audits.tests.test_programme_factories import (
    YEAR,
    add_slot,
    english,  # noqa: F401
    make_audit,
    make_programme,
)
from qms.audits.urls_programme import urlpatterns

pytestmark = pytest.mark.django_db
ALL = list(PERSONAS)
# Those who see the agency's programmes: every role in the agency or over the province.
PROGRAMME_READERS = {p: 200 for p in ALL if p != "outsider"} | {"outsider": 404}
# Those who see division A's audit: roles over the agency, and division A's own people.
AUDIT_READERS = {
    "leader",
    "iso_office",
    "auditor",
    "overseer",
    "agency_admin",
    "sysadmin",
    "head_a",
    "staff_a",
}
AUDIT_VIEWERS = {p: (200 if p in AUDIT_READERS else 404) for p in ALL}


def only(allowed: dict[str, int], default: int = 403, outsider: int = 404) -> dict[str, int]:
    table = dict.fromkeys(ALL, default)
    table["outsider"] = outsider
    table.update(allowed)
    return table


def on_audit(allowed: dict[str, int]) -> dict[str, int]:
    """Readers of the audit get 403 unless allowed; the others 404."""
    table = {p: (403 if p in AUDIT_READERS else 404) for p in ALL}
    table.update(allowed)
    return table


ISO_200 = {"iso_office": 200}
ISO_302 = {"iso_office": 302}
REGISTER_200 = {"iso_office": 200, "agency_admin": 200}
REGISTER_302 = {"iso_office": 302, "agency_admin": 302}

# (url name, method, target, expected)
MATRIX: list[tuple[str, str, str | None, dict[str, int]]] = [
    ("home", "get", None, dict.fromkeys(ALL, 200)),
    ("programme_create", "get", None, only(ISO_200, outsider=403)),
    ("programme_create", "post", None, only(ISO_200, outsider=403)),
    ("programme_detail", "get", "approved", PROGRAMME_READERS),
    ("programme_edit", "get", "draft", only(ISO_200)),
    ("programme_edit", "post", "draft", only(ISO_200)),
    ("programme_approve", "post", "draft", only({"leader": 302})),
    ("programme_close", "post", "approved", only(ISO_302)),
    ("programme_archive", "post", "draft", only(ISO_302)),
    ("audit_create", "get", "approved", only(ISO_200)),
    ("audit_create", "post", "approved", only(ISO_200)),
    ("programme_export", "get", "approved_docx", PROGRAMME_READERS),
    ("audit_detail", "get", "planned", AUDIT_VIEWERS),
    ("audit_edit", "get", "planned", on_audit(ISO_200)),
    ("audit_edit", "post", "planned", on_audit(ISO_200)),
    ("team_add", "post", "planned", on_audit(ISO_200)),
    ("team_remove", "post", "member", on_audit(ISO_302)),
    ("slot_add", "post", "planned", on_audit(ISO_200)),
    ("slot_remove", "post", "slot", on_audit(ISO_302)),
    ("audit_send", "post", "planned", on_audit(ISO_302)),
    ("audit_archive", "post", "planned", on_audit(ISO_302)),
    ("audit_start", "post", "planned", on_audit({"iso_office": 302, "auditor": 302})),
    ("audit_finish", "post", "planned", on_audit({"iso_office": 302, "auditor": 302})),
    ("report_edit", "get", "done", on_audit({"auditor": 200})),
    ("report_edit", "post", "done", on_audit({"auditor": 302})),
    ("report_approve", "post", "done", on_audit({"auditor": 302})),
    ("report_send", "post", "done", on_audit({"iso_office": 302, "auditor": 302})),
    ("plan_export", "get", "planned_docx", AUDIT_VIEWERS),
    ("report_export", "get", "done_docx", AUDIT_VIEWERS),
    ("auditors", "get", None, only(REGISTER_200, outsider=403)),
    ("auditors", "post", None, only(REGISTER_200, outsider=403)),
    ("auditor_edit", "get", "entry", only(REGISTER_200)),
    ("auditor_edit", "post", "entry", only(REGISTER_302)),
    ("auditor_archive", "post", "entry", only(REGISTER_302)),
    ("settings", "get", None, only(REGISTER_200, outsider=403)),
    ("settings", "post", None, only(REGISTER_200, outsider=403)),
]

org, personas = shared_org()


def _build(org: Any, personas: Any) -> dict[str, Any]:
    approved = make_programme(org, personas, approve=True)
    draft = svc.programme_create(
        actor=personas["iso_office"],
        agency=org.agency,
        data=svc.ProgrammeInput(
            year=YEAR + 1,
            title="Chương trình năm sau",
            start=datetime.date(YEAR + 1, 6, 1),
            end=datetime.date(YEAR + 1, 7, 30),
        ),
    )
    planned = make_audit(org, personas, approved)
    member = svc.team_member_add(
        actor=personas["iso_office"], audit=planned, user=personas["auditor"], role="lead"
    ).member
    slot = add_slot(personas, planned)
    done = make_audit(org, personas, approved)
    svc.team_member_add(
        actor=personas["iso_office"], audit=done, user=personas["auditor"], role="lead"
    )
    add_slot(personas, done)
    svc.audit_send(actor=personas["iso_office"], audit=done)
    svc.audit_start(actor=personas["auditor"], audit=done)
    svc.audit_finish(actor=personas["auditor"], audit=done)
    Audit.objects.filter(pk=done.pk).update(conclusions="Hệ thống phù hợp.")
    entry = svc.auditor_add(
        actor=personas["iso_office"],
        agency=org.agency,
        data=svc.AuditorInput(user=personas["auditor"]),
    )
    return {
        "approved": approved,
        "draft": draft,
        "planned": planned,
        "member": member,
        "slot": slot,
        "done": done,
        "entry": entry,
    }


@pytest.fixture(scope="module")
def shared_objects(module_org: Any, module_personas: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _build(module_org, module_personas)


@pytest.fixture
def objects(db: None, shared_objects: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_objects)


def _url(name: str, target: str | None, o: dict[str, Any]) -> str:
    full = f"audits:{name}"
    if target is None:
        return reverse(full)
    if target.endswith("_docx"):
        return reverse(full, args=[o[target.removesuffix("_docx")].pk, "docx"])
    if target == "member":
        return reverse(full, args=[o["planned"].pk, o["member"].pk])
    if target == "slot":
        return reverse(full, args=[o["planned"].pk, o["slot"].pk])
    return reverse(full, args=[o[target].pk])


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name,method,target,expected", MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX]
)
def test_permission_matrix(
    client_as: Any,
    objects: Any,
    persona: str,
    name: str,
    method: str,
    target: str | None,
    expected: dict[str, int],
) -> None:
    url = _url(name, target, objects)
    client = client_as(persona)
    response = client.post(url, {}) if method == "post" else client.get(url)
    close_response(response)
    assert response.status_code == expected[persona], (persona, name, method)


def test_every_route_is_in_the_matrix() -> None:
    names = {m[0] for m in MATRIX}
    routes = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    assert routes == names


def test_overseer_reads_but_changes_nothing(client_as: Any, objects: Any) -> None:
    client = client_as("overseer")
    programme = objects["draft"]
    assert (
        client.get(reverse("audits:programme_detail", args=[objects["approved"].pk])).status_code
        == 200
    )
    assert client.post(reverse("audits:programme_approve", args=[programme.pk])).status_code == 403
    assert (
        client.post(reverse("audits:audit_send", args=[objects["planned"].pk])).status_code == 403
    )
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT


def test_sub_unit_roles_change_nothing(client_as: Any, objects: Any) -> None:
    """A leader or ISO officer of a school (under the agency) neither approves nor plans."""
    for persona in ("school_leader", "school_iso", "div_iso"):
        client = client_as(persona)
        assert (
            client.post(reverse("audits:programme_approve", args=[objects["draft"].pk])).status_code
            == 403
        )
        assert (
            client.post(
                reverse("audits:programme_edit", args=[objects["draft"].pk]), {}
            ).status_code
            == 403
        )
    assert not Auditor.objects.filter(archived_at__isnull=False).exists()


@pytest.mark.parametrize(
    "name,method,target,expected", MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX]
)
def test_anonymous_is_sent_to_sign_in(
    client: Any, objects: Any, name: str, method: str, target: str | None, expected: dict[str, int]
) -> None:
    url = _url(name, target, objects)
    response = client.post(url, {}) if method == "post" else client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
