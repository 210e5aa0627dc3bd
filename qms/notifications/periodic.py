"""The periodic pass: compute what is due, then send it.

The phases: the jobs the apps registered with ``qms.core.periodic`` (planning's task
reminders first, its weekly summaries last), then the daily digests, then sending. Each
phase is isolated: an exception in one is logged, counted as ``<phase>.failed`` and the
next phase still runs; ``run_periodic`` then exits with status 1.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from qms.core import periodic
from qms.core.workdays import WorkCalendar
from qms.notifications.digests import compute_digests
from qms.notifications.sending import send_pending

logger = logging.getLogger(__name__)


def _phase(stats: Counter[str], name: str, job: Callable[[], Any]) -> None:
    try:
        result = job()
    except Exception:  # one failing phase must not stop the others, least of all sending
        logger.exception("periodic phase %s failed", name)
        stats[f"{name}.failed"] += 1
        return
    if isinstance(result, Mapping):
        for key, value in result.items():
            stats[f"{name}.{key}"] += value
    else:
        stats[name] += int(result or 0)


def run_pass(now: datetime.datetime | None = None) -> Counter[str]:
    now = now or timezone.now()
    cal = WorkCalendar()
    stats: Counter[str] = Counter()
    for name, job in periodic.jobs().items():
        _phase(stats, name, lambda job=job: job(now, cal))  # type: ignore[misc]
    _phase(stats, "digests", lambda: compute_digests(now, cal))
    _phase(stats, "send", lambda: send_pending(now))
    return stats


def failed_phases(stats: Counter[str]) -> list[str]:
    return sorted(
        k.removesuffix(".failed") for k, v in stats.items() if k.endswith(".failed") and v
    )
