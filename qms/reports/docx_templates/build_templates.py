"""Generate the docxtpl templates used by :mod:`qms.reports` (NĐ 30/2020/NĐ-CP layout).

Run from the project root::

    .venv/bin/python -m qms.reports.docx_templates.build_templates

and commit the regenerated ``nd30.docx``, ``procedure.docx`` and ``register.docx`` together
with any change to this script. Each template is built with python-docx (never edited by hand in Word) so that its layout is
reviewable as code; the output is byte-for-byte reproducible (fixed document properties and
zip timestamps), so a rebuild without a script change leaves ``git status`` clean.

``nd30.docx`` — an official document (Kế hoạch, Quyết định, Báo cáo) with its appendix table. Layout (NĐ 30/2020,
Phụ lục I):

* A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
  everywhere (``w:rFonts`` ascii/hAnsi/eastAsia/cs, so Vietnamese text never falls back to
  another font; LibreOffice substitutes the metric-compatible Liberation Serif).
* Page numbers centred in the page header, none on the first page (``w:titlePg``).
* Borderless 2 × 2 header table: row 1 = parent body (13, regular) / issuer (13, bold) /
  short rule | Quốc hiệu (13, bold) / Tiêu ngữ (14, bold) / rule; row 2 = "Số: …" (13) |
  place and date (14, italic), so that number and date sit on the same line.
  The rules are empty 1 pt paragraphs with a top border, narrowed by their indents: they
  render identically in Word and LibreOffice (no drawing objects).
* Document type (14, bold, capitals), trích yếu (14, bold), short rule; preamble and body
  paragraphs 14 pt, justified, first line 1 cm, 6 pt after, line spacing 1.15.
* Closing borderless table: "Nơi nhận:" (12, bold italic) with "- …" lines (11) on the
  left; signer authority / position (14, bold), room for the signature, name (14, bold)
  on the right. The row cannot split across pages.
* A new landscape section for the appendix: title, subtitle (bold), note (italic), and a
  bordered 5-column table (13 pt) whose header row repeats on each page.

Jinja tags (rendered by :func:`qms.reports.nd30.build_official_docx`, ``autoescape=True``):
``{{ watermark }}``, ``{{ parent_body }}``, ``{{ issuer }}``, ``{{ number_line }}``,
``{{ place_date }}``, ``{{ doc_type }}``, ``{{ title }}``, ``preamble``/``body`` lists of
``{text, bold}`` looped with ``{%p for … %}`` and a ``{%p if p.bold %}`` variant (the
last body paragraph is kept with the signature block via ``{%p elif loop.last %}``),
``recipients``, ``signer_authority``/``signer_position``/``signer_name``,
``appendix_title``/``appendix_subtitle``/``appendix_note``, ``headers`` (5 strings) and
``rows`` (``{no, content, lead, partner, timing}``) looped with ``{%tr for r in rows %}``.
Every tag sits in a single run, as docxtpl requires.

``procedure.docx`` — an ISO procedure (quy trình), rendered by
:func:`qms.reports.procedure_docx.build_procedure_docx`. A4 portrait, same margins, one
section whose page header (every page, no different first page) is a bordered table:
agency | title (+ red "HẾT HIỆU LỰC" when ``obsolete``) | Mã hiệu / Lần ban hành / Ngày ban
hành / "Trang: PAGE/NUMPAGES". Page 1: optional red watermark and obsolete lines, the
SOẠN THẢO / SOÁT XÉT / PHÊ DUYỆT block (``signers[0..2]``), "SỬA ĐỔI TÀI LIỆU" and the
``revisions`` table. From page 2: sections 1–7 (``purpose``, ``scope``, ``references``,
``definitions``; section 5 is ``{%p if is_tthc %}`` subsections 5.1–5.7 or the ``body``
paragraphs, then the ``steps`` table and ``steps_note``; ``forms`` and ``records`` tables
or "Không có.").

``register.docx`` — a master list, rendered by
:func:`qms.reports.register_docx.build_register_docx`. A4 landscape, page numbers from page
2, the NĐ 30 header table spread over the 252 mm text width, ``title``, ``subtitle``, a
bordered 6-column table (``headers``, ``rows`` looped with ``{%tr for r in rows %}``,
header row repeated) and an optional signer block (``{%p if signer_name %}``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
PLAN_TEMPLATE = HERE / "nd30.docx"
PROCEDURE_TEMPLATE = HERE / "procedure.docx"
REGISTER_TEMPLATE = HERE / "register.docx"

FONT = "Times New Roman"
BODY_SIZE = 14
RED = RGBColor(0xC0, 0x00, 0x00)

# Page geometry (mm).
PAGE_W, PAGE_H = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
HEADER_DISTANCE = 10
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 165
LANDSCAPE_TEXT_W = PAGE_H - MARGIN_LEFT - MARGIN_RIGHT  # 252

# Header table: slightly wider than the text block (it starts HEADER_INDENT into the left
# margin) so that the Quốc hiệu fits on one line at 13 pt, as in issued documents.
HEADER_INDENT = -6
HEADER_LEFT_W, HEADER_RIGHT_W = 70, 104
ISSUER_RULE_W = 25  # 1/3 to 1/2 of the issuer line
MOTTO_RULE_W = 62  # as long as "Độc lập - Tự do - Hạnh phúc" at 14 pt bold
TITLE_RULE_W = 45
RULE_GAP = 4  # pt between a text line and the rule under it

SIGN_LEFT_W, SIGN_RIGHT_W = 80, 85
SIGN_GAP = 12  # pt between the last body paragraph and "Nơi nhận:" / the signer
APPENDIX_COLS = (14, 106, 45, 45, 42)  # sums to LANDSCAPE_TEXT_W

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

FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- XML helpers


def _insert_ordered(parent, child, successors: tuple[str, ...]) -> None:
    """Insert ``child`` into ``parent`` before the first of ``successors`` (schema order)."""
    existing = parent.find(child.tag)
    if existing is not None:
        parent.remove(existing)
    parent.insert_element_before(child, *successors)


_PPR_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_TBLPR_AFTER_IND = (
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
)
_TBLPR_AFTER_BORDERS = _TBLPR_AFTER_IND[1:]
_TBLPR_AFTER_CELLMAR = _TBLPR_AFTER_IND[4:]


def _set_rfonts(rpr) -> None:
    """Times New Roman for every script slot; theme fonts removed (they would win)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), FONT)


def _mark_size(paragraph: Paragraph, size_pt: float) -> None:
    """Font size of the paragraph mark (sets the height of an empty paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(size_pt * 2)))
        rpr.append(el)
    _insert_ordered(ppr, rpr, ("w:sectPr", "w:pPrChange"))


def _top_border(paragraph: Paragraph, size_eighths: int = 6) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), str(size_eighths))
    top.set(qn("w:space"), "1")
    top.set(qn("w:color"), "auto")
    pbdr.append(top)
    _insert_ordered(ppr, pbdr, _PPR_AFTER_PBDR)


def _table_borders(table: Table, val: str) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "auto")
        borders.append(el)
    _insert_ordered(tblpr, borders, _TBLPR_AFTER_BORDERS)


def _table_geometry(
    table: Table,
    widths_mm: tuple[float, ...],
    *,
    indent_mm: float = 0,
    cell_margin_mm: float | None = None,
) -> None:
    """Fixed layout, explicit grid and cell widths (Word and LibreOffice agree on these)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        _insert_ordered(tblpr, tblw, ("w:jc", "w:tblCellSpacing", "w:tblInd") + _TBLPR_AFTER_IND)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    if indent_mm:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(int(Mm(indent_mm).twips)))
        ind.set(qn("w:type"), "dxa")
        _insert_ordered(tblpr, ind, _TBLPR_AFTER_IND)
    if cell_margin_mm is not None:
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(int(Mm(cell_margin_mm).twips)))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        _insert_ordered(tblpr, mar, _TBLPR_AFTER_CELLMAR)
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _cell_top_margin(cell: _Cell, points: float) -> None:
    """Space above the cell content (independent of which paragraphs docxtpl keeps)."""
    tcpr = cell._tc.get_or_add_tcPr()
    mar = OxmlElement("w:tcMar")
    top = OxmlElement("w:top")
    top.set(qn("w:w"), str(int(Pt(points).twips)))
    top.set(qn("w:type"), "dxa")
    mar.append(top)
    _insert_ordered(
        tcpr,
        mar,
        (
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
            "w:headers",
            "w:cellIns",
            "w:cellDel",
            "w:cellMerge",
            "w:tcPrChange",
        ),
    )


def _row_flags(row, *, header: bool = False, cant_split: bool = True) -> None:
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _page_field(paragraph: Paragraph) -> None:
    """Append a PAGE field (shows the current page number)."""
    _field(paragraph, "PAGE", "2")


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """Append a simple field (``PAGE``, ``NUMPAGES``) showing ``placeholder`` until updated."""

    def fld(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        return run

    fld("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


# --------------------------------------------------------------------------- paragraphs


class _Writer:
    """Adds directly formatted paragraphs to a document or a table cell.

    A new cell already holds one empty paragraph: the first ``add`` reuses it.
    """

    def __init__(self, container: DocumentObject | _Cell) -> None:
        self.container = container
        self.fresh = isinstance(container, _Cell)

    def add(
        self,
        text: str = "",
        *,
        size: float = BODY_SIZE,
        bold: bool = False,
        italic: bool = False,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
        before: float = 0,
        after: float = 0,
        style: str | None = None,
        color: RGBColor | None = None,
        keep_next: bool = False,
    ) -> Paragraph:
        if self.fresh:
            paragraph = self.container.paragraphs[0]
            if style:
                paragraph.style = style
            self.fresh = False
        else:
            paragraph = self.container.add_paragraph(style=style)
        fmt = paragraph.paragraph_format
        if style is None:
            fmt.alignment = align
            fmt.space_before = Pt(before)
            fmt.space_after = Pt(after)
            fmt.first_line_indent = Mm(0)
        if keep_next:
            fmt.keep_with_next = True
        if text:
            run = paragraph.add_run(text)
            if style is None:
                run.font.size = Pt(size)
                run.font.bold = bold
                run.font.italic = italic
                if color is not None:
                    run.font.color.rgb = color
        if style is None:
            _mark_size(paragraph, size)
        return paragraph

    def tag(self, tag: str) -> Paragraph:
        """A paragraph holding only a ``{%p … %}`` tag (docxtpl removes it entirely)."""
        return self.add(tag, size=BODY_SIZE)

    def rule(self, width_mm: float, container_w_mm: float, *, after: float = 0) -> Paragraph:
        """A short centred horizontal rule: an empty 1 pt paragraph with a top border.

        ``RULE_GAP`` points above it keep the line clear of the descenders of the text.
        """
        paragraph = self.add("", size=1, before=RULE_GAP, after=after)
        fmt = paragraph.paragraph_format
        side = max((container_w_mm - width_mm) / 2, 0)
        fmt.left_indent = Mm(side)
        fmt.right_indent = Mm(side)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(1)
        _top_border(paragraph)
        return paragraph


# --------------------------------------------------------------------------- document


def _setup_styles(doc: DocumentObject) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_SIZE * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    ppr_spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    ppr_spacing.set(qn("w:after"), "0")
    ppr_spacing.set(qn("w:line"), "240")

    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _set_rfonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    for name in ("Header", "Footer"):
        styles[name].font.name = FONT
        _set_rfonts(styles[name].element.get_or_add_rPr())

    body = styles.add_style("Eiso Body", 1)  # WD_STYLE_TYPE.PARAGRAPH
    body.base_style = normal
    body.quick_style = True
    fmt = body.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Mm(10)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    fmt.widow_control = True
    body.font.size = Pt(BODY_SIZE)

    heading = styles.add_style("Eiso Body Heading", 1)
    heading.base_style = body
    heading.quick_style = True
    heading.font.bold = True
    heading.paragraph_format.keep_with_next = True

    cell = styles.add_style("Eiso Table Text", 1)
    cell.base_style = normal
    cell.quick_style = True
    cell.font.size = Pt(13)
    cell.paragraph_format.space_before = Pt(2)
    cell.paragraph_format.space_after = Pt(2)
    cell.paragraph_format.line_spacing = 1.0

    recipient = styles.add_style("Eiso Recipient", 1)
    recipient.base_style = normal
    recipient.quick_style = True
    recipient.font.size = Pt(11)
    recipient.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _page_geometry(section: Section, *, landscape: bool = False) -> None:
    """A4 with the NĐ 30 margins (left 30, right 15 mm whatever the orientation)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Mm(HEADER_DISTANCE)
    section.gutter = Mm(0)


def _setup_page(doc: DocumentObject, *, landscape: bool = False) -> None:
    section = doc.sections[0]
    _page_geometry(section, landscape=landscape)

    # Page number centred at the top from page 2 on; empty first-page header.
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph)
    for run in paragraph.runs:
        run.font.size = Pt(13)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].text = ""


def _header_table(
    doc: DocumentObject,
    *,
    left_w: float = HEADER_LEFT_W,
    right_w: float = HEADER_RIGHT_W,
    indent_mm: float = HEADER_INDENT,
) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _table_borders(table, "nil")
    _table_geometry(table, (left_w, right_w), indent_mm=indent_mm, cell_margin_mm=0.5)
    for row in table.rows:
        _row_flags(row)
    top_left, top_right = table.rows[0].cells
    bottom_left, bottom_right = table.rows[1].cells

    left = _Writer(top_left)
    left.add("{{ parent_body }}", size=13)
    left.add("{{ issuer }}", size=13, bold=True)
    left.rule(ISSUER_RULE_W, left_w)

    right = _Writer(top_right)
    right.add("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    right.add("Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    right.rule(MOTTO_RULE_W, right_w)

    _Writer(bottom_left).add("{{ number_line }}", size=13, before=6)
    _Writer(bottom_right).add("{{ place_date }}", size=14, italic=True, before=6)
    for cell in (*table.rows[0].cells, *table.rows[1].cells):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _paragraph_loop(writer: _Writer, var: str, *, last_keeps_next: bool = False) -> None:
    """Loop over ``{text, bold}`` items; bold ones use the heading style.

    With ``last_keeps_next`` the last paragraph is kept on the page of what follows (the
    signature block), so that the signature never stands alone on a page.
    """
    writer.tag(f"{{%p for p in {var} %}}")
    writer.tag("{%p if p.bold %}")
    writer.add("{{ p.text }}", style="Eiso Body Heading")
    if last_keeps_next:
        writer.tag("{%p elif loop.last %}")
        writer.add("{{ p.text }}", style="Eiso Body", keep_next=True)
    writer.tag("{%p else %}")
    writer.add("{{ p.text }}", style="Eiso Body")
    writer.tag("{%p endif %}")
    writer.tag("{%p endfor %}")


def _signature_table(doc: DocumentObject) -> None:
    table = doc.add_table(rows=1, cols=2)
    _table_borders(table, "nil")
    _table_geometry(table, (SIGN_LEFT_W, SIGN_RIGHT_W), cell_margin_mm=0.5)
    _row_flags(table.rows[0])
    left_cell, right_cell = table.rows[0].cells

    left = _Writer(left_cell)
    left.add(
        "Nơi nhận:",
        size=12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    left.tag("{%p for r in recipients %}")
    left.add("- {{ r }}", style="Eiso Recipient")
    left.tag("{%p endfor %}")

    right = _Writer(right_cell)
    right.tag("{%p if signer_authority %}")
    right.add("{{ signer_authority }}", bold=True, keep_next=True)
    right.tag("{%p endif %}")
    right.add("{{ signer_position }}", bold=True, keep_next=True)
    for _ in range(4):
        right.add("", keep_next=True)
    right.add("{{ signer_name }}", bold=True, before=6)
    for cell in (left_cell, right_cell):
        _cell_top_margin(cell, SIGN_GAP)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _appendix(doc: DocumentObject) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    # The paragraph that now carries the first section's properties sits after the signature
    # table: keep it 1 pt high so it never spills onto a page of its own.
    section_end = doc.paragraphs[-1]
    section_end.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    section_end.paragraph_format.line_spacing = Pt(1)
    _mark_size(section_end, 1)

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_H), Mm(PAGE_W)
    section.different_first_page_header_footer = False  # numbered like the other pages

    body = _Writer(doc)
    body.add("{{ appendix_title }}", bold=True)
    body.add("{{ appendix_subtitle }}", bold=True)
    body.add("{{ appendix_note }}", italic=True, after=12)

    table = doc.add_table(rows=4, cols=5)
    _table_borders(table, "single")
    _table_geometry(table, APPENDIX_COLS, cell_margin_mm=1.5)
    header, loop_start, data, loop_end = table.rows
    _row_flags(header, header=True)
    _row_flags(data)

    aligns = (
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.JUSTIFY,
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.CENTER,
    )
    fields = ("no", "content", "lead", "partner", "timing")
    for index, cell in enumerate(header.cells):
        _Writer(cell).add(f"{{{{ headers[{index}] }}}}", size=13, bold=True, before=3, after=3)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _Writer(loop_start.cells[0]).add("{%tr for r in rows %}", size=13)
    _Writer(loop_end.cells[0]).add("{%tr endfor %}", size=13)
    for cell, align, field in zip(data.cells, aligns, fields, strict=True):
        p = _Writer(cell).add(f"{{{{ r.{field} }}}}", style="Eiso Table Text")
        p.paragraph_format.alignment = align
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    # The body must end with a paragraph after a table; keep it tiny.
    tail = doc.add_paragraph()
    _mark_size(tail, 1)


def build_plan_template() -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    # python-docx's blank document starts with no paragraph: build from the top.
    body = _Writer(doc)
    body.tag("{%p if watermark %}")
    body.add("{{ watermark }}", bold=True, color=RED, after=6)
    body.tag("{%p endif %}")
    _header_table(doc)
    body.add("{{ doc_type }}", bold=True, before=18, keep_next=True)
    body.add("{{ title }}", bold=True, keep_next=True)
    body.rule(TITLE_RULE_W, TEXT_W, after=18)
    _paragraph_loop(body, "preamble")
    _paragraph_loop(body, "body", last_keeps_next=True)
    _signature_table(doc)
    _appendix(doc)

    props = doc.core_properties
    props.author = "eISO"
    props.last_modified_by = "eISO"
    props.title = "Kế hoạch (mẫu)"
    props.comments = "Generated by qms/reports/docx_templates/build_templates.py"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    return doc


def _fix_properties(doc: DocumentObject, title: str) -> None:
    """Fixed document properties, so that a rebuild gives identical bytes."""
    props = doc.core_properties
    props.author = "eISO"
    props.last_modified_by = "eISO"
    props.title = title
    props.comments = "Generated by qms/reports/docx_templates/build_templates.py"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1


def _end_body(doc: DocumentObject) -> None:
    """The body must end with a paragraph after a table; keep it tiny."""
    tail = doc.add_paragraph()
    _mark_size(tail, 1)


def _loop_table(
    doc: DocumentObject,
    widths_mm: tuple[float, ...],
    headers: tuple[str, ...],
    loop: str,
    cells: tuple[str, ...],
    aligns: tuple[WD_ALIGN_PARAGRAPH, ...],
    *,
    header_size: float = PROC_TABLE_SIZE,
    min_height_mm: float | None = None,
) -> Table:
    """A bordered table: a header row repeated on each page, then one row per loop item.

    ``loop`` is the ``for`` clause (``"r in rows"``) and ``cells`` the Jinja expressions of
    the data row; docxtpl removes the two ``{%tr %}`` rows and repeats the one between.
    """
    table = doc.add_table(rows=4, cols=len(widths_mm))
    _table_borders(table, "single")
    _table_geometry(table, widths_mm, cell_margin_mm=1.5)
    header, loop_start, data, loop_end = table.rows
    _row_flags(header, header=True)
    _row_flags(data)
    if min_height_mm is not None:
        data.height = Mm(min_height_mm)
        data.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for cell, text in zip(header.cells, headers, strict=True):
        _Writer(cell).add(text, size=header_size, bold=True, before=2, after=2)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _Writer(loop_start.cells[0]).add(f"{{%tr for {loop} %}}", size=header_size)
    _Writer(loop_end.cells[0]).add("{%tr endfor %}", size=header_size)
    for cell, align, expression in zip(data.cells, aligns, cells, strict=True):
        paragraph = _Writer(cell).add(f"{{{{ {expression} }}}}", style="Eiso Table Text")
        paragraph.paragraph_format.alignment = align
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


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
    _fix_properties(doc, "Quy trình (mẫu)")
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
    _fix_properties(doc, "Danh mục (mẫu)")
    return doc


def reproducible_bytes(doc: DocumentObject) -> bytes:
    """Save ``doc`` with fixed zip timestamps so that rebuilds are byte-identical."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            clone = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            clone.compress_type = zipfile.ZIP_DEFLATED
            clone.external_attr = 0o644 << 16
            dst.writestr(clone, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    for path, build in (
        (PLAN_TEMPLATE, build_plan_template),
        (PROCEDURE_TEMPLATE, build_procedure_template),
        (REGISTER_TEMPLATE, build_register_template),
    ):
        path.write_bytes(reproducible_bytes(build()))
        print(f"wrote {path}")  # noqa: T201


if __name__ == "__main__":
    main()
