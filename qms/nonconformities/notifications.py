"""The NC area's notifications: its kinds, their words, and the events that write them.

Registered with ``qms.notifications.kinds`` from ``NonconformitiesConfig.ready``; events
write through ``qms.notifications.services.notify`` in the caller's transaction. The
reminders of open corrective actions are computed in ``qms.nonconformities.jobs``.

Who is told:

* NC raised → the heads of the responsible unit (else the agency's ISO office);
* actions assigned (the plan confirmed, an action added or given to someone else later)
  → the owners of the actions;
* awaiting verification → the agency's ISO office (Ban ISO / Văn phòng), who verify or
  ask an auditor;
* closed / reopened → the NC's owner (else the heads of its unit).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from qms.notifications import kinds
from qms.notifications.messages import MessageData, short_date
from qms.notifications.services import Directory, notify

if TYPE_CHECKING:
    from qms.accounts.models import User
    from qms.nonconformities.models import CorrectiveAction, Nonconformity


class Kind(models.TextChoices):
    NC_RAISED = "nc_raised", gettext_lazy("Nonconformity raised")
    NC_ACTION_ASSIGNED = "nc_action_assigned", gettext_lazy("Corrective action assigned")
    NC_AWAITING_VERIFICATION = (
        "nc_awaiting_verification",
        gettext_lazy("Nonconformity awaiting verification"),
    )
    NC_CLOSED = "nc_closed", gettext_lazy("Nonconformity closed")
    NC_REOPENED = "nc_reopened", gettext_lazy("Nonconformity reopened")
    NC_ACTION_DUE_SOON = "nc_action_due_soon", gettext_lazy("Corrective action due soon")
    NC_ACTION_OVERDUE = "nc_action_overdue", gettext_lazy("Corrective action overdue")


@dataclass(frozen=True)
class NCFacts:
    number: str
    title: str
    unit_name: str
    url: str

    @property
    def short(self) -> str:
        text = " ".join(self.title.split())
        return text if len(text) <= 90 else text[:87].rstrip() + "…"


@dataclass(frozen=True)
class ActionFacts:
    description: str
    due: datetime.date


def nc_facts(nc: Nonconformity) -> NCFacts:
    return NCFacts(
        number=nc.number,
        title=nc.title,
        unit_name=nc.unit.display_name,
        url=reverse("nonconformities:detail", kwargs={"pk": nc.pk}),
    )


def _nc_lines(f: NCFacts) -> list[str]:
    return [
        _("Nonconformity %(number)s:") % {"number": f.number},
        "  " + " ".join(f.title.split()),
        _("Unit responsible: %(unit)s") % {"unit": f.unit_name},
    ]


def _raised(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    return _("Nonconformity for your unit: %(nc)s") % {"nc": f.short}, [
        _("%(actor)s raised a nonconformity; your unit is responsible for it.")
        % {"actor": d.actor_name},
        _("Record the correction, analyse the cause and plan the corrective actions."),
    ]


def _action_assigned(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    actions: list[ActionFacts] = d.extra["actions"]
    subject = _("Corrective action for you: %(nc)s") % {"nc": f.short}
    lines = [_("You carry out these corrective actions:")]
    for a in actions:
        lines.append(
            "• "
            + _("%(action)s (deadline %(due)s)")
            % {"action": " ".join(a.description.split()), "due": short_date(a.due)}
        )
    return subject, lines


def _awaiting(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    return _("Nonconformity awaiting verification: %(nc)s") % {"nc": f.short}, [
        _("Every corrective action is done. Verify their effectiveness from %(date)s.")
        % {"date": short_date(d.extra.get("from"))},
    ]


def _closed(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    return _("Nonconformity closed: %(nc)s") % {"nc": f.short}, [
        _("%(actor)s verified the actions as effective and closed the nonconformity.")
        % {"actor": d.actor_name},
    ]


def _reopened(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    return _("Nonconformity reopened: %(nc)s") % {"nc": f.short}, [
        _("%(actor)s found the actions not effective:") % {"actor": d.actor_name},
        "  " + d.comment,
        _("Review the cause analysis and plan new actions."),
    ]


def _action_due_soon(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    a: ActionFacts = d.extra["action"]
    days = d.extra["days"]
    subject = ngettext(
        "Corrective action due in %(n)d day: %(nc)s",
        "Corrective action due in %(n)d days: %(nc)s",
        days,
    ) % {"n": days, "nc": f.short}
    return subject, [
        _("Your action is due on %(due)s and is not done yet:") % {"due": short_date(a.due)},
        "  " + " ".join(a.description.split()),
    ]


def _action_overdue(d: MessageData, f: NCFacts) -> tuple[str, list[str]]:
    a: ActionFacts = d.extra["action"]
    days = d.extra["days"]
    subject = ngettext(
        "Corrective action overdue by %(n)d day: %(nc)s",
        "Corrective action overdue by %(n)d days: %(nc)s",
        days,
    ) % {"n": days, "nc": f.short}
    return subject, [
        _("Your action was due on %(due)s and is not done:") % {"due": short_date(a.due)},
        "  " + " ".join(a.description.split()),
        _("Record what was done, or tell the unit head what stands in the way."),
    ]


Words = Callable[[MessageData, NCFacts], tuple[str, list[str]]]


def nc_renderer(words: Words) -> Callable[[MessageData], tuple[str, list[str]]]:
    def render(d: MessageData) -> tuple[str, list[str]]:
        facts: NCFacts = d.facts
        subject, lines = words(d, facts)
        return subject, [*lines, "", *_nc_lines(facts)]

    return render


RENDERERS: dict[Kind, Words] = {
    Kind.NC_RAISED: _raised,
    Kind.NC_ACTION_ASSIGNED: _action_assigned,
    Kind.NC_AWAITING_VERIFICATION: _awaiting,
    Kind.NC_CLOSED: _closed,
    Kind.NC_REOPENED: _reopened,
    Kind.NC_ACTION_DUE_SOON: _action_due_soon,
    Kind.NC_ACTION_OVERDUE: _action_overdue,
}


def register() -> None:
    for kind, words in RENDERERS.items():
        kinds.register(kind.value, kind.label, render=nc_renderer(words))


# --------------------------------------------------------------------------- events


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _send(
    *,
    kind: Kind,
    recipients: Iterable[int],
    nc: Nonconformity,
    actor: User | None,
    comment: str = "",
    extra: dict[str, object] | None = None,
) -> int:
    facts = nc_facts(nc)
    data = MessageData(
        kind=kind.value,
        url=facts.url,
        actor_name=_name(actor),
        comment=comment,
        facts=facts,
        extra=extra or {},
    )
    return notify(
        recipients=recipients,
        data=data,
        obj=nc,
        agency_id=nc.agency_id,
        exclude=actor.pk if actor else None,
    )


def _heads_or_office(nc: Nonconformity) -> set[int]:
    directory = Directory([nc.agency_id])
    people = directory.heads([nc.unit_id])
    return people or directory.office(nc.agency_id)


def notify_raised(*, actor: User | None, nc: Nonconformity) -> int:
    return _send(kind=Kind.NC_RAISED, recipients=_heads_or_office(nc), nc=nc, actor=actor)


def notify_actions_assigned(
    *, actor: User | None, nc: Nonconformity, actions: Iterable[CorrectiveAction]
) -> int:
    by_owner: dict[int, list[ActionFacts]] = {}
    for a in actions:
        by_owner.setdefault(a.owner_id, []).append(ActionFacts(a.description, a.due))
    sent = 0
    for owner_id, facts in by_owner.items():
        sent += _send(
            kind=Kind.NC_ACTION_ASSIGNED,
            recipients=[owner_id],
            nc=nc,
            actor=actor,
            extra={"actions": facts},
        )
    return sent


def notify_awaiting_verification(*, actor: User | None, nc: Nonconformity) -> int:
    from qms.nonconformities.services import verification_due_on

    office = Directory([nc.agency_id]).office(nc.agency_id)
    return _send(
        kind=Kind.NC_AWAITING_VERIFICATION,
        recipients=office,
        nc=nc,
        actor=actor,
        extra={"from": verification_due_on(nc)},
    )


def _owner_or_heads(nc: Nonconformity) -> set[int]:
    if nc.owner_id:
        return {nc.owner_id}
    return Directory([nc.agency_id]).heads([nc.unit_id])


def notify_closed(*, actor: User | None, nc: Nonconformity) -> int:
    return _send(kind=Kind.NC_CLOSED, recipients=_owner_or_heads(nc), nc=nc, actor=actor)


def notify_reopened(*, actor: User | None, nc: Nonconformity, note: str) -> int:
    return _send(
        kind=Kind.NC_REOPENED, recipients=_owner_or_heads(nc), nc=nc, actor=actor, comment=note
    )
