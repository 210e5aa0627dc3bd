"""The internal-audit programme's notifications: its kinds, their words, ``notify_audit``.

The kinds are registered with ``qms.notifications.kinds`` from ``wiring_programme.register``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.notifications import kinds
from qms.notifications.messages import MessageData, short_date
from qms.notifications.services import notify

if TYPE_CHECKING:
    from qms.accounts.models import User


class Kind(models.TextChoices):
    AUDIT_PROGRAMME_APPROVED = (
        "audit_programme_approved",
        gettext_lazy("Internal audit programme approved"),
    )
    AUDIT_PLAN_TEAM = "audit_plan_team", gettext_lazy("Audit plan: you are in the audit team")
    AUDIT_PLAN_UNIT = "audit_plan_unit", gettext_lazy("Audit plan: your unit will be audited")
    AUDIT_REPORT_SENT = "audit_report_sent", gettext_lazy("Internal audit report to leadership")


@dataclass(frozen=True)
class AuditFacts:
    """What a message says about a programme or an audit."""

    title: str
    number: str
    units: str
    start: datetime.date | None
    end: datetime.date | None
    lead: str


_WORDS: dict[Kind, Callable[[], tuple[str, str]]] = {
    Kind.AUDIT_PROGRAMME_APPROVED: lambda: (
        _("Audit programme approved: %(title)s"),
        _("%(actor)s approved the internal audit programme; the audit plans can be sent."),
    ),
    Kind.AUDIT_PLAN_TEAM: lambda: (
        _("You are in the audit team: %(title)s"),
        _("%(actor)s sent the audit plan; you are a member of the audit team (%(role)s)."),
    ),
    Kind.AUDIT_PLAN_UNIT: lambda: (
        _("Your unit will be audited: %(title)s"),
        _("%(actor)s sent the internal audit plan of your unit. Please prepare the auditees."),
    ),
    Kind.AUDIT_REPORT_SENT: lambda: (
        _("Internal audit report: %(title)s"),
        _("%(actor)s sends the internal audit report approved by the lead auditor."),
    ),
}


def render_audit(d: MessageData) -> tuple[str, list[str]]:
    facts: AuditFacts = d.facts
    title = facts.title if len(facts.title) <= 90 else facts.title[:87].rstrip() + "…"
    subject, first = _WORDS[Kind(d.kind)]()
    body = [first % {"actor": d.actor_name, "role": d.extra.get("role", "")}]
    if d.comment:
        body.append("  " + d.comment)
    body.append("")
    if facts.number:
        body.append(_("Plan no.: %(no)s") % {"no": facts.number})
    if facts.units:
        body.append(_("Audited units: %(units)s") % {"units": facts.units})
    body.append(
        _("Dates: %(start)s – %(end)s")
        % {"start": short_date(facts.start), "end": short_date(facts.end)}
    )
    if facts.lead:
        body.append(_("Lead auditor: %(lead)s") % {"lead": facts.lead})
    return subject % {"title": title}, body


def register_kinds() -> None:
    for kind in Kind:
        kinds.register(kind.value, kind.label, render=render_audit)


def notify_audit(
    *,
    kind: Kind,
    recipients: Iterable[int],
    actor: User | None,
    facts: AuditFacts,
    obj: models.Model,
    url: str,
    agency_id: int,
    **extra: Any,
) -> int:
    """One audit event for ``recipients``, in the caller's transaction (the actor is left out)."""
    return notify(
        recipients=recipients,
        data=MessageData(
            kind=kind,
            actor_name=actor.display_name if actor else "eISO",
            url=url,
            facts=facts,
            extra=extra,
        ),
        obj=obj,
        agency_id=agency_id,
        exclude=actor.pk if actor else None,
    )
