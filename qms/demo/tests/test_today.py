"""The demo holds the running years, dated from the day it is loaded: loaded on two days a
school year apart, each shows its own previous school year evaluated, its own running one
approved and measured to date, its own calendar year's plan, documents under review; and
the 2022 history keeps its dates (the Sở's on-time share for 2022 is not 0 %)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction

from qms.core.models import OrgUnit
from qms.demo.loader import load_demo
from qms.documents.models import DocumentVersion
from qms.objectives import services as objectives
from qms.objectives.models import Measurement, Objective, ObjectiveSet, Period
from qms.planning.models import Evidence, Plan, PlanTask

pytestmark = pytest.mark.django_db
DAY = datetime.date
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
S = ObjectiveSet.Status
UNITS_WITH_SETS = 8


def load_on(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 7, tzinfo=HCM)):
        load_demo()


@pytest.fixture(scope="module", params=[DAY(2026, 12, 3), DAY(2027, 10, 15)], ids=str)
def today(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[datetime.date]:
    """The demo loaded on that day (twice: the second load changes nothing), rolled back
    at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_on(request.param)
        counts = (ObjectiveSet.objects.count(), Measurement.objects.count(), Plan.objects.count())
        load_on(request.param)
        assert (
            ObjectiveSet.objects.count(),
            Measurement.objects.count(),
            Plan.objects.count(),
        ) == counts
        yield request.param
        transaction.set_rollback(True)


@pytest.fixture
def agency(today: datetime.date) -> OrgUnit:
    return OrgUnit.objects.get(code="SGDDT-HY")


def sets_of(agency: OrgUnit, year: int) -> Any:
    return ObjectiveSet.objects.filter(agency=agency, period__start__year=year)


def test_previous_school_year_evaluated(agency: OrgUnit, today: datetime.date) -> None:
    year = objectives.current_year(agency, today) - 1
    sets = sets_of(agency, year)
    assert sets.count() == UNITS_WITH_SETS
    assert set(sets.values_list("status", flat=True)) == {S.EVALUATED}
    evaluated = Objective.objects.filter(objective_set__in=sets)
    assert not evaluated.filter(achieved__isnull=True).exists()
    missed = evaluated.filter(achieved=False)
    assert missed.count() == 2 and all(o.cause and o.proposed_action for o in missed)
    assert Period.objects.get(agency=agency, start__year=year).label == f"{year}-{year + 1}"


def test_running_school_year_approved_and_measured_to_date(
    agency: OrgUnit, today: datetime.date
) -> None:
    year = objectives.current_year(agency, today)
    sets = sets_of(agency, year)
    assert sets.count() == UNITS_WITH_SETS
    assert set(sets.values_list("status", flat=True)) == {S.APPROVED}
    approved = sets.get(unit=agency).approved_at
    assert approved is not None and approved.date() == DAY(year, 9, 5)
    measured = Measurement.objects.filter(objective__objective_set__in=sets)
    # A monthly objective: one value for each month already passed.
    docs = measured.filter(objective__statement__startswith="Phát hành văn bản đi")
    month_ends = [
        DAY(y, m + 1, 1) - datetime.timedelta(days=1) if m < 12 else DAY(y, 12, 31)
        for y, m in ((year + (8 + n - 1) // 12, (8 + n - 1) % 12 + 1) for n in range(12))
    ]
    assert sorted(docs.values_list("measured_on", flat=True)) == [
        d for d in month_ends if d < today
    ]
    # Only periods already passed: nothing measured today or later, nothing entered later.
    assert not measured.filter(measured_on__gte=today).exists()
    assert not measured.filter(created_at__date__gt=today).exists()
    # Carried over from last year: its result is this year's baseline.
    carried = Objective.objects.filter(objective_set__in=sets, carried_from__isnull=False)
    assert carried.count() == Objective.objects.filter(objective_set__in=sets).count()
    assert all(o.baseline == o.carried_from.result for o in carried if o.carried_from)


def test_this_years_plan_issued_with_progress(agency: OrgUnit, today: datetime.date) -> None:
    plan = Plan.objects.get(agency=agency, year=today.year)
    assert plan.status == Plan.Status.ISSUED and plan.issued_on is not None
    assert plan.issued_on <= today
    tasks = list(plan.tasks.all())
    done = [t for t in tasks if t.status == PlanTask.Status.DONE]
    assert done and all(
        t.completed_on is not None and t.due_date and t.completed_on <= min(t.due_date, today)
        for t in done
    )
    assert any(t.status == PlanTask.Status.IN_PROGRESS and not t.is_overdue(today) for t in tasks)
    assert [t.number for t in tasks if t.is_overdue(today)] == [7]
    assert Evidence.objects.filter(update__task__plan=plan).count() >= 2
    assert not plan.tasks.filter(updates__created_at__date__gt=today).exists()


def test_documents_under_review_and_recent_in_force(agency: OrgUnit, today: datetime.date) -> None:
    versions = DocumentVersion.objects.filter(document__agency=agency)
    review = versions.get(status=DocumentVersion.Status.REVIEW)
    assert review.document.code == "QT-SGD-01" and review.issue_no == 2
    assert review.submitted_at is not None
    assert review.submitted_at.date() == today - datetime.timedelta(days=3)
    approval = versions.get(status=DocumentVersion.Status.APPROVAL)
    assert approval.document.code == "QT-SGD-03" and approval.reviewer is not None
    recent = versions.get(document__code="QT.ISO.01", status=DocumentVersion.Status.IN_FORCE)
    assert recent.issue_no == 2 and recent.decision is not None
    assert recent.decision.issued_on == today - datetime.timedelta(days=30)


def test_2022_completions_dated_in_2022_and_on_time_share_not_zero(agency: OrgUnit) -> None:
    plan = Plan.objects.get(agency=agency, number="187/KH-SGDĐT")
    done = plan.tasks.filter(status=PlanTask.Status.DONE)
    assert done.count() == 7
    assert {t.completed_on.year for t in done if t.completed_on} == {2022}
    late = [t.number for t in done if t.completed_on and t.due_date and t.completed_on > t.due_date]
    assert late == [7]
    on_time = Objective.objects.get(
        objective_set__unit=agency,
        objective_set__period__start__year=2022,
        source=Objective.Source.PLAN_ON_TIME,
    )
    computed = {m.measured_on: m.value for m in on_time.measurements.filter(computed=True)}
    # Due by 30/9/2022: tasks 2, 3, 7, 8 (7 late); by 30/11 also the yearly report (10).
    assert computed[DAY(2022, 9, 30)] == 75
    assert computed[DAY(2023, 2, 28)] == 80
