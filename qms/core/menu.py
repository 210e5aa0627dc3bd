"""The left menu, contributed by each app (NetBox's per-app menu, in a small registry).

An app registers its sections and entries from its ``AppConfig.ready()``; ``base.html``
renders ``items_for(user)``, so a new area adds its pages to the menu without editing the
foundation. An entry is shown only to whom ``visible(user)`` allows: the menu offers only
pages its viewer may open (``qms/core/tests/test_menu_links.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import ResolverMatch, reverse
from django.utils.functional import Promise

from qms.core.registry import Registry


def _everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class MenuSection:
    """A group of entries under a heading; a section without a label has no heading."""

    key: str
    label: str | Promise
    order: int


@dataclass(frozen=True)
class MenuItem:
    """One link of the menu.

    ``active(match)`` tells whether the current page belongs to the entry (default: the
    page is ``url_name`` itself); ``badge`` names a context variable whose count is shown
    beside the label (the unread notifications).
    """

    key: str
    label: str | Promise
    url_name: str
    icon: str
    section: str
    order: int
    visible: Callable[[Any], bool] = _everyone
    active: Callable[[ResolverMatch], bool] | None = field(default=None, compare=False)
    badge: str = ""

    def is_active(self, match: ResolverMatch | None) -> bool:
        if match is None:
            return False
        if self.active is None:
            return match.view_name == self.url_name
        return self.active(match)


@dataclass(frozen=True)
class MenuEntry:
    """An item as shown on one page: its link and whether it is the current page."""

    item: MenuItem
    url: str
    active: bool


sections: Registry[MenuSection] = Registry()
items: Registry[MenuItem] = Registry()


def register_section(section: MenuSection) -> None:
    """Add (or replace, by key) a section of the menu."""
    sections.add(section.key, section)


def register(item: MenuItem) -> None:
    """Add (or replace, by key) an entry of the menu."""
    items.add(item.key, item)


def items_for(user: Any) -> list[tuple[MenuSection, list[MenuItem]]]:
    """The entries ``user`` may see, grouped by section, both in their order.

    Sections with no visible entry are left out. Raises ImproperlyConfigured for an entry
    whose section nobody registered.
    """
    known = sections.entries()
    grouped: dict[str, list[MenuItem]] = {}
    for item in items.entries().values():
        if item.section not in known:
            raise ImproperlyConfigured(f"Menu item {item.key!r}: unknown section {item.section!r}")
        if item.visible(user):
            grouped.setdefault(item.section, []).append(item)
    ordered = sorted(grouped, key=lambda key: (known[key].order, key))
    return [(known[key], sorted(grouped[key], key=lambda i: (i.order, i.key))) for key in ordered]


def entries_for(
    user: Any, match: ResolverMatch | None
) -> list[tuple[MenuSection, list[MenuEntry]]]:
    """``items_for(user)`` with each link reversed and the current page marked."""
    return [
        (section, [MenuEntry(i, reverse(i.url_name), i.is_active(match)) for i in group])
        for section, group in items_for(user)
    ]
