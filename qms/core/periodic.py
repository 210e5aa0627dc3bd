"""Registry of periodic jobs run by ``run_periodic`` (pretix's ``periodic_task`` shape).

Foundation apps must not import domain apps, so a domain app registers its jobs here from
its ``AppConfig.ready``; the notifications pass runs them before sending, each isolated so
that one failing job does not stop the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from qms.core.registry import Registry
from qms.core.workdays import WorkCalendar

Job = Callable[[datetime.datetime, WorkCalendar], int]
registry: Registry[Job] = Registry()


def register(name: str, job: Job) -> None:
    """Register ``job(now, calendar) -> rows written`` under ``name`` (idempotent)."""
    registry.add(name, job)


def jobs() -> dict[str, Job]:
    return registry.entries()
