"""The calendar feed lists the user's task deadlines (planning registers them)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from qms.audittrail.models import LogEntry
from qms.notifications.models import NotificationSettings

pytestmark = pytest.mark.django_db


def test_calendar_feed_validates_and_revoked_token_is_404(client, client_as, personas, make_task):
    make_task("Từ 01/6 đến 30/7/2026")
    staff_client = client_as("staff_a")
    staff_client.post(reverse("notifications:ics_token"), {"action": "new"})
    token = NotificationSettings.objects.get(user=personas["staff_a"]).ics_token
    assert token and len(token) >= 40
    url = reverse("notifications:ics_feed", kwargs={"token": token})
    response = client.get(url)  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == datetime.date(2026, 6, 1)
    assert event.decoded("dtend") == datetime.date(2026, 7, 31)
    assert "Đánh giá nội bộ" in str(event.get("summary"))
    assert str(event.get("url")).endswith(
        reverse("planning:task_detail", kwargs={"pk": event_task_pk(event)})
    )
    staff_client.post(reverse("notifications:ics_token"), {"action": "revoke"})
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("notifications:ics_feed", kwargs={"token": "wrong"})).status_code == 404
    )
    assert LogEntry.objects.filter(action="notifications.ics.revoked").exists()


def event_task_pk(event) -> int:
    return int(str(event.get("uid")).split("@")[0].rsplit("-", 1)[1])
