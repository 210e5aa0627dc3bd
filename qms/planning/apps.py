from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The planning pages that have an entry of their own; every other one belongs to "Plans".
_OWN_ENTRIES = {"dashboard", "my_tasks", "rule_list"}


class PlanningConfig(AppConfig):
    name = "qms.planning"
    label = "planning"
    verbose_name = _("Yearly QMS plan")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import menu, periodic
        from qms.core.menu import MenuItem, MenuSection
        from qms.notifications import ics as calendar_feed
        from qms.planning import ics, notifications, reminders, weekly

        menu.register_section(MenuSection("planning", _("Yearly plan"), 100))
        menu.register(
            MenuItem(
                "planning.dashboard",
                _("Dashboard"),
                "planning:dashboard",
                "bi-speedometer2",
                "start",
                10,
                visible=lambda user: permissions.has_any_role(user, "planning.view_dashboard"),
            )
        )
        menu.register(
            MenuItem(
                "planning.plans",
                _("Plans"),
                "planning:plan_list",
                "bi-journal-check",
                "planning",
                10,
                visible=lambda user: permissions.has_any_role(user, "planning.view_plan"),
                active=lambda m: m.namespace == "planning" and m.url_name not in _OWN_ENTRIES,
            )
        )
        menu.register(
            MenuItem(
                "planning.my_tasks",
                _("My tasks"),
                "planning:my_tasks",
                "bi-list-check",
                "planning",
                20,
                visible=lambda user: permissions.has_any_role(user, "planning.update_task"),
            )
        )
        menu.register(
            MenuItem(
                "planning.rules",
                _("Regulation dates"),
                "planning:rule_list",
                "bi-calendar2-event",
                "planning",
                30,
                visible=lambda user: permissions.has_agency_role(user, "core.manage_rules"),
            )
        )
        notifications.register_kinds()
        calendar_feed.register_source(ics.task_events)
        # Reminders first: the other jobs and the digests read what they write; the weekly
        # summary last, once the day's other jobs have run.
        periodic.register("planning.reminders", reminders.compute_task_reminders, order=10)
        periodic.register("planning.weekly", weekly.compute_weekly_summaries, order=90)
