from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "qms.objectives"
    label = "objectives"
    verbose_name = _("Quality objectives")

    def ready(self) -> None:
        from qms.core import periodic
        from qms.objectives import jobs

        periodic.register("objectives.indicators", jobs.compute_indicators)
