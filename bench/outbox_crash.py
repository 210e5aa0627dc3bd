"""What a crash of the sending pass can lose or duplicate, measured.

Queues N e-mails, then ROUNDS times starts ``manage.py run_periodic`` against a slow
real SMTP sink (aiosmtpd, DELAY seconds per message) and ``kill -9``s it a random 0–1.5 s
after its first delivery, mid-pass. Each round pretends to run 16 minutes after the previous one
(``--now``), so the rows the killed pass left behind are stale for the next. A last pass
runs unkilled. Then it compares the sink with the outbox:

* delivered: distinct Message-IDs the sink accepted; duplicates: accepted more than once;
* lost: rows never delivered and not marked dead (must be 0);
* interrupted: rows marked dead "Interrupted while sending" (the attempt had started when
  the pass was killed) — split into delivered anyway / not delivered;
* recorded sent but not delivered (must be 0).

    .venv/bin/python bench/outbox_crash.py [N] [ROUNDS] [DELAY] [KILL|TERM]   # 200 30 0.02 KILL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_bench .venv/bin/python bench/outbox_crash.py
"""

from __future__ import annotations

import asyncio
import datetime
import email
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder is sys.path[0]: the repository takes its place, so that
# bench/http.py does not stand for the standard library's http.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))
DB = ROOT / "bench" / "outbox_crash.sqlite3"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
DELAY = float(sys.argv[3]) if len(sys.argv) > 3 else 0.02
SIGNAL = signal.Signals[f"SIG{sys.argv[4].upper()}"] if len(sys.argv) > 4 else signal.SIGKILL


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PORT = _free_port()
for suffix in ("", "-wal", "-shm", "-journal"):
    Path(f"{DB}{suffix}").unlink(missing_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings.dev",
    EMAIL_URL=f"smtp://127.0.0.1:{PORT}",
    LOG_LEVEL="CRITICAL",
)

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from qms.accounts.models import User  # noqa: E402
from qms.notifications.models import Channel, Notification, State  # noqa: E402
from qms.notifications.sending import INTERRUPTED  # noqa: E402
from qms.planning.notifications import Kind  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(DELAY)
        message = email.message_from_bytes(envelope.content)
        self.ids[str(message["Message-ID"])] += 1
        return "250 Message accepted"

    def total(self) -> int:
        return sum(self.ids.values())


def queue() -> None:
    user = User.objects.create_user(username="nhan", email="nhan@example.vn", password="x")
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.TASK_OVERDUE,
            channel=Channel.EMAIL,
            subject=f"[eISO] Nhiệm vụ {i} quá hạn",
            body="Nội dung",
            created_at=now,
        )
        for i in range(N)
    )


def run(sink: Sink, now: datetime.datetime, kill_after: float | None) -> bool:
    """One pass; with ``kill_after``, SIGKILL it that long after its first delivery.
    Returns whether it was killed while running."""
    command = [sys.executable, str(ROOT / "manage.py"), "run_periodic", "--now", now.isoformat()]
    before = sink.total()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    if kill_after is None:
        proc.wait()
        return False
    while sink.total() == before and proc.poll() is None:
        time.sleep(0.01)  # wait until it is really sending
    time.sleep(kill_after)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, SIGNAL)
    proc.wait()
    return alive


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a PostgreSQL database is reused
    queue()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=PORT)
    controller.start()
    random.seed(12)
    start = timezone.now()
    killed = left_claimed = 0
    try:
        for i in range(ROUNDS):
            if not Notification.objects.filter(state__in=[State.PENDING, State.SENDING]).exists():
                break
            at = start + datetime.timedelta(minutes=16 * i)
            killed += run(sink, at, random.uniform(0.0, 1.5))  # noqa: S311
            left_claimed += Notification.objects.filter(
                state=State.SENDING, attempt_at__isnull=True
            ).count()
        for j in range(3):  # unkilled passes finish the rest
            run(sink, start + datetime.timedelta(minutes=16 * (ROUNDS + j)), None)
    finally:
        controller.stop()
    rows = {r.pk: r for r in Notification.objects.all()}
    delivered = {int(mid.split("-")[2].split("@")[0]) for mid in sink.ids}
    interrupted = [
        pk for pk, r in rows.items() if r.state == State.DEAD and r.last_error == INTERRUPTED
    ]
    report = {
        "rows": N,
        "passes killed": f"{killed} ({SIGNAL.name})",
        "claimed, untried, left behind by the kills (then released)": left_claimed,
        "delivered": len(delivered),
        "duplicates": sum(c - 1 for c in sink.ids.values() if c > 1),
        "interrupted (dead, to check)": len(interrupted),
        "  of which delivered anyway": len(set(interrupted) & delivered),
        "  of which not delivered": len(set(interrupted) - delivered),
        "lost (not delivered, not dead)": len(set(rows) - delivered - set(interrupted)),
        "recorded sent, not delivered": sum(
            1 for pk, r in rows.items() if r.state == State.SENT and pk not in delivered
        ),
        "states": dict(Counter(r.state for r in rows.values())),
    }
    for key, value in report.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
