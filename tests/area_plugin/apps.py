from django.apps import AppConfig


class AreaPluginConfig(AppConfig):
    name = "tests.area_plugin"
    label = "area_plugin"
    verbose_name = "Area plugin (test)"

    def ready(self) -> None:
        from qms.core import menu, panels, periodic
        from qms.core.menu import MenuItem, MenuSection
        from qms.core.panels import Panel
        from qms.planning import panels as planning_slots
        from tests.area_plugin import jobs, notifications
        from tests.area_plugin import panels as plugin_panels

        menu.register_section(MenuSection("area_plugin", "Plugin area", 300))
        menu.register(
            MenuItem(
                "area_plugin.home",
                "Plugin register",
                "area_plugin:home",
                "bi-puzzle",
                "area_plugin",
                10,
                visible=plugin_panels.may_see,
                active=lambda m: m.namespace == "area_plugin",
            )
        )
        panels.register(
            Panel(
                "area_plugin.task_note",
                planning_slots.TASK_DETAIL,
                "area_plugin/task_panel.html",
                plugin_panels.task_note,
                order=30,
            )
        )
        periodic.register("area_plugin.tally", jobs.tally_open_tasks)
        notifications.register_kinds()
