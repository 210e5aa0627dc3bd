"""The shared answer of workflow buttons (qms.core.transitions.run_transition)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from qms.core.transitions import run_transition


class StepRefused(Exception):
    """Stands for an area's domain error."""


def post(**headers: str) -> HttpRequest:
    request = RequestFactory().post("/step/", headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    return request


def flashed(request: HttpRequest) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_a_step_that_succeeds_says_so_and_redirects() -> None:
    request = post()
    calls: list[str] = []
    response = run_transition(
        request, lambda: calls.append("ran"), success="Done.", error=StepRefused, then="/plan/7/"
    )
    assert calls == ["ran"]
    assert response.status_code == 302
    assert response["Location"] == "/plan/7/"
    assert flashed(request) == [("success", "Done.")]


def test_a_refused_step_shows_the_domain_message_and_redirects() -> None:
    def refuse() -> None:
        raise StepRefused("This plan has already been approved.")

    request = post()
    response = run_transition(request, refuse, success="Done.", error=StepRefused, then="/plan/7/")
    assert response.status_code == 302
    assert response["Location"] == "/plan/7/"
    assert flashed(request) == [("error", "This plan has already been approved.")]


def test_other_errors_are_not_turned_into_messages() -> None:
    def crash() -> None:
        raise KeyError("bug")

    request = post()
    with pytest.raises(KeyError):
        run_transition(request, crash, success="Done.", error=StepRefused, then="/plan/7/")
    assert flashed(request) == []


def test_an_htmx_fragment_request_gets_a_client_redirect() -> None:
    request = post(**{"HX-Request": "true"})
    response = run_transition(request, lambda: None, success="Done.", error=StepRefused, then="/x/")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/x/"


def test_a_boosted_htmx_request_gets_an_ordinary_redirect() -> None:
    request = post(**{"HX-Request": "true", "HX-Boosted": "true"})
    response = run_transition(request, lambda: None, success="Done.", error=StepRefused, then="/x/")
    assert response.status_code == 302
    assert response["Location"] == "/x/"
