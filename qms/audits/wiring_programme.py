"""What the audits area's programme part registers with the foundation (called from ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from qms.accounts import permissions
    from qms.audits import notifications_programme, panels_programme, selectors_programme
    from qms.core import menu, panels
    from qms.core.panels import Panel, RowPanel
    from qms.planning import panels as slots
    from qms.planning import reminders

    notifications_programme.register_kinds()
    # Task 7: lead units with no open NC of the programme get no task reminder.
    reminders.register_leads_done(selectors_programme.action_task_leads_done)
    panels.register(
        Panel(
            "audits.task_programme",
            slots.TASK_DETAIL,
            "audits/partials/_task_panel.html",
            panels_programme.task_panel,
            order=30,
        )
    )
    panels.register_rows(
        RowPanel(
            "audits.task_programme",
            slots.TASK_ROWS,
            "audits/partials/_task_row.html",
            panels_programme.task_rows,
            order=30,
        )
    )
    menu.register(
        menu.MenuItem(
            "audits.home",
            _("Internal audit"),
            "audits:home",
            "bi-clipboard-check",
            "improvement",
            10,
            visible=lambda user: permissions.has_any_role(user, "audits.view"),
            active=lambda m: (
                m.namespace == "audits" and not (m.url_name or "").startswith("question_")
            ),
        )
    )
