from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "qms.documents"
    label = "documents"
    verbose_name = _("Document control")

    def ready(self) -> None:
        from qms.core import periodic
        from qms.documents import jobs, notifications

        notifications.register_kinds()
        periodic.register("documents.reviews", jobs.compute_document_reviews)
