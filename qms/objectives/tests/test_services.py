"""Objective sets through their year: set, submit, approve, measure, evaluate, carry over."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from conftest import shared_org
from qms.audittrail.models import LogEntry
from qms.documents import services as documents
from qms.documents.models import Document, ReviewTask
from qms.objectives import services
from qms.objectives.models import Objective, ObjectiveSet, QualityPolicy
from qms.objectives.services import ObjectiveError, ObjectiveInput
from qms.planning.models import PlanTask
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


def approved_set(
    org: Any, personas: Any, period: Any, unit: Any = None, **objective: Any
) -> Objective:
    unit = unit or org.div_a
    objective_set = services.set_create(actor=personas["head_a"], unit=unit, period=period)
    data = ObjectiveInput(
        statement="Giải quyết hồ sơ TTHC đúng hạn",
        indicator="Tỷ lệ hồ sơ đúng hạn",
        unit_of_measure="%",
        owner_unit=unit,
        target=D(95),
    )
    for key, value in objective.items():
        setattr(data, key, value)
    obj = services.objective_save(actor=personas["head_a"], objective_set=objective_set, data=data)
    services.set_submit(actor=personas["head_a"], objective_set=objective_set)
    services.set_approve(actor=personas["leader"], objective_set=objective_set)
    obj.refresh_from_db()
    return obj


def test_school_year_runs_from_august_to_july(period: Any) -> None:
    assert (period.start, period.end, period.label) == (
        DAY(2022, 8, 1),
        DAY(2023, 7, 31),
        "2022-2023",
    )


def test_set_workflow_and_log(org: Any, personas: Any, period: Any) -> None:
    objective_set = services.set_create(actor=personas["head_a"], unit=org.div_a, period=period)
    with pytest.raises(ObjectiveError, match="at least one objective"):
        services.set_submit(actor=personas["head_a"], objective_set=objective_set)
    services.objective_save(
        actor=personas["head_a"],
        objective_set=objective_set,
        data=ObjectiveInput(
            statement="Mục tiêu", indicator="Chỉ số", owner_unit=org.div_a, target=D(1)
        ),
    )
    services.set_submit(actor=personas["head_a"], objective_set=objective_set)
    with pytest.raises(ObjectiveError, match="comment is required"):
        services.set_return(actor=personas["iso_office"], objective_set=objective_set, comment="")
    services.set_return(
        actor=personas["iso_office"], objective_set=objective_set, comment="Chỉ số chưa đo được"
    )
    objective_set.refresh_from_db()
    assert objective_set.status == ObjectiveSet.Status.DRAFT
    assert objective_set.return_comment == "Chỉ số chưa đo được"
    services.set_submit(actor=personas["head_a"], objective_set=objective_set)
    approved = services.set_approve(actor=personas["leader"], objective_set=objective_set)
    assert (
        approved.status == ObjectiveSet.Status.APPROVED
        and approved.approved_by == personas["leader"]
    )
    with pytest.raises(ObjectiveError, match="only while the set is a draft"):
        services.objective_save(
            actor=personas["head_a"],
            objective_set=approved,
            data=ObjectiveInput(statement="Khác", indicator="x", owner_unit=org.div_a, target=D(1)),
        )
    actions = set(LogEntry.objects.values_list("action", flat=True))
    assert {
        "objectives.set.submitted",
        "objectives.set.returned",
        "objectives.set.approved",
    } <= actions


def test_missed_objective_needs_its_cause(org: Any, personas: Any, period: Any) -> None:
    obj = approved_set(org, personas, period)
    with pytest.raises(ObjectiveError, match="give the cause"):
        services.objective_evaluate(actor=personas["head_a"], objective=obj, result=D(90))
    services.objective_evaluate(
        actor=personas["head_a"],
        objective=obj,
        result=D(90),
        cause="Thiếu chuyên viên thụ lý",
        proposed_action="Bổ sung nhân sự",
    )
    obj.refresh_from_db()
    assert obj.achieved is False and obj.cause == "Thiếu chuyên viên thụ lý"
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.filter(pk=obj.pk).update(cause="")


def test_evaluation_follows_the_direction(org: Any, personas: Any, period: Any) -> None:
    at_most = approved_set(
        org, personas, period, direction="lte", target=D(2), statement="Khiếu nại ≤ 2"
    )
    services.objective_evaluate(actor=personas["head_a"], objective=at_most, result=D(1))
    assert Objective.objects.get(pk=at_most.pk).achieved is True


def test_measurements_stay_within_the_period(org: Any, personas: Any, period: Any) -> None:
    obj = approved_set(org, personas, period)
    services.measurement_add(
        actor=personas["staff_a"], objective=obj, measured_on=DAY(2022, 12, 31), value=D(93)
    )
    with pytest.raises(ObjectiveError, match="must fall within 2022-2023"):
        services.measurement_add(
            actor=personas["staff_a"], objective=obj, measured_on=DAY(2023, 8, 2), value=D(93)
        )


def test_carry_over_uses_last_result_as_baseline(org: Any, personas: Any, period: Any) -> None:
    missed = approved_set(org, personas, period)
    objective_set = missed.objective_set
    met = services.objective_save(  # added after approval is refused, so build another set
        actor=personas["head_b"],
        objective_set=services.set_create(actor=personas["head_b"], unit=org.div_b, period=period),
        data=ObjectiveInput(statement="x", indicator="y", owner_unit=org.div_b, target=D(1)),
    )
    assert met.objective_set != objective_set
    services.objective_evaluate(
        actor=personas["head_a"], objective=missed, result=D("91.5"), cause="Thiếu người"
    )
    services.set_evaluate(actor=personas["head_a"], objective_set=objective_set)
    next_period = services.period_for(agency=org.agency, year=2023)
    new = services.set_copy_forward(
        actor=personas["head_a"], objective_set=objective_set, period=next_period
    )
    [carried] = new.objectives.all()
    assert carried.baseline == D("91.5") and carried.carried_from == missed
    assert carried.target == D(95) and new.status == ObjectiveSet.Status.DRAFT


def test_achieved_objectives_stay_behind_unless_continuing(
    org: Any, personas: Any, period: Any
) -> None:
    done = approved_set(org, personas, period)
    services.objective_evaluate(actor=personas["head_a"], objective=done, result=D(97))
    services.set_evaluate(actor=personas["head_a"], objective_set=done.objective_set)
    new = services.set_copy_forward(
        actor=personas["head_a"],
        objective_set=done.objective_set,
        period=services.period_for(agency=org.agency, year=2023),
    )
    assert not new.objectives.exists()


def test_agency_objective_rolls_up_its_units(org: Any, personas: Any, period: Any) -> None:
    agency_set = services.set_create(actor=personas["iso_office"], unit=org.agency, period=period)
    parent = services.objective_save(
        actor=personas["iso_office"],
        objective_set=agency_set,
        data=ObjectiveInput(
            statement="Sở: hồ sơ đúng hạn",
            indicator="%",
            owner_unit=org.agency,
            target=D(95),
            aggregation="weighted_mean",
        ),
    )
    a = approved_set(org, personas, period, contributes_to=parent, weight=D(3))
    b = approved_set(org, personas, period, unit=org.div_b, contributes_to=parent, weight=D(1))
    services.measurement_add(
        actor=personas["head_a"], objective=a, measured_on=DAY(2022, 12, 31), value=D(100)
    )
    services.measurement_add(
        actor=personas["head_b"], objective=b, measured_on=DAY(2022, 12, 31), value=D(80)
    )
    assert services.rollup(parent) == D(95)
    for method, expected in [("sum", D(180)), ("mean", D(90)), ("min", D(80)), ("manual", None)]:
        parent.aggregation = method
        assert services.rollup(parent) == expected
    with pytest.raises(ObjectiveError, match="cannot contribute to itself"):
        services.objective_save(
            actor=personas["iso_office"],
            objective_set=agency_set,
            data=ObjectiveInput(
                statement="x",
                indicator="y",
                owner_unit=org.agency,
                target=D(1),
                contributes_to=parent,
            ),
        )


def test_quality_policy_versions(org: Any, personas: Any) -> None:
    first = services.policy_draft(
        actor=personas["iso_office"], agency=org.agency, text="Chính sách 1"
    )
    services.policy_approve(actor=personas["leader"], policy=first, on=DAY(2020, 11, 6))
    second = services.policy_draft(
        actor=personas["iso_office"], agency=org.agency, text="Chính sách 2"
    )
    services.policy_approve(actor=personas["leader"], policy=second, on=DAY(2023, 1, 5))
    first.refresh_from_db()
    assert first.status == QualityPolicy.Status.SUPERSEDED and second.version_no == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityPolicy.objects.filter(pk=first.pk).update(status="approved")


# --------------------------------------------------------------------------- computed indicators


def test_share_of_plan_tasks_done_on_time_hand_counted(
    org: Any, personas: Any, period: Any
) -> None:
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        tasks=6,
        lead=org.div_a,
        issued=True,
        approver=personas["leader"],
    )
    tasks = list(plan.tasks.order_by("number"))
    S = PlanTask.Status
    rows = [  # due, status, completed on
        (DAY(2022, 9, 10), S.DONE, DAY(2022, 9, 8)),  # on time
        (DAY(2022, 10, 1), S.DONE, DAY(2022, 10, 5)),  # late
        (DAY(2022, 11, 15), S.IN_PROGRESS, None),  # due, not done
        (DAY(2022, 12, 1), S.CANCELLED, None),  # not counted
        (DAY(2022, 7, 15), S.DONE, DAY(2022, 7, 1)),  # before the school year
        (DAY(2022, 12, 20), S.DONE, DAY(2022, 12, 20)),  # on time, led by Phòng TCCB
    ]
    for task, (due, status, completed) in zip(tasks, rows, strict=True):
        PlanTask.objects.filter(pk=task.pk).update(
            due_date=due, status=status, completed_on=completed
        )
    tasks[5].lead_units.set([org.div_b])
    div_set = services.set_create(actor=personas["head_a"], unit=org.div_a, period=period)
    agency_set = services.set_create(actor=personas["iso_office"], unit=org.agency, period=period)
    make = lambda s, unit: services.objective_save(  # noqa: E731
        actor=personas["iso_office"],
        objective_set=s,
        data=ObjectiveInput(
            statement="Đúng hạn",
            indicator="%",
            owner_unit=unit,
            target=D(100),
            source="plan_on_time",
        ),
    )
    as_of = DAY(2022, 12, 31)
    assert services.computed_value(make(div_set, org.div_a), as_of) == D("33.3")  # 1 of 3
    assert services.computed_value(make(agency_set, org.agency), as_of) == D("50.0")  # 2 of 4
    # Before anything was due: no value rather than 0 %.
    assert services.computed_value(make(div_set, org.div_a), DAY(2022, 8, 31)) is None


def test_documents_reviewed_on_schedule_hand_counted(org: Any, personas: Any, period: Any) -> None:
    doc = documents.document_create(
        actor=personas["head_a"],
        agency=org.agency,
        data=documents.DocumentInput(
            kind=Document.Kind.GUIDELINE, code="HD.01", title="Hướng dẫn", owner_unit=org.div_a
        ),
    )
    tz = timezone.get_current_timezone()
    at = lambda d: datetime.datetime.combine(d, datetime.time(10), tzinfo=tz)  # noqa: E731
    for due, status, done in [
        (DAY(2022, 9, 1), "done", DAY(2022, 8, 30)),  # on schedule
        (DAY(2022, 10, 1), "done", DAY(2022, 10, 10)),  # late
        (DAY(2022, 11, 1), "open", None),  # still open
        (DAY(2023, 9, 1), "open", None),  # next school year
    ]:
        ReviewTask.objects.create(
            document=doc,
            reason="periodic",
            due_on=due,
            status=status,
            done_at=at(done) if done else None,
        )
    objective_set = services.set_create(actor=personas["head_a"], unit=org.div_a, period=period)
    obj = services.objective_save(
        actor=personas["head_a"],
        objective_set=objective_set,
        data=ObjectiveInput(
            statement="Rà soát đúng hạn",
            indicator="%",
            owner_unit=org.div_a,
            target=D(100),
            source="docs_reviewed",
        ),
    )
    assert services.computed_value(obj, DAY(2023, 7, 31)) == D("33.3")


def test_agency_objective_is_judged_on_its_roll_up(org: Any, personas: Any, period: Any) -> None:
    from qms.objectives import selectors
    from qms.objectives.rules import Light

    agency_set = services.set_create(actor=personas["iso_office"], unit=org.agency, period=period)
    parent = services.objective_save(
        actor=personas["iso_office"],
        objective_set=agency_set,
        data=ObjectiveInput(
            statement="Sở", indicator="%", owner_unit=org.agency, target=D(95), aggregation="mean"
        ),
    )
    unit = approved_set(org, personas, period, contributes_to=parent)
    services.measurement_add(
        actor=personas["head_a"], objective=unit, measured_on=DAY(2022, 12, 31), value=D(97)
    )
    [row] = selectors.set_rows(agency_set, DAY(2023, 1, 10))
    assert row.rollup == D(97) and row.light == Light.ON_TRACK


def test_run_periodic_fills_computed_indicators_once_a_day(
    org: Any, personas: Any, period: Any
) -> None:
    import time_machine

    from qms.notifications.periodic import run_pass

    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        tasks=1,
        lead=org.div_a,
        issued=True,
        approver=personas["leader"],
    )
    PlanTask.objects.filter(plan=plan).update(
        due_date=DAY(2022, 9, 10), status=PlanTask.Status.DONE, completed_on=DAY(2022, 9, 9)
    )
    obj = approved_set(org, personas, period, source="plan_on_time", target=D(100))
    with time_machine.travel(datetime.datetime(2022, 10, 3, 9, tzinfo=datetime.UTC), tick=False):
        run_pass()
        run_pass()
    [m] = obj.measurements.all()
    assert (m.measured_on, m.value, m.computed) == (DAY(2022, 10, 3), D(100), True)
