"""The left menu (from the apps' registrations in ``qms.core.menu``) and the user's agency."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qms.core import menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "menu": menu.entries_for(user, request.resolver_match),
        "user_agency": getattr(getattr(user, "unit", None), "agency", None),
    }
