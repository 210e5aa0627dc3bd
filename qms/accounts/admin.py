"""Django admin for superusers only, read-only (see qms.core.admin_base).

Accounts and roles change in the eISO user pages, which check the granting rules and
write the audit trail; admin's password form is refused too.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qms.accounts.models import CommitteeMember, RoleAssignment, User
from qms.core.admin_base import ReadOnlyAdmin, ReadOnlyPermissions, ReadOnlyTabularInline


class RoleInline(ReadOnlyTabularInline):
    model = RoleAssignment


@admin.register(User)
class EisoUserAdmin(ReadOnlyPermissions, UserAdmin):  # type: ignore[type-arg]
    inlines = [RoleInline]
    actions = None
    fieldsets = (
        *UserAdmin.fieldsets,
        ("eISO", {"fields": ("unit", "position_title", "phone", "language")}),
    )  # type: ignore[misc]
    list_display = ("username", "last_name", "first_name", "unit", "is_active")


admin.site.register(CommitteeMember, ReadOnlyAdmin)

# eISO grants rights through roles on units, never through Django groups.
admin.site.unregister(Group)


@login_not_required
def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site signs in through eISO's form (throttles, one message, second step)."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect_to_login(next_url)


admin.site.login = _admin_login  # type: ignore[method-assign]


# Second-factor devices are enrolled and removed on eISO's own pages (audited); in the
# admin they are shown, never added or changed (django-otp registers editable admins).
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
    admin.site.register(_device, ReadOnlyAdmin)
