from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "qms.audits"
    label = "audits"
    verbose_name = _("Internal audit")

    def ready(self) -> None:
        from qms.audits import wiring_checklists, wiring_programme

        # Programme, plans, team, report, the plan's tasks 6 and 7; menu and notifications.
        wiring_programme.register()
        # Checklists, findings and the "audit finding" source of NC records.
        wiring_checklists.register()
