"""Deployment checks of the outbox settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def outbox_timeouts(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """A hung mail server must time out long before a later pass decides the row died."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    stale = int(getattr(settings, "NOTIFY_STALE_SECONDS", 900))
    budget = int(getattr(settings, "NOTIFY_PASS_SECONDS", 240))
    problems: list[Any] = []
    if not timeout:
        problems.append(
            Error(
                "EMAIL_TIMEOUT is not set: a mail server that never answers blocks the pass.",
                hint="Set EMAIL_TIMEOUT=20 or add ?timeout=20 to EMAIL_URL.",
                id="notifications.E001",
            )
        )
    elif timeout * 10 >= stale:
        problems.append(
            Error(
                "EMAIL_TIMEOUT × 10 must stay below NOTIFY_STALE_SECONDS: an SMTP exchange has "
                "about ten round trips, each may take EMAIL_TIMEOUT.",
                id="notifications.E002",
            )
        )
    if budget >= stale:
        problems.append(
            Warning(
                "NOTIFY_PASS_SECONDS should stay below NOTIFY_STALE_SECONDS, or a later pass "
                "takes back rows a slow pass still holds (never sent twice, only shuffled).",
                id="notifications.W001",
            )
        )
    return problems
