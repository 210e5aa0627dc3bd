"""One cell writer for every XLSX that eISO produces (write-only workbooks).

Spreadsheet programs run a cell whose text starts with ``=`` (and, on typing or on a CSV
round trip, ``+``, ``-`` or ``@``) as a formula: a task text ``=HYPERLINK("http://…")``
would become a live link, ``=WEBSERVICE(…)`` a request. openpyxl itself turns any string
starting with ``=`` into a formula cell and refuses the control characters that XML 1.0
forbids (``\\x0b`` from a Shift+Enter pasted from Word made the plan export a 500).

:func:`cell` therefore writes

* text (anything that is not a number, date or boolean) as an inline *string* cell
  (``data_type = "s"``): never a formula, never an error code such as ``#N/A``; text that
  starts with a formula character also gets Excel's ``quotePrefix`` so that editing the
  cell in Excel or LibreOffice keeps it text; characters illegal in XML are removed and
  the text is cut at Excel's 32,767 characters;
* numbers, booleans and dates typed, dates with a ``DD/MM/YYYY`` format, aware datetimes
  in local time.

No export builds formulas or ``HYPERLINK`` from user data; a link, if one is ever needed,
goes through :func:`link_cell`, which accepts only an http(s) URL built by our code.

:func:`list_workbook` lays out a list to be printed and filed (title, subtitle, a bordered
table on A4 landscape), for any area's register.
"""

from __future__ import annotations

import datetime
import decimal
import io
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_TEXT: Final = 32_767
DATE_FORMAT: Final = "DD/MM/YYYY"
DATETIME_FORMAT: Final = "DD/MM/YYYY HH:MM:SS"
# Characters a spreadsheet may read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

_TYPED = (bool, int, float, decimal.Decimal)
# Everything outside XML 1.0's Char production: the control characters openpyxl refuses
# (its ILLEGAL_CHARACTERS_RE), U+FFFE/U+FFFF that lxml refuses, and lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def safe_text(value: object) -> str:
    """``value`` as text fit for a cell: XML-illegal characters removed, at most 32,767."""
    return _NOT_XML.sub("", str(value))[:MAX_CELL_TEXT]


def new_workbook(title: str) -> tuple[Workbook, WriteOnlyWorksheet]:
    """A write-only workbook (flat memory) and its one sheet named ``title``."""
    workbook = Workbook(write_only=True)
    return workbook, workbook.create_sheet(title)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> Cell | None:
    """A cell for ``value``: text stays text, numbers and dates stay typed.

    ``style`` sets cell attributes (``font``, ``alignment``, ``border``, ``fill``,
    ``number_format``). None gives an empty cell (None when no style is asked for).
    """
    if value is None and not style:
        return None
    result = _typed(ws, value)
    for name, setting in style.items():
        setattr(result, name, setting)
    return result


def row(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Cell | None]:
    """:func:`cell` of every value; cells already built are kept as they are."""
    return [v if isinstance(v, Cell) else cell(ws, v) for v in values]


def append(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append one row of safe cells."""
    ws.append(row(ws, values))


def link_cell(ws: WriteOnlyWorksheet, text: str, url: str) -> Cell:
    """A text cell linking to ``url`` (a relationship, not a formula); http(s) only."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError("Only http(s) links may be written to a spreadsheet.")
    result = _text(ws, text)
    result.hyperlink = url
    return result


def _typed(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    if value is None:
        return WriteOnlyCell(ws)
    if isinstance(value, _TYPED):
        return WriteOnlyCell(ws, value=value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        result = WriteOnlyCell(ws, value=value)
        result.number_format = DATETIME_FORMAT
        return result
    if isinstance(value, datetime.date):
        result = WriteOnlyCell(ws, value=value)
        result.number_format = DATE_FORMAT
        return result
    return _text(ws, value)


def _text(ws: WriteOnlyWorksheet, value: object) -> Cell:
    text = safe_text(value)
    result = WriteOnlyCell(ws)
    # Set the value and type directly: openpyxl's setter would make "=…" a formula and
    # "#N/A" an error cell.
    result._value = text
    result.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        result.quotePrefix = True
    return result


# --------------------------------------------------------------- a printed list

LIST_HEADER_ROW = 4  # title, subtitle, blank line, header
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """A valid worksheet name: no []:*?/\\, at most 31 characters, never empty."""
    cleaned = (
        re.sub(r"\s+", " ", _INVALID_SHEET_CHARS.sub(" ", name)).strip().strip("'")[:31].strip()
    )
    return cleaned or "Danh muc"


def column_width(header: str, widths: Mapping[str, float] | None = None) -> float:
    """``widths[header]``; else 6 for "TT", a width from the header's length (12 to 50)."""
    if widths and header in widths:
        return widths[header]
    return 6 if header == "TT" else min(max(len(header) + 4, 12), 50)


def list_workbook(
    *,
    title: str,
    subtitle: str,
    headers: tuple[str, ...],
    rows: Iterable[Sequence[Any]],
    sheet: str,
    widths: Mapping[str, float] | None = None,
    centred: Collection[str] = ("TT",),
) -> bytes:
    """One list as XLSX: title and subtitle rows, a blank row, the header row, the rows.

    Laid out to be printed and filed: A4 landscape, fit to the page width, the header row
    repeated on every page and frozen. ``widths`` (characters, by header) override the
    width taken from a header's length; ``centred`` headers get centred cells. Cells go
    through :func:`cell` (text stays text, never a formula); a "TT" column of digits is
    written as numbers.
    """
    if not headers:
        raise ValueError("A list needs at least one column.")
    wb, ws = new_workbook(sheet_title(sheet))
    ncols = len(headers)
    last = get_column_letter(ncols)
    for i, header in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = column_width(header, widths)

    # Page: A4 landscape, fit to the width, header row repeated, frozen below it.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{LIST_HEADER_ROW}:{LIST_HEADER_ROW}"
    ws.freeze_panes = f"A{LIST_HEADER_ROW + 1}"

    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 24
    ws.append([cell(ws, title, font=Font(bold=True, size=14), alignment=centre)])
    ws.append([cell(ws, subtitle, font=Font(italic=True), alignment=centre)])
    ws.append([])
    if ncols > 1:
        ws.merged_cells.add(f"A1:{last}1")
        ws.merged_cells.add(f"A2:{last}2")

    header_font = Font(bold=True)
    ws.append(
        [
            cell(ws, h, font=header_font, fill=_HEADER_FILL, border=_BORDER, alignment=centre)
            for h in headers
        ]
    )

    left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    middle = Alignment(horizontal="center", vertical="top", wrap_text=True)
    aligns = [middle if h in centred else left for h in headers]
    numbered = [h == "TT" for h in headers]
    for row in rows:
        cells = []
        for i in range(ncols):
            value = row[i] if i < len(row) else None
            if numbered[i] and isinstance(value, str) and value.isdigit():
                value = int(value)
            cells.append(cell(ws, value, border=_BORDER, alignment=aligns[i]))
        ws.append(cells)
    return workbook_bytes(wb)
