"""Downloads of a plan (DOCX in the NĐ 30 layout, PDF, its tasks as XLSX), read like its page."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from qms.core.http import AuthedRequest
from qms.planning import selectors
from qms.planning.exports.data import plan_doc_data
from qms.planning.exports.xlsx import build_tasks_xlsx
from qms.planning.models import Plan
from qms.reports.nd30 import build_official_docx
from qms.reports.responses import download, pdf_download


def _filename(plan: Plan, ext: str) -> str:
    base = slugify(plan.number.replace("/", "-")) if plan.number else f"du-thao-{plan.pk}"
    return f"ke-hoach-{base}-{plan.year}.{ext}"


@require_GET
def plan_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    return download(build_official_docx(data=plan_doc_data(plan)), _filename(plan, "docx"))


@require_GET
def plan_export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    return pdf_download(
        request,
        lambda: build_official_docx(data=plan_doc_data(plan)),
        _filename(plan, "pdf"),
        fallback=reverse("planning:plan_detail", args=[plan.pk]),
    )


@require_GET
def plan_export_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    tasks = selectors.task_queryset().filter(plan=plan).select_related("confirmed_by")
    content = build_tasks_xlsx(plan=plan, tasks=tasks, today=timezone.localdate())
    return download(content, _filename(plan, "xlsx"))
