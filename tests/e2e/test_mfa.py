"""Two-step sign-in in a real browser (issue 12, acceptance 6).

An agency admin signs in, can reach only the enrolment page, enrols with a code computed
by pyotp from the secret shown, keeps the recovery codes, signs out; signs in again with
password + code; without a code no page answers; a recovery code works once.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, build_org, make_user

VERIFY = re.compile(r"/accounts/mfa/verify/(\?next=.*)?$")


@pytest.fixture
def admin(transactional_db, settings):
    from qms.accounts.models import Role

    settings.EISO_MFA_REQUIRED_FOR_ADMINS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    org = build_org()
    return make_user("qtv", org.office, Role.AGENCY_ADMIN, org.agency)


def _password(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "qtv")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _forget_last_step(user) -> None:
    """django-otp accepts a code once per 30 s step; the test does not wait for the next."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).update(last_t=-1)


def test_admin_enrols_then_signs_in_with_a_code(page: Page, live_server, admin, shot):
    base = live_server.url
    _password(page, base)
    expect(page).to_have_url(re.compile(r"/accounts/mfa/setup/(\?next=.*)?$"))
    page.goto(f"{base}/plans/")
    expect(page).to_have_url(
        re.compile(r"/accounts/mfa/setup/(\?next=.*)?$")
    )  # nothing else answers
    expect(page.locator("#mfa-qr svg")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#mfa-secret").inner_text().strip())
    shot(page, "mfa-01-enrol")
    page.fill("#mfa-setup input[name=code]", totp.now())
    page.click("#mfa-setup button[type=submit]")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "mfa-02-recovery-codes")

    # Password alone: every page sends back to the second step.
    _password(page, base)
    expect(page).to_have_url(VERIFY)
    for path in ("/plans/", "/accounts/users/", "/accounts/profile/", "/documents/"):
        page.goto(f"{base}{path}")
        expect(page).to_have_url(VERIFY)
    _forget_last_step(admin)
    page.fill("#mfa-verify input[name=code]", totp.now())
    page.click("#mfa-verify button[type=submit]")
    expect(page).not_to_have_url(VERIFY)
    page.goto(f"{base}/accounts/users/")
    expect(page).to_have_url(re.compile(r"/accounts/users/$"))

    # A recovery code works once.
    for attempt in range(2):
        _password(page, base)
        page.fill("#mfa-verify input[name=code]", codes[0])
        page.click("#mfa-verify button[type=submit]")
        if attempt == 0:
            expect(page).not_to_have_url(VERIFY)
            page.goto(f"{base}/plans/")
            expect(page).to_have_url(re.compile(r"/plans/$"))
        else:
            expect(page).to_have_url(VERIFY)
            expect(page.locator(".invalid-feedback, .error-summary").first).to_be_visible()
    shot(page, "mfa-03-recovery-code-used-twice")
