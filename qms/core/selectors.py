"""Reads shared by the domain apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from qms.accounts import permissions
from qms.core.models import OrgUnit

if TYPE_CHECKING:
    from qms.accounts.models import User


def agencies_for_reading(user: User, action: str) -> QuerySet[OrgUnit]:
    """For reading only: agencies where the user holds a role for ``action`` somewhere
    (on the agency, on one of its units, or on the province above it)."""
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.AGENCY, archived_at__isnull=True, pk__in=_agency_ids(user, action)
    ).order_by("path")


def agencies_for_change(user: User, action: str) -> QuerySet[OrgUnit]:
    """Agencies on which the user may do ``action`` itself (``can`` on the agency)."""
    return (
        OrgUnit.objects.active()
        .filter(kind=OrgUnit.Kind.AGENCY)
        .filter(permissions.unit_scope_q(user, action))
        .order_by("path")
    )


def _agency_ids(user: User, action: str) -> list[int]:
    """Once per user object (a request's user): see ``permissions.memo``."""
    ids = permissions.memo(
        user, ("agency_ids", action), lambda: tuple(_compute_agency_ids(user, action))
    )
    return list(ids)


def _compute_agency_ids(user: User, action: str) -> list[int]:
    if user.is_superuser:
        return list(OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY).values_list("pk", flat=True))
    ids: set[int] = set()
    # Tuples, not model instances: a role over the province spans every unit in it.
    scope = OrgUnit.objects.filter(permissions.unit_scope_q(user, action))
    for pk, kind, agency_id, path in scope.values_list("pk", "kind", "agency_id", "path"):
        if kind == OrgUnit.Kind.AGENCY:
            ids.add(pk)
        elif agency_id:
            ids.add(agency_id)
        if kind == OrgUnit.Kind.PROVINCE:
            ids |= set(
                OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY, path__startswith=path).values_list(
                    "pk", flat=True
                )
            )
    return sorted(ids)
