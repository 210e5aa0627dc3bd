from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qms.accounts import throttle
from qms.accounts.models import Role, User
from qms.core.forms import BaseForm, BootstrapMixin
from qms.core.http import client_ip
from qms.core.models import OrgUnit


class LoginForm(BootstrapMixin, AuthenticationForm):
    """One message for an unknown login, a wrong password, an inactive or throttled account."""

    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Sign-in failed: the username/e-mail or password is not correct, or there were "
            "too many attempts (then wait %(minutes)s minutes or reset your password)."
        ),
        "inactive": _(
            "Sign-in failed: the username/e-mail or password is not correct, or there were "
            "too many attempts (then wait %(minutes)s minutes or reset your password)."
        ),
    }

    def clean(self) -> dict[str, Any]:
        login = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if not login or not password:
            return self.cleaned_data
        ip = client_ip(self.request) if self.request else None
        limits = throttle.login_limits(throttle.account_key(login), ip or "-")
        if throttle.is_blocked(limits):
            User().set_password(password)  # same time as a real check
            raise self.get_invalid_login_error()
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.record(limits)
            raise
        throttle.clear_account(self.get_user(), ip or "-")
        return data

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise self.get_invalid_login_error()

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"] % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            code="invalid_login",
        )


class ThrottledPasswordResetForm(BootstrapMixin, PasswordResetForm):
    """Reset requests are limited per address and per IP; the page looks the same."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        ip = (client_ip(self.request) if self.request else None) or "-"
        limits = throttle.reset_limits(self.cleaned_data["email"], ip)
        if throttle.is_blocked(limits):
            return  # silently: the response must not tell whether anything was sent
        throttle.record(limits)
        super().save(*args, **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return f"{'— ' * obj.depth}{obj.name}"


class UserForm(BaseForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    last_name = forms.CharField(label=_("Family and middle name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    position_title = forms.CharField(label=_("Position"), required=False, max_length=120)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("At least 10 characters; the user can change it."),
    )

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], instance: User | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                f: getattr(instance, f)
                for f in (
                    "username",
                    "last_name",
                    "first_name",
                    "email",
                    "unit",
                    "position_title",
                    "phone",
                    "language",
                )
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if instance is not None:
            del self.fields["password"]
        else:
            self.fields["password"].required = True

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        qs = User.objects.filter(username__iexact=username)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        qs = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password") or ""
        if "password" in self.fields:
            password_validation.validate_password(password)
        return password


class RoleForm(BaseForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit = UnitChoiceField(label=_("Over unit"), queryset=OrgUnit.objects.none())
    include_subunits = forms.BooleanField(
        label=_("Including its subunits"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], roles: list[Role], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]


class ProfileForm(BaseForm):
    last_name = forms.CharField(label=_("Family and middle name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    position_title = forms.CharField(label=_("Position"), required=False, max_length=120)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        if "data" not in kwargs and not args:
            kwargs["initial"] = {
                f: getattr(user, f) for f in self.base_fields if f != "current_password"
            }
        super().__init__(*args, **kwargs)
        self.user = user

    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your e-mail address."),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = data.get("email")
        password = data.pop("current_password", "")
        changed = email and email.lower() != (self.user.email or "").lower()
        if changed and not self.user.check_password(password):
            self.add_error(
                "current_password",
                _("Enter your current password to change your e-mail address."),
            )
        return data
