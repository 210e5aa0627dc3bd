"""Downloads of document control (procedure DOCX/PDF, decisions, master lists)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.documents import selectors
from qms.documents.exports.data import decision_data, procedure_data
from qms.documents.exports.lists import (
    EXTERNAL_HEADERS,
    INTERNAL_HEADERS,
    RECORD_HEADERS,
    build_list_xlsx,
)
from qms.documents.exports.procedure_docx import build_procedure_docx
from qms.documents.exports.register_docx import RegisterDocData, build_register_docx
from qms.documents.models import DocumentVersion
from qms.documents.views.common import document_filters, int_param
from qms.reports.nd30 import build_official_docx, place_date, short_date
from qms.reports.responses import download, pdf_download

FORMATS = {"xlsx", "docx"}


def _version_name(version: DocumentVersion, ext: str) -> str:
    stamp = "-het-hieu-luc" if version.is_obsolete else ""
    draft = "-du-thao" if version.status not in {"in_force", "obsolete"} else ""
    base = slugify(version.document.code.replace(".", "-")) or f"tai-lieu-{version.document_id}"
    return f"{base}-lan-{version.issue_no:02d}{stamp}{draft}.{ext}"


@require_GET
def version_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    content = build_procedure_docx(data=procedure_data(version))
    return download(content, _version_name(version, "docx"))


@require_GET
def version_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    version = selectors.get_version_for_user(request.user, pk)
    return pdf_download(
        request,
        lambda: build_procedure_docx(data=procedure_data(version)),
        _version_name(version, "pdf"),
        fallback=reverse("documents:version_detail", args=[version.pk]),
    )


@require_GET
def decision_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.get_decision_for_user(request.user, pk)
    name = f"quyet-dinh-{slugify(decision.number.replace('/', '-'))}.docx"
    return download(build_official_docx(data=decision_data(decision)), name)


def _agency(request: AuthedRequest) -> OrgUnit | None:
    wanted = int_param(request.GET.get("agency"))
    agencies = selectors.agencies_for(request.user)
    if wanted:
        agency = agencies.filter(pk=wanted).first()
        if agency is None:
            raise Http404
        return agency
    return agencies.first() if agencies.count() == 1 else None


def _export(
    request: AuthedRequest,
    fmt: str,
    *,
    title: str,
    headers: tuple[str, str, str, str, str, str],
    rows: list[tuple[str, str, str, str, str, str]],
    name: str,
    extra_header: str = "",
    extra: list[str] | None = None,
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    agency = _agency(request)
    today = timezone.localdate()
    subtitle = f"Cập nhật đến ngày {short_date(today)}"
    if fmt == "xlsx":
        # The spreadsheet may carry one more column than the printed list (the issuing
        # decision), so that an exported list imports again unchanged.
        wide_headers: tuple[str, ...] = (*headers, extra_header) if extra is not None else headers
        wide_rows = (
            [(*r, e) for r, e in zip(rows, extra, strict=True)] if extra is not None else rows
        )
        content = build_list_xlsx(
            title=title, subtitle=subtitle, headers=wide_headers, rows=wide_rows, sheet=title[:31]
        )
        return download(content, f"{name}.xlsx")
    data = RegisterDocData(
        parent_body=agency.parent_body_name if agency else "",
        issuer=agency.name if agency else "",
        place_date=place_date(agency.place_name if agency else "", today),
        title=title,
        subtitle=subtitle,
        headers=headers,
        rows=rows,
    )
    return download(build_register_docx(data=data), f"{name}.docx")


def _numbered(
    rows: Sequence[tuple[str, str, str, str, str]],
) -> list[tuple[str, str, str, str, str, str]]:
    return [(str(i), *row) for i, row in enumerate(rows, 1)]


@require_GET
def internal_list_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    docs = list(
        selectors.document_list(request.user, document_filters(request)).select_related(
            "current_version__decision"
        )
    )
    rows = [
        (
            d.code,
            d.title,
            f"{d.current_version.issue_no:02d}" if d.current_version else "",
            short_date(d.current_version.issued_on) if d.current_version else "",
            d.owner_unit.display_name,
        )
        for d in docs
    ]
    return _export(
        request,
        fmt,
        title="DANH MỤC TÀI LIỆU NỘI BỘ",
        headers=INTERNAL_HEADERS,
        rows=_numbered(rows),
        name="danh-muc-tai-lieu-noi-bo",
        extra_header="Quyết định ban hành",
        extra=[
            d.current_version.decision.number
            if d.current_version and d.current_version.decision
            else ""
            for d in docs
        ],
    )


@require_GET
def external_list_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    g = request.GET
    qs = selectors.external_list(
        request.user,
        q=g.get("q", ""),
        agency=int_param(g.get("agency")),
        status=g.get("status", ""),
    )
    rows = [
        (e.number, e.title, e.issuer, short_date(e.effective_on), str(e.get_status_display()))
        for e in qs
    ]
    return _export(
        request,
        fmt,
        title="DANH MỤC TÀI LIỆU BÊN NGOÀI",
        headers=EXTERNAL_HEADERS,
        rows=_numbered(rows),
        name="danh-muc-tai-lieu-ben-ngoai",
    )


@require_GET
def record_list_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    g = request.GET
    qs = selectors.record_list(
        request.user,
        agency=int_param(g.get("agency")),
        unit=int_param(g.get("unit")),
        q=g.get("q", ""),
    )
    rows = [
        (
            r.name,
            r.form_code,
            " / ".join(x for x in (r.location, r.keeper or r.owner_unit.display_name) if x),
            r.retention_label,
            r.document.code if r.document else "",
        )
        for r in qs
    ]
    return _export(
        request,
        fmt,
        title="DANH MỤC HỒ SƠ",
        headers=RECORD_HEADERS,
        rows=_numbered(rows),
        name="danh-muc-ho-so",
    )
