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
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder is sys.path[0]: the repository takes its place, so that
# bench/http.py does not stand for the standard library's http.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
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

from bench import seeding  # noqa: E402
from bench.seeding import MONTHS, Org  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.core.models import OrgUnit  # noqa: E402
from qms.core.services import orgunit_create  # noqa: E402
from qms.objectives import dashboards, services  # noqa: E402
from qms.objectives.models import (  # noqa: E402
    Measurement,
    Objective,
    ObjectiveSet,
    Period,
)

AGENCIES, UNITS, SMALL_UNITS, OBJECTIVES, PERIODS = 200, 15, 5, 8, 3
WARMUPS, RUNS = 3, 30


def seed_org() -> Org:
    """The province helper's 200 agencies × 15 divisions (the first one an office), one
    agency of 5 units, and a leader of the first and of the small agency."""
    agencies, units = seeding.province_with_issued_plans(AGENCIES, (), divisions=UNITS)
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
        seeding.objectives(org, list(range(year - PERIODS + 1, year + 1)))
    if connection.vendor == "postgresql":
        seeding.analyze()
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
