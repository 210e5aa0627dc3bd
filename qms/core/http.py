"""Request typing: every view behind LoginRequiredMiddleware sees a real user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from qms.accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is authenticated (for type checking only)."""

    user: User  # type: ignore[assignment]


def int_param(value: str | None) -> int | None:
    """A whole number from a query or form parameter, None when absent or not a number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
