"""Uploaded document files: content checks, text extraction and "HẾT HIỆU LỰC" stamps."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import zipfile
from collections.abc import Iterator

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from docx.shared import Pt
from fpdf import FPDF
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from qms.documents import files
from qms.documents.files import (
    OBSOLETE_STAMP,
    CheckedFile,
    FileRejected,
    check_upload,
    extract_text,
    stamp_obsolete,
)

AUDIT = "Quy trình đánh giá nội bộ"
RECORDS = "Quy trình kiểm soát hồ sơ"
NOTE = "Thay thế bởi lần ban hành 02 ngày 01/09/2022"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are checked against their English msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def ttf() -> str:
    """A TrueType font with Vietnamese glyphs; skipped locally when none, failed on CI."""
    path = files.stamp_font_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("No TrueType font with Vietnamese glyphs on the CI machine")
        pytest.skip("No TrueType font with Vietnamese glyphs installed")
    return path


# --------------------------------------------------------------------------- fixture files


def make_docx(*, sections: int = 1, first_page_header: bool = False) -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"Tiêu đề: {AUDIT}"
    document.add_paragraph(f"Mục 1. {AUDIT} của Sở Tư pháp")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Tên tài liệu"
    table.cell(1, 1).text = f"Ô bảng: {AUDIT}"
    document.sections[0].footer.paragraphs[0].text = "Chân trang: QT-01"
    for number in range(2, sections + 1):
        section = document.add_section()
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = f"Đầu trang phần {number}"
        document.add_paragraph(f"Nội dung phần {number}")
    if first_page_header:
        section = document.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = "Trang bìa"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(font: str, pages: list[str] | None = None) -> bytes:
    pdf = FPDF(unit="mm")
    pdf.add_font("Body", "", font)
    pdf.set_font("Body", "", 12)
    for orientation in pages or ["P", "L"]:
        pdf.add_page(orientation=orientation)
        pdf.cell(text=f"{RECORDS} ({orientation})")
    pdf.set_title("QT-02 Kiểm soát hồ sơ")
    return bytes(pdf.output())


def make_ascii_pdf() -> bytes:
    """A real PDF without a TrueType font (core Helvetica), for type checks."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Quy trinh")
    return bytes(pdf.output())


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Biểu mẫu"
    sheet["A1"] = AUDIT
    sheet["B2"] = 3
    sheet["B3"] = 4
    sheet["B4"] = "=SUM(B2:B3)"
    sheet["C4"] = "=$B$2*2"
    sheet.merge_cells("A5:C5")
    sheet["A5"] = "Ô gộp"
    sheet.row_dimensions[2].height = 30
    sheet.freeze_panes = "A2"
    other = workbook.create_sheet("Theo dõi")
    other["A1"] = "Số hồ sơ"
    other["A2"] = "='Biểu mẫu'!B4+1"
    other["A3"] = "=SUM(A:A)"
    workbook.defined_names["tong"] = openpyxl.workbook.defined_name.DefinedName(
        "tong", attr_text="'Biểu mẫu'!$B$4"
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plain_zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (members or {"readme.txt": b"hello"}).items():
            archive.writestr(name, content)
    return out.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def rejected(name: str, data: bytes, **kwargs: int) -> str:
    with pytest.raises(FileRejected) as caught:
        check_upload(upload(name, data), **kwargs)
    return str(caught.value)


def pdf_text(data: bytes, page: int = 0) -> str:
    return PdfReader(io.BytesIO(data)).pages[page].extract_text()


# --------------------------------------------------------------------------- accepted files


def test_docx_is_accepted_with_hash_size_and_text_of_body_table_and_header():
    data = make_docx()
    file = upload("QT-01 Đánh giá nội bộ.docx", data)

    checked = check_upload(file)

    assert isinstance(checked, CheckedFile)
    assert checked.name == "QT-01 Đánh giá nội bộ.docx"
    assert (checked.kind, checked.content_type) == ("docx", DOCX_TYPE)
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert f"Mục 1. {AUDIT} của Sở Tư pháp" in checked.text
    assert f"Ô bảng: {AUDIT}" in checked.text
    assert f"Tiêu đề: {AUDIT}" in checked.text
    assert "Chân trang: QT-01" in checked.text
    assert file.tell() == 0  # rewound for saving
    assert file.read() == data


def test_pdf_is_accepted_with_its_vietnamese_text(ttf):
    data = make_pdf(ttf)

    checked = check_upload(upload("QT-02.PDF", data))

    assert (checked.kind, checked.content_type) == ("pdf", "application/pdf")
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert f"{RECORDS} (P)" in checked.text
    assert f"{RECORDS} (L)" in checked.text


def test_xlsx_is_accepted_with_cell_values_as_text():
    data = make_xlsx()

    checked = check_upload(upload("BM-01.xlsx", data))

    assert (checked.kind, checked.content_type) == ("xlsx", XLSX_TYPE)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert AUDIT in checked.text
    assert "Biểu mẫu" in checked.text and "Số hồ sơ" in checked.text and "Ô gộp" in checked.text


def test_name_is_the_base_name_of_a_windows_path():
    checked = check_upload(upload("C:\\Users\\van.thu\\Desktop\\BM-01.xlsx", make_xlsx()))
    assert checked.name == "BM-01.xlsx"


def test_long_names_are_cut_to_255_characters_keeping_the_extension():
    assert files.clean_name("đ" * 300 + ".docx") == "đ" * 250 + ".docx"
    assert len(files.clean_name("x" * 300)) == 255


def test_pdf_protected_only_against_editing_is_accepted_and_stampable(ttf):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(ttf))))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)

    checked = check_upload(upload("QT-02.pdf", out.getvalue()))

    assert RECORDS in checked.text
    assert OBSOLETE_STAMP in pdf_text(stamp_obsolete(out.getvalue(), "pdf"))


# --------------------------------------------------------------------------- rejected files


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("QT-01.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100),
        ("QT-01.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("QT-01.docx", plain_zip()),
        ("QT-01.xlsx", plain_zip(**{"[Content_Types].xml": b"<Types/>"})),
        ("QT-01.docx", make_ascii_pdf()),
        ("QT-01.pdf", make_docx()),
        ("QT-01.docx", make_xlsx()),
        ("QT-01.xlsx", make_docx()),
        ("QT-01.docx", b"Quy trinh\n"),
    ],
    ids=[
        "exe-as-pdf",
        "png-as-pdf",
        "zip-as-docx",
        "zip-as-xlsx",
        "pdf-as-docx",
        "docx-as-pdf",
        "xlsx-as-docx",
        "docx-as-xlsx",
        "text-as-docx",
    ],
)
def test_content_must_match_the_extension(name, data):
    assert rejected(name, data) == f"{name}: the content does not match its type."


@pytest.mark.parametrize(
    "name", ["QT-01.doc", "anh.png", "setup.exe", "QT-01.pdf.exe", "QT-01", "ghi-chu.txt"]
)
def test_other_types_are_refused_by_extension(name):
    message = rejected(name, b"%PDF-1.7 whatever")
    assert message == f"{name}: only PDF, Word (.docx) and Excel (.xlsx) files are accepted."


def test_legacy_word_file_is_refused_even_when_renamed():
    assert "only PDF, Word (.docx)" in rejected("QT-01.doc", OLE_HEADER)
    message = rejected("QT-01.docx", OLE_HEADER)
    assert message.startswith("QT-01.docx is in the old Word/Excel format or is password-protected")


def test_empty_file_is_refused():
    assert rejected("QT-01.pdf", b"") == "QT-01.pdf is empty."


def test_file_over_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024)
    assert rejected("QT-01.pdf", big) == "QT-01.pdf is larger than 1 MB."
    small = rejected("QT-01.pdf", big[: 600 * 1024], max_bytes=512 * 1024)
    assert small == "QT-01.pdf is larger than 0.5 MB."
    with translation.override("vi"):
        assert "0,5" in rejected("QT-01.pdf", big[: 600 * 1024], max_bytes=512 * 1024)


def test_limit_is_checked_while_reading_when_the_declared_size_is_wrong(settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    file = upload("QT-01.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))
    file.size = 10
    with pytest.raises(FileRejected, match="larger than 2 MB"):
        check_upload(file)


def test_garbage_after_the_pdf_header_is_refused():
    message = rejected("QT-01.pdf", b"%PDF-1.7\n" + os.urandom(2000))
    assert message == "QT-01.pdf is damaged and cannot be read."


def test_password_protected_pdf_is_refused(ttf):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(ttf))))
    writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    message = rejected("QT-02.pdf", out.getvalue())
    assert message == "QT-02.pdf is password-protected; upload a copy without a password."


def test_zip_bomb_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 256 * 1024  # 20 × 256 KB is below the 16 MB floor
    bomb = with_member(make_docx(), "word/media/zeros.bin", b"\x00" * files.ZIP_MIN_UNCOMPRESSED)
    assert len(bomb) < 256 * 1024
    message = rejected("QT-01.docx", bomb)
    assert message == "QT-01.docx expands to too much data when opened and was refused."


def test_macro_enabled_document_renamed_docx_is_refused():
    data = with_member(make_docx(), "word/vbaProject.bin", b"\x00" * 10)
    assert rejected("QT-01.docx", data) == "QT-01.docx contains macros, which are not accepted."


def test_unreadable_text_gives_empty_text_and_a_warning(caplog):
    broken = plain_zip(**{"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<not-word/>"})
    with caplog.at_level(logging.WARNING, logger="qms.documents.files"):
        checked = check_upload(upload("QT-01.docx", broken))
    assert checked.kind == "docx"
    assert checked.text == ""
    assert "Text extraction from a docx file failed" in caplog.text


# --------------------------------------------------------------------------- extract_text


def test_extracted_text_is_capped(monkeypatch):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in range(1, 201):
        sheet.cell(row=row, column=1, value=f"{AUDIT} {row}")
    out = io.BytesIO()
    workbook.save(out)
    monkeypatch.setattr(files, "MAX_TEXT_CHARS", 500)

    text = extract_text(out.getvalue(), "xlsx")

    assert len(text) == 500
    assert text.startswith("Sheet\n" + AUDIT)


def test_extract_text_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown"):
        extract_text(b"", "doc")


# --------------------------------------------------------------------------- stamps: PDF


def test_pdf_stamp_on_every_page_keeps_pages_text_and_sizes(ttf):
    original = make_pdf(ttf, ["P", "L", "P"])

    stamped = stamp_obsolete(original, "pdf", note=NOTE)

    before, after = PdfReader(io.BytesIO(original)), PdfReader(io.BytesIO(stamped))
    assert len(after.pages) == len(before.pages) == 3
    for number, page in enumerate(after.pages):
        text = page.extract_text()
        assert OBSOLETE_STAMP in text, number
        assert NOTE in text
        assert RECORDS in text
        assert page.mediabox == before.pages[number].mediabox
    assert after.pages[1].mediabox.width > after.pages[1].mediabox.height  # landscape kept
    assert after.metadata is not None
    assert after.metadata.title == "[HẾT HIỆU LỰC] QT-02 Kiểm soát hồ sơ"
    assert stamp_obsolete(original, "pdf") != original  # a copy; bytes are never changed


def test_pdf_stamp_on_rotated_and_cropped_pages(ttf):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(ttf, ["P", "P"]))))
    writer.pages[0].rotate(90)
    writer.pages[1].cropbox = RectangleObject([50, 100, 400, 700])
    out = io.BytesIO()
    writer.write(out)

    stamped = PdfReader(io.BytesIO(stamp_obsolete(out.getvalue(), "pdf")))

    assert all(OBSOLETE_STAMP in page.extract_text() for page in stamped.pages)
    assert RECORDS in stamped.pages[0].extract_text()


def test_pdf_stamp_falls_back_to_ascii_helvetica_without_a_font(ttf, monkeypatch):
    monkeypatch.setattr(files, "stamp_font_path", lambda: None)

    stamped = stamp_obsolete(make_pdf(ttf), "pdf", note=NOTE)

    text = pdf_text(stamped)
    assert "HET HIEU LUC" in text
    assert "Thay the boi lan ban hanh 02 ngay 01/09/2022" in text


def test_stamp_font_is_a_ttf_with_vietnamese_glyphs(ttf):
    assert ttf.lower().endswith((".ttf", ".otf"))
    assert files._usable_font(ttf)
    assert not files._usable_font("/nonexistent/font.ttf")


# --------------------------------------------------------------------------- stamps: DOCX


def test_docx_stamp_first_paragraph_and_every_header():
    original = make_docx(sections=3, first_page_header=True)

    stamped = docx.Document(io.BytesIO(stamp_obsolete(original, "docx", note=NOTE)))

    first = stamped.paragraphs[0]
    assert first.text.startswith(OBSOLETE_STAMP)
    assert NOTE in first.text
    stamp_run = first.runs[0]
    assert stamp_run.bold and stamp_run.font.color.rgb == docx.shared.RGBColor(0xC0, 0, 0)
    assert stamp_run.font.size == Pt(14)
    assert len(stamped.sections) == 3
    for section in stamped.sections:
        assert section.header.paragraphs[0].text.startswith(OBSOLETE_STAMP)
    assert stamped.sections[0].first_page_header.paragraphs[0].text.startswith(OBSOLETE_STAMP)
    assert stamped.sections[2].header.paragraphs[1].text == "Đầu trang phần 3"
    # the rest is intact
    assert stamped.paragraphs[1].text == f"Mục 1. {AUDIT} của Sở Tư pháp"
    assert stamped.tables[0].cell(1, 1).text == f"Ô bảng: {AUDIT}"
    assert stamped.core_properties.title.startswith("[HẾT HIỆU LỰC]")
    # each header definition is stamped once
    assert extract_text(stamp_obsolete(original, "docx"), "docx").count(OBSOLETE_STAMP) == 5


def test_docx_stamp_adds_a_header_when_the_document_has_none():
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)  # the body starts with a table
    table.cell(0, 0).text = AUDIT
    out = io.BytesIO()
    document.save(out)

    stamped = docx.Document(io.BytesIO(stamp_obsolete(out.getvalue(), "docx")))

    assert stamped.paragraphs[0].text == OBSOLETE_STAMP
    assert stamped.element.body[0].tag.endswith("}p")
    assert stamped.sections[0].header.paragraphs[0].text == OBSOLETE_STAMP
    assert stamped.tables[0].cell(0, 0).text == AUDIT


# --------------------------------------------------------------------------- stamps: XLSX


def test_xlsx_stamp_row_on_every_sheet_moves_references_with_the_cells():
    stamped = openpyxl.load_workbook(io.BytesIO(stamp_obsolete(make_xlsx(), "xlsx", note=NOTE)))

    form, log = stamped["Biểu mẫu"], stamped["Theo dõi"]
    for sheet in (form, log):
        assert sheet["A1"].value == f"{OBSOLETE_STAMP} — {NOTE}"
        assert sheet["A1"].font.bold
        assert sheet["A1"].font.color.rgb.endswith("C00000")
        assert sheet.oddHeader.center.text == OBSOLETE_STAMP
    assert form["A2"].value == AUDIT
    assert form["B5"].value == "=SUM(B3:B4)"
    assert form["C5"].value == "=$B$3*2"
    assert [str(r) for r in form.merged_cells.ranges] == ["A6:C6"]
    assert form.row_dimensions[3].height == 30
    assert form.freeze_panes == "A3"
    assert log["A3"].value == "='Biểu mẫu'!B5+1"
    assert log["A4"].value == "=SUM(A:A)"
    assert stamped.defined_names["tong"].attr_text == "'Biểu mẫu'!$B$5"
    assert stamped.properties.title == "[HẾT HIỆU LỰC]"


def test_xlsx_stamp_moves_formatting_validation_links_tables_and_charts():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["Tên", "Số"])
    for row in range(2, 6):
        sheet.append([f"Hồ sơ {row}", row])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=5))
    sheet.add_chart(chart, "D2")
    sheet.conditional_formatting.add("A2:A5", FormulaRule(formula=["$B2>3"]))
    validation = DataValidation(type="list", formula1="$A$2:$A$5")
    sheet.add_data_validation(validation)
    validation.add("C2:C5")
    sheet["C7"].hyperlink = Hyperlink(ref="C7", location="'Data'!B2")
    sheet["C8"].hyperlink = "https://example.com/"
    sheet["A9"].comment = Comment("Ghi chú", "Ban ISO")
    sheet.print_title_rows = "1:1"
    sheet.print_area = "A1:D10"
    sheet.auto_filter.ref = "A1:B5"
    sheet["F1"] = ArrayFormula("F1:F2", "=B2:B3*2")
    other = workbook.create_sheet("Bảng")
    for values in (["a", "b"], [1, 2], [3, 4]):
        other.append(values)
    other.add_table(Table(displayName="Bang1", ref="A1:B3"))
    sheet["E20"] = "=SUM(Bang1[a])"
    out = io.BytesIO()
    workbook.save(out)

    stamped = openpyxl.load_workbook(io.BytesIO(stamp_obsolete(out.getvalue(), "xlsx")))

    data = stamped["Data"]
    (formatting,) = list(data.conditional_formatting)
    assert str(formatting.sqref) == "A3:A6"
    assert formatting.rules[0].formula == ["$B3>3"]
    (moved,) = data.data_validations.dataValidation
    assert (str(moved.sqref), moved.formula1) == ("C3:C6", "$A$3:$A$6")
    assert data["C8"].hyperlink.location == "'Data'!B3"
    assert data["C9"].hyperlink.target == "https://example.com/"
    assert data["A10"].comment.text == "Ghi chú"
    assert data.print_title_rows == "$2:$2"
    assert data.print_area == "'Data'!$A$2:$D$11"
    assert data.auto_filter.ref == "A2:B6"
    assert data["F2"].value.ref == "F2:F3"
    assert data["F2"].value.text == "=B3:B4*2"
    assert data["E21"].value == "=SUM(Bang1[a])"
    assert stamped["Bảng"].tables["Bang1"].ref == "A2:B4"
    assert stamped["Bảng"]["A2"].value == "a"
    (series,) = data._charts[0].series
    assert series.val.numRef.f == "'Data'!$B$3:$B$6"
    assert series.cat.numRef.f == "'Data'!$A$3:$A$6"
    assert data._charts[0].anchor._from.row == 2  # D3, zero-based


def test_xlsx_stamp_on_a_sparse_sheet_moves_only_the_cells_that_exist():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "đầu"
    sheet["XFD1048575"] = "cuối"
    out = io.BytesIO()
    workbook.save(out)

    stamped = openpyxl.load_workbook(io.BytesIO(stamp_obsolete(out.getvalue(), "xlsx")))

    sheet = stamped.active
    assert sheet is not None
    assert (sheet["A2"].value, sheet["XFD1048576"].value) == ("đầu", "cuối")
    assert len(sheet._cells) == 3


def test_xlsx_stamp_text_is_found_by_extraction():
    text = extract_text(stamp_obsolete(make_xlsx(), "xlsx"), "xlsx")
    assert text.count(OBSOLETE_STAMP) == 2


@pytest.mark.parametrize(
    ("reference", "moved"),
    [
        ("A1", "A2"),
        ("$B$3:C4", "$B$4:C5"),
        ("2:5", "3:6"),
        ("A:C", "A:C"),
        ("XFD1048576", "XFD1048576"),
        ("ZZZ1", "ZZZ1"),  # a name, not a cell
        ("'Sổ 1'!A1:B2", "'Sổ 1'!A2:B3"),
        ("[1]Sheet1!A1", "[1]Sheet1!A1"),
        ("Table1[Cột]", "Table1[Cột]"),
    ],
)
def test_xlsx_references_move_down_one_row(reference, moved):
    assert files._XlsxRowInserter(None).reference(reference) == moved


# --------------------------------------------------------------------------- stamps: errors


def test_stamp_refuses_an_unknown_kind_or_an_unreadable_file():
    with pytest.raises(ValueError, match="Unknown"):
        stamp_obsolete(b"data", "doc")
    with pytest.raises(ValueError, match="could not be stamped"):
        stamp_obsolete(b"not a zip", "docx")
    with pytest.raises(ValueError, match="could not be stamped"):
        stamp_obsolete(b"%PDF-1.7 broken", "pdf")
