"""Read the uploaded workbook into plain rows: the header row found, each data row a
:class:`SheetRow` of the cells under the known columns.

The upload passes the shared checks of :mod:`qms.core.uploads` first. The file is read with
openpyxl (read-only, first sheet); the header row is looked for in the first
``HEADER_SEARCH_ROWS`` rows; other columns (e.g. "TT") are ignored; empty rows, a row
numbering the columns and the header repeated are skipped.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from qms.core import uploads
from qms.core.text import normalise_space
from qms.documents.imports.cells import as_text, header_key, is_empty
from qms.documents.imports.columns import Col
from qms.documents.imports.errors import ImportRejected, RowError

HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 40
MAX_DATA_ROWS = 5000

Columns = dict[str, tuple[int, str]]  # key → (index, header as written)


@dataclass(frozen=True)
class SheetRow:
    number: int  # Excel row number
    cells: dict[str, Any]  # column key → cell value


@dataclass
class Sheet:
    header_row: int
    columns: Columns
    specs: dict[str, Col]
    rows: list[SheetRow] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.columns

    def header(self, key: str) -> str:
        found = self.columns.get(key)
        return found[1] if found else self.specs[key].header


def read_upload(upload: UploadedFile) -> bytes:
    """The workbook's bytes after the shared upload checks (qms.core.uploads)."""
    try:
        return uploads.check_import(upload, uploads.XLSX).data
    except uploads.FileRejected as exc:
        raise ImportRejected(exc.message, []) from exc


def read_sheet(data: bytes, cols: tuple[Col, ...]) -> Sheet:
    """The first sheet's header and data rows, or ImportRejected."""
    specs = {c.key: c for c in cols}
    index = _variant_index(cols)
    unreadable = ImportRejected(
        _(
            "The file could not be read as an Excel workbook (.xlsx); open it in Excel, save it "
            "again and retry."
        ),
        [],
    )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise unreadable from exc
    try:
        return _scan(wb, specs, index)
    except ImportRejected:
        raise
    except Exception as exc:
        raise unreadable from exc
    finally:
        wb.close()


def _variant_index(cols: Iterable[Col]) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in cols:
        for name in (col.header, *col.variants):
            index.setdefault(header_key(name), col.key)
    return index


def _match_header(values: tuple[Any, ...], index: dict[str, str]) -> Columns:
    found: Columns = {}
    for i, value in enumerate(values):
        if not isinstance(value, str):
            continue
        key = index.get(header_key(value))
        if key and key not in found:
            found[key] = (i, normalise_space(value))
    return found


def _scan(wb: Any, specs: dict[str, Col], index: dict[str, str]) -> Sheet:
    if not wb.worksheets:
        raise ImportRejected(_("The workbook has no worksheet."), [])
    ws = wb.worksheets[0]
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some programs write a wrong size; read what is there
    rows: Iterator[tuple[Any, ...]] = ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    seen = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not seen or all(is_empty(values) for values in seen):
        raise ImportRejected(_("The first sheet of the file is empty."), [])
    header_row, columns = _header(seen, specs, index)
    sheet = Sheet(header_row=header_row, columns=columns, specs=specs)
    for number, values in enumerate(itertools.chain(seen, rows), 1):
        _take(sheet, index, number, values)
    if not sheet.rows:
        raise ImportRejected(_("The file has a header row but no data rows."), [])
    return sheet


def _header(
    seen: list[tuple[Any, ...]], specs: dict[str, Col], index: dict[str, str]
) -> tuple[int, Columns]:
    """The row naming the most known columns, checked to have every required one."""
    best: tuple[int, Columns] | None = None
    for number, values in enumerate(seen, 1):
        found = _match_header(values, index)
        if found and (best is None or len(found) > len(best[1])):
            best = (number, found)
    required = [c for c in specs.values() if c.required]
    if best is None or len(best[1]) < 2:
        names = ", ".join(f"“{c.header}”" for c in required)
        raise ImportRejected(
            _(
                "No header row found in the first %(n)d rows of the first sheet: it must "
                "contain the columns %(columns)s."
            )
            % {"n": HEADER_SEARCH_ROWS, "columns": names},
            [RowError(1, c.header, _("Column not found.")) for c in required],
        )
    header_row, columns = best
    missing = [c for c in required if c.key not in columns and not _derivable(c.key, columns)]
    if missing:
        names = ", ".join(f"“{c.header}”" for c in missing)
        raise ImportRejected(
            _("Nothing was imported: the header row (row %(row)d) lacks the column(s) %(columns)s.")
            % {"row": header_row, "columns": names},
            [
                RowError(header_row, c.header, _("This required column is missing."))
                for c in missing
            ],
        )
    return best


def _take(sheet: Sheet, index: dict[str, str], number: int, values: tuple[Any, ...]) -> None:
    """Add row ``number`` to the sheet's data rows unless it is none."""
    if number <= sheet.header_row:
        return
    cells = {key: values[i] if i < len(values) else None for key, (i, _h) in sheet.columns.items()}
    if is_empty(cells.values()):
        return
    if number == sheet.header_row + 1 and _is_column_numbers(values):
        return  # "(1) (2) (3) …" under the header
    if len(_match_header(values, index)) == len(sheet.columns):
        return  # the header repeated (pasted from a printed list)
    if len(sheet.rows) >= MAX_DATA_ROWS:
        raise ImportRejected(
            _("The file has more than %(n)d rows: split it.") % {"n": MAX_DATA_ROWS}, []
        )
    sheet.rows.append(SheetRow(number, cells))


def _is_column_numbers(values: tuple[Any, ...]) -> bool:
    """A row numbering the columns: 1, 2, 3… or (1), (2), (3)…"""
    numbers = []
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        m = re.fullmatch(r"\(?\s*(\d{1,2})\s*\)?", as_text(value))
        if m is None:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _derivable(key: str, columns: Columns) -> bool:
    """A required column whose value other columns can give (records' unit)."""
    return (
        key == "owner"
        and "name" in columns
        and ("keeper" in columns or "location_keeper" in columns or "procedure" in columns)
    )
