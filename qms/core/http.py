"""Request typing: every view behind LoginRequiredMiddleware sees a real user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from qms.accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is authenticated (for type checking only)."""

    user: User  # type: ignore[assignment]
