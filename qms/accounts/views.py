"""Sign-in, own profile, and account management for administrators in their scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import grants, permissions, services, throttle
from qms.accounts.forms import (
    LoginForm,
    ProfileForm,
    RoleForm,
    ThrottledPasswordResetForm,
    UserForm,
)
from qms.accounts.models import Role, RoleAssignment, User
from qms.audittrail.models import LogEntry
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A successful reset clears the account's sign-in locks and is logged."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        throttle.clear_account(form.user)
        services.password_changed(actor=form.user, user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user  # the authenticated user whose password was changed
        services.password_changed(actor=user, user=user)
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form


def _manage_units(user: Any) -> QuerySet[OrgUnit]:
    return grants.manage_units(user)


def _users_in_scope(user: Any) -> QuerySet[User]:
    return grants.manageable_users(user)


def _role_form(request: AuthedRequest, data: Any = None) -> RoleForm:
    units = _manage_units(request.user).order_by("path")
    return RoleForm(data, units=units, roles=grants.grantable_roles(request.user))


def _get_user_for_admin(request: AuthedRequest, pk: int) -> User:
    """A user the admin manages (home unit and every role in scope, not a superuser)
    else 404; non-admins get 403."""
    if not permissions.has_any_role(request.user, "accounts.manage_users"):
        raise PermissionDenied
    return get_object_or_404(_users_in_scope(request.user).select_related("unit"), pk=pk)


@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = (
        ProfileForm(request.POST or None, user=user)
        if request.method == "POST"
        else ProfileForm(user=user)
    )
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=user, user=user, data=form.cleaned_data)
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:profile")
        response.set_cookie("django_language", form.cleaned_data["language"], samesite="Lax")
        return response
    roles = user.role_assignments.select_related("org_unit")
    return render(request, "accounts/profile.html", {"form": form, "roles": roles, **_mfa(user)})


def _mfa(user: User) -> dict[str, Any]:
    from django_otp.plugins.otp_static.models import StaticToken

    from qms.accounts import mfa
    from qms.accounts.views_mfa import CodeForm, DisableForm

    enrolled = mfa.is_enrolled(user)
    left = StaticToken.objects.filter(device__user=user).count() if enrolled else None
    return {
        "mfa_enrolled": enrolled,
        "mfa_required": mfa.is_required(user),
        "recovery_left": left,
        "code_form": CodeForm(auto_id="codes_%s"),
        "disable_form": DisableForm(auto_id="disable_%s"),
    }


SORTS = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "username": ("username",),
    "-username": ("-username",),
    "unit": ("unit__name", "last_name"),
    "-unit": ("-unit__name", "last_name"),
}


@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    if not permissions.has_any_role(request.user, "accounts.manage_users"):
        raise PermissionDenied
    users = (
        _users_in_scope(request.user)
        .select_related("unit")
        .prefetch_related("role_assignments__org_unit")
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
        )
    unit = request.GET.get("unit", "")
    units = _manage_units(request.user).order_by("path")
    if unit.isdigit():
        chosen = units.filter(pk=unit).first()
        if chosen:
            users = users.filter(unit__path__startswith=chosen.path)
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role_assignments__role=role).distinct()
    sort = request.GET.get("sort", "name")
    users = users.order_by(*SORTS.get(sort, SORTS["name"]))
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": q,
            "units": units,
            "unit": unit,
            "roles": Role.choices,
            "role": role,
            "sort": sort,
        },
    )


@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    if not permissions.has_any_role(request.user, "accounts.manage_users"):
        raise PermissionDenied
    form = UserForm(request.POST or None, units=_manage_units(request.user).order_by("path"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password")
        user = services.user_create(actor=request.user, password=password, **data)
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@require_GET
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _get_user_for_admin(request, pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "roles": target.role_assignments.select_related("org_unit"),
            "role_form": _role_form(request),
            "is_self": target.pk == request.user.pk,
            "history": LogEntry.objects.for_object(target).select_related("actor")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _get_user_for_admin(request, pk)
    units = _manage_units(request.user).order_by("path")
    form = (
        UserForm(request.POST or None, units=units, instance=target)
        if request.method == "POST"
        else UserForm(units=units, instance=target)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, data=form.cleaned_data)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@require_POST
def user_role_add(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _get_user_for_admin(request, pk)
    form = _role_form(request, request.POST)
    if form.is_valid():
        try:
            services.role_assign(actor=request.user, user=target, **form.cleaned_data)
        except services.AccountError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Role added."))
    else:
        messages.error(request, _("Choose a role you may grant and a unit in your scope."))
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
def user_role_remove(request: AuthedRequest, pk: int, assignment_pk: int) -> HttpResponse:
    target = _get_user_for_admin(request, pk)
    assignment = get_object_or_404(
        RoleAssignment.objects.filter(org_unit__in=_manage_units(request.user)),
        pk=assignment_pk,
        user=target,
    )
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
def user_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _get_user_for_admin(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=target, active=active)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Account reactivated.") if active else _("Account deactivated.")
        )
    return redirect("accounts:user_detail", pk=target.pk)
