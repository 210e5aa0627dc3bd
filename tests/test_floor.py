"""The floor: a signed-in empty page on ``base.html`` (``bench/urls.py``).

What it costs is what every page costs before doing anything of its own: the session,
the user (with unit and agency), the roles, and the unread count.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def _session_writes(queries: list[dict[str, str]]) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith(('UPDATE "django_session"', 'INSERT INTO "django_session"'))
    )


@override_settings(ROOT_URLCONF="bench.urls")
def test_floor_page_costs_four_queries_and_no_session_write(personas, django_assert_num_queries):
    client = Client()
    client.force_login(personas["leader"])
    with time_machine.travel(START, tick=False):
        first = client.get("/_floor/")  # stamps the session: a write
    assert first.status_code == 200
    assert "Sở Giáo dục và Đào tạo" in first.content.decode()  # the agency in the top bar
    with time_machine.travel(START + datetime.timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            with django_assert_num_queries(4):  # session, user+unit+agency, roles, unread
                response = client.get("/_floor/")
    assert response.status_code == 200
    assert _session_writes(ctx.captured_queries) == 0
