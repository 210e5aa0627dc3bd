from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "qms.planning"
    label = "planning"
    verbose_name = _("Yearly QMS plan")

    def ready(self) -> None:
        from qms.planning import notifications

        notifications.register_kinds()
