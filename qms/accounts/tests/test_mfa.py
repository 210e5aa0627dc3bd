"""TOTP second step: enforced for admins, self-service for everyone, recovery codes."""

from __future__ import annotations

import base64

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from qms.audittrail.models import LogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforced(settings):
    settings.EISO_MFA_REQUIRED_FOR_ADMINS = True


def _login(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(user, *, fresh: bool = True) -> str:
    """The current code. A code is accepted once per 30 s step (replay protection): the
    tests forget the last used step instead of waiting for the next one."""
    device = TOTPDevice.objects.filter(user=user).latest("pk")
    if fresh:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def _enrol(client: Client, user) -> list[str]:
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": _code(user)})
    assert response.status_code == 200
    return list(response.context["codes"])


def test_an_admin_reaches_only_the_enrolment_page_until_enrolled(enforced, personas):
    client = _login("agency_admin")
    response = client.get(reverse("planning:plan_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert "<svg" in page and 'id="mfa-secret"' in page
    codes = _enrol(client, personas["agency_admin"])
    assert len(codes) == 10
    assert client.get(reverse("planning:plan_list")).status_code == 200
    assert LogEntry.objects.filter(action="accounts.mfa.enrolled").count() == 1


def test_after_enrolment_sign_in_asks_for_the_code(enforced, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # else a wrong code delays the next try (1 s, 2 s…)
    admin = personas["agency_admin"]
    _enrol(_login("agency_admin"), admin)
    client = _login("agency_admin")
    for name in ("planning:plan_list", "accounts:profile", "accounts:user_list"):
        location = client.get(reverse(name))["Location"]
        assert location.startswith(reverse("accounts:mfa_verify") + "?next=")
    bad = client.post(reverse("accounts:mfa_verify"), {"code": "000000"})
    assert bad.status_code == 200
    response = client.post(
        reverse("accounts:mfa_verify"), {"code": _code(admin), "next": "/accounts/users/"}
    )
    assert response["Location"] == "/accounts/users/"
    assert client.get(reverse("planning:plan_list")).status_code == 200


def test_a_recovery_code_works_once(enforced, personas):
    codes = _enrol(_login("sysadmin"), personas["sysadmin"])
    first = _login("sysadmin")
    assert first.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("planning:plan_list")).status_code == 200
    second = _login("sysadmin")
    assert second.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 200
    assert second.get(reverse("planning:plan_list")).status_code == 302
    assert LogEntry.objects.filter(action="accounts.mfa.recovery_code_used").count() == 1


def test_staff_may_enrol_and_disable_with_password_and_code(personas):
    staff = personas["staff_a"]
    client = _login("staff_a")
    assert client.get(reverse("planning:my_tasks")).status_code == 200  # not required
    _enrol(client, staff)
    client.post(reverse("accounts:mfa_disable"), {"password": "wrong", "code": _code(staff)})
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    client.post(reverse("accounts:mfa_disable"), {"password": PASSWORD, "code": _code(staff)})
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert LogEntry.objects.filter(action="accounts.mfa.disabled", actor=staff).exists()


def test_new_recovery_codes_replace_the_old(personas, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    staff = personas["staff_a"]
    client = _login("staff_a")
    old = _enrol(client, staff)
    response = client.post(reverse("accounts:mfa_codes"), {"code": _code(staff)})
    new = response.context["codes"]
    assert len(new) == 10 and not set(old) & set(new)
    again = _login("staff_a")
    assert again.post(reverse("accounts:mfa_verify"), {"code": old[1]}).status_code == 200
    assert again.post(reverse("accounts:mfa_verify"), {"code": new[1]}).status_code == 302


def test_without_enforcement_admins_sign_in_with_the_password(personas):
    assert _login("agency_admin").get(reverse("accounts:user_list")).status_code == 200


def test_a_code_cannot_be_replayed(enforced, personas):
    admin = personas["agency_admin"]
    _enrol(_login("agency_admin"), admin)
    first = _login("agency_admin")
    code = _code(admin)
    assert first.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    second = _login("agency_admin")
    assert second.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 200


def test_the_second_step_does_not_redirect_off_site(enforced, personas):
    admin = personas["agency_admin"]
    _enrol(_login("agency_admin"), admin)
    client = _login("agency_admin")
    response = client.post(
        reverse("accounts:mfa_verify"), {"code": _code(admin), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
