"""The one place that decides who may do what, and where.

A role is held over an organisation unit, usually with its subunits. An action is
allowed on an object of unit U when the user holds one of the action's roles over U.
Agency-wide objects (the yearly plan) are also *visible* to people who hold a role
inside that agency (a division head sees the plan that gives the division tasks).

Read wide, change narrow: every change is decided by ``can(user, action, unit)`` on the
object's own unit or agency. The agency-wide helpers are for reading only: their names
end in ``_for_reading`` and they accept only the actions in ``READ_ACTIONS``
(``qms/accounts/tests/test_reading_helpers.py`` checks every call site in the source).

Nothing else reads roles: views, exports, downloads, selectors and API call ``can``,
``can_any`` or ``unit_scope_q``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q

from qms.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qms.accounts.models import RoleAssignment, User
    from qms.core.models import OrgUnit

R = Role
T = TypeVar("T")
ALL_ROLES = frozenset(Role)
READ_ROLES = ALL_ROLES

ACTION_ROLES: dict[str, frozenset[Role]] = {
    # organisation and accounts
    "core.view_unit": ALL_ROLES,
    "core.manage_units": frozenset({R.SYSTEM_ADMIN, R.AGENCY_ADMIN}),
    "core.manage_rules": frozenset({R.AGENCY_ADMIN, R.ISO_OFFICER}),
    "core.register_number": frozenset({R.SYSTEM_ADMIN, R.AGENCY_ADMIN}),
    "accounts.manage_users": frozenset({R.SYSTEM_ADMIN, R.AGENCY_ADMIN}),
    "audittrail.view_log": frozenset({R.SYSTEM_ADMIN, R.AGENCY_ADMIN, R.OVERSEER, R.LEADER}),
    # yearly plan
    "planning.view_plan": READ_ROLES,
    "planning.edit_plan": frozenset({R.ISO_OFFICER}),
    "planning.approve_plan": frozenset({R.LEADER}),
    "planning.close_plan": frozenset({R.ISO_OFFICER, R.LEADER}),
    "planning.view_dashboard": frozenset(
        {R.LEADER, R.ISO_OFFICER, R.OVERSEER, R.AGENCY_ADMIN, R.SYSTEM_ADMIN}
    ),
    "planning.update_task": frozenset({R.UNIT_HEAD, R.STAFF, R.ISO_OFFICER}),
    "planning.confirm_task": frozenset({R.ISO_OFFICER}),
    "planning.cancel_task": frozenset({R.ISO_OFFICER, R.LEADER}),
    # notifications and the calendar
    "notifications.manage_outbox": frozenset({R.SYSTEM_ADMIN, R.AGENCY_ADMIN}),
    "notifications.manage_policy": frozenset({R.AGENCY_ADMIN, R.ISO_OFFICER}),
    "notifications.view_policy": frozenset({R.AGENCY_ADMIN, R.ISO_OFFICER}),
    "notifications.weekly_summary": frozenset({R.ISO_OFFICER, R.LEADER, R.AGENCY_ADMIN}),
    "core.view_calendar": frozenset({R.SYSTEM_ADMIN, R.AGENCY_ADMIN}),
    "core.manage_calendar": frozenset({R.SYSTEM_ADMIN}),  # held on a province: can_manage_calendar
    # document control
    "documents.view": READ_ROLES,
    "documents.edit": frozenset({R.UNIT_HEAD, R.STAFF, R.ISO_OFFICER}),
    "documents.review": frozenset({R.ISO_OFFICER}),
    "documents.approve": frozenset({R.LEADER}),
    "documents.issue": frozenset({R.ISO_OFFICER}),
    "documents.manage_registers": frozenset({R.ISO_OFFICER, R.UNIT_HEAD}),
    "documents.manage_settings": frozenset({R.ISO_OFFICER, R.AGENCY_ADMIN}),
    "documents.request_change": frozenset(
        {R.STAFF, R.UNIT_HEAD, R.ISO_OFFICER, R.LEADER, R.AUDITOR}
    ),
    "documents.decide_change": frozenset({R.UNIT_HEAD, R.ISO_OFFICER}),
    # quality policy and objectives
    "objectives.view": READ_ROLES,
    "objectives.edit_set": frozenset({R.UNIT_HEAD, R.ISO_OFFICER}),
    "objectives.measure": frozenset({R.UNIT_HEAD, R.STAFF, R.ISO_OFFICER}),
    "objectives.review": frozenset({R.ISO_OFFICER}),
    "objectives.approve": frozenset({R.LEADER}),
    "objectives.manage_settings": frozenset({R.ISO_OFFICER, R.AGENCY_ADMIN}),
    # nonconformities and corrective action (decided on the NC's responsible unit)
    "nonconformities.view": READ_ROLES,
    "nonconformities.raise": frozenset({R.ISO_OFFICER, R.AUDITOR, R.UNIT_HEAD, R.LEADER}),
    "nonconformities.analyse": frozenset({R.UNIT_HEAD, R.ISO_OFFICER}),
    "nonconformities.act": frozenset({R.UNIT_HEAD, R.STAFF, R.ISO_OFFICER}),
    "nonconformities.verify": frozenset({R.ISO_OFFICER, R.AUDITOR, R.LEADER}),
    "nonconformities.manage_settings": frozenset({R.ISO_OFFICER, R.AGENCY_ADMIN}),
    # internal audit (programme on the agency; an audit on its audited units)
    "audits.view": READ_ROLES,
    "audits.manage_programme": frozenset({R.ISO_OFFICER}),
    "audits.approve_programme": frozenset({R.LEADER}),
    "audits.manage_auditors": frozenset({R.ISO_OFFICER, R.AGENCY_ADMIN}),
    "audits.conduct": frozenset({R.AUDITOR, R.ISO_OFFICER}),
    "audits.acknowledge": frozenset({R.UNIT_HEAD}),
    "audits.manage_settings": frozenset({R.ISO_OFFICER, R.AGENCY_ADMIN}),
}

# The only actions the agency-wide helpers below may be asked: seeing, never changing.
READ_ACTIONS = frozenset(
    {
        "core.view_unit",
        "planning.view_plan",
        "documents.view",
        "objectives.view",
        "nonconformities.view",
        "audits.view",
        "notifications.view_policy",
        # the weekly summary is a download of the agency's plan tasks: reading only
        "notifications.weekly_summary",
    }
)
# (and ``qms.core.selectors.agencies_for_reading``, built on the roles held "somewhere")
READING_HELPERS = ("can_read_agency_wide", "agency_scope_q_for_reading", "agencies_for_reading")


def _assignments(user: User | AnonymousUser) -> list[RoleAssignment]:
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(user.role_assignments.select_related("org_unit"))  # type: ignore[union-attr]
        user._role_cache = cached  # type: ignore[union-attr,attr-defined]
    return cached


def clear_cache(user: User) -> None:
    for name in ("_role_cache", "_scope_memo"):
        if hasattr(user, name):
            delattr(user, name)


def memo(user: User | AnonymousUser, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per user object (a request's user lives for the request): the
    decisions a page, its menu and its templates ask again cost no second query.
    Dropped with the roles by ``clear_cache``."""
    store: dict[tuple[object, ...], Any] | None = getattr(user, "_scope_memo", None)
    if store is None:
        store = {}
        user._scope_memo = store  # type: ignore[union-attr]
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[no-any-return]


def roles_for(action: str) -> frozenset[Role]:
    try:
        return ACTION_ROLES[action]
    except KeyError:
        raise KeyError(f"Unknown action {action!r}: add it to ACTION_ROLES") from None


def _covers(assignment: RoleAssignment, unit: OrgUnit) -> bool:
    scope = assignment.org_unit
    if assignment.include_subunits:
        return unit.path.startswith(scope.path)
    return unit.pk == scope.pk


def can(user: User | AnonymousUser, action: str, unit: OrgUnit) -> bool:
    """May ``user`` do ``action`` on something that belongs to ``unit``?"""
    allowed = roles_for(action)
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(a.role in allowed and _covers(a, unit) for a in _assignments(user))


def can_any(user: User | AnonymousUser, action: str, units: Iterable[OrgUnit]) -> bool:
    return any(can(user, action, u) for u in units)


def can_read_agency_wide(user: User | AnonymousUser, action: str, agency: OrgUnit) -> bool:
    """For reading only: ``can``, or a role held anywhere inside ``agency``."""
    allowed = roles_for(action)
    if can(user, action, agency):
        return True
    return any(a.role in allowed and a.org_unit.agency_id == agency.pk for a in _assignments(user))


def can_manage_calendar(user: User | AnonymousUser) -> bool:
    """The national working-day calendar: a ``core.manage_calendar`` role held on a province
    unit (or a superuser). The same role on an agency or below does not count."""
    from qms.core.models import OrgUnit

    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    provinces = [a.org_unit for a in _assignments(user) if a.org_unit.kind == OrgUnit.Kind.PROVINCE]
    return any(can(user, "core.manage_calendar", p) for p in provinces)


def has_any_role(user: User | AnonymousUser, action: str) -> bool:
    """Does the user hold any role allowing ``action`` anywhere (menus, buttons)?"""
    if getattr(user, "is_superuser", False):
        return True
    allowed = roles_for(action)
    return any(a.role in allowed for a in _assignments(user))


def has_agency_role(user: User | AnonymousUser, action: str) -> bool:
    """Does the user hold a role allowing ``action`` over a whole agency (or a province)?

    For menu entries of agency-level pages (regulation dates, document settings): a role
    held on a school or a division does not open them, so it does not show them either.
    """
    from qms.core.models import OrgUnit

    if getattr(user, "is_superuser", False):
        return True
    allowed = roles_for(action)
    wide = {OrgUnit.Kind.AGENCY, OrgUnit.Kind.PROVINCE}
    return any(a.role in allowed and a.org_unit.kind in wide for a in _assignments(user))


def unit_scope_q(user: User | AnonymousUser, action: str, prefix: str = "") -> Q:
    """A filter on OrgUnit (or on ``prefix`` + unit lookups) for where ``action`` is allowed."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    allowed = roles_for(action)
    q = Q(pk__in=[])
    for a in _assignments(user):
        if a.role not in allowed:
            continue
        if a.include_subunits:
            q |= Q(**{f"{prefix}path__startswith": a.org_unit.path})
        else:
            q |= Q(**{f"{prefix}pk": a.org_unit.pk})
    return q


def agency_scope_q_for_reading(user: User | AnonymousUser, action: str, field: str = "agency") -> Q:
    """For reading only: a filter on agency-wide records (``field`` is the FK to the agency).

    One ``IN (subquery)`` on the record's own column rather than an OR across a join, so
    PostgreSQL reads the records through their agency index instead of scanning them."""
    from qms.core.models import OrgUnit

    allowed = roles_for(action)
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    scope = unit_scope_q(user, action)
    agencies = {
        a.org_unit.agency_id
        for a in _assignments(user)
        if a.role in allowed and a.org_unit.agency_id
    }
    if agencies:
        scope |= Q(pk__in=sorted(agencies))
    return Q(**{f"{field}_id__in": OrgUnit.objects.filter(scope).values("pk")})


def personal_unit_ids(user: User | AnonymousUser, action: str) -> list[int]:
    """Units (with subunits) where the user holds a role for ``action`` below agency level.

    An agency-wide role (the office over the whole Sở) does not make every task "mine".
    """
    from qms.core.models import OrgUnit

    allowed = roles_for(action)
    q = Q(pk__in=[])
    for a in _assignments(user):
        if a.role in allowed and a.org_unit.kind not in {
            OrgUnit.Kind.AGENCY,
            OrgUnit.Kind.PROVINCE,
        }:
            q |= Q(path__startswith=a.org_unit.path) if a.include_subunits else Q(pk=a.org_unit.pk)
    ids = memo(
        user,
        ("personal_unit_ids", action),
        lambda: tuple(OrgUnit.objects.filter(q).values_list("pk", flat=True)),
    )
    return list(ids)


def user_roles(user: User | AnonymousUser) -> set[Role]:
    return {Role(a.role) for a in _assignments(user)}
