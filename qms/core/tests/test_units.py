"""Organisation tree pages and services: scope, renames with history, merges, archive."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS, shared_org
from qms.audittrail.models import LogEntry
from qms.core.models import OrgUnit, OrgUnitName
from qms.core.services import OrgUnitError, orgunit_archive, orgunit_create, orgunit_update
from qms.core.urls import urlpatterns

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


ALL = list(PERSONAS)
MANAGERS = {"agency_admin", "sysadmin"}


def test_rename_keeps_former_name_and_logs_before_after(org, personas):
    unit = orgunit_update(
        actor=personas["agency_admin"],
        unit=org.div_a,
        data={"name": "Phòng Giáo dục phổ thông", "short_name": "Phòng GDPT"},
    )
    assert OrgUnitName.objects.get(unit=unit).name == "Phòng Giáo dục Trung học"
    entry = LogEntry.objects.for_object(unit).get(action="core.unit.updated")
    assert entry.changes["name"] == ["Phòng Giáo dục Trung học", "Phòng Giáo dục phổ thông"]


def test_move_updates_the_subtree_paths(org, personas):
    child = orgunit_create(
        actor=None, code="TO-1", name="Tổ 1", kind=OrgUnit.Kind.DIVISION, parent=org.div_a
    )
    orgunit_update(actor=personas["sysadmin"], unit=org.div_a, data={"parent": org.office})
    child.refresh_from_db()
    assert child.path.startswith(org.office.path) and child.agency == org.agency


def test_cannot_move_under_own_subtree(org, personas):
    with pytest.raises(OrgUnitError):
        orgunit_update(actor=personas["sysadmin"], unit=org.agency, data={"parent": org.div_a})


def test_archive_refused_with_active_children_and_merge_keeps_records(org, personas):
    with pytest.raises(OrgUnitError):
        orgunit_archive(actor=personas["sysadmin"], unit=org.agency)
    unit = orgunit_archive(actor=personas["sysadmin"], unit=org.div_b, merged_into=org.div_a)
    assert unit.archived_at and unit.merged_into == org.div_a
    assert OrgUnit.objects.filter(pk=org.div_b.pk).exists()
    assert LogEntry.objects.for_object(unit).filter(action="core.unit.merged").exists()


@pytest.mark.parametrize("persona", ALL)
def test_unit_pages_matrix(client_as, org, persona):
    client = client_as(persona)
    detail = reverse("core:unit_detail", kwargs={"pk": org.div_a.pk})
    edit = reverse("core:unit_edit", kwargs={"pk": org.div_a.pk})
    archive = reverse("core:unit_archive", kwargs={"pk": org.div_a.pk})
    in_scope = persona != "outsider"
    assert client.get(reverse("core:home")).status_code == 302
    assert client.get(reverse("core:unit_list")).status_code == 200
    assert client.get(detail).status_code == (200 if in_scope else 404)
    manage = 200 if persona in MANAGERS else (403 if in_scope else 404)
    assert client.get(edit).status_code == manage
    assert client.post(archive).status_code == (302 if persona in MANAGERS else manage)
    create = 200 if persona in MANAGERS else 403
    assert client.get(reverse("core:unit_create")).status_code == create
    assert client.get(reverse("core:number_list")).status_code == create


def test_every_core_route_is_covered():
    assert {p.name for p in urlpatterns} == {
        "home",
        "unit_list",
        "unit_create",
        "unit_detail",
        "unit_edit",
        "unit_archive",
        "number_list",
        "calendar",
        "calendar_remove",
        "calendar_notice_create",
        "calendar_notice_archive",
    }


def test_outsider_does_not_see_other_agency_units_in_the_list(client_as, org):
    content = client_as("outsider").get(reverse("core:unit_list")).content.decode()
    assert org.div_a.name not in content and org.other_div.name in content


def test_rename_through_the_page(client_as, org):
    url = reverse("core:unit_edit", kwargs={"pk": org.div_a.pk})
    response = client_as("agency_admin").post(
        url,
        {
            "code": org.div_a.code,
            "name": "Phòng mới",
            "short_name": "",
            "kind": "division",
            "parent": org.agency.pk,
            "sort_order": 0,
        },
    )
    assert response.status_code == 302
    org.div_a.refresh_from_db()
    assert org.div_a.name == "Phòng mới"


def test_register_external_number_through_the_page(client_as, org):
    url = reverse("core:number_list")
    data = {
        "agency": org.agency.pk,
        "doc_type": "KH",
        "serial": 187,
        "issued_on": "07/02/2022",
        "subject": "Kế hoạch ISO 2022",
    }
    assert client_as("agency_admin").post(url, data).status_code == 302
    again = client_as("agency_admin").post(url, data)
    assert again.status_code == 200 and "187" in again.content.decode()


def test_unit_list_queries_are_flat(client_as, org, django_assert_max_num_queries):
    client = client_as("sysadmin")
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("core:unit_list"))
    for i in range(45):
        orgunit_create(
            actor=None,
            code=f"X{i}",
            name=f"Trường {i}",
            kind=OrgUnit.Kind.SCHOOL,
            parent=org.agency,
        )
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("core:unit_list"))


def test_user_list_queries_are_flat(client_as, org, django_assert_max_num_queries):
    from conftest import make_user

    client = client_as("sysadmin")
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("accounts:user_list"))
    for i in range(40):
        make_user(f"u{i}", org.div_a, "staff", org.div_a)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("accounts:user_list"))
