"""Log out a session left idle longer than SESSION_IDLE_TIMEOUT_MINUTES."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

_KEY = "last_activity"
# The stamp is rewritten only when it is this old: a signed-in GET does not save the
# session on every request, and the timeout is still kept to the minute.
STAMP_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_KEY)
            limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            elif last is None or now - int(last) >= STAMP_EVERY_SECONDS:
                request.session[_KEY] = now
        return self.get_response(request)


# Pages a signed-in user may reach before the second step (and the enrolment, if required).
_MFA_OPEN = {"accounts:mfa_verify", "accounts:logout"}
_MFA_ENROL_OPEN = {"accounts:mfa_setup", "accounts:logout", "set_language"}


class MFAMiddleware:
    """Until the code is given (or, for admins, until enrolled) only those pages answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from qms.accounts import mfa

        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
            return self.get_response(request)
        match = _url_name(request)
        if request.session.get(mfa.SESSION_ENROLLED):
            if match in _MFA_OPEN or _is_static(request):
                return self.get_response(request)
            return redirect_to("accounts:mfa_verify", request)
        if mfa.is_required(user):  # type: ignore[arg-type]
            if match in _MFA_ENROL_OPEN or _is_static(request):
                return self.get_response(request)
            return redirect_to("accounts:mfa_setup", request)
        return self.get_response(request)


def _url_name(request: HttpRequest) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _is_static(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.STATIC_URL or "/static/")


def redirect_to(name: str, request: HttpRequest) -> HttpResponse:
    """Redirect to the step, keeping where a GET was going (``next``)."""
    from urllib.parse import urlencode

    from django.shortcuts import redirect
    from django.urls import reverse

    if request.method != "GET" or request.path_info == "/":
        return redirect(name)
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
