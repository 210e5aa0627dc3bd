"""The demo's quality objectives: three school years of history of the Sở GDĐT Hưng Yên
(2020-2021 and 2021-2022 evaluated, 2022-2023 approved and measured), read the way the
dashboards read it. The running years the demo adds around the day it is loaded are tested
in qms/demo/tests/test_today.py."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import transaction

from qms.audittrail.models import LogEntry
from qms.core.models import OrgUnit
from qms.demo.loader import load_demo
from qms.objectives import dashboards, selectors, services
from qms.objectives.models import Measurement, Objective, ObjectiveSet, Period, QualityPolicy
from qms.objectives.rules import Light
from qms.planning.models import Plan

pytestmark = pytest.mark.django_db
DAY = datetime.date
S = ObjectiveSet.Status
MARCH_2023 = DAY(2023, 3, 1)
UNITS_WITH_SETS = {
    "SGDDT-HY",
    "SGDDT-VP",
    "SGDDT-TCCB",
    "SGDDT-KHTC",
    "SGDDT-GDMN",
    "SGDDT-GDTRH",
    "SGDDT-GDCN",
    "SGDDT-TTRA",
}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Loaded once for the module (twice: the second load changes nothing), rolled back
    at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(today=DAY(2026, 11, 25))
        load_demo(today=DAY(2026, 11, 25))
        yield
        transaction.set_rollback(True)


@pytest.fixture
def agency(demo: None) -> OrgUnit:
    return OrgUnit.objects.get(code="SGDDT-HY")


def period(agency: OrgUnit, year: int) -> Period:
    return Period.objects.get(agency=agency, start__year=year)


def agency_set(agency: OrgUnit, year: int) -> ObjectiveSet:
    return ObjectiveSet.objects.get(unit=agency, period=period(agency, year))


def test_three_school_years_per_status(agency: OrgUnit) -> None:
    expected = {
        2020: ("2020-2021", S.EVALUATED, 23),
        2021: ("2021-2022", S.EVALUATED, 23),
        2022: ("2022-2023", S.APPROVED, 24),
    }
    for year, (label, status, count) in expected.items():
        p = period(agency, year)
        sets = ObjectiveSet.objects.filter(period=p)
        assert p.label == label
        assert {s.unit.code for s in sets} == UNITS_WITH_SETS
        assert set(sets.values_list("status", flat=True)) == {status}
        assert Objective.objects.filter(objective_set__in=sets).count() == count
        assert agency_set(agency, year).objectives.count() == 5
    history = ObjectiveSet.objects.filter(agency=agency, period__start__year__lte=2022)
    assert history.count() == 3 * len(UNITS_WITH_SETS)
    assert not ObjectiveSet.objects.filter(unit__code__in=["SGDDT-GDTH", "SGDDT-KTKD"]).exists()
    assert QualityPolicy.objects.get(status=QualityPolicy.Status.APPROVED).version_no == 1


def test_2021_2022_evaluated_with_causes_and_carried_over(agency: OrgUnit) -> None:
    old = Objective.objects.filter(objective_set__period=period(agency, 2021))
    assert not old.filter(achieved__isnull=True).exists()
    missed = old.filter(achieved=False)
    assert missed.count() == 3
    assert all(o.cause and o.proposed_action for o in missed)
    late = missed.get(objective_set__unit__code="SGDDT-VP")
    assert late.result == D("97.2") and "Ký số" in late.proposed_action
    # Missed and standing objectives carry over: last result as baseline; achieved
    # one-off objectives do not (the internal-audit findings objective).
    new = Objective.objects.filter(objective_set__period=period(agency, 2022))
    for o in old:
        carried = new.filter(carried_from=o).first()
        assert (carried is not None) == (not o.achieved or o.continuing), o.statement
        if carried is not None:
            assert carried.baseline == o.result
    assert not new.filter(statement__startswith="Giảm sự không phù hợp").exists()


def test_the_units_contribute_to_the_sos_objectives_of_their_year(agency: OrgUnit) -> None:
    for year in (2020, 2021, 2022):
        parts = Objective.objects.filter(
            objective_set__period=period(agency, year), contributes_to__isnull=False
        ).select_related("contributes_to__objective_set")
        assert parts.count() == 7
        assert {p.contributes_to.objective_set.pk for p in parts if p.contributes_to} == {
            agency_set(agency, year).pk
        }


def test_sos_indicators_have_three_points(agency: OrgUnit) -> None:
    _rows, trends = dashboards.set_dashboard(agency_set(agency, 2022), MARCH_2023)
    assert len(trends) == 4  # the fifth, "reached by 31/12/2022", has no line
    for trend in trends:
        assert trend.labels == ["2020-2021", "2021-2022", "2022-2023"]
        assert None not in trend.values
    on_time = trends[0]
    assert on_time.values[:2] == [98.7, 99.5]  # the evaluated roll-ups
    assert on_time.targets == [98.0, 98.0, 98.0]
    inspections = trends[1]
    assert inspections.values[:2] == [51.0, 62.0] and inspections.targets[2] == 60.0


def test_lights_are_mixed(agency: OrgUnit) -> None:
    board = dashboards.department(agency, period(agency, 2022), MARCH_2023)
    assert board.total == 24
    assert all(board.counts[light] for light in (Light.ON_TRACK, Light.AT_RISK, Light.OFF_TRACK))
    assert board.counts[Light.UNKNOWN] == 0
    # Those measured by hand (the computed one follows the demo plans): mostly on track,
    # two at risk, one off track.
    rows = [
        *board.columns,
        *(r for m in board.matrix for cell in m.cells for r in cell),
        *(r for m in board.matrix for r in m.others),
    ]
    manual = [r for r in rows if r.objective.source == Objective.Source.MANUAL]
    assert len(manual) == 23
    assert Counter(r.light for r in manual) == {
        Light.ON_TRACK: 20,
        Light.AT_RISK: 2,
        Light.OFF_TRACK: 1,
    }
    assert {
        (r.objective.objective_set.unit.code, r.objective.order): r.light
        for r in manual
        if r.light != Light.ON_TRACK
    } == {
        ("SGDDT-TCCB", 3): Light.AT_RISK,  # teachers' qualifications, rising too slowly
        ("SGDDT-GDMN", 1): Light.AT_RISK,  # one late dossier
        ("SGDDT-KHTC", 2): Light.OFF_TRACK,  # days to audit the accounts, rising
    }
    # The matrix: every division has a set but GDTH and KT-KĐCLGD (the Ban ISO has none of
    # its own: it sets the Sở's).
    without = {m.unit.code for m in board.matrix if m.objective_set is None}
    assert without == {"SGDDT-ISO", "SGDDT-GDTH", "SGDDT-KTKD"}


def test_sos_on_time_objective_is_the_weighted_mean_of_the_units(agency: OrgUnit) -> None:
    on_time = agency_set(agency, 2022).objectives.get(order=1)
    assert on_time.aggregation == Objective.Aggregation.WEIGHTED_MEAN
    parts = list(on_time.contributions.all())
    assert {p.objective_set.unit.code for p in parts} == {
        "SGDDT-TCCB",
        "SGDDT-GDMN",
        "SGDDT-GDTRH",
        "SGDDT-GDCN",
    }
    latest = {}
    for p in parts:
        last = p.measurements.order_by("-measured_on").first()
        assert last is not None
        latest[p.pk] = last.value
    weighted = sum((latest[p.pk] * p.weight for p in parts), D(0))
    by_hand = weighted / sum((p.weight for p in parts), D(0))
    # 99.8 × 450 + 100 × 30 + 94.7 × 35 + 100 × 45, over 560 dossiers.
    assert by_hand == (D("99.8") * 450 + D(100) * 30 + D("94.7") * 35 + D(100) * 45) / 560
    assert services.rollup(on_time) == by_hand
    row = dashboards.set_dashboard(on_time.objective_set, MARCH_2023)[0][0]
    assert row.rollup == by_hand and row.light == Light.ON_TRACK


def test_sos_computed_indicator_is_what_eiso_computes(agency: OrgUnit) -> None:
    plan_on_time = agency_set(agency, 2022).objectives.get(source=Objective.Source.PLAN_ON_TIME)
    computed = list(plan_on_time.measurements.filter(computed=True))
    assert [m.measured_on for m in computed] == [
        DAY(2022, 9, 30),
        DAY(2022, 11, 30),
        DAY(2023, 1, 31),
        DAY(2023, 2, 28),
    ]
    for m in computed:
        assert m.value == services.computed_value(plan_on_time, m.measured_on)


def test_task_2_shows_the_divisions_that_have_not_submitted(agency: OrgUnit) -> None:
    plan = Plan.objects.get(agency=agency, number="187/KH-SGDĐT")
    tasks = {t.number: t.pk for t in plan.tasks.filter(number__in=[2, 3])}
    status = selectors.stage_status(list(tasks.values()))
    units = status[tasks[2]]
    assert {r.unit.code for r in units.missing} == {"SGDDT-GDTH", "SGDDT-KTKD"}
    assert units.done_count == 7
    assert status[tasks[3]].done_count == 1 and not status[tasks[3]].missing


def test_history_reads_2020_to_2023(agency: OrgUnit) -> None:
    # The history, before the running years the demo adds from the day it is loaded.
    entries = LogEntry.objects.filter(
        action__startswith="objectives.", created_at__date__lt=DAY(2025, 1, 1)
    )
    assert not entries.filter(created_at__year=2024).exists()
    first, last = entries.order_by("created_at").first(), entries.order_by("created_at").last()
    assert first is not None and last is not None
    assert first.created_at.date() >= DAY(2020, 10, 1)
    assert last.created_at.date() <= DAY(2023, 3, 2)
    history_measurements = Measurement.objects.filter(
        objective__objective_set__period__start__year__lte=2022
    )
    assert history_measurements.filter(created_at__year__gt=2023).count() == 0
    counts = Counter(e.created_at.year for e in entries)
    assert set(counts) == {2020, 2021, 2022, 2023}
    # Tasks 2 and 3: the divisions submitted 2022-2023 by 25/8 (Phòng GDTrH, returned once,
    # on 26/8) and the Sở's set was approved on 05/9/2022.
    sets_2022 = ObjectiveSet.objects.filter(period=period(agency, 2022))
    for s in sets_2022.exclude(unit=agency):
        assert s.submitted_at is not None
        assert s.submitted_at.date() <= DAY(2022, 8, 26)
    returned = entries.get(action="objectives.set.returned")
    assert returned.actor is not None and returned.actor.username == "thukyiso"
    approved = agency_set(agency, 2022).approved_at
    assert approved is not None and approved.date() == DAY(2022, 9, 5)
