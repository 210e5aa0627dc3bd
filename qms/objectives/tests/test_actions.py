"""Action plans of objectives (6.2.2): add and change them while allowed, turn one into a
task of the issued yearly plan, and that task is reminded like any other."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import shared_org
from qms.audittrail.models import LogEntry
from qms.notifications.models import Notification
from qms.objectives import action_services, services
from qms.objectives.action_services import ActionInput
from qms.objectives.models import Objective, ObjectiveAction, ObjectiveSet
from qms.objectives.services import ObjectiveError, ObjectiveInput
from qms.planning.models import Plan, PlanRevision, PlanTask
from qms.planning.notifications import Kind
from qms.planning.reminders import compute_task_reminders
from qms.planning.tests.conftest import at
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()

DAY = datetime.date


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def period(org: Any) -> Any:
    return services.period_for(agency=org.agency, year=2022)


def make_objective(org: Any, personas: Any, period: Any, *, approve: bool = True) -> Objective:
    """An objective of division A for 2022-2023 (approved unless ``approve`` is False)."""
    objective_set = services.set_create(actor=personas["head_a"], unit=org.div_a, period=period)
    objective = services.objective_save(
        actor=personas["head_a"],
        objective_set=objective_set,
        data=ObjectiveInput(
            statement="Giải quyết hồ sơ chuyển trường THPT đúng hạn",
            indicator="Tỷ lệ hồ sơ đúng hạn",
            unit_of_measure="%",
            owner_unit=org.div_a,
            target=D(100),
        ),
    )
    if approve:
        services.set_submit(actor=personas["head_a"], objective_set=objective_set)
        services.set_approve(actor=personas["leader"], objective_set=objective_set)
    objective.refresh_from_db()
    return objective


def add_action(personas: Any, objective: Objective, **fields: Any) -> ObjectiveAction:
    data = ActionInput(
        action="Rà soát quy trình chuyển trường, rút ngắn thời gian xử lý",
        resources="02 chuyên viên, phần mềm một cửa",
        responsible="Phòng GDTrH",
        deadline=DAY(2023, 3, 15),
        evaluation_method="Báo cáo tỷ lệ hồ sơ đúng hạn quý I",
    )
    for key, value in fields.items():
        setattr(data, key, value)
    return action_services.action_save(actor=personas["head_a"], objective=objective, data=data)


def issued_plan_2023(org: Any, personas: Any) -> Plan:
    return make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        year=2023,
        lead=org.div_b,
        issued=True,
        approver=personas["leader"],
    )


def entries(action: ObjectiveAction, name: str) -> list[LogEntry]:
    return list(LogEntry.objects.for_object(action).filter(action=name).order_by("id"))


# --------------------------------------------------------------------------- services


def test_add_and_change_an_action_of_a_draft_set_with_log(org, personas, period) -> None:
    objective = make_objective(org, personas, period, approve=False)
    action = add_action(personas, objective, action="  Tập huấn quy trình  ")
    assert action.objective == objective and action.action == "Tập huấn quy trình"
    assert action.deadline == DAY(2023, 3, 15) and action.task is None
    action_services.action_save(
        actor=personas["head_a"],
        objective=objective,
        data=ActionInput(action="Tập huấn quy trình", deadline=DAY(2023, 4, 30)),
        action=action,
    )
    action.refresh_from_db()
    assert (action.deadline, action.resources) == (DAY(2023, 4, 30), "")
    added, changed = entries(action, "objectives.action.saved")
    assert added.actor == personas["head_a"] and added.unit == org.agency
    assert added.changes["action"] == [None, "Tập huấn quy trình"]
    assert changed.changes["deadline"] == ["2023-03-15", "2023-04-30"]
    assert changed.changes["resources"] == ["02 chuyên viên, phần mềm một cửa", ""]
    assert "action" not in changed.changes


def test_actions_still_change_once_the_objectives_are_approved(org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    assert objective.actions.get() == action


def test_no_change_while_submitted_or_once_evaluated(org, personas, period) -> None:
    objective = make_objective(org, personas, period, approve=False)
    action = add_action(personas, objective)
    objective_set = objective.objective_set
    services.set_submit(actor=personas["head_a"], objective_set=objective_set)
    with pytest.raises(ObjectiveError, match="waiting for approval"):
        add_action(personas, objective)
    services.set_approve(actor=personas["leader"], objective_set=objective_set)
    services.objective_evaluate(actor=personas["head_a"], objective=objective, result=D(100))
    services.set_evaluate(actor=personas["head_a"], objective_set=objective_set)
    with pytest.raises(ObjectiveError, match="evaluated"):
        action_services.action_save(
            actor=personas["head_a"],
            objective=objective,
            data=ActionInput(action="Khác"),
            action=action,
        )
    assert ObjectiveAction.objects.get().action == action.action
    assert ObjectiveSet.objects.get().status == ObjectiveSet.Status.EVALUATED


def test_an_action_needs_its_text_and_a_deadline_within_the_period(org, personas, period):
    objective = make_objective(org, personas, period)
    with pytest.raises(ObjectiveError, match="Write the action"):
        add_action(personas, objective, action="   ")
    with pytest.raises(ObjectiveError, match=r"end of 2022-2023 \(31/07/2023\)"):
        add_action(personas, objective, deadline=DAY(2023, 8, 1))
    assert not ObjectiveAction.objects.exists()


def test_to_task_adds_a_task_to_the_issued_plan_of_the_deadline_year(org, personas, period):
    plan = issued_plan_2023(org, personas)
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    task = action_services.action_to_task(actor=personas["iso_office"], action=action)

    assert task.plan == plan and task.number == 4
    assert task.content == action.action
    assert list(task.lead_units.all()) == [org.div_a]
    assert task.due_date == DAY(2023, 3, 15) and task.timing_text == "Trước 15/03/2023"
    assert task.status == PlanTask.Status.NOT_STARTED and not task.timing_flagged
    action.refresh_from_db()
    assert action.task == task
    # Adding a task to an issued plan is an amendment, with its reason.
    plan.refresh_from_db()
    assert plan.revision == 1 and plan.status == Plan.Status.ISSUED
    reason = PlanRevision.objects.get(plan=plan).reason
    assert reason.startswith("Thực hiện mục tiêu chất lượng 2022-2023 của Phòng GDTrH: ")
    assert reason.endswith(objective.statement)
    (entry,) = entries(action, "objectives.action.to_task")
    assert entry.actor == personas["iso_office"] and entry.unit == org.agency
    assert entry.changes == {"task": [None, str(task)]}
    assert LogEntry.objects.for_object(task).filter(action="planning.task.created").exists()


def test_to_task_refusals(org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    office = personas["iso_office"]
    no_deadline = add_action(personas, objective, deadline=None)
    with pytest.raises(ObjectiveError, match="deadline"):
        action_services.action_to_task(actor=office, action=no_deadline)
    # Only a draft plan for 2023 (and the other agency's issued plan) exist.
    make_plan(actor=office, agency=org.agency, year=2023)
    make_plan(
        actor=personas["outsider"],
        agency=org.other_agency,
        year=2023,
        issued=True,
        approver=personas["outsider"],
    )
    action = add_action(personas, objective)
    with pytest.raises(ObjectiveError, match="no issued yearly plan for 2023"):
        action_services.action_to_task(actor=office, action=action)
    issued_plan_2023(org, personas)
    action_services.action_to_task(actor=office, action=action)
    with pytest.raises(ObjectiveError, match="already a task"):
        action_services.action_to_task(actor=office, action=action)
    assert PlanTask.objects.filter(content=action.action).count() == 1
    assert (
        not LogEntry.objects.for_object(no_deadline)
        .filter(action="objectives.action.to_task")
        .exists()
    )


def test_only_actions_of_approved_objectives_become_tasks(org, personas, period) -> None:
    issued_plan_2023(org, personas)
    objective = make_objective(org, personas, period, approve=False)
    action = add_action(personas, objective)
    with pytest.raises(ObjectiveError, match="approved objectives"):
        action_services.action_to_task(actor=personas["iso_office"], action=action)
    assert ObjectiveAction.objects.get().task is None


def test_an_action_followed_as_a_task_no_longer_changes(org, personas, period) -> None:
    issued_plan_2023(org, personas)
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    action_services.action_to_task(actor=personas["iso_office"], action=action)
    with pytest.raises(ObjectiveError, match="change the task"):
        action_services.action_save(
            actor=personas["head_a"],
            objective=objective,
            data=ActionInput(action="Khác", deadline=DAY(2023, 5, 1)),
            action=action,
        )


# --------------------------------------------------------------------------- reminders


def test_the_new_task_gets_the_usual_reminders(org, personas, period) -> None:
    issued_plan_2023(org, personas)
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)  # due Wednesday 15/03/2023
    task = action_services.action_to_task(actor=personas["iso_office"], action=action)
    now = at("2023-03-08")  # 7 days before
    with time_machine.travel(now, tick=False):
        compute_task_reminders(now)
    reminders = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(PlanTask), object_id=task.pk
    )
    # The lead unit (the objective's owner unit) is reminded, nobody else.
    assert {(n.recipient and n.recipient.username, n.kind) for n in reminders} == {
        ("staff_a", Kind.TASK_DUE_SOON)
    }
    assert all(f"due:{task.pk}:7:2023-03-15" in (n.dedupe_key or "") for n in reminders)
    assert all("Rà soát quy trình chuyển trường" in n.body for n in reminders)


# --------------------------------------------------------------------------- views


@pytest.fixture
def client_en(client_as: Any) -> Any:
    """A persona's client reading pages in English (messages stay stable when translated)."""

    def _client(name: str) -> Any:
        client = client_as(name)
        client.cookies["django_language"] = "en"
        return client

    return _client


def url(objective: Objective, name: str = "actions", action: Any = None) -> str:
    kwargs = {"objective_pk": objective.pk}
    if action is not None:
        kwargs["action_pk"] = action.pk
    return reverse(f"objectives:{name}", kwargs=kwargs)


FORM = {
    "action": "Công khai quy trình trên cổng thông tin",
    "resources": "Cán bộ phụ trách website",
    "responsible": "Tổ văn phòng phòng GDTrH",
    "deadline": "30/11/2022",
    "evaluation_method": "Đường dẫn đã đăng",
}


def test_add_through_the_page(client_en, org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    client = client_en("head_a")
    page = client.get(url(objective)).content.decode()
    assert 'id="action-form"' in page and objective.statement in page
    response = client.post(url(objective), FORM)
    assert response.status_code == 302 and response.url == url(objective)
    action = objective.actions.get()
    assert (action.deadline, action.responsible) == (DAY(2022, 11, 30), FORM["responsible"])
    page = client.get(url(objective)).content.decode()
    assert "Công khai quy trình trên cổng thông tin" in page and "30/11/2022" in page


def test_the_form_keeps_what_was_typed_on_error(client_en, org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    client = client_en("head_a")
    response = client.post(url(objective), {**FORM, "deadline": "31/02/2023"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date as dd/mm/yyyy" in page and 'value="31/02/2023"' in page
    assert FORM["resources"] in page and FORM["action"] in page
    # A refusal of the service is shown on the form too, the input kept.
    response = client.post(url(objective), {**FORM, "deadline": "15/08/2023"})
    page = response.content.decode()
    assert response.status_code == 200 and "end of 2022-2023" in page
    assert 'value="15/08/2023"' in page and FORM["evaluation_method"] in page
    assert not ObjectiveAction.objects.exists()


def test_edit_through_the_page(client_en, org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    client = client_en("iso_office")
    page = client.get(url(objective, "action_edit", action)).content.decode()
    assert 'value="15/03/2023"' in page and "Edit the action" in page
    response = client.post(url(objective, "action_edit", action), FORM)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.action == FORM["action"] and action.deadline == DAY(2022, 11, 30)
    other = make_objective(org, personas, services.period_for(agency=org.agency, year=2023))
    assert client.get(url(other, "action_edit", action)).status_code == 404


def test_to_task_through_the_page(client_en, org, personas, period) -> None:
    issued_plan_2023(org, personas)
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    head = client_en("head_a")
    page = head.get(url(objective)).content.decode()
    assert "btn-to-task" not in page and 'id="to-task-hint"' in page
    assert head.post(url(objective, "action_to_task", action)).status_code == 403
    office = client_en("iso_office")
    page = office.get(url(objective)).content.decode()
    assert "Create a task in the plan" in page
    assert office.get(url(objective, "action_to_task", action)).status_code == 405
    response = office.post(url(objective, "action_to_task", action), follow=True)
    task = PlanTask.objects.get(content=action.action)
    page = response.content.decode()
    assert f"Task {task.number} added to plan" in page
    assert reverse("planning:task_detail", args=[task.pk]) in page
    # The task's status, as the plan shows it (15/03/2023 has passed: overdue).
    assert "status-overdue" in page and "btn-to-task" not in page
    # The page of an action already a task offers no edit.
    response = office.get(url(objective, "action_edit", action), follow=True)
    assert "change the task" in response.content.decode()


def test_to_task_refusal_is_a_message(client_en, org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    response = client_en("iso_office").post(url(objective, "action_to_task", action), follow=True)
    assert "no issued yearly plan for 2023" in response.content.decode()
    assert ObjectiveAction.objects.get().task is None


def test_head_of_another_division_reads_but_gets_403_on_changes(client_en, org, personas, period):
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    client = client_en("head_b")
    page = client.get(url(objective))
    assert page.status_code == 200 and 'id="action-form"' not in page.content.decode()
    assert client.post(url(objective), FORM).status_code == 403
    assert client.get(url(objective, "action_edit", action)).status_code == 403
    assert client.post(url(objective, "action_edit", action), FORM).status_code == 403
    assert ObjectiveAction.objects.count() == 1


def test_user_of_another_agency_gets_404(client_en, org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    action = add_action(personas, objective)
    client = client_en("outsider")
    assert client.get(url(objective)).status_code == 404
    assert client.post(url(objective), FORM).status_code == 404
    assert client.post(url(objective, "action_to_task", action)).status_code == 404


def test_overseer_sees_the_plan_but_no_forms(client_en, org, personas, period) -> None:
    objective = make_objective(org, personas, period)
    add_action(personas, objective)
    response = client_en("overseer").get(url(objective))
    page = response.content.decode()
    assert response.status_code == 200 and "Rà soát quy trình chuyển trường" in page
    assert '<form method="post" action="/objectives' not in page
    assert 'id="action-form"' not in page and "btn-to-task" not in page
    assert "action_edit" not in page and "/edit/" not in page


def test_no_form_while_the_objectives_wait_for_approval(client_en, org, personas, period):
    objective = make_objective(org, personas, period, approve=False)
    services.set_submit(actor=personas["head_a"], objective_set=objective.objective_set)
    page = client_en("head_a").get(url(objective)).content.decode()
    assert 'id="action-form"' not in page and "waiting for approval" in page


def test_page_queries_do_not_grow_with_actions(
    client_en, org, personas, period, django_assert_max_num_queries
) -> None:
    plan = issued_plan_2023(org, personas)
    objective = make_objective(org, personas, period)
    client = client_en("iso_office")
    for n in range(5):
        action = add_action(personas, objective, action=f"Việc {n}")
        if n % 2:
            action_services.action_to_task(actor=personas["iso_office"], action=action)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(objective)).status_code == 200
    for n in range(45):
        action = add_action(personas, objective, action=f"Việc thêm {n}")
        if n % 2:
            action_services.action_to_task(actor=personas["iso_office"], action=action)
    assert plan.tasks.count() == 3 + 2 + 22
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get(url(objective)).status_code == 200


def test_set_page_counts_each_objectives_actions(
    org: Any, personas: Any, period: Any, client_en: Any
) -> None:
    objective = make_objective(org, personas, period)
    url = reverse("objectives:set_detail", args=[objective.objective_set_id])
    link = f'href="{reverse("objectives:actions", args=[objective.pk])}">Action plan ({{}})</a>'
    client = client_en("head_a")
    assert link.format(0) in client.get(url).content.decode()
    add_action(personas, objective)
    add_action(personas, objective, action="Công khai kết quả giải quyết hồ sơ")
    assert link.format(2) in client.get(url).content.decode()
