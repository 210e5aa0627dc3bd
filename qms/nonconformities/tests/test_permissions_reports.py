"""Persona × route × status for every route of the NC reports part (urls_reports): the
analytics page and the register read like the NC pages (agency-wide or the own unit), the
slip of an NC is for who reads that NC; a stranger gets 404, an anonymous visitor the
login page. Every route is GET only (reading)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PERSONAS, close_response, fresh, shared_org
from qms.nonconformities import urls_reports
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.tests.nca_factories import make_nc

pytestmark = pytest.mark.django_db
ALL = [*PERSONAS, "anonymous"]
EVERYONE = dict.fromkeys(ALL, 200) | {"anonymous": 302}
# Who reads an NC of division A: roles over the agency or the province, and division A's.
NC_READERS = {
    "leader",
    "iso_office",
    "head_a",
    "staff_a",
    "auditor",
    "overseer",
    "agency_admin",
    "sysadmin",
}
SLIP = {p: 200 if p in NC_READERS else 404 for p in ALL} | {"anonymous": 302}
# Without LibreOffice the PDF route sends the reader back to the NC's page (302 too).
SLIP_PDF = {p: 302 if p in NC_READERS else 404 for p in ALL} | {"anonymous": 302}

MATRIX: list[tuple[str, str, str | None, dict[str, int]]] = [
    ("analytics", "get", None, EVERYONE),
    ("export_xlsx", "get", None, EVERYONE),
    ("slip_docx", "get", "nc", SLIP),
    ("slip_pdf", "get", "nc", SLIP_PDF),
]

org, personas = shared_org()


@pytest.fixture(scope="module")
def shared_nc(module_org: Any, module_personas: Any, django_db_blocker: Any) -> Nonconformity:
    with django_db_blocker.unblock():
        return make_nc(
            agency=module_org.agency,
            unit=module_org.div_a,
            raised_on=datetime.date(2026, 6, 1),
            owner=module_personas["head_a"],
            status=Nonconformity.Status.IN_PROGRESS,
        )


@pytest.fixture
def nc(db: None, shared_nc: Nonconformity) -> Nonconformity:
    return fresh(shared_nc)


def test_every_route_is_in_the_matrix() -> None:
    names = {getattr(p, "name", None) for p in urls_reports.urlpatterns}
    assert names == {row[0] for row in MATRIX}


def _client(name: str, personas: dict[str, Any]) -> Client:
    client = Client()
    if name != "anonymous":
        client.force_login(personas[name])
    return client


@pytest.mark.parametrize(("name", "method", "target", "expected"), MATRIX)
def test_matrix(
    name: str,
    method: str,
    target: str | None,
    expected: dict[str, int],
    nc: Nonconformity,
    personas: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("qms.reports.responses.soffice_available", lambda: False)
    url = reverse(f"nonconformities:{name}", args=[nc.pk] if target == "nc" else [])
    got = {}
    for persona in ALL:
        response = getattr(_client(persona, personas), method)(url)
        got[persona] = response.status_code
        close_response(response)
    assert got == expected


def test_posts_are_refused(nc: Nonconformity, personas: Any) -> None:
    client = _client("iso_office", personas)
    for name, _method, target, _expected in MATRIX:
        url = reverse(f"nonconformities:{name}", args=[nc.pk] if target == "nc" else [])
        assert client.post(url).status_code == 405


def test_register_of_another_agency_is_never_given(
    nc: Nonconformity, org: Any, personas: Any
) -> None:
    """The outsider asking for agency A gets its own agency's (empty) register."""
    client = _client("outsider", personas)
    response = client.get(
        reverse("nonconformities:export_xlsx"), {"agency": org.agency.pk, "year": 2026}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert org.other_agency.name in rows[1][0]
    assert rows[4:] == []


def test_school_leader_reads_only_the_schools_ncs(
    nc: Nonconformity, org: Any, personas: Any
) -> None:
    client = _client("school_leader", personas)
    response = client.get(reverse("nonconformities:analytics"), {"year": 2026})
    assert response.status_code == 200
    assert response.context["data"].total == 0
    response = _client("head_a", personas).get(reverse("nonconformities:analytics"), {"year": 2026})
    assert response.context["data"].total == 1
