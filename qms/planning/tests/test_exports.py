"""The plan downloads: a failed PDF conversion shows the generic message only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from qms.accounts.models import User
from qms.planning.tests.factories import make_plan
from qms.reports.tests.test_pdf_limits import SECRET, english, fake, scratch

__all__ = ["english", "fake", "scratch"]  # the converter fixtures, used by name


@pytest.mark.django_db
def test_plan_pdf_page_shows_the_generic_message(
    fake: Path,
    scratch: Path,
    monkeypatch: pytest.MonkeyPatch,
    org: Any,
    personas: dict[str, User],
    client_as: Callable[[str], Client],
) -> None:
    monkeypatch.setenv("FAKE_MODE", "fail")
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=1)
    client = client_as("iso_office")
    client.cookies["django_language"] = "en"

    response = client.get(reverse("planning:plan_export_pdf", args=[plan.pk]))

    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1 and SECRET not in shown[0] and "Traceback" not in shown[0]
