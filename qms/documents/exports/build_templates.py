"""Generate the docxtpl templates of document control: ``procedure.docx`` and ``register.docx``.

Run from the project root::

    .venv/bin/python -m qms.documents.exports.build_templates

and commit the regenerated templates (in ``docx_templates/`` next to this script) together
with any change to it. The shared page, style and NĐ 30 header helpers are those of
:mod:`qms.reports.docx_templates.build_templates` (which also documents the byte-for-byte
reproducible output).

``procedure.docx`` — an ISO procedure (quy trình), rendered by
:func:`qms.documents.exports.procedure_docx.build_procedure_docx`. A4 portrait, same margins, one
section whose page header (every page, no different first page) is a bordered table:
agency | title (+ red "HẾT HIỆU LỰC" when ``obsolete``) | Mã hiệu / Lần ban hành / Ngày ban
hành / "Trang: PAGE/NUMPAGES". Page 1: optional red watermark and obsolete lines, the
SOẠN THẢO / SOÁT XÉT / PHÊ DUYỆT block (``signers[0..2]``), "SỬA ĐỔI TÀI LIỆU" and the
``revisions`` table. From page 2: sections 1–7 (``purpose``, ``scope``, ``references``,
``definitions``; section 5 is ``{%p if is_tthc %}`` subsections 5.1–5.7 or the ``body``
paragraphs, then the ``steps`` table and ``steps_note``; ``forms`` and ``records`` tables
or "Không có.").

``register.docx`` — a master list, rendered by
:func:`qms.documents.exports.register_docx.build_register_docx`. A4 landscape, page numbers
from page 2, the NĐ 30 header table spread over the 252 mm text width, ``title``,
``subtitle``, a bordered 6-column table (``headers``, ``rows`` looped with
``{%tr for r in rows %}``, header row repeated) and an optional signer block
(``{%p if signer_name %}``).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import _Cell

from qms.reports.docx_templates.build_templates import (
    BODY_SIZE,
    RED,
    SIGN_GAP,
    TEXT_W,
    _cell_top_margin,
    _end_body,
    _field,
    _fix_properties,
    _header_table,
    _loop_table,
    _mark_size,
    _page_geometry,
    _paragraph_loop,
    _row_flags,
    _setup_page,
    _setup_styles,
    _table_borders,
    _table_geometry,
    _Writer,
    reproducible_bytes,
)

HERE = Path(__file__).resolve().parent / "docx_templates"
PROCEDURE_TEMPLATE = HERE / "procedure.docx"
REGISTER_TEMPLATE = HERE / "register.docx"
GENERATOR = "qms/documents/exports/build_templates.py"

# procedure.docx: every width tuple sums to TEXT_W (165 mm).
PROC_HEADER_COLS = (47, 63, 55)  # agency | title | Mã hiệu … Trang
PROC_HEADER_SIZE = 12
PROC_SIGN_COLS = (27, 46, 46, 46)  # label | SOẠN THẢO | SOÁT XÉT | PHÊ DUYỆT
PROC_SIGN_HEIGHT = 20  # mm, room for a handwritten signature
PROC_REVISION_COLS = (34, 31, 50, 22, 28)
PROC_REVISION_HEIGHT = 8  # mm, an empty row is tall enough to write in by hand
PROC_STEP_COLS = (11, 62, 34, 24, 34)
PROC_FORM_COLS = (12, 45, 108)
PROC_RECORD_COLS = (12, 68, 50, 35)
PROC_TABLE_SIZE = 12  # header rows of the procedure tables

# register.docx: landscape; the header blocks sit at the two ends of the 252 mm text width.
REGISTER_HEADER_COLS = (100, 152)
REGISTER_COLS = (14, 40, 100, 30, 30, 38)  # defaults; the renderer fits them to the content
REGISTER_SIGN_COLS = (152, 100)


# --------------------------------------------------------------------------- procedure

_C = WD_ALIGN_PARAGRAPH.CENTER
_L = WD_ALIGN_PARAGRAPH.LEFT


def _setup_procedure_styles(doc: DocumentObject) -> None:
    """Numbered section headings ("1. MỤC ĐÍCH", "5.1. …"): bold, flush left."""
    styles = doc.styles
    heading = styles.add_style("Eiso Section Heading", 1)
    heading.base_style = styles["Eiso Body Heading"]
    heading.quick_style = True
    fmt = heading.paragraph_format
    fmt.first_line_indent = Mm(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.space_before = Pt(6)
    fmt.keep_with_next = True


def _header_code_block(cell: _Cell) -> None:
    """Mã hiệu / Lần ban hành / Ngày ban hành / Trang: PAGE/NUMPAGES, left-aligned."""
    writer = _Writer(cell)
    lines = (
        "Mã hiệu: {{ code }}",
        "Lần ban hành: {{ issue_no }}",
        "Ngày ban hành: {{ issued_on }}",
    )
    for index, text in enumerate(lines):
        # A little more room against the top border than between the lines.
        before = 3 if index == 0 else 1
        writer.add(text, size=PROC_HEADER_SIZE, align=_L, before=before, after=1)
    pages = writer.add("Trang: ", size=PROC_HEADER_SIZE, align=_L, before=1, after=3)
    _field(pages, "PAGE", "1")
    pages.add_run("/")
    _field(pages, "NUMPAGES", "1")
    for run in pages.runs:
        run.font.size = Pt(PROC_HEADER_SIZE)


def _procedure_header(section: Section) -> None:
    """The same bordered agency | title | code block header on every page."""
    section.different_first_page_header_footer = False
    header = section.header
    header.is_linked_to_previous = False
    table = header.add_table(rows=1, cols=3, width=Mm(TEXT_W))
    # A header must end with a paragraph: the one python-docx created goes under the table,
    # a few points high, as the gap between the header and the body.
    tail = header.paragraphs[0]
    tail._p.addprevious(table._tbl)
    tail.paragraph_format.space_after = Pt(6)
    _mark_size(tail, 6)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _table_borders(table, "single")
    _table_geometry(table, PROC_HEADER_COLS, cell_margin_mm=1.5)
    _row_flags(table.rows[0])
    agency, title, code = table.rows[0].cells
    _Writer(agency).add("{{ agency }}", size=PROC_HEADER_SIZE, bold=True)
    middle = _Writer(title)
    middle.add("{{ title }}", size=13, bold=True)
    middle.tag("{%p if obsolete %}")
    middle.add("HẾT HIỆU LỰC", size=PROC_HEADER_SIZE, bold=True, color=RED, before=3)
    middle.tag("{%p endif %}")
    _header_code_block(code)
    for cell in table.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _stamps(body: _Writer) -> None:
    """Red bold draft watermark / obsolete notice at the top of the body."""
    body.tag("{%p if watermark %}")
    body.add("{{ watermark }}", bold=True, color=RED, after=6)
    body.tag("{%p endif %}")
    body.tag("{%p if obsolete %}")
    body.add(
        "HẾT HIỆU LỰC{% if obsolete_note %} — {{ obsolete_note }}{% endif %}",
        bold=True,
        color=RED,
        after=6,
    )
    body.tag("{%p endif %}")


def _signature_block(doc: DocumentObject) -> None:
    """SOẠN THẢO | SOÁT XÉT | PHÊ DUYỆT × Họ và tên / Chức vụ / Chữ ký (tall row)."""
    table = doc.add_table(rows=4, cols=4)
    _table_borders(table, "single")
    _table_geometry(table, PROC_SIGN_COLS, cell_margin_mm=1.5)
    titles, names, positions, signatures = table.rows
    for row in table.rows:
        _row_flags(row)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    signatures.height = Mm(PROC_SIGN_HEIGHT)
    signatures.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    labels = ("Họ và tên", "Chức vụ", "Chữ ký")
    for row, label in zip((names, positions, signatures), labels, strict=True):
        _Writer(row.cells[0]).add(label, size=13, bold=True, align=_L, before=3, after=3)
    _Writer(titles.cells[0]).add("", size=13)
    for index in range(3):
        signer = f"signers[{index}]"
        column = index + 1
        _Writer(titles.cells[column]).add(
            f"{{{{ {signer}.title }}}}", size=13, bold=True, before=3, after=3
        )
        _Writer(names.cells[column]).add(f"{{{{ {signer}.name }}}}", size=13, before=3, after=3)
        _Writer(positions.cells[column]).add(
            f"{{{{ {signer}.position }}}}", size=13, before=3, after=3
        )
        _Writer(signatures.cells[column]).add(f"{{{{ {signer}.signed }}}}", size=12, italic=True)
    # The whole block stays on the first page together.
    for row in (titles, names, positions):
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def _revision_table(doc: DocumentObject, body: _Writer) -> None:
    body.add("SỬA ĐỔI TÀI LIỆU", bold=True, before=18, after=6, keep_next=True)
    _loop_table(
        doc,
        PROC_REVISION_COLS,
        (
            "Yêu cầu sửa đổi/bổ sung",
            "Trang/Phần liên quan việc sửa đổi",
            "Mô tả nội dung sửa đổi",
            "Lần sửa đổi",
            "Ngày sửa đổi",
        ),
        "r in revisions",
        ("r.request", "r.part", "r.description", "r.issue_no", "r.date"),
        (_L, _C, _L, _C, _C),
        min_height_mm=PROC_REVISION_HEIGHT,
    )


def _heading(body: _Writer, text: str, *, page_break: bool = False) -> None:
    paragraph = body.add(text, style="Eiso Section Heading")
    if page_break:
        paragraph.paragraph_format.page_break_before = True


def _text_list(body: _Writer, var: str, *, prefix: str = "") -> None:
    """One body paragraph per string of ``var``."""
    body.tag(f"{{%p for t in {var} %}}")
    body.add(f"{prefix}{{{{ t }}}}", style="Eiso Body")
    body.tag("{%p endfor %}")


def _tthc_contents(body: _Writer) -> None:
    """Section 5 of a TTHC procedure up to the heading of the step table (5.7)."""
    _heading(body, "5.1. Cơ sở pháp lý")
    _text_list(body, "legal_basis")
    _heading(body, "5.2. Thành phần hồ sơ")
    _text_list(body, "dossier_components")
    for heading, var in (
        ("5.3. Số lượng hồ sơ", "dossier_count"),
        ("5.4. Thời gian xử lý", "processing_time"),
        ("5.5. Nơi tiếp nhận và trả kết quả", "place"),
        ("5.6. Phí, lệ phí", "fees"),
    ):
        _heading(body, heading)
        body.add(f"{{{{ {var} }}}}", style="Eiso Body")
    _heading(body, "5.7. Quy trình xử lý công việc")


def _procedure_contents(doc: DocumentObject, body: _Writer) -> None:
    """Section 5: TTHC subsections or free paragraphs, then the step table if any."""
    _heading(body, "5. NỘI DUNG QUY TRÌNH")
    body.tag("{%p if is_tthc %}")
    _tthc_contents(body)
    body.tag("{%p else %}")
    _paragraph_loop(body, "body")
    body.tag("{%p endif %}")
    body.tag("{%p if is_tthc or steps %}")
    _loop_table(
        doc,
        PROC_STEP_COLS,
        ("TT", "Trình tự", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"),
        "s in steps",
        ("s.no", "s.action", "s.responsible", "s.time", "s.output"),
        # Left-aligned: justified text leaves wide gaps in a 62 mm column.
        (_C, _L, _C, _C, _C),
    )
    body.tag("{%p if steps_note %}")
    body.add("{{ steps_note }}", style="Eiso Body").runs[0].italic = True
    body.tag("{%p endif %}")
    body.tag("{%p endif %}")


def _optional_table(
    doc: DocumentObject,
    body: _Writer,
    var: str,
    widths_mm: tuple[float, ...],
    headers: tuple[str, ...],
    fields: tuple[str, ...],
    aligns: tuple[WD_ALIGN_PARAGRAPH, ...],
) -> None:
    """A loop table over ``var``, or "Không có." when the list is empty."""
    body.tag(f"{{%p if {var} %}}")
    _loop_table(doc, widths_mm, headers, f"r in {var}", tuple(f"r.{f}" for f in fields), aligns)
    body.tag("{%p else %}")
    body.add("Không có.", style="Eiso Body")
    body.tag("{%p endif %}")


def _procedure_sections(doc: DocumentObject, body: _Writer) -> None:
    _heading(body, "1. MỤC ĐÍCH", page_break=True)
    _text_list(body, "purpose")
    _heading(body, "2. PHẠM VI")
    _text_list(body, "scope")
    _heading(body, "3. TÀI LIỆU VIỆN DẪN")
    _text_list(body, "references", prefix="- ")
    _heading(body, "4. ĐỊNH NGHĨA/VIẾT TẮT")
    _text_list(body, "definitions")
    _procedure_contents(doc, body)
    _heading(body, "6. BIỂU MẪU")
    _optional_table(
        doc,
        body,
        "forms",
        PROC_FORM_COLS,
        ("TT", "Mã hiệu", "Tên biểu mẫu"),
        ("no", "code", "name"),
        (_C, _C, _L),
    )
    _heading(body, "7. HỒ SƠ CẦN LƯU")
    _optional_table(
        doc,
        body,
        "records",
        PROC_RECORD_COLS,
        ("TT", "Tên hồ sơ", "Nơi lưu/Trách nhiệm lưu", "Thời gian lưu"),
        ("no", "name", "keeper", "retention"),
        (_C, _L, _C, _C),
    )


def build_procedure_template() -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _setup_procedure_styles(doc)
    section = doc.sections[0]
    _page_geometry(section)
    _procedure_header(section)
    body = _Writer(doc)
    _stamps(body)
    _signature_block(doc)
    _revision_table(doc, body)
    _procedure_sections(doc, body)
    _end_body(doc)
    _fix_properties(doc, "Quy trình (mẫu)", GENERATOR)
    return doc


# --------------------------------------------------------------------------- register


def _register_signature(doc: DocumentObject, body: _Writer) -> None:
    """Signer position / room to sign / name in the right part; omitted without a name."""
    body.tag("{%p if signer_name %}")
    # A real paragraph between the two tables: adjacent tables merge into one (LibreOffice
    # then drops the borders of the list).
    body.add("", size=6, keep_next=True)
    table = doc.add_table(rows=1, cols=2)
    _table_borders(table, "nil")
    _table_geometry(table, REGISTER_SIGN_COLS, cell_margin_mm=0.5)
    _row_flags(table.rows[0])
    blank, signer_cell = table.rows[0].cells
    _Writer(blank).add("", size=BODY_SIZE)
    signer = _Writer(signer_cell)
    signer.add("{{ signer_position }}", bold=True, keep_next=True)
    for _ in range(4):
        signer.add("", keep_next=True)
    signer.add("{{ signer_name }}", bold=True, before=6)
    _cell_top_margin(signer_cell, SIGN_GAP)
    body.tag("{%p endif %}")


def build_register_template() -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, landscape=True)
    _header_table(doc, left_w=REGISTER_HEADER_COLS[0], right_w=REGISTER_HEADER_COLS[1], indent_mm=0)
    body = _Writer(doc)
    body.add("{{ title }}", bold=True, before=18, keep_next=True)
    body.add("{{ subtitle }}", bold=True, after=12, keep_next=True)
    _loop_table(
        doc,
        REGISTER_COLS,
        tuple(f"{{{{ headers[{index}] }}}}" for index in range(len(REGISTER_COLS))),
        "r in rows",
        tuple(f"r[{index}]" for index in range(len(REGISTER_COLS))),
        (_C, _L, _L, _L, _L, _L),
        header_size=13,
    )
    _register_signature(doc, body)
    _end_body(doc)
    _fix_properties(doc, "Danh mục (mẫu)", GENERATOR)
    return doc


def main() -> None:
    for path, build in (
        (PROCEDURE_TEMPLATE, build_procedure_template),
        (REGISTER_TEMPLATE, build_register_template),
    ):
        path.write_bytes(reproducible_bytes(build()))
        print(f"wrote {path}")  # noqa: T201


if __name__ == "__main__":
    main()
