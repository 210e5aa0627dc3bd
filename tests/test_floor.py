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
    with (
        time_machine.travel(START + datetime.timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as ctx,
        django_assert_num_queries(4),  # session, user with unit and agency, roles, unread
    ):
        response = client.get("/_floor/")
    assert response.status_code == 200
    assert _session_writes(ctx.captured_queries) == 0


@override_settings(ROOT_URLCONF="bench.urls")
def test_unread_count_shows_on_the_bell_and_the_menu_from_one_query(
    personas, django_assert_num_queries
):
    from qms.notifications.models import Channel, Notification, State
    from qms.planning.notifications import Kind

    leader = personas["leader"]
    for n in range(2):
        Notification.objects.create(
            recipient=leader,
            kind=Kind.TASK_DUE_SOON,
            channel=Channel.IN_APP,
            subject=f"Nhắc việc {n}",
            state=State.SENT,
            created_at=START,
        )
    client = Client()
    client.force_login(leader)
    with time_machine.travel(START, tick=False):
        client.get("/_floor/")
    with (
        time_machine.travel(START + datetime.timedelta(seconds=30), tick=False),
        django_assert_num_queries(4),
    ):
        page = client.get("/_floor/").content.decode()
    assert 'data-testid="unread-count">2<' in page  # the bell
    assert 'text-bg-danger ms-auto">2<' in page  # the menu entry's badge


def test_menu_and_unread_count_are_computed_once_per_request(personas):
    """A request that renders the layout twice (a page and a fragment of it) loads the roles
    and counts the unread notifications once; a fragment that shows neither costs none."""
    from django.template import engines
    from django.test import RequestFactory
    from django.urls import resolve

    user = personas["leader"]
    request = RequestFactory().get("/_floor/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    with override_settings(ROOT_URLCONF="bench.urls"):
        request.resolver_match = resolve("/_floor/")
        page = engines["django"].from_string('{% extends "base.html" %}')
        fragment = engines["django"].from_string("<p>{{ user.display_name }}</p>")
        with CaptureQueriesContext(connection) as ctx:
            fragment.render(request=request)
        assert len(ctx.captured_queries) == 0
        with CaptureQueriesContext(connection) as ctx:
            page.render(request=request)
            page.render(request=request)
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in ctx.captured_queries]
    assert sorted(tables) == ['"accounts_roleassignment"', '"notifications_notification"']
