"""Load the demo organisation, people and plans (safe to run again)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from qms.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create the Hưng Yên demo data: units, one user per role, the 2022 plan as issued."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.name:<22} {login.roles}")
        if settings.EISO_MFA_REQUIRED_FOR_ADMINS:
            self.stdout.write(
                "Two-step sign-in is required for admin accounts: at first sign-in they are "
                "asked to scan a QR code with an authenticator app (or type its secret)."
            )
        else:
            self.stdout.write(
                "Two-step sign-in is optional here (EISO_MFA_REQUIRED_FOR_ADMINS=False); "
                "production requires it for admin accounts. Try it under My account."
            )
