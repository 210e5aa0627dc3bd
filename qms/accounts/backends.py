"""Sign in with a username or an e-mail address, with lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from qms.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        login = username.strip()
        field = "email__iexact" if "@" in login else "username__iexact"
        user = User.objects.filter(**{field: login}).first()
        if user is None:
            User().set_password(password)  # same time whether or not the account exists
            return None
        if user.locked_until and user.locked_until > timezone.now():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        register_failure(user)
        return None


def register_failure(user: User) -> None:
    """Count a failed attempt; lock the account for a while after too many."""
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    if user.failed_login_count >= settings.LOGIN_MAX_FAILED_ATTEMPTS:
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)


def is_locked(login: str) -> bool:
    login = login.strip()
    field = "email__iexact" if "@" in login else "username__iexact"
    user = User.objects.filter(**{field: login}).only("locked_until").first()
    return bool(user and user.locked_until and user.locked_until > timezone.now())
