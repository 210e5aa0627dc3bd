"""The outbox: every notification is a row first, written in the transaction of the
change that caused it, and sent later by ``run_periodic``.

One row per recipient and channel (e-mail, in eISO); a webhook row has no recipient: one
delivery per event, not one per person. ``dedupe_key`` is unique: a reminder occurrence
("task 12, due in 3 days, due date 2026-03-10, e-mail") can be written only once, however
many passes run or overlap. ``kind`` is one of the kinds the apps registered
(``qms.notifications.kinds``).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.notifications import kinds

if TYPE_CHECKING:
    from qms.accounts.models import User


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In eISO")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    HELD = "held", _("Held for digest")
    DIGESTED = "digested", _("Sent in a digest")
    DEAD = "dead", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def in_app_for(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user, channel=Channel.IN_APP)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="notifications",
        null=True,
        blank=True,
        help_text=_("Empty for a webhook delivery: one per event."),
    )
    agency = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=kinds.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the attempt of the current claim started; empty while claimed but not yet tried
    # (such a row goes back to pending if its pass dies).
    attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox_idx"),
            models.Index(
                fields=["state", "next_attempt_at"],
                name="notif_pending_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        to = self.recipient if self.recipient_id else self.agency
        return f"{self.get_channel_display()} → {to}: {self.subject}"


class NotificationSettings(models.Model):
    """Per user: immediate e-mail or a daily digest, and the calendar-feed token."""

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Once a day, in a digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_mode = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"),
        default=7,
        validators=[MaxValueValidator(23)],
        help_text=_("The daily digest is sent at this hour on working days."),
    )
    last_digest_on = models.DateField(null=True, blank=True, editable=False)
    ics_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    ics_token_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class NotificationPreference(models.Model):
    """An exception to the defaults: this kind on this channel is on or off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=30, choices=kinds.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notif_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel} {self.enabled}"


def _validate_offsets(value: str) -> None:
    try:
        days = [int(p) for p in value.replace(" ", "").split(",") if p]
    except ValueError:
        raise ValidationError(
            _("Write whole numbers of days separated by commas, e.g. 7,3,1.")
        ) from None
    if any(d < 1 or d > 60 for d in days):
        raise ValidationError(_("Each number of days must be between 1 and 60."))


class ReminderPolicy(models.Model):
    """When an agency's reminders go out, and its optional outgoing webhook."""

    agency = models.OneToOneField(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="reminder_policy"
    )
    days_before = models.CharField(
        _("remind days before the due date"),
        max_length=50,
        default="7,3,1",
        validators=[_validate_offsets],
        help_text=_("Comma-separated, e.g. 7,3,1."),
    )
    on_due_day = models.BooleanField(_("remind on the due day"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("repeat overdue reminders every (days)"), default=3
    )
    escalate_head_after_days = models.PositiveSmallIntegerField(
        _("escalate to the unit head after (days overdue)"), default=3
    )
    escalate_office_after_days = models.PositiveSmallIntegerField(
        _("escalate to the office after (days overdue)"), default=7
    )
    send_hour = models.PositiveSmallIntegerField(
        _("send reminders from (hour)"), default=7, validators=[MaxValueValidator(23)]
    )
    weekly_summary = models.BooleanField(_("weekly summary to the office"), default=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=128,
        blank=True,
        help_text=_(
            "Messages are signed with HMAC-SHA256 of the timestamp and the body with this secret."
        ),
    )
    webhook_enabled = models.BooleanField(_("send to the webhook"), default=False)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self) -> str:
        return str(self.agency)

    def offsets(self) -> list[int]:
        days = sorted({int(p) for p in self.days_before.replace(" ", "").split(",") if p})
        return sorted(days, reverse=True)


class PeriodicMark(models.Model):
    """ "This job ran for this scope on this day" (reminders per agency, weekly summaries).

    Overlapping passes may both do the work; the unique keys of the outbox make the
    second one write nothing.
    """

    name = models.CharField(max_length=40)
    day = models.DateField()
    scope_id = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "day", "scope_id"], name="periodic_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.day} {self.scope_id}"
