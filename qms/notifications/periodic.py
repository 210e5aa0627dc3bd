"""The periodic pass: compute what is due, then send it."""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.utils import timezone

from qms.core import periodic
from qms.core.workdays import WorkCalendar
from qms.notifications.reminders import (
    compute_digests,
    compute_task_reminders,
    compute_weekly_summaries,
)
from qms.notifications.sending import send_pending

logger = logging.getLogger(__name__)


def run_pass(now: datetime.datetime | None = None) -> Counter[str]:
    now = now or timezone.now()
    cal = WorkCalendar()
    stats: Counter[str] = Counter()
    for key, value in compute_task_reminders(now, cal).items():
        stats[f"reminders.{key}"] += value
    for name, job in periodic.jobs().items():
        try:
            stats[name] += job(now, cal)
        except Exception:  # one failing job must not stop reminders and sending
            logger.exception("periodic job %s failed", name)
            stats[f"{name}.failed"] += 1
    stats["weekly"] = compute_weekly_summaries(now, cal)
    stats["digests"] = compute_digests(now, cal)
    for key, value in send_pending(now).items():
        stats[f"send.{key}"] += value
    return stats
