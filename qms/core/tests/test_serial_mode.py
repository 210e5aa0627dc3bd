"""Issue 12 L1: switching "one serial for all types" mid-year never issues a second 01."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from qms.audittrail.models import LogEntry
from qms.core.models import IssuedNumber, OrgUnit
from qms.core.numbering import number_issue
from qms.core.services import OrgUnitError, orgunit_update

D = datetime.date
TODAY = D(2026, 3, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_march_2026() -> Iterator[None]:
    with time_machine.travel("2026-03-02 09:00 +0700", tick=False):
        yield


def _issue(agency: OrgUnit, doc_type: str, day: datetime.date = TODAY) -> str:
    return number_issue(
        agency=agency, doc_type=doc_type, issued_on=day, subject="", actor=None
    ).symbol


def _unit_post(agency: OrgUnit, **changes: Any) -> dict[str, Any]:
    data = {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "parent": agency.parent_id,
        "doc_symbol": agency.doc_symbol,
        "shared_serial": "on" if agency.shared_serial else "",
        "parent_body_name": agency.parent_body_name,
        "place_name": agency.place_name,
        "sort_order": agency.sort_order,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_switch_is_refused_through_the_page_once_the_year_has_numbers(client_as, org):
    assert _issue(org.agency, "QĐ") == "01/QĐ-SGDĐT"
    logged = LogEntry.objects.count()
    url = reverse("core:unit_edit", kwargs={"pk": org.agency.pk})
    client = client_as("sysadmin")
    client.cookies["django_language"] = "en"  # the page follows the visitor's language
    page = client.get(url).content.decode()
    assert "Fixed for 2026: numbers have already been issued this year." in page

    response = client.post(url, _unit_post(org.agency, shared_serial="", place_name="Phố Hiến"))

    assert response.status_code == 200
    assert "the serial mode can change only before the first number" in response.content.decode()
    assert response.context["form"]["place_name"].value() == "Phố Hiến"  # input kept
    org.agency.refresh_from_db()
    assert org.agency.shared_serial is True and org.agency.place_name == "Hưng Yên"
    assert LogEntry.objects.count() == logged
    assert _issue(org.agency, "QĐ") == "02/QĐ-SGDĐT"  # the attack's second 01 never comes


def test_switch_allowed_before_the_first_number_of_the_year(org, personas):
    _issue(org.agency, "QĐ", D(2025, 6, 1))  # last year's register does not lock this year

    orgunit_update(actor=personas["sysadmin"], unit=org.agency, data={"shared_serial": False})

    org.agency.refresh_from_db()
    assert org.agency.shared_serial is False
    assert LogEntry.objects.filter(action="core.unit.updated", object_id=org.agency.pk).exists()
    assert [_issue(org.agency, t) for t in ("QĐ", "KH", "QĐ")] == [
        "01/QĐ-SGDĐT",
        "01/KH-SGDĐT",
        "02/QĐ-SGDĐT",
    ]


def test_service_refuses_the_switch_both_ways(org, personas):
    _issue(org.agency, "KH")
    with pytest.raises(OrgUnitError):
        orgunit_update(actor=personas["sysadmin"], unit=org.agency, data={"shared_serial": False})
    OrgUnit.objects.filter(pk=org.agency.pk).update(shared_serial=False)
    org.agency.refresh_from_db()
    with pytest.raises(OrgUnitError):
        orgunit_update(actor=personas["sysadmin"], unit=org.agency, data={"shared_serial": True})


def test_back_dated_number_after_a_switch_continues_the_type(org):
    """2025 was shared (01/QĐ, 02/KH, 03/QĐ); 2026 is per type; a number dated 2025 is
    still taken: it continues after 03, it does not restart at 01."""
    assert [_issue(org.agency, t, D(2025, 5, 1)) for t in ("QĐ", "KH", "QĐ")] == [
        "01/QĐ-SGDĐT",
        "02/KH-SGDĐT",
        "03/QĐ-SGDĐT",
    ]
    OrgUnit.objects.filter(pk=org.agency.pk).update(shared_serial=False)
    org.agency.refresh_from_db()

    assert _issue(org.agency, "QĐ", D(2025, 12, 30)) == "04/QĐ-SGDĐT"
    assert _issue(org.agency, "KH", D(2025, 12, 30)) == "03/KH-SGDĐT"
    # ...and back to one serial: the shared counter goes past every type's serial.
    OrgUnit.objects.filter(pk=org.agency.pk).update(shared_serial=True)
    org.agency.refresh_from_db()
    assert _issue(org.agency, "QĐ", D(2025, 12, 31)) == "05/QĐ-SGDĐT"


def test_constraint_refuses_a_forced_second_01_of_a_type(org):
    first = number_issue(
        agency=org.agency, doc_type="QĐ", issued_on=D(2026, 1, 5), subject="", actor=None
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedNumber.objects.create(
            agency=org.agency,
            year=2026,
            series="QĐ",  # another series, the same type and serial
            serial=first.serial,
            doc_type="QĐ",
            symbol=first.symbol,
            issued_on=D(2026, 6, 1),
        )
