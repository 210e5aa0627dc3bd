"""Sign in with a username or an e-mail address (throttling is in ``throttle``).

The user of a request is loaded with its unit and that unit's agency (the layout shows
them on every page): one query instead of three.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

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
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        user = User._default_manager.select_related("unit__agency").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
