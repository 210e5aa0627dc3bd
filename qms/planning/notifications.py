"""Planning's notifications: its kinds, their words, and the events that write them.

The kinds are registered with ``qms.notifications.kinds`` from ``PlanningConfig.ready``;
the events write through the generic ``qms.notifications.services.notify`` in the caller's
transaction. Task reminders are computed in ``qms.planning.reminders``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from qms.notifications import kinds
from qms.notifications.messages import MessageData, short_date
from qms.notifications.models import Channel
from qms.notifications.services import Directory, Outbox, notify

if TYPE_CHECKING:
    from qms.accounts.models import User
    from qms.planning.models import Plan, PlanTask


class Kind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", gettext_lazy("Task assigned")
    TASK_REASSIGNED = "task_reassigned", gettext_lazy("Task reassigned")
    TASK_DUE_SOON = "task_due_soon", gettext_lazy("Task due soon")
    TASK_DUE_TODAY = "task_due_today", gettext_lazy("Task due today")
    TASK_OVERDUE = "task_overdue", gettext_lazy("Task overdue")
    TASK_ESCALATED = "task_escalated", gettext_lazy("Overdue task escalated")
    TASK_REVIEW = "task_review", gettext_lazy("Periodic review of a continuous task")
    PLAN_SUBMITTED = "plan_submitted", gettext_lazy("Plan submitted for approval")
    PLAN_APPROVED = "plan_approved", gettext_lazy("Plan approved")
    PLAN_RETURNED = "plan_returned", gettext_lazy("Plan returned")
    PROGRESS_POSTED = "progress_posted", gettext_lazy("Progress posted")
    TASK_CONFIRMED = "task_confirmed", gettext_lazy("Completion confirmed")
    TASK_REJECTED = "task_rejected", gettext_lazy("Completion sent back")
    WEEKLY_SUMMARY = "weekly_summary", gettext_lazy("Weekly summary")


@dataclass(frozen=True)
class TaskFacts:
    """What a message says about a task."""

    pk: int
    number: int
    content: str
    plan_label: str
    agency_name: str
    lead_names: str
    timing_text: str
    due: datetime.date | None
    url: str

    @property
    def short(self) -> str:
        text = " ".join(self.content.split())
        return text if len(text) <= 90 else text[:87].rstrip() + "…"


@dataclass(frozen=True)
class PlanFacts:
    """What a message says about a plan."""

    label: str
    title: str


def task_facts(task: PlanTask, lead_names: str | None = None) -> TaskFacts:
    plan = task.plan
    if lead_names is None:
        lead_names = ", ".join(u.display_name for u in task.lead_units.all()) or task.lead_text
    return TaskFacts(
        pk=task.pk,
        number=task.number,
        content=task.content,
        plan_label=str(plan),
        agency_name=plan.agency.name if plan.agency_id else "",
        lead_names=lead_names,
        timing_text=task.timing_text,
        due=task.due_date,
        url=reverse("planning:task_detail", kwargs={"pk": task.pk}),
    )


def plan_facts(plan: Plan) -> PlanFacts:
    return PlanFacts(label=str(plan), title=plan.title)


# --------------------------------------------------------------------------- words


def _task_lines(task: TaskFacts) -> list[str]:
    return [
        _("Task %(no)s of %(plan)s:") % {"no": task.number, "plan": task.plan_label},
        "  " + " ".join(task.content.split()),
        _("Lead unit: %(units)s") % {"units": task.lead_names or "—"},
        _("Timing: %(text)s (due %(due)s)")
        % {"text": task.timing_text, "due": short_date(task.due)},
    ]


def _task_assigned(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    return _("New task for your unit: %(task)s") % {"task": t.short}, [
        _("Your unit leads a task of an issued plan."),
    ]


def _task_reassigned(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    return _("Task reassigned to your unit: %(task)s") % {"task": t.short}, [
        _("The lead units of this task have changed; your unit now leads it."),
    ]


def _task_due_soon(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    days = d.extra["days"]
    subject = ngettext(
        "Task due in %(n)d day: %(task)s", "Task due in %(n)d days: %(task)s", days
    ) % {"n": days, "task": t.short}
    return subject, [
        _("This task is due on %(due)s and is not finished yet.") % {"due": short_date(t.due)},
    ]


def _task_due_today(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    return _("Task due today: %(task)s") % {"task": t.short}, [
        _("This task is due today (%(due)s).") % {"due": short_date(t.due)},
        _("Post your progress and evidence, or report it done."),
    ]


def _task_overdue(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    days = d.extra["days"]
    subject = ngettext(
        "Task overdue by %(n)d day: %(task)s", "Task overdue by %(n)d days: %(task)s", days
    ) % {"n": days, "task": t.short}
    return subject, [
        _("This task was due on %(due)s and is not finished.") % {"due": short_date(t.due)},
        _("Post your progress, or tell the office what stands in the way."),
    ]


def _task_escalated(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    days = d.extra["days"]
    subject = ngettext(
        "Needs your attention, %(n)d day overdue: %(task)s",
        "Needs your attention, %(n)d days overdue: %(task)s",
        days,
    ) % {"n": days, "task": t.short}
    return subject, [
        _("A task led by %(units)s is %(n)s days overdue and has been escalated to you.")
        % {"units": t.lead_names or "—", "n": days},
    ]


def _task_review(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    return _("Time to review a continuous task: %(task)s") % {"task": t.short}, [
        _("This task runs all year; post what was done this period, with evidence."),
    ]


def _progress_posted(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    percent = d.extra["percent"]
    return _("Progress on task %(no)s: %(percent)s%%") % {"no": t.number, "percent": percent}, [
        _("%(actor)s posted progress (%(percent)s%%):")
        % {"actor": d.actor_name, "percent": percent},
        "  " + d.comment,
    ]


def _task_confirmed(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    return _("Completion confirmed: %(task)s") % {"task": t.short}, [
        _("%(actor)s confirmed that this task is done.") % {"actor": d.actor_name},
    ]


def _task_rejected(d: MessageData, t: TaskFacts) -> tuple[str, list[str]]:
    return _("Completion sent back: %(task)s") % {"task": t.short}, [
        _("%(actor)s sent the task back with this comment:") % {"actor": d.actor_name},
        "  " + d.comment,
    ]


TaskWords = Callable[[MessageData, TaskFacts], tuple[str, list[str]]]


def task_renderer(words: TaskWords) -> Callable[[MessageData], tuple[str, list[str]]]:
    """A task message: the kind's own subject and lines, then the task's description."""

    def render(d: MessageData) -> tuple[str, list[str]]:
        facts: TaskFacts = d.facts
        subject, lines = words(d, facts)
        return subject, [*lines, "", *_task_lines(facts)]

    return render


def render_plan_submitted(d: MessageData) -> tuple[str, list[str]]:
    p: PlanFacts = d.facts
    return _("Plan submitted for approval: %(plan)s") % {"plan": p.label}, [
        _("%(actor)s submitted the plan for your approval:") % {"actor": d.actor_name},
        "  " + p.title,
    ]


def render_plan_approved(d: MessageData) -> tuple[str, list[str]]:
    p: PlanFacts = d.facts
    return _("Plan approved and issued: %(plan)s") % {"plan": p.label}, [
        _("%(actor)s approved the plan; it is issued as %(plan)s.")
        % {"actor": d.actor_name, "plan": p.label},
        "  " + p.title,
    ]


def render_plan_returned(d: MessageData) -> tuple[str, list[str]]:
    p: PlanFacts = d.facts
    return _("Plan returned for changes: %(plan)s") % {"plan": p.label}, [
        _("%(actor)s returned the plan with this comment:") % {"actor": d.actor_name},
        "  " + d.comment,
        "",
        "  " + p.title,
    ]


def render_weekly_summary(d: MessageData) -> tuple[str, list[str]]:
    rows: list[dict[str, Any]] = d.extra["rows"]
    subject = _("Weekly summary of %(agency)s, week of %(monday)s") % {
        "agency": d.extra["agency"],
        "monday": short_date(d.extra["monday"]),
    }
    lines = [
        _("Tasks of the %(year)s plan by lead unit (done / late / due next week):")
        % {"year": d.extra["year"]},
        "",
    ]
    for row in rows:
        lines.append(f"• {row['unit']}: {row['done']} / {row['late']} / {row['due_next_week']}")
    if not rows:
        lines.append(_("No task in an issued plan this year."))
    return subject, lines


RENDERERS: dict[Kind, Callable[[MessageData], tuple[str, list[str]]]] = {
    Kind.TASK_ASSIGNED: task_renderer(_task_assigned),
    Kind.TASK_REASSIGNED: task_renderer(_task_reassigned),
    Kind.TASK_DUE_SOON: task_renderer(_task_due_soon),
    Kind.TASK_DUE_TODAY: task_renderer(_task_due_today),
    Kind.TASK_OVERDUE: task_renderer(_task_overdue),
    Kind.TASK_ESCALATED: task_renderer(_task_escalated),
    Kind.TASK_REVIEW: task_renderer(_task_review),
    Kind.PLAN_SUBMITTED: render_plan_submitted,
    Kind.PLAN_APPROVED: render_plan_approved,
    Kind.PLAN_RETURNED: render_plan_returned,
    Kind.PROGRESS_POSTED: task_renderer(_progress_posted),
    Kind.TASK_CONFIRMED: task_renderer(_task_confirmed),
    Kind.TASK_REJECTED: task_renderer(_task_rejected),
    Kind.WEEKLY_SUMMARY: render_weekly_summary,
}


def register_kinds() -> None:
    """Called from ``PlanningConfig.ready``."""
    for kind in Kind:
        kinds.register(
            kind.value,
            kind.label,
            render=RENDERERS[kind],
            switchable=kind != Kind.WEEKLY_SUMMARY,
            # Progress posts only in eISO: the office would drown in mail otherwise.
            default_off=[Channel.EMAIL] if kind == Kind.PROGRESS_POSTED else [],
        )


# --------------------------------------------------------------------------- events


def _lead_ids(task: PlanTask) -> list[int]:
    return [u.pk for u in task.lead_units.all()]


def _plan_url(plan: Plan) -> str:
    return reverse("planning:plan_detail", kwargs={"pk": plan.pk})


def notify_plan_submitted(*, actor: User, plan: Plan) -> None:
    directory = Directory([plan.agency_id])
    notify(
        recipients=directory.approvers(plan.agency_id),
        data=MessageData(
            kind=Kind.PLAN_SUBMITTED,
            actor_name=actor.display_name,
            facts=plan_facts(plan),
            url=_plan_url(plan),
        ),
        obj=plan,
        agency_id=plan.agency_id,
        exclude=actor.pk,
    )


def notify_plan_decided(*, actor: User, plan: Plan, approved: bool, comment: str = "") -> None:
    """Approved → author and office, plus every lead unit (its tasks are assigned);
    returned → author."""
    authors = {pk for pk in (plan.created_by_id, plan.submitted_by_id) if pk}
    box = Outbox()
    box.add(
        recipients=authors,
        data=MessageData(
            kind=Kind.PLAN_APPROVED if approved else Kind.PLAN_RETURNED,
            actor_name=actor.display_name,
            facts=plan_facts(plan),
            comment=comment,
            url=_plan_url(plan),
        ),
        obj=plan,
        agency_id=plan.agency_id,
        exclude=actor.pk,
    )
    if approved:
        _add_tasks_assigned(box, plan)
    box.flush()


def _add_tasks_assigned(box: Outbox, plan: Plan) -> None:
    """Each lead unit of the issued plan hears of its tasks (once per plan revision)."""
    directory = Directory([plan.agency_id])
    tasks = plan.tasks.exclude(status="cancelled").prefetch_related("lead_units")
    for task in tasks:
        task.plan = plan
        facts = task_facts(task)
        box.add(
            recipients=directory.doers(_lead_ids(task)) | directory.heads(_lead_ids(task)),
            data=MessageData(kind=Kind.TASK_ASSIGNED, facts=facts, url=facts.url),
            obj=task,
            agency_id=plan.agency_id,
            key=f"assigned:{task.pk}:{plan.revision}",
        )


def notify_task_reassigned(*, actor: User, task: PlanTask, new_unit_ids: set[int]) -> None:
    if not new_unit_ids:
        return
    directory = Directory([task.plan.agency_id])
    facts = task_facts(task)
    notify(
        recipients=directory.doers(new_unit_ids) | directory.heads(new_unit_ids),
        data=MessageData(kind=Kind.TASK_REASSIGNED, facts=facts, url=facts.url),
        obj=task,
        agency_id=task.plan.agency_id,
        exclude=actor.pk,
    )


def notify_progress_posted(*, actor: User, task: PlanTask, percent: int, comment: str) -> None:
    directory = Directory([task.plan.agency_id])
    facts = task_facts(task)
    notify(
        recipients=directory.office(task.plan.agency_id),
        data=MessageData(
            kind=Kind.PROGRESS_POSTED,
            facts=facts,
            actor_name=actor.display_name,
            comment=comment,
            url=facts.url,
            extra={"percent": percent},
        ),
        obj=task,
        agency_id=task.plan.agency_id,
        exclude=actor.pk,
    )


def notify_task_decided(*, actor: User, task: PlanTask, confirmed: bool, comment: str = "") -> None:
    directory = Directory([task.plan.agency_id])
    facts = task_facts(task)
    recipients = directory.doers(_lead_ids(task)) | directory.heads(_lead_ids(task))
    if task.reported_done_by_id:
        recipients.add(task.reported_done_by_id)
    notify(
        recipients=recipients,
        data=MessageData(
            kind=Kind.TASK_CONFIRMED if confirmed else Kind.TASK_REJECTED,
            facts=facts,
            actor_name=actor.display_name,
            comment=comment,
            url=facts.url,
        ),
        obj=task,
        agency_id=task.plan.agency_id,
        exclude=actor.pk,
    )
