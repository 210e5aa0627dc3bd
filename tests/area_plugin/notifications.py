"""The plugin's notification kind: registered from ``ready()``, written by the generic
writer, rendered by the plugin's own renderer in the recipient's language."""

from __future__ import annotations

from qms.accounts.models import User
from qms.notifications import kinds, services
from qms.notifications.messages import MessageData

TALLY = "area_plugin_tally"


def render_tally(data: MessageData) -> tuple[str, list[str]]:
    count = data.extra["count"]
    return f"Open tasks: {count}", [f"The plugin counted {count} open plan tasks.", data.url]


def register_kinds() -> None:
    kinds.register(TALLY, "Plugin tally", render=render_tally)


def notify_tally(*, recipient: User, count: int) -> int:
    agency = recipient.unit.agency if recipient.unit else None
    return services.notify(
        recipients=[recipient.pk],
        data=MessageData(kind=TALLY, url="/area-plugin/", extra={"count": count}),
        obj=None,
        agency_id=agency.pk if agency else None,
    )
