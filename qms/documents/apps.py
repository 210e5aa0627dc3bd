from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _may_view(user: Any) -> bool:
    from qms.accounts import permissions

    return permissions.has_any_role(user, "documents.view")


def _may_manage_settings(user: Any) -> bool:
    from qms.accounts import permissions

    return _may_view(user) and permissions.has_agency_role(user, "documents.manage_settings")


class DocumentsConfig(AppConfig):
    name = "qms.documents"
    label = "documents"
    verbose_name = _("Document control")

    def ready(self) -> None:
        from qms.core import menu, periodic
        from qms.core.menu import MenuItem, MenuSection
        from qms.documents import jobs

        periodic.register("documents.reviews", jobs.compute_document_reviews)
        menu.register_section(MenuSection("documents", _("Documents"), 200))
        menu.register(
            MenuItem(
                "documents.home",
                _("Document control"),
                "documents:home",
                "bi-folder2-open",
                "documents",
                10,
                visible=_may_view,
            )
        )
        menu.register(
            MenuItem(
                "documents.lists",
                _("Master lists"),
                "documents:document_list",
                "bi-file-earmark-text",
                "documents",
                20,
                visible=_may_view,
                active=lambda m: (
                    m.namespace == "documents" and m.url_name not in {"home", "settings"}
                ),
            )
        )
        menu.register(
            MenuItem(
                "documents.settings",
                _("Document settings"),
                "documents:settings",
                "bi-sliders",
                "documents",
                30,
                visible=_may_manage_settings,
            )
        )
