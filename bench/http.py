"""Every main page of every area under HTTP load, next to the admin changelist and a floor.

Seeds a province for every area (bench/seeding.py), then for each page: measures it in
process (Django test client, median of ``--runs``, query count), and through gunicorn
(2 sync workers, production settings over plain HTTP: bench/settings.py) with wrk
(``--connections`` at once for ``--duration`` seconds; a small Python load generator when
wrk is absent). Prints one table per database and scale and writes it as JSON under
bench/results/.

    .venv/bin/python bench/http.py                         # SQLite, 1x
    .venv/bin/python bench/http.py --db both --scale 1 10  # SQLite and PostgreSQL, 1x and 10x
    .venv/bin/python bench/http.py --skip-seed --pages floor "task table" --duration 5
    .venv/bin/python bench/http.py --db postgres --skip-seed --pages dashboard --profile 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_http .venv/bin/python bench/http.py --db postgres

1x is the plan bench's province (200 agencies, 18,190 tasks, 100,000 log entries), the
document bench's documents (100 agencies x 200 documents x 4 versions) and the objectives
bench's objectives (200 agencies x 15 units x 8 objectives x 3 years x 12 measurements) and
the audits bench's programmes (200 agencies x 3 years x 2 audits x 40 findings, with their NCs);
``--scale N`` multiplies the agencies and the log entries (the rows per agency stay).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder is sys.path[0]: the repository takes its place, so that
# bench/http.py does not stand for the standard library's http.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import datetime  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

SQLITE_URL = f"sqlite:///{ROOT / 'bench' / 'http-{scale}x.sqlite3'}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/eiso_http"
RESULTS = ROOT / "bench" / "results"
WRK = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
LUA = ROOT / "bench" / "wrk_report.lua"
YEARS = (2024, 2025, 2026)


@dataclass(frozen=True)
class Scale:
    """How much is seeded: the province grows, each agency keeps its size."""

    agencies: int = 200
    divisions: int = 15
    tasks_per_plan: int = 30
    big_plan: int = 200
    log_entries: int = 100_000
    document_agencies: int = 100
    documents_per_agency: int = 200
    versions: int = 4
    external_per_agency: int = 20
    notifications: int = 1_000

    @classmethod
    def of(cls, factor: float) -> Scale:
        return cls(
            agencies=max(2, round(200 * factor)),
            log_entries=round(100_000 * factor),
            document_agencies=max(1, round(100 * factor)),
            notifications=max(30, round(1_000 * factor)),
        )


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    user: str | None  # username, None: anonymous
    admin: str | None = None  # the admin changelist over the same rows
    is_admin: bool = False


@dataclass
class Result:
    page: str
    url: str
    status: int = 0
    queries: int = 0
    inproc_median_ms: float = 0.0
    inproc_p95_ms: float = 0.0
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    non2xx: int = 0
    errors: int = 0  # connect, read, write errors and timeouts (wrk --timeout 30s)
    ratio_admin: float | None = None
    ratio_floor: float | None = None
    notes: list[str] = field(default_factory=list)


# Seeding (inside Django) ------------------------------------------------------------------


def seed(scale: Scale) -> None:
    """Every area's rows on one province, the bench users, then ANALYZE.

    Users: ``leader`` (leader of A0), ``iso`` (ISO officer of A0), ``head`` (head of
    A0-D1, for my tasks) and ``admin`` (superuser, for the changelists); password ``x``.
    """
    from django.db import transaction
    from django.utils import timezone

    from bench import seeding
    from qms.accounts.models import Role, RoleAssignment, User
    from qms.core.models import OrgUnit
    from qms.objectives import services

    agencies, units = seeding.province(scale.agencies, YEARS, scale.divisions)
    OrgUnit.objects.filter(code__endswith="-D0").update(kind=OrgUnit.Kind.OFFICE)
    a0 = agencies[0]
    leader = User.objects.create_user("leader", password="x", unit=a0)
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=a0)
    iso = User.objects.create_user("iso", password="x", unit=a0)
    RoleAssignment.objects.create(user=iso, role=Role.ISO_OFFICER, org_unit=a0)
    head = User.objects.create_user("head", password="x", unit=units[a0.pk][1])
    RoleAssignment.objects.create(user=head, role=Role.UNIT_HEAD, org_unit=units[a0.pk][1])
    User.objects.create_superuser("admin", password="x", unit=a0)
    with transaction.atomic():
        seeding.plan_tasks(units, scale.tasks_per_plan, scale.big_plan)
        seeding.log_entries(leader, agencies, scale.log_entries)
        seeding.notifications([leader, iso], a0, scale.notifications)
    with transaction.atomic():
        seeding.documents(
            agencies[: scale.document_agencies],
            units,
            scale.documents_per_agency,
            scale.versions,
            scale.external_per_agency,
        )
    year = services.current_year(a0, timezone.localdate())
    with transaction.atomic():
        seeding.objectives(seeding.Org(agencies, units, leader), list(range(year - 2, year + 1)))
    with transaction.atomic():
        people = seeding.AuditPeople(lead=iso, leader=leader, owner=head, verifier=leader)
        seeding.audits(agencies, units, list(range(year - 2, year + 1)), people, findings=40)
    seeding.analyze()


def is_seeded() -> bool:
    from django.db import DatabaseError

    from qms.accounts.models import User

    try:
        return User.objects.filter(username="admin").exists()
    except DatabaseError:
        return False


def pages() -> list[Page]:
    """The main pages of every area as the bench users see them, the floor and the admin
    changelists. Every new area adds its main pages here."""
    from django.utils import timezone

    from qms.accounts.models import User
    from qms.audits.models import Audit, Programme
    from qms.core.models import OrgUnit
    from qms.documents.models import Document
    from qms.nonconformities.models import Nonconformity
    from qms.objectives import services
    from qms.objectives.models import ObjectiveSet
    from qms.planning.models import Plan

    a0 = OrgUnit.objects.get(code="A0")
    big = Plan.objects.filter(agency=a0).order_by("pk").first()
    assert big is not None  # noqa: S101 - seeded
    doc = Document.objects.filter(agency=a0).order_by("pk").first()
    assert doc is not None  # noqa: S101 - seeded
    leader = User.objects.get(username="leader")
    year = services.current_year(a0, timezone.localdate())
    unit_set = ObjectiveSet.objects.get(unit__code="A0-D1", period__start__year=year)
    today = timezone.localdate()
    programme = Programme.objects.get(agency=a0, year=today.year)
    audit = Audit.objects.filter(programme=programme).order_by("sequence").first()
    assert audit is not None  # noqa: S101 - seeded
    nc = (
        Nonconformity.objects.filter(agency=a0, year=today.year, actions_total__gt=0)
        .order_by("pk")
        .first()
    )
    assert nc is not None  # noqa: S101 - seeded
    of_year = f"agency={a0.pk}&year={today.year}"
    agency_set = ObjectiveSet.objects.get(unit=a0, period__start__year=year)
    adm, bench_adm = "/django-admin", "/_bench-admin"
    of_a0 = f"agency__id__exact={a0.pk}"
    return [
        Page("sign-in page", "/accounts/login/", None),
        Page("floor", "/_floor/", "leader"),
        Page("plan list", "/plans/", "leader", "admin: plans"),
        Page("plan detail (200 tasks)", f"/plans/{big.pk}/", "leader", "admin: tasks"),
        Page("task table", f"/plans/{big.pk}/tasks/", "leader", "admin: tasks"),
        Page("my tasks", "/plans/my-tasks/?show=all", "head", "admin: tasks"),
        Page("dashboard", f"/plans/dashboard/?agency={a0.pk}&year={big.year}", "leader"),
        Page("audit log", "/audit-log/", "leader", "admin: log entries"),
        Page("notifications", "/notifications/", "leader", "admin: notifications"),
        Page("documents master list", "/documents/list/", "iso", "admin: documents"),
        Page("document page", f"/documents/{doc.pk}/", "iso"),
        Page(
            "document search",
            "/documents/list/?q=quy+trinh+danh+gia+noi+bo",
            "iso",
            "admin: documents",
        ),
        Page("external documents", "/documents/external/", "iso", "admin: external documents"),
        Page(
            "objectives dashboard", f"/objectives/dashboard/?agency={a0.pk}&year={year}", "leader"
        ),
        Page("objectives matrix", f"/objectives/matrix/?agency={a0.pk}&year={year}", "leader"),
        Page("objective set (unit)", f"/objectives/sets/{unit_set.pk}/", "leader"),
        Page("objective set (agency)", f"/objectives/sets/{agency_set.pk}/", "leader"),
        Page("NC list", f"/nonconformities/?{of_year}", "iso", "admin: nonconformities"),
        Page("NC page", f"/nonconformities/{nc.pk}/", "iso"),
        Page("NC analytics", f"/nonconformities/analytics/?{of_year}", "leader"),
        Page("audit programme", f"/audits/programmes/{programme.pk}/", "leader"),
        Page("audit page", f"/audits/{audit.pk}/", "iso"),
        Page("audit findings", f"/audits/{audit.pk}/findings/", "iso", "admin: findings"),
        Page("admin: plans", f"{adm}/planning/plan/?{of_a0}", "admin", is_admin=True),
        Page(
            "admin: tasks",
            f"{adm}/planning/plantask/?plan__id__exact={big.pk}",
            "admin",
            is_admin=True,
        ),
        Page("admin: log entries", f"{adm}/audittrail/logentry/", "admin", is_admin=True),
        Page(
            "admin: notifications",
            f"{bench_adm}/notifications/notification/"
            f"?recipient__id__exact={leader.pk}&channel__exact=in_app",
            "admin",
            is_admin=True,
        ),
        Page(
            "admin: documents", f"{bench_adm}/documents/document/?{of_a0}", "admin", is_admin=True
        ),
        Page(
            "admin: external documents",
            f"{bench_adm}/documents/externaldocument/?{of_a0}",
            "admin",
            is_admin=True,
        ),
        Page(
            "admin: nonconformities",
            f"{bench_adm}/nonconformities/nonconformity/?{of_a0}&year__exact={today.year}",
            "admin",
            is_admin=True,
        ),
        Page(
            "admin: findings",
            f"{bench_adm}/audits/finding/?audit__id__exact={audit.pk}",
            "admin",
            is_admin=True,
        ),
    ]


# Measuring in process ---------------------------------------------------------------------


def clients() -> dict[str | None, Any]:
    from django.test import Client

    from qms.accounts.models import User

    out: dict[str | None, Any] = {None: Client()}
    for name in ("leader", "iso", "head", "admin"):
        out[name] = Client()
        out[name].force_login(User.objects.get(username=name))
    return out


def measure_in_process(page: Page, client: Any, runs: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(page.name, page.url)
    for _ in range(2):  # warm caches and templates
        client.get(page.url)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(page.url)
            times.append((time.perf_counter() - start) * 1000)
        result.status, result.queries = response.status_code, len(ctx.captured_queries)
    times.sort()
    result.inproc_median_ms = statistics.median(times)
    result.inproc_p95_ms = times[max(0, int(len(times) * 0.95) - 1)]
    return result


def profile_in_process(page: Page, client: Any, runs: int) -> None:
    """cProfile over ``runs`` requests of one page (after one to warm up): the functions
    that cost the most, by own time and with what they call, to find the work to move."""
    import cProfile
    import io
    import pstats

    client.get(page.url)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        client.get(page.url)
    profiler.disable()
    per = (time.perf_counter() - t0) * 1000 / runs
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    print(f"\n=== {page.name} ({page.url}): {per:.1f} ms per request under the profiler")
    print(out.getvalue())


# Measuring through gunicorn ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn")]
    conf = ROOT / "config" / "gunicorn.conf.py"
    if conf.exists():  # the deployment's configuration (gc.freeze after start-up)
        command += ["-c", str(conf)]
    command += ["-w", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    server = subprocess.Popen([*command, "config.wsgi"], cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(port, "/accounts/login/", None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def fetch(port: int, url: str, cookie: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


WRK_JSON = re.compile(r"^WRK_JSON (\{.*\})$", re.M)


def load_wrk(port: int, url: str, cookie: str | None, duration: int, conns: int) -> dict[str, Any]:
    command = [
        WRK or "wrk",
        "-t2",
        f"-c{conns}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(LUA),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True
    ).stdout
    match = WRK_JSON.search(out)
    if not match:
        raise SystemExit(f"wrk printed no report for {url}:\n{out}")
    data: dict[str, Any] = json.loads(match.group(1))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def load_python(
    port: int, url: str, cookie: str | None, duration: int, conns: int
) -> dict[str, Any]:
    """wrk's numbers from threads with keep-alive connections (when wrk is absent)."""
    latencies: list[float] = []
    non2xx = [0]
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}
    start = time.perf_counter()
    deadline = start + duration

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while (t0 := time.perf_counter()) < deadline:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            bad += not 200 <= response.status < 400
        conn.close()
        with lock:
            latencies.extend(mine)
            non2xx[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    n = len(latencies)
    p = {f"p{q}": latencies[min(n - 1, int(n * q / 100))] for q in (50, 75, 90, 95, 99)}
    return {"rps": n / (time.perf_counter() - start), "non2xx": non2xx[0], "errors": 0, **p}


def session_cookies() -> dict[str | None, str | None]:
    """A fresh session per user (signed in as the test client does), as a Cookie header."""
    from django.conf import settings

    out: dict[str | None, str | None] = {None: None}
    for name, client in clients().items():
        if name is not None:
            out[name] = (
                f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            )
    return out


# The run -----------------------------------------------------------------------------------


def run_one(args: argparse.Namespace, db: str, factor: float) -> list[Result]:
    """Seed (unless asked not to), measure every page in process and under load."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from bench import seeding

    call_command("migrate", verbosity=0)
    if not (args.skip_seed and is_seeded()):
        t0 = time.perf_counter()
        call_command("flush", interactive=False, verbosity=0)
        seed(Scale.of(factor))
        print(f"seeded {factor:g}x in {time.perf_counter() - t0:.0f} s", flush=True)
    else:
        seeding.analyze()
    print(f"{db} {factor:g}x: {row_counts()}", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    chosen = choose(pages(), args.pages)
    as_user = clients()
    if args.profile:
        for page in chosen:
            profile_in_process(page, as_user[page.user], args.profile)
        return []
    results = {p.name: measure_in_process(p, as_user[p.user], args.runs) for p in chosen}
    connection.close()
    if args.duration > 0:
        load_all(args, chosen, results)
    finish(chosen, results)
    return list(results.values())


def choose(every: list[Page], names: list[str] | None) -> list[Page]:
    """The pages named, the floor and the admin changelists they compare with."""
    if not names:
        return every
    unknown = set(names) - {p.name for p in every}
    if unknown:
        raise SystemExit(f"no such page: {', '.join(sorted(unknown))}")
    wanted = {"floor", *names, *(p.admin for p in every if p.name in names and p.admin)}
    return [p for p in every if p.name in wanted]


def load_all(args: argparse.Namespace, chosen: list[Page], results: dict[str, Result]) -> None:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = start_gunicorn(port, args.workers, env)
    load = load_wrk if WRK else load_python
    try:
        cookies = session_cookies()  # fresh, so the idle timeout cannot end them mid-run
        for page in chosen:
            status = fetch(port, page.url, cookies[page.user])[0]
            r = results[page.name]
            if status != 200:
                r.notes.append(f"HTTP {status} through gunicorn")
                continue
            data = load(port, page.url, cookies[page.user], args.duration, args.connections)
            r.rps, r.non2xx, r.errors = data["rps"], data["non2xx"], data["errors"]
            r.p50_ms, r.p95_ms, r.p99_ms = data["p50"], data["p95"], data["p99"]
            if r.non2xx or r.errors:
                r.notes.append(f"{r.non2xx} non-2xx/3xx, {r.errors} socket errors")
            print(f"  {page.name:28} {r.rps:7.1f} req/s  p50 {r.p50_ms:6.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def finish(chosen: list[Page], results: dict[str, Result]) -> None:
    floor = results.get("floor")
    for page in chosen:
        r = results[page.name]
        if r.status != 200:
            r.notes.append(f"HTTP {r.status} in process")
        admin = results.get(page.admin or "")
        if admin and admin.inproc_median_ms:
            r.ratio_admin = r.inproc_median_ms / admin.inproc_median_ms
        if floor and floor.inproc_median_ms:
            r.ratio_floor = r.inproc_median_ms / floor.inproc_median_ms
        r.notes.extend(over_budget(page, r))


BUDGET_MS, BUDGET_RPS, BUDGET_TAIL, BUDGET_ADMIN, BUDGET_FLOOR_QUERIES = 25, 100, 3, 0.5, 4


def over_budget(page: Page, r: Result) -> list[str]:
    """What this page misses of docs/benchmarks.md#budget (admin pages are references)."""
    if page.is_admin:
        return []
    out = []
    if r.inproc_median_ms > BUDGET_MS:
        out.append(f"in process {r.inproc_median_ms:.0f} ms > {BUDGET_MS}")
    if r.rps is not None and r.rps < BUDGET_RPS:
        out.append(f"{r.rps:.0f} req/s < {BUDGET_RPS}")
    if r.p50_ms and r.p99_ms and r.p99_ms > BUDGET_TAIL * r.p50_ms:
        out.append(f"p99 {r.p99_ms / r.p50_ms:.1f}x p50")
    if r.ratio_admin is not None and r.ratio_admin > BUDGET_ADMIN:
        out.append(f"{r.ratio_admin:.2f}x admin > {BUDGET_ADMIN}")
    if page.name == "floor" and r.queries > BUDGET_FLOOR_QUERIES:
        out.append(f"{r.queries} queries > {BUDGET_FLOOR_QUERIES}")
    return out


def row_counts() -> str:
    from qms.audittrail.models import LogEntry
    from qms.documents.models import DocumentVersion
    from qms.notifications.models import Notification
    from qms.objectives.models import Measurement
    from qms.planning.models import PlanTask

    return ", ".join(
        f"{m.objects.count():,} {label}"
        for m, label in (
            (PlanTask, "tasks"),
            (LogEntry, "log entries"),
            (DocumentVersion, "document versions"),
            (Notification, "notifications"),
            (Measurement, "measurements"),
        )
    )


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def table(title: str, results: list[Result]) -> str:
    head = (
        f"{'page':28} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'queries':>7} "
        f"{'in-proc':>8} {'/admin':>7} {'/floor':>7}  over budget"
    )
    lines = [title, head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.page[:28]:28} {fmt(r.rps):>7} {fmt(r.p50_ms):>7} {fmt(r.p95_ms):>7} "
            f"{fmt(r.p99_ms):>7} {r.queries:7d} {fmt(r.inproc_median_ms):>8} "
            f"{fmt(r.ratio_admin, '.2f'):>7} {fmt(r.ratio_floor, '.2f'):>7}  {'; '.join(r.notes)}"
        )
    lines.append("times in ms; in-proc: median through the Django test client; /admin, /floor:")
    lines.append("in-process median over the admin changelist of the same rows, over the floor")
    return "\n".join(lines)


def markdown(path: Path) -> str:
    """A results file as the Markdown table of docs/benchmarks.md."""
    data = json.loads(path.read_text())
    lines = [
        "| page | req/s | p50 | p95 | p99 | queries | in process | ÷ admin | ÷ floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in data["pages"]:
        cells = [r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"]]
        lines.append(
            f"| {r['page']} | {' | '.join(fmt(c, '.0f') for c in cells)} | {r['queries']} "
            f"| {fmt(r['inproc_median_ms'])} | {fmt(r['ratio_admin'], '.2f')} "
            f"| {fmt(r['ratio_floor'], '.2f')} |"
        )
    return "\n".join(lines)


def database_url(db: str, factor: float, conn_max_age: int | None) -> str:
    """SQLite: a file per scale; PostgreSQL: DATABASE_URL (or eiso_http), a database per
    scale other than 1x (created when missing). ``conn_max_age`` keeps connections open."""
    if db == "sqlite":
        url = SQLITE_URL.format(scale=f"{factor:g}")
    else:
        given = os.environ.get("DATABASE_URL", "")
        url = given.partition("?")[0] if given.startswith("postgres") else POSTGRES_URL
        if factor != 1:  # one database per scale, so --skip-seed finds each again
            head, _, name = url.rpartition("/")
            url = f"{head}/{name}_{f'{factor:g}'.replace('.', '_')}x"
        create_postgres_database(url)
    return url if conn_max_age is None else f"{url}?conn_max_age={conn_max_age}"


def create_postgres_database(url: str) -> None:
    import psycopg

    head, _, name = url.rpartition("/")
    with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--runs", type=int, default=20, help="in-process requests per page")
    parser.add_argument("--pages", nargs="+", help="page names (with the floor and their admin)")
    parser.add_argument("--skip-seed", action="store_true", help="reuse a seeded database")
    parser.add_argument(
        "--conn-max-age", type=int, help="keep database connections open this many seconds"
    )
    parser.add_argument(
        "--profile", type=int, metavar="N", help="profile N requests of each page, no load"
    )
    parser.add_argument("--markdown", type=Path, help="print a results file as Markdown")
    parser.add_argument("--one", nargs=2, metavar=("DB", "SCALE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.markdown:
        print(markdown(args.markdown))
        return
    if args.one:  # a child: one database, one scale (Django is set up once per process)
        db, factor = args.one[0], float(args.one[1])
        results = run_one(args, db, factor)
        if args.profile:
            return
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"http-{db}-{factor:g}x-{stamp}.json"
        meta = {"db": db, "scale": factor, "date": stamp, "cpus": os.cpu_count(), **vars(args)}
        out.write_text(json.dumps({"run": meta, "pages": [asdict(r) for r in results]}, indent=1))
        print(table(f"\n{db}, {factor:g}x, {'wrk' if WRK else 'python load'}", results))
        print(f"written to {out.relative_to(ROOT)}")
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for factor in args.scale:
        for db in dbs:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url(db, factor, args.conn_max_age),
            }
            child = [sys.executable, str(Path(__file__)), *argv, "--one", db, str(factor)]
            subprocess.run(child, env=env, check=True)  # noqa: S603


if __name__ == "__main__":
    main(sys.argv[1:])
