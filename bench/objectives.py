"""Benchmark the quality-objectives dashboards at province scale.

Seeds 200 agencies × 15 units × 8 objectives × 3 school years × 12 monthly measurements
(72,000 unit objectives, 864,000 measurements), plus each agency's own 8 objectives per
year that the units' objectives contribute to (rolled up by sum, mean, weighted mean or
minimum), the two earlier years evaluated and the current one approved, and one extra
agency of 5 units. Then requests the department dashboard, the matrix and the set pages
N times as a leader with the Django test client and prints median and p95 server time
and the query count. The dashboard and the matrix are also measured on the 5-unit agency,
to show the query count does not grow with the number of units.

A database already seeded is reused; ``--fresh`` seeds it again.

    .venv/bin/python bench/objectives.py            # SQLite file bench/objectives.sqlite3
    createdb -h 127.0.0.1 -U postgres eiso_bench_obj
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_bench_obj .venv/bin/python bench/objectives.py
"""

from __future__ import annotations

import datetime
import itertools
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'objectives.sqlite3'}")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # static files not collected

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.seeding import province_with_issued_plans  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.core.models import OrgUnit  # noqa: E402
from qms.core.services import orgunit_create  # noqa: E402
from qms.objectives import dashboards, rules, services  # noqa: E402
from qms.objectives.models import (  # noqa: E402
    Measurement,
    Objective,
    ObjectiveSet,
    Period,
    period_bounds,
)

AGENCIES, UNITS, SMALL_UNITS, OBJECTIVES, PERIODS, MONTHS = 200, 15, 5, 8, 3, 12
WARMUPS, RUNS, BATCH = 3, 30, 5000
D, Agg, Dir = Decimal, Objective.Aggregation, Objective.Direction
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Spec:
    """One of the 8 objectives every unit and agency sets, in order."""

    indicator: str
    unit_of_measure: str
    direction: str
    target: Decimal
    baseline: Decimal
    aggregation: str  # how the agency rolls the units up


SPECS = [
    Spec("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "%", Dir.AT_LEAST, D(95), D(88), Agg.MEAN),
    Spec("Số hồ sơ TTHC trễ hạn", "hồ sơ", Dir.AT_MOST, D(4), D(9), Agg.SUM),
    Spec("Tỷ lệ tổ chức, công dân hài lòng", "%", Dir.AT_LEAST, D(90), D(82), Agg.WEIGHTED_MEAN),
    Spec("Tỷ lệ nhiệm vụ kế hoạch đúng hạn", "%", Dir.AT_LEAST, D(90), D(78), Agg.MINIMUM),
    Spec("Số phản ánh, kiến nghị", "lượt", Dir.AT_MOST, D(3), D(7), Agg.SUM),
    Spec("Số ngày xử lý một hồ sơ", "ngày", Dir.AT_MOST, D(5), D(8), Agg.MEAN),
    Spec("Tỷ lệ tài liệu xem xét đúng kỳ", "%", Dir.AT_LEAST, D(100), D(85), Agg.MINIMUM),
    Spec("Số lớp bồi dưỡng tổ chức", "lớp", Dir.AT_LEAST, D(4), D(1), Agg.WEIGHTED_MEAN),
]
CENT = D("0.01")


def _chunks(items: Iterable[M], size: int = BATCH) -> Iterator[list[M]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _bulk(model: type[M], items: Iterable[M]) -> list[M]:
    """bulk_create in batches without building every row first; returns them with pks."""
    created: list[M] = []
    for chunk in _chunks(items):
        created.extend(model._default_manager.bulk_create(chunk))
    return created


def _final(spec: Spec, a: int, u: int, o: int, y: int) -> Decimal:
    """A unit's value at the end of the year: about 3 units in 10 miss the target."""
    missed = (a * 7 + u * 3 + o * 5 + y) % 10 < 3
    spread = abs(spec.target - spec.baseline) * D((a + u + o) % 4 + 1) / D(5)
    ahead = spread if spec.direction == Dir.AT_LEAST else -spread
    value = spec.target - ahead if missed else spec.target + ahead
    if spec.unit_of_measure == "%":
        value = min(value, D(100))
    return max(value, D(0)).quantize(CENT)


def _monthly(
    spec: Spec, final: Decimal, start: datetime.date, u: int
) -> Iterator[tuple[datetime.date, Decimal]]:
    """(date, value) on the 25th of each month of the period, from the baseline to final."""
    wobble = abs(final - spec.baseline) / D(10)
    for m in range(MONTHS):
        month = (start.month - 1 + m) % 12 + 1
        year = start.year + (start.month - 1 + m) // 12
        value = spec.baseline + (final - spec.baseline) * D(m + 1) / D(MONTHS)
        if m < MONTHS - 1:
            value += wobble * D((m * 7 + u) % 3 - 1)
        yield datetime.date(year, month, 25), max(value, D(0)).quantize(CENT)


def _evaluation(spec: Spec, target: Decimal, result: Decimal | None) -> dict[str, Any]:
    if result is None:
        return {}
    achieved = rules.is_met(spec.direction, result, target)
    return {
        "result": result.quantize(CENT),
        "achieved": achieved,
        "cause": "" if achieved else "Chưa bố trí đủ nhân lực; số hồ sơ tăng đột biến.",
        "proposed_action": "" if achieved else "Rà soát quy trình, bổ sung người xử lý.",
    }


def _objective(spec: Spec, o: int, objective_set: ObjectiveSet, **fields: Any) -> Objective:
    sign = "≥" if spec.direction == Dir.AT_LEAST else "≤"
    target = fields.pop("target", spec.target)
    return Objective(
        objective_set=objective_set,
        order=o + 1,
        statement=f"{spec.indicator} {sign} {target.normalize():f} {spec.unit_of_measure}",
        indicator=spec.indicator,
        unit_of_measure=spec.unit_of_measure,
        direction=spec.direction,
        target=target,
        frequency=Objective.Frequency.MONTHLY,
        owner_unit_id=objective_set.unit_id,
        **fields,
    )


@dataclass
class Org:
    agencies: list[OrgUnit]
    units: dict[int, list[OrgUnit]]
    leader: User


def seed_org() -> Org:
    """The province helper's 200 agencies × 15 divisions (the first one an office), one
    agency of 5 units, and a leader of the first and of the small agency."""
    agencies, units = province_with_issued_plans(AGENCIES, (), divisions=UNITS)
    small = orgunit_create(
        actor=None,
        code="SMALL",
        name="Sở nhỏ",
        kind=OrgUnit.Kind.AGENCY,
        parent=agencies[0].parent,
        doc_symbol="SN",
    )
    units[small.pk] = [
        orgunit_create(
            actor=None,
            code=f"SMALL-D{d}",
            name=f"Phòng {d} Sở nhỏ",
            kind=OrgUnit.Kind.DIVISION,
            parent=small,
        )
        for d in range(SMALL_UNITS)
    ]
    agencies.append(small)
    OrgUnit.objects.filter(code__endswith="-D0").update(kind=OrgUnit.Kind.OFFICE)
    leader = User.objects.create_user("leader", password="x", unit=agencies[0])
    for agency in (agencies[0], small):
        RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=agency)
    return Org(agencies, units, leader)


def _sets(org: Org, years: list[int]) -> dict[tuple[int, int], ObjectiveSet]:
    """The periods and every (unit, year) set: approved now, evaluated before."""
    current = years[-1]
    periods = _bulk(
        Period,
        (
            Period(agency=agency, kind=Period.Kind.SCHOOL_YEAR, start=s, end=e, label=label)
            for agency in org.agencies
            for s, e, label in (period_bounds(Period.Kind.SCHOOL_YEAR, y) for y in years)
        ),
    )

    def at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))

    def one(period: Period, unit_id: int) -> ObjectiveSet:
        done = period.start.year < current
        return ObjectiveSet(
            agency_id=period.agency_id,
            unit_id=unit_id,
            period=period,
            status=ObjectiveSet.Status.EVALUATED if done else ObjectiveSet.Status.APPROVED,
            submitted_by=org.leader,
            submitted_at=at(period.start + datetime.timedelta(days=20)),
            approved_by=org.leader,
            approved_at=at(period.start + datetime.timedelta(days=30)),
            evaluated_by=org.leader if done else None,
            evaluated_at=at(period.end) if done else None,
        )

    sets = _bulk(
        ObjectiveSet,
        (
            one(period, unit_id)
            for period in periods
            for unit_id in [period.agency_id, *(u.pk for u in org.units[period.agency_id])]
        ),
    )
    return {(s.unit_id, s.period.start.year): s for s in sets}


def seed_objectives(org: Org, years: list[int]) -> None:
    """Year by year: the agencies' objectives, the units' (contributing to them and carried
    over from the year before), then the units' monthly measurements."""
    sets = _sets(org, years)
    previous: dict[tuple[int, int], int] = {}
    for y, year in enumerate(years):
        evaluated = year < years[-1]
        finals = {
            (unit.pk, o): _final(spec, a, u, o, y)
            for a, agency in enumerate(org.agencies)
            for u, unit in enumerate(org.units[agency.pk])
            for o, spec in enumerate(SPECS)
        }
        tops = _bulk(
            Objective, _agency_objectives(org, sets, year, finals, previous, evaluated=evaluated)
        )
        parents = {(t.objective_set.unit_id, t.order - 1): t.pk for t in tops}
        mine = _bulk(
            Objective,
            (
                _objective(
                    spec,
                    o,
                    sets[unit.pk, year],
                    baseline=spec.baseline,
                    weight=D(1 + u % 3),
                    contributes_to_id=parents[agency.pk, o],
                    carried_from_id=previous.get((unit.pk, o)),
                    **_evaluation(spec, spec.target, finals[unit.pk, o] if evaluated else None),
                )
                for agency in org.agencies
                for u, unit in enumerate(org.units[agency.pk])
                for o, spec in enumerate(SPECS)
            ),
        )
        previous = {**parents, **{(m.owner_unit_id, m.order - 1): m.pk for m in mine}}
        _bulk(Measurement, _measurements(org, mine, finals))


def _agency_objectives(
    org: Org,
    sets: dict[tuple[int, int], ObjectiveSet],
    year: int,
    finals: dict[tuple[int, int], Decimal],
    previous: dict[tuple[int, int], int],
    *,
    evaluated: bool,
) -> Iterator[Objective]:
    for agency in org.agencies:
        n = D(len(org.units[agency.pk]))
        for o, spec in enumerate(SPECS):
            scale = n if spec.aggregation == Agg.SUM else D(1)
            target = spec.target * scale
            values = [(finals[u.pk, o], D(1 + i % 3)) for i, u in enumerate(org.units[agency.pk])]
            rollup = rules.aggregate(spec.aggregation, values) if evaluated else None
            yield _objective(
                spec,
                o,
                sets[agency.pk, year],
                target=target,
                baseline=spec.baseline * scale,
                aggregation=spec.aggregation,
                carried_from_id=previous.get((agency.pk, o)),
                **_evaluation(spec, target, rollup),
            )


def _measurements(
    org: Org, objectives: list[Objective], finals: dict[tuple[int, int], Decimal]
) -> Iterator[Measurement]:
    position = {unit.pk: u for units in org.units.values() for u, unit in enumerate(units)}
    for objective in objectives:
        o = objective.order - 1
        start = objective.objective_set.period.start
        final = finals[objective.owner_unit_id, o]
        for on, value in _monthly(SPECS[o], final, start, position[objective.owner_unit_id]):
            yield Measurement(
                objective=objective, measured_on=on, value=value, entered_by=org.leader
            )


def expected_measurements() -> int:
    return (AGENCIES * UNITS + SMALL_UNITS) * OBJECTIVES * PERIODS * MONTHS


def already_seeded(today: datetime.date) -> bool:
    try:
        return (
            User.objects.filter(username="leader").exists()
            and Period.objects.filter(start__lte=today, end__gte=today).exists()
            and Measurement.objects.count() == expected_measurements()
        )
    except DatabaseError:
        return False


def seed(fresh: bool) -> float | None:
    """Seconds spent seeding, None when the database was already seeded."""
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    if not fresh and already_seeded(today):
        return None
    t0 = time.perf_counter()
    org = seed_org()
    year = services.current_year(org.agencies[0], today)
    with transaction.atomic():
        seed_objectives(org, list(range(year - PERIODS + 1, year + 1)))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a bulk load
            cursor.execute("ANALYZE")
    return time.perf_counter() - t0


@dataclass
class Result:
    median: float
    p95: float
    queries: int
    sql_ms: float  # the median time of each query, summed
    slowest_ms: float  # the query with the highest median time
    slowest_sql: str


def _timed(call: Callable[[], None]) -> Result:
    for _ in range(WARMUPS):  # warm caches and templates
        call()
    times, runs = [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        runs.append(ctx.captured_queries)
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    each = [
        statistics.median(float(run[i]["time"]) * 1000 for run in runs)
        for i in range(len(runs[-1]))
    ]
    slowest = max(range(len(each)), key=each.__getitem__)
    sql = " ".join(runs[-1][slowest]["sql"].split())
    return Result(median, p95, len(runs[-1]), sum(each), each[slowest], sql)


def page(client: Client, url: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    return call


def direct(agency: OrgUnit, period: Period) -> Callable[[], None]:
    today = timezone.localdate()

    def call() -> None:
        dashboards.department(agency, period, today)

    return call


def counts() -> str:
    unit_sets = ObjectiveSet.objects.exclude(unit_id=models.F("agency_id"))
    return (
        f"{OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY).count():,} agencies, "
        f"{OrgUnit.objects.filter(parent__kind=OrgUnit.Kind.AGENCY).count():,} units, "
        f"{Period.objects.count():,} periods, {ObjectiveSet.objects.count():,} sets, "
        f"{Objective.objects.filter(objective_set__in=unit_sets).count():,} unit objectives + "
        f"{Objective.objects.exclude(objective_set__in=unit_sets).count():,} agency objectives, "
        f"{Measurement.objects.count():,} measurements"
    )


def pages(year: int) -> tuple[str, list[tuple[str, Callable[[], None]]]]:
    """What is measured, as the leader of the 15-unit agency and of the 5-unit one."""
    big, small = OrgUnit.objects.get(code="A0"), OrgUnit.objects.get(code="SMALL")
    period = {a.pk: services.period_for(agency=a, year=year) for a in (big, small)}
    agency_set = {a.pk: ObjectiveSet.objects.get(unit=a, period=period[a.pk]) for a in (big, small)}
    unit_set = ObjectiveSet.objects.get(unit__code="A0-D1", period=period[big.pk])
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    out: list[tuple[str, Callable[[], None]]] = []
    for name in ("dashboard", "matrix"):
        for agency, n in ((big, UNITS), (small, SMALL_UNITS)):
            url = f"{reverse(f'objectives:{name}')}?agency={agency.pk}&year={year}"
            out.append((f"{name} ({n} units)", page(client, url)))
    out.append(("unit set page (8 objectives)", page(client, set_url(unit_set))))
    for agency, n in ((big, UNITS), (small, SMALL_UNITS)):
        out.append((f"agency set page ({n} units)", page(client, set_url(agency_set[agency.pk]))))
    for agency, n in ((big, UNITS), (small, SMALL_UNITS)):
        out.append((f"department() only ({n} units)", direct(agency, period[agency.pk])))
    return f"agency {big.pk}, year {year} ({period[big.pk]})", out


def set_url(objective_set: ObjectiveSet) -> str:
    return reverse("objectives:set_detail", args=[objective_set.pk])


def main() -> None:
    seconds = seed(fresh="--fresh" in sys.argv)
    took = "reused (already seeded)" if seconds is None else f"seeded in {seconds:.0f} s"
    print(f"database: {connection.vendor}; {took}\nrows: {counts()}")
    year = services.current_year(OrgUnit.objects.get(code="A0"), timezone.localdate())
    where, measured = pages(year)
    print(f"{where}; {RUNS} runs after {WARMUPS} warm-ups")
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>7}")
    results = {}
    for name, call in measured:
        r = results[name] = _timed(call)
        print(f"{name:34} {r.median:10.1f} {r.p95:8.1f} {r.queries:8d} {r.sql_ms:7.1f}")
    for what in ("dashboard", "matrix", "agency set page", "department() only"):
        many, few = results[f"{what} ({UNITS} units)"], results[f"{what} ({SMALL_UNITS} units)"]
        print(
            f"{what} {UNITS} vs {SMALL_UNITS} units: query ratio {many.queries / few.queries:.2f} "
            f"(1.00 = flat), time ratio {many.median / few.median:.2f}"
        )
    print("SQL ms: the median time Django logs for each query (whole ms), summed")
    print("slowest query of each page (median ms):")
    for name, r in results.items():
        print(f"  {name}: {r.slowest_ms:.1f} ms  {r.slowest_sql[:110]}")


if __name__ == "__main__":
    main()
