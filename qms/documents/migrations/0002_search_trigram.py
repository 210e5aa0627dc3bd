"""Trigram indexes for document search on PostgreSQL.

Search is ``LIKE '%term%'`` on a folded copy of the text (the same query on SQLite and
PostgreSQL). Without an index PostgreSQL scans every document's text: 220–340 ms at 20,000
documents with their file text (bench/documents.py); a GIN trigram index brings it to
20–35 ms. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
SQLite needs nothing: both operations do nothing there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "doc_search_trgm": "documents_document",
    "docext_search_trgm": "documents_externaldocument",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
