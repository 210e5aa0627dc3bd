"""The three master lists of document control as XLSX: plain data in, bytes out.

Danh mục tài liệu nội bộ, Danh mục tài liệu bên ngoài and Danh mục hồ sơ are printed and
filed, so the sheet is laid out for A4 landscape (fit to the page width, header row
repeated on every page). The workbook is write-only: memory stays flat for long lists.

The column headers are the file format read back by :mod:`qms.documents.imports`: an
exported list can be imported into another agency (its "TT" column is ignored). The
internal list has no issuing decision column, which the import requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

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


def build_list_xlsx(
    *,
    title: str,
    subtitle: str,
    headers: tuple[str, ...],
    rows: Iterable[Sequence[Any]],
    sheet: str,
) -> bytes:
    """One master list as XLSX (:func:`qms.reports.xlsx.list_workbook`, these widths)."""
    return xlsx.list_workbook(
        title=title,
        subtitle=subtitle,
        headers=headers,
        rows=rows,
        sheet=sheet,
        widths=WIDTHS,
        centred=CENTRED,
    )
