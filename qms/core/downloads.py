"""One way out for stored files: task and measurement evidence, document versions.

The view decides *whether* the user may have the file (its ``get_<entity>_for_user``
scope check, 404 or 403); :func:`stored_file_response` decides *how* it leaves: always
as an attachment, under the name it was uploaded with (cleaned as on the way in, by
:func:`qms.core.uploads.clean_name`, and encoded per RFC 6266 so that Vietnamese
diacritics and quotes survive), with the content type recorded at upload and
``X-Content-Type-Options: nosniff``, so that a browser never renders an uploaded file
as a page of this site.

Generated office files (DOCX/XLSX/PDF exports) are answered by ``qms.reports.responses``,
not here: this module serves what users uploaded.
"""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from qms.core.uploads import clean_name

FALLBACK_NAME = "download"
FALLBACK_TYPE = "application/octet-stream"


def download_name(name: str) -> str:
    """The name offered to the browser: no path, no control characters, never empty."""
    return clean_name(name) or FALLBACK_NAME


def stored_file_response(
    content: File | bytes, *, filename: str, content_type: str
) -> HttpResponse | FileResponse:
    """An attachment download of a stored file, streamed, or of ``bytes`` made from one
    (e.g. an obsolete document stamped on the way out)."""
    name = download_name(filename)
    response: HttpResponse | FileResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type or FALLBACK_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    else:
        response = FileResponse(
            content.open("rb"),
            as_attachment=True,
            filename=name,
            content_type=content_type or FALLBACK_TYPE,
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
