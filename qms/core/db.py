"""Refresh the query planner's statistics after a bulk load.

After an import adds many rows, PostgreSQL (and SQLite, once analysed) may keep planning
from the old row counts until autovacuum comes by; ``analyze`` brings them up to date.
"""

from __future__ import annotations

from django.db import connections, models, transaction


def analyze(*tables: type[models.Model], using: str = "default") -> None:
    """``ANALYZE`` the tables of ``tables`` (models), on PostgreSQL and SQLite alike."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def analyze_on_commit(*tables: type[models.Model], using: str = "default") -> None:
    """``analyze`` once the current transaction commits (at once outside of one)."""
    transaction.on_commit(lambda: analyze(*tables, using=using), using=using)
