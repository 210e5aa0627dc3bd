"""The plugin's periodic job: ``run_periodic`` runs it with every other registered job."""

from __future__ import annotations

import datetime

from qms.core.workdays import WorkCalendar
from qms.planning.models import PlanTask

RUNS: list[datetime.datetime] = []


def tally_open_tasks(now: datetime.datetime, calendar: WorkCalendar) -> int:
    """Count the open plan tasks (the rows a real job would have written)."""
    RUNS.append(now)
    return PlanTask.objects.open().count()
