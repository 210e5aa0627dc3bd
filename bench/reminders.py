"""Benchmark one ``run_periodic`` pass at province scale.

Seeds 200 agencies × 3 years of issued plans × 30 tasks (18,000 tasks, 6 divisions per
agency) and 5,000 users (staff and heads of the divisions, the office), then runs one
pass on a working day with few tasks due, and again with ten times as many due, and
prints the time, the number of queries and the outbox rows written. The query count must
be the same for both (ratio 1.00): the pass does not issue a query per task.

    .venv/bin/python bench/reminders.py            # SQLite file bench/reminders.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_bench .venv/bin/python bench/reminders.py
"""

from __future__ import annotations

import datetime
import os
import resource
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'reminders.sqlite3'}")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.seeding import province_with_issued_plans  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.core.workdays import WorkCalendar  # noqa: E402
from qms.notifications.digests import compute_digests  # noqa: E402
from qms.notifications.models import Notification, PeriodicMark  # noqa: E402
from qms.notifications.sending import SEND_LIMIT, send_pending  # noqa: E402
from qms.planning.models import Plan, PlanTask  # noqa: E402
from qms.planning.reminders import compute_task_reminders  # noqa: E402
from qms.planning.weekly import compute_weekly_summaries  # noqa: E402

AGENCIES, YEARS, TASKS, USERS = 200, (2024, 2025, 2026), 30, 5_000
TODAY = datetime.date(2026, 3, 10)  # a Tuesday


def seed() -> None:
    _agencies, divisions = province_with_issued_plans(AGENCIES, YEARS)
    tasks = []
    for plan in Plan.objects.order_by("pk"):
        for n in range(1, TASKS + 1):
            # Past years: done. This year: due through the year, a few continuous.
            done = plan.year < 2026
            continuous = n % 10 == 0
            tasks.append(
                PlanTask(
                    plan=plan,
                    number=n,
                    content=f"Nhiệm vụ {n} của kế hoạch {plan.year}",
                    timing_text="Thường xuyên" if continuous else f"Trước ngày {n}",
                    timing_kind="continuous" if continuous else "deadline",
                    review_cadence_months=3 if continuous else None,
                    status="done" if done else "in_progress",
                    due_date=None
                    if continuous
                    else datetime.date(plan.year, 1 + n % 12, 1 + (n * 3) % 28),
                )
            )
    PlanTask.objects.bulk_create(tasks, batch_size=2000)
    through = PlanTask.lead_units.through
    links = []
    for task in PlanTask.objects.select_related("plan").only("id", "number", "plan__agency_id"):
        links.append(
            through(
                plantask_id=task.pk,
                orgunit_id=divisions[task.plan.agency_id][task.number % 6].pk,
            )
        )
    through.objects.bulk_create(links, batch_size=5000)
    users, roles = [], []
    agency_ids = list(divisions)
    for i in range(USERS):
        agency_id = agency_ids[i % AGENCIES]
        unit = divisions[agency_id][(i // AGENCIES) % 6]
        users.append(
            User(
                username=f"u{i}",
                email=f"u{i}@example.vn",
                unit=unit,
                language="vi" if i % 5 else "en",
                password="!",  # noqa: S106 - unusable password
            )
        )
    User.objects.bulk_create(users, batch_size=2000)
    for i, user in enumerate(User.objects.select_related("unit").order_by("pk")):
        if i < AGENCIES * 6:
            role = Role.UNIT_HEAD  # one head per division
        elif i < AGENCIES * 7:
            role = Role.ISO_OFFICER  # one office clerk per agency
        else:
            role = Role.STAFF
        roles.append(RoleAssignment(user=user, role=role, org_unit_id=unit_or_agency(user, role)))
    RoleAssignment.objects.bulk_create(roles, batch_size=2000)


def unit_or_agency(user: User, role: str) -> int:
    unit = user.unit
    if unit is None:
        raise SystemExit("seeded users all have a unit")
    return int(unit.agency_id or unit.pk) if role == Role.ISO_OFFICER else unit.pk


def one_pass(day: datetime.date) -> dict[str, float]:
    """Time and count one pass: computing (reminders, summaries, digests) and sending."""
    PeriodicMark.objects.all().delete()
    Notification.objects.all().delete()
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
    cal = WorkCalendar()
    reset_queries()
    with CaptureQueriesContext(connection) as compute_ctx:
        start = time.perf_counter()
        compute_task_reminders(now, cal)
        compute_weekly_summaries(now, cal)
        compute_digests(now, cal)
        compute_s = time.perf_counter() - start
    rows = Notification.objects.count()
    with CaptureQueriesContext(connection) as send_ctx:
        start = time.perf_counter()
        sent = send_pending(now)["sent"]
        send_s = time.perf_counter() - start
    return {
        "compute_s": compute_s,
        "compute_q": len(compute_ctx.captured_queries),
        "rows": rows,
        "send_s": send_s,
        "send_q": len(send_ctx.captured_queries),
        "sent": sent,
    }


def main() -> None:
    t0 = time.perf_counter()
    seed()
    print(
        f"database: {connection.vendor}; seeded {PlanTask.objects.count():,} tasks, "
        f"{User.objects.count():,} users in {time.perf_counter() - t0:.0f} s"
    )
    open_now = PlanTask.objects.filter(plan__year=2026, status="in_progress")
    print(f"open tasks this year: {open_now.count():,}")
    print(
        f"{'pass':36} {'compute s':>9} {'queries':>8} {'rows':>8}"
        f" {'send s':>7} {'sent':>5} {'queries':>8}"
    )
    results = []
    for label, day in (
        ("few due (Tue 10/03/2026)", TODAY),
        ("many due (Wed 30/12/2026, all late)", datetime.date(2026, 12, 30)),
    ):
        r = one_pass(day)
        results.append(r)
        print(
            f"{label:36} {r['compute_s']:9.2f} {r['compute_q']:8d} {r['rows']:8,d}"
            f" {r['send_s']:7.2f} {r['sent']:5d} {r['send_q']:8d}"
        )
    few, many = results
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"rows ratio {many['rows'] / max(few['rows'], 1):.1f}x, compute query ratio "
        f"{many['compute_q'] / few['compute_q']:.2f} (1.00 = flat); "
        f"{few['send_q'] / max(few['sent'], 1):.2f} queries per message sent "
        f"(one pass sends at most {SEND_LIMIT}); peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
