"""The shared upload check (qms.core.uploads) and the bounded Word-table reader."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import translation
from docx import Document

from qms.core import uploads
from qms.core.tests import files as f
from qms.reports.docx_tables import (
    MAX_CELL_CHARS,
    MAX_TABLE_ROWS,
    AppendixReadError,
    read_plan_appendix,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(name: str, data: bytes, **kwargs) -> str:
    with pytest.raises(uploads.FileRejected) as exc:
        uploads.check_upload(f.upload(name, data), **kwargs)
    return exc.value.message


def test_an_honest_file_of_each_kind_is_described():
    cases = [
        ("a.pdf", f.pdf_bytes(), "pdf"),
        ("a.docx", f.appendix_docx(), "docx"),
        ("a.xlsx", f.xlsx_bytes(), "xlsx"),
        ("a.png", f.PNG_BYTES, "png"),
    ]
    for name, data, kind in cases:
        checked = uploads.check_upload(f.upload(name, data), kinds=uploads.EVIDENCE_KINDS)
        assert (checked.kind, checked.size, len(checked.sha256)) == (kind, len(data), 64)
        assert checked.content_type == uploads.CONTENT_TYPES[kind]


def test_images_are_accepted_only_where_the_caller_allows_them():
    message = refused("anh.png", f.PNG_BYTES)
    assert message == "anh.png: only PDF, Word (.docx) and Excel (.xlsx) files are accepted."


@pytest.mark.parametrize("name", ["bien-ban.doc", "bang.xls", "bien-ban.docm", "bang.xlsm"])
def test_old_and_macro_enabled_extensions_are_refused(name):
    assert refused(name, f.OLE_HEADER, kinds=uploads.EVIDENCE_KINDS).startswith(f"{name}: only")


@pytest.mark.parametrize("name", ["bien-ban.docx", "bang.xlsx"])
def test_ole_content_under_a_new_name_is_refused(name):
    message = refused(name, f.OLE_HEADER)
    assert message.startswith(f"{name} is in the old Word/Excel format or is password-protected")


@pytest.mark.parametrize("name", ["setup.pdf", "setup.docx", "setup.png", "setup.jpg"])
def test_a_renamed_executable_is_refused(name):
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    message = refused(name, exe, kinds=uploads.EVIDENCE_KINDS)
    assert message == f"{name}: the content does not match its type."


def test_macros_are_refused_by_part_and_by_content_type():
    assert refused("qt.docx", f.macro_docx()) == "qt.docx contains macros, which are not accepted."
    only_type = f.macro_type_only(f.xlsx_bytes())
    assert refused("ds.xlsx", only_type) == "ds.xlsx contains macros, which are not accepted."


def test_encrypted_zip_entries_are_refused():
    message = refused("qt.docx", f.encrypted_zip_flag(f.appendix_docx()))
    assert message == "qt.docx is password-protected; upload a copy without a password."


def test_a_part_compressed_beyond_the_ratio_is_refused_even_under_the_total():
    data = f.appendix_docx()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\x00" * (4 * f.MIB))  # 4 MB, ratio ≈ 1000
    message = refused("qt.docx", out.getvalue())
    assert message == "qt.docx expands to too much data when opened and was refused."


def test_too_many_zip_entries_are_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 12)
    data = f.appendix_docx()
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) > 12
    assert "expands to too much data" in refused("qt.docx", data)


def test_the_size_limit_is_per_kind(settings):
    settings.UPLOAD_MAX_BYTES_PER_KIND = {"png": 50}
    message = refused("anh.png", f.PNG_BYTES + b"\x00" * 100, kinds=uploads.EVIDENCE_KINDS)
    assert message == "anh.png is larger than 0.01 MB."
    assert uploads.max_bytes_for("png") == 50
    assert uploads.max_bytes_for("pdf") == settings.UPLOAD_MAX_BYTES


def test_imports_have_their_own_lower_limits(settings):
    with pytest.raises(uploads.FileRejected, match=r"ds.docx is larger than 0.01 MB\."):
        settings.UPLOAD_IMPORT_MAX_BYTES = 10_000
        uploads.check_import(f.upload("ds.docx", f.appendix_docx()), uploads.DOCX)
    settings.UPLOAD_IMPORT_MAX_BYTES = 5 * f.MIB
    with pytest.raises(uploads.FileRejected, match="ds.docx expands to too much data"):
        uploads.check_import(f.upload("ds.docx", f.dense_part(20)), uploads.DOCX)


def test_names_are_cleaned():
    assert uploads.clean_name("C:\\Users\\An\\Tài liệu\\QT-01.docx") == "QT-01.docx"
    assert uploads.clean_name("../../etc/bi\x07ên\u200b-bản\x00.pdf") == "biên-bản.pdf"
    assert uploads.clean_name("đ" * 300 + ".docx") == "đ" * 250 + ".docx"
    checked = uploads.check_upload(f.upload("bi\x1bên bản.pdf", f.pdf_bytes()))
    assert checked.name == "biên bản.pdf"


def test_request_limits_count_and_total(settings):
    settings.UPLOAD_MAX_FILES_PER_REQUEST = 2
    settings.UPLOAD_MAX_REQUEST_BYTES = 3 * f.MIB
    pdfs = [f.pdf_upload(f"{n}.pdf") for n in range(3)]
    with pytest.raises(uploads.FileRejected) as exc:
        uploads.check_request_files(pdfs)
    assert exc.value.message == "At most 2 files can be sent at once; you chose 3."
    big = [f.upload("a.pdf", b"x" * (2 * f.MIB)), f.upload("b.pdf", b"x" * (2 * f.MIB))]
    with pytest.raises(uploads.FileRejected) as exc:
        uploads.check_request_files(big)
    assert exc.value.message == (
        "The files chosen add up to 4 MB; at most 3 MB can be sent at once."
    )
    uploads.check_request_files(pdfs[:2])  # within both limits: no exception


# --------------------------------------------------------------------------- Word tables


def _table_docx(rows: list[list[str]], *, spans: dict[tuple[int, int], int] | None = None) -> bytes:
    doc = Document()
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            table.cell(r, c).text = text
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    if not spans:
        return data
    # Forge w:gridSpan on given cells (as a hostile or sloppy writer would).
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    for (r, c), span in spans.items():
        marker = f">{rows[r][c]}<"
        head, sep, tail = xml.partition(marker)
        cut = head.rfind("<w:tc>")
        head = head[:cut] + f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' + head[cut + 6 :]
        xml = head + sep + tail
    return f._rewrite(data, "word/document.xml", xml.encode())


HEADER = f.APPENDIX_HEADERS


def test_a_span_wider_than_the_table_is_cut_at_its_width():
    data = _table_docx([HEADER, ["1", "Nhiệm vụ", "Văn phòng", "", "Tháng 3"]], spans={(1, 4): 40})
    [row] = read_plan_appendix(data)
    assert (row.no, row.content, row.timing) == ("1", "Nhiệm vụ", "Tháng 3")


def test_a_span_no_word_table_can_have_is_refused():
    with pytest.raises(AppendixReadError, match="too large to import"):
        read_plan_appendix(f.gridspan_bomb())


def test_a_table_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr("qms.reports.docx_tables.MAX_TABLE_ROWS", 3)
    assert MAX_TABLE_ROWS > 3
    with pytest.raises(AppendixReadError, match="too large to import"):
        read_plan_appendix(f.appendix_docx(rows=3))


def test_a_cell_with_too_much_text_is_refused():
    long = "x" * (MAX_CELL_CHARS + 1)
    with pytest.raises(AppendixReadError, match="too large to import"):
        read_plan_appendix(_table_docx([HEADER, ["1", long, "Văn phòng", "", "Tháng 3"]]))


@pytest.mark.parametrize("build", [f.zip_bomb, f.oversized_part], ids=["zip-bomb", "huge-part"])
def test_zip_caps_apply_before_parsing(build):
    with pytest.raises(AppendixReadError) as exc:
        read_plan_appendix(build())
    assert exc.value.message == "The file expands to too much data when opened and was refused."


# --------------------------------------------------------------------------- L6: stamping


def test_stamping_an_obsolete_workbook_is_bounded(settings):
    from qms.documents.files import stamp_obsolete

    workbook = f.xlsx_bytes()
    assert stamp_obsolete(workbook, "xlsx").startswith(b"PK")
    settings.STAMP_XLSX_MAX_UNCOMPRESSED = 1000  # below this small workbook's parts
    with pytest.raises(ValueError, match="expands to"):
        stamp_obsolete(workbook, "xlsx")
