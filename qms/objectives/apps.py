from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "qms.objectives"
    label = "objectives"
    verbose_name = _("Quality objectives")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu, periodic
        from qms.notifications import reminders
        from qms.objectives import jobs, selectors

        periodic.register("objectives.indicators", jobs.compute_indicators)
        # Tasks 2 and 3 of the plan: remind only the units that have not submitted.
        reminders.register_leads_done(selectors.lead_units_done)
        menu.register(
            menu.MenuItem(
                "objectives.home",
                _("Quality objectives"),
                "objectives:home",
                "bi-bullseye",
                "planning",
                40,
                visible=lambda user: permissions.has_any_role(user, "objectives.view"),
                active=lambda m: m.namespace == "objectives",
            )
        )
