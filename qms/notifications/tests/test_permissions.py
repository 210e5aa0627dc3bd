"""Who may open and change what on the notification pages.

``MATRIX`` has one row per route and method: (URL name, method, {persona: status},
status of everyone else). Every mutating route is POSTed by every persona, including the
ones whose roles are held only on a school or a division under the agency; a refused
change leaves the stored state as it was. A route missing from the matrix fails
``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS, make_user, shared_org
from qms.accounts.models import Role
from qms.audittrail.models import LogEntry
from qms.notifications import services
from qms.notifications.models import (
    Channel,
    Notification,
    NotificationSettings,
    ReminderPolicy,
    State,
)
from qms.notifications.urls import urlpatterns
from qms.planning.notifications import Kind

pytestmark = pytest.mark.django_db

ALL = list(PERSONAS)
ADMINS = {"agency_admin": 302, "sysadmin": 302}
# The agency's own editors get the form back: the metadata address of ATTACK is refused.
POLICY_EDITORS = {"agency_admin": 200, "iso_office": 200}
# Reading the policy stays agency-wide (a role for it held inside the agency).
POLICY_READERS = {"agency_admin": 200, "iso_office": 200, "school_iso": 200, "div_iso": 200}
MATRIX: list[tuple[str, str, dict[str, int], int]] = [
    ("inbox", "GET", {}, 200),
    ("open", "GET", {"staff_a": 302}, 404),  # staff_a's own notification
    ("mark_read", "POST", {}, 302),  # only one's own are marked (checked below)
    ("preferences", "GET", {}, 200),
    ("preferences", "POST", {}, 302),  # one's own preferences
    ("ics_token", "POST", {}, 302),  # one's own calendar link
    ("ics_feed", "GET", {}, 200),  # the secret token is the credential
    ("outbox", "GET", {"agency_admin": 200, "sysadmin": 200}, 403),
    ("outbox_action", "POST", ADMINS, 403),
    ("policy", "GET", POLICY_READERS, 403),
    ("policy", "POST", POLICY_EDITORS, 403),
    ("weekly_xlsx", "GET", {}, 301),  # moved to planning (its matrix has the readers)
]

ATTACK = {
    "days_before": "1",
    "on_due_day": "on",
    "overdue_every_days": 1,
    "escalate_head_after_days": 1,
    "escalate_office_after_days": 1,
    "send_hour": 0,
    "weekly_summary": "on",
    "webhook_enabled": "on",
    "webhook_url": "http://169.254.169.254/latest/meta-data/",
    "webhook_secret": "attacker",
}


# One organisation per module; each case runs in a savepoint.
org, personas = shared_org()


def _fixtures(org: Any, personas: dict[str, Any]) -> dict[str, Any]:
    staff = personas["staff_a"]
    mine = Notification.objects.create(
        recipient=staff,
        kind=Kind.TASK_DUE_SOON,
        channel=Channel.IN_APP,
        subject="Nhắc việc",
        body="…",
        url="/plans/",
        state=State.SENT,
        created_at=datetime.datetime.now(datetime.UTC),
    )
    dead = Notification.objects.create(
        recipient=staff,
        agency=org.agency,
        kind=Kind.TASK_OVERDUE,
        channel=Channel.EMAIL,
        subject="Quá hạn",
        body="…",
        state=State.DEAD,
        attempts=5,
        created_at=datetime.datetime.now(datetime.UTC),
    )
    ReminderPolicy.objects.create(agency=org.agency, days_before="7,3,1")
    token = services.ics_token_regenerate(user=staff)
    return {"mine": mine, "dead": dead, "token": token}


def _request(client: Any, name: str, method: str, org: Any, f: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    data: dict[str, Any] = {}
    if name == "open":
        kwargs = {"pk": f["mine"].pk}
    elif name == "mark_read":
        data = {"id": f["mine"].pk}
    elif name == "preferences" and method == "POST":
        data = {"email_mode": "daily", "digest_hour": 6}
    elif name == "ics_feed":
        kwargs = {"token": f["token"]}
    elif name == "outbox_action":
        kwargs, data = {"pk": f["dead"].pk}, {"action": "retry", "next": "https://evil.example/"}
    elif name == "policy":
        data = ATTACK
    elif name == "weekly_xlsx":
        kwargs = {"agency": org.agency.pk}
    url = reverse(f"notifications:{name}", kwargs=kwargs)
    return client.post(url, data) if method == "POST" else client.get(url)


def _unchanged(name: str, method: str, f: dict[str, Any], persona: str) -> None:
    if name == "mark_read" and persona != "staff_a":
        f["mine"].refresh_from_db()
        assert f["mine"].read_at is None
    if name == "outbox_action":
        f["dead"].refresh_from_db()
        assert f["dead"].state == State.DEAD and f["dead"].attempts == 5
    if name == "policy" and method == "POST":
        policy = ReminderPolicy.objects.get()
        assert policy.webhook_url == "" and not policy.webhook_enabled
        assert policy.days_before == "7,3,1"
        assert not LogEntry.objects.filter(action="notifications.policy.saved").exists()


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(("name", "method", "expected", "default"), MATRIX)
def test_matrix(
    client_as: Any,
    org: Any,
    personas: dict[str, Any],
    persona: str,
    name: str,
    method: str,
    expected: dict[str, int],
    default: int,
) -> None:
    f = _fixtures(org, personas)
    status = expected.get(persona, default)
    response = _request(client_as(persona), name, method, org, f)
    assert response.status_code == status, (persona, name, method, response.status_code)
    if method == "POST" and (status >= 400 or name == "policy"):
        _unchanged(name, method, f, persona)
    if name == "outbox_action" and status == 302:
        assert response["Location"] == reverse("notifications:outbox")  # `next` refused


def test_every_route_is_in_the_matrix() -> None:
    assert {p.name for p in urlpatterns} == {row[0] for row in MATRIX}


@pytest.mark.parametrize("persona", ["school_iso", "div_iso", "school_leader", "school_head"])
def test_h3_a_unit_inside_the_agency_cannot_point_its_webhook_anywhere(
    client_as: Any, org: Any, persona: str
) -> None:
    """The attack of issue 12 (H3), as a real request: the agency policy stays as it was."""
    ReminderPolicy.objects.create(agency=org.agency, days_before="7,3,1")
    client = client_as(persona)
    url = reverse("notifications:policy") + f"?agency={org.agency.pk}"
    assert client.post(url, ATTACK).status_code in {403, 404}
    policy = ReminderPolicy.objects.get()
    assert (policy.webhook_url, policy.webhook_enabled, policy.webhook_secret) == ("", False, "")
    assert policy.days_before == "7,3,1" and policy.send_hour == 7
    assert not LogEntry.objects.filter(action="notifications.policy.saved").exists()


def test_readers_of_the_policy_see_it_read_only_without_the_webhook_path(
    client_as: Any, org: Any
) -> None:
    ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_url="https://hooks.example.vn/T0/secret-path",
        webhook_secret="k",
        webhook_enabled=True,
    )
    content = client_as("school_iso").get(reverse("notifications:policy")).content.decode()
    assert "secret-path" not in content and "hooks.example.vn" in content
    assert 'type="submit">' not in content.split("card-footer")[1].split("</div>")[0]
    assert "disabled" in content
    editor = client_as("iso_office").get(reverse("notifications:policy")).content.decode()
    assert "secret-path" in editor


def test_a_school_administrator_neither_sees_nor_retries_the_agency_outbox(
    client: Any, org: Any, personas: dict[str, Any]
) -> None:
    """An agency admin role held on a school: the outbox holds the agency's addresses and
    texts, so its rows are not the school's to read, and not to retry."""
    f = _fixtures(org, personas)
    school_admin = make_user("school_admin", org.school, Role.AGENCY_ADMIN, org.school)
    client.force_login(school_admin)
    page = client.get(reverse("notifications:outbox"))
    assert page.status_code == 200
    assert f["dead"] not in page.context["page"].object_list
    url = reverse("notifications:outbox_action", kwargs={"pk": f["dead"].pk})
    assert client.post(url, {"action": "retry"}).status_code == 404
    assert client.post(url, {"action": "cancel"}).status_code == 404
    f["dead"].refresh_from_db()
    assert f["dead"].state == State.DEAD
    assert not LogEntry.objects.filter(action__startswith="notifications.outbox").exists()


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("https://evil.example/phish", "/notifications/outbox/"),
        ("//evil.example/phish", "/notifications/outbox/"),
        ("/notifications/outbox/?state=dead", "/notifications/outbox/?state=dead"),
    ],
)
def test_outbox_action_redirects_only_inside_the_site(
    client_as: Any, org: Any, personas: dict[str, Any], next_url: str, lands: str
) -> None:
    f = _fixtures(org, personas)
    url = reverse("notifications:outbox_action", kwargs={"pk": f["dead"].pk})
    response = client_as("agency_admin").post(url, {"action": "retry", "next": next_url})
    assert response.status_code == 302 and response["Location"] == lands.replace(
        "/notifications/outbox/", reverse("notifications:outbox")
    )


def test_the_calendar_feed_of_a_revoked_token_is_gone(
    client: Any, personas: dict[str, Any]
) -> None:
    token = services.ics_token_regenerate(user=personas["staff_a"])
    services.ics_token_revoke(user=personas["staff_a"])
    assert not NotificationSettings.objects.filter(ics_token=token).exists()
    url = reverse("notifications:ics_feed", kwargs={"token": token})
    assert client.get(url).status_code == 404
