"""Delivering pending outbox rows: e-mail (SMTP) and signed webhooks.

The life of a row in one pass:

1. *claimed* in a small batch (``NOTIFY_CLAIM_BATCH``): a conditional UPDATE moves it
   from ``pending`` to ``sending`` with this pass's token (on PostgreSQL the candidates
   are read with ``FOR UPDATE SKIP LOCKED``), so overlapping passes never share a row;
2. *stamped* just before its own attempt: ``attempt_at`` is set and ``attempts`` counted,
   again conditionally (still ``sending``, still our token, not yet stamped);
3. *recorded*: sent / retry / dead, only if the row is still ``sending`` under our token
   and our stamp — a row reaped or retried meanwhile is never flipped by a late pass.

Every exception of one row is that row's failure (with the reason); the others go on.
Rows claimed but never attempted go back to ``pending``: at the end of the pass (also on
an exception, SystemExit or Ctrl-C), or, after a ``kill -9``, by the next pass once the
claim is stale. Only a row whose attempt had started when its pass died is unknowable:
the next pass marks it dead ("check whether it arrived, then retry"), never resends it.

A pass is bounded: ``NOTIFY_PASS_SECONDS`` of sending at most, and a mail server or a
webhook that fails (refused, timed out after ``EMAIL_TIMEOUT`` / 10 s) is not tried again
in the same pass; its remaining rows go back to pending untried.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import logging
import smtplib
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qms.notifications import webhooks
from qms.notifications.messages import one_line
from qms.notifications.models import Channel, Notification, ReminderPolicy, State
from qms.notifications.services import absolute

logger = logging.getLogger(__name__)

SEND_LIMIT = 500  # per pass; the rest goes with the next pass a few minutes later
INTERRUPTED = "Interrupted while sending: check whether it arrived, then retry."


class TemporaryFailure(Exception):
    """Worth trying again later. ``down``: the server itself failed, skip it this pass."""

    def __init__(self, message: str, *, down: bool = False) -> None:
        super().__init__(message)
        self.down = down


class PermanentFailure(Exception):
    """Will not succeed by retrying (bad address, webhook refused the payload)."""


class Disabled(Exception):
    """The agency switched its webhook off (or removed it) after the row was written."""


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "NOTIFY_STALE_SECONDS", 900)))


def claim_batch() -> int:
    return max(1, int(getattr(settings, "NOTIFY_CLAIM_BATCH", 10)))


def pass_seconds() -> float:
    return float(getattr(settings, "NOTIFY_PASS_SECONDS", 240))


def backoff(attempts: int) -> datetime.timedelta:
    base = int(getattr(settings, "NOTIFY_RETRY_BASE_SECONDS", 60))
    return datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def reap_stale(now: datetime.datetime) -> Counter[str]:
    """Rows left in ``sending`` by a pass that died: never tried → pending again; tried →
    dead for an administrator to check (resending blindly could duplicate)."""
    limit = now - stale_after()
    stuck = Notification.objects.filter(state=State.SENDING)
    released = stuck.filter(attempt_at__isnull=True, claimed_at__lt=limit).update(
        state=State.PENDING, claim="", claimed_at=None
    )
    reaped = stuck.filter(attempt_at__lt=limit).update(state=State.DEAD, last_error=INTERRUPTED)
    return Counter(released=released, reaped=reaped)


def release(tokens: list[str]) -> int:
    """This pass's claimed rows that were not attempted go back to pending."""
    if not tokens:
        return 0
    return Notification.objects.filter(
        claim__in=tokens, state=State.SENDING, attempt_at__isnull=True
    ).update(state=State.PENDING, claim="", claimed_at=None)


def claim(now: datetime.datetime, limit: int = 10, token: str = "") -> list[Notification]:
    """Take up to ``limit`` due rows for this pass; nobody else can take them."""
    token = token or uuid.uuid4().hex
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
            state=State.SENDING, claim=token, claimed_at=now, attempt_at=None
        )
    return list(
        Notification.objects.filter(claim=token, state=State.SENDING)
        .select_related("recipient", "agency")
        .order_by("pk")
    )


def _email_message(n: Notification, conn: object) -> EmailMultiAlternatives:
    assert n.recipient is not None  # noqa: S101 - e-mail rows always have one
    link = absolute(n.url) if n.url else ""
    language = n.recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"n": n, "link": link, "site_url": settings.SITE_URL, "lines": n.body.split("\n")}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "eiso.local"
    message = EmailMultiAlternatives(
        subject=one_line(n.subject),
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
        raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}", down=True) from exc
    except BadHeaderError as exc:
        raise PermanentFailure(f"Bad header: {exc}") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}", down=True) from exc


def webhook_payload(n: Notification) -> bytes:
    """One event, not one person: no recipient names or addresses leave eISO."""
    data = {
        "id": n.pk,
        "kind": n.kind,
        "agency": n.agency.code if n.agency_id and n.agency else None,
        "subject": n.subject,
        "body": n.body,
        "url": absolute(n.url) if n.url else "",
        "created_at": n.created_at.isoformat(),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


def send_webhook(n: Notification) -> None:
    """Deliver to the agency's webhook as configured *now* (enabled, address vetted)."""
    policy = ReminderPolicy.objects.filter(agency_id=n.agency_id).first()
    if policy is None or not policy.webhook_enabled or not policy.webhook_url:
        raise Disabled("The agency's webhook is switched off: not sent.")
    try:
        target = webhooks.vet(policy.webhook_url)
    except webhooks.WebhookRefused as exc:
        raise PermanentFailure(f"Refused: {exc}") from exc
    body = webhook_payload(n)
    headers = webhooks.signed_headers(policy.webhook_secret, body, delivery=n.pk, event=n.kind)
    try:
        status, location = webhooks.post(target, headers, body)
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}", down=True) from exc
    if 300 <= status < 400:
        raise PermanentFailure(f"HTTP {status}: redirect to {location[:200]!r} not followed")
    if 400 <= status < 500 and status not in {408, 429}:
        raise PermanentFailure(f"HTTP {status}")
    if status >= 400:
        raise TemporaryFailure(f"HTTP {status}", down=True)


def _record(n: Notification, now: datetime.datetime, error: Exception | None) -> str:
    """Write the outcome, only for the attempt that owns the row."""
    mine = Notification.objects.filter(
        pk=n.pk, claim=n.claim, state=State.SENDING, attempt_at=n.attempt_at
    )
    if error is None:
        done = mine.update(state=State.SENT, sent_at=timezone.now(), last_error="")
        return "sent" if done else "lost"
    if isinstance(error, Disabled):
        done = mine.update(state=State.CANCELLED, last_error=str(error))
        return "cancelled" if done else "lost"
    dead = isinstance(error, PermanentFailure) or n.attempts >= max_attempts()
    done = mine.update(
        state=State.DEAD if dead else State.PENDING,
        last_error=str(error)[:2000],
        next_attempt_at=None if dead else now + backoff(n.attempts),
    )
    if not done:
        return "lost"
    return "dead" if dead else "retry"


class _Pass:
    """One sending pass: its SMTP connection, the servers found down, its counters."""

    def __init__(
        self, now: datetime.datetime, on_sent: Callable[[Notification], None] | None
    ) -> None:
        self.now, self.on_sent = now, on_sent
        self.stats: Counter[str] = Counter()
        self.conn: Any = None
        self.smtp_down = False
        self.hooks_down: set[int | None] = set()

    def skip(self, n: Notification) -> bool:
        if n.channel == Channel.EMAIL:
            return self.smtp_down
        return n.agency_id in self.hooks_down

    def stamp(self, n: Notification) -> bool:
        at = timezone.now()
        done = Notification.objects.filter(
            pk=n.pk, claim=n.claim, state=State.SENDING, attempt_at__isnull=True
        ).update(attempt_at=at, attempts=F("attempts") + 1)
        n.attempt_at, n.attempts = at, n.attempts + 1
        return bool(done)

    def deliver(self, n: Notification) -> None:
        if n.channel == Channel.EMAIL:
            if self.conn is None:
                self.conn = get_connection(fail_silently=False)
            send_email(n, self.conn)
        else:
            send_webhook(n)

    def attempt(self, n: Notification) -> None:
        if self.skip(n) or not self.stamp(n):
            self.stats["deferred"] += 1
            return
        error: Exception | None = None
        try:
            self.deliver(n)
        except (TemporaryFailure, PermanentFailure, Disabled) as exc:
            error = exc
        except Exception as exc:  # a broken template, a bug: this row fails, others go on
            logger.exception("outbox row %s failed", n.pk)
            error = TemporaryFailure(f"{type(exc).__name__}: {exc}")
        if error is not None:
            self.failed(n, error)
        self.stats[_record(n, self.now, error)] += 1
        if error is None and self.on_sent:
            self.on_sent(n)

    def failed(self, n: Notification, error: Exception) -> None:
        if n.channel == Channel.EMAIL:
            self.close()
            self.smtp_down = self.smtp_down or getattr(error, "down", False)
        elif getattr(error, "down", False):
            self.hooks_down.add(n.agency_id)

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):  # the connection may be gone anyway
                self.conn.close()
            self.conn = None


def send_pending(
    now: datetime.datetime | None = None,
    *,
    limit: int = SEND_LIMIT,
    on_sent: Callable[[Notification], None] | None = None,
) -> Counter[str]:
    """Send what is due; returns counts of sent / retry / dead / cancelled rows, rows
    ``released`` (claimed, not tried) and ``reaped`` (interrupted mid-attempt)."""
    now = now or timezone.now()
    run = _Pass(now, on_sent)
    run.stats.update(reap_stale(now))
    deadline = time.monotonic() + pass_seconds()
    tokens: list[str] = []
    try:
        while limit > 0 and time.monotonic() < deadline:
            # The token is known before the claim, so a signal arriving inside it still
            # lets the ``finally`` give the rows back.
            tokens.append(uuid.uuid4().hex)
            batch = claim(now, limit=min(limit, claim_batch()), token=tokens[-1])
            if not batch:
                break
            for n in batch:
                if time.monotonic() >= deadline:
                    break
                run.attempt(n)
            limit -= len(batch)
            if run.smtp_down and all(n.channel == Channel.EMAIL for n in batch):
                break  # the mail server is down: the rest waits for the next pass
    finally:
        run.stats["released"] += release(tokens)  # first: closing SMTP may take a while
        run.close()
    return run.stats
