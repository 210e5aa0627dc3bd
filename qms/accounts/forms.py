from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qms.accounts.backends import is_locked
from qms.accounts.models import Role, User
from qms.core.forms import BaseForm, BootstrapMixin
from qms.core.models import OrgUnit


class LoginForm(BootstrapMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username/e-mail or password is not correct. After %(n)s failed "
            "attempts the account is locked for a while."
        ),
        "inactive": _("This account has been deactivated. Contact your administrator."),
        "locked": _("Too many failed attempts: this account is locked for %(minutes)s minutes."),
    }

    def clean(self) -> dict[str, Any]:
        login = self.cleaned_data.get("username") or ""
        if login and is_locked(login):
            raise self._locked()
        try:
            return super().clean()
        except forms.ValidationError:
            if login and is_locked(login):
                raise self._locked() from None
            raise

    def _locked(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["locked"] % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            code="locked",
        )

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"] % {"n": settings.LOGIN_MAX_FAILED_ATTEMPTS},
            code="invalid_login",
        )


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

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


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
            kwargs["initial"] = {f: getattr(user, f) for f in self.base_fields}
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email
