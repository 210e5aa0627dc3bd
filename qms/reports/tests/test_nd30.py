"""Rendering the seed plan (Kế hoạch 187/KH-SGDĐT, Sở GDĐT Hưng Yên) as a .docx."""

from __future__ import annotations

import dataclasses
import datetime
import io
import zipfile

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from qms.reports import nd30
from qms.reports.nd30 import AppendixRow, OfficialDocData, Paragraph, build_official_docx

SEED_PREAMBLE = [
    "Thực hiện Kế hoạch số 196/KH-UBND ngày 24/12/2021 của UBND tỉnh Hưng Yên v/v Kế hoạch "
    "Cải cách hành chính nhà nước tỉnh Hưng Yên năm 2022; Kế hoạch số 05/KH-SGDĐT ngày "
    "04/01/2022 của Sở Giáo dục và Đào tạo về Kế hoạch cải cách hành chính của Sở Giáo dục và "
    "Đào tạo Hưng Yên năm 2022,",
    "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc áp "
    "dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn TCVN ISO 9001:2008 (nay là tiêu chuẩn "
    "quốc gia TCVN ISO 9001:2015) vào hoạt động của các cơ quan hành chính nhà nước,",
    "Căn cứ Quyết định số 2862/QĐ-SGDĐT ngày 06/11/2020 của Giám đốc Sở Giáo dục và Đào tạo "
    "tỉnh Hưng Yên về việc ban hành và áp dụng Hệ thống tài liệu quản lý chất lượng theo Tiêu "
    "chuẩn Quốc gia TCVN ISO 9001:2015,",
    "Sở Giáo dục và Đào tạo xây dựng Kế hoạch duy trì áp dụng, cải tiến Hệ thống quản lý chất "
    "lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động của Sở năm 2022, cụ thể "
    "như sau:",
]

# (text, bold)
SEED_BODY = [
    ("I. MỤC ĐÍCH, YÊU CẦU", True),
    (
        "1. Tiếp tục duy trì áp dụng và cải tiến Hệ thống quản lý chất lượng (HTQLCL) theo tiêu "
        "chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động quản lý nhà nước của cơ quan Sở; xây "
        "dựng và công bố Hệ thống, các quy trình, tài liệu có liên quan đến các công việc hành "
        "chính, các thủ tục hành chính thuộc thẩm quyền giải quyết đã được UBND tỉnh quyết định "
        "công bố.",
        False,
    ),
    (
        "2. Nâng cao chất lượng công tác kiểm tra việc duy trì, áp dụng, mở rộng và cải tiến "
        "HTQLCL theo tiêu chuẩn quốc gia TCVN ISO 9001:2015; đánh giá chất lượng nội bộ, khắc "
        "phục phòng ngừa và đề xuất cải tiến HTQLCL tại các phòng chuyên môn, nghiệp vụ thuộc Sở "
        "theo quy định; nâng cao hiệu lực, hiệu quả công tác quản lý nhà nước của Sở, góp phần "
        "củng cố chỉ số cải cách hành chính năm 2022 của Sở.",
        False,
    ),
    (
        "3. Tiếp tục rà soát, bổ sung, chỉnh sửa kịp thời các quy trình giải quyết thủ tục hành "
        "chính, quy trình giải quyết công việc hành chính.",
        False,
    ),
    (
        "4. Việc duy trì, áp dụng các quy trình theo yêu cầu của HTQLCL theo tiêu chuẩn quốc gia "
        "TCVN ISO 9001:2015 là nhiệm vụ trọng tâm và thường xuyên.",
        False,
    ),
    ("II. NHIỆM VỤ CỤ THỂ", True),
    ("(Chi tiết theo Phụ lục đính kèm).", False),
    ("III. TỔ CHỨC THỰC HIỆN", True),
    ("1. Các phòng thuộc Sở", True),
    (
        "Trưởng phòng thuộc Sở có trách nhiệm quán triệt, triển khai thực hiện nghiêm Kế hoạch "
        "này đến các cán bộ, công chức, viên chức, người lao động thuộc quyền quản lý. Trên cơ sở "
        "Kế hoạch này, chủ động triển khai lồng ghép với nhiệm vụ công tác năm 2022 để tổ chức "
        "thực hiện đồng bộ và có hiệu quả.",
        False,
    ),
    (
        "Kiểm tra, giám sát, tổ chức đánh giá và kiểm điểm việc thực hiện; đưa việc thực hiện Kế "
        "hoạch này vào tiêu chí để đánh giá, phân loại hàng năm của cán bộ, công chức, viên chức, "
        "người lao động.",
        False,
    ),
    (
        "2. Các phòng Giáo dục và Đào tạo huyện, thị xã, thành phố, đơn vị trực thuộc Sở, trung "
        "tâm GDNN-GDTX khi triển khai thực hiện các thủ tục hành chính, công việc hành chính "
        "thuộc thẩm quyền giải quyết của Sở Giáo dục và Đào tạo phải thực hiện đúng quy trình xử "
        "lý đã được Sở niêm yết, công khai; lưu ý tất cả hồ sơ giải quyết các thủ tục hành chính "
        "nộp tại bộ phận tiếp nhận và trả kết quả của Sở Giáo dục và Đào tạo tại Trung tâm Phục "
        "vụ hành chính công tỉnh Hưng Yên hoặc trực tuyến trên cổng dịch vụ công trực tuyến của "
        "tỉnh, không nộp tại các phòng chuyên môn thuộc Sở.",
        False,
    ),
    (
        "3. Văn phòng Sở có trách nhiệm theo dõi, đôn đốc, kiểm tra, tổng hợp tình hình thực "
        "hiện công tác duy trì áp dụng và cải tiến HTQLCL theo tiêu chuẩn quốc gia TCVN ISO "
        "9001:2015 tại Sở và báo cáo định kỳ, đột xuất theo quy định.",
        False,
    ),
    (
        "Lãnh đạo Sở Giáo dục và Đào tạo yêu cầu các đơn vị nghiêm túc triển khai thực hiện. "
        "Trong quá trình triển khai thực hiện, những vấn đề phát sinh, vướng mắc, các đơn vị kịp "
        "thời phản ánh về Văn phòng Sở (qua Emai: vanphong.sohungyen@moet.edu.vn) để tổng hợp, "
        "báo cáo Lãnh đạo Sở xem xét, điều chỉnh, bổ sung cho phù hợp./.",
        False,
    ),
]

SEED_RECIPIENTS = [
    "Sở Khoa học và Công nghệ;",
    "Sở Nội vụ;",
    "Ban Giám đốc Sở;",
    "Các phòng chức năng Sở;",
    "Phòng GDĐT các huyện/TP/TX;",
    "Các đơn vị trực thuộc Sở;",
    "Lưu VT, VP.",
]

SEED_ROWS = [
    AppendixRow(
        "1",
        "Xây dựng kế hoạch duy trì và áp dụng HTQLCL tiêu chuẩn quốc gia TCVN ISO "
        "9001:2015 năm 2022",
        "Ban ISO Sở",
        "Các phòng thuộc Sở",
        "Trước 10/02/2022",
    ),
    AppendixRow(
        "2",
        "Đánh giá kết quả thực hiện mục tiêu chất lượng năm học 2021-2022; xây "
        "dựng mục tiêu chất lượng của đơn vị năm học 2022-2023",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Trước 25/8/2022",
    ),
    AppendixRow(
        "3",
        "Trên cơ sở mục tiêu chất lượng các phòng, Ban ISO đánh giá kết quả thực "
        "hiện mục tiêu chất lượng năm học 2021-2022, xây dựng mục tiêu chất lượng của "
        "Sở năm học 2022-2023",
        "Ban ISO Sở",
        "Các phòng thuộc Sở",
        "Trước 05/09/2022",
    ),
    AppendixRow(
        "4",
        "Xây dựng mới một số quy trình ISO (nếu có)",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Thường xuyên",
    ),
    AppendixRow(
        "5",
        "Rà soát, bổ sung, sửa đổi các quy trình ISO của Sở",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Thường xuyên",
    ),
    AppendixRow(
        "6",
        "Đánh giá nội bộ",
        "Lãnh đạo Sở, Ban ISO",
        "Các phòng thuộc Sở",
        "Từ 01/6 đến 30/7/2022",
    ),
    AppendixRow(
        "7",
        "Tiến hành khắc phục sau đánh giá nội bộ",
        "Lãnh đạo Sở, Ban ISO",
        "Các phòng thuộc Sở",
        "Tháng 01/8 đến 15/9/2022",
    ),
    AppendixRow(
        "8",
        "Tổ chức họp xem xét của Lãnh đạo",
        "Lãnh đạo Sở, Ban ISO",
        "Các phòng thuộc Sở",
        "Trước 30/9/2022",
    ),
    AppendixRow(
        "9",
        "Các phòng thuộc Sở rà soát, bổ sung tài liệu bên ngoài của các quy trình ISO",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Thường xuyên",
    ),
    AppendixRow(
        "10",
        "Báo cáo kết quả thực hiện hoạt động duy trì và áp dụng, cải tiến HTQLCL "
        "theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 năm 2022",
        "Ban ISO",
        "Lãnh đạo Sở, Ban ISO, các phòng thuộc Sở",
        "Theo quy định",
    ),
]

SEED_TITLE = (
    "Duy trì áp dụng, cải tiến Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia "
    "TCVN ISO 9001:2015 vào hoạt động của Sở Giáo dục và Đào tạo Hưng Yên năm 2022"
)
APPENDIX_HEADERS = ["TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"]


def seed_plan_data() -> OfficialDocData:
    """Kế hoạch 187/KH-SGDĐT as issued (texts verbatim; "KT GIÁM ĐỐC" as in the seed)."""
    return OfficialDocData(
        parent_body="UBND TỈNH HƯNG YÊN",
        issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        number="187/KH-SGDĐT",
        symbol="KH-SGDĐT",
        place_date="Hưng Yên, ngày 07 tháng 02 năm 2022",
        doc_type="KẾ HOẠCH",
        title=SEED_TITLE,
        preamble=[Paragraph(text) for text in SEED_PREAMBLE],
        body=[Paragraph(text, bold=bold) for text, bold in SEED_BODY],
        recipients=list(SEED_RECIPIENTS),
        signer_authority="KT GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_name="Đỗ Văn Khải",
        appendix_title="PHỤ LỤC",
        appendix_subtitle="CÁC NHIỆM VỤ DUY TRÌ, CẢI TIẾN HTQLCL THEO TIÊU CHUẨN QUỐC GIA "
        "TCVN ISO 9001:2015",
        appendix_note="(Kèm theo Kế hoạch số 187/KH-SGDĐT ngày 07/02/2022 của Sở GDĐT)",
        rows=list(SEED_ROWS),
    )


def _open(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def _texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs if p.text.strip()]


def _cell_lines(cell) -> list[str]:
    return _texts(cell.paragraphs)


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return build_official_docx(data=seed_plan_data())


@pytest.fixture(scope="module")
def seed_doc(seed_docx: bytes) -> DocumentObject:
    return _open(seed_docx)


def _close(a: int | None, b: int) -> bool:
    return a is not None and abs(a - b) <= Mm(0.5)


def test_page_setup(seed_doc: DocumentObject) -> None:
    first, appendix = seed_doc.sections
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert _close(first.page_width, Mm(210)) and _close(first.page_height, Mm(297))
    assert _close(first.top_margin, Mm(20)) and _close(first.bottom_margin, Mm(20))
    assert _close(first.left_margin, Mm(30)) and _close(first.right_margin, Mm(15))
    # Page numbers at the top, centred, not on page 1.
    assert first.different_first_page_header_footer
    assert not _texts(first.first_page_header.paragraphs)
    header_xml = first.header._element.xml
    assert "PAGE" in header_xml and 'w:val="center"' in header_xml
    # The appendix is a landscape section on a new page.
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert _close(appendix.page_width, Mm(297)) and _close(appendix.page_height, Mm(210))
    assert appendix.start_type == 2  # WD_SECTION.NEW_PAGE


def test_fonts_are_times_new_roman_for_every_script(seed_doc: DocumentObject) -> None:
    rfonts = seed_doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert rfonts.get(qn(slot)) == "Times New Roman"
    defaults = etree.tostring(seed_doc.styles.element.find(qn("w:docDefaults"))).decode()
    assert "Theme" not in defaults and 'w:eastAsia="Times New Roman"' in defaults


def test_header_block(seed_doc: DocumentObject) -> None:
    header = seed_doc.tables[0]
    left, right = header.rows[0].cells
    assert _cell_lines(left) == ["UBND TỈNH HƯNG YÊN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]
    assert _cell_lines(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    # Short rules under the issuer and the Tiêu ngữ.
    assert "w:pBdr" in left._tc.xml and "w:pBdr" in right._tc.xml
    number, place_date = header.rows[1].cells
    assert _cell_lines(number) == ["Số: 187/KH-SGDĐT"]
    assert _cell_lines(place_date) == ["Hưng Yên, ngày 07 tháng 02 năm 2022"]
    assert place_date.paragraphs[0].runs[0].italic


def test_type_title_and_every_paragraph_in_order(seed_doc: DocumentObject) -> None:
    plan = seed_plan_data()
    assert _texts(seed_doc.paragraphs) == [
        "KẾ HOẠCH",
        SEED_TITLE,
        *SEED_PREAMBLE,
        *[text for text, _ in SEED_BODY],
        "PHỤ LỤC",
        plan.appendix_subtitle,
        plan.appendix_note,
    ]
    by_text = {p.text: p for p in seed_doc.paragraphs}
    for text, bold in SEED_BODY:
        paragraph = by_text[text]
        assert paragraph.style is not None and paragraph.style.name == (
            "Eiso Body Heading" if bold else "Eiso Body"
        ), text
        assert paragraph.alignment is None  # formatted by the style only
    body_style = seed_doc.styles["Eiso Body"]
    assert body_style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert seed_doc.styles["Eiso Body Heading"].font.bold
    assert seed_doc.styles["Eiso Body Heading"].base_style == body_style
    assert by_text["KẾ HOẠCH"].runs[0].bold and by_text[SEED_TITLE].runs[0].bold
    assert by_text[plan.appendix_note].runs[0].italic
    assert not any("DỰ THẢO" in p.text for p in seed_doc.paragraphs)


def test_recipients_and_signature(seed_doc: DocumentObject) -> None:
    recipients, signer = seed_doc.tables[1].rows[0].cells
    assert _cell_lines(recipients) == ["Nơi nhận:", *[f"- {r}" for r in SEED_RECIPIENTS]]
    first = recipients.paragraphs[0].runs[0]
    assert first.bold and first.italic
    assert _cell_lines(signer) == ["KT GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đỗ Văn Khải"]
    # Room for the signature: empty lines between the position and the name.
    lines = [p.text for p in signer.paragraphs]
    assert lines.index("Đỗ Văn Khải") - lines.index("PHÓ GIÁM ĐỐC") >= 4


def test_appendix_table(seed_doc: DocumentObject) -> None:
    assert len(seed_doc.tables) == 3
    table = seed_doc.tables[2]
    assert len(table.rows) == 11
    assert [c.text for c in table.rows[0].cells] == APPENDIX_HEADERS
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    for row, expected in zip(table.rows[1:], SEED_ROWS, strict=True):
        assert [c.text for c in row.cells] == list(dataclasses.astuple(expected))
    assert "w:tblBorders" in table._tbl.xml and 'w:val="single"' in table._tbl.xml


def test_no_template_tags_left(seed_docx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as archive:
        xml = "".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")
        )
    assert "{{" not in xml and "{%" not in xml and "}}" not in xml


def test_draft_has_blank_number_watermark_and_own_name_signature() -> None:
    plan = dataclasses.replace(
        seed_plan_data(),
        number="",
        watermark="DỰ THẢO",
        signer_authority="",
        signer_position="Giám đốc",
        recipients=["- Sở Nội vụ;", "Lưu: VT, VP."],
    )
    doc = _open(build_official_docx(data=plan))
    first = doc.paragraphs[0]
    assert first.text == "DỰ THẢO"
    assert first.runs[0].bold and str(first.runs[0].font.color.rgb) == "C00000"
    number = _cell_lines(doc.tables[0].rows[1].cells[0])[0]
    assert number.startswith("Số:") and number.endswith("/KH-SGDĐT")
    assert not any(ch.isdigit() for ch in number)
    recipients, signer = doc.tables[1].rows[0].cells
    assert _cell_lines(signer) == ["GIÁM ĐỐC", "Đỗ Văn Khải"]  # capitals per NĐ 30
    assert _cell_lines(recipients) == ["Nơi nhận:", "- Sở Nội vụ;", "- Lưu: VT, VP."]


def test_xml_special_characters_are_escaped() -> None:
    nasty = '<b>&"x"</b> {{ not_a_tag }}'
    plan = dataclasses.replace(
        seed_plan_data(),
        title=f"Tiêu đề {nasty}",
        body=[Paragraph(f"Đoạn {nasty}"), Paragraph("Dòng 1\nDòng 2\x07\x0c")],
        recipients=[f"Nơi {nasty};"],
        rows=[AppendixRow("1", f"Nội dung {nasty}", "A & B", "<C>", "Trước 01/01/2023")],
    )
    data = build_official_docx(data=plan)
    doc = _open(data)
    texts = _texts(doc.paragraphs)
    assert f"Tiêu đề {nasty}" in texts and f"Đoạn {nasty}" in texts
    assert "Dòng 1\nDòng 2" in texts  # newline → line break; control characters dropped
    assert f"- Nơi {nasty};" in _cell_lines(doc.tables[1].rows[0].cells[0])
    assert [c.text for c in doc.tables[2].rows[1].cells] == [
        "1",
        f"Nội dung {nasty}",
        "A & B",
        "<C>",
        "Trước 01/01/2023",
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "&lt;b&gt;&amp;" in archive.read("word/document.xml").decode()


def test_thousand_rows() -> None:
    rows = [
        AppendixRow(
            str(i), f"Nhiệm vụ số {i} của năm 2022", "Ban ISO", "Các phòng thuộc Sở", "Thường xuyên"
        )
        for i in range(1, 1001)
    ]
    plan = dataclasses.replace(seed_plan_data(), rows=rows)
    doc = _open(build_official_docx(data=plan))
    table = doc.tables[2]
    assert len(table.rows) == 1001
    assert [c.text for c in table.rows[1000].cells] == [
        "1000",
        "Nhiệm vụ số 1000 của năm 2022",
        "Ban ISO",
        "Các phòng thuộc Sở",
        "Thường xuyên",
    ]


def test_empty_appendix_keeps_header_row() -> None:
    doc = _open(build_official_docx(data=dataclasses.replace(seed_plan_data(), rows=[])))
    assert len(doc.tables[2].rows) == 1


@pytest.mark.parametrize(
    ("day", "year", "expected"),
    [
        (datetime.date(2022, 2, 7), None, "Hưng Yên, ngày 07 tháng 02 năm 2022"),
        (datetime.date(2022, 11, 25), None, "Hưng Yên, ngày 25 tháng 11 năm 2022"),
        (datetime.date(2022, 3, 5), None, "Hưng Yên, ngày 05 tháng 3 năm 2022"),
        (None, 2026, "Hưng Yên, ngày     tháng     năm 2026"),
    ],
)
def test_place_date_pads_days_below_ten_and_months_one_and_two_only(
    day: datetime.date | None, year: int | None, expected: str
) -> None:
    assert nd30.place_date("Hưng Yên", day, year=year) == expected


def test_written_and_short_dates() -> None:
    day = datetime.date(2022, 1, 9)
    assert nd30.written_date(day) == "ngày 09 tháng 01 năm 2022"
    assert nd30.written_date(None) == ""
    assert nd30.short_date(day) == "09/01/2022"
    assert nd30.short_date(None) == ""
