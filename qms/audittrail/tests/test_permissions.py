"""Who may read the audit log, and which entries each persona sees (persona × URL × status)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from openpyxl import load_workbook

from conftest import shared_org
from qms.accounts import permissions
from qms.accounts.models import Role, RoleAssignment
from qms.audittrail import selectors
from qms.audittrail import urls as audittrail_urls
from qms.audittrail.services import logentry_create

READERS = ("leader", "overseer", "agency_admin", "sysadmin")
REFUSED = ("staff_a", "head_a", "head_b", "iso_office", "auditor", "outsider")

URLS = {
    "audittrail:log_list": {"reader": 200, "refused": 403},
    "audittrail:log_export": {"reader": 200, "refused": 403},
}
MATRIX = [
    (name, persona, codes["reader"] if persona in READERS else codes["refused"])
    for name, codes in URLS.items()
    for persona in (*READERS, *REFUSED)
]


# One organisation per module; each case runs in a savepoint.
org, personas = shared_org()


def test_every_route_is_in_the_matrix() -> None:
    names = {
        f"{audittrail_urls.app_name}:{p.name}"
        for p in audittrail_urls.urlpatterns
        if isinstance(p, URLPattern)
    }
    assert names == set(URLS)


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "persona", "status"), MATRIX)
def test_permission_matrix(client_as, url_name: str, persona: str, status: int) -> None:
    response = client_as(persona).get(reverse(url_name))
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", list(URLS))
def test_anonymous_is_sent_to_login(url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", list(URLS))
def test_post_is_not_allowed(client_as, url_name: str) -> None:
    assert client_as("leader").post(reverse(url_name)).status_code == 405


@pytest.fixture
def scoped_entries(org, personas):
    """One marked entry in a division of agency A, at agency A, and in agency B."""
    actor = personas["iso_office"]
    marks = {
        "mark-div-a": org.div_a,
        "mark-agency-a": org.agency,
        "mark-agency-b": org.other_div,
    }
    for note, unit in marks.items():
        logentry_create(
            actor=actor, action="planning.task.confirmed", obj=unit, unit=unit, note=note
        )
    return marks


SEES = {
    "leader": {"mark-div-a", "mark-agency-a"},
    "agency_admin": {"mark-div-a", "mark-agency-a"},
    "overseer": {"mark-div-a", "mark-agency-a", "mark-agency-b"},
    "sysadmin": {"mark-div-a", "mark-agency-a", "mark-agency-b"},
}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), SEES.items())
def test_each_reader_sees_only_entries_in_scope(client_as, scoped_entries, persona, expected):
    response = client_as(persona).get(reverse("audittrail:log_list"))
    shown = {e.note for e in response.context["page"] if e.note.startswith("mark-")}
    assert shown == expected
    content = response.content.decode()
    for note in set(scoped_entries) - expected:
        assert note not in content


@pytest.mark.django_db
def test_every_shown_entry_is_inside_the_leaders_agency(client_as, org, scoped_entries):
    response = client_as("leader").get(reverse("audittrail:log_list"))
    units = {e.unit for e in response.context["page"]}
    assert units
    assert all(u.path.startswith(org.agency.path) for u in units)


@pytest.mark.django_db
def test_outsider_with_a_log_role_elsewhere_never_sees_agency_a(
    client_as, org, personas, scoped_entries
):
    outsider = personas["outsider"]
    RoleAssignment.objects.create(user=outsider, role=Role.LEADER, org_unit=org.other_agency)
    permissions.clear_cache(outsider)
    client = client_as("outsider")

    response = client.get(reverse("audittrail:log_list"))
    assert response.status_code == 200
    shown = {e.note for e in response.context["page"] if e.note.startswith("mark-")}
    assert shown == {"mark-agency-b"}
    assert all(e.unit.path.startswith(org.other_agency.path) for e in response.context["page"])
    assert "mark-agency-a" not in response.content.decode()
    assert org.agency.name not in response.content.decode()


@pytest.mark.django_db
def test_outsider_cannot_pick_or_export_agency_a(client_as, org, personas, scoped_entries):
    outsider = personas["outsider"]
    RoleAssignment.objects.create(user=outsider, role=Role.LEADER, org_unit=org.other_agency)
    client = client_as("outsider")

    response = client.get(reverse("audittrail:log_list"), {"unit": org.div_a.pk})
    assert "mark-div-a" not in response.content.decode()
    assert response.context["form"].errors["unit"]

    export = client.get(reverse("audittrail:log_export"), {"unit": org.div_a.pk})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = {str(v) for row in sheet.iter_rows(min_row=2, values_only=True) for v in row}
    assert "mark-agency-b" in values
    assert not values & {"mark-div-a", "mark-agency-a", org.agency.name, org.div_a.name}


@pytest.mark.django_db
def test_export_rows_follow_the_same_scope(client_as, scoped_entries, personas):
    leader = personas["leader"]
    rows = list(selectors.logentry_list(user=leader))
    notes = {e.note for e in rows if e.note.startswith("mark-")}
    assert notes == SEES["leader"]
