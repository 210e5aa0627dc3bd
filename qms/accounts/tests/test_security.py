"""Issue 12: the H4 attacks as real requests, sign-in throttling, e-mail change (L2, L8)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user
from qms.accounts.models import Role, RoleAssignment, SignInThrottle, User
from qms.audittrail.models import LogEntry

pytestmark = pytest.mark.django_db


def _grant(client: Client, target: User, role: str, unit_pk: int):
    url = reverse("accounts:user_role_add", args=[target.pk])
    return client.post(url, {"role": role, "org_unit": unit_pk, "include_subunits": "on"})


def test_agency_admin_cannot_grant_itself_leader_or_system_admin(client_as, org, personas):
    admin = personas["agency_admin"]
    client = client_as("agency_admin")
    for role in (Role.LEADER, Role.SYSTEM_ADMIN):
        _grant(client, admin, role, org.agency.pk)
    assert list(admin.role_assignments.values_list("role", flat=True)) == [Role.AGENCY_ADMIN]
    assert not LogEntry.objects.filter(action="accounts.role.assigned").exists()


def test_agency_admin_cannot_grant_over_a_unit_outside_its_scope(client_as, org, personas):
    _grant(client_as("agency_admin"), personas["staff_a"], Role.STAFF, org.other_div.pk)
    assert not RoleAssignment.objects.filter(org_unit=org.other_div, role=Role.STAFF).exists()


def test_agency_admin_cannot_change_a_superusers_email(client_as, org, personas):
    root = make_user("root", org.office, None, None)
    User.objects.filter(pk=root.pk).update(is_superuser=True)
    response = client_as("agency_admin").post(
        reverse("accounts:user_edit", args=[root.pk]),
        {
            "username": "root",
            "last_name": "Nguyễn",
            "first_name": "Root",
            "email": "attacker@evil.example",
            "unit": org.office.pk,
            "language": "vi",
        },
    )
    assert response.status_code == 404
    assert User.objects.get(pk=root.pk).email == "root@example.vn"


def test_agency_admin_cannot_edit_a_user_holding_roles_elsewhere(client_as, org, personas):
    dual = make_user("dual", org.office, Role.STAFF, org.other_div)
    client = client_as("agency_admin")
    url = reverse("accounts:user_set_active", args=[dual.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    assert User.objects.get(pk=dual.pk).is_active


def test_a_grant_is_logged_with_before_and_after(client_as, org, personas):
    _grant(client_as("agency_admin"), personas["staff_a"], Role.AUDITOR, org.div_a.pk)
    entry = LogEntry.objects.get(action="accounts.role.assigned")
    assert entry.actor == personas["agency_admin"]
    before, after = entry.changes["role"]
    assert before is None and "Phòng GDTrH" in after


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_one_generic_message_for_unknown_wrong_and_locked(personas, settings):
    settings.LOGIN_MAX_FAILED_ATTEMPTS = 2
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the page's language comes from the request
    for _ in range(2):
        _login(client, "staff_a", "wrong")
    bodies = [
        _login(client, "nobody", "wrong").content.decode(),
        _login(client, "staff_a", "wrong").content.decode(),
        _login(client, "staff_a", PASSWORD).content.decode(),  # locked: right password
    ]
    errors = {_error(b) for b in bodies}
    assert len(errors) == 1 and "Sign-in failed" in errors.pop()


def _error(body: str) -> str:
    start = body.index('id="login-error"')
    return body[start : body.index("</div>", start)]


def test_lock_is_per_account_and_ip_so_the_owner_still_signs_in(personas, settings):
    settings.LOGIN_MAX_FAILED_ATTEMPTS = 3
    attacker = Client()
    for _ in range(10):
        _login(attacker, "staff_a", "wrong", ip="203.0.113.9")
    assert _login(attacker, "staff_a", PASSWORD, ip="203.0.113.9").status_code == 200
    assert _login(Client(), "staff_a", PASSWORD, ip="198.51.100.7").status_code == 302


def test_one_ip_spraying_many_accounts_is_throttled(personas, settings):
    settings.LOGIN_IP_MAX_FAILED_ATTEMPTS = 4
    for name in ("staff_a", "head_a", "head_b", "leader"):
        _login(Client(), name, "wrong", ip="203.0.113.9")
    assert _login(Client(), "auditor", PASSWORD, ip="203.0.113.9").status_code == 200
    assert _login(Client(), "auditor", PASSWORD, ip="198.51.100.7").status_code == 302


def test_many_ips_on_one_account_throttle_it(personas, settings):
    settings.LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS = 5
    for i in range(5):
        _login(Client(), "staff_a", "wrong", ip=f"203.0.113.{i}")
    assert _login(Client(), "staff_a", PASSWORD, ip="198.51.100.7").status_code == 200


def test_password_reset_is_throttled_and_clears_the_lock(personas, settings):
    settings.PASSWORD_RESET_ADDRESS_MAX_REQUESTS = 2
    settings.LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS = 2
    for i in range(2):
        _login(Client(), "staff_a", "wrong", ip=f"203.0.113.{i}")
    for _ in range(4):
        response = Client().post(
            reverse("accounts:password_reset"), {"email": "staff_a@example.vn"}
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    client = Client()
    response = client.get(link[link.index("/accounts/") :], follow=True)
    new = "Mật-khẩu-mới-2026!"
    client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert not SignInThrottle.objects.filter(key__startswith="acct:").exists()
    assert _login(Client(), "staff_a", new, ip="198.51.100.7").status_code == 302


def test_changing_email_asks_for_the_current_password(client_as, personas):
    client = client_as("staff_a")
    data = {"last_name": "Nguyễn", "first_name": "A", "email": "new@example.vn", "language": "en"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert User.objects.get(username="staff_a").email == "staff_a@example.vn"
    assert 'value="new@example.vn"' in response.content.decode()
    response = client.post(reverse("accounts:profile"), {**data, "current_password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="staff_a").email == "new@example.vn"


def test_the_django_admin_signs_in_through_the_throttled_form():
    index = reverse("admin:index")
    response = Client().post(f"{reverse('admin:login')}?next={index}", {"username": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={index}"


def test_user_list_queries_do_not_grow_with_users(client_as, org, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("agency_admin")
    url = reverse("accounts:user_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        make_user(f"extra{i}", org.div_a, Role.STAFF, org.div_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), (len(few), len(many))  # measured: 15 and 15


def test_a_sign_in_costs_a_bounded_number_of_queries(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as failed:
        _login(Client(), "staff_a", "wrong")
    with CaptureQueriesContext(connection) as ok:
        _login(Client(), "staff_a", PASSWORD)
    assert len(failed) <= 22 and len(ok) <= 14, (len(failed), len(ok))  # measured: 21 and 12


def test_old_counters_are_forgotten(personas, settings):
    import datetime

    import time_machine

    settings.LOGIN_LOCKOUT_MINUTES = 15
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _login(Client(), "nobody-1", "wrong", ip="203.0.113.1")
    assert SignInThrottle.objects.filter(key__contains="nobody-1").exists()
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        _login(Client(), "nobody-2", "wrong", ip="203.0.113.2")
    assert not SignInThrottle.objects.filter(key__contains="nobody-1").exists()
    assert not SignInThrottle.objects.filter(key="ip:203.0.113.1").exists()
