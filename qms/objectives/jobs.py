"""Periodic work of quality objectives, run by ``run_periodic`` (see qms.core.periodic)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from qms.core.workdays import WorkCalendar


def compute_indicators(now: datetime.datetime, cal: WorkCalendar) -> int:
    """Store today's value of every objective eISO measures itself (approved sets of the
    running period). Idempotent: one computed measurement per objective and day."""
    from qms.objectives import indicators, services
    from qms.objectives.models import Objective, ObjectiveSet

    today = timezone.localtime(now).date()
    objectives = Objective.objects.filter(
        objective_set__status=ObjectiveSet.Status.APPROVED,
        objective_set__period__start__lte=today,
        objective_set__period__end__gte=today,
        source__in=indicators.sources(),
    ).select_related("objective_set__period")
    return sum(
        1 for o in objectives if services.measurement_compute(objective=o, as_of=today) is not None
    )
