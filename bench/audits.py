"""Benchmark the internal-audit and nonconformity pages at province scale.

Seeds 200 agencies × 6 divisions × 5 years, each year an audit programme of 2 audits and
40 findings of every kind; every nonconformity found (half of them) raises an NC with one
or two corrective actions (earlier years closed after an independent verification, this
year's spread over the workflow): 1,000 programmes, 40,000 findings, 20,000 NCs,
~30,000 actions. One more agency, ``BIG``, has ten times as much (20 audits and 400
findings a year). Then requests, with the Django test client, N times each:

* the NC list (``nonconformities:list``) of the year;
* the analytics page (``nonconformities:analytics``) of the year;
* the programme page (``audits:programme_detail``) of the year;

as the leader of agency ``A0`` and as the leader of ``BIG`` (ten times the rows), and
prints median and p95 server time, the query count and the ratios BIG / A0: a query ratio
of 1.00 says the page is flat in the number of rows. The analytics selector is also timed
on its own. A page whose route is not installed is reported as such.

A database already seeded is reused; ``--fresh`` seeds it again. ``--tiny`` seeds a few
rows (the test ``tests/test_bench_audits.py`` runs it that way).

    .venv/bin/python bench/audits.py                 # SQLite file bench/audits.sqlite3
    createdb -h 127.0.0.1 -U postgres eiso_nca_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_nca_bench .venv/bin/python bench/audits.py
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'audits.sqlite3'}")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # static files not collected

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import seeding  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.audits.models import Finding, Programme  # noqa: E402
from qms.core.models import OrgUnit  # noqa: E402
from qms.core.services import orgunit_create  # noqa: E402
from qms.nonconformities import analytics  # noqa: E402
from qms.nonconformities.models import CorrectiveAction, Nonconformity  # noqa: E402

WARMUPS, RUNS = 3, 30
BIG_FACTOR = 10


@dataclass(frozen=True)
class Scale:
    agencies: int = 200
    divisions: int = 6
    years: int = 5
    findings: int = 40
    audits: int = 2


FULL = Scale()
TINY = Scale(agencies=2, divisions=4, years=2, findings=8, audits=2)


def _years(scale: Scale, today: datetime.date) -> list[int]:
    return list(range(today.year - scale.years + 1, today.year + 1))


def _user(username: str, unit: OrgUnit, role: str | None = None) -> User:
    user = User.objects.create_user(
        username, password="x", unit=unit, first_name=username.title(), last_name="Bench"
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    return user


def seed_rows(scale: Scale, today: datetime.date) -> None:
    """The rows at ``scale`` (plus the agency BIG), in a database with no province yet."""
    agencies, units = seeding.province(scale.agencies, (), scale.divisions)
    big = orgunit_create(
        actor=None, code="BIG", name="Sở lớn", kind=OrgUnit.Kind.AGENCY, parent=agencies[0].parent
    )
    units[big.pk] = [
        orgunit_create(
            actor=None,
            code=f"BIG-D{d}",
            name=f"Phòng {d} Sở lớn",
            kind=OrgUnit.Kind.DIVISION,
            parent=big,
        )
        for d in range(scale.divisions)
    ]
    agencies.append(big)
    _user("leader", agencies[0], Role.LEADER)
    _user("leader_big", big, Role.LEADER)
    people = seeding.AuditPeople(
        lead=_user("lead", agencies[0], Role.AUDITOR),
        leader=User.objects.get(username="leader"),
        owner=_user("owner", units[agencies[0].pk][0], Role.UNIT_HEAD),
        verifier=_user("verifier", agencies[0], Role.ISO_OFFICER),
    )
    with transaction.atomic():
        seeding.audits(
            agencies,
            units,
            _years(scale, today),
            people,
            findings=scale.findings,
            audits_per_programme=scale.audits,
            scale={big.pk: BIG_FACTOR},
        )
    if connection.vendor == "postgresql":
        seeding.analyze()


def expected_findings(scale: Scale) -> int:
    return (scale.agencies + BIG_FACTOR) * scale.years * scale.findings


def already_seeded(scale: Scale) -> bool:
    try:
        return User.objects.filter(
            username="leader_big"
        ).exists() and Finding.objects.count() == expected_findings(scale)
    except DatabaseError:
        return False


def seed(scale: Scale, *, fresh: bool) -> float | None:
    """Seconds spent seeding, None when the database was already seeded."""
    call_command("migrate", verbosity=0)
    if not fresh and already_seeded(scale):
        return None
    t0 = time.perf_counter()
    seeding.fresh_database()
    seed_rows(scale, timezone.localdate())
    return time.perf_counter() - t0


@dataclass
class Result:
    median: float
    p95: float
    queries: int


def timed(call: Callable[[], None], runs: int = RUNS, warmups: int = WARMUPS) -> Result:
    for _ in range(warmups):
        call()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    return Result(statistics.median(times), p95, queries)


def _page(client: Client, url: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    return call


def _url(name: str, *args: int, query: str = "") -> str | None:
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


@dataclass
class Page:
    what: str  # "NC list", "analytics", "programme page"
    size: str  # "A0", "BIG"
    rows: str  # what it reads, e.g. "20 NCs"
    url: str | None
    call: Callable[[], None] | None


def pages(year: int) -> list[Page]:
    """Each page as the leader of A0 and as the leader of BIG (ten times the rows)."""
    out = []
    for code, username in (("A0", "leader"), ("BIG", "leader_big")):
        agency = OrgUnit.objects.get(code=code)
        client = Client()
        client.force_login(User.objects.get(username=username))
        ncs = Nonconformity.objects.filter(agency=agency, year=year).count()
        query = f"?agency={agency.pk}&year={year}"
        programme = Programme.objects.get(agency=agency, year=year)
        findings = Finding.objects.filter(audit__programme=programme).count()
        for what, url, rows in (
            ("NC list", _url("nonconformities:list", query=query), f"{ncs} NCs"),
            ("analytics", _url("nonconformities:analytics", query=query), f"{ncs} NCs"),
            (
                "programme page",
                _url("audits:programme_detail", programme.pk),
                f"{programme.audits.count()} audits, {findings} findings",
            ),
        ):
            out.append(Page(what, code, rows, url, _page(client, url) if url else None))
        user = User.objects.get(username=username)
        f = analytics.Filters(agency=agency, year=year)

        def direct(user: User = user, f: analytics.Filters = f) -> None:
            analytics.analytics(user, f, timezone.localdate())

        out.append(Page("analytics() only", code, f"{ncs} NCs", "-", direct))
    return out


def counts() -> str:
    return (
        f"{OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY).count():,} agencies, "
        f"{Programme.objects.count():,} programmes, "
        f"{Finding.objects.count():,} findings, {Nonconformity.objects.count():,} NCs, "
        f"{CorrectiveAction.objects.count():,} corrective actions"
    )


def main() -> None:
    scale = TINY if "--tiny" in sys.argv else FULL
    runs = 3 if scale is TINY else RUNS
    seconds = seed(scale, fresh="--fresh" in sys.argv)
    took = "reused (already seeded)" if seconds is None else f"seeded in {seconds:.0f} s"
    print(f"database: {connection.vendor}; {took}\nrows: {counts()}")
    year = timezone.localdate().year
    print(f"year {year}; {runs} runs after {WARMUPS} warm-ups; BIG has {BIG_FACTOR}x A0's rows")
    print(f"{'page':18} {'agency':6} {'rows':28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    results: dict[tuple[str, str], Result] = {}
    for p in pages(year):
        if p.call is None:
            print(f"{p.what:18} {p.size:6} {p.rows:28} {'(route not installed)':>28}")
            continue
        r = results[p.what, p.size] = timed(p.call, runs=runs)
        print(f"{p.what:18} {p.size:6} {p.rows:28} {r.median:10.1f} {r.p95:8.1f} {r.queries:8d}")
    for what in ("NC list", "analytics", "programme page", "analytics() only"):
        if (what, "A0") not in results:
            continue
        few, many = results[what, "A0"], results[what, "BIG"]
        print(
            f"{what} BIG vs A0: query ratio {many.queries / few.queries:.2f} (1.00 = flat), "
            f"time ratio {many.median / few.median:.2f}"
        )


if __name__ == "__main__":
    main()
