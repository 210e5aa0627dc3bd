"""Registry of periodic jobs run by ``run_periodic`` (pretix's ``periodic_task`` shape).

Foundation apps must not import domain apps, so a domain app registers its jobs here from
its ``AppConfig.ready``; the notifications pass runs them before digests and sending, each
isolated so that one failing job does not stop the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

from qms.core.workdays import WorkCalendar

# rows written, or counts by name (reported as ``<job>.<name>``)
Job = Callable[[datetime.datetime, WorkCalendar], int | Mapping[str, int]]
_JOBS: dict[str, tuple[int, int, Job]] = {}


def register(name: str, job: Job, *, order: int = 50) -> None:
    """Register ``job(now, calendar)`` under ``name`` (idempotent).

    Jobs run by ``order``, then in registration order: a job whose rows another reads
    (task reminders before the weekly summary) asks for a lower number."""
    seq = _JOBS[name][1] if name in _JOBS else len(_JOBS)
    _JOBS[name] = (order, seq, job)


def jobs() -> dict[str, Job]:
    """The registered jobs in the order they run."""
    ranked = sorted(_JOBS.items(), key=lambda item: item[1][:2])
    return {name: job for name, (_order, _seq, job) in ranked}
