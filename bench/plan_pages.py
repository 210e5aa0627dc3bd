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

import datetime
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # static files not collected

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.seeding import province_with_issued_plans  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.audittrail.models import LogEntry  # noqa: E402
from qms.planning.models import Plan, PlanTask  # noqa: E402

AGENCIES, YEARS, TASKS, BIG, LOGS, RUNS = 200, (2024, 2025, 2026), 30, 200, 100_000, 15
STATUSES = ["not_started", "in_progress", "done_reported", "done", "done", "cancelled"]


def seed() -> tuple[Plan, Plan, User, User]:
    tasks, links = [], []
    agencies, divisions = province_with_issued_plans(AGENCIES, YEARS)
    plans = list(Plan.objects.select_related("agency").order_by("pk"))
    for plan in plans:
        count = BIG if plan is plans[0] else TASKS
        for n in range(1, count + 1):
            tasks.append(
                PlanTask(
                    plan=plan,
                    number=n,
                    content=f"Nhiệm vụ {n} của kế hoạch {plan.year}",
                    lead_text="Phòng",
                    timing_text=f"Trước {1 + n % 28:02d}/{1 + n % 12:02d}/{plan.year}",
                    timing_kind="deadline",
                    status=STATUSES[n % len(STATUSES)],
                    percent=(n * 7) % 100,
                    due_date=datetime.date(plan.year, 1 + n % 12, 1 + n % 28),
                )
            )
    PlanTask.objects.bulk_create(tasks, batch_size=2000)
    through = PlanTask.lead_units.through
    for task in PlanTask.objects.select_related("plan").only("id", "number", "plan__agency_id"):
        division = divisions[task.plan.agency_id][task.number % 6]
        links.append(through(plantask_id=task.pk, orgunit_id=division.pk))
    through.objects.bulk_create(links, batch_size=5000)
    small = Plan.objects.create(
        agency=agencies[1],
        year=2023,
        status="issued",
        issuer_name="S",
        title="Kế hoạch nhỏ",
        number="small/KH",
    )
    small_tasks = PlanTask.objects.bulk_create(
        PlanTask(
            plan=small,
            number=n,
            content=f"Việc {n}",
            timing_text="Thường xuyên",
            timing_kind="continuous",
            status="in_progress",
        )
        for n in range(1, 21)
    )
    through.objects.bulk_create(
        through(plantask_id=t.pk, orgunit_id=divisions[agencies[1].pk][0].pk) for t in small_tasks
    )
    leader = User.objects.create_user("leader", password="x", unit=agencies[0])
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=agencies[0])
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=agencies[1])
    head = User.objects.create_user("head", password="x", unit=divisions[agencies[0].pk][0])
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, org_unit=divisions[agencies[0].pk][0]
    )
    ct = ContentType.objects.get_for_model(PlanTask)
    LogEntry.objects.bulk_create(
        (
            LogEntry(
                actor=leader,
                action="planning.task.updated",
                content_type=ct,
                object_id=str(i),
                object_repr=f"Nhiệm vụ {i}",
                unit=agencies[i % AGENCIES],
                changes={"status": ["not_started", "in_progress"]},
            )
            for i in range(LOGS)
        ),
        batch_size=5000,
    )
    return plans[0], small, leader, head


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
