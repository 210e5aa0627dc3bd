"""Generate the docxtpl template of the NC slip: ``docx_templates/nc_slip.docx``.

Run from the project root::

    .venv/bin/python -m qms.nonconformities.exports.build_templates

and commit the regenerated template together with any change to this script. The page,
styles and NĐ 30 header are those of :mod:`qms.reports.docx_templates.build_templates`
(which documents the byte-for-byte reproducible output).

``nc_slip.docx`` — Phiếu yêu cầu hành động khắc phục / theo dõi sự không phù hợp, rendered
by :func:`qms.nonconformities.exports.slip.build_docx`. A4 portrait, page numbers from
page 2. NĐ 30 header (``parent_body``, ``issuer``, ``number_line``, ``place_date``), the
title and ``status_line``; then

* I. the nonconformity: a two-column table of ``facts`` (``{label, value}``) and the
  ``description`` paragraphs;
* II. the correction (``correction`` paragraphs, ``correction_on``);
* III. the cause analysis: ``method``, the ``whys`` table (``{no, text}``, when there are
  any), the ``fishbone`` table of the 6 M (``{category, causes}``, when there are any),
  the ``root_cause`` paragraphs;
* IV. the corrective actions: ``actions`` (``{no, description, owner, due, done_on,
  result}``) in a bordered six-column table whose header row repeats;
* V. the verification of effectiveness: ``verifications`` (``{date, by, effective,
  note}``) and the ``conclusion``;
* the signatures: ``signers`` (three ``{title, name, date}``: who raised it, the head of
  the responsible unit, who verified it) over room for a handwritten signature.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from qms.reports.docx_templates.build_templates import (
    _end_body,
    _fix_properties,
    _header_table,
    _loop_table,
    _row_flags,
    _setup_page,
    _setup_styles,
    _table_borders,
    _table_geometry,
    _Writer,
    reproducible_bytes,
)

HERE = Path(__file__).resolve().parent / "docx_templates"
SLIP_TEMPLATE = HERE / "nc_slip.docx"
GENERATOR = "qms/nonconformities/exports/build_templates.py"

# Every width tuple sums to TEXT_W (165 mm).
FACT_COLS = (52, 113)
WHY_COLS = (30, 135)
FISHBONE_COLS = (40, 125)
ACTION_COLS = (10, 50, 28, 24, 24, 29)
VERIFY_COLS = (24, 34, 25, 82)
SIGN_COLS = (50, 50, 65)
SIGN_HEIGHT = 22  # mm, room for a handwritten signature
TABLE_SIZE = 12

_C = WD_ALIGN_PARAGRAPH.CENTER
_L = WD_ALIGN_PARAGRAPH.LEFT


def _heading(body: _Writer, text: str) -> None:
    body.add(text, bold=True, align=_L, before=12, after=6, keep_next=True)


def _text(body: _Writer, var: str) -> None:
    """The paragraphs of a list of strings, or an empty dotted line to write in."""
    body.tag(f"{{%p for t in {var} %}}")
    body.add("{{ t }}", style="Eiso Body")
    body.tag("{%p endfor %}")


def _facts(doc: DocumentObject) -> None:
    table = doc.add_table(rows=3, cols=2)
    _table_borders(table, "single")
    _table_geometry(table, FACT_COLS, cell_margin_mm=1.5)
    loop_start, data, loop_end = table.rows
    _row_flags(data)
    _Writer(loop_start.cells[0]).add("{%tr for r in facts %}", size=TABLE_SIZE)
    _Writer(loop_end.cells[0]).add("{%tr endfor %}", size=TABLE_SIZE)
    label = _Writer(data.cells[0]).add("{{ r.label }}", style="Eiso Table Text")
    label.paragraph_format.alignment = _L
    label.runs[0].font.bold = True
    value = _Writer(data.cells[1]).add("{{ r.value }}", style="Eiso Table Text")
    value.paragraph_format.alignment = _L
    for cell in data.cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _optional_table(
    doc: DocumentObject,
    body: _Writer,
    var: str,
    caption: str,
    widths: tuple[float, ...],
    headers: tuple[str, ...],
    cells: tuple[str, ...],
    aligns: tuple[WD_ALIGN_PARAGRAPH, ...],
) -> None:
    body.tag(f"{{%p if {var} %}}")
    body.add(caption, italic=True, align=_L, before=6, after=3, keep_next=True)
    _loop_table(doc, widths, headers, f"r in {var}", cells, aligns, header_size=TABLE_SIZE)
    body.tag("{%p endif %}")


def _signatures(doc: DocumentObject) -> None:
    table = doc.add_table(rows=3, cols=3)
    _table_borders(table, "nil")
    _table_geometry(table, SIGN_COLS, cell_margin_mm=1)
    titles, room, names = table.rows
    for row in table.rows:
        _row_flags(row)
    room.height = Mm(SIGN_HEIGHT)
    room.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for index in range(3):
        signer = f"signers[{index}]"
        top = _Writer(titles.cells[index])
        top.add(f"{{{{ {signer}.title }}}}", size=12, bold=True, before=12, keep_next=True)
        top.add(f"{{{{ {signer}.date }}}}", size=12, italic=True, keep_next=True)
        _Writer(room.cells[index]).add("(Ký, ghi rõ họ tên)", size=11, italic=True, keep_next=True)
        _Writer(names.cells[index]).add(f"{{{{ {signer}.name }}}}", size=13, bold=True)
        for row in (titles, room, names):
            row.cells[index].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def build_slip_template() -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    body = _Writer(doc)
    _header_table(doc)
    body.add("PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC", bold=True, before=12, keep_next=True)
    body.add("(Theo dõi sự không phù hợp)", bold=True, keep_next=True)
    body.add("{{ status_line }}", size=12, italic=True, after=6, keep_next=True)

    _heading(body, "I. SỰ KHÔNG PHÙ HỢP")
    _facts(doc)
    body.add("Mô tả sự không phù hợp:", bold=True, align=_L, before=6, keep_next=True)
    _text(body, "description")

    _heading(body, "II. KHẮC PHỤC TỨC THỜI (HÀNH ĐỘNG XỬ LÝ)")
    _text(body, "correction")
    body.add("{{ correction_on }}", size=13, italic=True, align=_L)

    _heading(body, "III. PHÂN TÍCH NGUYÊN NHÂN")
    body.add("{{ method }}", size=13, italic=True, align=_L, after=3)
    _optional_table(
        doc,
        body,
        "whys",
        "Phân tích 5 lần “Tại sao”:",
        WHY_COLS,
        ("Câu hỏi", "Trả lời"),
        ("r.no", "r.text"),
        (_C, _L),
    )
    _optional_table(
        doc,
        body,
        "fishbone",
        "Sơ đồ xương cá (6M):",
        FISHBONE_COLS,
        ("Nhóm nguyên nhân", "Nguyên nhân"),
        ("r.category", "r.causes"),
        (_L, _L),
    )
    body.add("Nguyên nhân gốc:", bold=True, align=_L, before=6, keep_next=True)
    _text(body, "root_cause")

    _heading(body, "IV. HÀNH ĐỘNG KHẮC PHỤC")
    _loop_table(
        doc,
        ACTION_COLS,
        ("TT", "Nội dung hành động", "Người thực hiện", "Thời hạn", "Ngày hoàn thành", "Kết quả"),
        "r in actions",
        ("r.no", "r.description", "r.owner", "r.due", "r.done_on", "r.result"),
        (_C, _L, _L, _C, _C, _L),
        header_size=TABLE_SIZE,
        min_height_mm=8,
    )

    _heading(body, "V. KIỂM TRA HIỆU LỰC CỦA HÀNH ĐỘNG KHẮC PHỤC")
    _loop_table(
        doc,
        VERIFY_COLS,
        ("Ngày", "Người kiểm tra", "Kết quả", "Nội dung kiểm tra"),
        "r in verifications",
        ("r.date", "r.by", "r.effective", "r.note"),
        (_C, _L, _C, _L),
        header_size=TABLE_SIZE,
        min_height_mm=8,
    )
    body.add("{{ conclusion }}", size=13, bold=True, align=_L, before=6, keep_next=True)

    _signatures(doc)
    _end_body(doc)
    _fix_properties(doc, "Phiếu yêu cầu hành động khắc phục (mẫu)", GENERATOR)
    return doc


def main() -> None:
    HERE.mkdir(exist_ok=True)
    SLIP_TEMPLATE.write_bytes(reproducible_bytes(build_slip_template()))
    print(f"wrote {SLIP_TEMPLATE}")  # noqa: T201


if __name__ == "__main__":
    main()
