"""Benchmark the busiest planning pages at province scale.

Seeds 200 agencies × 3 years of issued plans × 30 tasks (18,000 tasks, plus one
plan of 200 tasks and 100,000 audit-log entries), then requests each page N times with
the Django test client and prints median and p95 server time and the query count.
The query count is also measured on a plan of 20 tasks, to show it does not grow with
the number of tasks.

    .venv/bin/python bench/plan_pages.py            # SQLite file bench/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_bench .venv/bin/python bench/plan_pages.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder is sys.path[0]: the repository takes its place, so that
# bench/http.py does not stand for the standard library's http.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # static files not collected

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import seeding  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.audittrail.models import LogEntry  # noqa: E402
from qms.planning.models import Plan, PlanTask  # noqa: E402

AGENCIES, YEARS, TASKS, BIG, LOGS, RUNS = 200, (2024, 2025, 2026), 30, 200, 100_000, 15


def seed() -> tuple[Plan, Plan, User, User]:
    agencies, divisions = seeding.province_with_issued_plans(AGENCIES, YEARS)
    big = seeding.plan_tasks(divisions, TASKS, BIG)
    small = seeding.small_plan(agencies[1], divisions[agencies[1].pk][0])
    leader = User.objects.create_user("leader", password="x", unit=agencies[0])
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=agencies[0])
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=agencies[1])
    head = User.objects.create_user("head", password="x", unit=divisions[agencies[0].pk][0])
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, org_unit=divisions[agencies[0].pk][0]
    )
    seeding.log_entries(leader, agencies, LOGS)
    return big, small, leader, head


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm caches and templates
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def main() -> None:
    t0 = time.perf_counter()
    big, small, leader, head = seed()
    print(
        f"database: {connection.vendor}; seeded {PlanTask.objects.count():,} tasks, "
        f"{Plan.objects.count():,} plans, {LogEntry.objects.count():,} log entries "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    as_leader, as_head = Client(), Client()
    as_leader.force_login(leader)
    as_head.force_login(head)
    pages = [
        ("plan detail (200 tasks)", as_leader, f"/plans/{big.pk}/"),
        ("plan detail (20 tasks)", as_leader, f"/plans/{small.pk}/"),
        ("task table (200 tasks, page 1)", as_leader, f"/plans/{big.pk}/tasks/"),
        ("dashboard", as_leader, f"/plans/dashboard/?agency={big.agency_id}&year={big.year}"),
        ("my tasks", as_head, "/plans/my-tasks/?show=all"),
        ("audit log (100k entries)", as_leader, "/audit-log/"),
    ]
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    results = {}
    for name, client, url in pages:
        median, p95, queries = measure(client, url)
        results[name] = queries
        print(f"{name:34} {median:10.1f} {p95:8.1f} {queries:8d}")
    ratio = results["plan detail (200 tasks)"] / results["plan detail (20 tasks)"]
    print(f"query ratio plan detail 200 vs 20 tasks: {ratio:.2f} (1.00 = flat)")


if __name__ == "__main__":
    main()
