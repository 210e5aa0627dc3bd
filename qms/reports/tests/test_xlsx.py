"""The shared XLSX cell writer: text stays text, numbers and dates stay typed."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from qms.reports import xlsx


def _roundtrip(values: list[Any]) -> list[Any]:
    wb, ws = xlsx.new_workbook("Test")
    xlsx.append(ws, values)
    sheet = load_workbook(io.BytesIO(xlsx.workbook_bytes(wb))).active
    assert sheet is not None
    return list(next(sheet.iter_rows()))


def test_user_text_is_a_string_cell_never_a_formula_or_error() -> None:
    dirty = "a\x0bb\x00c\ufffe\uffff\ud800d\t"
    cells = _roundtrip(["=1+1", "+A1", "-A1", "@A1", "#N/A", dirty, "bình thường 😀"])

    assert [c.value for c in cells] == [
        "=1+1",
        "+A1",
        "-A1",
        "@A1",
        "#N/A",
        "abcd\t",
        "bình thường 😀",
    ]
    assert {c.data_type for c in cells} == {"s"}
    assert [bool(c.quotePrefix) for c in cells] == [True] * 4 + [False] * 3


def test_numbers_dates_and_empty_cells_keep_their_type() -> None:
    aware = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)  # 08:30 in Hà Nội
    cells = _roundtrip([3, 2.5, Decimal("97.5"), True, datetime.date(2026, 1, 2), None, aware])

    assert [c.data_type for c in cells[:4]] == ["n", "n", "n", "b"]
    assert cells[4].value.date() == datetime.date(2026, 1, 2)
    assert cells[4].number_format == xlsx.DATE_FORMAT
    assert (cells[6].value.date(), cells[6].value.hour) == (datetime.date(2026, 3, 2), 8)
    assert cells[6].value.tzinfo is None
    assert cells[5].value is None


def test_long_text_is_cut_at_excel_limit() -> None:
    assert len(xlsx.safe_text("x" * 40_000)) == xlsx.MAX_CELL_TEXT


def test_links_only_for_http_urls_and_never_as_formulas() -> None:
    wb, ws = xlsx.new_workbook("Test")
    ws.append([xlsx.link_cell(ws, "=Mở", "https://eiso.example.vn/plans/1/")])
    with pytest.raises(ValueError, match="http"):
        xlsx.link_cell(ws, "Mở", "javascript:alert(1)")
    cell = load_workbook(io.BytesIO(xlsx.workbook_bytes(wb))).active["A1"]  # type: ignore[index]

    assert (cell.value, cell.data_type) == ("=Mở", "s")
    assert cell.hyperlink.target == "https://eiso.example.vn/plans/1/"


def test_sheet_names_are_made_valid():
    assert xlsx.sheet_title("DANH MỤC: HỒ SƠ / 2026 [bản in]*?") == "DANH MỤC HỒ SƠ 2026 bản in"
    assert len(xlsx.sheet_title("x" * 40)) == 31
    assert xlsx.sheet_title("///") == "Danh muc"
