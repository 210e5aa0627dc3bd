"""Persona × URL × status for every route of the NC records: a unit head analyses and
plans only the own unit's NCs, owners complete their actions, the ISO office, auditors
and leadership verify, the overseer only reads, another agency sees nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from conftest import PERSONAS, close_response, fresh, shared_org
from qms.core.tests.files import pdf_upload
from qms.nonconformities import foundation_sources as fs
from qms.nonconformities import services
from qms.nonconformities.urls_records import urlpatterns
from qms.planning.models import PlanTask
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db
ALL = list(PERSONAS)
# Readers of an NC of division A: roles over the agency (or the province), and division A.
READERS = {
    "leader",
    "iso_office",
    "head_a",
    "staff_a",
    "auditor",
    "overseer",
    "agency_admin",
    "sysadmin",
}


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    """``allowed`` as given, other readers ``default``, non-readers 404."""
    table = {p: (default if p in READERS else 404) for p in ALL}
    table.update(allowed)
    return table


VIEWERS = {p: (200 if p in READERS else 404) for p in ALL}
ANALYSTS_400 = only({"head_a": 400, "iso_office": 400})
RAISERS = {"leader", "iso_office", "head_a", "head_b", "auditor", "outsider", "div_iso"}
RAISERS |= {"school_leader", "school_iso", "school_head"}


def everyone_but(table: dict[str, int], default: int) -> dict[str, int]:
    return {p: table.get(p, default) for p in ALL}


MATRIX: list[tuple[str, str, str | None, dict[str, int]]] = [
    ("list", "get", None, dict.fromkeys(ALL, 200)),
    ("detail", "get", "open", VIEWERS),
    ("raise_direct", "get", None, everyone_but(dict.fromkeys(RAISERS, 200), 403)),
    ("raise_direct", "post", None, everyone_but(dict.fromkeys(RAISERS, 400), 403)),
    (
        "raise",
        "get",
        "task",
        everyone_but(dict.fromkeys(["leader", "iso_office", "head_a", "auditor"], 200), 403),
    ),
    (
        "raise",
        "post",
        "task",
        everyone_but(dict.fromkeys(["leader", "iso_office", "head_a", "auditor"], 400), 403),
    ),
    ("settings", "get", None, everyone_but({"iso_office": 200, "agency_admin": 200}, 403)),
    ("settings", "post", None, everyone_but({"iso_office": 400, "agency_admin": 400}, 403)),
    ("evidence", "get", "evidence", VIEWERS),
    ("edit", "post", "open", ANALYSTS_400),
    ("correction", "post", "open", ANALYSTS_400),
    ("analysis", "post", "open", ANALYSTS_400),
    ("action_add", "post", "analysed", ANALYSTS_400),
    ("action_edit", "get", "action", only({"head_a": 200, "iso_office": 200})),
    ("action_edit", "post", "action", ANALYSTS_400),
    ("action_done", "post", "action", only({"head_a": 400, "iso_office": 400, "staff_a": 400})),
    ("action_to_task", "post", "action", only({"iso_office": 302})),
    ("action_cancel", "post", "action", only({"head_a": 302, "iso_office": 302})),
    ("plan_confirm", "post", "open", only({"head_a": 302, "iso_office": 302})),
    ("verify", "post", "awaiting", only({"iso_office": 400, "auditor": 400, "leader": 400})),
    (
        "evidence_add",
        "post",
        "open",
        only({"head_a": 400, "iso_office": 400, "leader": 400, "auditor": 400}),
    ),
    ("archive", "post", "open", only({"iso_office": 400, "agency_admin": 400})),
]

org, personas = shared_org()


def _build(org: Any, personas: Any) -> dict[str, Any]:
    office, head = personas["iso_office"], personas["head_a"]
    services.settings_save(actor=office, agency=org.agency, verification_delay_days=0)

    def raise_one(title: str) -> Any:
        return services.raise_nc(
            actor=office, unit=org.div_a, title=title, description="Mô tả", owner=head
        )

    def analysed(title: str) -> Any:
        nc = raise_one(title)
        return services.cause_analyse(
            actor=head, nc=nc, method="five_whys", whys=["Vì sao"], root_cause="Nguyên nhân"
        )

    def with_action(title: str) -> tuple[Any, Any]:
        nc = analysed(title)
        action = services.action_add(
            actor=head,
            nc=nc,
            data=services.ActionInput(
                "Khắc phục", personas["staff_a"], org.div_a, timezone.localdate()
            ),
        )
        return services.plan_confirm(actor=head, nc=nc), action

    planned, action = with_action("Đang thực hiện")
    awaiting, done = with_action("Chờ đánh giá")
    services.action_done(
        actor=personas["staff_a"], action=done, result="Xong", files=[pdf_upload()]
    )
    plan = make_plan(actor=office, agency=org.agency, lead=org.div_a)
    task = plan.tasks.order_by("number")[0]
    PlanTask.objects.filter(pk=task.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    return {
        "open": raise_one("Mới"),
        "analysed": analysed("Đã phân tích"),
        "planned": planned,
        "action": action,
        "awaiting": awaiting,
        "evidence": awaiting.evidence.get(),
        "task": task,
    }


@pytest.fixture(scope="module")
def shared_objects(module_org: Any, module_personas: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _build(module_org, module_personas)


@pytest.fixture
def objects(db: None, shared_objects: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_objects)


def _url(name: str, target: str | None, objects: dict[str, Any]) -> str:
    full = f"nonconformities:{name}"
    if target is None:
        return reverse(full)
    obj = objects[target]
    if target == "task":
        return reverse(full, kwargs={"source_key": fs.TASK_OVERDUE, "object_id": obj.pk})
    if target == "action":
        return reverse(full, kwargs={"pk": obj.nc_id, "action_pk": obj.pk})
    return reverse(full, kwargs={"pk": obj.pk})


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
