"""No main page makes PostgreSQL read a big table from end to end.

Seeds more than 10,000 rows in the big tables (tasks and their lead units, log entries,
documents and versions, notifications), ANALYZEs them as autovacuum would after a bulk
load, requests the main pages, takes their query shapes (literals blanked), most frequent
first, and EXPLAINs one instance of each: a ``Seq Scan`` on a table of more than 10,000 rows
fails the test with the query and its plan. PostgreSQL only: SQLite's planner and
statistics are another story.
"""

from __future__ import annotations

import collections
import datetime
import json
import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms.accounts.models import User
from qms.audittrail.models import LogEntry
from qms.core.models import OrgUnit
from qms.core.services import orgunit_create
from qms.documents.models import Document, DocumentVersion, IssuingDecision
from qms.notifications.models import Notification
from qms.planning.models import Plan, PlanTask

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's; run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db,
]

BIG = 10_000  # a table this big must be read through an index
# Many agencies, so one agency's rows are a small part of each table, as in a province.
AGENCIES, YEARS, TASKS, DOCS = 40, (2025,), 150, 275


def _agencies(org: Any) -> list[OrgUnit]:
    made = [org.agency]
    for a in range(AGENCIES):
        agency = orgunit_create(
            actor=None,
            code=f"QP-{a}",
            name=f"Sở {a}",
            kind=OrgUnit.Kind.AGENCY,
            parent=org.province,
            doc_symbol=f"QP{a}",
        )
        made.append(
            orgunit_create(
                actor=None,
                code=f"QP-{a}-D",
                name=f"Phòng {a}",
                kind=OrgUnit.Kind.DIVISION,
                parent=agency,
            )
        )
    return made


def _seed_tasks(org: Any, units: list[OrgUnit]) -> Plan:
    plans = Plan.objects.bulk_create(
        Plan(
            agency=unit.agency or unit,
            year=year,
            status="issued",
            issuer_name="SỞ",
            title=f"Kế hoạch {year}",
            number=f"{unit.pk}-{year}/KH",
            issued_on=datetime.date(year, 2, 7),
        )
        for unit in units
        for year in (*YEARS, 2026)
    )
    lead = {p.pk: (org.div_a if unit is units[0] else unit) for p, unit in _pairs(plans, units)}
    tasks = PlanTask.objects.bulk_create(
        (
            PlanTask(
                plan=plan,
                number=n,
                content=f"Nhiệm vụ {n}",
                lead_text="Phòng",
                timing_text="Trước 01/06",
                timing_kind="deadline",
                status=("not_started", "in_progress", "done")[n % 3],
                due_date=datetime.date(plan.year, 1 + n % 12, 1 + n % 28),
            )
            for plan in plans
            for n in range(1, TASKS + 1)
        ),
        batch_size=5000,
    )
    through = PlanTask.lead_units.through
    through.objects.bulk_create(
        (through(plantask_id=t.pk, orgunit_id=lead[t.plan_id].pk) for t in tasks),
        batch_size=5000,
    )
    return next(p for p in plans if p.agency_id == org.agency.pk and p.year == 2026)


def _pairs(plans: list[Plan], units: list[OrgUnit]) -> list[tuple[Plan, OrgUnit]]:
    per_unit = len(YEARS) + 1
    return [(plan, units[i // per_unit]) for i, plan in enumerate(plans)]


def _seed_documents(org: Any, units: list[OrgUnit]) -> Document:
    decisions = IssuingDecision.objects.bulk_create(
        IssuingDecision(
            agency=unit.agency or unit,
            number=f"{unit.pk}/QĐ",
            issued_on=datetime.date(2025, 3, 1),
            effective_on=datetime.date(2025, 3, 1),
            title="Ban hành tài liệu",
            issuer_name="SỞ",
            signer_position="GIÁM ĐỐC",
            signer_name="Giám đốc",
            registered_from_paper=True,
        )
        for unit in units
    )
    docs = Document.objects.bulk_create(
        (
            Document(
                agency=unit.agency or unit,
                owner_unit=org.div_a if unit is units[0] else unit,
                kind="work_procedure",
                code=f"QT-{d:04d}",
                title=f"Quy trình {d}",
                search_text=f"qt-{d:04d} quy trinh {d}",
            )
            for unit in units
            for d in range(DOCS)
        ),
        batch_size=5000,
    )
    decision = {d.agency_id: d for d in decisions}
    DocumentVersion.objects.bulk_create(
        (
            DocumentVersion(
                document=doc,
                issue_no=1,
                status="in_force",
                approved_on_paper=True,
                decision=decision[doc.agency_id],
                issued_on=datetime.date(2025, 3, 1),
                effective_on=datetime.date(2025, 3, 1),
            )
            for doc in docs
        ),
        batch_size=5000,
    )
    current = DocumentVersion.objects.filter(document=OuterRef("pk")).values("pk")[:1]
    Document.objects.update(current_version=Subquery(current), status="in_force")
    return docs[0]


def _seed_log_and_inbox(org: Any, personas: dict[str, Any], units: list[OrgUnit]) -> None:
    ct = ContentType.objects.get_for_model(PlanTask)
    LogEntry.objects.bulk_create(
        (
            LogEntry(
                actor=personas["leader"],
                action="planning.task.updated",
                content_type=ct,
                object_id=str(i),
                object_repr=f"Nhiệm vụ {i}",
                unit=units[i % len(units)],
                changes={"status": ["not_started", "in_progress"]},
            )
            for i in range(12_000)
        ),
        batch_size=5000,
    )
    # Most messages go to people of the other agencies, as in a province.
    others = User.objects.bulk_create(
        User(username=f"qp-{i}", unit=units[1 + i % AGENCIES], password="!")
        for i in range(10 * AGENCIES)
    )
    people = list(personas.values()) + others
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    Notification.objects.bulk_create(
        (
            Notification(
                recipient=people[i % len(people)],
                kind="task_assigned",
                channel=("in_app", "email")[i % 2],
                subject=f"Việc {i}",
                body="…",
                state="sent",
                created_at=start + datetime.timedelta(minutes=i),
                read_at=None if i % 3 else start,
            )
            for i in range(12_000)
        ),
        batch_size=5000,
    )


def _shape(sql: str) -> str:
    """The query with its literals blanked, so one shape covers every row and page."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\(\?(?:, \?)*\)", "(?…)", sql)


def _seq_scans(plan: dict[str, Any]) -> list[str]:
    found = [plan["Relation Name"]] if plan.get("Node Type") == "Seq Scan" else []
    for child in plan.get("Plans", ()):
        found += _seq_scans(child)
    return found


def test_main_pages_read_big_tables_through_indexes(org, personas, client_as) -> None:
    units = _agencies(org)
    big_plan = _seed_tasks(org, units)
    document = _seed_documents(org, units)
    _seed_log_and_inbox(org, personas, units)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        sizes = dict(cursor.fetchall())
    big_tables = {name for name, rows in sizes.items() if rows > BIG}
    assert {"planning_plantask", "audittrail_logentry", "documents_document"} <= big_tables

    pages = [
        ("leader", reverse("planning:plan_detail", args=[big_plan.pk])),
        ("leader", reverse("planning:task_list", args=[big_plan.pk])),
        ("leader", reverse("planning:dashboard") + f"?agency={org.agency.pk}&year=2026"),
        ("head_a", reverse("planning:my_tasks") + "?show=all"),
        ("leader", reverse("audittrail:log_list")),
        ("iso_office", reverse("documents:document_list")),
        ("iso_office", reverse("documents:document_detail", args=[document.pk])),
        ("leader", reverse("notifications:inbox")),
        ("agency_admin", reverse("notifications:outbox")),
        ("leader", reverse("objectives:dashboard")),
    ]
    shapes: collections.Counter[str] = collections.Counter()
    sample: dict[str, str] = {}
    for persona, url in pages:
        client = client_as(persona)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            shapes[_shape(sql)] += 1
            sample.setdefault(_shape(sql), sql)

    problems = []
    with connection.cursor() as cursor:
        # Every shape, most frequent first: the ten most frequent and the rest (about 60
        # in all, EXPLAIN without ANALYZE is cheap).
        for shape, _count in shapes.most_common():
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sample[shape]}")
            raw = cursor.fetchone()[0]
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            scanned = sorted(set(_seq_scans(plan)) & big_tables)
            if scanned:
                problems.append(f"Seq Scan on {scanned}:\n{sample[shape]}\n")
    assert len(shapes) >= 10  # the pages really ran their queries
    assert not problems, "\n".join(problems)
