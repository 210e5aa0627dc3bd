from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudittrailConfig(AppConfig):
    name = "qms.audittrail"
    label = "audittrail"
    verbose_name = _("Audit trail")
