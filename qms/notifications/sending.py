"""Delivering pending outbox rows: e-mail (SMTP) and signed webhooks.

A row is *claimed* before it is sent: a conditional UPDATE moves it from ``pending`` to
``sending`` with a claim token, so two overlapping passes never take the same row (on
PostgreSQL the candidates are also read with ``FOR UPDATE SKIP LOCKED``). After sending,
the row becomes ``sent``. A pass that dies between sending and recording leaves the row
in ``sending``; the next pass does not resend it (that could duplicate the message) but
marks it failed for an administrator to check and retry from the outbox page.

Temporary failures (server down, 4xx SMTP replies, webhook 5xx or timeouts) are retried
with exponential back-off; after ``NOTIFY_MAX_ATTEMPTS`` the row is dead.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qms.notifications.models import Channel, Notification, ReminderPolicy, State
from qms.notifications.services import absolute

STALE_AFTER = datetime.timedelta(minutes=15)
SEND_LIMIT = 500  # per pass; the rest goes with the next pass a few minutes later


class TemporaryFailure(Exception):
    """Worth trying again later."""


class PermanentFailure(Exception):
    """Will not succeed by retrying (bad address, webhook refused the payload)."""


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> datetime.timedelta:
    base = int(getattr(settings, "NOTIFY_RETRY_BASE_SECONDS", 60))
    return datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def reap_stale(now: datetime.datetime) -> int:
    """Rows stuck in ``sending`` (a pass died mid-way): fail them, never resend blindly."""
    return Notification.objects.filter(
        state=State.SENDING, claimed_at__lt=now - STALE_AFTER
    ).update(
        state=State.DEAD,
        last_error="Interrupted while sending: check whether it arrived, then retry.",
    )


def claim(now: datetime.datetime, limit: int = 200) -> list[Notification]:
    """Take up to ``limit`` due rows for this pass; nobody else can take them."""
    token = uuid.uuid4().hex
    due = Notification.objects.filter(
        state=State.PENDING, channel__in=[Channel.EMAIL, Channel.WEBHOOK]
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    with transaction.atomic():
        candidates = due.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Notification.objects.filter(pk__in=ids, state=State.PENDING).update(
            state=State.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        Notification.objects.filter(claim=token, state=State.SENDING)
        .select_related("recipient")
        .order_by("pk")
    )


def _email_message(n: Notification, conn: object) -> EmailMultiAlternatives:
    link = absolute(n.url) if n.url else ""
    language = n.recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"n": n, "link": link, "site_url": settings.SITE_URL, "lines": n.body.split("\n")}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "eiso.local"
    message = EmailMultiAlternatives(
        subject=n.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.recipient.email],
        connection=conn,  # type: ignore[arg-type]
        headers={
            # The same row always has the same Message-ID: a mail system that sees a
            # message twice (after a manual retry) can tell.
            "Message-ID": f"<eiso-notification-{n.pk}@{domain}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email(n: Notification, conn: object) -> None:
    try:
        _email_message(n, conn).send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        if all(500 <= c < 600 for c in codes):
            raise PermanentFailure(f"Recipient refused: {exc.recipients}") from exc
        raise TemporaryFailure(str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600 and exc.smtp_code not in {421, 451, 452}:
            raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def webhook_payload(n: Notification) -> bytes:
    data = {
        "id": n.pk,
        "kind": n.kind,
        "agency": n.agency.code if n.agency_id and n.agency else None,
        "recipient": {
            "username": n.recipient.username,
            "email": n.recipient.email,
            "name": n.recipient.display_name,
        },
        "subject": n.subject,
        "body": n.body,
        "url": absolute(n.url) if n.url else "",
        "created_at": n.created_at.isoformat(),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(n: Notification, policy: ReminderPolicy | None) -> None:
    if policy is None or not policy.webhook_url:
        raise PermanentFailure("The agency has no webhook configured any more.")
    body = webhook_payload(n)
    request = urllib.request.Request(  # noqa: S310 - admin-configured http(s) URL
        policy.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "eISO-webhook/1",
            "X-Eiso-Delivery": str(n.pk),
            "X-Eiso-Event": n.kind,
            "X-Eiso-Signature": signature(policy.webhook_secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read(1024)
    except urllib.error.HTTPError as exc:
        exc.close()
        if 400 <= exc.code < 500 and exc.code not in {408, 429}:
            raise PermanentFailure(f"HTTP {exc.code}") from exc
        raise TemporaryFailure(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def _record(n: Notification, now: datetime.datetime, error: Exception | None) -> str:
    if error is None:
        Notification.objects.filter(pk=n.pk, claim=n.claim).update(
            state=State.SENT, sent_at=timezone.now(), last_error=""
        )
        return "sent"
    dead = isinstance(error, PermanentFailure) or n.attempts >= max_attempts()
    Notification.objects.filter(pk=n.pk, claim=n.claim).update(
        state=State.DEAD if dead else State.PENDING,
        last_error=str(error)[:2000],
        next_attempt_at=None if dead else now + backoff(n.attempts),
    )
    return "dead" if dead else "retry"


def send_pending(
    now: datetime.datetime | None = None,
    *,
    limit: int = SEND_LIMIT,
    on_sent: Callable[[Notification], None] | None = None,
) -> Counter[str]:
    """Send what is due; returns counts of sent / retry / dead rows."""
    now = now or timezone.now()
    stats: Counter[str] = Counter()
    stats["reaped"] = reap_stale(now)
    policies: dict[int, ReminderPolicy] | None = None
    conn = None
    try:
        while True:
            batch = claim(now, limit=min(limit, 200))
            if not batch:
                break
            for n in batch:
                error: Exception | None = None
                try:
                    if n.channel == Channel.EMAIL:
                        if conn is None:
                            conn = get_connection(fail_silently=False)
                        send_email(n, conn)
                    else:
                        if policies is None:
                            policies = {p.agency_id: p for p in ReminderPolicy.objects.all()}
                        send_webhook(n, policies.get(n.agency_id or 0))
                except (TemporaryFailure, PermanentFailure) as exc:
                    error = exc
                    if conn is not None and n.channel == Channel.EMAIL:
                        with contextlib.suppress(Exception):  # the connection is gone anyway
                            conn.close()
                        conn = None
                stats[_record(n, now, error)] += 1
                if error is None and on_sent:
                    on_sent(n)
            limit -= len(batch)
            if limit <= 0:
                break
    finally:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
    return stats
