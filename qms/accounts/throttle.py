"""Throttling of sign-in and password-reset attempts (issue 12, L2).

Keys and limits (failures within ``LOGIN_LOCKOUT_MINUTES``):
- ``acct-ip:<account>|<ip>``: ``LOGIN_MAX_FAILED_ATTEMPTS`` (5): guessing one account from
  one address stops quickly, but only *that address* is locked out of that account;
- ``ip:<ip>``: ``LOGIN_IP_MAX_FAILED_ATTEMPTS`` (30): one address spraying many accounts;
- ``acct:<account>``: ``LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS`` (100): a distributed guess at
  one account; high so that nobody can keep a real person (``giamdoc``) locked cheaply.
The account part is the user's pk when the login names one, else the login typed, so a
blocked attempt looks the same whether or not the account exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qms.accounts.models import SignInThrottle, User


def account_key(login: str) -> str:
    login = login.strip().lower()
    field = "email__iexact" if "@" in login else "username__iexact"
    pk = User.objects.filter(**{field: login}).values_list("pk", flat=True).first()
    return f"user{pk}" if pk else f"login:{login[:200]}"


def login_limits(account: str, ip: str) -> list[tuple[str, int]]:
    return [
        (f"acct-ip:{account}|{ip}", settings.LOGIN_MAX_FAILED_ATTEMPTS),
        (f"ip:{ip}", settings.LOGIN_IP_MAX_FAILED_ATTEMPTS),
        (f"acct:{account}", settings.LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS),
    ]


def reset_limits(address: str, ip: str) -> list[tuple[str, int]]:
    return [
        (f"reset-ip:{ip}", settings.PASSWORD_RESET_IP_MAX_REQUESTS),
        (
            f"reset-addr:{address.strip().lower()[:200]}",
            settings.PASSWORD_RESET_ADDRESS_MAX_REQUESTS,
        ),
    ]


def is_blocked(limits: list[tuple[str, int]]) -> bool:
    keys = [key for key, _ in limits]
    return SignInThrottle.objects.filter(key__in=keys, locked_until__gt=timezone.now()).exists()


def record(limits: list[tuple[str, int]]) -> None:
    """Count one failure (or one reset request) against every key."""
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        _purge(now, window)
        for key, limit in limits:
            row, _ = SignInThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"window_start": now}
            )
            if row.window_start < now - window and not _locked(row, now):
                row.failures, row.window_start, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + window
            row.save()


def _purge(now: datetime, window: timedelta) -> None:
    """Forget counters whose window is long over and that lock nothing (bounded table)."""
    stale = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    SignInThrottle.objects.filter(stale, window_start__lt=now - 2 * window).delete()


def _locked(row: SignInThrottle, now: object) -> bool:
    return bool(row.locked_until and row.locked_until > now)  # type: ignore[operator]


def clear_account(user: User, ip: str | None = None) -> None:
    """A successful sign-in clears its (account, IP) counter; a reset clears every lock
    on the account."""
    account = f"user{user.pk}"
    if ip is not None:
        SignInThrottle.objects.filter(key=f"acct-ip:{account}|{ip}").delete()
        return
    SignInThrottle.objects.filter(key=f"acct:{account}").delete()
    SignInThrottle.objects.filter(key__startswith=f"acct-ip:{account}|").delete()
