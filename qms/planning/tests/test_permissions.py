"""Persona × URL × status for every planning and plan-report route.

Out of scope → 404, in scope without the role → 403, wrong method → 405.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PERSONAS, close_response, fresh, shared_org
from qms.core.tests.files import pdf_bytes
from qms.planning import services
from qms.planning.models import Evidence
from qms.planning.tests.factories import first_task, make_plan
from qms.planning.urls import urlpatterns as planning_urls

pytestmark = pytest.mark.django_db

ALL = list(PERSONAS)
VIEWERS = {p: 200 for p in ALL if p != "outsider"} | {"outsider": 404}


def only(allowed: dict[str, int], default: int = 403, outsider: int = 404) -> dict[str, int]:
    table = dict.fromkeys(ALL, default)
    table["outsider"] = outsider
    table.update(allowed)
    return table


# The weekly summary is read agency-wide (a reading role held inside the agency).
WEEKLY_READERS = ["iso_office", "leader", "agency_admin", "school_leader", "school_iso", "div_iso"]

# (url name, method, object, expected by persona)
MATRIX = [
    ("plan_list", "get", None, dict.fromkeys(ALL, 200)),
    ("my_tasks", "get", None, dict.fromkeys(ALL, 200)),
    ("plan_create", "get", None, only({"iso_office": 200}, outsider=403)),
    (
        "dashboard",
        "get",
        None,
        only(
            {
                "leader": 200,
                "iso_office": 200,
                "overseer": 200,
                "agency_admin": 200,
                "sysadmin": 200,
            },
            outsider=403,
        ),
    ),
    ("rule_list", "get", None, only({"iso_office": 200, "agency_admin": 200}, outsider=403)),
    ("plan_detail", "get", "plan", VIEWERS),
    ("plan_history", "get", "plan", VIEWERS),
    ("task_list", "get", "plan", VIEWERS),
    ("plan_timeline", "get", "plan", VIEWERS),
    ("plan_edit", "get", "plan", only({"iso_office": 200})),
    ("plan_content_edit", "get", "plan", only({"iso_office": 200})),
    ("plan_submit", "post", "plan", only({"iso_office": 302})),
    ("plan_return", "post", "plan", only({"leader": 302})),
    ("plan_approve", "post", "plan", only({"leader": 302})),
    ("plan_close", "post", "plan", only({"iso_office": 302, "leader": 302})),
    ("plan_copy", "post", "plan", only({"iso_office": 302})),
    ("task_create", "get", "plan", only({"iso_office": 200})),
    ("task_detail", "get", "task", VIEWERS),
    ("task_edit", "get", "task", only({"iso_office": 200})),
    ("task_progress", "post", "task", only({"iso_office": 200, "head_a": 200, "staff_a": 200})),
    ("task_confirm", "post", "task", only({"iso_office": 302})),
    ("task_reject", "post", "task", only({"iso_office": 302})),
    ("task_cancel", "post", "task", only({"iso_office": 302, "leader": 302})),
    ("evidence_download", "get", "evidence", VIEWERS),
    (
        "weekly_xlsx",
        "get",
        "agency",
        only(dict.fromkeys(WEEKLY_READERS, 200)),
    ),
    ("planning:plan_export_docx", "get", "plan", VIEWERS),
    ("planning:plan_export_xlsx", "get", "plan", VIEWERS),
    ("planning:plan_import", "get", "draft", only({"iso_office": 200})),
    ("planning:plan_import_review", "get", "draft", only({"iso_office": 302})),
    ("planning:plan_import_cancel", "post", "draft", only({"iso_office": 302})),
    # Every route that accepts POST is POSTed by every persona (empty forms: the allowed
    # get the form back with errors, nobody else gets past the permission check).
    ("plan_create", "post", None, only({"iso_office": 200}, outsider=403)),
    ("rule_list", "post", None, only({"iso_office": 200, "agency_admin": 200}, outsider=403)),
    ("plan_edit", "post", "draft", only({"iso_office": 200})),
    ("plan_content_edit", "post", "draft", only({"iso_office": 200})),
    ("task_create", "post", "draft", only({"iso_office": 200})),
    ("task_edit", "post", "task", only({"iso_office": 200})),
    ("planning:plan_import", "post", "draft", only({"iso_office": 200})),
    ("planning:plan_import_review", "post", "draft", only({"iso_office": 302})),
]
# PDF depends on LibreOffice being installed: 200 with it, a redirect with a message without.
PDF_ROUTE = "planning:plan_export_pdf"


# One organisation, one set of objects per module; each case runs in a savepoint.
org, personas = shared_org()


def _build_objects(org, personas):
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    task = first_task(plan)
    services.task_post_progress(
        actor=personas["head_a"],
        task=task,
        percent=100,
        comment="Xong",
        report_done=True,
        files=[SimpleUploadedFile("a.pdf", pdf_bytes())],
    )
    draft = make_plan(actor=personas["iso_office"], agency=org.agency, year=2023)
    return {
        "plan": plan,
        "task": task,
        "draft": draft,
        "evidence": Evidence.objects.get(),
        "agency": org.agency,
    }


@pytest.fixture(scope="module")
def shared_objects(module_org, module_personas, django_db_blocker):
    with django_db_blocker.unblock():
        return _build_objects(module_org, module_personas)


@pytest.fixture
def objects(db, shared_objects):
    return fresh(shared_objects)


def _url(name: str, obj) -> str:
    full = name if ":" in name else f"planning:{name}"
    if name == "weekly_xlsx":
        return reverse(full, kwargs={"agency": obj.pk})
    return reverse(full, kwargs={"pk": obj.pk}) if obj is not None else reverse(full)


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name,method,target,expected", MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX]
)
def test_permission_matrix(client_as, objects, persona, name, method, target, expected):
    client = client_as(persona)
    url = _url(name, objects[target] if target else None)
    response = getattr(client, method)(url)
    close_response(response)  # file downloads stream from an open file
    assert response.status_code == expected[persona], (persona, name)


def test_every_route_is_in_the_matrix():
    covered = {m[0].split(":")[-1] for m in MATRIX} | {PDF_ROUTE.split(":")[-1]}
    routes = {p.name for p in planning_urls}
    assert routes == covered


@pytest.mark.parametrize(
    "name,target", [("plan_submit", "plan"), ("task_confirm", "task"), ("plan_approve", "plan")]
)
def test_get_on_write_routes_is_405(client_as, objects, name, target):
    assert client_as("iso_office").get(_url(name, objects[target])).status_code == 405


def test_outsider_gets_404_for_pdf_and_viewer_gets_file_or_redirect(client_as, objects):
    url = _url(PDF_ROUTE, objects["plan"])
    assert client_as("outsider").get(url).status_code == 404
    response = client_as("staff_a").get(url)
    close_response(response)
    assert response.status_code in {200, 302}


def test_overseer_changes_nothing(client_as, objects):
    """Read-only across agencies: every write route answers 403 and nothing changes."""
    client = client_as("overseer")
    task = objects["task"]
    for name, target in [
        ("task_confirm", "task"),
        ("task_cancel", "task"),
        ("plan_close", "plan"),
        ("plan_copy", "plan"),
    ]:
        assert (
            client.post(_url(name, objects[target]), {"reason": "x", "year": 2030}).status_code
            == 403
        )
    task.refresh_from_db()
    assert task.status == "done_reported"


def test_unit_head_of_other_agency_cannot_see_plan_in_lists(client_as, objects):
    response = client_as("outsider").get(reverse("planning:plan_list"))
    assert objects["plan"].title not in response.content.decode()
    response = client_as("head_a").get(reverse("planning:plan_list"))
    assert objects["plan"].number in response.content.decode()
