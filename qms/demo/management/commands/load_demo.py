"""Load the demo organisation, people and plans (safe to run again)."""

from typing import Any

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
