"""Delivery through a real SMTP server (aiosmtpd) and a real HTTP webhook receiver;
retries, the dead state and the stale-claim guard."""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from qms.notifications.models import Channel, Notification, ReminderPolicy, State
from qms.notifications.sending import send_pending
from qms.notifications.tests.outbox_helpers import Inbox, Receiver, queue_task_reminder

pytestmark = pytest.mark.django_db


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
    assert hook.recipient_id is None  # one delivery per event, not per person
    now = timezone.now()
    assert send_pending(now)["retry"] == 1
    Receiver.status = 200
    assert send_pending(now + datetime.timedelta(minutes=2))["sent"] >= 1
    headers, body = Receiver.received[-1]
    timestamp = headers["X-Eiso-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new("bí-mật".encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Eiso-Signature"], expected)
    payload = json.loads(body)
    assert payload["id"] == hook.pk and payload["kind"] == "task_due_soon"
    assert "recipient" not in payload and personas["staff_a"].email not in body.decode()
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
