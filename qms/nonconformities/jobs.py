"""Reminders of open corrective actions, run by ``run_periodic`` ("nonconformities.actions").

The rules follow the agency's reminder policy (``ReminderPolicy``, the one of plan tasks):

* A deadline on a day off moves to the next working day (Bộ luật Dân sự, art. 148).
* Before it: one reminder per offset (default 7, 3, 1 days) to the action's owner.
* After it: an overdue reminder every N days (``overdue_every_days``).
* Nothing goes out on a weekend or a public holiday; when several occurrences fall due
  on the same day only the most recent is sent.

Only *open* actions of NCs whose plan is confirmed (planned or in progress) are chased;
a done action's owner hears nothing more. Each occurrence has a key (action, rule,
deadline) that the outbox keeps unique: a reminder is written once however many passes
run.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qms.core.workdays import WorkCalendar
from qms.notifications.messages import MessageData
from qms.notifications.models import ReminderPolicy
from qms.notifications.schedule import agency_policies, mark_done, policy_of, ready_agencies
from qms.notifications.services import Outbox

JOB = "nonconformities.actions"


def occurrence(
    *,
    action_pk: int,
    due: datetime.date,
    policy: ReminderPolicy,
    today: datetime.date,
    cal: WorkCalendar,
) -> tuple[str, str, int] | None:
    """(kind, key, days) of the reminder to send today for one action, or None."""
    from qms.nonconformities.notifications import Kind

    eff = cal.next_working_day(due)
    stream: list[tuple[datetime.date, datetime.date, str, str]] = []
    for off in policy.offsets():
        nominal = eff - datetime.timedelta(days=off)
        send_on = cal.next_working_day(nominal)
        if send_on < eff:
            stream.append(
                (nominal, send_on, Kind.NC_ACTION_DUE_SOON, f"nc-due:{action_pk}:{off}:{due}")
            )
    if policy.on_due_day:
        stream.append((eff, eff, Kind.NC_ACTION_DUE_SOON, f"nc-due:{action_pk}:0:{due}"))
    every = max(policy.overdue_every_days, 1)
    if today > eff:
        step = (today - eff).days // every
        if step >= 1:
            nominal = eff + datetime.timedelta(days=every * step)
            stream.append(
                (
                    nominal,
                    cal.next_working_day(nominal),
                    Kind.NC_ACTION_OVERDUE,
                    f"nc-overdue:{action_pk}:{step}:{due}",
                )
            )
    ready = [o for o in stream if o[1] <= today]
    if not ready:
        return None
    _nominal, _send_on, kind, key = max(ready, key=lambda o: o[0])
    days = (eff - today).days if kind == Kind.NC_ACTION_DUE_SOON else (today - eff).days
    return kind, key, days


def remind_actions(now: datetime.datetime, cal: WorkCalendar | None = None) -> Counter[str]:
    """Write today's reminders of open corrective actions for every agency that is due."""
    from qms.nonconformities.models import CorrectiveAction, Nonconformity
    from qms.nonconformities.notifications import ActionFacts, NCFacts

    stats: Counter[str] = Counter()
    today = timezone.localdate(now)
    cal = cal or WorkCalendar()
    if not cal.is_working_day(today):
        stats["skipped_day_off"] = 1
        return stats
    policies = agency_policies()
    agencies = ready_agencies(JOB, now, policies)
    if not agencies:
        return stats
    horizon = today + datetime.timedelta(days=31)
    actions = (
        CorrectiveAction.objects.filter(
            status=CorrectiveAction.Status.OPEN,
            due__lte=horizon,
            nc__agency_id__in=agencies,
            nc__archived_at__isnull=True,
            nc__status__in=[Nonconformity.Status.PLANNED, Nonconformity.Status.IN_PROGRESS],
            owner__is_active=True,
        )
        .select_related("nc__unit")
        .order_by("pk")
    )
    box = Outbox(now)
    for action in actions:
        nc = action.nc
        found = occurrence(
            action_pk=action.pk,
            due=action.due,
            policy=policy_of(policies, nc.agency_id),
            today=today,
            cal=cal,
        )
        if found is None:
            continue
        kind, key, days = found
        url = reverse("nonconformities:detail", kwargs={"pk": nc.pk})
        facts = NCFacts(number=nc.number, title=nc.title, unit_name=nc.unit.display_name, url=url)
        box.add(
            recipients=[action.owner_id],
            data=MessageData(
                kind=kind,
                url=url,
                facts=facts,
                extra={"days": days, "action": ActionFacts(action.description, action.due)},
            ),
            obj=action,
            agency_id=nc.agency_id,
            key=key,
        )
        stats[kind] += 1
    with transaction.atomic():
        stats["rows"] += box.flush()
        mark_done(JOB, today, agencies)
    return stats
