from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qms.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from qms.accounts import permissions
        from qms.core import checks, menu  # noqa: F401  (checks registers the system checks)
        from qms.core.menu import MenuItem, MenuSection

        # The first section has no heading (dashboard, notifications); administration closes.
        menu.register_section(MenuSection("start", "", 0))
        menu.register_section(MenuSection("administration", _("Administration"), 900))
        menu.register(
            MenuItem(
                "core.units",
                _("Organisation"),
                "core:unit_list",
                "bi-diagram-3",
                "administration",
                10,
                visible=lambda user: permissions.has_any_role(user, "core.view_unit"),
                active=lambda m: m.namespace == "core" and "unit" in (m.url_name or ""),
            )
        )
        menu.register(
            MenuItem(
                "core.numbers",
                _("Number register"),
                "core:number_list",
                "bi-123",
                "administration",
                30,
                visible=lambda user: permissions.has_any_role(user, "core.manage_units"),
            )
        )
        menu.register(
            MenuItem(
                "core.calendar",
                _("Working-day calendar"),
                "core:calendar",
                "bi-calendar3",
                "administration",
                60,
                visible=lambda user: permissions.has_any_role(user, "core.view_calendar"),
            )
        )
