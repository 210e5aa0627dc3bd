from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NonconformitiesConfig(AppConfig):
    name = "qms.nonconformities"
    label = "nonconformities"
    verbose_name = _("Nonconformities and corrective action")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu, panels, periodic
        from qms.core.panels import Panel
        from qms.documents import panels as document_slots
        from qms.nonconformities import audit_labels, foundation_sources, jobs, notifications
        from qms.nonconformities import panels as nc_panels
        from qms.objectives import panels as objective_slots
        from qms.planning import panels as planning_slots

        notifications.register()
        audit_labels.register()
        foundation_sources.register()
        periodic.register("nonconformities.actions", jobs.remind_actions)
        panels.register(
            Panel(
                "nonconformities.task",
                planning_slots.TASK_DETAIL,
                nc_panels.TEMPLATE,
                nc_panels.task_panel,
                order=30,
            )
        )
        panels.register(
            Panel(
                "nonconformities.objectives",
                objective_slots.SET_DETAIL,
                nc_panels.TEMPLATE,
                nc_panels.objective_set_panel,
            )
        )
        panels.register(
            Panel(
                "nonconformities.document",
                document_slots.DOCUMENT_DETAIL,
                nc_panels.TEMPLATE,
                nc_panels.document_panel,
            )
        )
        panels.register(
            Panel(
                "nonconformities.my_actions",
                planning_slots.MY_TASKS,
                "nonconformities/partials/_my_actions.html",
                nc_panels.my_actions,
                order=60,
            )
        )
        # Check and act (ISO 9001 clauses 9.2 and 10): the internal-audit area adds its
        # entries to this section too.
        menu.register_section(menu.MenuSection("improvement", _("Audit and improvement"), 150))
        menu.register(
            menu.MenuItem(
                "nonconformities.list",
                pgettext_lazy("menu", "Nonconformities and corrective action"),
                "nonconformities:list",
                "bi-exclamation-octagon",
                "improvement",
                20,
                visible=lambda user: permissions.has_any_role(user, "nonconformities.view"),
                active=lambda m: m.namespace == "nonconformities",
            )
        )
