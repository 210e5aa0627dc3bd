"""Webhook rules: https only, public addresses only (checked on save and at send), the
vetted address is the one connected to, no redirects, switched off means nothing sent,
one delivery per event."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from config.settings import base
from conftest import shared_org
from qms.notifications import webhooks
from qms.notifications.models import Channel, Notification, ReminderPolicy, State
from qms.notifications.sending import send_pending
from qms.notifications.services import Outbox
from qms.notifications.tests.outbox_helpers import Receiver, queue_task_reminder
from qms.planning.notifications import Kind, PlanFacts

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


PRIVATE = [
    "http://127.0.0.1:{port}/hook",
    "http://localhost:{port}/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.9/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:{port}/hook",
    "http://[::ffff:127.0.0.1]:{port}/hook",
    "http://[fd00::1]/hook",
    "http://224.0.0.251/hook",
    "http://0.0.0.0:{port}/hook",
]


def test_defaults_are_strict() -> None:
    assert base.NOTIFY_WEBHOOK_ALLOW_HTTP is False
    assert base.NOTIFY_WEBHOOK_ALLOWED_HOSTS == []


@pytest.mark.parametrize("url", PRIVATE)
def test_private_addresses_are_refused_at_send(
    url: str, personas: dict[str, Any], org: Any, receiver: Any, settings: Any
) -> None:
    settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS = []  # the default
    ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_enabled=True,
        webhook_url=url.format(port=receiver.server_port),  # saved before the rules
        webhook_secret="s",
    )
    queue_task_reminder(personas["staff_a"])
    send_pending()
    hook = Notification.objects.get(channel=Channel.WEBHOOK)
    assert hook.state == State.DEAD and "Refused" in hook.last_error
    assert Receiver.received == []


def test_https_only_by_default(settings: Any) -> None:
    settings.NOTIFY_WEBHOOK_ALLOW_HTTP = False
    with translation.override("en"), pytest.raises(webhooks.WebhookRefused, match="https://"):
        webhooks.vet("http://8.8.8.8/hook")
    assert webhooks.vet("https://8.8.8.8/hook").address == "8.8.8.8"


def test_a_host_whose_dns_points_inside_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port))] + (
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
            if host == "rebind.example.vn"
            else []
        )

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolve)
    assert webhooks.vet("https://hook.example.vn/x?a=1").path == "/x?a=1"
    with translation.override("en"), pytest.raises(webhooks.WebhookRefused, match="10.0.0.7"):
        webhooks.vet("https://rebind.example.vn/x")


def test_the_vetted_address_is_the_one_connected_to(receiver: Any) -> None:
    """No second DNS lookup: the name is only sent as Host (and TLS server name)."""
    target = webhooks.Target(
        "http", "eiso-hook.invalid", receiver.server_port, "/hook", "127.0.0.1"
    )
    status, _location = webhooks.post(target, {"Content-Type": "application/json"}, b"{}")
    assert status == 200
    headers, body = Receiver.received[-1]
    assert headers["Host"] == f"eiso-hook.invalid:{receiver.server_port}" and body == b"{}"


def test_a_redirect_is_not_followed(personas: dict[str, Any], org: Any, redirecting: Any) -> None:
    ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_enabled=True,
        webhook_url=f"http://127.0.0.1:{redirecting.server_port}/hook",
        webhook_secret="s",
    )
    queue_task_reminder(personas["staff_a"])
    send_pending()
    hook = Notification.objects.get(channel=Channel.WEBHOOK)
    assert hook.state == State.DEAD and "307" in hook.last_error
    assert "169.254.169.254" in hook.last_error and len(Receiver.received) == 1


def test_a_disabled_webhook_sends_nothing(
    personas: dict[str, Any], org: Any, receiver: Any
) -> None:
    policy = ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_enabled=True,
        webhook_url=f"http://127.0.0.1:{receiver.server_port}/hook",
        webhook_secret="s",
    )
    queue_task_reminder(personas["staff_a"])  # written while it was on
    policy.webhook_enabled = False
    policy.save()
    stats = send_pending()
    hook = Notification.objects.get(channel=Channel.WEBHOOK)
    assert hook.state == State.CANCELLED and "switched off" in hook.last_error
    assert stats["cancelled"] == 1 and Receiver.received == []
    # And once off, new events write no webhook row at all.
    queue_task_reminder(personas["staff_a"], task_pk=43)
    assert Notification.objects.filter(channel=Channel.WEBHOOK).count() == 1


def test_one_delivery_per_event(personas: dict[str, Any], org: Any, receiver: Any) -> None:
    from qms.notifications.messages import MessageData

    ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_enabled=True,
        webhook_url=f"http://127.0.0.1:{receiver.server_port}/hook",
        webhook_secret="s",
    )
    box = Outbox()
    people = [personas[p] for p in ("staff_a", "head_a", "iso_office", "leader")]
    box.add(
        recipients=[p.pk for p in people],
        data=MessageData(
            kind=Kind.PLAN_SUBMITTED, facts=PlanFacts(label="01/KH", title=""), url="/plans/1/"
        ),
        obj=None,
        agency_id=org.agency.pk,
        key="event-1",
    )
    box.flush()
    hooks = Notification.objects.filter(channel=Channel.WEBHOOK)
    assert hooks.count() == 1 and hooks[0].recipient_id is None
    assert Notification.objects.filter(channel=Channel.EMAIL).count() == len(people)
    send_pending()
    assert len(Receiver.received) == 1


def _policy_data(url: str) -> dict[str, Any]:
    return {
        "days_before": "7,3,1",
        "overdue_every_days": 3,
        "escalate_head_after_days": 3,
        "escalate_office_after_days": 7,
        "send_hour": 7,
        "webhook_enabled": "on",
        "webhook_url": url,
        "webhook_secret": "k",
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://169.254.169.254/latest/meta-data/", "private, loopback"),
        ("http://127.0.0.1:8000/", "private, loopback"),
        ("http://10.0.0.1/", "private, loopback"),
        ("https://eiso-hook.invalid/", "cannot be found"),
    ],
)
def test_the_form_refuses_inside_addresses_and_keeps_the_input(
    client_as: Any, org: Any, url: str, says: str
) -> None:
    client = client_as("iso_office")
    with translation.override("en"):
        response = client.post(
            reverse("notifications:policy"), _policy_data(url), HTTP_ACCEPT_LANGUAGE="en"
        )
    content = response.content.decode()
    assert response.status_code == 200 and says in content
    assert f'value="{url}"' in content
    assert not ReminderPolicy.objects.exists()


def test_the_form_accepts_a_public_https_host(
    client_as: Any, org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "_resolve", lambda host, port: ["14.225.254.1"])
    response = client_as("iso_office").post(
        reverse("notifications:policy"), _policy_data("https://tinnhan.hungyen.gov.vn/eiso")
    )
    assert response.status_code == 302
    assert ReminderPolicy.objects.get().webhook_url == "https://tinnhan.hungyen.gov.vn/eiso"


@pytest.fixture
def tls_receiver(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An HTTPS receiver on 127.0.0.1 with a certificate for eiso-hook.invalid, trusted
    by the webhook's TLS context for this test only."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import HTTPServer

    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=eiso-hook.invalid"]
        + ["-addext", "subjectAltName=DNS:eiso-hook.invalid"],
        check=True,
        capture_output=True,
    )
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received, Receiver.status = [], 200
    real = ssl.create_default_context
    monkeypatch.setattr(webhooks.ssl, "create_default_context", lambda: real(cafile=str(cert)))
    yield server
    server.shutdown()
    server.server_close()


def test_https_goes_to_the_vetted_address_and_checks_the_certificate(tls_receiver: Any) -> None:
    port = tls_receiver.server_port
    good = webhooks.Target("https", "eiso-hook.invalid", port, "/hook", "127.0.0.1")
    assert webhooks.post(good, {"Content-Type": "application/json"}, b"{}")[0] == 200
    assert len(Receiver.received) == 1
    wrong = webhooks.Target("https", "other-hook.invalid", port, "/hook", "127.0.0.1")
    with pytest.raises(OSError, match="certificate|hostname|match"):
        webhooks.post(wrong, {"Content-Type": "application/json"}, b"{}")
    assert len(Receiver.received) == 1


def test_dns_changing_between_the_form_and_the_save_is_caught(
    client_as: Any, org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([["14.225.254.1"], ["10.0.0.7"]])  # the form's lookup, then the service's
    monkeypatch.setattr(webhooks, "_resolve", lambda host, port: next(answers))
    with translation.override("en"):
        response = client_as("iso_office").post(
            reverse("notifications:policy"), _policy_data("https://tinnhan.hungyen.gov.vn/eiso")
        )
    assert response.status_code == 200 and "10.0.0.7" in response.content.decode()
    assert not ReminderPolicy.objects.exists()
