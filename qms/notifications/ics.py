"""A user's calendar feed (RFC 5545), for Outlook or a phone: the events of every app.

The feed's address carries the user's secret token (``NotificationSettings.ics_token``);
what it lists comes from the apps: each registers a source from its ``AppConfig.ready``,
``source(user, base_url=..., stamp=...) -> events`` (planning: the user's task deadlines).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

if TYPE_CHECKING:
    from qms.accounts.models import User

Source = Callable[..., Iterable[Event]]
_SOURCES: list[Source] = []


def register_source(source: Source) -> None:
    """Add ``source(user, *, base_url, stamp)`` to every user's feed (idempotent)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def user_calendar(user: User, *, base_url: str) -> bytes:
    """The feed of ``user``, in the user's language."""
    with translation.override(user.language or "vi"):
        cal = Calendar()
        cal.add("prodid", "-//eISO//Nhiem vu//VI")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", _("eISO tasks of %(name)s") % {"name": user.display_name})
        cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
        stamp: datetime.datetime = timezone.now()
        for source in _SOURCES:
            for event in source(user, base_url=base_url, stamp=stamp):
                cal.add_component(event)
        return cal.to_ical()
