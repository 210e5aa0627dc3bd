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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.seeding import province_with_issued_plans  # noqa: E402
from qms.accounts.models import Role, RoleAssignment, User  # noqa: E402
from qms.core.text import fold  # noqa: E402
from qms.documents.models import (  # noqa: E402
    Document,
    DocumentVersion,
    ExternalDocument,
    IssuingDecision,
)

AGENCIES, DOCS, VERSIONS, EXTERNAL, RUNS = 100, 200, 4, 20, 15
TOPICS = [
    "đánh giá nội bộ",
    "kiểm soát tài liệu",
    "kiểm soát hồ sơ",
    "xem xét của lãnh đạo",
    "cấp phép trung tâm ngoại ngữ, tin học",
    "chuyển trường học sinh trung học phổ thông",
    "công nhận trường đạt chuẩn quốc gia",
    "cấp bản sao văn bằng, chứng chỉ",
]
FILLER = (
    "Bộ phận Một cửa tiếp nhận hồ sơ, kiểm tra tính đầy đủ, hợp lệ và chuyển phòng chuyên môn "
    "thẩm định; lãnh đạo phòng xem xét, trình Giám đốc Sở ký quyết định; văn thư vào sổ, trả kết "
    "quả cho tổ chức, cá nhân theo đúng thời hạn quy định. "
)


def _text(a: int, d: int, v: int) -> str:
    topic = TOPICS[d % len(TOPICS)]
    return f"Quy trình {topic} của Sở {a}, lần ban hành {v}. " + FILLER * 12


def seed() -> tuple[Document, Document, User, User]:
    agencies, divisions = province_with_issued_plans(AGENCIES, (2026,))
    decisions = IssuingDecision.objects.bulk_create(
        IssuingDecision(
            agency=agency,
            number=f"{v}/QĐ-S{a}",
            issued_on=datetime.date(2022 + v, 3, 1),
            effective_on=datetime.date(2022 + v, 3, 1),
            title="Ban hành tài liệu",
            issuer_name=f"SỞ {a}",
            signer_position="GIÁM ĐỐC",
            signer_name="Giám đốc",
            registered_from_paper=True,
        )
        for a, agency in enumerate(agencies)
        for v in range(1, VERSIONS + 1)
    )
    decision = {(d.agency_id, int(d.number.split("/")[0])): d for d in decisions}
    docs = Document.objects.bulk_create(
        (
            Document(
                agency=agency,
                owner_unit=divisions[agency.pk][d % 6],
                kind="work_procedure" if d % 5 else "system_procedure",
                code=f"QT-{d + 1:03d}",
                title=f"Quy trình {TOPICS[d % len(TOPICS)]} ({d + 1})",
                is_tthc=bool(d % 2),
                tthc_field="Giáo dục" if d % 2 else "",
            )
            for agency in agencies
            for d in range(DOCS)
        ),
        batch_size=2000,
    )
    agency_index = {agency.pk: a for a, agency in enumerate(agencies)}
    versions = []
    for n, doc in enumerate(docs):
        a, d = agency_index[doc.agency_id], n % DOCS
        for v in range(1, VERSIONS + 1):
            text = _text(a, d, v)
            versions.append(
                DocumentVersion(
                    document=doc,
                    issue_no=v,
                    status="in_force" if v == VERSIONS else "obsolete",
                    content={"purpose": f"Mục đích {d}", "steps": []},
                    file_name=f"QT-{d + 1:03d}-{v}.pdf",
                    file_type="application/pdf",
                    file_text=text,
                    approved_on_paper=True,
                    decision=decision[(doc.agency_id, v)],
                    issued_on=datetime.date(2022 + v, 3, 1),
                    effective_on=datetime.date(2022 + v, 3, 1),
                )
            )
    DocumentVersion.objects.bulk_create(versions, batch_size=2000)
    current = dict(
        DocumentVersion.objects.filter(status="in_force").values_list("document_id", "pk")
    )
    for n, doc in enumerate(docs):
        doc.current_version_id = current[doc.pk]
        doc.status = "in_force"
        doc.next_review_on = datetime.date(2027, 3, 1)
        a = agency_index[doc.agency_id]
        doc.search_text = fold(f"{doc.code}\n{doc.title}\n{_text(a, n % DOCS, VERSIONS)}")
    Document.objects.bulk_update(
        docs, ["current_version", "status", "next_review_on", "search_text"], batch_size=2000
    )
    ExternalDocument.objects.bulk_create(
        (
            ExternalDocument(
                agency=agency,
                number=f"{e}/2018/NĐ-CP",
                title=f"Nghị định {e}",
                search_text=fold(f"{e}/2018/NĐ-CP Nghị định {e}"),
            )
            for agency in agencies
            for e in range(EXTERNAL)
        ),
        batch_size=2000,
    )
    single = Document.objects.create(
        agency=agencies[0],
        owner_unit=divisions[agencies[0].pk][0],
        kind="guideline",
        code="HD-ONE",
        title="Hướng dẫn một lần ban hành",
    )
    only = DocumentVersion.objects.create(
        document=single,
        issue_no=1,
        status="in_force",
        content={"body": "x"},
        approved_on_paper=True,
        decision=decision[(agencies[0].pk, 1)],
        issued_on=datetime.date(2023, 3, 1),
    )
    Document.objects.filter(pk=single.pk).update(status="in_force", current_version=only)
    iso = User.objects.create_user("iso", password="x", unit=agencies[0])
    RoleAssignment.objects.create(user=iso, role=Role.ISO_OFFICER, org_unit=agencies[0])
    overseer = User.objects.create_user("overseer", password="x", unit=agencies[-1])
    province = agencies[0].parent
    assert province is not None  # noqa: S101 - seeded under the province
    RoleAssignment.objects.create(user=overseer, role=Role.OVERSEER, org_unit=province)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a bulk load
            cursor.execute("ANALYZE")
    return docs[0], single, iso, overseer


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
