"""Rendering a procedure (quy trình) as a .docx, and as a PDF through LibreOffice.

The fixture is a TTHC procedure of a Sở GDĐT: licensing a foreign-language and computing
centre, 8 steps totalling 15 working days. The PDF test is skipped when LibreOffice or
poppler-utils are missing, except on CI (``CI=true``), where their absence fails; it saves
the pages as PNG under ``artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table

from qms.documents.exports.procedure_docx import (
    FormRow,
    ProcedureDocData,
    RecordRow,
    Revision,
    Signer,
    Step,
    build_procedure_docx,
)
from qms.reports.nd30 import Paragraph
from qms.reports.pdf import docx_to_pdf, soffice_available

ON_CI = os.environ.get("CI") == "true"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"

STEP_HEADERS = ["TT", "Trình tự", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"]
REVISION_HEADERS = [
    "Yêu cầu sửa đổi/bổ sung",
    "Trang/Phần liên quan việc sửa đổi",
    "Mô tả nội dung sửa đổi",
    "Lần sửa đổi",
    "Ngày sửa đổi",
]
TTHC_HEADINGS = [
    "5.1. Cơ sở pháp lý",
    "5.2. Thành phần hồ sơ",
    "5.3. Số lượng hồ sơ",
    "5.4. Thời gian xử lý",
    "5.5. Nơi tiếp nhận và trả kết quả",
    "5.6. Phí, lệ phí",
    "5.7. Quy trình xử lý công việc",
]
SECTION_HEADINGS = [
    "1. MỤC ĐÍCH",
    "2. PHẠM VI",
    "3. TÀI LIỆU VIỆN DẪN",
    "4. ĐỊNH NGHĨA/VIẾT TẮT",
    "5. NỘI DUNG QUY TRÌNH",
    "6. BIỂU MẪU",
    "7. HỒ SƠ CẦN LƯU",
]

STEPS = [
    Step(
        "1",
        "Tiếp nhận hồ sơ, kiểm tra tính đầy đủ, hợp lệ; viết phiếu tiếp nhận và hẹn trả kết "
        "quả; chuyển hồ sơ về Phòng Giáo dục chuyên nghiệp - Giáo dục thường xuyên",
        "Bộ phận tiếp nhận và trả kết quả",
        "0,5 ngày",
        "BM.01-QT.05\nBM.02-QT.05",
    ),
    Step("2", "Phân công chuyên viên thụ lý hồ sơ", "Trưởng phòng", "0,5 ngày", "BM.02-QT.05"),
    Step(
        "3",
        "Thẩm định hồ sơ; nếu hồ sơ chưa đạt yêu cầu, thông báo bằng văn bản cho tổ chức đề "
        "nghị bổ sung, hoàn thiện",
        "Chuyên viên thụ lý",
        "3 ngày",
        "Văn bản thông báo (nếu có)",
    ),
    Step(
        "4",
        "Thành lập đoàn, kiểm tra thực tế điều kiện cơ sở vật chất, đội ngũ giáo viên, "
        "chương trình và tài liệu giảng dạy tại trung tâm",
        "Đoàn kiểm tra",
        "5 ngày",
        "BM.03-QT.05",
    ),
    Step(
        "5",
        "Tổng hợp kết quả, dự thảo Quyết định cho phép hoạt động",
        "Chuyên viên thụ lý",
        "2 ngày",
        "Dự thảo Quyết định",
    ),
    Step("6", "Xem xét, trình Lãnh đạo Sở ký", "Trưởng phòng", "1 ngày", "Tờ trình"),
    Step("7", "Ký Quyết định cho phép hoạt động", "Lãnh đạo Sở", "2 ngày", "Quyết định"),
    Step(
        "8",
        "Vào sổ, đóng dấu, phát hành; chuyển kết quả cho Bộ phận tiếp nhận và trả kết quả "
        "để trả cho tổ chức",
        "Văn phòng Sở; Bộ phận tiếp nhận và trả kết quả",
        "1 ngày",
        "BM.02-QT.05\nQuyết định",
    ),
]


def tthc_procedure_data() -> ProcedureDocData:
    """QT.05 Cấp phép hoạt động trung tâm ngoại ngữ, tin học (Sở GDĐT Hưng Yên)."""
    return ProcedureDocData(
        agency="Sở Giáo dục và Đào tạo Hưng Yên",
        title="Quy trình cấp phép hoạt động trung tâm ngoại ngữ, tin học",
        code="QT.05-SGD",
        issue_no="02",
        issued_on="12/03/2022",
        signers=[
            Signer("SOẠN THẢO", "Nguyễn Thị Hoa", "Thư ký ISO", "Đã ký ngày 01/03/2022"),
            Signer("SOÁT XÉT", "Trần Văn Bình", "Phó trưởng Ban ISO", "Đã ký ngày 05/03/2022"),
            Signer("PHÊ DUYỆT", "Lê Minh Cường", "Giám đốc", "Đã ký ngày 12/03/2022"),
        ],
        revisions=[
            Revision(
                "Thay đổi căn cứ pháp lý",
                "Mục 5.1, 5.7",
                "Cập nhật Nghị định số 135/2018/NĐ-CP; rút ngắn thời gian kiểm tra thực tế",
                "02",
                "12/03/2022",
            )
        ],
        purpose=[
            "Quy định trình tự, thủ tục, thời gian và trách nhiệm giải quyết hồ sơ đề nghị cho "
            "phép trung tâm ngoại ngữ, tin học hoạt động giáo dục, bảo đảm đúng quy định và "
            "đúng thời hạn."
        ],
        scope=[
            "Áp dụng đối với tổ chức, cá nhân đề nghị cho phép hoạt động giáo dục trung tâm "
            "ngoại ngữ, tin học trên địa bàn tỉnh; Văn phòng Sở, Phòng Giáo dục chuyên nghiệp "
            "- Giáo dục thường xuyên và Bộ phận tiếp nhận và trả kết quả."
        ],
        references=[
            "Tiêu chuẩn quốc gia TCVN ISO 9001:2015",
            "Nghị định số 46/2017/NĐ-CP ngày 21/4/2017 của Chính phủ",
            "Nghị định số 135/2018/NĐ-CP ngày 04/10/2018 của Chính phủ",
        ],
        definitions=[
            "TTHC: Thủ tục hành chính.",
            "GDCN-GDTX: Giáo dục chuyên nghiệp - Giáo dục thường xuyên.",
        ],
        is_tthc=True,
        body=[],
        legal_basis=[
            "Luật Giáo dục số 43/2019/QH14 ngày 14/6/2019;",
            "Nghị định số 46/2017/NĐ-CP ngày 21/4/2017 của Chính phủ quy định về điều kiện đầu "
            "tư và hoạt động trong lĩnh vực giáo dục;",
            "Thông tư số 21/2018/TT-BGDĐT ngày 24/8/2018 của Bộ trưởng Bộ Giáo dục và Đào tạo "
            "ban hành Quy chế tổ chức và hoạt động của trung tâm ngoại ngữ, tin học.",
        ],
        dossier_components=[
            "a) Tờ trình đề nghị cho phép hoạt động giáo dục;",
            "b) Quyết định thành lập hoặc cho phép thành lập trung tâm (bản sao);",
            "c) Danh sách đội ngũ giáo viên, nhân viên kèm hồ sơ năng lực;",
            "d) Chương trình, tài liệu giảng dạy; quy chế tổ chức và hoạt động.",
        ],
        dossier_count="01 (một) bộ.",
        processing_time="15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        place="Bộ phận tiếp nhận và trả kết quả của Sở tại Trung tâm Phục vụ hành chính "
        "công tỉnh Hưng Yên, hoặc trực tuyến trên Cổng dịch vụ công của tỉnh.",
        fees="Không.",
        steps=list(STEPS),
        steps_note="Tổng thời gian thực hiện: 15 ngày làm việc.",
        forms=[
            FormRow("1", "BM.01-QT.05", "Phiếu tiếp nhận hồ sơ và hẹn trả kết quả"),
            FormRow("2", "BM.02-QT.05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
            FormRow("3", "BM.03-QT.05", "Biên bản kiểm tra thực tế"),
        ],
        records=[
            RecordRow("1", "Hồ sơ đề nghị của tổ chức", "Phòng GDCN-GDTX", "05 năm"),
            RecordRow("2", "Biên bản kiểm tra thực tế (BM.03-QT.05)", "Phòng GDCN-GDTX", "05 năm"),
            RecordRow("3", "Quyết định cho phép hoạt động", "Văn phòng Sở", "Lâu dài"),
        ],
    )


def internal_procedure_data() -> ProcedureDocData:
    """A system procedure (not a TTHC): free paragraphs, a few steps, no forms or records."""
    return dataclasses.replace(
        tthc_procedure_data(),
        title="Quy trình kiểm soát tài liệu",
        code="QT.01-SGD",
        is_tthc=False,
        body=[
            Paragraph("5.1. Lập, sửa đổi tài liệu", bold=True),
            Paragraph("Đơn vị chủ trì soạn thảo tài liệu và gửi Thư ký ISO soát xét."),
        ],
        legal_basis=[],
        dossier_components=[],
        steps=STEPS[:2],
        steps_note="",
        forms=[],
        records=[],
    )


def _close(a: int | None, b: int) -> bool:
    return a is not None and abs(a - b) <= Mm(0.5)


def _open(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table(doc: DocumentObject, first_row: list[str]) -> Table:
    return next(t for t in doc.tables if _rows(t)[0] == first_row)


def _texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def tthc_docx() -> bytes:
    return build_procedure_docx(data=tthc_procedure_data())


@pytest.fixture(scope="module")
def tthc_doc(tthc_docx: bytes) -> DocumentObject:
    return _open(tthc_docx)


def test_page_setup(tthc_doc: DocumentObject) -> None:
    for section in tthc_doc.sections:
        assert section.orientation == WD_ORIENT.PORTRAIT
        assert _close(section.page_width, Mm(210))
        assert _close(section.left_margin, Mm(30))
        assert _close(section.right_margin, Mm(15))
        assert _close(section.top_margin, Mm(20))
        assert not section.different_first_page_header_footer
    assert tthc_doc.core_properties.title == (
        "QT.05-SGD Quy trình cấp phép hoạt động trung tâm ngoại ngữ, tin học"
    )


def test_header_on_every_page(tthc_doc: DocumentObject) -> None:
    for section in tthc_doc.sections:
        header = section.header
        assert not header.is_linked_to_previous
        agency, title, code = header.tables[0].rows[0].cells
        assert agency.text == "SỞ GIÁO DỤC VÀ ĐÀO TẠO HƯNG YÊN"
        assert title.text == "QUY TRÌNH CẤP PHÉP HOẠT ĐỘNG TRUNG TÂM NGOẠI NGỮ, TIN HỌC"
        lines = [p.text for p in code.paragraphs]
        assert lines[:3] == ["Mã hiệu: QT.05-SGD", "Lần ban hành: 02", "Ngày ban hành: 12/03/2022"]
        assert lines[3].startswith("Trang: ")
        fields = [el.text.strip() for el in header._element.iter(qn("w:instrText"))]
        assert fields == ["PAGE", "NUMPAGES"]
        assert "HẾT HIỆU LỰC" not in header._element.xml


def test_signature_block(tthc_doc: DocumentObject) -> None:
    table = tthc_doc.tables[0]
    assert _rows(table) == [
        ["", "SOẠN THẢO", "SOÁT XÉT", "PHÊ DUYỆT"],
        ["Họ và tên", "Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Minh Cường"],
        ["Chức vụ", "Thư ký ISO", "Phó trưởng Ban ISO", "Giám đốc"],
        ["Chữ ký", "Đã ký ngày 01/03/2022", "Đã ký ngày 05/03/2022", "Đã ký ngày 12/03/2022"],
    ]
    signature_row = table.rows[3]
    assert signature_row.height is not None and signature_row.height >= Mm(19)
    assert signature_row.cells[1].paragraphs[0].runs[0].italic


def test_revision_table(tthc_doc: DocumentObject) -> None:
    assert "SỬA ĐỔI TÀI LIỆU" in _texts(tthc_doc)
    assert _rows(_table(tthc_doc, REVISION_HEADERS))[1:] == [
        [
            "Thay đổi căn cứ pháp lý",
            "Mục 5.1, 5.7",
            "Cập nhật Nghị định số 135/2018/NĐ-CP; rút ngắn thời gian kiểm tra thực tế",
            "02",
            "12/03/2022",
        ]
    ]


def test_no_revision_prints_three_blank_rows() -> None:
    data = dataclasses.replace(tthc_procedure_data(), revisions=[])
    table = _table(_open(build_procedure_docx(data=data)), REVISION_HEADERS)
    assert _rows(table)[1:] == [[""] * 5] * 3


def test_sections_and_tthc_contents(tthc_doc: DocumentObject) -> None:
    texts = _texts(tthc_doc)
    positions = [texts.index(h) for h in [*SECTION_HEADINGS[:5], *TTHC_HEADINGS]]
    assert positions == sorted(positions)
    assert texts.index("6. BIỂU MẪU") > positions[-1]
    assert "- Nghị định số 46/2017/NĐ-CP ngày 21/4/2017 của Chính phủ" in texts
    assert "15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ." in texts
    assert "a) Tờ trình đề nghị cho phép hoạt động giáo dục;" in texts
    by_text = {p.text: p for p in tthc_doc.paragraphs}
    assert by_text["1. MỤC ĐÍCH"].paragraph_format.page_break_before
    for heading in [*SECTION_HEADINGS, *TTHC_HEADINGS]:
        style = by_text[heading].style
        assert style is not None and style.name == "Eiso Section Heading", heading
    assert tthc_doc.styles["Eiso Body Heading"].font.bold
    note = by_text["Tổng thời gian thực hiện: 15 ngày làm việc."]
    assert note.runs[0].italic


def test_step_table(tthc_doc: DocumentObject) -> None:
    table = _table(tthc_doc, STEP_HEADERS)
    assert _rows(table)[1:] == [list(dataclasses.astuple(s)) for s in STEPS]
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    assert "w:tblBorders" in table._tbl.xml and 'w:val="single"' in table._tbl.xml


def test_forms_and_records_tables(tthc_doc: DocumentObject) -> None:
    forms = _table(tthc_doc, ["TT", "Mã hiệu", "Tên biểu mẫu"])
    assert _rows(forms)[1:] == [
        ["1", "BM.01-QT.05", "Phiếu tiếp nhận hồ sơ và hẹn trả kết quả"],
        ["2", "BM.02-QT.05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"],
        ["3", "BM.03-QT.05", "Biên bản kiểm tra thực tế"],
    ]
    records = _table(tthc_doc, ["TT", "Tên hồ sơ", "Nơi lưu/Trách nhiệm lưu", "Thời gian lưu"])
    assert _rows(records)[3] == ["3", "Quyết định cho phép hoạt động", "Văn phòng Sở", "Lâu dài"]
    assert "Không có." not in _texts(tthc_doc)


def test_non_tthc_procedure() -> None:
    doc = _open(build_procedure_docx(data=internal_procedure_data()))
    texts = _texts(doc)
    assert not any(h in texts for h in TTHC_HEADINGS)
    assert [h for h in SECTION_HEADINGS if h in texts] == SECTION_HEADINGS
    assert "Đơn vị chủ trì soạn thảo tài liệu và gửi Thư ký ISO soát xét." in texts
    assert _rows(_table(doc, STEP_HEADERS))[1:] == [list(dataclasses.astuple(s)) for s in STEPS[:2]]
    # No forms, no records: "Không có." under each heading, and no table.
    assert texts[texts.index("6. BIỂU MẪU") + 1] == "Không có."
    assert texts[texts.index("7. HỒ SƠ CẦN LƯU") + 1] == "Không có."
    assert len(doc.tables) == 3  # signatures, revisions, steps


def test_non_tthc_without_steps_has_no_step_table() -> None:
    doc = _open(build_procedure_docx(data=dataclasses.replace(internal_procedure_data(), steps=[])))
    assert all(_rows(t)[0] != STEP_HEADERS for t in doc.tables)


def test_obsolete_stamps_header_and_body() -> None:
    data = dataclasses.replace(
        tthc_procedure_data(),
        obsolete=True,
        obsolete_note="thay thế bởi lần ban hành 03 ngày 01/09/2022",
    )
    doc = _open(build_procedure_docx(data=data))
    for section in doc.sections:
        title = section.header.tables[0].rows[0].cells[1]
        stamp = title.paragraphs[-1]
        assert stamp.text == "HẾT HIỆU LỰC"
        assert stamp.runs[0].bold and str(stamp.runs[0].font.color.rgb) == "C00000"
    first = doc.paragraphs[0]
    assert first.text == "HẾT HIỆU LỰC — thay thế bởi lần ban hành 03 ngày 01/09/2022"
    assert first.runs[0].bold and str(first.runs[0].font.color.rgb) == "C00000"


def test_in_force_has_no_stamp(tthc_doc: DocumentObject) -> None:
    assert not any("HẾT HIỆU LỰC" in t or "DỰ THẢO" in t for t in _texts(tthc_doc))


def test_draft_watermark_and_blank_date() -> None:
    data = dataclasses.replace(tthc_procedure_data(), watermark="DỰ THẢO", issued_on="")
    doc = _open(build_procedure_docx(data=data))
    first = doc.paragraphs[0]
    assert first.text == "DỰ THẢO"
    assert first.runs[0].bold and str(first.runs[0].font.color.rgb) == "C00000"
    code = doc.sections[0].header.tables[0].rows[0].cells[2]
    assert code.paragraphs[2].text == "Ngày ban hành: "


def test_text_is_escaped_and_newlines_break() -> None:
    nasty = '<b>&"x"</b> {{ not_a_tag }}'
    data = dataclasses.replace(
        tthc_procedure_data(),
        title=f"Quy trình {nasty}",
        purpose=[f"Mục đích {nasty}", "Dòng 1\nDòng 2\x07"],
        steps=[Step("1", f"Bước {nasty}", "A & B", "<1 ngày>", "")],
    )
    raw = build_procedure_docx(data=data)
    doc = _open(raw)
    assert f"Mục đích {nasty}" in _texts(doc) and "Dòng 1\nDòng 2" in _texts(doc)
    assert _rows(_table(doc, STEP_HEADERS))[1] == ["1", f"Bước {nasty}", "A & B", "<1 ngày>", ""]
    title = doc.sections[0].header.tables[0].rows[0].cells[1]
    assert title.text == f"QUY TRÌNH {nasty.upper()}"
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert "&lt;b&gt;&amp;" in archive.read("word/document.xml").decode()


def test_no_template_tags_left(tthc_docx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(tthc_docx)) as archive:
        xml = "".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")
        )
    assert "{{" not in xml and "{%" not in xml and "}}" not in xml


# --------------------------------------------------------------------------- PDF


def _require(available: bool, what: str) -> None:
    if available:
        return
    if ON_CI:
        pytest.fail(f"{what} is required on CI (CI=true)")
    pytest.skip(f"{what} is not installed")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def test_pdf_pages_carry_the_header(tthc_docx: bytes, tmp_path: Path) -> None:
    _require(soffice_available(), "LibreOffice (soffice)")
    _require(
        all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdftoppm")),
        "poppler-utils (pdftotext, pdfinfo, pdftoppm)",
    )
    pdf = tmp_path / "procedure.pdf"
    pdf.write_bytes(docx_to_pdf(tthc_docx))
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M)[1])  # type: ignore[index]
    assert pages >= 2
    for page in (1, pages):
        text = _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")
        assert "Mã hiệu: QT.05-SGD" in text, page
        assert f"Trang: {page}/{pages}" in text, page
    first = _run("pdftotext", "-f", "1", "-l", "1", str(pdf), "-")
    assert "SOẠN THẢO" in first and "SỬA ĐỔI TÀI LIỆU" in first and "MỤC ĐÍCH" not in first
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page in range(1, pages + 1):
        target = SCREENSHOTS / f"procedure-page-{page}"
        _run(
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(target),
        )
        assert target.with_suffix(".png").is_file()
