"""Benchmark document control at province scale.

Seeds 100 agencies × 200 documents × 4 versions (3 obsolete, 1 in force; 80,000 versions,
each with about 3 KB of extracted file text), 20 external documents per agency, then requests
the master list, a document page and a search N times with the Django test client and
prints median and p95 server time and the query count. The document page is also measured
on a document with a single version, to show the query count does not grow with versions.

    .venv/bin/python bench/documents.py            # SQLite file bench/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_bench .venv/bin/python bench/documents.py
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
from qms.documents.models import Document, DocumentVersion  # noqa: E402

AGENCIES, DOCS, VERSIONS, EXTERNAL, RUNS = 100, 200, 4, 20, 15


def seed() -> tuple[Document, Document, User, User]:
    agencies, divisions = seeding.province_with_issued_plans(AGENCIES, (2026,))
    doc, single = seeding.documents(agencies, divisions, DOCS, VERSIONS, EXTERNAL)
    iso = User.objects.create_user("iso", password="x", unit=agencies[0])
    RoleAssignment.objects.create(user=iso, role=Role.ISO_OFFICER, org_unit=agencies[0])
    overseer = User.objects.create_user("overseer", password="x", unit=agencies[-1])
    province = agencies[0].parent
    assert province is not None  # noqa: S101 - seeded under the province
    RoleAssignment.objects.create(user=overseer, role=Role.OVERSEER, org_unit=province)
    if connection.vendor == "postgresql":
        seeding.analyze()
    return doc, single, iso, overseer


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
    doc, single, iso, overseer = seed()
    print(
        f"database: {connection.vendor}; seeded {Document.objects.count():,} documents, "
        f"{DocumentVersion.objects.count():,} versions in {time.perf_counter() - t0:.0f} s"
    )
    as_iso, as_overseer = Client(), Client()
    as_iso.force_login(iso)
    as_overseer.force_login(overseer)
    search = "/documents/list/?q=quy+trinh+danh+gia+noi+bo"
    pages = [
        ("master list (200 docs, page 1)", as_iso, "/documents/list/"),
        ("document page (4 versions)", as_iso, f"/documents/{doc.pk}/"),
        ("document page (1 version)", as_iso, f"/documents/{single.pk}/"),
        ("version page (in force)", as_iso, f"/documents/versions/{doc.current_version_id}/"),
        ("search in the agency", as_iso, search),
        ("search across the province", as_overseer, search),
        ("search, no hit, province", as_overseer, "/documents/list/?q=khong+co+tu+nay"),
        ("external register", as_iso, "/documents/external/"),
    ]
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    results = {}
    for name, client, url in pages:
        median, p95, queries = measure(client, url)
        results[name] = queries
        print(f"{name:34} {median:10.1f} {p95:8.1f} {queries:8d}")
    ratio = results["document page (4 versions)"] / results["document page (1 version)"]
    print(f"query ratio document page 4 vs 1 versions: {ratio:.2f} (1.00 = flat)")


if __name__ == "__main__":
    main()
