"""Notification centre, preferences, calendar feed, outbox, reminder settings, calendar:
who may open what, and what the pages do."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import PERSONAS, shared_org
from qms.audittrail.models import LogEntry
from qms.core.models import CalendarOverride
from qms.notifications import kinds
from qms.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    NotificationSettings,
    ReminderPolicy,
    State,
)
from qms.planning.notifications import Kind

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


ALL = list(PERSONAS)


@pytest.mark.parametrize("persona", ALL)
def test_calendar_page_access(client_as, persona):
    """The route matrix of the notification pages is in test_permissions.py."""
    client = client_as(persona)
    calendar = 200 if persona in {"sysadmin", "agency_admin"} else 403  # agency admins read it
    assert client.get(reverse("core:calendar")).status_code == calendar
    if persona == "overseer":
        assert client.post(reverse("core:calendar"), {}).status_code == 403


def _notify(user, subject="Nhắc việc", url="/plans/"):
    return Notification.objects.create(
        recipient=user,
        kind=Kind.TASK_DUE_SOON,
        channel=Channel.IN_APP,
        subject=subject,
        body="Nội dung",
        url=url,
        state=State.SENT,
        created_at=datetime.datetime.now(datetime.UTC),
    )


def test_bell_inbox_open_and_mark_read(client_as, personas):
    staff = personas["staff_a"]
    first = _notify(staff, "Nhiệm vụ 6 sắp đến hạn", "/plans/")
    _notify(staff, "Nhiệm vụ 7 quá hạn")
    _notify(personas["head_a"], "Của người khác")
    client = client_as("staff_a")
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-testid="unread-count">2<' in page
    assert "Nhiệm vụ 6 sắp đến hạn" in page and "Của người khác" not in page
    response = client.get(reverse("notifications:open", kwargs={"pk": first.pk}))
    assert response.status_code == 302 and response["Location"] == "/plans/"
    first.refresh_from_db()
    assert first.read_at is not None
    unread = client.get(reverse("notifications:inbox") + "?show=unread").content.decode()
    assert "Nhiệm vụ 6" not in unread and "Nhiệm vụ 7" in unread
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True).exists()
    other = Notification.objects.get(recipient=personas["head_a"])
    assert client.get(reverse("notifications:open", kwargs={"pk": other.pk})).status_code == 404


def test_inbox_queries_do_not_grow(client_as, personas, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("staff_a")
    _notify(personas["staff_a"])
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("notifications:inbox"))
    for i in range(30):
        _notify(personas["staff_a"], f"Việc {i}")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("notifications:inbox"))


def _outgoing(org, personas, n, channel=Channel.EMAIL):
    for i in range(n):
        Notification.objects.create(
            recipient=None if channel == Channel.WEBHOOK else personas["staff_a"],
            agency=org.agency,
            kind=Kind.TASK_OVERDUE,
            channel=channel,
            subject=f"Quá hạn {i}",
            body="…",
            state=State.DEAD,
            created_at=datetime.datetime.now(datetime.UTC),
        )


def test_outbox_queries_do_not_grow_and_webhook_rows_show_the_agency(
    client_as, org, personas, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("agency_admin")
    _outgoing(org, personas, 1)
    _outgoing(org, personas, 1, Channel.WEBHOOK)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("notifications:outbox")).status_code == 200
    _outgoing(org, personas, 20)
    _outgoing(org, personas, 20, Channel.WEBHOOK)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        response = client.get(reverse("notifications:outbox"))
    content = response.content.decode()
    assert "Agency webhook" in content or "Webhook của cơ quan" in content
    assert org.agency.display_name in content


def test_outbox_pages_by_keyset_show_every_message_once(client_as, org, personas):
    _outgoing(org, personas, 60)  # many share a created_at: ties are ordered by id
    client = client_as("agency_admin")
    url = reverse("notifications:outbox")
    response = client.get(url, {"state": State.DEAD})
    seen = [n.pk for n in response.context["page"]]
    assert len(seen) == 25
    assert "older=" in response.content.decode()
    while response.context["page"].older_cursor:
        cursor = response.context["page"].older_cursor
        response = client.get(url, {"state": State.DEAD, "older": cursor})
        seen += [n.pk for n in response.context["page"]]
    expected = Notification.objects.filter(state=State.DEAD, agency=org.agency)
    assert seen == list(expected.order_by("-created_at", "-id").values_list("pk", flat=True))
    back = client.get(url, {"state": State.DEAD, "newer": response.context["page"].newer_cursor})
    assert [n.pk for n in back.context["page"]] == seen[25:50]
    assert client.get(url, {"older": "garbage"}).context["page"].newer_cursor is None


def test_email_timeout_comes_from_the_email_url_or_the_environment():
    import os
    import subprocess
    import sys

    def timeout(**env):
        code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_TIMEOUT)"
        run_env = {k: v for k, v in os.environ.items() if k != "EMAIL_TIMEOUT"}
        run_env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", **env)
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], env=run_env, capture_output=True, text=True, check=True
        )
        return int(out.stdout.strip())

    assert timeout(EMAIL_URL="smtp://mail.example.vn:25") == 20
    assert timeout(EMAIL_URL="smtp+tls://u:p@mail.example.vn:587/?timeout=7") == 7
    assert timeout(EMAIL_URL="smtp://mail.example.vn:25/?timeout=7", EMAIL_TIMEOUT="9") == 9


def test_preferences_round_trip(client_as, personas):
    client = client_as("staff_a")
    data = {"email_mode": "daily", "digest_hour": "16"}
    for kind in [k.value for k in kinds.switchable()]:
        data[f"{kind}__in_app"] = "on"
        if kind not in {Kind.TASK_DUE_SOON, Kind.PROGRESS_POSTED}:
            data[f"{kind}__email"] = "on"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    s = NotificationSettings.objects.get(user=personas["staff_a"])
    assert (s.email_mode, s.digest_hour) == ("daily", 16)
    # Only the differences from the defaults are stored.
    assert list(
        NotificationPreference.objects.filter(user=personas["staff_a"]).values_list(
            "kind", "channel", "enabled"
        )
    ) == [(Kind.TASK_DUE_SOON, Channel.EMAIL, False)]
    bad = client.post(reverse("notifications:preferences"), {**data, "digest_hour": "25"})
    assert bad.status_code == 200 and 'value="25"' in bad.content.decode()


def test_outbox_retry_and_cancel_are_audited(client_as, personas):
    row = Notification.objects.create(
        recipient=personas["staff_a"],
        agency=personas["staff_a"].unit.agency,
        kind=Kind.TASK_OVERDUE,
        channel=Channel.EMAIL,
        subject="Quá hạn",
        body="…",
        state=State.DEAD,
        attempts=5,
        last_error="Connection refused",
        created_at=datetime.datetime.now(datetime.UTC),
    )
    client = client_as("agency_admin")
    page = client.get(reverse("notifications:outbox") + "?state=dead").content.decode()
    assert "Connection refused" in page
    client.post(reverse("notifications:outbox_action", kwargs={"pk": row.pk}), {"action": "retry"})
    row.refresh_from_db()
    assert row.state == State.PENDING and row.attempts == 0
    client.post(reverse("notifications:outbox_action", kwargs={"pk": row.pk}), {"action": "cancel"})
    row.refresh_from_db()
    assert row.state == State.CANCELLED
    actions = set(LogEntry.objects.for_object(row).values_list("action", flat=True))
    assert actions == {"notifications.outbox.retried", "notifications.outbox.cancelled"}
    # Another agency's administrator does not see it.
    assert client_as("outsider").get(reverse("notifications:outbox")).status_code == 403


def test_policy_page_validates_and_keeps_the_secret(client_as, org, monkeypatch):
    from qms.notifications import webhooks

    monkeypatch.setattr(webhooks, "_resolve", lambda host, port: ["14.225.254.1"])
    client = client_as("iso_office")
    data = {
        "days_before": "7,3,x",
        "overdue_every_days": 3,
        "escalate_head_after_days": 3,
        "escalate_office_after_days": 7,
        "send_hour": 7,
        "webhook_enabled": "on",
        "webhook_url": "",
        "webhook_secret": "",
    }
    response = client.post(reverse("notifications:policy"), data)
    content = response.content.decode()
    assert response.status_code == 200 and 'value="7,3,x"' in content
    assert not ReminderPolicy.objects.exists()
    data.update(
        days_before="5,2", webhook_url="https://tinnhan.hungyen.gov.vn/eiso", webhook_secret="k"
    )
    assert client.post(reverse("notifications:policy"), data).status_code == 302
    policy = ReminderPolicy.objects.get(agency=org.agency)
    assert policy.offsets() == [5, 2] and policy.webhook_secret == "k"
    data["webhook_secret"] = ""
    client.post(reverse("notifications:policy"), data)
    policy.refresh_from_db()
    assert policy.webhook_secret == "k"  # empty field keeps the secret
    entry = LogEntry.objects.filter(action="notifications.policy.saved").first()
    assert entry is not None and "k" not in str(entry.changes.get("webhook_secret", ""))


def test_working_day_calendar_page(client_as):
    client = client_as("sysadmin")
    page = client.get(reverse("core:calendar") + "?year=2026").content.decode()
    assert "17/02/2026" in page and "Tết Nguyên đán" in page and "9441/TB-BNV" in page
    response = client.post(
        reverse("core:calendar"),
        {"date": "02/01/2026", "kind": "day_off", "note": "Nghỉ bù Tết Dương lịch"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.date == datetime.date(2026, 1, 2)
    bad = client.post(
        reverse("core:calendar"), {"date": "31/02/2026", "kind": "day_off", "note": "Sai"}
    )
    assert bad.status_code == 200 and 'value="31/02/2026"' in bad.content.decode()
    client.post(reverse("core:calendar_remove", kwargs={"pk": override.pk}))
    assert not CalendarOverride.objects.exists()
    assert LogEntry.objects.filter(action__startswith="core.calendar").count() == 2
