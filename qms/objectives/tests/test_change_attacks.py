"""Issue 12: objectives change only on the target's own unit (sets) or agency (review,
approval, policy, settings). Roles held on a school or a division change nothing else."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse

from conftest import fresh, shared_org
from qms.audittrail.models import LogEntry
from qms.objectives import action_services, services
from qms.objectives.models import (
    Measurement,
    Objective,
    ObjectiveAction,
    ObjectiveSet,
    ObjectiveSettings,
    QualityPolicy,
)
from qms.objectives.services import ObjectiveInput
from qms.planning.models import PlanTask
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db


# One organisation and one set of objectives per module; each attack runs in a savepoint.
org, personas = shared_org()


def _build_sets(org: Any, personas: Any) -> dict[str, Any]:
    period = services.period_for(agency=org.agency, year=2022)

    def make(unit: Any, actor: str) -> tuple[ObjectiveSet, Objective]:
        s = services.set_create(actor=personas[actor], unit=unit, period=period)
        o = services.objective_save(
            actor=personas[actor],
            objective_set=s,
            data=ObjectiveInput(statement="Mục tiêu", indicator="%", owner_unit=unit, target=D(90)),
        )
        return s, o

    office, _o = make(org.office, "iso_office")
    services.set_submit(actor=personas["iso_office"], objective_set=office)
    div_a, objective_a = make(org.div_a, "head_a")
    services.set_submit(actor=personas["head_a"], objective_set=div_a)
    services.set_approve(actor=personas["leader"], objective_set=div_a)
    make_plan(actor=personas["iso_office"], agency=org.agency, lead=org.div_a, issued=True)
    action = action_services.action_save(
        actor=personas["head_a"],
        objective=objective_a,
        data=action_services.ActionInput(action="Tập huấn", deadline=datetime.date(2023, 3, 1)),
    )
    policy = services.policy_draft(actor=personas["iso_office"], agency=org.agency, text="CS")
    return {
        "submitted": office,
        "approved": div_a,
        "objective": objective_a,
        "action": action,
        "policy": policy,
    }


@pytest.fixture(scope="module")
def shared_sets(module_org: Any, module_personas: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _build_sets(module_org, module_personas)


@pytest.fixture
def sets(db: None, shared_sets: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_sets)


def _state() -> dict[str, Any]:
    return {
        "sets": sorted(ObjectiveSet.objects.values_list("pk", "status")),
        "objectives": sorted(Objective.objects.values_list("pk", "statement", "result")),
        "measurements": Measurement.objects.count(),
        "actions": sorted(ObjectiveAction.objects.values_list("pk", "action", "task_id")),
        "policies": sorted(QualityPolicy.objects.values_list("pk", "status", "text")),
        "settings": ObjectiveSettings.objects.count(),
        "tasks": PlanTask.objects.count(),
        "log": LogEntry.objects.count(),
    }


def _attacks(org: Any, s: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    objective, action = s["objective"], s["action"]
    return [
        (reverse("objectives:set_approve", args=[s["submitted"].pk]), {}),
        (reverse("objectives:set_return", args=[s["submitted"].pk]), {"comment": "Trả"}),
        (reverse("objectives:set_evaluate", args=[s["approved"].pk]), {}),
        (
            reverse("objectives:measurement_add", args=[objective.pk]),
            {"measured_on": "31/12/2022", "value": "10"},
        ),
        (
            reverse("objectives:objective_evaluate", args=[objective.pk]),
            {"result": "10", "cause": "Giả"},
        ),
        (
            reverse("objectives:objective_edit", args=[s["approved"].pk, objective.pk]),
            {"statement": "Sửa trộm"},
        ),
        (
            reverse("objectives:actions", args=[objective.pk]),
            {"action": "Chen", "deadline": "01/04/2023"},
        ),
        (reverse("objectives:action_edit", args=[objective.pk, action.pk]), {"action": "Sửa"}),
        (reverse("objectives:action_to_task", args=[objective.pk, action.pk]), {}),
        (reverse("objectives:policy_draft"), {"agency": org.agency.pk, "text": "Chính sách giả"}),
        (reverse("objectives:policy_approve", args=[s["policy"].pk]), {}),
        (
            reverse("objectives:settings"),
            {
                "agency": org.agency.pk,
                "school_year_start_day": "1",
                "school_year_start_month": "8",
            },
        ),
        (reverse("objectives:set_create"), {"unit": org.div_a.pk, "year": 2023, "carry": "0"}),
    ]


@pytest.mark.parametrize("persona", ["school_leader", "school_iso", "school_head", "div_iso"])
def test_sub_unit_roles_change_no_objective_of_another_unit(client_as, org, sets, persona):
    client = client_as(persona)
    before = _state()
    for url, data in _attacks(org, sets):
        assert client.post(url, data).status_code == 403, (persona, url)
    assert _state() == before


def test_school_head_works_on_the_school_own_set(client_as, org, sets):
    """The control: the same persona starts and fills its own unit's set."""
    client = client_as("school_head")
    url = reverse("objectives:set_create")
    response = client.post(url, {"unit": org.school.pk, "year": 2022, "carry": "0"})
    assert response.status_code == 302
    assert ObjectiveSet.objects.filter(unit=org.school).exists()
