"""The slots of planning's pages that other areas fill through ``qms.core.panels``.

Documents and objectives register their panels here from their ``AppConfig.ready()``;
planning's views and templates name the slot and know nothing of who fills it.
"""

# Right column of a task's page; the panel gets the task.
TASK_DETAIL = "planning.task_detail"
# Under a task's content in the plan's task table: ``rows(request, plan, tasks)``.
TASK_ROWS = "planning.task_rows"
# Top of the dashboard; the panel gets the agency shown.
DASHBOARD = "planning.dashboard"
# Below the plan's cards on the dashboard (other areas' summaries); gets the agency shown.
DASHBOARD_CARDS = "planning.dashboard_cards"
# Top of "My tasks"; the panel gets the user's agency (or None).
MY_TASKS = "planning.my_tasks"
