"""Read the task table (phụ lục) of a plan written in Word, for importing.

:func:`read_plan_appendix` takes a .docx (path, bytes or binary file object), finds the
first table whose header row names the five appendix columns and returns its rows as
:class:`~qms.reports.nd30.AppendixRow`, all-or-nothing.

Rules (the seed plan 187/KH-SGDĐT and typical Word habits):

* **Header.** Compared accent- and case-insensitively, whitespace-normalised, trailing
  ``.``/``:`` ignored. Accepted names: TT/STT/Số TT; Nội dung/Nhiệm vụ/Nội dung công
  việc/Nội dung nhiệm vụ; Đơn vị chủ trì/Chủ trì/Cơ quan chủ trì; Đơn vị phối hợp/Phối
  hợp/Cơ quan phối hợp; Thời gian thực hiện/Thời gian/Thời hạn/Thời gian hoàn thành. It is
  looked for in the first ``HEADER_SEARCH_ROWS`` rows, so a title row above it is fine,
  and so is a two-level header ("Đơn vị" over "Chủ trì" | "Phối hợp"), because vertically
  merged header cells repeat their text on the second level.
* **Cells.** Paragraphs and line breaks become spaces, whitespace is collapsed, text is
  NFC-normalised (some input methods type decomposed Vietnamese), and a dash between two
  years loses the line-wrap spaces ("2022- 2023" → "2022-2023"). A TT of "1." reads "1".
* **Merged cells.** A vertically merged cell (``w:vMerge`` continue) repeats the value of
  the cell it continues; a horizontally merged cell (``w:gridSpan``) covers several grid
  columns, so the columns of the other cells never shift (the XML is walked by grid
  position, which is what de-duplicating python-docx's repeated span cells amounts to).
* **Skipped rows:** entirely empty rows; rows repeating the header (a header copied on
  each page); a column-number row ("(1) (2) (3) (4) (5)"); group headings, i.e. a row whose
  only text is one cell merged across several columns ("I. NHIỆM VỤ CHUNG"), or whose TT
  is a Roman numeral or a single capital letter ("I", "A.") with only the content filled.
* **Errors.** A data row without TT or content is an error. Errors of all rows are
  collected and raised together as ``AppendixReadError(errors=[(row_number, column,
  message)])`` where ``row_number`` is the 1-based row of the Word table (title and header
  rows included), as a user counts it. Nothing is returned when any row is wrong.
* A table with the header but no data rows gives an empty list.
* **Limits.** The zip caps of :mod:`qms.core.uploads` apply before parsing; a span is cut
  at the table's width (``w:tblGrid``); a table of more than ``MAX_TABLE_ROWS`` rows,
  ``MAX_TABLE_COLUMNS`` columns, ``MAX_TABLE_CELLS`` cells, ``MAX_CELL_CHARS`` characters
  in a cell or ``MAX_TABLE_CHARS`` in all is refused with ``TOO_BIG_MESSAGE``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy
from docx import Document
from docx.oxml.ns import qn

from qms.core import uploads

from .nd30 import AppendixRow

NOT_FOUND_MESSAGE = gettext_lazy(
    "No appendix table with the columns TT, Nội dung, Đơn vị chủ trì, "
    "Đơn vị phối hợp, Thời gian thực hiện was found."
)
INVALID_FILE_MESSAGE = gettext_lazy("The file is not a valid Word document (.docx).")
MISSING_NO_MESSAGE = gettext_lazy("The number (TT) is missing.")
MISSING_CONTENT_MESSAGE = gettext_lazy("The task content is missing.")

HEADER_SEARCH_ROWS = 5
# Sane limits of one Word table (Word itself allows 63 columns). A span (w:gridSpan,
# w:gridBefore) never reaches past the table's width, i.e. its w:tblGrid columns.
MAX_TABLE_ROWS = 3000
MAX_TABLE_COLUMNS = 63
MAX_TABLE_CELLS = 60_000
MAX_CELL_CHARS = 20_000
MAX_TABLE_CHARS = 2_000_000
TOO_BIG_MESSAGE = gettext_lazy(
    "A table of the file is too large to import (at most %(rows)s rows, %(columns)s columns "
    "and %(chars)s characters per cell)."
)

FIELDS = ("no", "content", "lead", "partner", "timing")
COLUMN_NAMES = {
    "no": "TT",
    "content": "Nội dung",
    "lead": "Đơn vị chủ trì",
    "partner": "Đơn vị phối hợp",
    "timing": "Thời gian thực hiện",
}
HEADER_ALIASES = {
    "no": {"tt", "stt", "so tt", "so thu tu"},
    "content": {
        "noi dung",
        "nhiem vu",
        "noi dung cong viec",
        "noi dung nhiem vu",
        "ten nhiem vu",
        "noi dung thuc hien",
    },
    "lead": {"don vi chu tri", "chu tri", "co quan chu tri", "don vi chu tri thuc hien"},
    "partner": {"don vi phoi hop", "phoi hop", "co quan phoi hop", "don vi phoi hop thuc hien"},
    "timing": {
        "thoi gian thuc hien",
        "thoi gian",
        "thoi han",
        "thoi gian hoan thanh",
        "thoi han hoan thanh",
    },
}

RowError = tuple[int, str, str]


class AppendixReadError(ValueError):
    """The file cannot be imported; ``errors`` lists ``(row_number, column, message)``."""

    def __init__(self, message: str = "", *, errors: Sequence[RowError] = ()) -> None:
        self.errors: list[RowError] = list(errors)
        if not message:
            details = "; ".join(
                gettext("row %(row)s, column %(column)s: %(text)s")
                % {"row": row, "column": column, "text": text}
                for row, column, text in self.errors
            )
            message = gettext("The appendix table has %(n)s errors: %(details)s") % {
                "n": len(self.errors),
                "details": details,
            }
        self.message = str(message)
        super().__init__(self.message)


# --------------------------------------------------------------------------- text


_SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_YEAR_DASH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*([-–—])\s*((?:19|20)\d{2})(?!\d)")
_HEADING_NO = re.compile(r"(?:[IVXLC]+|[A-ZĐ])[.)]?")
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")


def normalise_text(text: str) -> str:
    """Collapse whitespace (line breaks included), NFC, join "2022- 2023"."""
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text).strip()
    return _YEAR_DASH.sub(r"\1\2\3", text)


def _fold(text: str) -> str:
    """Accent- and case-insensitive key: "Đơn vị  chủ trì:" → "don vi chu tri"."""
    text = unicodedata.normalize("NFD", normalise_text(text).lower()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.strip(" .:;").strip()


_HEADER_LOOKUP = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}

_T, _TAB, _BR, _CR, _P = (qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:p"))
_NBH, _SOFT = qn("w:noBreakHyphen"), qn("w:softHyphen")


def _cell_text(tc: Any) -> str:
    parts: list[str] = []
    for el in tc.iter(_T, _TAB, _BR, _CR, _P, _NBH, _SOFT):
        if el.tag == _T:
            parts.append(el.text or "")
        elif el.tag == _NBH:
            parts.append("-")
        elif el.tag != _SOFT:
            parts.append(" ")
    return normalise_text("".join(parts))


# --------------------------------------------------------------------------- table grid


@dataclass(frozen=True)
class _Cell:
    key: int  # distinct per w:tc (a span shares one key across its grid columns)
    text: str
    span: int


def _children(parent: Any, tag: str) -> list[Any]:
    """Direct ``tag`` children, looking through content controls (``w:sdt``)."""
    found = []
    for child in parent:
        if child.tag == qn(tag):
            found.append(child)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                found.extend(_children(content, tag))
    return found


def _int_val(parent: Any, path: str, default: int) -> int:
    el = parent.find(path) if parent is not None else None
    if el is None:
        return default
    try:
        return int(el.get(qn("w:val")))
    except (TypeError, ValueError):
        return default


def _too_big() -> AppendixReadError:
    return AppendixReadError(
        str(TOO_BIG_MESSAGE)
        % {"rows": MAX_TABLE_ROWS, "columns": MAX_TABLE_COLUMNS, "chars": MAX_CELL_CHARS}
    )


def _table_width(tbl: Any) -> int:
    """The number of grid columns (w:tblGrid/w:gridCol); refuses a table beyond the limit."""
    grid = tbl.find(qn("w:tblGrid"))
    width = len(grid.findall(qn("w:gridCol"))) if grid is not None else 0
    if width > MAX_TABLE_COLUMNS:
        raise _too_big()
    return width or MAX_TABLE_COLUMNS


class _Budget:
    """Counts rows, cells and characters of one table; raises once past a limit."""

    def __init__(self) -> None:
        self.rows = self.cells = self.chars = 0

    def row(self) -> None:
        self.rows += 1
        if self.rows > MAX_TABLE_ROWS:
            raise _too_big()

    def cell(self, text: str) -> None:
        self.cells += 1
        self.chars += len(text)
        too_long = len(text) > MAX_CELL_CHARS or self.chars > MAX_TABLE_CHARS
        if self.cells > MAX_TABLE_CELLS or too_long:
            raise _too_big()


def _span(claimed: int, col: int, width: int, *, low: int = 1) -> int:
    """A span (or gridBefore) cut at the table's width; refused past any Word table."""
    if claimed > MAX_TABLE_COLUMNS or col >= MAX_TABLE_COLUMNS:
        raise _too_big()
    return min(max(claimed, low), max(width - col, low))


def _table_grid(tbl: Any) -> list[dict[int, _Cell]]:
    """Each row as {grid column: cell}; vMerge continuations carry the text from above.

    Spans are cut at the table's width, so a forged w:gridSpan cannot blow up the grid.
    """
    width = _table_width(tbl)
    budget = _Budget()
    rows: list[dict[int, _Cell]] = []
    above: dict[int, str] = {}
    key = 0
    for tr in _children(tbl, "w:tr"):
        budget.row()
        col = _span(_int_val(tr.find(qn("w:trPr")), qn("w:gridBefore"), 0), 0, width, low=0)
        row: dict[int, _Cell] = {}
        for tc in _children(tr, "w:tc"):
            tcpr = tc.find(qn("w:tcPr"))
            span = _span(_int_val(tcpr, qn("w:gridSpan"), 1), col, width)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                text = above.get(col, "")
            else:
                text = _cell_text(tc)
                for c in range(col, col + span):
                    above[c] = text
            budget.cell(text)
            key += 1
            cell = _Cell(key, text, span)
            for c in range(col, col + span):
                row[c] = cell
            col += span
        rows.append(row)
    return rows


def _header_columns(row: dict[int, _Cell]) -> dict[str, int] | None:
    """{field: grid column} when ``row`` names all five columns, else None."""
    columns: dict[str, int] = {}
    seen: set[int] = set()
    for col in sorted(row):
        cell = row[col]
        if cell.key in seen:
            continue
        seen.add(cell.key)
        name = _HEADER_LOOKUP.get(_fold(cell.text))
        if name is None or name in columns:
            continue
        columns[name] = col
    return columns if len(columns) == len(FIELDS) else None


def _values(row: dict[int, _Cell], columns: dict[str, int]) -> dict[str, str]:
    return {name: row[col].text if col in row else "" for name, col in columns.items()}


def _is_heading(row: dict[int, _Cell], columns: dict[str, int], values: dict[str, str]) -> bool:
    filled = {row[col].key for name, col in columns.items() if values[name] and col in row}
    if len(filled) == 1:
        cell = next(row[col] for name, col in columns.items() if values[name])
        covered = sum(1 for col in columns.values() if col in row and row[col].key == cell.key)
        if covered > 1:
            return True  # one text merged across several columns
    rest_empty = not (values["lead"] or values["partner"] or values["timing"])
    return bool(_HEADING_NO.fullmatch(values["no"]) and values["content"] and rest_empty)


def _is_header_copy(values: dict[str, str]) -> bool:
    return all(_HEADER_LOOKUP.get(_fold(values[name])) == name for name in FIELDS)


def _is_column_numbers(values: dict[str, str]) -> bool:
    return all(_COLUMN_NUMBER.fullmatch(values[name]) for name in FIELDS)


# --------------------------------------------------------------------------- entry point


def _load(fileobj: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]) -> Any:
    if isinstance(fileobj, (str, os.PathLike)):
        with open(fileobj, "rb") as fh:
            data = fh.read()
    elif isinstance(fileobj, (bytes, bytearray, memoryview)):
        data = bytes(fileobj)
    else:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        data = fileobj.read()
        if not isinstance(data, bytes):
            raise AppendixReadError(str(INVALID_FILE_MESSAGE))
    _check_package(data)
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # zip, package and XML errors of every kind
        raise AppendixReadError(str(INVALID_FILE_MESSAGE)) from exc


def _check_package(data: bytes) -> None:
    """The shared zip caps (entries, uncompressed size, ratio, macros, encryption) before
    python-docx decompresses anything: it holds every part of the package in memory."""
    if not data.startswith(uploads.ZIP_MAGIC):
        raise AppendixReadError(str(INVALID_FILE_MESSAGE))
    try:
        uploads.check_zip(data, gettext("The file"), int(settings.UPLOAD_IMPORT_MAX_UNCOMPRESSED))
    except uploads.FileRejected as exc:
        damaged = isinstance(exc.__cause__, (zipfile.BadZipFile, ValueError, OSError, EOFError))
        raise AppendixReadError(str(INVALID_FILE_MESSAGE) if damaged else exc.message) from exc


def read_plan_appendix(
    fileobj: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
) -> list[AppendixRow]:
    """Rows of the first appendix table of a .docx; see the module docstring for the rules."""
    document = _load(fileobj)
    for tbl in document.element.body.iter(qn("w:tbl")):
        grid = _table_grid(tbl)
        for header_index, header in enumerate(grid[:HEADER_SEARCH_ROWS]):
            columns = _header_columns(header)
            if columns is not None:
                return _read_rows(grid, header_index, columns)
    raise AppendixReadError(str(NOT_FOUND_MESSAGE))


def _read_rows(
    grid: list[dict[int, _Cell]], header_index: int, columns: dict[str, int]
) -> list[AppendixRow]:
    rows: list[AppendixRow] = []
    errors: list[RowError] = []
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        values = _values(row, columns)
        if not any(values.values()) or _is_header_copy(values) or _is_column_numbers(values):
            continue
        if _is_heading(row, columns, values):
            continue
        values["no"] = values["no"].rstrip(".").strip()
        row_number = index + 1
        if not values["no"]:
            errors.append((row_number, COLUMN_NAMES["no"], str(MISSING_NO_MESSAGE)))
        if not values["content"]:
            errors.append((row_number, COLUMN_NAMES["content"], str(MISSING_CONTENT_MESSAGE)))
        rows.append(AppendixRow(**values))
    if errors:
        raise AppendixReadError(errors=errors)
    return rows
