from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "qms.objectives"
    label = "objectives"
    verbose_name = _("Quality objectives")

    def ready(self) -> None:
        from qms.core import periodic
        from qms.objectives import jobs, selectors
        from qms.planning import reminders

        periodic.register("objectives.indicators", jobs.compute_indicators)
        # Tasks 2 and 3 of the plan: remind only the units that have not submitted.
        reminders.register_leads_done(selectors.lead_units_done)
