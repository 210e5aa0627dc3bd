"""bench/audits.py on a tiny seed, in process: every page it measures answers 200 to the
user it measures it as, and each asks as many queries for BIG (ten times the rows) as for
A0, so the bench cannot rot when a URL or a view changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import audits as bench_audits


@pytest.mark.django_db
def test_every_page_of_the_audits_bench_answers_and_is_flat() -> None:
    bench_audits.seed_rows(bench_audits.TINY, timezone.localdate())
    queries: dict[tuple[str, str], int] = {}
    for page in bench_audits.pages(timezone.localdate().year):
        if page.call is None:  # a route of a part not installed
            continue
        with CaptureQueriesContext(connection) as ctx:
            page.call()  # raises SystemExit on a status other than 200
        queries[page.what, page.size] = len(ctx.captured_queries)
    assert {"analytics", "analytics() only"} <= {what for what, _size in queries}
    for (what, size), n in queries.items():
        if size == "A0":
            assert queries[what, "BIG"] == n, what
