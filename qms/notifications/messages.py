"""The words of each notification, written in the recipient's language.

A message is built from plain values (``MessageData``) so that a periodic pass can
render thousands of reminders without touching the database again.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qms.notifications.models import Kind

SUBJECT_PREFIX = "[eISO] "


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


@dataclass
class MessageData:
    kind: Kind
    task: TaskFacts | None = None
    days: int = 0
    actor_name: str = ""
    plan_label: str = ""
    plan_title: str = ""
    comment: str = ""
    percent: int = 0
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _task_lines(task: TaskFacts) -> list[str]:
    return [
        _("Task %(no)s of %(plan)s:") % {"no": task.number, "plan": task.plan_label},
        "  " + " ".join(task.content.split()),
        _("Lead unit: %(units)s") % {"units": task.lead_names or "—"},
        _("Timing: %(text)s (due %(due)s)") % {"text": task.timing_text, "due": _date(task.due)},
    ]


@dataclass(frozen=True)
class DocumentFacts:
    """What a message says about a document version."""

    code: str
    title: str
    issue_no: int
    agency_name: str


_DOC_SUBJECTS = {
    Kind.DOC_REVIEW_REQUESTED: lambda: _("Draft to review: %(doc)s"),
    Kind.DOC_APPROVAL_REQUESTED: lambda: _("Draft to approve: %(doc)s"),
    Kind.DOC_RETURNED: lambda: _("Draft returned for changes: %(doc)s"),
    Kind.DOC_APPROVED: lambda: _("Approved, ready to issue: %(doc)s"),
    Kind.DOC_ISSUED: lambda: _("New version in force, please read: %(doc)s"),
    Kind.DOC_CHANGE_REQUESTED: lambda: _("Change requested: %(doc)s"),
    Kind.DOC_CHANGE_DECIDED: lambda: _("Your change request was decided: %(doc)s"),
    Kind.DOC_REVIEW_DUE: lambda: _("Document to review: %(doc)s"),
}


def _document_message(d: MessageData) -> tuple[str, list[str]]:
    doc: DocumentFacts = d.extra["document"]
    label = f"{doc.code} {doc.title}"
    short = label if len(label) <= 90 else label[:87].rstrip() + "…"
    lines = {
        Kind.DOC_REVIEW_REQUESTED: _("%(actor)s submitted a draft for your review."),
        Kind.DOC_APPROVAL_REQUESTED: _("%(actor)s reviewed a draft and sends it for approval."),
        Kind.DOC_RETURNED: _("%(actor)s returned the draft with this comment:"),
        Kind.DOC_APPROVED: _("%(actor)s approved the draft; it can now be issued by a decision."),
        Kind.DOC_ISSUED: _(
            "A new version is in force (decision %(decision)s). Read it and confirm "
            "“I have read it”."
        ),
        Kind.DOC_CHANGE_REQUESTED: _("%(actor)s asks to change this document:"),
        Kind.DOC_CHANGE_DECIDED: _("%(actor)s decided your change request: %(outcome)s"),
        Kind.DOC_REVIEW_DUE: _("This document must be reviewed by %(due)s: %(reason)s"),
    }[d.kind] % {
        "actor": d.actor_name,
        "decision": d.extra.get("decision", ""),
        "outcome": d.extra.get("outcome", ""),
        "due": _date(d.extra.get("due")),
        "reason": d.extra.get("reason", ""),
    }
    body = [lines]
    if d.comment:
        body.append("  " + d.comment)
    body += [
        "",
        _("Document: %(code)s %(title)s") % {"code": doc.code, "title": doc.title},
        _("Issue no.: %(no)02d — %(agency)s") % {"no": doc.issue_no, "agency": doc.agency_name},
    ]
    return _DOC_SUBJECTS[d.kind]() % {"doc": short}, body


def render(data: MessageData, language: str) -> tuple[str, str]:
    """(subject, plain-text body) in ``language``."""
    with translation.override(language):
        subject, lines = _build(data)
    return one_line(SUBJECT_PREFIX + subject)[:255], "\n".join(lines).strip()


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A subject line: CR, LF, tabs and other control characters become one space (a
    title pasted with a line break must not break the mail header)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _build(d: MessageData) -> tuple[str, list[str]]:  # noqa: C901 - one branch per kind
    t = d.task
    if d.kind == Kind.TASK_ASSIGNED and t:
        return _("New task for your unit: %(task)s") % {"task": t.short}, [
            _("Your unit leads a task of an issued plan."),
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_REASSIGNED and t:
        return _("Task reassigned to your unit: %(task)s") % {"task": t.short}, [
            _("The lead units of this task have changed; your unit now leads it."),
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_DUE_SOON and t:
        subject = ngettext(
            "Task due in %(n)d day: %(task)s", "Task due in %(n)d days: %(task)s", d.days
        ) % {"n": d.days, "task": t.short}
        return subject, [
            _("This task is due on %(due)s and is not finished yet.") % {"due": _date(t.due)},
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_DUE_TODAY and t:
        return _("Task due today: %(task)s") % {"task": t.short}, [
            _("This task is due today (%(due)s).") % {"due": _date(t.due)},
            _("Post your progress and evidence, or report it done."),
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_OVERDUE and t:
        subject = ngettext(
            "Task overdue by %(n)d day: %(task)s", "Task overdue by %(n)d days: %(task)s", d.days
        ) % {"n": d.days, "task": t.short}
        return subject, [
            _("This task was due on %(due)s and is not finished.") % {"due": _date(t.due)},
            _("Post your progress, or tell the office what stands in the way."),
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_ESCALATED and t:
        subject = ngettext(
            "Needs your attention, %(n)d day overdue: %(task)s",
            "Needs your attention, %(n)d days overdue: %(task)s",
            d.days,
        ) % {"n": d.days, "task": t.short}
        return subject, [
            _("A task led by %(units)s is %(n)s days overdue and has been escalated to you.")
            % {"units": t.lead_names or "—", "n": d.days},
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_REVIEW and t:
        return _("Time to review a continuous task: %(task)s") % {"task": t.short}, [
            _("This task runs all year; post what was done this period, with evidence."),
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.PLAN_SUBMITTED:
        return _("Plan submitted for approval: %(plan)s") % {"plan": d.plan_label}, [
            _("%(actor)s submitted the plan for your approval:") % {"actor": d.actor_name},
            "  " + d.plan_title,
        ]
    if d.kind == Kind.PLAN_APPROVED:
        return _("Plan approved and issued: %(plan)s") % {"plan": d.plan_label}, [
            _("%(actor)s approved the plan; it is issued as %(plan)s.")
            % {"actor": d.actor_name, "plan": d.plan_label},
            "  " + d.plan_title,
        ]
    if d.kind == Kind.PLAN_RETURNED:
        return _("Plan returned for changes: %(plan)s") % {"plan": d.plan_label}, [
            _("%(actor)s returned the plan with this comment:") % {"actor": d.actor_name},
            "  " + d.comment,
            "",
            "  " + d.plan_title,
        ]
    if d.kind == Kind.PROGRESS_POSTED and t:
        return _("Progress on task %(no)s: %(percent)s%%") % {
            "no": t.number,
            "percent": d.percent,
        }, [
            _("%(actor)s posted progress (%(percent)s%%):")
            % {"actor": d.actor_name, "percent": d.percent},
            "  " + d.comment,
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_CONFIRMED and t:
        return _("Completion confirmed: %(task)s") % {"task": t.short}, [
            _("%(actor)s confirmed that this task is done.") % {"actor": d.actor_name},
            "",
            *_task_lines(t),
        ]
    if d.kind == Kind.TASK_REJECTED and t:
        return _("Completion sent back: %(task)s") % {"task": t.short}, [
            _("%(actor)s sent the task back with this comment:") % {"actor": d.actor_name},
            "  " + d.comment,
            "",
            *_task_lines(t),
        ]
    if d.kind in _DOC_SUBJECTS:
        return _document_message(d)
    if d.kind == Kind.DIGEST:
        items: list[tuple[str, str]] = d.extra["items"]
        subject = ngettext(
            "Your daily digest: %(n)d notification",
            "Your daily digest: %(n)d notifications",
            len(items),
        ) % {"n": len(items)}
        lines = [_("What eISO told you since the last digest:"), ""]
        for item_subject, item_url in items:
            lines.append("• " + item_subject.removeprefix(SUBJECT_PREFIX))
            if item_url:
                lines.append("  " + item_url)
        return subject, lines
    if d.kind == Kind.WEEKLY_SUMMARY:
        rows: list[dict[str, Any]] = d.extra["rows"]
        subject = _("Weekly summary of %(agency)s, week of %(monday)s") % {
            "agency": d.extra["agency"],
            "monday": _date(d.extra["monday"]),
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
    raise ValueError(f"No message for {d.kind}")
