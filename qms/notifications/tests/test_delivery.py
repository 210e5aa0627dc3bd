"""Delivery through a real SMTP server (aiosmtpd) and a real HTTP webhook receiver;
retries, the dead state and the stale-claim guard."""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from qms.notifications.messages import MessageData, TaskFacts
from qms.notifications.models import Channel, Kind, Notification, ReminderPolicy, State
from qms.notifications.sending import send_pending
from qms.notifications.services import Outbox

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_settings(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://eiso.hungyen.gov.vn"
    return settings


def queue_task_reminder(user: Any, task_pk: int = 42) -> Notification:
    facts = TaskFacts(
        pk=task_pk,
        number=6,
        content="Đánh giá nội bộ",
        plan_label="187/KH-SGDĐT (2022)",
        agency_name="Sở Giáo dục và Đào tạo Hưng Yên",
        lead_names="Lãnh đạo Sở, Ban ISO",
        timing_text="Từ 01/6 đến 30/7/2022",
        due=datetime.date(2022, 7, 30),
        url=f"/plans/tasks/{task_pk}/",
    )
    box = Outbox()
    box.add(
        recipients=[user.pk],
        data=MessageData(kind=Kind.TASK_DUE_SOON, task=facts, days=3, url=facts.url),
        obj=None,
        agency_id=user.unit.agency_id,
    )
    box.flush()
    return Notification.objects.get(recipient=user, channel=Channel.EMAIL)


def test_email_reaches_a_real_smtp_server(smtp_settings: Any, personas: dict[str, Any]) -> None:
    staff = personas["staff_a"]
    row = queue_task_reminder(staff)
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        stats = send_pending()
    finally:
        controller.stop()
    assert stats["sent"] == 1
    assert len(handler.messages) == 1
    _from, rcpt, raw = handler.messages[0]
    assert rcpt == [staff.email]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(message["Subject"]).strip() == row.subject
    assert "Đánh giá nội bộ" in message["Subject"]
    plain_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert plain_part is not None and html_part is not None
    text, html = plain_part.get_content(), html_part.get_content()
    assert "Đánh giá nội bộ" in text and "Lãnh đạo Sở, Ban ISO" in text
    assert "https://eiso.hungyen.gov.vn/plans/tasks/42/" in text
    assert 'href="https://eiso.hungyen.gov.vn/plans/tasks/42/"' in html
    assert message["Message-ID"] == f"<eiso-notification-{row.pk}@eiso.hungyen.gov.vn>"
    row.refresh_from_db()
    assert row.state == State.SENT and row.sent_at and row.attempts == 1


def test_smtp_down_retries_then_dead_and_nothing_is_lost(
    smtp_settings: Any, personas: dict[str, Any], settings: Any
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 3
    row = queue_task_reminder(personas["staff_a"])
    now = timezone.now()
    stats = send_pending(now)  # nothing listens on the port
    row.refresh_from_db()
    assert stats["retry"] == 1 and row.state == State.PENDING and row.attempts == 1
    assert row.last_error and row.next_attempt_at == now + datetime.timedelta(seconds=60)
    # Not retried before its time.
    assert send_pending(now + datetime.timedelta(seconds=30))["retry"] == 0
    send_pending(now + datetime.timedelta(seconds=61))
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == now + datetime.timedelta(seconds=61 + 120)
    send_pending(now + datetime.timedelta(seconds=200))
    row.refresh_from_db()
    assert row.state == State.DEAD and row.attempts == 3
    # Dead rows stay in the outbox; once the server is back an admin retries them.
    from qms.notifications.services import notification_retry

    notification_retry(actor=personas["sysadmin"], notification=row)
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        assert send_pending(now + datetime.timedelta(seconds=300))["sent"] == 1
    finally:
        controller.stop()
    assert len(handler.messages) == 1


def test_a_pass_that_died_while_sending_does_not_resend(personas: dict[str, Any]) -> None:
    row = queue_task_reminder(personas["staff_a"])
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).update(
        state=State.SENDING,
        claim="x",
        claimed_at=now - datetime.timedelta(minutes=20),
        attempt_at=now - datetime.timedelta(minutes=20),
    )
    stats = send_pending(now)
    row.refresh_from_db()
    assert stats["reaped"] == 1 and stats["sent"] == 0
    assert row.state == State.DEAD and "Interrupted" in row.last_error


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(Receiver.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Any:
    """A real HTTP server on 127.0.0.1 recording what it receives (``Receiver``)."""
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received = []
    yield server
    server.shutdown()
    server.server_close()


def test_webhook_posts_signed_json_and_retries_on_5xx(
    personas: dict[str, Any], org: Any, receiver: Any
) -> None:
    Receiver.status = 503
    ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_enabled=True,
        webhook_url=f"http://127.0.0.1:{receiver.server_port}/hook",
        webhook_secret="bí-mật",
    )
    queue_task_reminder(personas["staff_a"])
    hook = Notification.objects.get(channel=Channel.WEBHOOK)
    now = timezone.now()
    assert send_pending(now)["retry"] == 1
    Receiver.status = 200
    assert send_pending(now + datetime.timedelta(minutes=2))["sent"] >= 1
    headers, body = Receiver.received[-1]
    expected = "sha256=" + hmac.new("bí-mật".encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Eiso-Signature"] == expected
    payload = json.loads(body)
    assert payload["id"] == hook.pk and payload["kind"] == "task_due_soon"
    assert payload["recipient"]["username"] == "staff_a"
    assert "Đánh giá nội bộ" in payload["subject"] and payload["url"].endswith("/plans/tasks/42/")
    hook.refresh_from_db()
    assert hook.state == State.SENT and hook.attempts == 2


def test_webhook_4xx_is_permanent(personas: dict[str, Any], org: Any, receiver: Any) -> None:
    Receiver.status = 410
    ReminderPolicy.objects.create(
        agency=org.agency,
        webhook_enabled=True,
        webhook_url=f"http://127.0.0.1:{receiver.server_port}/gone",
        webhook_secret="s",
    )
    queue_task_reminder(personas["staff_a"])
    send_pending()
    hook = Notification.objects.get(channel=Channel.WEBHOOK)
    assert hook.state == State.DEAD and "410" in hook.last_error
