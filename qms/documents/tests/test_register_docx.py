"""Rendering a master list (danh mục tài liệu nội bộ) as a landscape .docx."""

from __future__ import annotations

import dataclasses
import io

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from qms.documents.exports.register_docx import RegisterDocData, build_register_docx, column_widths

HEADERS = ("TT", "Mã hiệu", "Tên tài liệu", "Lần ban hành", "Ngày ban hành", "Đơn vị chủ trì")
ROWS = [
    ("1", "QT.01-SGD", "Quy trình kiểm soát tài liệu", "02", "12/03/2022", "Văn phòng Sở"),
    (
        "2",
        "QT.05-SGD",
        "Quy trình cấp phép hoạt động trung tâm ngoại ngữ, tin học",
        "01",
        "06/11/2020",
        "Phòng Giáo dục chuyên nghiệp - Giáo dục thường xuyên",
    ),
]


def register_data() -> RegisterDocData:
    return RegisterDocData(
        parent_body="UBND tỉnh Hưng Yên",
        issuer="Sở Giáo dục và Đào tạo",
        place_date="Hưng Yên, ngày 25 tháng 11 năm 2026",
        title="Danh mục tài liệu nội bộ",
        subtitle="Cập nhật đến ngày 25/11/2026",
        headers=HEADERS,
        rows=list(ROWS),
        signer_position="Giám đốc",
        signer_name="Lê Minh Cường",
    )


def _close(a: int | None, b: int) -> bool:
    return a is not None and abs(a - b) <= Mm(0.5)


def _open(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def _lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def doc() -> DocumentObject:
    return _open(build_register_docx(data=register_data()))


def test_landscape_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert _close(section.page_width, Mm(297))
    assert _close(section.page_height, Mm(210))
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml


def test_header_title_and_subtitle(doc: DocumentObject) -> None:
    left, right = doc.tables[0].rows[0].cells
    assert _lines(left) == ["UBND TỈNH HƯNG YÊN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]
    assert _lines(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, place_date = doc.tables[0].rows[1].cells
    assert _lines(number) == []
    assert _lines(place_date) == ["Hưng Yên, ngày 25 tháng 11 năm 2026"]
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[:2] == ["DANH MỤC TÀI LIỆU NỘI BỘ", "Cập nhật đến ngày 25/11/2026"]


def test_table(doc: DocumentObject) -> None:
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == list(HEADERS)
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [list(r) for r in ROWS]
    first, second = table.rows[1].cells[:2]
    assert first.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert second.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    # The grid fills the 252 mm text width exactly.
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(grid) == int(Mm(252).twips)


def test_signer_block(doc: DocumentObject) -> None:
    signer = doc.tables[2].rows[0].cells[1]
    assert _lines(signer) == ["GIÁM ĐỐC", "Lê Minh Cường"]


def test_no_signer_block_without_name() -> None:
    doc = _open(build_register_docx(data=dataclasses.replace(register_data(), signer_name="")))
    assert len(doc.tables) == 2
    assert "GIÁM ĐỐC" not in doc.element.xml


def test_text_is_escaped() -> None:
    nasty = '<b>&"x"</b> {{ not_a_tag }}'
    data = dataclasses.replace(register_data(), rows=[("1", nasty, "A & B", "", "", "<C>")])
    doc = _open(build_register_docx(data=data))
    assert [c.text for c in doc.tables[1].rows[1].cells] == ["1", nasty, "A & B", "", "", "<C>"]


def test_thousand_rows() -> None:
    rows = [
        (str(i), f"QT.{i:02d}-SGD", f"Quy trình số {i}", "01", "12/03/2022", "Văn phòng Sở")
        for i in range(1, 1201)
    ]
    doc = _open(build_register_docx(data=dataclasses.replace(register_data(), rows=rows)))
    table = doc.tables[1]
    assert len(table.rows) == 1201
    assert table.rows[1000].cells[2].text == "Quy trình số 1000"


def test_column_widths_follow_the_content() -> None:
    widths = column_widths(HEADERS, ROWS)
    assert sum(widths) == pytest.approx(252)
    tt, code, title, *_rest = widths
    assert tt < code < title
    # A code fits on one line: "QT.05-SGD" needs about 25 mm at 13 pt.
    assert code >= 25
    # One absurdly long word does not squeeze the other columns to nothing.
    squeezed = column_widths(HEADERS, [("1", "x" * 500, "a", "b", "c", "d")])
    assert sum(squeezed) == pytest.approx(252) and min(squeezed) >= 9


def test_wrong_column_count_is_rejected() -> None:
    data = dataclasses.replace(register_data(), rows=[("1", "2")])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="6 columns"):
        build_register_docx(data=data)
