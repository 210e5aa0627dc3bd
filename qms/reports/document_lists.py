"""The three master lists of document control as XLSX: plain data in, bytes out.

Danh mục tài liệu nội bộ, Danh mục tài liệu bên ngoài and Danh mục hồ sơ are printed and
filed, so the sheet is laid out for A4 landscape (fit to the page width, header row
repeated on every page). The workbook is write-only: memory stays flat for long lists.

The column headers are the file format read back by :mod:`qms.documents.imports`: an
exported list can be imported into another agency (its "TT" column is ignored). The
internal list has no issuing decision column, which the import requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from qms.reports import xlsx

INTERNAL_HEADERS = (
    "TT",
    "Mã hiệu",
    "Tên tài liệu",
    "Lần ban hành",
    "Ngày ban hành",
    "Đơn vị chủ trì",
)
EXTERNAL_HEADERS = (
    "TT",
    "Số, ký hiệu",
    "Trích yếu",
    "Cơ quan ban hành",
    "Ngày hiệu lực",
    "Tình trạng",
)
RECORD_HEADERS = (
    "TT",
    "Tên hồ sơ",
    "Mã biểu mẫu",
    "Nơi lưu / Trách nhiệm lưu",
    "Thời gian lưu",
    "Quy trình",
)

# Column widths (characters) by header; others get one from the header's length.
WIDTHS: dict[str, float] = {
    "TT": 6,
    "Mã hiệu": 20,
    "Tên tài liệu": 60,
    "Lần ban hành": 11,
    "Ngày ban hành": 13,
    "Đơn vị chủ trì": 28,
    "Số, ký hiệu": 22,
    "Trích yếu": 60,
    "Cơ quan ban hành": 26,
    "Ngày hiệu lực": 13,
    "Tình trạng": 18,
    "Tên hồ sơ": 50,
    "Mã biểu mẫu": 20,
    "Nơi lưu / Trách nhiệm lưu": 32,
    "Thời gian lưu": 14,
    "Quy trình": 20,
}
# Short columns whose cells are centred.
CENTRED = frozenset({"TT", "Lần ban hành", "Ngày ban hành", "Ngày hiệu lực", "Thời gian lưu"})

HEADER_ROW = 4  # title, subtitle, blank line, header
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


def column_width(header: str) -> float:
    return WIDTHS.get(header, min(max(len(header) + 4, 12), 50))


def build_list_xlsx(
    *,
    title: str,
    subtitle: str,
    headers: tuple[str, ...],
    rows: Iterable[Sequence[Any]],
    sheet: str,
) -> bytes:
    """One list as XLSX: title and subtitle rows, a blank row, the header row, the rows.

    Cells go through :func:`qms.reports.xlsx.cell` (text stays text, never a formula); a
    "TT" column of digits is written as numbers.
    """
    if not headers:
        raise ValueError("A list needs at least one column.")
    wb, ws = xlsx.new_workbook(sheet_title(sheet))
    ncols = len(headers)
    last = get_column_letter(ncols)
    for i, header in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = column_width(header)

    # Page: A4 landscape, fit to the width, header row repeated, frozen below it.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"

    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 24
    ws.append([xlsx.cell(ws, title, font=Font(bold=True, size=14), alignment=centre)])
    ws.append([xlsx.cell(ws, subtitle, font=Font(italic=True), alignment=centre)])
    ws.append([])
    if ncols > 1:
        ws.merged_cells.add(f"A1:{last}1")
        ws.merged_cells.add(f"A2:{last}2")

    header_font = Font(bold=True)
    ws.append(
        [
            xlsx.cell(ws, h, font=header_font, fill=_HEADER_FILL, border=_BORDER, alignment=centre)
            for h in headers
        ]
    )

    left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    middle = Alignment(horizontal="center", vertical="top", wrap_text=True)
    aligns = [middle if h in CENTRED else left for h in headers]
    numbered = [h == "TT" for h in headers]
    for row in rows:
        cells = []
        for i in range(ncols):
            value = row[i] if i < len(row) else None
            if numbered[i] and isinstance(value, str) and value.isdigit():
                value = int(value)
            cells.append(xlsx.cell(ws, value, border=_BORDER, alignment=aligns[i]))
        ws.append(cells)
    return xlsx.workbook_bytes(wb)
