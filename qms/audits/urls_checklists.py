"""Routes of the audits area's checklists part (included by qms.audits.urls)."""

from django.urls import URLPattern, URLResolver, path

from qms.audits import views_checklists as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("questions/", v.question_list, name="question_list"),
    path("questions/<int:pk>/edit/", v.question_edit, name="question_edit"),
    path("questions/<int:pk>/archive/", v.question_archive, name="question_archive"),
    path("<int:pk>/checklist/", v.checklist, name="checklist"),
    path("<int:pk>/checklist/generate/", v.checklist_generate, name="checklist_generate"),
    path("<int:pk>/checklist/add/", v.checklist_item_add, name="checklist_item_add"),
    path("<int:pk>/checklist.<str:fmt>", v.checklist_export, name="checklist_export"),
    path("checklist/<int:pk>/edit/", v.checklist_item_edit, name="checklist_item_edit"),
    path("checklist/<int:pk>/answer/", v.checklist_answer, name="checklist_answer"),
    path("<int:pk>/findings/", v.finding_list, name="finding_list"),
    path("<int:pk>/findings/new/", v.finding_create, name="finding_create"),
    path("<int:pk>/findings/issue/", v.findings_issue_all, name="findings_issue_all"),
    path("<int:pk>/findings.xlsx", v.findings_xlsx, name="findings_xlsx"),
    path("findings/<int:pk>/", v.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", v.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/issue/", v.finding_issue, name="finding_issue"),
    path("findings/<int:pk>/acknowledge/", v.finding_acknowledge, name="finding_acknowledge"),
    path("findings/<int:pk>/archive/", v.finding_archive, name="finding_archive"),
    path("evidence/<int:pk>/", v.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/archive/", v.evidence_archive, name="evidence_archive"),
]
