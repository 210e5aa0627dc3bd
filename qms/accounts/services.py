"""Writes to accounts and roles; each logged with before and after (never passwords)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qms.accounts import grants, permissions, throttle
from qms.accounts.grants import AccountError
from qms.accounts.models import RoleAssignment, User
from qms.audittrail.services import logentry_create, snapshot
from qms.core.models import OrgUnit

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "unit",
    "position_title",
    "phone",
    "language",
    "is_active",
)


__all__ = ["AccountError"]


def user_create(*, actor: User, password: str, **fields: Any) -> User:
    """Create an account in a unit (the password is set, never logged)."""
    with transaction.atomic():
        user = User(**fields)
        user.set_password(password)
        user.save()
        logentry_create(
            actor=actor,
            action="accounts.user.created",
            obj=user,
            unit=user.unit,
            before={},
            after=snapshot(user, USER_FIELDS),
        )
    return user


def user_update(*, actor: User, user: User, data: dict[str, Any]) -> User:
    """Change an account's details: its own owner, or an administrator who manages it."""
    if user.pk != actor.pk:
        grants.require_manage(actor, user)
        unit = data.get("unit")
        if unit is not None and not grants.manage_units(actor).filter(pk=unit.pk).exists():
            raise AccountError(_("Choose a unit inside your scope."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, USER_FIELDS)
        for key, value in data.items():
            setattr(user, key, value)
        user.save()
        logentry_create(
            actor=actor, action="accounts.user.updated", obj=user, unit=user.unit, before=before
        )
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account; accounts are never deleted.

    Raises AccountError when an administrator tries to deactivate their own account.
    """
    if user.pk == actor.pk and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    grants.require_manage(actor, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        if active:
            throttle.clear_account(user)
        logentry_create(
            actor=actor,
            action="accounts.user.activated" if active else "accounts.user.deactivated",
            obj=user,
            unit=user.unit,
            before=before,
        )
    return user


def role_assign(
    *, actor: User, user: User, role: str, org_unit: OrgUnit, include_subunits: bool = True
) -> RoleAssignment:
    """Give ``user`` a role over ``org_unit``. Raises AccountError if refused or held."""
    grants.require_grant(actor, user, role, org_unit)
    with transaction.atomic():
        if RoleAssignment.objects.filter(user=user, role=role, org_unit=org_unit).exists():
            raise AccountError(_("This user already has this role in this unit."))
        assignment = RoleAssignment.objects.create(
            user=user, role=role, org_unit=org_unit, include_subunits=include_subunits
        )
        logentry_create(
            actor=actor,
            action="accounts.role.assigned",
            obj=user,
            unit=user.unit,
            before={"role": None},
            after={"role": str(assignment)},
        )
    permissions.clear_cache(user)
    return assignment


def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a role back (the log keeps who held it and when)."""
    grants.require_revoke(actor, assignment)
    user = assignment.user
    with transaction.atomic():
        text = str(assignment)
        assignment.delete()
        logentry_create(
            actor=actor,
            action="accounts.role.revoked",
            obj=user,
            unit=user.unit,
            before={"role": text},
            after={"role": None},
        )
    permissions.clear_cache(user)


def password_changed(*, actor: User, user: User) -> None:
    """Record that a password changed (not the password)."""
    logentry_create(
        actor=actor,
        action="accounts.user.password_changed",
        obj=user,
        unit=user.unit,
        before={},
        after={},
    )
