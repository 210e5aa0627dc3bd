"""Django's SQLite backend, told the real parameter limit of modern SQLite.

Django assumes 999 bound parameters per statement (the limit before SQLite 3.32), so a
bulk insert of a few hundred outbox rows is split into many statements. SQLite 3.32+
allows 32,766; using it keeps the periodic pass to a fixed number of queries.
"""

from __future__ import annotations

import sqlite3

from django.db.backends.sqlite3 import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    @property
    def max_query_params(self) -> int:  # type: ignore[override]
        return 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
