"""Registry of periodic jobs run by ``run_periodic`` (pretix's ``periodic_task`` shape).

Foundation apps must not import domain apps, so a domain app registers its jobs here from
its ``AppConfig.ready``; the notifications pass runs them before digests and sending, each
isolated so that one failing job does not stop the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

from qms.core.registry import Registry
from qms.core.workdays import WorkCalendar

# rows written, or counts by name (reported as ``<job>.<name>``)
Job = Callable[[datetime.datetime, WorkCalendar], int | Mapping[str, int]]
registry: Registry[tuple[int, Job]] = Registry()


def register(name: str, job: Job, *, order: int = 50) -> None:
    """Register ``job(now, calendar)`` under ``name`` (idempotent).

    Jobs run by ``order``, then in registration order: a job whose rows another reads
    (task reminders before the weekly summary) asks for a lower number."""
    registry.add(name, (order, job))


def jobs() -> dict[str, Job]:
    """The registered jobs in the order they run."""
    entries = list(registry.entries().items())
    ranked = sorted(enumerate(entries), key=lambda item: (item[1][1][0], item[0]))
    return {name: job for _seq, (name, (_order, job)) in ranked}
