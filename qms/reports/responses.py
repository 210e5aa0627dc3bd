"""File download responses: one content type per format, one Content-Disposition.

A name that is plain ASCII is sent as ``attachment; filename="…"``; a Vietnamese one
(``Danh mục hồ sơ.xlsx``) in the RFC 6266 ``filename*=utf-8''…`` form, which every current
browser reads (Django's :func:`~django.utils.http.content_disposition_header`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from qms.reports.docx import DOCX_CONTENT_TYPE
from qms.reports.pdf import PdfConversionError, docx_to_pdf, soffice_available
from qms.reports.xlsx import XLSX_CONTENT_TYPE

PDF_CONTENT_TYPE: Final = "application/pdf"
CONTENT_TYPES: Final = {
    "docx": DOCX_CONTENT_TYPE,
    "xlsx": XLSX_CONTENT_TYPE,
    "pdf": PDF_CONTENT_TYPE,
}


def disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition value for ``filename``."""
    return content_disposition_header(not inline, filename) or (
        "inline" if inline else "attachment"
    )


def download(content: bytes, filename: str, *, content_type: str | None = None) -> HttpResponse:
    """``content`` as an attachment named ``filename``; the type follows its extension."""
    if content_type is None:
        content_type = CONTENT_TYPES[filename.rsplit(".", 1)[-1].lower()]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_download(
    request: HttpRequest, build_docx: Callable[[], bytes], filename: str, *, fallback: str
) -> HttpResponse:
    """The DOCX that ``build_docx`` makes, converted to PDF and sent as ``filename``; without
    LibreOffice, or when the conversion fails, back to ``fallback`` with the reason."""
    if not soffice_available():
        messages.error(request, _("PDF export needs LibreOffice on the server; download DOCX."))
        return redirect(fallback)
    try:
        pdf = docx_to_pdf(build_docx())
    except PdfConversionError as exc:
        messages.error(request, str(exc))
        return redirect(fallback)
    return download(pdf, filename)
