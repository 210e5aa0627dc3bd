"""Reading the appendix table of a plan typed in Word (python-docx builds the fixtures)."""

from __future__ import annotations

import dataclasses
import io
import textwrap

import openpyxl
import pytest
from docx import Document

from qms.reports.docx_tables import (
    INVALID_FILE_MESSAGE,
    NOT_FOUND_MESSAGE,
    AppendixReadError,
    normalise_text,
    read_plan_appendix,
)
from qms.reports.nd30 import AppendixRow, build_official_docx
from qms.reports.tests.test_nd30 import APPENDIX_HEADERS, SEED_ROWS, seed_plan_data

TITLE = "CÁC NHIỆM VỤ DUY TRÌ, CẢI TIẾN HTQLCL THEO TIÊU CHUẨN QUỐC GIA TCVN ISO 9001:2015"


def _wrapped(text: str, width: int = 34) -> str:
    """Text as typed in a narrow Word cell: manual line breaks inside the cell."""
    return "\n".join(textwrap.wrap(text, width))


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def word_appendix(
    rows: list[AppendixRow] = SEED_ROWS, *, headers: list[str] = APPENDIX_HEADERS
) -> bytes:
    """The seed appendix as someone would type it in Word.

    Row 1 is a title merged across the table, row 2 the header, row 3 a group heading
    merged across the table; text is wrapped with line breaks, the timing of each row is
    split over two paragraphs, task 3 carries the seed's "2022- ⏎2023" wrap, and the lead
    of tasks 6-8 is one vertically merged cell.
    """
    doc = Document()
    doc.add_paragraph("UBND TỈNH HƯNG YÊN")
    layout = doc.add_table(rows=1, cols=2)  # an unrelated table comes first
    layout.cell(0, 0).text = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    layout.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    doc.add_paragraph("PHỤ LỤC")

    table = doc.add_table(rows=3 + len(rows), cols=5)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 4)).text = TITLE
    for cell, text in zip(table.rows[1].cells, headers, strict=True):
        cell.text = text
    table.cell(2, 0).merge(table.cell(2, 4)).text = "I. NHIỆM VỤ DUY TRÌ, CẢI TIẾN HTQLCL"
    for index, row in enumerate(rows):
        cells = table.rows[3 + index].cells
        content = row.content
        if row.no == "3":
            content = content.replace("2022-2023", "2022- \n2023")
        cells[0].text = row.no
        cells[1].text = _wrapped(content)
        if row.no not in ("7", "8"):
            cells[2].text = _wrapped(row.lead, 14)
        cells[3].text = _wrapped(row.partner, 14)
        first, _, rest = row.timing.partition(" ")
        cells[4].text = first
        if rest:
            cells[4].add_paragraph(rest)
    if len(rows) >= 8:  # tasks 6, 7, 8 share "Lãnh đạo Sở, Ban ISO"
        table.cell(3 + 5, 2).merge(table.cell(3 + 7, 2))
    return _save(doc)


def test_reads_seed_appendix_typed_in_word() -> None:
    data = word_appendix()
    doc = Document(io.BytesIO(data))
    xml = doc.tables[1]._tbl.xml
    assert 'w:gridSpan w:val="5"' in xml and "w:vMerge" in xml and "<w:br/>" in xml
    assert read_plan_appendix(data) == SEED_ROWS


def test_round_trip_with_the_rendered_plan() -> None:
    assert read_plan_appendix(build_official_docx(data=seed_plan_data())) == SEED_ROWS


def test_accepts_path_and_file_object(tmp_path) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(word_appendix())
    assert read_plan_appendix(path) == SEED_ROWS
    assert read_plan_appendix(str(path)) == SEED_ROWS
    with path.open("rb") as fh:
        fh.read(10)  # a half-read upload is rewound
        assert read_plan_appendix(fh) == SEED_ROWS


def test_header_aliases_accent_and_case_insensitive() -> None:
    headers = ["STT", "NHIEM VU", "Chủ trì", "phối  hợp:", "Thời hạn"]
    assert read_plan_appendix(word_appendix(SEED_ROWS[:3], headers=headers)) == SEED_ROWS[:3]


def test_two_level_header() -> None:
    doc = Document()
    table = doc.add_table(rows=4, cols=5)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "TT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Nội dung công việc"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Đơn vị"
    table.cell(1, 2).text = "Chủ trì"
    table.cell(1, 3).text = "Phối hợp"
    table.cell(0, 4).merge(table.cell(1, 4)).text = "Thời gian"
    for r, row in enumerate(SEED_ROWS[:2], start=2):
        for cell, text in zip(table.rows[r].cells, dataclasses.astuple(row), strict=True):
            cell.text = text
    assert read_plan_appendix(_save(doc)) == SEED_ROWS[:2]


def test_skips_empty_repeated_header_column_number_and_heading_rows() -> None:
    doc = Document()
    lines = [
        APPENDIX_HEADERS,
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["A", "NHIỆM VỤ CHUNG", "", "", ""],
        list(dataclasses.astuple(SEED_ROWS[0])),
        ["", "", "", "", ""],
        APPENDIX_HEADERS,  # header repeated on the next page
        ["II.", "Nhiệm vụ khác", "", "", ""],
        ["2.", *dataclasses.astuple(SEED_ROWS[1])[1:]],
        ["a", "Việc nhỏ không có đơn vị", "", "", ""],
    ]
    table = doc.add_table(rows=len(lines), cols=5)
    for row, texts in zip(table.rows, lines, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    assert read_plan_appendix(_save(doc)) == [
        SEED_ROWS[0],
        SEED_ROWS[1],
        AppendixRow("a", "Việc nhỏ không có đơn vị", "", "", ""),
    ]


def test_rows_without_content_or_number_are_all_reported() -> None:
    rows = [
        *SEED_ROWS[:3],
        AppendixRow("4", "", "Ban ISO", "", "Thường xuyên"),
        AppendixRow("", "Nhiệm vụ không số", "Ban ISO", "", "Thường xuyên"),
        AppendixRow("6", "", "", "", "Trước 30/9/2022"),
    ]
    with pytest.raises(AppendixReadError) as excinfo:
        read_plan_appendix(word_appendix(rows))
    # Word rows: 1 title, 2 header, 3 group heading, 4-6 tasks 1-3, then the bad rows.
    assert excinfo.value.errors == [
        (7, "Nội dung", "Thiếu nội dung nhiệm vụ."),
        (8, "TT", "Thiếu số thứ tự (TT)."),
        (9, "Nội dung", "Thiếu nội dung nhiệm vụ."),
    ]
    assert "dòng 7, cột Nội dung" in str(excinfo.value)


@pytest.mark.parametrize(
    "data",
    [
        b"not a docx",
        b"",
        b"PK\x03\x04broken zip",
    ],
    ids=["text", "empty", "broken-zip"],
)
def test_broken_file(data: bytes) -> None:
    with pytest.raises(AppendixReadError) as excinfo:
        read_plan_appendix(data)
    assert str(excinfo.value) == INVALID_FILE_MESSAGE == excinfo.value.message
    assert excinfo.value.errors == []


def test_excel_file_is_not_a_word_document() -> None:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    with pytest.raises(AppendixReadError, match=r"^Tệp không phải là tài liệu Word"):
        read_plan_appendix(out.getvalue())


def test_file_without_the_table() -> None:
    doc = Document()
    doc.add_paragraph("Kế hoạch không có phụ lục")
    other = doc.add_table(rows=2, cols=3)
    for cell, text in zip(other.rows[0].cells, ["TT", "Nội dung", "Ghi chú"], strict=True):
        cell.text = text
    with pytest.raises(AppendixReadError) as excinfo:
        read_plan_appendix(_save(doc))
    assert str(excinfo.value) == NOT_FOUND_MESSAGE
    assert NOT_FOUND_MESSAGE == (
        "Không tìm thấy bảng phụ lục có các cột TT, Nội dung, "
        "Đơn vị chủ trì, Đơn vị phối hợp, Thời gian thực hiện."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("năm học 2022- \n2023", "năm học 2022-2023"),
        ("2021 - 2022", "2021-2022"),
        ("  Trước\n\t10/02/2022  ", "Trước 10/02/2022"),
        ("TCVN ISO 9001 - 2015", "TCVN ISO 9001 - 2015"),  # 9001 is not a year
        ("Từ 01/6 - 30/7/2022", "Từ 01/6 - 30/7/2022"),
        ("12022- 2023", "12022- 2023"),
        ("Hu\u031bng Yên", "Hưng Yên"),  # decomposed input becomes NFC
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
