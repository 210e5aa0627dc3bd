"""The demo's document control matches what the README promises."""

from __future__ import annotations

import datetime

import pytest

from qms.demo.loader import load_demo
from qms.documents.models import Document, DocumentVersion, ExternalDocument, ReviewTask
from qms.planning.models import Plan

pytestmark = pytest.mark.django_db


def test_demo_documents() -> None:
    load_demo(today=datetime.date(2026, 11, 25))
    load_demo(today=datetime.date(2026, 11, 25))  # idempotent
    codes = set(Document.objects.values_list("code", flat=True))
    assert {f"QT.ISO.0{n}" for n in range(1, 7)} | {"CSCL.01", "QT-SGD-01", "QT-SGD-02"} <= codes
    audit = Document.objects.get(code="QT.ISO.03")
    assert list(audit.versions.order_by("issue_no").values_list("status", flat=True)) == [
        DocumentVersion.Status.OBSOLETE,
        DocumentVersion.Status.IN_FORCE,
    ]
    current = audit.current_version
    assert current is not None and current.decision is not None
    assert current.decision.number == "188/QĐ-SGDĐT"
    people = (current.author, current.reviewer, current.approver)
    assert {p.username for p in people if p is not None} == {
        "thukyiso",
        "vanphong",
        "giamdoc",
    }
    replaced = ExternalDocument.objects.get(number="61/2018/NĐ-CP")
    assert replaced.status == ExternalDocument.Status.REPLACED
    assert replaced.replaced_by is not None
    assert replaced.replaced_by.number == "118/2025/NĐ-CP"
    legal = ReviewTask.objects.filter(reason=ReviewTask.Reason.LEGAL_CHANGE)
    assert {t.document.code for t in legal} == {"QT-SGD-01", "QT-SGD-02"}
    assert {t.due_on for t in legal} == {datetime.date(2025, 10, 1)}
    plan = Plan.objects.get(number="187/KH-SGDĐT")
    linked = {
        t.number: {link.document.code for link in t.document_links.all()}
        for t in plan.tasks.filter(number__in=[4, 5, 9])
    }
    assert linked[9] == {"QT-SGD-01", "QT-SGD-02"} and "QT.ISO.03" in linked[5]
