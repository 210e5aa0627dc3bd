from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qms.notifications"
    label = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu
        from qms.notifications import (
            checks,  # noqa: F401 - registers the system checks
            kinds,
            messages,
        )

        kinds.register(
            messages.DIGEST, _("Daily digest"), render=messages.render_digest, switchable=False
        )

        menu.register(
            menu.MenuItem(
                "notifications.inbox",
                _("Notifications"),
                "notifications:inbox",
                "bi-bell",
                "start",
                20,
                badge="unread_notifications",
            )
        )
        menu.register(
            menu.MenuItem(
                "notifications.policy",
                _("Reminder settings"),
                "notifications:policy",
                "bi-alarm",
                "administration",
                40,
                visible=lambda user: permissions.has_any_role(user, "notifications.manage_policy"),
            )
        )
        menu.register(
            menu.MenuItem(
                "notifications.outbox",
                _("Outbox"),
                "notifications:outbox",
                "bi-send",
                "administration",
                50,
                visible=lambda user: permissions.has_any_role(user, "notifications.manage_outbox"),
            )
        )
