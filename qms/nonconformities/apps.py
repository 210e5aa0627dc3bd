from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NonconformitiesConfig(AppConfig):
    name = "qms.nonconformities"
    label = "nonconformities"
    verbose_name = _("Nonconformities and corrective action")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu
        from qms.nonconformities import notifications

        notifications.register()
        menu.register(
            menu.MenuItem(
                "nonconformities.list",
                _("Nonconformities and corrective action"),
                "nonconformities:list",
                "bi-exclamation-octagon",
                "planning",
                50,
                visible=lambda user: permissions.has_any_role(user, "nonconformities.view"),
                active=lambda m: m.namespace == "nonconformities",
            )
        )
