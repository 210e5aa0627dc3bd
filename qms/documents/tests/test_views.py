"""Pages: search, downloads with the obsolete stamp, uploads, forms that keep input, queries."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as Docx
from fpdf import FPDF
from pypdf import PdfReader

from conftest import shared_org
from qms.documents import files, services
from qms.documents.models import Document, DocumentVersion
from qms.reports.docx_templates.build_templates import reproducible_bytes

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


def docx_bytes(text: str) -> bytes:
    doc = Docx()
    doc.add_paragraph("Phần mở đầu")
    doc.add_paragraph(text)
    return reproducible_bytes(doc)


def pdf_bytes(text: str) -> bytes:
    font = files.stamp_font_path()
    if font is None:
        pytest.skip("no TrueType font with Vietnamese glyphs")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("vn", "", font)
    pdf.set_font("vn", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def attach(version: DocumentVersion, actor: Any, name: str, data: bytes) -> DocumentVersion:
    upload = SimpleUploadedFile(name, data)
    checked = files.check_upload(upload)
    return services.version_save(
        actor=actor,
        version=version,
        content=version.content,
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
        upload=upload,
        checked=checked,
    )


def codes_found(client: Any, q: str) -> set[str]:
    response = client.get(reverse("documents:document_list"), {"q": q})
    assert response.status_code == 200
    return {d.code for d in response.context["page"]}


# --------------------------------------------------------------------------- search


def test_search_is_accent_and_case_insensitive_in_titles_and_file_text(
    client_as: Any, personas: Any, make_document: Any
) -> None:
    audit = make_document(code="QT.ISO.03", title="Quy trình đánh giá nội bộ", is_tthc=False)
    in_docx = make_document(code="QT.ISO.02", title="Quy trình kiểm soát hồ sơ", is_tthc=False)
    attach(
        in_docx.versions.get(),
        personas["head_a"],
        "hs.docx",
        docx_bytes("Hồ sơ được lưu tại Văn phòng trong thời hạn 05 năm; tiêu hủy theo quy định."),
    )
    in_pdf = make_document(code="QT.ISO.05", title="Quy trình xem xét của lãnh đạo", is_tthc=False)
    attach(
        in_pdf.versions.get(),
        personas["head_a"],
        "xx.pdf",
        pdf_bytes("Giám đốc chủ trì cuộc họp xem xét; đầu vào gồm kết quả khảo sát sự hài lòng."),
    )
    client = client_as("iso_office")
    assert codes_found(client, "quy trinh danh gia noi bo") == {audit.code}
    assert codes_found(client, "QUY TRÌNH ĐÁNH GIÁ") == {audit.code}
    assert codes_found(client, "tieu huy theo quy dinh") == {in_docx.code}
    assert codes_found(client, "khao sat su hai long") == {in_pdf.code}
    assert codes_found(client, "qt.iso") == {audit.code, in_docx.code, in_pdf.code}
    assert codes_found(client, "không có từ này") == set()
    # Another agency's people never find them.
    assert codes_found(client_as("outsider"), "quy trinh") == set()


def test_filters_by_kind_unit_status_and_tthc(
    client_as: Any, make_document: Any, issue: Any
) -> None:
    tthc = make_document(code="QT-01", is_tthc=True)
    issue(tthc)
    make_document(code="QT-02", is_tthc=False)
    client = client_as("iso_office")
    url = reverse("documents:document_list")
    found = lambda **q: {d.code for d in client.get(url, q).context["page"]}  # noqa: E731
    assert found(status="in_force") == {"QT-01"}
    assert found(status="draft") == {"QT-02"}
    assert found(tthc="1") == {"QT-01"}
    assert found(kind="form") == set()


# --------------------------------------------------------------------------- downloads


def test_obsolete_version_is_stamped_in_every_download(
    client_as: Any, personas: Any, make_document: Any, issue: Any
) -> None:
    document = make_document(is_tthc=False)
    first = attach(
        document.versions.get(), personas["head_a"], "qt.pdf", pdf_bytes("Nội dung lần 1")
    )
    issue(document)
    services.version_start(actor=personas["head_a"], document=document)
    issue(document, datetime.date(2026, 9, 1))
    first.refresh_from_db()
    assert first.status == DocumentVersion.Status.OBSOLETE
    client = client_as("staff_a")
    # The uploaded PDF.
    response = client.get(reverse("documents:version_file", args=[first.pk]))
    assert response.status_code == 200
    assert "HET-HIEU-LUC" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "HẾT HIỆU LỰC" in text and "Nội dung lần 1" in text
    # The procedure rendered to DOCX.
    response = client.get(reverse("documents:version_docx", args=[first.pk]))
    doc = Docx(io.BytesIO(response.content))
    header = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs) + "\n".join(
        c.text for s in doc.sections for t in s.header.tables for r in t.rows for c in r.cells
    )
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "HẾT HIỆU LỰC" in header and "HẾT HIỆU LỰC" in body
    # The version in force carries no stamp.
    current = document.versions.get(status=DocumentVersion.Status.IN_FORCE)
    response = client.get(reverse("documents:version_docx", args=[current.pk]))
    assert "HẾT HIỆU LỰC" not in "\n".join(
        p.text for p in Docx(io.BytesIO(response.content)).paragraphs
    )


def test_in_force_file_downloads_as_uploaded_with_its_sha256(
    client_as: Any, personas: Any, make_document: Any, issue: Any
) -> None:
    document = make_document(is_tthc=False)
    data = docx_bytes("Bản ký")
    version = attach(document.versions.get(), personas["head_a"], "ban-ky.docx", data)
    issue(document)
    import hashlib

    assert version.file_sha256 == hashlib.sha256(data).hexdigest()
    response = client_as("staff_a").get(reverse("documents:version_file", args=[version.pk]))
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    page = client_as("staff_a").get(reverse("documents:version_detail", args=[version.pk]))
    assert version.file_sha256 in page.content.decode()


# --------------------------------------------------------------------------- forms


def test_rejected_upload_keeps_what_was_typed(client_as: Any, make_document: Any) -> None:
    document = make_document(is_tthc=False)
    version = document.versions.get()
    response = client_as("head_a").post(
        reverse("documents:version_edit", args=[version.pk]),
        {
            "lock_version": version.lock_version,
            "purpose": "Mục đích mới đã gõ",
            "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0",
            "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mục đích mới đã gõ" in html
    assert "virus.pdf" in html
    version.refresh_from_db()
    assert version.content.get("purpose") != "Mục đích mới đã gõ"


def test_step_warning_shown_after_saving(client_as: Any, make_document: Any) -> None:
    document = make_document()
    version = document.versions.get()
    data = {
        "lock_version": version.lock_version,
        "processing_time": "03 ngày làm việc",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-action": "Tiếp nhận",
        "steps-0-time": "0,5 ngày",
        "steps-1-action": "Giải quyết",
        "steps-1-time": "01 ngày",
    }
    response = client_as("head_a").post(
        reverse("documents:version_edit", args=[version.pk]), data, follow=True
    )
    assert "1,5" in response.content.decode()
    assert any("1,5" in str(m) for m in response.context["messages"])


def test_create_document_proposes_the_next_code_and_keeps_input_on_error(
    client_as: Any, org: Any
) -> None:
    client = client_as("head_a")
    page = client.get(reverse("documents:document_create"))
    assert page.context["form"].initial["code"] == "QT-GDTRH-01"
    response = client.post(
        reverse("documents:document_create"),
        {
            "agency": org.agency.pk,
            "kind": "form",
            "owner_unit": org.div_a.pk,
            "code": "BM.01",
            "title": "Biểu mẫu đã gõ",
        },
    )
    assert response.status_code == 200
    assert "Biểu mẫu đã gõ" in response.content.decode()
    assert not Document.objects.exists()
    code = client.get(reverse("documents:next_code"), {"kind": "system_procedure"})
    assert 'value="QT.ISO.01"' in code.content.decode()


# --------------------------------------------------------------------------- queries


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_document_pages_do_not_grow_with_rows(
    client_as: Any,
    personas: Any,
    make_document: Any,
    issue: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as("iso_office")
    first = make_document(code="QT-00")
    issue(first)
    for n in range(1, 5):
        make_document(code=f"QT-0{n}")
    list_url = reverse("documents:document_list")
    small = _count(client, list_url)
    for n in range(5, 30):
        make_document(code=f"QT-{n:02d}")
    with django_assert_max_num_queries(small):
        client.get(list_url)
    page = _count(client, reverse("documents:document_detail", args=[first.pk]))
    for _ in range(3):
        services.version_start(actor=personas["head_a"], document=first)
        issue(first)
    with django_assert_max_num_queries(page):
        client.get(reverse("documents:document_detail", args=[first.pk]))
    assert small <= 15 and page <= 25
