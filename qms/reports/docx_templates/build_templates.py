"""Generate the docxtpl template of :mod:`qms.reports.nd30` (NĐ 30/2020/NĐ-CP layout).

Run from the project root::

    .venv/bin/python -m qms.reports.docx_templates.build_templates

and commit the regenerated ``nd30.docx`` together with any change to this script. Each
template is built with python-docx (never edited by hand in Word) so that its layout is
reviewable as code; the output is byte-for-byte reproducible (fixed document properties and
zip timestamps), so a rebuild without a script change leaves ``git status`` clean.

``nd30.docx`` — an official document (Kế hoạch, Quyết định, Báo cáo) with its appendix
table. Layout (NĐ 30/2020, Phụ lục I):

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

``procedure.docx`` and ``register.docx`` of document control are built from these helpers by
:mod:`qms.documents.exports.build_templates`.
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


def _fix_properties(
    doc: DocumentObject,
    title: str,
    generator: str = "qms/reports/docx_templates/build_templates.py",
) -> None:
    """Fixed document properties, so that a rebuild gives identical bytes."""
    props = doc.core_properties
    props.author = "eISO"
    props.last_modified_by = "eISO"
    props.title = title
    props.comments = f"Generated by {generator}"
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
    header_size: float = 12,
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
    PLAN_TEMPLATE.write_bytes(reproducible_bytes(build_plan_template()))
    print(f"wrote {PLAN_TEMPLATE}")  # noqa: T201


if __name__ == "__main__":
    main()
