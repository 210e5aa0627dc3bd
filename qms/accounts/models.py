"""Users and their roles, each scoped to a subtree of the organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from qms.core.models import OrgUnit


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    LEADER = "leader", _("Leadership")
    ISO_OFFICER = "iso_officer", _("ISO committee / office")
    UNIT_HEAD = "unit_head", _("Unit head")
    STAFF = "staff", _("Staff")
    AUDITOR = "auditor", _("Internal auditor")
    OVERSEER = "overseer", _("Overseer (read-only)")


class User(AbstractUser):
    """A person. Deactivated, never deleted, once they own records."""

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position_title = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email",
                violation_error_message=_("Another account already uses this e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Vietnamese order: family name first ("Đỗ Văn Khải").
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username


class RoleAssignment(models.Model):
    """``user`` holds ``role`` over ``org_unit`` (and its subunits unless told otherwise)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    include_subunits = models.BooleanField(_("including subunits"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"],
                name="accounts_roleassignment_unique",
                violation_error_message=_("This user already has this role in this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.org_unit}"


class CommitteeMember(models.Model):
    """Membership of a committee that spans units (Ban ISO)."""

    committee = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="committee_members",
        limit_choices_to={"kind": OrgUnit.Kind.COMMITTEE},
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="committee_memberships")
    position = models.CharField(_("position in committee"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"], name="accounts_committeemember_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.position or self.committee}"


class SignInThrottle(models.Model):
    """Failed sign-ins and reset requests counted per key (an IP, an account on an IP, …).

    A key is locked for ``LOGIN_LOCKOUT_MINUTES`` once it reaches its limit within that
    window. Rows are counters, not records: they are deleted when a window is cleared.
    """

    key = models.CharField(max_length=300, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return self.key
