"""Files of controlled documents: checked uploads, text extraction, "HẾT HIỆU LỰC" stamps.

Three jobs, all on bytes and without the database:

* :func:`check_upload` accepts only PDF, Word (.docx) and Excel (.xlsx) files with the
  shared checks of :mod:`qms.core.uploads` (content, size, zip caps, macros, encryption,
  name, SHA-256) and extracts their text for the accent-insensitive search;
* :func:`extract_text` is that extraction on its own;
* :func:`stamp_obsolete` returns a copy of an obsolete version marked "HẾT HIỆU LỰC" (no
  longer in force) on every page, as ISO 9001 §7.5.3.2 d) asks for obsolete documents
  that are kept.

Stamps, by kind:

* PDF: a red, bold "HẾT HIỆU LỰC" box (and the note, smaller) centred in the top margin
  of every page, drawn with fpdf2 in a TrueType font with Vietnamese glyphs (see
  :func:`stamp_font_path`) and merged over each page with pypdf; the PDF title gets the
  prefix "[HẾT HIỆU LỰC] ".
* DOCX: a red, bold paragraph at the very start of the body and at the top of every
  header in use (default, first-page and even-page ones).
* XLSX: a new first row in every worksheet with the stamp (and note) in A1 — cell
  references in formulas, defined names, merged cells, row heights, conditional
  formatting, data validation, filters, tables, hyperlinks, charts and images are moved
  down with it — plus the stamp in the printed page header, so it shows on paper too.
  openpyxl loads the whole workbook, so a workbook that expands to more than
  ``settings.STAMP_XLSX_MAX_UNCOMPRESSED`` is refused (ValueError: the view then serves
  nothing rather than an unstamped copy).
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from qms.core import uploads
from qms.core.uploads import (  # noqa: F401  (re-exported for documents)
    MAX_NAME_LENGTH,
    ZIP_MIN_UNCOMPRESSED,
    FileRejected,
    PdfLocked,
    clean_name,
    open_pdf,
    sniff_kind,
)
from qms.reports import xlsx
from qms.reports.xlsx_rows import XlsxRowInserter as _XlsxRowInserter

logger = logging.getLogger(__name__)
# fpdf2 subsets the stamp font with fontTools, which logs dozens of INFO lines per file.
if logging.getLogger("fontTools.subset").level == logging.NOTSET:
    logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

OBSOLETE_STAMP: Final = "HẾT HIỆU LỰC"
OBSOLETE_STAMP_ASCII: Final = "HET HIEU LUC"
TITLE_PREFIX: Final = f"[{OBSOLETE_STAMP}] "

PDF: Final = "pdf"
DOCX: Final = "docx"
XLSX: Final = "xlsx"
CONTENT_TYPES: Final[dict[str, str]] = {k: uploads.CONTENT_TYPES[k] for k in uploads.DOCUMENT_KINDS}
KINDS: Final = tuple(CONTENT_TYPES)

MAX_TEXT_CHARS: Final = 1_000_000
# Stamp colour (a dark red that prints well in greyscale too).
_RED: Final = (0xC0, 0x00, 0x00)
_RED_HEX: Final = "C00000"


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: what to store next to the file."""

    name: str  # original file name (basename, at most 255 characters)
    content_type: str  # one of CONTENT_TYPES' values
    kind: str  # "pdf" | "docx" | "xlsx"
    size: int  # bytes
    sha256: str  # hex digest
    text: str  # extracted plain text, diacritics kept; "" when extraction failed


# --------------------------------------------------------------------------- upload check


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedFile:
    """Check an uploaded document file (PDF, DOCX, XLSX) and describe it, with its text.

    The checks are :func:`qms.core.uploads.check_upload`'s; raises :class:`FileRejected`.
    The upload is rewound, so the caller can save it afterwards.
    """
    checked = uploads.check_upload(upload, kinds=KINDS, max_bytes=max_bytes)
    return CheckedFile(
        name=checked.name,
        content_type=checked.content_type,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        text=extract_text(checked.data, checked.kind),
    )


class _Collector:
    """Gathers text pieces up to a number of characters."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_TEXT_CHARS if limit is None else limit
        self.parts: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= self.limit

    def add(self, text: str | None) -> None:
        text = (text or "").strip()
        if text and not self.full:
            self.parts.append(text)
            self.size += len(text) + 1

    def text(self) -> str:
        return _tidy("\n".join(self.parts))[: self.limit]


_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def _tidy(text: str) -> str:
    """NFC, no NUL/control characters or lone surrogates (PostgreSQL refuses them)."""
    text = _UNSTORABLE.sub("", unicodedata.normalize("NFC", text))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def extract_text(data: bytes, kind: str) -> str:
    """Plain text of a PDF, DOCX or XLSX file (at most ~1,000,000 characters).

    Diacritics are kept (the search folds them). A file whose text cannot be read gives
    "" and a logged warning; an unknown ``kind`` raises ValueError.
    """
    extractors: dict[str, Callable[[bytes, _Collector], None]] = {
        PDF: _pdf_text,
        DOCX: _docx_text,
        XLSX: _xlsx_text,
    }
    if kind not in extractors:
        raise ValueError(f"Unknown document file kind: {kind!r}")
    collector = _Collector()
    try:
        extractors[kind](data, collector)
    except Exception:
        logger.warning("Text extraction from a %s file failed", kind, exc_info=True)
        return ""
    return collector.text()


def _pdf_text(data: bytes, out: _Collector) -> None:
    reader = open_pdf(data)
    for number, page in enumerate(reader.pages, start=1):
        if out.full:
            break
        try:
            out.add(page.extract_text())
        except Exception:
            logger.warning("Text extraction from PDF page %s failed", number, exc_info=True)


def _docx_text(data: bytes, out: _Collector) -> None:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    document = Document(io.BytesIO(data))
    story_types = {RT.HEADER, RT.FOOTER, RT.FOOTNOTES, RT.ENDNOTES}
    roots = [document.element]
    others = [
        rel.target_part
        for rel in document.part.rels.values()
        if not rel.is_external and rel.reltype in story_types
    ]
    for part in sorted(others, key=lambda p: str(p.partname)):
        roots.append(part.element if isinstance(part, XmlPart) else parse_xml(part.blob))
    for root in roots:
        for paragraph in _docx_paragraphs(root):
            if out.full:
                return
            out.add(paragraph)


_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK: Final = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P: Final = _W + "p"
_W_TEXT: Final = {_W + "t": None, _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}


def _docx_paragraphs(root: Any) -> Iterator[str]:
    """Text of every paragraph under ``root``: body, table cells, text boxes, content controls.

    Works on the XML so that runs inside insertions, fields, hyperlinks and content
    controls are not missed; duplicated legacy (mc:Fallback) copies are skipped.
    """
    for paragraph in root.iter(_W_P):
        if _inside(paragraph, {_MC_FALLBACK}, stop=None):
            continue
        pieces: list[str] = []
        for element in paragraph.iter(*_W_TEXT):
            if _inside(element, {_W_P, _MC_FALLBACK}, stop=paragraph):
                continue  # belongs to a nested paragraph (text box), read on its own
            fixed = _W_TEXT[element.tag]
            pieces.append(fixed if fixed is not None else (element.text or ""))
        yield "".join(pieces)


def _inside(element: Any, tags: set[str], *, stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _xlsx_text(data: bytes, out: _Collector) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            out.add(sheet.title)
            sheet.reset_dimensions()  # do not trust (or pad to) the stored dimension
            for row in sheet.iter_rows(values_only=True):
                if out.full:
                    return
                out.add("\t".join(_cell_text(v) for v in row if v is not None))
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# --------------------------------------------------------------------------- PDF helpers


# --------------------------------------------------------------------------- stamps


def stamp_obsolete(data: bytes, kind: str, *, note: str = "") -> bytes:
    """A copy of ``data`` marked "HẾT HIỆU LỰC" (plus ``note``) on every page or sheet.

    ``note`` is a short line such as "Thay thế bởi lần ban hành 02 ngày 01/09/2022". The
    input is not modified. Raises ValueError for an unknown ``kind`` or a file that
    cannot be read or rewritten (the original exception is chained).
    """
    stampers: dict[str, Callable[[bytes, str], bytes]] = {
        PDF: _stamp_pdf,
        DOCX: _stamp_docx,
        XLSX: _stamp_xlsx,
    }
    if kind not in stampers:
        raise ValueError(f"Unknown document file kind: {kind!r}")
    note = _tidy(note).replace("\n", " ")
    try:
        return stampers[kind](bytes(data), note)
    except PdfLocked as exc:
        raise ValueError("The PDF is password-protected and cannot be stamped.") from exc
    except Exception as exc:
        raise ValueError(f"The {kind} file could not be stamped: {exc}") from exc


def _titled(title: str | None) -> str:
    title = (title or "").strip()
    if title.startswith(TITLE_PREFIX.strip()):
        return title
    return (TITLE_PREFIX + title).strip()


# ----- PDF

_VIETNAMESE_SAMPLE: Final = (
    OBSOLETE_STAMP + "ĂÂĐÊÔƠƯăâđêôơưÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ0123456789/-"
)
_FONT_DIRS: Final = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-sans",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/msttcorefonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts/Supplemental",
    "C:/Windows/Fonts",
)
_FONT_FILES: Final = (
    "LiberationSans-Bold.ttf",
    "LiberationSerif-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSerif-Bold.ttf",
    "Arial_Bold.ttf",
    "Arial Bold.ttf",
    "arialbd.ttf",
    "Times New Roman Bold.ttf",
    "timesbd.ttf",
)
_FC_PATTERNS: Final = ("Liberation Sans:bold", "DejaVu Sans:bold", "sans-serif:bold:lang=vi")


def stamp_font_path() -> str | None:
    """A bold TrueType font file with Vietnamese glyphs, or None (the stamp is then ASCII).

    Tried in order: ``settings.DOCUMENT_STAMP_FONT`` if set, Liberation/DejaVu/Arial/Times
    files in the usual font folders, then ``fc-match`` when it is installed. Cached.
    """
    return _find_font()


@functools.cache
def _find_font() -> str | None:
    configured = getattr(settings, "DOCUMENT_STAMP_FONT", "") or ""
    candidates: list[str] = [configured] if configured else []
    candidates += [f"{folder}/{file}" for folder in _FONT_DIRS for file in _FONT_FILES]
    for path in candidates:
        if _usable_font(path):
            return path
    fc_match = shutil.which("fc-match")
    if fc_match:
        for pattern in _FC_PATTERNS:
            try:
                found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                    [fc_match, "--format=%{file}", pattern],
                    capture_output=True,
                    text=True,
                    timeout=5,
                    check=False,
                ).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                break
            if found and _usable_font(found):
                return found
    logger.warning("No TrueType font with Vietnamese glyphs found: stamps use ASCII Helvetica")
    return None


def _usable_font(path: str) -> bool:
    if not path.lower().endswith((".ttf", ".otf")) or not Path(path).is_file():
        return False
    try:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:
        return False
    return all(ord(c) in cmap for c in _VIETNAMESE_SAMPLE if not c.isspace())


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return (
        "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def _stamp_pdf(data: bytes, note: str) -> bytes:
    from pypdf import PdfWriter, Transformation

    reader = open_pdf(data)
    writer = PdfWriter(clone_from=reader)
    boxes: list[tuple[float, float, float, float]] = []
    for page in writer.pages:
        if page.rotation % 360:
            page.transfer_rotation_to_content()  # so "top" is the top the reader sees
        box = page.cropbox  # the visible area; the media box unless cropped
        boxes.append((float(box.left), float(box.bottom), float(box.width), float(box.height)))
    overlays = _pdf_overlays({(round(w, 2), round(h, 2)) for _x, _y, w, h in boxes}, note)
    for page, (left, bottom, width, height) in zip(writer.pages, boxes, strict=True):
        overlay = overlays[(round(width, 2), round(height, 2))]
        page.merge_transformed_page(overlay, Transformation().translate(left, bottom))
    title = reader.metadata.title if reader.metadata else None
    writer.add_metadata({"/Title": _titled(title)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_overlays(
    sizes: Iterable[tuple[float, float]], note: str
) -> dict[tuple[float, float], Any]:
    """One transparent overlay page per page size, the stamp centred near the top."""
    from fpdf import FPDF
    from pypdf import PdfReader

    ordered = sorted(sizes)
    pdf = FPDF(unit="pt", format=ordered[0])
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    font = stamp_font_path()
    if font:
        pdf.add_font("EisoStamp", "", font)
        family, style, stamp = "EisoStamp", "", OBSOLETE_STAMP
    else:
        family, style, stamp, note = "helvetica", "B", OBSOLETE_STAMP_ASCII, _ascii(note)
    for width, height in ordered:
        pdf.add_page(format=(width, height))
        _draw_stamp(pdf, width, height, family, style, stamp, note)
    overlay = PdfReader(io.BytesIO(bytes(pdf.output())))
    return {size: overlay.pages[i] for i, size in enumerate(ordered)}


def _draw_stamp(
    pdf: Any, width: float, height: float, family: str, style: str, stamp: str, note: str
) -> None:
    usable = width * 0.8
    pdf.set_font(family, style, 1)
    stamp_size = max(6.0, min(20.0, usable / max(pdf.get_string_width(stamp), 0.01)))
    note_size = 0.0
    if note:
        note_size = max(4.0, min(9.0, usable / max(pdf.get_string_width(note), 0.01)))
    pdf.set_font(family, style, stamp_size)
    stamp_width = pdf.get_string_width(stamp)
    note_width = 0.0
    if note:
        pdf.set_font(family, style, note_size)
        note_width = pdf.get_string_width(note)
    pad = stamp_size * 0.3
    box_width = min(width - 4, max(stamp_width, note_width) + 2 * pad)
    box_height = 2 * pad + stamp_size + (note_size * 1.3 if note else 0)
    x = (width - box_width) / 2
    y = min(12.0, height * 0.02)
    with pdf.local_context(fill_opacity=0.55):
        pdf.set_fill_color(255, 255, 255)
        pdf.set_draw_color(*_RED)
        pdf.set_line_width(max(0.8, stamp_size / 14))
        pdf.rect(x, y, box_width, box_height, style="DF")
    pdf.set_text_color(*_RED)
    pdf.set_font(family, style, stamp_size)
    pdf.text((width - stamp_width) / 2, y + pad + stamp_size * 0.8, stamp)
    if note:
        pdf.set_font(family, style, note_size)
        pdf.text((width - note_width) / 2, y + pad + stamp_size + note_size * 1.05, note)


# ----- DOCX


def _stamp_docx(data: bytes, note: str) -> bytes:
    from docx import Document

    document = Document(io.BytesIO(data))
    _prepend_stamp(document.element.body, document._body, note, size=14)
    stamped: set[str] = set()
    even_pages = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if even_pages:
            headers.append(section.even_page_header)
        for header in headers:
            part = header.part  # the definition in use (inherited, or added for section 1)
            if str(part.partname) in stamped:
                continue
            stamped.add(str(part.partname))
            _prepend_stamp(part.element, header, note, size=11)
    properties = document.core_properties
    properties.title = _titled(properties.title)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _prepend_stamp(container: Any, parent: Any, note: str, *, size: int) -> None:
    """Insert a centred red bold stamp paragraph as the first child of ``container``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt, RGBColor
    from docx.text.paragraph import Paragraph

    element = OxmlElement("w:p")
    container.insert(0, element)
    paragraph = Paragraph(element, parent)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(OBSOLETE_STAMP)
    run.bold = True
    run.font.size = Pt(size)
    run.font.color.rgb = RGBColor(*_RED)
    if note:
        run.add_break()
        small = paragraph.add_run(note)
        small.bold = True
        small.font.size = Pt(max(8, size - 4))
        small.font.color.rgb = RGBColor(*_RED)


# ----- XLSX


def _stamp_xlsx(data: bytes, note: str) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    _check_stampable_size(data)
    workbook = load_workbook(io.BytesIO(data), keep_links=True, rich_text=True)
    _XlsxRowInserter(workbook).insert_first_row()
    text = f"{OBSOLETE_STAMP} — {note}" if note else OBSOLETE_STAMP
    for sheet in workbook.worksheets:
        cell = sheet.cell(row=1, column=1, value=xlsx.safe_text(text))
        cell.font = Font(bold=True, color=_RED_HEX, size=14)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=False)
        _stamp_print_header(sheet)
    workbook.properties.title = _titled(workbook.properties.title)
    return xlsx.workbook_bytes(workbook)


def _check_stampable_size(data: bytes) -> None:
    """openpyxl holds the whole workbook (≈ 10–50 × its XML) in memory: bound the input."""
    import zipfile

    limit = settings.STAMP_XLSX_MAX_UNCOMPRESSED
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(i.file_size for i in archive.infolist())
    if expanded > limit:
        raise ValueError(f"workbook expands to {expanded} bytes, above {limit}")


def _stamp_print_header(sheet: Any) -> None:
    """Put the stamp in the printed page headers: the first free slot, else before centre."""
    footer = sheet.HeaderFooter
    items = [footer.oddHeader]
    if footer.differentFirst:
        items.append(footer.firstHeader)
    if footer.differentOddEven:
        items.append(footer.evenHeader)
    for item in items:
        if item is None:
            continue
        free = next((part for part in (item.center, item.left, item.right) if not part.text), None)
        if free is not None:
            free.text, free.font, free.color = OBSOLETE_STAMP, "-,Bold", _RED_HEX
        else:
            item.center.text = f"{OBSOLETE_STAMP} · {item.center.text}"
