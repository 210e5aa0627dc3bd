"""The one way out for stored files (qms.core.downloads.stored_file_response)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.files.base import ContentFile

from qms.core.downloads import stored_file_response

PDF = b"%PDF-1.7\n%stand-in\n"


def body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_a_stored_file_streams_as_an_attachment_with_its_type_and_nosniff() -> None:
    response = stored_file_response(
        ContentFile(PDF, name="x.pdf"), filename="report.pdf", content_type="application/pdf"
    )
    assert response.streaming
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))


def test_a_vietnamese_name_is_encoded_per_rfc_6266():
    name = "Báo cáo đánh giá nội bộ.pdf"
    response = stored_file_response(
        ContentFile(PDF, name="x.pdf"), filename=name, content_type="application/pdf"
    )
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"


def test_quotes_in_a_name_cannot_end_the_header_parameter() -> None:
    response = stored_file_response(
        ContentFile(PDF, name="x.pdf"), filename='a"; b=".pdf', content_type="application/pdf"
    )
    assert response["Content-Disposition"] == r'attachment; filename="a\"; b=\".pdf"'


def test_a_path_or_control_characters_never_reach_the_header() -> None:
    response = stored_file_response(
        ContentFile(PDF, name="x.pdf"),
        filename="C:\\Users\\an\\..\\minh chứng\r\n.pdf",
        content_type="application/pdf",
    )
    disposition = response["Content-Disposition"]
    assert disposition == f"attachment; filename*=utf-8''{quote('minh chứng.pdf')}"
    assert "\r" not in disposition and "\\" not in disposition


def test_an_empty_name_or_type_falls_back_to_a_plain_download() -> None:
    response = stored_file_response(ContentFile(PDF, name="x"), filename="", content_type="")
    assert response["Content-Disposition"] == 'attachment; filename="download"'
    assert response["Content-Type"] == "application/octet-stream"


def test_bytes_made_from_a_stored_file_download_the_same_way() -> None:
    response = stored_file_response(
        b"stamped", filename="HET-HIEU-LUC_Quy trình.docx", content_type="application/msword"
    )
    assert not response.streaming
    assert response.content == b"stamped"
    assert response["Content-Type"] == "application/msword"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('HET-HIEU-LUC_Quy trình.docx')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
