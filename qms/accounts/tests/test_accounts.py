"""Sign-in, lockout, idle timeout, account management, roles, and the audit of it all."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD, PERSONAS
from qms.accounts.models import Role, RoleAssignment, User
from qms.audittrail.models import LogEntry

pytestmark = pytest.mark.django_db


def test_login_with_email_or_username(personas):
    for login in ("head_a@example.vn", "HEAD_A"):
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.get(reverse("planning:my_tasks")).status_code == 200


def test_wrong_password_keeps_the_typed_login(personas):
    response = Client().post(reverse("accounts:login"), {"username": "staff_a", "password": "x"})
    assert 'value="staff_a"' in response.content.decode()


def test_idle_session_is_signed_out(personas, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 15
    client = Client()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC), tick=False):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
        assert client.get(reverse("planning:plan_list")).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 10, tzinfo=datetime.UTC), tick=False):
        assert client.get(reverse("planning:plan_list")).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("planning:plan_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _session_writes(queries: list[dict[str, str]]) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith(('UPDATE "django_session"', 'INSERT INTO "django_session"'))
    )


def test_activity_stamp_is_written_at_most_once_a_minute(personas):
    client = Client()
    client.force_login(personas["staff_a"])
    url = reverse("planning:plan_list")
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with CaptureQueriesContext(connection) as first_minute:
        for second in (0, 10, 30, 59):
            with time_machine.travel(start + datetime.timedelta(seconds=second), tick=False):
                assert client.get(url).status_code == 200
    assert _session_writes(first_minute.captured_queries) == 1
    with (
        CaptureQueriesContext(connection) as later,
        time_machine.travel(start + datetime.timedelta(seconds=61), tick=False),
    ):
        assert client.get(url).status_code == 200
    assert _session_writes(later.captured_queries) == 1


def test_password_reset_sends_a_vietnamese_email(personas):
    response = Client().post(reverse("accounts:password_reset"), {"email": "staff_a@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_admin_creates_a_user_and_it_is_logged(client_as, org, personas):
    response = client_as("agency_admin").post(
        reverse("accounts:user_create"),
        {
            "username": "moi",
            "last_name": "Trần Văn",
            "first_name": "Mới",
            "email": "moi@x.vn",
            "unit": org.div_a.pk,
            "language": "vi",
            "password": "Mot-mat-khau-dai-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    entry = LogEntry.objects.for_object(user).get(action="accounts.user.created")
    assert entry.changes["username"] == [None, "moi"]
    assert "password" not in entry.changes


def test_bad_user_form_keeps_input(client_as, org, personas):
    response = client_as("agency_admin").post(
        reverse("accounts:user_create"),
        {
            "username": "head_a",
            "last_name": "Lê",
            "first_name": "Thị",
            "email": "nope",
            "unit": org.div_a.pk,
            "language": "vi",
            "password": "123",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="Lê"' in content and "is-invalid" in content


def test_role_assignment_and_revocation_are_logged(client_as, personas, org):
    target = personas["staff_a"]
    client = client_as("agency_admin")
    client.post(
        reverse("accounts:user_role_add", kwargs={"pk": target.pk}),
        {"role": Role.AUDITOR, "org_unit": org.agency.pk, "include_subunits": "on"},
    )
    assignment = RoleAssignment.objects.get(user=target, role=Role.AUDITOR)
    client.post(
        reverse(
            "accounts:user_role_remove", kwargs={"pk": target.pk, "assignment_pk": assignment.pk}
        )
    )
    actions = list(LogEntry.objects.for_object(target).values_list("action", flat=True))
    assert "accounts.role.assigned" in actions and "accounts.role.revoked" in actions


def test_admin_cannot_give_roles_outside_scope(client_as, personas, org):
    target = personas["staff_a"]
    client_as("agency_admin").post(
        reverse("accounts:user_role_add", kwargs={"pk": target.pk}),
        {"role": Role.LEADER, "org_unit": org.other_agency.pk},
    )
    assert not RoleAssignment.objects.filter(user=target, org_unit=org.other_agency).exists()


def test_deactivated_user_cannot_sign_in_and_is_not_deleted(client_as, personas):
    target = personas["staff_a"]
    client_as("agency_admin").post(
        reverse("accounts:user_set_active", kwargs={"pk": target.pk}), {"active": "0"}
    )
    target.refresh_from_db()
    assert not target.is_active
    response = Client().post(
        reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_admin_cannot_deactivate_self(client_as, personas):
    me = personas["agency_admin"]
    client_as("agency_admin").post(
        reverse("accounts:user_set_active", kwargs={"pk": me.pk}), {"active": "0"}
    )
    me.refresh_from_db()
    assert me.is_active


def test_profile_language_switches_the_interface(client_as, personas):
    client = client_as("staff_a")
    client.post(
        reverse("accounts:profile"),
        {"last_name": "Nguyễn", "first_name": "A", "email": "staff_a@example.vn", "language": "en"},
    )
    assert client.cookies["django_language"].value == "en"
    assert User.objects.get(username="staff_a").language == "en"


ALL = list(PERSONAS)


@pytest.mark.parametrize("persona", ALL)
def test_account_pages_matrix(client_as, personas, persona):
    target = personas["staff_a"]
    admins = {"agency_admin", "sysadmin"}
    expected_list = 200 if persona in admins else 403
    expected_detail = 200 if persona in admins else 403
    client = client_as(persona)
    assert client.get(reverse("accounts:user_list")).status_code == expected_list
    assert client.get(reverse("accounts:user_create")).status_code == expected_list
    for name in ("user_detail", "user_edit"):
        url = reverse(f"accounts:{name}", kwargs={"pk": target.pk})
        assert client.get(url).status_code == expected_detail, name
    for name in ("user_set_active", "user_role_add"):
        url = reverse(f"accounts:{name}", kwargs={"pk": target.pk})
        assert client.post(url, {"active": "1"}).status_code == (
            302 if persona in admins else 403
        ), name
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_agency_admin_gets_404_for_another_agencys_user(client_as, personas):
    url = reverse("accounts:user_detail", kwargs={"pk": personas["outsider"].pk})
    assert client_as("agency_admin").get(url).status_code == 404
    assert client_as("sysadmin").get(url).status_code == 200


def test_role_remove_route_matrix(client_as, personas):
    target = personas["staff_a"]
    assignment = target.role_assignments.get()
    url = reverse(
        "accounts:user_role_remove", kwargs={"pk": target.pk, "assignment_pk": assignment.pk}
    )
    assert client_as("staff_a").post(url).status_code == 403
    assert client_as("outsider").post(url).status_code == 403
    assert client_as("agency_admin").get(url).status_code == 405
    assert client_as("agency_admin").post(url).status_code == 302


def test_public_pages_need_no_login():
    client = Client()
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200, name
    assert client.get(reverse("planning:plan_list")).status_code == 302
