from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudittrailConfig(AppConfig):
    name = "qms.audittrail"
    label = "audittrail"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu

        menu.register(
            menu.MenuItem(
                "audittrail.log",
                _("Audit log"),
                "audittrail:log_list",
                "bi-clock-history",
                "administration",
                70,
                visible=lambda user: permissions.has_any_role(user, "audittrail.view_log"),
                active=lambda m: m.namespace == "audittrail",
            )
        )
