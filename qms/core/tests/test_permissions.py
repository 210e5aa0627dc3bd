"""Persona × URL × status for the working-day calendar routes: agency and system
administrators read the national calendar; only a system administrator holding the role on
the province changes it (issue 12: an agency admin who granted itself system_admin on its
agency must not edit it)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS, fresh, make_user, shared_org
from qms.accounts.models import Role
from qms.core import calendar_services, services
from qms.core.calendar_services import NoticeInput
from qms.core.models import CalendarNotice, CalendarOverride
from qms.core.urls import urlpatterns

pytestmark = pytest.mark.django_db
ALL = list(PERSONAS)
READERS = {"sysadmin", "agency_admin"}


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    return dict.fromkeys(ALL, default) | allowed


NOTICE_POST = {
    "number": "123/TB-BNV",
    "issued_on": "15/10/2026",
    "issuer": "Bộ Nội vụ",
    "year": "2027",
    "days_off": "08/02/2027 Tết Nguyên đán",
    "working_days": "",
}

# (url name, method, target, expected) — the calendar routes of core/urls.py.
MATRIX: list[tuple[str, str, str | None, dict[str, int]]] = [
    ("calendar", "get", None, only(dict.fromkeys(READERS, 200))),
    ("calendar", "post", None, only({"sysadmin": 302})),
    ("calendar_remove", "post", "override", only({"sysadmin": 302})),
    ("calendar_notice_create", "post", None, only({"sysadmin": 302})),
    ("calendar_notice_archive", "post", "notice", only({"sysadmin": 302})),
]
CALENDAR_ROUTES = {
    "calendar",
    "calendar_remove",
    "calendar_notice_create",
    "calendar_notice_archive",
}


# One organisation, one set of objects per module; each case runs in a savepoint.
org, personas = shared_org()


def _build_objects(personas: Any) -> dict[str, Any]:
    admin = personas["sysadmin"]
    override = services.calendar_override_set(
        actor=admin, date=datetime.date(2027, 3, 15), kind="day_off", note="Nghỉ"
    )
    notice = calendar_services.calendar_notice_create(
        actor=admin,
        data=NoticeInput(
            year=2027,
            number="1/TB-BNV",
            issued_on=datetime.date(2026, 10, 1),
            issuer="Bộ Nội vụ",
            summary="",
            days=[(datetime.date(2027, 2, 5), "day_off", "Tết")],
        ),
    )
    return {"override": override, "notice": notice}


@pytest.fixture(scope="module")
def shared_objects(module_personas: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _build_objects(module_personas)


@pytest.fixture
def objects(db: None, shared_objects: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_objects)


def _request(client: Any, name: str, method: str, target: str | None, objects: Any) -> Any:
    kwargs = {"pk": objects[target].pk} if target else {}
    url = reverse(f"core:{name}", kwargs=kwargs)
    if method == "get":
        return client.get(url)
    data: dict[str, str] = {}
    if name == "calendar":
        data = {"date": "16/03/2027", "kind": "day_off", "note": "Nghỉ bù"}
    elif name == "calendar_notice_create":
        data = NOTICE_POST
    return client.post(url, data)


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
    overrides, notices = (
        CalendarOverride.objects.count(),
        CalendarNotice.objects.filter(archived_at=None).count(),
    )
    response = _request(client_as(persona), name, method, target, objects)
    assert response.status_code == expected[persona], (persona, name, method)
    if response.status_code == 403:  # nothing changed
        assert CalendarOverride.objects.count() == overrides
        assert CalendarNotice.objects.filter(archived_at=None).count() == notices


def test_every_calendar_route_is_in_the_matrix() -> None:
    names = {p.name for p in urlpatterns if p.name and p.name.startswith("calendar")}
    assert names == CALENDAR_ROUTES == {m[0] for m in MATRIX}


def test_system_admin_on_an_agency_only_reads(org: Any, client_as: Any, objects: Any) -> None:
    """The H4 escalation: system_admin held on the agency (not the province) is refused."""
    from django.test import Client

    user = make_user("agency_sys", org.office, Role.SYSTEM_ADMIN, org.agency)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("core:calendar")).status_code == 200
    response = client.post(reverse("core:calendar_notice_create"), NOTICE_POST)
    assert response.status_code == 403
    response = client.post(
        reverse("core:calendar"), {"date": "02/01/2026", "kind": "working", "note": "x"}
    )
    assert response.status_code == 403
    assert not CalendarOverride.objects.filter(date=datetime.date(2026, 1, 2)).exists()
    archive = reverse("core:calendar_notice_archive", kwargs={"pk": objects["notice"].pk})
    assert client.post(archive).status_code == 403
    assert CalendarNotice.objects.get(pk=objects["notice"].pk).archived_at is None


def test_reader_sees_no_change_forms(client_as: Any, objects: Any) -> None:
    page = client_as("agency_admin").get(reverse("core:calendar") + "?year=2027").content.decode()
    assert "calendar/notices/" not in page and "/remove/" not in page
    page = client_as("sysadmin").get(reverse("core:calendar") + "?year=2027").content.decode()
    assert "calendar/notices/" in page and "/remove/" in page
