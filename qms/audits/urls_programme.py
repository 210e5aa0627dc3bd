"""Routes of the audits area's programme part (included by qms.audits.urls)."""

from django.urls import URLPattern, URLResolver, path

from qms.audits import exports_programme as exports
from qms.audits import views_programme as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/approve/", views.programme_approve, name="programme_approve"),
    path("programmes/<int:pk>/close/", views.programme_close, name="programme_close"),
    path("programmes/<int:pk>/archive/", views.programme_archive, name="programme_archive"),
    path("programmes/<int:pk>/audits/new/", views.audit_create, name="audit_create"),
    path(
        "programmes/<int:pk>/programme.<str:fmt>",
        exports.programme_export,
        name="programme_export",
    ),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("<int:pk>/team/add/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_remove, name="team_remove"),
    path("<int:pk>/slots/add/", views.slot_add, name="slot_add"),
    path("<int:pk>/slots/<int:slot_pk>/remove/", views.slot_remove, name="slot_remove"),
    path("<int:pk>/send/", views.audit_send, name="audit_send"),
    path("<int:pk>/archive/", views.audit_archive, name="audit_archive"),
    path("<int:pk>/start/", views.audit_start, name="audit_start"),
    path("<int:pk>/finish/", views.audit_finish, name="audit_finish"),
    path("<int:pk>/report/", views.report_edit, name="report_edit"),
    path("<int:pk>/report/approve/", views.report_approve, name="report_approve"),
    path("<int:pk>/report/send/", views.report_send, name="report_send"),
    path("<int:pk>/plan.<str:fmt>", exports.plan_export, name="plan_export"),
    path("<int:pk>/report.<str:fmt>", exports.report_export, name="report_export"),
    path("auditors/", views.auditors, name="auditors"),
    path("auditors/<int:pk>/edit/", views.auditor_edit, name="auditor_edit"),
    path("auditors/<int:pk>/archive/", views.auditor_archive, name="auditor_archive"),
    path("settings/", views.settings_page, name="settings"),
]
