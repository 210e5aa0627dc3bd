"""Claiming one row at a time or in small batches: time and queries per sent row.

Sends N queued e-mails through the in-memory backend with NOTIFY_CLAIM_BATCH = 1, 10
and 50 and prints rows/s and queries per row (each row is stamped and recorded on its
own whatever the batch; the batch only changes how often rows are claimed).

    .venv/bin/python bench/outbox_claim.py [N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eiso_bench .venv/bin/python bench/outbox_claim.py
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder is sys.path[0]: the repository takes its place, so that
# bench/http.py does not stand for the standard library's http.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'outbox_claim.sqlite3'}")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 500

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from qms.accounts.models import User  # noqa: E402
from qms.notifications.models import Channel, Notification  # noqa: E402
from qms.notifications.sending import send_pending  # noqa: E402
from qms.planning.notifications import Kind  # noqa: E402


def queue(user: User) -> None:
    Notification.objects.filter(channel=Channel.EMAIL).delete()
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


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = User.objects.filter(username="nhan").first() or User.objects.create_user(
        username="nhan", email="nhan@example.vn", password="x"
    )
    print(f"{connection.vendor}, {N} rows")
    for batch in (1, 10, 50):
        settings.NOTIFY_CLAIM_BATCH = batch
        queue(user)
        mail.outbox = []
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            stats = send_pending(limit=N)
        elapsed = time.perf_counter() - started
        if stats["sent"] != N:
            raise SystemExit(f"not all sent: {stats}")
        print(
            f"batch {batch:>3}: {N / elapsed:7.0f} rows/s, "
            f"{len(queries) / N:.2f} queries per row, {elapsed:.2f} s"
        )


if __name__ == "__main__":
    main()
