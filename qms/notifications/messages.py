"""The words of each notification, written in the recipient's language.

A message is built from plain values (``MessageData``) so that a periodic pass can
render thousands of reminders without touching the database again. Each kind's words
come from the renderer its app registered (``qms.notifications.kinds``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qms.notifications import kinds

SUBJECT_PREFIX = "[eISO] "
DIGEST = "digest"


@dataclass
class MessageData:
    """What one event says: ``facts`` is the area's frozen description of the object
    (a task, a document version), ``extra`` any further plain values its renderer reads."""

    kind: str
    url: str = ""
    actor_name: str = ""
    comment: str = ""
    facts: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def short_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def render(data: MessageData, language: str) -> tuple[str, str]:
    """(subject, plain-text body) in ``language``."""
    with translation.override(language):
        subject, lines = kinds.get(data.kind).render(data)
    return one_line(SUBJECT_PREFIX + subject)[:255], "\n".join(lines).strip()


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A subject line: CR, LF, tabs and other control characters become one space (a
    title pasted with a line break must not break the mail header)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def render_digest(d: MessageData) -> tuple[str, list[str]]:
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
