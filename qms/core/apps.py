from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qms.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from qms.core import checks  # noqa: F401  (registers the system checks)
