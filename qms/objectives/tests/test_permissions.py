"""Persona × URL × status for every objectives route: a unit head edits only the own unit's
set, leadership approves, the ISO committee reviews, the overseer only reads."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse

from conftest import PERSONAS, close_response, fresh, shared_org
from qms.core.tests.files import pdf_bytes
from qms.objectives import action_services, services
from qms.objectives.exports.urls import urlpatterns as export_urlpatterns
from qms.objectives.models import ObjectiveSet
from qms.objectives.services import ObjectiveInput
from qms.objectives.urls import urlpatterns
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db
ALL = list(PERSONAS)
VIEWERS = {p: 200 for p in ALL if p != "outsider"} | {"outsider": 404}


def only(allowed: dict[str, int], default: int = 403, outsider: int = 404) -> dict[str, int]:
    table = dict.fromkeys(ALL, default)
    table["outsider"] = outsider
    table.update(allowed)
    return table


B_EDITORS_200 = {"head_b": 200, "iso_office": 200, "div_iso": 200}
B_EDITORS_302 = {"head_b": 302, "iso_office": 302, "div_iso": 302}

# (url name, method, target, expected)
MATRIX: list[tuple[str, str, str | None, dict[str, int]]] = [
    ("home", "get", None, dict.fromkeys(ALL, 200)),
    ("set_detail", "get", "draft", VIEWERS),
    ("objective_create", "get", "draft", only({"head_a": 200, "iso_office": 200})),
    ("objective_edit", "get", "objective", only({"head_a": 200, "iso_office": 200})),
    ("set_submit", "post", "draft", only({"head_a": 302, "iso_office": 302})),
    ("set_return", "post", "submitted", only({"iso_office": 302, "leader": 302})),
    ("set_approve", "post", "submitted", only({"leader": 302})),
    # div_iso is the ISO officer of div_b: it acts on div_b's own set (strict on the unit).
    ("set_evaluate", "post", "approved", only(B_EDITORS_302)),
    ("measurement_add", "post", "approved_objective", only(B_EDITORS_302)),
    ("objective_evaluate", "get", "approved_objective", only(B_EDITORS_200)),
    ("set_create", "post", "unit", only({"head_a": 302, "iso_office": 302})),
    ("policy_draft", "post", "agency", only({"iso_office": 302}, outsider=404)),
    ("policy_approve", "post", "policy", only({"leader": 302})),
    ("dashboard", "get", None, dict.fromkeys(ALL, 200)),
    ("matrix", "get", None, dict.fromkeys(ALL, 200)),
    ("settings", "post", "agency", only({"iso_office": 302, "agency_admin": 302})),
    ("stage_link", "post", "task", only({"iso_office": 302})),
    ("evidence", "get", "evidence", VIEWERS),
    ("actions", "get", "approved_objective", VIEWERS),
    ("action_edit", "get", "action", only(B_EDITORS_200)),
    ("action_to_task", "post", "action", only({"iso_office": 302})),
    # Every route that accepts POST is POSTed by every persona; empty or invalid forms
    # come back with errors (200) to those allowed, nobody else passes the check.
    ("objective_create", "post", "draft", only({"head_a": 200, "iso_office": 200})),
    ("objective_edit", "post", "objective", only({"head_a": 200, "iso_office": 200})),
    ("objective_evaluate", "post", "approved_objective", only(B_EDITORS_200)),
    ("actions", "post", "approved_objective", only(B_EDITORS_200)),
    ("action_edit", "post", "action", only(B_EDITORS_200)),
    # The exports read like the set's page (more cases in test_exports).
    ("objectives:objectives_export", "get", "export", VIEWERS),
    ("objectives:evaluation_export", "get", "export", VIEWERS),
]


# One organisation, one set of objects per module; each case runs in a savepoint.
org, personas = shared_org()


def _build_objects(org: Any, personas: Any) -> dict[str, Any]:
    period = services.period_for(agency=org.agency, year=2022)

    def make(unit: Any, actor: str) -> Any:
        s = services.set_create(actor=personas[actor], unit=unit, period=period)
        o = services.objective_save(
            actor=personas[actor],
            objective_set=s,
            data=ObjectiveInput(statement="Mục tiêu", indicator="%", owner_unit=unit, target=D(90)),
        )
        return s, o

    draft, objective = make(org.div_a, "head_a")
    approved, approved_objective = make(org.div_b, "head_b")
    services.set_submit(actor=personas["head_b"], objective_set=approved)
    services.set_approve(actor=personas["leader"], objective_set=approved)
    submitted, _o = make(org.office, "iso_office")
    services.set_submit(actor=personas["iso_office"], objective_set=submitted)
    policy = services.policy_draft(actor=personas["iso_office"], agency=org.agency, text="CS")
    evidence = services.measurement_add(
        actor=personas["head_b"],
        objective=approved_objective,
        measured_on=datetime.date(2022, 12, 31),
        value=D(91),
        evidence=SimpleUploadedFile("bien-ban.pdf", pdf_bytes(), "application/pdf"),
    )
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, lead=org.div_a)
    action = action_services.action_save(
        actor=personas["head_b"],
        objective=approved_objective,
        data=action_services.ActionInput(action="Tập huấn", deadline=datetime.date(2023, 3, 1)),
    )
    return {
        "action": action,
        "evidence": evidence,
        "task": plan.tasks.first(),
        "agency": org.agency,
        "policy": policy,
        "draft": draft,
        "objective": objective,
        "approved": approved,
        "approved_objective": approved_objective,
        "submitted": submitted,
        "unit": org.div_a,
    }


@pytest.fixture(scope="module")
def shared_objects(module_org: Any, module_personas: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _build_objects(module_org, module_personas)


@pytest.fixture
def objects(db: None, shared_objects: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_objects)


def _url(name: str, target: str | None, objects: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    full = name if ":" in name else f"objectives:{name}"
    if target == "export":
        return reverse(full, args=[objects["approved"].pk, "xlsx"]), {}
    if target is None:
        return reverse(full), {}
    obj = objects[target]
    if target == "agency":
        return reverse(full), {
            "agency": obj.pk,
            "text": "Chính sách mới",
            "school_year_start_day": "1",
            "school_year_start_month": "9",
        }
    if target == "task":
        return reverse(full, kwargs={"task_pk": obj.pk}), {"stage": "units", "year": 2022}
    if target == "unit":
        return reverse(full), {"unit": obj.pk, "year": 2023, "carry": "0"}
    if target == "action":
        return reverse(full, kwargs={"objective_pk": obj.objective_id, "action_pk": obj.pk}), {}
    if name == "objective_edit":
        return reverse(full, kwargs={"pk": obj.objective_set_id, "objective_pk": obj.pk}), {}
    if target == "approved_objective":
        return reverse(full, kwargs={"objective_pk": obj.pk}), {
            "measured_on": "31/12/2022",
            "value": "88",
        }
    return reverse(full, kwargs={"pk": obj.pk}), {"comment": "Sửa chỉ số"}


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
    url, data = _url(name, target, objects)
    response = (
        getattr(client_as(persona), method)(url, data)
        if method == "post"
        else client_as(persona).get(url)
    )
    close_response(response)  # a file download holds the file open until closed
    assert response.status_code == expected[persona], (persona, name)


def test_every_route_is_in_the_matrix() -> None:
    names = {m[0].split(":")[-1] for m in MATRIX}
    routes = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    exports = {p.name for p in export_urlpatterns}
    assert routes | exports == names


def test_overseer_reads_but_changes_nothing(client_as: Any, objects: Any) -> None:
    client = client_as("overseer")
    assert (
        client.get(reverse("objectives:set_detail", args=[objects["submitted"].pk])).status_code
        == 200
    )
    assert (
        client.post(reverse("objectives:set_approve", args=[objects["submitted"].pk])).status_code
        == 403
    )
    assert (
        ObjectiveSet.objects.get(pk=objects["submitted"].pk).status == ObjectiveSet.Status.SUBMITTED
    )


def test_set_page_queries_do_not_grow_with_objectives(
    client_as: Any, objects: Any, personas: Any, org: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("head_a")
    url = reverse("objectives:set_detail", args=[objects["draft"].pk])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    for n in range(10):
        services.objective_save(
            actor=personas["head_a"],
            objective_set=objects["draft"],
            data=ObjectiveInput(
                statement=f"M {n}", indicator="%", owner_unit=org.div_a, target=D(1)
            ),
        )
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url)
