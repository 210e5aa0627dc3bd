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
        from qms.core import menu, panels, periodic
        from qms.core.menu import MenuItem, MenuSection
        from qms.core.panels import Panel, RowPanel
        from qms.documents import jobs, notifications
        from qms.documents import panels as document_panels
        from qms.planning import panels as slots

        notifications.register_kinds()
        periodic.register("documents.reviews", jobs.compute_document_reviews)
        panels.register(
            Panel(
                "documents.task_documents",
                slots.TASK_DETAIL,
                "documents/partials/_task_documents_panel.html",
                document_panels.task_documents,
                order=20,
            )
        )
        panels.register_rows(
            RowPanel(
                "documents.task_documents",
                slots.TASK_ROWS,
                "documents/partials/_task_doc_row.html",
                document_panels.task_document_rows,
                order=10,
            )
        )
        panels.register(
            Panel(
                "documents.dashboard",
                slots.DASHBOARD_CARDS,
                "documents/partials/_dashboard_card.html",
                document_panels.dashboard_card,
            )
        )
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
