"""Persona × URL × status for the core routes of units and the number register (the
calendar routes have their matrix in ``test_permissions.py``).

Out of scope → 404, in scope without the role → 403. Every route that accepts POST is
POSTed by every persona; the changes are decided on the target unit or agency itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS, make_user, shared_org
from qms.accounts.models import Role
from qms.audittrail.models import LogEntry
from qms.core.models import IssuedNumber, NumberCounter, OrgUnit
from qms.core.urls import urlpatterns

pytestmark = pytest.mark.django_db

ALL = list(PERSONAS)
ADMINS = ("agency_admin", "sysadmin")


def only(allowed: dict[str, int], default: int = 403, outsider: int = 404) -> dict[str, int]:
    table = dict.fromkeys(ALL, default)
    table["outsider"] = outsider
    table.update(allowed)
    return table


def admins(status: int, outsider: int = 404) -> dict[str, int]:
    return only(dict.fromkeys(ADMINS, status), outsider=outsider)


# (url name, method, target, expected by persona)
MATRIX: list[tuple[str, str, str | None, dict[str, int]]] = [
    ("home", "get", None, dict.fromkeys(ALL, 302)),
    ("unit_list", "get", None, dict.fromkeys(ALL, 200)),
    ("unit_detail", "get", "unit", only(dict.fromkeys(ALL, 200)) | {"outsider": 404}),
    ("unit_create", "get", None, admins(200, outsider=403)),
    ("unit_create", "post", None, admins(200, outsider=403)),
    ("unit_edit", "get", "unit", admins(200)),
    ("unit_edit", "post", "unit", admins(200)),
    ("unit_archive", "post", "unit", admins(302)),
    ("number_list", "get", None, admins(200, outsider=403)),
    ("number_list", "post", None, admins(200, outsider=403)),
]


# One organisation per module; each case runs in a savepoint.
org, personas = shared_org()


@pytest.fixture
def objects(org: Any) -> dict[str, Any]:
    return {"unit": org.div_a}


def _url(name: str, target: str | None, objects: dict[str, Any]) -> str:
    if target is None:
        return reverse(f"core:{name}")
    return reverse(f"core:{name}", kwargs={"pk": objects[target].pk})


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name,method,target,expected", MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX]
)
def test_permission_matrix(client_as, objects, persona, name, method, target, expected):
    response = getattr(client_as(persona), method)(_url(name, target, objects))
    assert response.status_code == expected[persona], (persona, name, method)


def test_every_route_but_the_calendar_is_in_the_matrix():
    names = {p.name for p in urlpatterns if not (p.name or "").startswith("calendar")}
    assert names == {m[0] for m in MATRIX}


@pytest.fixture
def school_admin(org: Any) -> Any:
    """An agency admin whose role is held on the school only."""
    return make_user("school_admin", org.school, Role.AGENCY_ADMIN, org.school)


def _register(org: Any) -> dict[str, Any]:
    return {
        "agency": org.agency.pk,
        "doc_type": "QĐ",
        "serial": "999",
        "issued_on": "01/03/2026",
        "subject": "Số chen vào sổ của Sở",
    }


def test_admin_of_a_school_changes_the_school_not_the_agency(client, org, school_admin):
    client.force_login(school_admin)
    before = (
        sorted(NumberCounter.objects.values_list("pk", "last")),
        IssuedNumber.objects.count(),
        LogEntry.objects.count(),
        OrgUnit.objects.get(pk=org.div_a.pk).name,
    )
    edit = {"code": "X", "name": "Phòng bị đổi tên", "kind": "division", "sort_order": "0"}
    assert client.post(reverse("core:unit_edit", args=[org.div_a.pk]), edit).status_code == 403
    assert client.post(reverse("core:unit_archive", args=[org.div_a.pk])).status_code == 403
    assert client.post(reverse("core:number_list"), _register(org)).status_code == 403
    assert client.post(reverse("planning:rule_list"), {"agency": org.agency.pk}).status_code == 403
    after = (
        sorted(NumberCounter.objects.values_list("pk", "last")),
        IssuedNumber.objects.count(),
        LogEntry.objects.count(),
        OrgUnit.objects.get(pk=org.div_a.pk).name,
    )
    assert after == before
    # Its own unit it manages.
    assert client.get(reverse("core:unit_edit", args=[org.school.pk])).status_code == 200


def test_agency_admin_registers_a_number_in_the_agency_register(client_as, org):
    response = client_as("agency_admin").post(reverse("core:number_list"), _register(org))
    assert response.status_code == 302
    assert IssuedNumber.objects.filter(agency=org.agency, serial=999).exists()


def test_agencies_for_change_needs_a_role_over_the_agency_itself(org, personas, school_admin):
    from qms.core.selectors import agencies_for_change, agencies_for_reading

    action = "core.register_number"
    assert list(agencies_for_reading(school_admin, action)) == [org.agency]
    assert list(agencies_for_change(school_admin, action)) == []
    assert list(agencies_for_change(personas["agency_admin"], action)) == [org.agency]
