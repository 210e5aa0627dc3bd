"""The append-only log of every change ISO cares about (nhật ký hệ thống)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from qms.core.models import OrgUnit

if TYPE_CHECKING:
    from qms.accounts.models import User


class LogEntryQuerySet(models.QuerySet["LogEntry"]):
    def visible_to(self, user: User) -> LogEntryQuerySet:
        from qms.accounts import permissions

        return self.filter(permissions.unit_scope_q(user, "audittrail.view_log", prefix="unit__"))

    def for_object(self, obj: models.Model) -> LogEntryQuerySet:
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class LogEntry(models.Model):
    """Who did what to which record, when, from where, with the values before and after.

    ``changes`` maps a field name to ``[before, after]`` (JSON-ready values).
    ``unit`` is the organisation unit the record belongs to, for scoping the log.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("record"), max_length=300)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # History tab: one object's entries, newest first.
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="log_object_idx"
            ),
            # Audit log pages: keyset on (time, id) newest first.
            models.Index(fields=["-created_at", "-id"], name="log_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only from the application: an entry is written once, never changed.
        if self.pk is not None:
            raise RuntimeError("Log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Log entries are append-only.")
