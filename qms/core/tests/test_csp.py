"""Content-Security-Policy: sent everywhere, no inline code allowed, none left in templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from qms.accounts.models import User

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# E-mail bodies are read by mail clients, never served under our policy.
NOT_SERVED = {"notifications/email.html"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def _assert_strict(header: str) -> None:
    directives = _directives(header)
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]


@pytest.mark.django_db
def test_signed_in_page_sends_the_strict_policy(client_as) -> None:
    response = client_as("school_iso").get(reverse("notifications:inbox"))
    assert response.status_code == 200
    _assert_strict(response["Content-Security-Policy"])
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_sign_in_page_and_django_admin_send_it_too(db) -> None:
    anonymous = Client().get(reverse("accounts:login"))
    _assert_strict(anonymous["Content-Security-Policy"])
    root = Client()
    root.force_login(User.objects.create_superuser("root", "root@example.vn", "x"))
    admin_page = root.get(reverse("admin:index"))
    assert admin_page.status_code == 200
    _assert_strict(admin_page["Content-Security-Policy"])


def _served_templates() -> list[Path]:
    paths = sorted(TEMPLATES.rglob("*.html"))
    return [p for p in paths if str(p.relative_to(TEMPLATES)) not in NOT_SERVED]


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "inline <script>"),
        (HANDLER, "inline event handler"),
        (STYLE_ATTR, "style attribute"),
        (STYLE_TAG, "<style> element"),
    ],
)
def test_no_template_holds_inline_code(pattern: re.Pattern[str], what: str) -> None:
    templates = _served_templates()
    assert len(templates) > 50
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in templates
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == [], f"{what} in templates (blocked by the CSP): {offenders}"


def test_htmx_injects_no_indicator_style() -> None:
    base = (TEMPLATES / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base
    assert ".htmx-indicator" in (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
