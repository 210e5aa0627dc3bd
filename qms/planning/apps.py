from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "qms.planning"
    label = "planning"
    verbose_name = _("Yearly QMS plan")

    def ready(self) -> None:
        from qms.core import periodic
        from qms.notifications import ics as calendar_feed
        from qms.planning import ics, notifications, reminders, weekly

        notifications.register_kinds()
        calendar_feed.register_source(ics.task_events)
        # Reminders first: the other jobs and the digests read what they write; the weekly
        # summary last, once the day's other jobs have run.
        periodic.register("planning.reminders", reminders.compute_task_reminders, order=10)
        periodic.register("planning.weekly", weekly.compute_weekly_summaries, order=90)
