"""bench/http.py's page list on a tiny seed, in process: every page it measures answers
200 to the user it measures it as, so the list cannot rot when a URL or a view changes."""

from __future__ import annotations

import pytest
from django.test import override_settings

from bench import http as bench_http

TINY = bench_http.Scale(
    agencies=2,
    divisions=6,
    tasks_per_plan=3,
    big_plan=12,
    log_entries=40,
    document_agencies=1,
    documents_per_agency=4,
    versions=2,
    external_per_agency=3,
    notifications=5,
)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.http_urls")
def test_every_page_of_the_http_bench_answers_200() -> None:
    bench_http.seed(TINY)
    pages = bench_http.pages()
    as_user = bench_http.clients()
    failed = {}
    for page in pages:
        response = as_user[page.user].get(page.url)
        if response.status_code != 200:
            failed[page.name] = response.status_code
    assert failed == {}
    names = {p.name for p in pages}
    assert len(names) == len(pages)
    assert {p.admin for p in pages if p.admin} <= {p.name for p in pages if p.is_admin}
    assert {"sign-in page", "floor"} <= names
