from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.core.forms import BaseForm, BaseModelForm
from qms.notifications import kinds, webhooks
from qms.notifications.models import (
    Channel,
    NotificationSettings,
    ReminderPolicy,
    State,
)
from qms.notifications.services import default_enabled

USER_CHANNELS = [Channel.IN_APP, Channel.EMAIL]


class InboxFilterForm(BaseForm):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All")), ("unread", _("Unread"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=lambda: [("", _("All kinds")), *kinds.choices()]
    )


class OutboxFilterForm(BaseForm):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[
            ("", _("All channels")),
            (Channel.EMAIL, Channel.EMAIL.label),
            (Channel.WEBHOOK, Channel.WEBHOOK.label),
        ],
    )
    q = forms.CharField(label=_("Recipient or subject"), required=False, max_length=100)


class PreferencesForm(BaseForm):
    """E-mail mode, digest hour and one checkbox per kind and channel."""

    email_mode = forms.ChoiceField(
        label=_("E-mail"),
        choices=NotificationSettings.EmailMode.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    digest_hour = forms.IntegerField(
        label=_("Digest hour"),
        min_value=0,
        max_value=23,
        help_text=_("The daily digest is sent at this hour on working days."),
    )

    def __init__(self, *args: Any, enabled: dict[tuple[str, str], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matrix: list[tuple[str, list[forms.BoundField]]] = []
        for kind in kinds.switchable():
            row = []
            for channel in USER_CHANNELS:
                name = f"{kind}__{channel}"
                self.fields[name] = forms.BooleanField(
                    label=f"{kind.label} — {channel.label}",
                    required=False,
                    initial=enabled.get(
                        (kind.value, channel), default_enabled(kind.value, channel)
                    ),
                )
                row.append(self[name])
            self.matrix.append((str(kind.label), row))

    def enabled(self) -> dict[tuple[str, str], bool]:
        return {
            (kind.value, channel.value): bool(self.cleaned_data.get(f"{kind}__{channel}"))
            for kind in kinds.switchable()
            for channel in USER_CHANNELS
        }


class PolicyForm(BaseModelForm):
    webhook_url = forms.URLField(
        label=_("webhook URL"), required=False, max_length=200, assume_scheme="https"
    )
    webhook_secret = forms.CharField(
        label=_("webhook secret"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current secret."),
    )

    class Meta:
        model = ReminderPolicy
        fields = [
            "days_before",
            "on_due_day",
            "overdue_every_days",
            "escalate_head_after_days",
            "escalate_office_after_days",
            "send_hour",
            "weekly_summary",
            "webhook_enabled",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webhook_url"].initial = self.instance.webhook_url

    def clean_webhook_url(self) -> str:
        url: str = self.cleaned_data.get("webhook_url") or ""
        if url:
            try:
                webhooks.vet(url)
            except webhooks.WebhookRefused as exc:
                raise forms.ValidationError(str(exc), code="webhook_refused") from exc
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("webhook_secret"):
            data["webhook_secret"] = self.instance.webhook_secret
        if data.get("webhook_enabled") and not data.get("webhook_url"):
            self.add_error("webhook_url", _("Give the URL the webhook should post to."))
        if data.get("webhook_enabled") and not data.get("webhook_secret"):
            self.add_error("webhook_secret", _("Set a secret to sign the webhook messages."))
        head, office = data.get("escalate_head_after_days"), data.get("escalate_office_after_days")
        if head and office and office < head:
            self.add_error(
                "escalate_office_after_days",
                _("Escalate to the office no earlier than to the unit head."),
            )
        return data
