"""One bad row never stops the outbox; a killed pass loses nothing it did not attempt; a
mail server that never answers times out; phases of a pass are isolated."""

from __future__ import annotations

import datetime
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.mail import BadHeaderError
from django.core.management import call_command
from django.template import TemplateSyntaxError
from django.utils import timezone

from qms.core import periodic as core_periodic
from qms.notifications import periodic, sending
from qms.notifications.models import Channel, Notification, State
from qms.notifications.sending import claim, send_pending
from qms.notifications.services import notification_retry
from qms.notifications.tests.outbox_helpers import queue_task_reminder

pytestmark = pytest.mark.django_db


def message_ids() -> list[str]:
    return [m.extra_headers["Message-ID"] for m in mail.outbox]


@pytest.fixture
def five(personas: dict[str, Any]) -> list[Notification]:
    return [queue_task_reminder(personas["staff_a"], task_pk=100 + i) for i in range(5)]


def _fail_on(monkeypatch: pytest.MonkeyPatch, pk: int, exc: BaseException) -> None:
    real = sending._email_message

    def fake(n: Notification, conn: object) -> Any:
        if n.pk == pk:
            raise exc
        return real(n, conn)

    monkeypatch.setattr(sending, "_email_message", fake)


@pytest.mark.parametrize(
    ("exc", "state"),
    [
        (BadHeaderError("Header values can't contain newlines"), State.DEAD),
        (RuntimeError("boom"), State.PENDING),
        (TemplateSyntaxError("Invalid block tag"), State.PENDING),
        (KeyError("n"), State.PENDING),
    ],
)
def test_a_row_that_raises_fails_alone(
    monkeypatch: pytest.MonkeyPatch, five: list[Notification], exc: Exception, state: str
) -> None:
    bad = five[1]
    _fail_on(monkeypatch, bad.pk, exc)
    stats = send_pending()
    assert stats["sent"] == 4
    assert len(mail.outbox) == 4
    bad.refresh_from_db()
    assert bad.state == state and bad.attempts == 1
    assert type(exc).__name__ in bad.last_error or "Bad header" in bad.last_error
    others = Notification.objects.filter(channel=Channel.EMAIL).exclude(pk=bad.pk)
    assert set(others.values_list("state", flat=True)) == {State.SENT}


def test_a_title_with_a_line_break_is_sent_on_one_line(personas: dict[str, Any]) -> None:
    row = queue_task_reminder(personas["staff_a"])
    # Written by an older version, or by hand: the subject holds CR/LF.
    Notification.objects.filter(pk=row.pk).update(subject="[eISO] Quy trình\r\nBcc: x@evil.vn")
    assert send_pending()["sent"] == 1
    assert mail.outbox[0].subject == "[eISO] Quy trình Bcc: x@evil.vn"
    assert "\n" not in mail.outbox[0].message()["Subject"]


@pytest.mark.parametrize("interrupt", [SystemExit(143), KeyboardInterrupt()])
def test_a_pass_killed_mid_way_loses_no_row_it_did_not_attempt(
    monkeypatch: pytest.MonkeyPatch, five: list[Notification], interrupt: BaseException
) -> None:
    """SIGTERM (SystemExit) or Ctrl-C while sending the 2nd row of a claimed batch."""
    _fail_on(monkeypatch, five[1].pk, interrupt)
    now = timezone.now()
    with pytest.raises(type(interrupt)):
        send_pending(now)
    states = dict(Notification.objects.filter(channel=Channel.EMAIL).values_list("pk", "state"))
    assert states[five[0].pk] == State.SENT
    assert states[five[1].pk] == State.SENDING  # in flight: nobody knows if it arrived
    assert [states[r.pk] for r in five[2:]] == [State.PENDING] * 3  # released, untried
    assert not Notification.objects.filter(pk__in=[r.pk for r in five[2:]], attempts__gt=0)
    monkeypatch.undo()
    # The next pass sends the three; the one in flight is not resent before it is stale…
    assert send_pending(now + datetime.timedelta(minutes=1))["sent"] == 3
    # …and then marked dead for an administrator, never resent blindly.
    stats = send_pending(now + datetime.timedelta(minutes=16))
    assert stats["reaped"] == 1 and stats["sent"] == 0
    ids = message_ids()
    assert len(ids) == len(set(ids)) == 4  # no message twice
    assert Notification.objects.get(pk=five[1].pk).state == State.DEAD


def test_rows_claimed_by_a_pass_killed_hard_go_back_and_are_sent_once(
    five: list[Notification],
) -> None:
    """kill -9 right after the claim: the rows are ``sending`` without an attempt."""
    now = timezone.now()
    claimed = claim(now, limit=10)
    assert len(claimed) == 5
    # A pass a minute later leaves them (their owner may still be alive)…
    assert send_pending(now + datetime.timedelta(minutes=1))["sent"] == 0
    # …once the claim is stale they go back to pending and are sent, each once.
    stats = send_pending(now + datetime.timedelta(minutes=16))
    assert stats["released"] == 5 and stats["sent"] == 5 and stats["reaped"] == 0
    ids = message_ids()
    assert len(ids) == len(set(ids)) == 5
    assert all(f"<eiso-notification-{r.pk}@" in " ".join(ids) for r in five)


def test_a_late_pass_never_flips_a_retried_row(personas: dict[str, Any]) -> None:
    """Pass A hangs mid-attempt; the row is reaped and retried by an admin; A's late
    "sent" must not be recorded over the new attempt (that is how a retry sent twice)."""
    row = queue_task_reminder(personas["staff_a"])
    now = timezone.now()
    [mine] = claim(now)
    run = sending._Pass(now, None)
    assert run.stamp(mine)
    send_pending(now + datetime.timedelta(minutes=16))  # reaped: dead, "interrupted"
    row.refresh_from_db()
    assert row.state == State.DEAD
    notification_retry(actor=personas["sysadmin"], notification=row)
    assert sending._record(mine, now, None) == "lost"  # A finally answers: ignored
    row.refresh_from_db()
    assert row.state == State.PENDING
    assert send_pending(now + datetime.timedelta(minutes=17))["sent"] == 1
    assert len(mail.outbox) == 1


@pytest.fixture
def silent_smtp() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_smtp_that_never_answers_times_out(
    smtp_settings: Any, silent_smtp: int, personas: dict[str, Any]
) -> None:
    smtp_settings.EMAIL_PORT = silent_smtp
    smtp_settings.EMAIL_TIMEOUT = 1
    rows = [queue_task_reminder(personas["staff_a"], task_pk=100 + i) for i in range(3)]
    started = time.monotonic()
    stats = send_pending()
    elapsed = time.monotonic() - started
    assert elapsed < 1 + 3, elapsed  # one timeout, not one per row
    assert stats["retry"] == 1 and stats["sent"] == 0 and stats["released"] == 2
    first = Notification.objects.get(pk=rows[0].pk)
    assert first.state == State.PENDING and first.attempts == 1 and first.next_attempt_at
    assert "timed out" in first.last_error.lower() or "Timeout" in first.last_error
    rest = Notification.objects.filter(pk__in=[r.pk for r in rows[1:]])
    assert {(r.state, r.attempts) for r in rest} == {(State.PENDING, 0)}


def test_a_failing_reminder_phase_does_not_stop_sending(
    monkeypatch: pytest.MonkeyPatch, five: list[Notification]
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("reminders broke")

    monkeypatch.setattr(core_periodic.registry, "_entries", dict(core_periodic.registry.entries()))
    core_periodic.register("planning.reminders", broken, order=10)
    monkeypatch.setattr(periodic, "compute_digests", broken)
    stats = periodic.run_pass()
    assert stats["planning.reminders.failed"] == 1 and stats["digests.failed"] == 1
    assert stats["send.sent"] == 5 and len(mail.outbox) == 5
    assert periodic.failed_phases(stats) == ["digests", "planning.reminders"]
    with pytest.raises(SystemExit) as exit_info:
        call_command("run_periodic")
    assert exit_info.value.code == 1


def test_email_timeout_is_set_and_checked(settings: Any) -> None:
    from config.settings import base
    from qms.notifications.checks import outbox_timeouts

    assert base.EMAIL_TIMEOUT == 20 and base.EMAIL_TIMEOUT * 10 < base.NOTIFY_STALE_SECONDS
    assert outbox_timeouts() == []
    settings.EMAIL_TIMEOUT = None
    assert [c.id for c in outbox_timeouts()] == ["notifications.E001"]
    settings.EMAIL_TIMEOUT = 120
    assert [c.id for c in outbox_timeouts()] == ["notifications.E002"]


def test_sigterm_gives_back_the_untried_rows_at_once(
    monkeypatch: pytest.MonkeyPatch, five: list[Notification]
) -> None:
    """systemd stops the timer's pass while it sends the 2nd row."""
    import os
    import signal

    real = sending._email_message

    def fake(n: Notification, conn: object) -> Any:
        if n.pk == five[1].pk:
            os.kill(os.getpid(), signal.SIGTERM)
        return real(n, conn)

    monkeypatch.setattr(sending, "_email_message", fake)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as exit_info:
        call_command("run_periodic")
    assert exit_info.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back
    states = dict(Notification.objects.filter(channel=Channel.EMAIL).values_list("pk", "state"))
    assert [states[r.pk] for r in five] == [State.SENT, State.SENDING] + [State.PENDING] * 3


def test_a_pass_stops_at_its_time_budget(settings: Any, five: list[Notification]) -> None:
    settings.NOTIFY_PASS_SECONDS = 0
    stats = send_pending()
    assert stats["sent"] == 0 and mail.outbox == []
    states = Notification.objects.filter(channel=Channel.EMAIL).values_list("state", flat=True)
    assert set(states) == {State.PENDING}
    settings.NOTIFY_PASS_SECONDS = 240
    assert send_pending()["sent"] == 5
