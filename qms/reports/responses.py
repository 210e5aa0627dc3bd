"""File download responses: one content type per format, one Content-Disposition.

A name that is plain ASCII is sent as ``attachment; filename="…"``; a Vietnamese one
(``Danh mục hồ sơ.xlsx``) in the RFC 6266 ``filename*=utf-8''…`` form, which every current
browser reads (Django's :func:`~django.utils.http.content_disposition_header`).
"""

from __future__ import annotations

from typing import Final

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from qms.reports.docx import DOCX_CONTENT_TYPE
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
