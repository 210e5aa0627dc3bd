"""Downloads of quality objectives: the decision with the objectives as appendix and the
evaluation report, as DOCX, PDF (LibreOffice) or XLSX; scoped like the set's page."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from qms.core.http import AuthedRequest
from qms.objectives import selectors
from qms.objectives.exports import data as objectives_doc
from qms.objectives.models import ObjectiveSet
from qms.reports import xlsx
from qms.reports.nd30 import OfficialDocData, build_official_docx
from qms.reports.responses import download, pdf_download

KINDS = {
    "objectives": ("muc-tieu-chat-luong", objectives_doc.decision_data),
    "evaluation": ("danh-gia-muc-tieu", objectives_doc.evaluation_data),
}


def _name(objective_set: ObjectiveSet, kind: str, ext: str) -> str:
    base = KINDS[kind][0]
    unit = slugify(objective_set.unit.display_name) or str(objective_set.unit_id)
    return f"{base}-{objective_set.period.label}-{unit}.{ext}"


def _export(request: AuthedRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if fmt not in {"docx", "pdf", "xlsx"}:
        raise Http404
    objective_set = selectors.get_set_for_user(request.user, pk, signers=True)
    today = timezone.localdate()
    if fmt == "xlsx":
        data: OfficialDocData = KINDS[kind][1](objective_set, today)
        content = xlsx.list_workbook(
            title=data.appendix_title,
            subtitle=f"{objective_set.unit.name} — {data.title}",
            headers=objectives_doc.XLSX_HEADERS,
            rows=objectives_doc.xlsx_rows(objective_set, today),
            sheet=f"Muc tieu {objective_set.period.label}",
        )
        return download(content, _name(objective_set, kind, "xlsx"))
    docx = build_official_docx(data=KINDS[kind][1](objective_set, today))
    if fmt == "docx":
        return download(docx, _name(objective_set, kind, "docx"))
    return pdf_download(
        request,
        lambda: docx,
        _name(objective_set, kind, "pdf"),
        fallback=reverse("objectives:set_detail", args=[objective_set.pk]),
    )


@require_GET
def objectives_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, pk, "objectives", fmt)


@require_GET
def evaluation_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, pk, "evaluation", fmt)
