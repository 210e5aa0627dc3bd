"""Document control's notifications: its kinds, their words, and ``notify_document``.

The kinds are registered with ``qms.notifications.kinds`` from ``DocumentsConfig.ready``.
"""

from __future__ import annotations

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
    DOC_REVIEW_REQUESTED = "doc_review_requested", gettext_lazy("Document draft to review")
    DOC_APPROVAL_REQUESTED = "doc_approval_requested", gettext_lazy("Document draft to approve")
    DOC_RETURNED = "doc_returned", gettext_lazy("Document draft returned")
    DOC_APPROVED = "doc_approved", gettext_lazy("Document approved, to issue")
    DOC_ISSUED = "doc_issued", gettext_lazy("New document version to read")
    DOC_CHANGE_REQUESTED = "doc_change_requested", gettext_lazy("Change request on a document")
    DOC_CHANGE_DECIDED = "doc_change_decided", gettext_lazy("Change request decided")
    DOC_REVIEW_DUE = "doc_review_due", gettext_lazy("Document review due")


@dataclass(frozen=True)
class DocumentFacts:
    """What a message says about a document version."""

    code: str
    title: str
    issue_no: int
    agency_name: str


# Per kind: (subject, first line), both read in the recipient's language.
_WORDS: dict[Kind, Callable[[], tuple[str, str]]] = {
    Kind.DOC_REVIEW_REQUESTED: lambda: (
        _("Draft to review: %(doc)s"),
        _("%(actor)s submitted a draft for your review."),
    ),
    Kind.DOC_APPROVAL_REQUESTED: lambda: (
        _("Draft to approve: %(doc)s"),
        _("%(actor)s reviewed a draft and sends it for approval."),
    ),
    Kind.DOC_RETURNED: lambda: (
        _("Draft returned for changes: %(doc)s"),
        _("%(actor)s returned the draft with this comment:"),
    ),
    Kind.DOC_APPROVED: lambda: (
        _("Approved, ready to issue: %(doc)s"),
        _("%(actor)s approved the draft; it can now be issued by a decision."),
    ),
    Kind.DOC_ISSUED: lambda: (
        _("New version in force, please read: %(doc)s"),
        _(
            "A new version is in force (decision %(decision)s). Read it and confirm "
            "“I have read it”."
        ),
    ),
    Kind.DOC_CHANGE_REQUESTED: lambda: (
        _("Change requested: %(doc)s"),
        _("%(actor)s asks to change this document:"),
    ),
    Kind.DOC_CHANGE_DECIDED: lambda: (
        _("Your change request was decided: %(doc)s"),
        _("%(actor)s decided your change request: %(outcome)s"),
    ),
    Kind.DOC_REVIEW_DUE: lambda: (
        _("Document to review: %(doc)s"),
        _("This document must be reviewed by %(due)s: %(reason)s"),
    ),
}


def render_document(d: MessageData) -> tuple[str, list[str]]:
    doc: DocumentFacts = d.facts
    label = f"{doc.code} {doc.title}"
    short = label if len(label) <= 90 else label[:87].rstrip() + "…"
    subject, first = _WORDS[Kind(d.kind)]()
    body = [
        first
        % {
            "actor": d.actor_name,
            "decision": d.extra.get("decision", ""),
            "outcome": d.extra.get("outcome", ""),
            "due": short_date(d.extra.get("due")),
            "reason": d.extra.get("reason", ""),
        }
    ]
    if d.comment:
        body.append("  " + d.comment)
    body += [
        "",
        _("Document: %(code)s %(title)s") % {"code": doc.code, "title": doc.title},
        _("Issue no.: %(no)02d — %(agency)s") % {"no": doc.issue_no, "agency": doc.agency_name},
    ]
    return subject % {"doc": short}, body


def register_kinds() -> None:
    """Called from ``DocumentsConfig.ready``."""
    for kind in Kind:
        kinds.register(kind.value, kind.label, render=render_document)


def notify_document(
    *,
    kind: Kind,
    recipients: Iterable[int],
    actor: User | None,
    facts: DocumentFacts,
    obj: models.Model,
    url: str,
    agency_id: int,
    comment: str = "",
    key: str | None = None,
    **extra: Any,
) -> None:
    """A document-control event (draft to review, issued, review due…) for ``recipients``.

    Written in the caller's transaction; ``key`` makes a periodic occurrence idempotent.
    """
    notify(
        recipients=recipients,
        data=MessageData(
            kind=kind,
            actor_name=actor.display_name if actor else "eISO",
            comment=comment,
            url=url,
            facts=facts,
            extra=extra,
        ),
        obj=obj,
        agency_id=agency_id,
        key=key,
        exclude=actor.pk if actor else None,
    )
