"""Task reminders and escalations, computed by the periodic pass (``run_periodic``).

Rules (per agency, see :class:`~qms.notifications.models.ReminderPolicy`):

* A deadline that falls on a day off moves to the next working day (Bộ luật Dân sự,
  art. 148): the *effective* due date is ``next_working_day(due)``.
* Before it: one reminder per offset (default 7, 3, 1 days) and one on the due day.
* After it: an overdue reminder every N days; once N₁ days late, one escalation to the
  heads of the lead units; once N₂ days late, one to the office (Ban ISO / Văn phòng).
* Continuous and recurring tasks ("Thường xuyên", "Hằng tháng") are never overdue; they
  remind at their review cadence, counted from the date the plan was issued.
* Nothing goes out on a weekend or a public holiday: an occurrence falling on one is
  sent on the next working day, and when several fall on the same day only the most
  recent is sent.

Each occurrence has a key (task, rule, due date); the outbox keeps it unique, so a
reminder is written once however many passes run.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from qms.core.models import OrgUnit
from qms.core.workdays import WorkCalendar
from qms.notifications.messages import MessageData
from qms.notifications.models import ReminderPolicy
from qms.notifications.schedule import agency_policies, mark_done, policy_of, ready_agencies
from qms.notifications.services import Directory, Outbox
from qms.planning.models import Plan, PlanTask, TimingKind
from qms.planning.notifications import Kind, TaskFacts

REMINDER_STATUSES = [PlanTask.Status.NOT_STARTED, PlanTask.Status.IN_PROGRESS]

# Apps that know when a lead unit has done its part of a task register a function
# (task ids -> {task id: lead unit ids done}); those units get no reminder. The objectives
# app uses it for tasks 2 and 3 of the plan: only the units that have not submitted are
# chased.
LeadsDone = Callable[[list[int]], dict[int, set[int]]]
LEADS_DONE: list[LeadsDone] = []


def register_leads_done(fn: LeadsDone) -> None:
    if fn not in LEADS_DONE:
        LEADS_DONE.append(fn)


def leads_done(task_ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for fn in LEADS_DONE:
        for task_id, units in fn(task_ids).items():
            out.setdefault(task_id, set()).update(units)
    return out


PERIODIC_KINDS = [TimingKind.CONTINUOUS, TimingKind.RECURRING]


@dataclass(frozen=True)
class Occurrence:
    kind: Kind
    key: str
    nominal: datetime.date
    send_on: datetime.date
    days: int  # days before (due soon) or after (overdue) the effective due date
    audience: str  # "doers", "heads" or "office"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def task_occurrences(
    *,
    task_pk: int,
    timing_kind: str,
    due: datetime.date | None,
    cadence: int | None,
    anchor: datetime.date,
    policy: ReminderPolicy,
    today: datetime.date,
    cal: WorkCalendar,
) -> list[Occurrence]:
    """The occurrences to send today for one task (already-sent ones are filtered later)."""
    if timing_kind in PERIODIC_KINDS:
        latest = _latest_review(task_pk, cadence or 3, anchor, today, cal)
        return [latest] if latest else []
    if due is None:
        return []
    eff = cal.next_working_day(due)
    due_now = [
        o for o in _deadline_stream(task_pk, due, eff, policy, today, cal) if o.send_on <= today
    ]
    out: list[Occurrence] = []
    if due_now:
        chosen = max(due_now, key=lambda o: o.nominal)
        if chosen.kind == Kind.TASK_DUE_SOON:
            chosen = replace(chosen, days=(eff - today).days)
        out.append(chosen)
    return out + _escalations(task_pk, due, eff, policy, today, cal)


def _latest_review(
    task_pk: int, months: int, anchor: datetime.date, today: datetime.date, cal: WorkCalendar
) -> Occurrence | None:
    """A continuous task's most recent review date that has come (every ``months``)."""
    latest: Occurrence | None = None
    k = 1
    while True:
        nominal = _add_months(anchor, months * k)
        send_on = cal.next_working_day(nominal)
        if send_on > today:
            return latest
        latest = Occurrence(
            Kind.TASK_REVIEW, f"review:{task_pk}:{nominal}", nominal, send_on, 0, "doers"
        )
        k += 1


def _deadline_stream(
    task_pk: int,
    due: datetime.date,
    eff: datetime.date,
    policy: ReminderPolicy,
    today: datetime.date,
    cal: WorkCalendar,
) -> list[Occurrence]:
    """The reminders to the doers around a deadline: before it, on the day, overdue."""
    stream: list[Occurrence] = []
    for off in policy.offsets():
        nominal = eff - datetime.timedelta(days=off)
        send_on = cal.next_working_day(nominal)
        if send_on < eff:  # a reminder pushed onto the due day gives way to the due-day one
            stream.append(
                Occurrence(
                    Kind.TASK_DUE_SOON, f"due:{task_pk}:{off}:{due}", nominal, send_on, off, "doers"
                )
            )
    if policy.on_due_day:
        stream.append(
            Occurrence(Kind.TASK_DUE_TODAY, f"due:{task_pk}:0:{due}", eff, eff, 0, "doers")
        )
    every = max(policy.overdue_every_days, 1)
    if today > eff:
        step = (today - eff).days // every
        if step >= 1:
            nominal = eff + datetime.timedelta(days=every * step)
            stream.append(
                Occurrence(
                    Kind.TASK_OVERDUE,
                    f"overdue:{task_pk}:{step}:{due}",
                    nominal,
                    cal.next_working_day(nominal),
                    (today - eff).days,
                    "doers",
                )
            )
    return stream


def _escalations(
    task_pk: int,
    due: datetime.date,
    eff: datetime.date,
    policy: ReminderPolicy,
    today: datetime.date,
    cal: WorkCalendar,
) -> list[Occurrence]:
    """Once to the heads, once to the office, after their numbers of days overdue."""
    out: list[Occurrence] = []
    for audience, after in (
        ("heads", policy.escalate_head_after_days),
        ("office", policy.escalate_office_after_days),
    ):
        if after:
            nominal = eff + datetime.timedelta(days=after)
            send_on = cal.next_working_day(nominal)
            if send_on <= today:
                out.append(
                    Occurrence(
                        Kind.TASK_ESCALATED,
                        f"escalate-{audience}:{task_pk}:{due}",
                        nominal,
                        send_on,
                        (today - eff).days,
                        audience,
                    )
                )
    return out


def compute_task_reminders(now: datetime.datetime, cal: WorkCalendar | None = None) -> Counter[str]:
    """Write today's task reminders and escalations for every agency that is due."""
    stats: Counter[str] = Counter()
    today = timezone.localdate(now)
    cal = cal or WorkCalendar()
    if not cal.is_working_day(today):
        stats["skipped_day_off"] = 1
        return stats
    policies = agency_policies()
    agencies = ready_agencies("reminders", now, policies)
    if not agencies:
        return stats
    tasks = list(_tasks_to_remind(agencies, today))
    done_by_task = leads_done([t.pk for t in tasks])
    directory = Directory(agencies)
    box = Outbox(now)
    box.load(directory.everyone())
    for task in tasks:
        occurrences = task_occurrences(
            task_pk=task.pk,
            timing_kind=task.timing_kind,
            due=task.due_date,
            cadence=task.review_cadence_months,
            anchor=task.plan.issued_on or datetime.date(task.plan.year, 1, 1),
            policy=policy_of(policies, task.plan.agency_id),
            today=today,
            cal=cal,
        )
        if occurrences:
            done = done_by_task.get(task.pk, set())
            stats += _add_reminders(box, directory, task, occurrences, done, cal)
    with transaction.atomic():
        stats["rows"] += box.flush()
        mark_done("reminders", today, agencies)
    return stats


def _tasks_to_remind(agencies: list[int], today: datetime.date) -> list[PlanTask]:
    """Open tasks of the agencies' issued plans due within two months, or periodic."""
    horizon = today + datetime.timedelta(days=61)
    return list(
        PlanTask.objects.filter(
            plan__status=Plan.Status.ISSUED,
            plan__agency_id__in=agencies,
            status__in=REMINDER_STATUSES,
        )
        .filter(Q(timing_kind__in=PERIODIC_KINDS) | Q(due_date__lte=horizon))
        .select_related("plan")
        .only(
            "id",
            "number",
            "content",
            "timing_text",
            "timing_kind",
            "due_date",
            "review_cadence_months",
            "lead_text",
            "plan__id",
            "plan__number",
            "plan__year",
            "plan__status",
            "plan__issued_on",
            "plan__agency_id",
        )
        .prefetch_related(
            Prefetch(
                "lead_units", queryset=OrgUnit.objects.only("id", "name", "short_name", "kind")
            )
        )
        .order_by("pk")
    )


def _add_reminders(
    box: Outbox,
    directory: Directory,
    task: PlanTask,
    occurrences: list[Occurrence],
    done: set[int],
    cal: WorkCalendar,
) -> Counter[str]:
    """Queue one task's occurrences for the lead units that have not done their part."""
    stats: Counter[str] = Counter()
    leads = list(task.lead_units.all())
    lead_ids = [u.pk for u in leads if u.pk not in done]
    if leads and not lead_ids:
        return stats  # every lead unit has done its part
    agency_id = task.plan.agency_id
    url = reverse("planning:task_detail", kwargs={"pk": task.pk})
    facts = TaskFacts(
        pk=task.pk,
        number=task.number,
        content=task.content,
        plan_label=str(task.plan),
        agency_name="",
        lead_names=", ".join(u.display_name for u in leads) or task.lead_text,
        timing_text=task.timing_text,
        due=cal.next_working_day(task.due_date) if task.due_date else None,
        url=url,
    )
    for occ in occurrences:
        if occ.audience == "doers":
            recipients = directory.doers(lead_ids)
        elif occ.audience == "heads":
            recipients = directory.heads(lead_ids)
        else:
            recipients = directory.office(agency_id)
        box.add(
            recipients=recipients,
            data=MessageData(kind=occ.kind, facts=facts, url=url, extra={"days": occ.days}),
            obj=task,
            agency_id=agency_id,
            key=occ.key,
        )
        stats[occ.kind] += 1
    return stats
