"""Browser tests: Playwright driving Debian's Chromium against the live test server.

With CI=true a browser test that cannot run fails instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("EISO_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts")
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 900},
        "locale": "vi-VN",
        "accept_downloads": True,
    }


@pytest.fixture
def shot() -> Callable:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def demo_data(transactional_db) -> Iterator[None]:
    from qms.demo.loader import load_demo

    load_demo()
    yield


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """Pages are opened with ``live_server.url``; this replaces pytest-playwright's
    own ``base_url`` fixture (an instance method that pytest 9 deprecates)."""
    return None


def sign_in(page, base: str, username: str) -> None:
    """Open a signed-in session for ``username`` without the sign-in form (cookie login).

    Tests about pages, not about signing in, use this; when a second factor becomes
    required for some roles, this is the one place that marks the session verified.
    """
    from django.conf import settings
    from django.test import Client

    from qms.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )
