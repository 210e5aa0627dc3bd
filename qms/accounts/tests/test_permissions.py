"""Who may open and change accounts and roles (persona × route × method × status, issue 12 H4).

Each row: (url name, method, persona, target account, form data, status, changes?). After a
refused request the target's roles, e-mail, position and active flag are as before.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from conftest import PERSONAS, fresh, make_user, shared_org
from qms.accounts import urls as accounts_urls
from qms.accounts.models import Role, User

ADMINS = ("agency_admin", "sysadmin")
OTHERS = tuple(p for p in PERSONAS if p not in ADMINS)
EVERYONE = (*ADMINS, *OTHERS)

EDIT = {"position_title": "Chuyên viên chính"}
GRANT_AUDITOR = {"role": Role.AUDITOR, "org_unit": "div_a"}
DEACTIVATE = {"active": "0"}

# Pages every signed-in person may open (their own account, the sign-in pages).
SELF_SERVICE = [
    ("accounts:profile", "get", 200),
    ("accounts:password_change", "get", 200),
    ("accounts:password_reset", "get", 200),
    ("accounts:password_reset_done", "get", 200),
    ("accounts:password_reset_confirm", "get", 200),
    ("accounts:password_reset_complete", "get", 200),
    ("accounts:login", "get", 302),
    ("accounts:logout", "post", 302),
    ("accounts:mfa_setup", "get", 200),
    ("accounts:mfa_verify", "get", 200),
    ("accounts:mfa_disable", "post", 302),
    ("accounts:mfa_codes", "post", 302),
    # posted with nothing (or a wrong code): refused by the form, nothing changes
    ("accounts:profile", "post", 200),
    ("accounts:password_change", "post", 200),
    ("accounts:password_reset", "post", 200),
    ("accounts:password_reset_confirm", "post", 200),
    ("accounts:login", "post", 302),
    ("accounts:mfa_verify", "post", 200),
]
ADMIN_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("accounts:user_list", "get", None),
    ("accounts:user_create", "get", None),
    ("accounts:user_detail", "get", None),
    ("accounts:user_edit", "get", None),
    ("accounts:user_edit", "post", EDIT),
    ("accounts:user_role_add", "post", GRANT_AUDITOR),
    ("accounts:user_role_remove", "post", {}),
    ("accounts:user_set_active", "post", DEACTIVATE),
]


def _admin_status(method: str, admin: bool) -> int:
    if not admin:
        return 403
    return 200 if method == "get" else 302


MATRIX: list[tuple[str, str, str, str, dict[str, Any] | None, int, bool]] = (
    [
        (name, method, persona, "staff_a", None, status, False)
        for name, method, status in SELF_SERVICE
        for persona in EVERYONE
    ]
    + [
        # posting the self-service MFA forms as another user changes nothing of theirs
        ("accounts:mfa_setup", "post", persona, "staff_a", {"code": "123456"}, 200, False)
        for persona in EVERYONE
    ]
    + [
        (
            name,
            method,
            persona,
            "staff_a",
            data,
            _admin_status(method, persona in ADMINS),
            method == "post" and persona in ADMINS,
        )
        for name, method, data in ADMIN_ROUTES
        for persona in EVERYONE
    ]
)
# An agency admin trying to grant wider roles or to touch accounts outside its scope.
MATRIX += [
    ("accounts:user_role_add", "post", "agency_admin", "agency_admin",
     {"role": Role.LEADER, "org_unit": "agency"}, 302, False),
    ("accounts:user_role_add", "post", "agency_admin", "agency_admin",
     {"role": Role.SYSTEM_ADMIN, "org_unit": "agency"}, 302, False),
    ("accounts:user_role_add", "post", "agency_admin", "staff_a",
     {"role": Role.SYSTEM_ADMIN, "org_unit": "agency"}, 302, False),
    ("accounts:user_role_add", "post", "agency_admin", "staff_a",
     {"role": Role.STAFF, "org_unit": "other_div"}, 302, False),
    ("accounts:user_role_add", "post", "sysadmin", "staff_a",
     {"role": Role.SYSTEM_ADMIN, "org_unit": "province"}, 302, False),
    ("accounts:user_role_remove", "post", "agency_admin", "agency_admin", {}, 302, False),
    ("accounts:user_set_active", "post", "agency_admin", "agency_admin", DEACTIVATE, 302, False),
    *[("accounts:user_create", "post", p, "staff_a", {}, 200 if p in ADMINS else 403, False)
      for p in EVERYONE],
    ("accounts:user_role_add", "post", "root", "staff_a",
     {"role": Role.SYSTEM_ADMIN, "org_unit": "province"}, 302, True),
]  # fmt: skip
for _target in ("root", "sysadmin", "dual", "outsider"):
    MATRIX += [
        (name, method, "agency_admin", _target, data, 404, False)
        for name, method, data in ADMIN_ROUTES
        if name not in {"accounts:user_list", "accounts:user_create"}
    ]


# One organisation and one set of accounts per module; each case runs in a savepoint.
org, personas = shared_org()


def _build_accounts(org, personas) -> dict[str, User]:
    """The personas, a superuser ``root`` and ``dual`` (home in the office, a role in Sở Y tế)."""
    root = make_user("root", org.province, None, None)
    root.is_superuser = root.is_staff = True
    root.save()
    dual = make_user("dual", org.office, Role.STAFF, org.other_div)
    return {**personas, "root": root, "dual": dual}


@pytest.fixture(scope="module")
def shared_accounts(module_org, module_personas, django_db_blocker) -> dict[str, User]:
    with django_db_blocker.unblock():
        return _build_accounts(module_org, module_personas)


@pytest.fixture
def accounts(db, shared_accounts) -> dict[str, User]:
    return fresh(shared_accounts)


def _state(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    roles = sorted(user.role_assignments.values_list("role", "org_unit_id"))
    return (roles, user.email, user.position_title, user.is_active)


def _url(name: str, target: User) -> str:
    if name == "accounts:password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "bad-token"})
    if name == "accounts:user_role_remove":
        assignment = target.role_assignments.first()
        pk = assignment.pk if assignment else 0
        return reverse(name, kwargs={"pk": target.pk, "assignment_pk": pk})
    if name in {"accounts:user_detail", "accounts:user_edit", "accounts:user_set_active"}:
        return reverse(name, kwargs={"pk": target.pk})
    if name == "accounts:user_role_add":
        return reverse(name, kwargs={"pk": target.pk})
    return reverse(name)


def _data(name: str, data: dict[str, Any] | None, target: User, org: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if name == "accounts:user_edit":
        fields = ("username", "last_name", "first_name", "email", "phone", "language")
        base = {f: getattr(target, f) for f in fields}
        return {**base, "unit": target.unit_id, **data}
    if "org_unit" in data:
        return {**data, "org_unit": getattr(org, data["org_unit"]).pk, "include_subunits": "on"}
    return data


def test_every_route_is_in_the_matrix() -> None:
    names = {
        f"{accounts_urls.app_name}:{p.name}"
        for p in accounts_urls.urlpatterns
        if isinstance(p, URLPattern)
    }
    assert names == {row[0] for row in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "method", "persona", "target", "data", "status", "changes"), MATRIX
)
def test_permission_matrix(
    org, accounts, url_name, method, persona, target, data, status, changes
) -> None:
    client = Client()
    client.force_login(accounts[persona])
    victim = accounts[target]
    before = _state(victim)
    send = client.post if method == "post" else client.get
    response = send(_url(url_name, victim), _data(url_name, data, victim, org))
    assert response.status_code == status
    assert (_state(victim) != before) is changes


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", [r[0] for r in ADMIN_ROUTES] + ["accounts:profile"])
def test_anonymous_is_sent_to_login(accounts, url_name: str) -> None:
    response = Client().get(_url(url_name, accounts["staff_a"]))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_role_form_offers_only_grantable_roles(client_as, personas) -> None:
    response = client_as("agency_admin").get(
        reverse("accounts:user_detail", args=[personas["staff_a"].pk])
    )
    choices = [v for v, _ in response.context["role_form"].fields["role"].choices]
    assert Role.SYSTEM_ADMIN not in choices and Role.LEADER in choices
    units = response.context["role_form"].fields["org_unit"].queryset
    assert not units.filter(code="SYT-HY").exists()
