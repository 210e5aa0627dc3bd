"""Registry of notification kinds: each app registers the events it notifies about.

The notifications app keeps the outbox, recipients, preferences, digests and sending; it
knows no area. An area registers its kinds from its ``AppConfig.ready`` (pretix registers
its plugins' signals the same way), each with a label and a renderer that turns the
message's plain values into a subject and body lines::

    kinds.register("task_confirmed", _("Completion confirmed"), render=render_task_decided)

The renderer runs inside the recipient's language (``messages.render`` switches to it, puts
the subject on one line and adds the prefix). Kinds are listed in registration order, that
is in the order of ``INSTALLED_APPS``: the preferences page shows planning's kinds first,
then documents'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

from qms.core.registry import Registry

if TYPE_CHECKING:
    from qms.notifications.messages import MessageData

Renderer = Callable[["MessageData"], tuple[str, list[str]]]


@dataclass(frozen=True)
class NotificationKind:
    value: str
    label: Promise | str
    render: Renderer
    # A kind the user can switch off per channel on the preferences page. One that cannot
    # (a digest, a weekly summary: itself a summary) is also never held for the digest.
    switchable: bool = True
    # Channels off unless the user switches them on (progress posts are not e-mailed).
    default_off: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return self.value


registry: Registry[NotificationKind] = Registry()


def register(
    value: str,
    label: Promise | str,
    *,
    render: Renderer,
    switchable: bool = True,
    default_off: Iterable[str] = (),
) -> NotificationKind:
    """Register a kind (idempotent: registering a value again replaces it in place)."""
    kind = NotificationKind(
        value=str(value),
        label=label,
        render=render,
        switchable=switchable,
        default_off=frozenset(str(c) for c in default_off),
    )
    registry.add(kind.value, kind)
    return kind


def get(value: str) -> NotificationKind:
    """The registered kind; ``LookupError`` if no app registered ``value``."""
    kind = registry.get(str(value))
    if kind is None:
        raise LookupError(f"No notification kind {value!r} is registered")
    return kind


def choices() -> list[tuple[str, Promise | str]]:
    """``(value, label)`` of every kind, for model and form fields (a callable choice)."""
    return [(k.value, k.label) for k in registry.values()]


def switchable() -> list[NotificationKind]:
    """The kinds a user may switch off per channel, in registration order."""
    return [k for k in registry.values() if k.switchable]


def default_enabled(kind: str, channel: str) -> bool:
    """On unless the user said otherwise or the kind is off by default on ``channel``."""
    registered = registry.get(str(kind))
    return registered is None or str(channel) not in registered.default_off
