"""The answer of a workflow button: run one service step, say how it went, go back.

Every area's transition views (submit, approve, return, confirm, …) end the same way:
the service either succeeds, and the user reads ``success``, or raises the area's domain
error, whose translated message is shown instead; either way the user lands on the
object's page. The views keep their own scope check (``get_<entity>_for_user``) before
calling :func:`run_transition`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from qms.core.htmx import htmx_redirect


def run_transition(
    request: HttpRequest,
    step: Callable[[], object],
    *,
    success: str,
    error: type[Exception],
    then: str,
) -> HttpResponse:
    """Run ``step`` (a service call); flash ``success``, or the message of an ``error`` it
    raised; redirect to the URL ``then`` (a client redirect for an htmx fragment).

    Errors other than ``error`` propagate: only the area's domain errors are messages
    meant for users.
    """
    try:
        step()
    except error as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return htmx_redirect(request, then)
