"""The second sign-in step and the user's own MFA settings (enrol, codes, disable)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qms.accounts import mfa
from qms.core.forms import BaseForm
from qms.core.http import AuthedRequest


class CodeForm(BaseForm):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy("The 6 digits shown by your authenticator app, or a recovery code."),
    )


class DisableForm(CodeForm):
    password = forms.CharField(
        label=gettext_lazy("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@require_http_methods(["GET", "POST"])
def mfa_setup(request: AuthedRequest) -> HttpResponse:
    """Show a secret and its QR code; a correct code confirms it and shows recovery codes."""
    user = request.user
    device = mfa.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrol(request, user, form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, _("Two-step sign-in is on."))
            return render(request, "accounts/mfa_codes.html", {"codes": codes})
        form.add_error("code", _("This code is not correct. Check the time on your phone."))
    context = {
        "form": form,
        "secret": mfa.secret_base32(device),
        "qr": mfa.qr_svg(device),
        "required": mfa.is_required(user),
        "enrolled": mfa.is_enrolled(user),
    }
    return render(request, "accounts/mfa_setup.html", context)


@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthedRequest) -> HttpResponse:
    """Second step after the password."""
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, request.user, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("This code is not correct or was already used."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


def _next(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_POST
def mfa_disable(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = DisableForm(request.POST)
    ok = (
        form.is_valid()
        and user.check_password(form.cleaned_data["password"])
        and mfa.check_code(user, form.cleaned_data["code"])
    )
    if not ok:
        messages.error(request, _("Enter your current password and a code from your app."))
    elif mfa.is_required(user):
        messages.error(request, _("Administrators must keep two-step sign-in."))
    else:
        mfa.disable(request, user)
        messages.success(request, _("Two-step sign-in is off."))
    return redirect("accounts:profile")


@require_POST
def mfa_codes(request: AuthedRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); asks for a code from the app."""
    form = CodeForm(request.POST)
    if not (form.is_valid() and mfa.check_code(request.user, form.cleaned_data["code"])):
        messages.error(request, _("Enter a code from your app to get new recovery codes."))
        return redirect("accounts:profile")
    codes = mfa.regenerate_codes(request.user)
    return render(request, "accounts/mfa_codes.html", {"codes": codes})
