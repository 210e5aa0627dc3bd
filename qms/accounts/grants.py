"""Who may manage whom, and which roles an administrator may hand out (issue 12, H4).

Rules:
- an administrator manages accounts whose home unit is inside its ``accounts.manage_users``
  scope and who hold no role outside that scope; a superuser is managed by superusers only;
- an administrator grants a role only over a unit inside its scope, and only a role no
  wider than its own: ``system_admin`` only by a superuser;
- nobody grants, revokes or edits roles of their own account.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.accounts.models import Role, RoleAssignment, User
from qms.core.models import OrgUnit

ACTION = "accounts.manage_users"


class AccountError(Exception):
    """A change to an account or its roles was refused; the message is for users."""


def manage_units(actor: User) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.active().filter(permissions.unit_scope_q(actor, ACTION))


def manageable_users(actor: User) -> QuerySet[User]:
    """Accounts ``actor`` may see and change (home unit and every role inside its scope)."""
    if actor.is_superuser and actor.is_active:
        return User.objects.all()
    scope = OrgUnit.objects.filter(permissions.unit_scope_q(actor, ACTION))
    outside = RoleAssignment.objects.filter(user=OuterRef("pk")).exclude(org_unit__in=scope)
    return User.objects.filter(unit__in=manage_units(actor), is_superuser=False).exclude(
        Exists(outside)
    )


def can_manage(actor: User, target: User) -> bool:
    return manageable_users(actor).filter(pk=target.pk).exists()


def require_manage(actor: User, target: User) -> None:
    if not can_manage(actor, target):
        raise AccountError(_("You may not change this account: it is outside your scope."))


def grantable_roles(actor: User) -> list[Role]:
    """Roles no wider than the actor's own; ``system_admin`` only for superusers."""
    if actor.is_superuser and actor.is_active:
        return list(Role)
    held = permissions.user_roles(actor)
    if not held & {Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN}:
        return []
    return [r for r in Role if r != Role.SYSTEM_ADMIN]


def require_grant(actor: User, target: User, role: str, unit: OrgUnit) -> None:
    """Raise AccountError unless ``actor`` may give ``target`` ``role`` over ``unit``."""
    if target.pk == actor.pk:
        raise AccountError(_("You cannot change the roles of your own account."))
    require_manage(actor, target)
    if role not in grantable_roles(actor):
        raise AccountError(_("You may not grant a role wider than your own."))
    if not manage_units(actor).filter(pk=unit.pk).exists():
        raise AccountError(_("Choose a unit inside your scope."))


def require_revoke(actor: User, assignment: RoleAssignment) -> None:
    if assignment.user_id == actor.pk:
        raise AccountError(_("You cannot change the roles of your own account."))
    require_manage(actor, assignment.user)
    if assignment.role not in grantable_roles(actor):
        raise AccountError(_("You may not revoke a role wider than your own."))
