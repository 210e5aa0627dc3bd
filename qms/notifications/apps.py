from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qms.notifications"
    label = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self) -> None:
        from qms.notifications import (
            checks,  # noqa: F401 - registers the system checks
            kinds,
            messages,
        )

        kinds.register(
            messages.DIGEST, _("Daily digest"), render=messages.render_digest, switchable=False
        )
