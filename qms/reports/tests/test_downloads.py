"""The download include and the download response."""

from __future__ import annotations

from django.template.loader import render_to_string

from qms.reports import responses


def test_buttons_show_each_given_format_and_pdf_only_with_libreoffice() -> None:
    context = {"docx": "/d.docx", "pdf": "/d.pdf", "xlsx": "/d.xlsx", "query": "q=a", "small": True}
    html = render_to_string("reports/_downloads.html", {**context, "soffice_available": True})
    assert 'href="/d.docx?q=a"' in html and 'href="/d.pdf?q=a"' in html
    assert 'href="/d.xlsx?q=a"' in html and "btn-sm" in html
    without = render_to_string("reports/_downloads.html", {**context, "soffice_available": False})
    assert "/d.pdf" not in without and "/d.docx" in without


def test_buttons_skip_formats_without_a_url_and_carry_the_docx_id() -> None:
    html = render_to_string("reports/_downloads.html", {"docx": "/v.docx", "docx_id": "dl-docx"})
    assert 'id="dl-docx"' in html and "XLSX" not in html and "btn-sm" not in html


def test_dropdown_items_under_their_heading() -> None:
    html = render_to_string(
        "reports/_download_items.html",
        {"docx": "/o.docx", "xlsx": "/o.xlsx", "heading": "Mục tiêu", "soffice_available": True},
    )
    assert '<h6 class="dropdown-header">Mục tiêu</h6>' in html
    assert 'class="dropdown-item" href="/o.docx"' in html and "PDF" not in html


def test_download_names_ascii_plainly_and_vietnamese_in_utf8() -> None:
    plain = responses.download(b"x", "ke-hoach-2026.docx")
    assert plain["Content-Disposition"] == 'attachment; filename="ke-hoach-2026.docx"'
    assert plain["Content-Type"] == responses.CONTENT_TYPES["docx"]
    assert plain["X-Content-Type-Options"] == "nosniff"
    named = responses.download(b"x", "Danh mục.xlsx")
    assert named["Content-Disposition"] == "attachment; filename*=utf-8''Danh%20m%E1%BB%A5c.xlsx"
    assert named["Content-Type"] == responses.CONTENT_TYPES["xlsx"]
