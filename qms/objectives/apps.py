from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "qms.objectives"
    label = "objectives"
    verbose_name = _("Quality objectives")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu, panels, periodic
        from qms.core.panels import Panel, RowPanel
        from qms.objectives import jobs, selectors
        from qms.objectives import panels as objective_panels
        from qms.planning import panels as slots
        from qms.planning import reminders

        periodic.register("objectives.indicators", jobs.compute_indicators)
        # Tasks 2 and 3 of the plan: remind only the units that have not submitted.
        reminders.register_leads_done(selectors.lead_units_done)
        policy = "objectives/partials/_policy_card.html"
        panels.register(
            Panel(
                "objectives.dashboard_policy", slots.DASHBOARD, policy, objective_panels.policy_card
            )
        )
        panels.register(
            Panel(
                "objectives.my_tasks_policy", slots.MY_TASKS, policy, objective_panels.policy_card
            )
        )
        panels.register(
            Panel(
                "objectives.task_stage",
                slots.TASK_DETAIL,
                "objectives/partials/_task_stage_panel.html",
                objective_panels.task_stage,
                order=10,
            )
        )
        panels.register_rows(
            RowPanel(
                "objectives.task_stage",
                slots.TASK_ROWS,
                "objectives/partials/_task_stage_row.html",
                objective_panels.task_stage_rows,
                order=20,
            )
        )
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
