"""The menu registry: entries grouped by section, in order, shown only to whom may see them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve

from qms.core import menu
from qms.core.menu import MenuItem, MenuSection


def _item(key: str, section: str, order: int, **kwargs) -> MenuItem:
    return MenuItem(key, key, "core:home", "bi-x", section, order, **kwargs)


def test_items_come_grouped_by_section_both_in_order() -> None:
    with menu.sections.isolated(), menu.items.isolated():
        menu.register_section(MenuSection("zz_late", "Late", 9999))
        menu.register_section(MenuSection("zz_early", "Early", -1))
        menu.register(_item("zz.b", "zz_late", 2))
        menu.register(_item("zz.a", "zz_late", 1))
        menu.register(_item("zz.c", "zz_early", 5))
        groups = [(s.key, [i.key for i in g]) for s, g in menu.items_for(AnonymousUser())]
    assert groups[0] == ("zz_early", ["zz.c"])
    assert groups[-1] == ("zz_late", ["zz.a", "zz.b"])


def test_hidden_entries_and_empty_sections_are_left_out() -> None:
    with menu.sections.isolated(), menu.items.isolated():
        menu.register_section(MenuSection("zz", "Z", 1))
        menu.register(_item("zz.hidden", "zz", 1, visible=lambda user: False))
        shown = menu.items_for(AnonymousUser())
    assert "zz" not in {section.key for section, _ in shown}


def test_registering_a_key_again_replaces_the_entry() -> None:
    with menu.sections.isolated(), menu.items.isolated():
        menu.register_section(MenuSection("zz", "Z", 1))
        menu.register(_item("zz.a", "zz", 1))
        menu.register(_item("zz.a", "zz", 2))
        group = dict(menu.items_for(AnonymousUser()))[menu.sections.entries()["zz"]]
    assert [i.order for i in group] == [2]


def test_isolated_forgets_what_was_registered_inside() -> None:
    before = menu.items.entries()
    with menu.items.isolated():
        menu.register(_item("zz.temporary", "start", 1))
        assert "zz.temporary" in menu.items.entries()
    assert menu.items.entries() == before


def test_an_entry_in_an_unknown_section_is_a_configuration_error() -> None:
    with menu.items.isolated():
        menu.register(_item("zz.lost", "no_such_section", 1))
        with pytest.raises(ImproperlyConfigured):
            menu.items_for(AnonymousUser())


def test_an_entry_is_active_on_its_own_page_or_where_it_says() -> None:
    plans = menu.items.entries()["planning.plans"]
    dashboard = menu.items.entries()["planning.dashboard"]
    assert dashboard.is_active(resolve("/plans/dashboard/"))
    assert not plans.is_active(resolve("/plans/dashboard/"))
    assert plans.is_active(resolve("/plans/new/"))
    # Another app's page of the same url name is not the planning dashboard.
    assert not dashboard.is_active(resolve("/objectives/dashboard/"))
