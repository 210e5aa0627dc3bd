from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("qms.core.urls")),
    path("accounts/", include("qms.accounts.urls")),
    path("plans/", include("qms.planning.urls")),
    path("documents/", include("qms.documents.urls")),
    path("objectives/", include("qms.objectives.urls")),
    path("nonconformities/", include("qms.nonconformities.urls")),
    path("audits/", include("qms.audits.urls")),
    path("audit-log/", include("qms.audittrail.urls")),
    path("notifications/", include("qms.notifications.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
]
