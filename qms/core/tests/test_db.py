"""``qms.core.db.analyze``: the planner's statistics refreshed after a bulk load."""

from __future__ import annotations

import pytest
from django.db import connection

from qms.core.db import analyze, analyze_on_commit
from qms.core.models import OrgUnit

pytestmark = pytest.mark.django_db


def _analysed_rows(table: str) -> float | None:
    """The row count the planner's statistics hold for ``table`` (None: never analysed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        row = cursor.fetchone()
    if row is None:
        return None
    return float(row[0].split()[0]) if isinstance(row[0], str) else float(row[0])


def test_analyze_records_the_row_count(org):
    table = OrgUnit._meta.db_table
    analyze(OrgUnit)
    assert _analysed_rows(table) == OrgUnit.objects.count()


def test_analyze_on_commit_waits_for_the_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        analyze_on_commit(OrgUnit)
    assert len(callbacks) == 1
    assert _analysed_rows(OrgUnit._meta.db_table) == OrgUnit.objects.count()
