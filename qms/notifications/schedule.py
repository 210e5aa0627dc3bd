"""When an agency's periodic messages go out: its reminder policy's send hour, once a day.

Used by the jobs areas register with ``qms.core.periodic`` (task reminders, weekly
summaries): ``ready_agencies`` lists the agencies whose hour has come and that the job has
not done today; ``mark_done`` records them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from qms.core.models import OrgUnit
from qms.notifications.models import PeriodicMark, ReminderPolicy


def agency_policies() -> dict[int, ReminderPolicy]:
    return {p.agency_id: p for p in ReminderPolicy.objects.all()}


def policy_of(policies: dict[int, ReminderPolicy], agency_id: int) -> ReminderPolicy:
    """The agency's policy, or the defaults if it has none."""
    return policies.get(agency_id) or ReminderPolicy(agency_id=agency_id)


def ready_agencies(
    name: str, now: datetime.datetime, policies: dict[int, ReminderPolicy]
) -> list[int]:
    """Agencies whose send hour has come and that job ``name`` has not done today."""
    today, hour = timezone.localdate(now), timezone.localtime(now).hour
    done = set(PeriodicMark.objects.filter(name=name, day=today).values_list("scope_id", flat=True))
    ids = OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY, archived_at__isnull=True).values_list(
        "pk", flat=True
    )
    return [a for a in ids if a not in done and policy_of(policies, a).send_hour <= hour]


def mark_done(name: str, today: datetime.date, scope_ids: list[int]) -> None:
    PeriodicMark.objects.bulk_create(
        [PeriodicMark(name=name, day=today, scope_id=s) for s in scope_ids], ignore_conflicts=True
    )
