"""The left menu (from the apps' registrations in ``qms.core.menu``) and the user's agency.

The menu is built at most once a request, and only if a template shows it: the context
holds a callable (templates call it), so fragments and repeated renders cost nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from qms.core import menu


def menu_for(request: HttpRequest) -> list[tuple[menu.MenuSection, list[menu.MenuEntry]]]:
    """The request's menu entries, built once per request."""
    entries: list[tuple[menu.MenuSection, list[menu.MenuEntry]]] | None = getattr(
        request, "_menu_entries", None
    )
    if entries is None:
        entries = menu.entries_for(request.user, request.resolver_match)
        request._menu_entries = entries  # type: ignore[attr-defined]
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "menu": partial(menu_for, request),
        "user_agency": getattr(getattr(user, "unit", None), "agency", None),
    }
