"""Import an agency's existing master list from XLSX, all or nothing.

Three lists can be imported (``list_kind``):

* ``internal`` — Danh mục tài liệu nội bộ: each row becomes a document in force whose
  version was approved on paper and put in force by its Quyết định ban hành (registered
  in the agency's number register when it is not there yet);
* ``external`` — Danh mục tài liệu bên ngoài: entries of the register of legal texts;
* ``records`` — Danh mục hồ sơ: the records procedures require to keep.

The file is read with openpyxl (read-only, first sheet). The header row is looked for in
the first 10 rows, matching folded header names (accents, case, punctuation and notes in
brackets do not matter, and common variants are accepted: "Mã hiệu"/"Mã tài liệu"/
"Mã số"…); other columns (e.g. "TT") are ignored, fully empty rows are skipped. Every row is
checked first and **all** errors are reported (Excel row number, column header as in the
file, message); if there is one, nothing is written. Otherwise everything is written in one
transaction through the documents services, and a service refusing a row rolls it all back.

The lists exported by :mod:`qms.documents.exports.lists` can be imported again (their "TT"
column is ignored); an exported internal list lacks the issuing decision, which a document
in force cannot do without, so its "Quyết định ban hành" column must be added first.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from qms.accounts import permissions
from qms.audittrail.services import logentry_create
from qms.core import uploads
from qms.core.models import IssuedNumber, OrgUnit, OrgUnitName, UnitAlias
from qms.core.numbering import NumberingError
from qms.core.text import fold, normalise_space
from qms.documents import services
from qms.documents.models import Document, ExternalDocument, IssuingDecision

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from qms.accounts.models import User

__all__ = ["COLUMNS", "LIST_KINDS", "ImportRejected", "ImportResult", "RowError", "import_list"]

LIST_KINDS = ("internal", "external", "records")

HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 40
MAX_DATA_ROWS = 5000

DECISION_TITLE = "Về việc ban hành tài liệu hệ thống quản lý chất lượng"
DECISION_SIGNER_POSITION = "GIÁM ĐỐC"

# --------------------------------------------------------------------------- file format
# Column headers are the file format: Vietnamese, as agencies write them.

# internal
H_CODE = "Mã hiệu"
H_TITLE = "Tên tài liệu"
H_KIND = "Loại"
H_OWNER = "Đơn vị chủ trì"
H_ISSUE_NO = "Lần ban hành"
H_ISSUED_ON = "Ngày ban hành"
H_DECISION = "Quyết định ban hành"
H_PARENT = "Thuộc quy trình"
H_TTHC_CODE = "Mã TTHC"
H_TTHC_FIELD = "Lĩnh vực TTHC"
# external
H_NUMBER = "Số, ký hiệu"
H_DOC_TYPE = "Loại văn bản"
H_ISSUER = "Cơ quan ban hành"
H_SUBJECT = "Trích yếu"
H_SIGNED_ON = "Ngày ban hành"
H_EFFECTIVE_ON = "Ngày hiệu lực"
H_STATUS = "Tình trạng"
H_CHANGE_ON = "Ngày thay đổi có hiệu lực"
H_FIELD = "Lĩnh vực"
# records
H_NAME = "Tên hồ sơ"
H_FORM_CODE = "Mã biểu mẫu"
H_PROCEDURE = "Quy trình"
H_KEEP_UNIT = "Đơn vị lưu"
H_KEEPER = "Trách nhiệm lưu"
H_LOCATION = "Nơi lưu"
H_LOCATION_KEEPER = "Nơi lưu / Trách nhiệm lưu"
H_RETENTION = "Thời gian lưu"
H_DISPOSAL = "Phương pháp hủy"


@dataclass(frozen=True)
class _Col:
    key: str
    header: str  # the canonical header, shown in the help table and in errors
    required: bool
    variants: tuple[str, ...]
    help: StrOrPromise = ""


_SPECS: dict[str, tuple[_Col, ...]] = {
    "internal": (
        _Col("code", H_CODE, True, ("Mã tài liệu", "Mã số", "Mã hiệu tài liệu", "Mã")),
        _Col(
            "title",
            H_TITLE,
            True,
            ("Tên quy trình", "Tên tài liệu/quy trình", "Tên văn bản", "Tên"),
        ),
        _Col(
            "kind",
            H_KIND,
            False,
            ("Loại tài liệu", "Phân loại"),
            gettext_lazy(
                "Chính sách chất lượng, Sổ tay chất lượng, Quy trình hệ thống, Quy trình nội "
                "bộ (or Quy trình công việc, Quy trình TTHC), Hướng dẫn, Biểu mẫu. Empty: "
                "guessed from the code (BM… form, CSCL… policy, STCL… manual, HD… guideline, "
                "QT.ISO… system procedure, otherwise work procedure)."
            ),
        ),
        _Col(
            "owner",
            H_OWNER,
            True,
            ("Đơn vị", "Đơn vị soạn thảo", "Đơn vị quản lý", "Bộ phận chủ trì"),
            gettext_lazy("A unit of the agency: its name, short name or code."),
        ),
        _Col(
            "issue_no",
            H_ISSUE_NO,
            True,
            ("Lần BH", "Lần ban hành/sửa đổi", "Lần ban hành sửa đổi"),
            gettext_lazy("A whole number from 1."),
        ),
        _Col(
            "issued_on",
            H_ISSUED_ON,
            True,
            ("Ngày BH", "Ngày tháng ban hành"),
            gettext_lazy("dd/mm/yyyy, or an Excel date."),
        ),
        _Col(
            "decision",
            H_DECISION,
            True,
            ("Số quyết định", "Quyết định", "QĐ ban hành", "Số QĐ", "Số QĐ ban hành"),
            gettext_lazy(
                "Number of the decision that issued it, e.g. 2862/QĐ-SGDĐT; registered in the "
                "agency's number register if it is not there yet."
            ),
        ),
        _Col(
            "parent",
            H_PARENT,
            False,
            ("Mã quy trình", "Thuộc quy trình (mã)"),
            gettext_lazy(
                "Forms: code of the procedure they belong to, in this file or already in "
                "eISO. Empty: taken from a code like BM.01-QT.ISO.01."
            ),
        ),
        _Col(
            "tthc_code",
            H_TTHC_CODE,
            False,
            ("Mã thủ tục", "Mã thủ tục hành chính", "Mã số TTHC"),
        ),
        _Col("tthc_field", H_TTHC_FIELD, False, ("Lĩnh vực thủ tục hành chính",)),
    ),
    "external": (
        _Col(
            "number",
            H_NUMBER,
            True,
            ("Số ký hiệu", "Số hiệu", "Số/ký hiệu", "Số hiệu văn bản", "Số văn bản", "Ký hiệu"),
        ),
        _Col("doc_type", H_DOC_TYPE, False, ("Loại",)),
        _Col("issuer", H_ISSUER, False, ("Nơi ban hành", "Cơ quan ban hành/Nơi ban hành")),
        _Col("subject", H_SUBJECT, True, ("Trích yếu nội dung", "Tên văn bản", "Tên tài liệu")),
        _Col(
            "signed_on",
            H_SIGNED_ON,
            False,
            ("Ngày ký", "Ngày tháng ban hành", "Ngày BH"),
            gettext_lazy("dd/mm/yyyy, or an Excel date."),
        ),
        _Col(
            "effective_on",
            H_EFFECTIVE_ON,
            False,
            ("Ngày có hiệu lực", "Hiệu lực từ", "Ngày hiệu lực thi hành"),
            gettext_lazy("dd/mm/yyyy, or an Excel date."),
        ),
        _Col(
            "status",
            H_STATUS,
            False,
            ("Tình trạng hiệu lực", "Trạng thái", "Hiệu lực"),
            gettext_lazy("Còn hiệu lực (or empty), Sửa đổi, bổ sung, Bị thay thế or Hết hiệu lực."),
        ),
        _Col(
            "change_on",
            H_CHANGE_ON,
            False,
            ("Ngày thay đổi", "Ngày thay đổi hiệu lực"),
            gettext_lazy(
                "Required for a text amended or replaced: when the new text takes effect."
            ),
        ),
        _Col("field", H_FIELD, False, ("Lĩnh vực áp dụng",)),
    ),
    "records": (
        _Col("name", H_NAME, True, ("Hồ sơ", "Tên hồ sơ lưu", "Tên hồ sơ cần lưu")),
        _Col("form_code", H_FORM_CODE, False, ("Mã hiệu biểu mẫu", "Mã số biểu mẫu", "Biểu mẫu")),
        _Col(
            "procedure",
            H_PROCEDURE,
            False,
            ("Mã quy trình", "Thuộc quy trình"),
            gettext_lazy("Code of a document of the agency already in eISO (not a form)."),
        ),
        _Col(
            "owner",
            H_KEEP_UNIT,
            True,
            ("Đơn vị lưu trữ", "Bộ phận lưu", "Bộ phận lưu trữ"),
            gettext_lazy(
                "A unit of the agency. Without this column, the unit named in Trách nhiệm lưu, "
                "else the procedure's owner unit."
            ),
        ),
        _Col("keeper", H_KEEPER, False, ("Trách nhiệm lưu trữ", "Người lưu", "Người lưu trữ")),
        _Col("location", H_LOCATION, False, ("Nơi lưu trữ", "Địa điểm lưu")),
        _Col(
            "location_keeper",
            H_LOCATION_KEEPER,
            False,
            ("Nơi lưu/Trách nhiệm lưu",),
            gettext_lazy("As exported by eISO: “place / kept by”."),
        ),
        _Col(
            "retention",
            H_RETENTION,
            False,
            ("Thời hạn lưu", "Thời gian lưu trữ", "Thời hạn lưu trữ"),
            gettext_lazy(
                "“05 năm” or “5 năm” (kept as written), “Lâu dài”/“Vĩnh viễn” or other text "
                "(no number of years)."
            ),
        ),
        _Col("disposal", H_DISPOSAL, False, ("Phương pháp huỷ", "Cách hủy", "Hình thức hủy")),
    ),
}

COLUMNS: dict[str, list[tuple[str, bool, StrOrPromise]]] = {
    kind: [(c.header, c.required, c.help) for c in cols] for kind, cols in _SPECS.items()
}

# "Loại" of the internal list → kind. Keys are _norm()alised.
_KIND_WORDS: dict[str, str] = {
    "chinh sach chat luong": Document.Kind.POLICY,
    "chinh sach": Document.Kind.POLICY,
    "so tay chat luong": Document.Kind.MANUAL,
    "so tay": Document.Kind.MANUAL,
    "mo ta he thong": Document.Kind.MANUAL,
    "mo ta he thong quan ly chat luong": Document.Kind.MANUAL,
    "quy trinh he thong": Document.Kind.SYSTEM_PROCEDURE,
    "quy trinh iso": Document.Kind.SYSTEM_PROCEDURE,
    "quy trinh noi bo": Document.Kind.WORK_PROCEDURE,
    "quy trinh cong viec": Document.Kind.WORK_PROCEDURE,
    "quy trinh": Document.Kind.WORK_PROCEDURE,
    "quy trinh tthc": Document.Kind.WORK_PROCEDURE,
    "quy trinh giai quyet tthc": Document.Kind.WORK_PROCEDURE,
    "quy trinh thu tuc hanh chinh": Document.Kind.WORK_PROCEDURE,
    "quy trinh giai quyet thu tuc hanh chinh": Document.Kind.WORK_PROCEDURE,
    "huong dan": Document.Kind.GUIDELINE,
    "huong dan cong viec": Document.Kind.GUIDELINE,
    "bieu mau": Document.Kind.FORM,
    "mau": Document.Kind.FORM,
}
_TTHC_WORDS = {
    "quy trinh tthc",
    "quy trinh giai quyet tthc",
    "quy trinh thu tuc hanh chinh",
    "quy trinh giai quyet thu tuc hanh chinh",
}
_PROCEDURES = {Document.Kind.SYSTEM_PROCEDURE, Document.Kind.WORK_PROCEDURE}

_ST = ExternalDocument.Status
# "Tình trạng" of the external list → status. Keys are _norm()alised; a text starting with a
# key also matches ("Bị thay thế bởi …").
_STATUS_WORDS: dict[str, str] = {
    "con hieu luc": _ST.IN_FORCE,
    "dang hieu luc": _ST.IN_FORCE,
    "dang con hieu luc": _ST.IN_FORCE,
    "co hieu luc": _ST.IN_FORCE,
    "hieu luc": _ST.IN_FORCE,
    "in force": _ST.IN_FORCE,
    "sua doi bo sung": _ST.AMENDED,
    "duoc sua doi bo sung": _ST.AMENDED,
    "da sua doi bo sung": _ST.AMENDED,
    "bi sua doi bo sung": _ST.AMENDED,
    "sua doi": _ST.AMENDED,
    "bo sung": _ST.AMENDED,
    "het hieu luc mot phan": _ST.AMENDED,
    "hieu luc mot phan": _ST.AMENDED,
    "con hieu luc mot phan": _ST.AMENDED,
    "amended": _ST.AMENDED,
    "bi thay the": _ST.REPLACED,
    "da bi thay the": _ST.REPLACED,
    "thay the": _ST.REPLACED,
    "duoc thay the": _ST.REPLACED,
    "replaced": _ST.REPLACED,
    "het hieu luc": _ST.EXPIRED,
    "het hieu luc toan bo": _ST.EXPIRED,
    "bi bai bo": _ST.EXPIRED,
    "bai bo": _ST.EXPIRED,
    "expired": _ST.EXPIRED,
}


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number
    column: str  # the column header as written in the file
    message: str


class ImportRejected(Exception):
    """Nothing was imported; ``message`` says why, ``errors`` lists the rows at fault."""

    def __init__(self, message: str, errors: list[RowError]):
        super().__init__(message)
        self.message = message
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int


# Who may import what (decided on the agency itself, never "a role somewhere in it"):
# the internal list puts documents in force and registers issuing decisions in the agency's
# number register, so it needs the issuing role (the ISO committee) over the agency; the
# external register is agency-wide; a records list may be imported by whoever keeps the
# records of a unit, each row being checked against the row's own unit.
IMPORT_ACTIONS = {
    "internal": "documents.issue",
    "external": "documents.manage_registers",
    "records": "documents.manage_registers",
}


def may_import(user: User, agency: OrgUnit, list_kind: str) -> bool:
    """May ``user`` import ``list_kind`` into ``agency``? (records: at least one own unit)."""
    action = IMPORT_ACTIONS.get(list_kind)
    if action is None:
        return False
    if permissions.can(user, action, agency):
        return True
    if list_kind != "records":
        return False
    return (
        OrgUnit.objects.subtree_of(agency).filter(permissions.unit_scope_q(user, action)).exists()
    )


def import_list(
    *, actor: User, agency: OrgUnit, list_kind: str, upload: UploadedFile
) -> ImportResult:
    """Check the whole file, then create every row, or raise ImportRejected and write nothing.

    Raises PermissionDenied unless ``may_import`` (records: a row of a unit the actor does
    not keep is a row error).
    """
    if list_kind not in _SPECS:
        raise ImportRejected(_("Choose the list to import."), [])
    if not may_import(actor, agency, list_kind):
        raise PermissionDenied
    data = _read_upload(upload)
    sheet = _read_sheet(data, _SPECS[list_kind])
    importer = {
        "internal": _import_internal,
        "external": _import_external,
        "records": _import_records,
    }
    created = importer[list_kind](actor, agency, sheet)
    return ImportResult(created=created)


# --------------------------------------------------------------------------- reading


def _norm(text: str) -> str:
    """Folded, punctuation-free key: "Số, ký hiệu" → "so ky hieu"."""
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def _header_key(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text).replace("*", " ")
    return _norm(text)


def _read_upload(upload: UploadedFile) -> bytes:
    """The workbook's bytes after the shared upload checks (qms.core.uploads)."""
    try:
        return uploads.check_import(upload, uploads.XLSX).data
    except uploads.FileRejected as exc:
        raise ImportRejected(exc.message, []) from exc


@dataclass
class _Sheet:
    header_row: int
    columns: dict[str, tuple[int, str]]  # key → (index, header as written)
    specs: dict[str, _Col]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.columns

    def header(self, key: str) -> str:
        found = self.columns.get(key)
        return found[1] if found else self.specs[key].header


def _variant_index(cols: Iterable[_Col]) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in cols:
        for name in (col.header, *col.variants):
            index.setdefault(_header_key(name), col.key)
    return index


def _match_header(values: tuple[Any, ...], index: dict[str, str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for i, value in enumerate(values):
        if not isinstance(value, str):
            continue
        key = index.get(_header_key(value))
        if key and key not in found:
            found[key] = (i, normalise_space(value))
    return found


def _is_empty(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _read_sheet(data: bytes, cols: tuple[_Col, ...]) -> _Sheet:
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


def _scan(wb: Any, specs: dict[str, _Col], index: dict[str, str]) -> _Sheet:
    if not wb.worksheets:
        raise ImportRejected(_("The workbook has no worksheet."), [])
    ws = wb.worksheets[0]
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some programs write a wrong size; read what is there
    rows: Iterator[tuple[Any, ...]] = ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    best: tuple[int, dict[str, tuple[int, str]]] | None = None
    seen: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(rows, 1):
        seen.append((number, values))
        found = _match_header(values, index)
        if found and (best is None or len(found) > len(best[1])):
            best = (number, found)
        if number >= HEADER_SEARCH_ROWS:
            break
    if not seen or all(_is_empty(v) for _n, v in seen):
        raise ImportRejected(_("The first sheet of the file is empty."), [])
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
    sheet = _Sheet(header_row=header_row, columns=columns, specs=specs)

    def take(number: int, values: tuple[Any, ...]) -> None:
        if number <= header_row:
            return
        cells = {key: values[i] if i < len(values) else None for key, (i, _h) in columns.items()}
        if _is_empty(cells.values()):
            return
        if number == header_row + 1 and _is_column_numbers(values):
            return  # "(1) (2) (3) …" under the header
        if len(_match_header(values, index)) == len(columns):
            return  # the header repeated (pasted from a printed list)
        if len(sheet.rows) >= MAX_DATA_ROWS:
            raise ImportRejected(
                _("The file has more than %(n)d rows: split it.") % {"n": MAX_DATA_ROWS}, []
            )
        sheet.rows.append((number, cells))

    for number, values in seen:
        take(number, values)
    for number, values in enumerate(rows, len(seen) + 1):
        take(number, values)
    if not sheet.rows:
        raise ImportRejected(_("The file has a header row but no data rows."), [])
    return sheet


def _is_column_numbers(values: tuple[Any, ...]) -> bool:
    """A row numbering the columns: 1, 2, 3… or (1), (2), (3)…"""
    numbers = []
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        m = re.fullmatch(r"\(?\s*(\d{1,2})\s*\)?", _text(value))
        if m is None:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _derivable(key: str, columns: dict[str, tuple[int, str]]) -> bool:
    """A required column whose value other columns can give (records' unit)."""
    return (
        key == "owner"
        and "name" in columns
        and ("keeper" in columns or "location_keeper" in columns or "procedure" in columns)
    )


# --------------------------------------------------------------------------- cell values


class _CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_space(str(value))


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
# Excel serials of 1950-01-01 and 2100-12-31: a bare number outside is no date.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415


def _date(value: Any) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    bad = _CellError(_("Enter a date as dd/mm/yyyy."))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            converted = from_excel(value)
            if isinstance(converted, datetime.datetime):
                return converted.date()
            if isinstance(converted, datetime.date):
                return converted
        raise bad
    text = _text(value)
    if m := _DMY.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _YMD.match(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise bad
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise _CellError(_("%(text)s is not a valid date.") % {"text": text}) from exc


def _int(value: Any, *, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise _CellError(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return number


_SERIAL = re.compile(r"^\s*0*([1-9]\d*)")


def _code_key(code: str) -> str:
    return normalise_space(code).casefold()


def _decision_key(number: str) -> str:
    return re.sub(r"\s+", "", fold(number))


# --------------------------------------------------------------------------- row checking


class _Row:
    """Reads one row's cells, recording errors against the column headers of the file."""

    def __init__(self, sheet: _Sheet, number: int, cells: dict[str, Any], errors: list[RowError]):
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.errors = errors
        self.ok = True

    def error(self, key: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.number, self.sheet.header(key), message))

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        value = _text(self.cells.get(key))
        if required and not value:
            self.error(key, _("This column is required."))
        elif len(value) > max_length:
            self.error(
                key,
                _("At most %(n)d characters (%(m)d here).") % {"n": max_length, "m": len(value)},
            )
        return value

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        try:
            value = _date(self.cells.get(key))
        except _CellError as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("Enter a date as dd/mm/yyyy."))
        return value

    def integer(self, key: str, *, low: int, high: int, required: bool = False) -> int | None:
        try:
            value = _int(self.cells.get(key), low=low, high=high)
        except _CellError as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("This column is required."))
        return value


def _reject(errors: list[RowError]) -> ImportRejected:
    errors = sorted(errors, key=lambda e: e.row)
    return ImportRejected(
        _("Nothing was imported: %(n)d error(s). Correct the file and try again.")
        % {"n": len(errors)},
        errors,
    )


def _write_failed(row: int, column: str, exc: Exception) -> ImportRejected:
    if isinstance(exc, services.DocumentError | NumberingError):
        message = str(exc)
    else:
        message = _("The row could not be saved (it conflicts with data already in eISO).")
    return _reject([RowError(row, column, message)])


_WRITE_ERRORS = (services.DocumentError, NumberingError, IntegrityError, DataError)


class _Units:
    """The agency's units (and the agency), by folded name, short name, code, single-unit
    alias or former name."""

    def __init__(self, agency: OrgUnit):
        units = list(
            OrgUnit.objects.active().filter(Q(pk=agency.pk) | Q(agency=agency)).order_by("path")
        )
        self.by_pk = {u.pk: u for u in units}
        self.index: dict[str, OrgUnit] = {}
        for u in units:
            for name in (u.name, u.short_name, u.code):
                if name:
                    self.index.setdefault(fold(name), u)
        for alias in UnitAlias.objects.filter(agency=agency).prefetch_related("units"):
            members = [u for u in alias.units.all() if u.pk in self.by_pk]
            if len(members) == 1:
                self.index.setdefault(fold(alias.name), members[0])
        for former in OrgUnitName.objects.filter(unit_id__in=list(self.by_pk)):
            for name in (former.name, former.short_name):
                if name:
                    self.index.setdefault(fold(name), self.by_pk[former.unit_id])

    def find(self, name: str) -> OrgUnit | None:
        return self.index.get(fold(name)) if name else None


# --------------------------------------------------------------------------- internal


@dataclass
class _DocRow:
    row: int
    code: str
    title: str
    kind: str
    is_tthc: bool
    owner: OrgUnit
    issue_no: int
    issued_on: datetime.date
    decision: tuple[str, int]  # (folded number, year)
    parent_key: str = ""
    tthc_code: str = ""
    tthc_field: str = ""


@dataclass
class _DecisionGroup:
    number: str  # as first written
    serial: int
    year: int
    first_row: int
    issued_on: datetime.date
    existing: IssuingDecision | None = None


def _guess_kind(code: str) -> str:
    upper = code.upper()
    if upper.startswith("BM"):
        return Document.Kind.FORM
    if upper.startswith("CSCL"):
        return Document.Kind.POLICY
    if upper.startswith("STCL"):
        return Document.Kind.MANUAL
    if upper.startswith("HD"):
        return Document.Kind.GUIDELINE
    if re.match(r"^QT[\s._\-]*ISO(?![A-Z])", upper):
        return Document.Kind.SYSTEM_PROCEDURE
    return Document.Kind.WORK_PROCEDURE


def _kind_index() -> dict[str, str]:
    index = dict(_KIND_WORDS)
    for value, label in Document.Kind.choices:
        index.setdefault(_norm(str(label)), value)
        index.setdefault(_norm(value), value)
    return index


def _import_internal(actor: User, agency: OrgUnit, sheet: _Sheet) -> int:
    errors: list[RowError] = []
    units = _Units(agency)
    existing = {
        _code_key(code): (pk, kind, archived is None)
        for pk, code, kind, archived in Document.objects.filter(agency=agency).values_list(
            "pk", "code", "kind", "archived_at"
        )
    }
    kinds = _kind_index()
    parsed: list[_DocRow] = []
    file_codes: dict[str, int] = {}  # code key → first row, for every row with a code
    file_kinds: dict[str, str] = {}
    raw_parents: dict[int, tuple[str, str]] = {}  # form's row → (parent as written, its code)
    decisions_written: dict[tuple[str, int], str] = {}

    for number, cells in sheet.rows:
        r = _Row(sheet, number, cells, errors)
        code = r.text("code", max_length=60, required=True)
        title = r.text("title", max_length=500, required=True)
        kind_text = r.text("kind", max_length=120)
        kind = ""
        is_tthc = False
        if kind_text:
            kind = kinds.get(_norm(kind_text), "")
            is_tthc = _norm(kind_text) in _TTHC_WORDS
            if not kind:
                r.error("kind", _("Unknown type “%(kind)s”.") % {"kind": kind_text})
        elif code:
            kind = _guess_kind(code)
        owner_text = r.text("owner", max_length=255, required=True)
        owner = units.find(owner_text)
        if owner_text and owner is None:
            r.error(
                "owner",
                _("No unit of the agency is called “%(name)s”.") % {"name": owner_text},
            )
        issue_no = r.integer("issue_no", low=1, high=999, required=True)
        issued_on = r.date("issued_on", required=True)
        decision_text = r.text("decision", max_length=80, required=True)
        serial_match = _SERIAL.match(decision_text)
        if decision_text and serial_match is None:
            r.error(
                "decision",
                _("The decision number must start with its serial, e.g. 2862/QĐ-SGDĐT."),
            )
        parent_text = r.text("parent", max_length=60)
        tthc_code = r.text("tthc_code", max_length=40)
        tthc_field = r.text("tthc_field", max_length=120)
        if tthc_code and kind == Document.Kind.WORK_PROCEDURE:
            is_tthc = True

        if code:
            key = _code_key(code)
            if key in file_codes:
                r.error(
                    "code",
                    _("Code %(code)s appears twice in the file (rows %(first)d and %(row)d).")
                    % {"code": code, "first": file_codes[key], "row": number},
                )
            else:
                file_codes[key] = number
                file_kinds[key] = kind
            if key in existing:
                r.error("code", _("Code %(code)s is already used in this agency.") % {"code": code})
        if kind == Document.Kind.FORM:
            raw_parents[number] = (parent_text, code)
        if not r.ok:
            continue
        assert owner is not None and issue_no is not None and issued_on is not None  # noqa: S101
        assert serial_match is not None  # noqa: S101
        dkey = (_decision_key(decision_text), issued_on.year)
        decisions_written.setdefault(dkey, decision_text)
        parsed.append(
            _DocRow(
                row=number,
                code=normalise_space(code),
                title=title,
                kind=kind,
                is_tthc=is_tthc and kind == Document.Kind.WORK_PROCEDURE,
                owner=owner,
                issue_no=issue_no,
                issued_on=issued_on,
                decision=dkey,
                tthc_code=tthc_code if kind == Document.Kind.WORK_PROCEDURE else "",
                tthc_field=tthc_field if kind == Document.Kind.WORK_PROCEDURE else "",
            )
        )

    # Forms and the procedures they belong to.
    def kind_of(key: str) -> str | None:
        """The kind of the document with this code in the file or the agency ("" when the
        file's row has no valid kind), None when there is none."""
        if key in file_kinds:
            return file_kinds[key]
        if key in existing and existing[key][2]:
            return existing[key][1]
        return None

    by_row = {d.row: d for d in parsed}
    header = sheet.header("parent")
    for number, (parent_text, code) in raw_parents.items():
        message = ""
        if parent_text:
            key = _code_key(parent_text)
            kind_found = kind_of(key)
            if kind_found is None:
                message = _(
                    "Procedure %(code)s is neither in this file nor among the agency's documents."
                ) % {"code": parent_text}
            elif kind_found and kind_found not in _PROCEDURES:
                message = _("%(code)s is not a procedure: a form belongs to a procedure.") % {
                    "code": parent_text
                }
        else:
            key = _parent_from_code(code, lambda k: kind_of(k) in _PROCEDURES)
            if not key:
                message = _("A form belongs to a procedure: enter the procedure's code.")
        if message:
            errors.append(RowError(number, header, message))
        elif number in by_row:
            by_row[number].parent_key = key

    # Issuing decisions: reuse the agency's, else register them (checked against the register).
    groups = _decision_groups(agency, parsed, decisions_written, sheet, errors)

    if errors:
        raise _reject(errors)

    rows = sorted(by_row.values(), key=lambda d: (d.kind == Document.Kind.FORM, d.row))
    decision_header = sheet.header("decision")
    with transaction.atomic():
        decisions: dict[tuple[str, int], IssuingDecision] = {}
        for dkey, group in groups.items():
            if group.existing is not None:
                decisions[dkey] = group.existing
                continue
            try:
                decisions[dkey] = services.decision_register_paper(
                    actor=actor,
                    agency=agency,
                    serial=group.serial,
                    data=services.DecisionInput(
                        issued_on=group.issued_on,
                        effective_on=group.issued_on,
                        title=DECISION_TITLE,
                        bases=[],
                        proposer="",
                        executors="",
                        recipients=[],
                        signer_prefix="",
                        signer_authority="",
                        signer_position=DECISION_SIGNER_POSITION,
                        signer_name="",
                    ),
                )
            except _WRITE_ERRORS as exc:
                raise _write_failed(group.first_row, decision_header, exc) from exc
        created: dict[str, int] = {}
        for d in rows:
            parent_id = None
            if d.parent_key:
                parent_id = created.get(d.parent_key) or existing[d.parent_key][0]
            decision = decisions[d.decision]
            try:
                document = Document.objects.create(
                    agency=agency,
                    owner_unit=d.owner,
                    kind=d.kind,
                    code=d.code,
                    title=d.title,
                    parent_id=parent_id,
                    is_tthc=d.is_tthc,
                    tthc_code=d.tthc_code,
                    tthc_field=d.tthc_field,
                    status=Document.Status.DRAFT,
                    created_by=actor,
                )
                services.version_register_paper(
                    actor=actor, document=document, issue_no=d.issue_no, decision=decision
                )
            except _WRITE_ERRORS as exc:
                raise _write_failed(d.row, sheet.header("code"), exc) from exc
            created[_code_key(d.code)] = document.pk
            logentry_create(
                actor=actor,
                action="documents.document.imported",
                obj=document,
                unit=agency,
                before={},
                after={
                    "code": d.code,
                    "title": d.title,
                    "kind": d.kind,
                    "owner_unit": str(d.owner),
                    "parent": _parent_code(d.parent_key, rows),
                    "is_tthc": d.is_tthc,
                    "tthc_code": d.tthc_code,
                    "tthc_field": d.tthc_field,
                    "status": Document.Status.IN_FORCE,
                    "issue_no": d.issue_no,
                    "decision": decision.number,
                    "row": d.row,
                },
            )
    return len(rows)


def _parent_code(key: str, rows: list[_DocRow]) -> str:
    if not key:
        return ""
    return next((d.code for d in rows if _code_key(d.code) == key), key)


def _parent_from_code(code: str, is_procedure: Callable[[str], bool]) -> str:
    """The procedure named in a form's code ("BM.01-QT.ISO.01" → "qt.iso.01"), or ""."""
    for i, char in enumerate(code):
        if char == "-":
            key = _code_key(code[i + 1 :])
            if key and is_procedure(key):
                return key
    return ""


def _decision_groups(
    agency: OrgUnit,
    parsed: list[_DocRow],
    written: dict[tuple[str, int], str],
    sheet: _Sheet,
    errors: list[RowError],
) -> dict[tuple[str, int], _DecisionGroup]:
    groups: dict[tuple[str, int], _DecisionGroup] = {}
    for d in parsed:
        group = groups.get(d.decision)
        if group is None:
            number = written[d.decision]
            match = _SERIAL.match(number)
            assert match is not None  # noqa: S101 - checked per row
            groups[d.decision] = _DecisionGroup(
                number=number,
                serial=int(match.group(1)),
                year=d.decision[1],
                first_row=d.row,
                issued_on=d.issued_on,
            )
        elif d.issued_on < group.issued_on:
            group.issued_on = d.issued_on
    if not groups:
        return groups
    years = sorted({g.year for g in groups.values()})
    by_number: dict[tuple[str, int], IssuingDecision] = {}
    by_serial: dict[tuple[int, int], IssuingDecision] = {}
    for decision in IssuingDecision.objects.filter(agency=agency).select_related("issued_number"):
        by_number.setdefault((_decision_key(decision.number), decision.issued_on.year), decision)
        num = decision.issued_number
        if num is not None:
            by_serial.setdefault((num.year, num.serial), decision)
    series = "" if agency.shared_serial else "QĐ"
    taken = {
        (year, serial): symbol
        for year, serial, symbol in IssuedNumber.objects.filter(
            agency=agency, year__in=years, series=series
        ).values_list("year", "serial", "symbol")
    }
    header = sheet.header("decision")
    new: dict[tuple[int, int], _DecisionGroup] = {}
    for dkey, group in groups.items():
        group.existing = by_number.get(dkey) or by_serial.get((group.year, group.serial))
        if group.existing is not None:
            continue
        twin = new.setdefault((group.year, group.serial), group)
        if twin is not group:
            errors.append(
                RowError(
                    group.first_row,
                    header,
                    _("%(number)s and %(other)s (row %(row)d) have the same serial in %(year)s.")
                    % {
                        "number": group.number,
                        "other": twin.number,
                        "row": twin.first_row,
                        "year": group.year,
                    },
                )
            )
        elif (group.year, group.serial) in taken:
            errors.append(
                RowError(
                    group.first_row,
                    header,
                    _(
                        "Number %(serial)s of %(year)s is already in the register (%(symbol)s), "
                        "for another document."
                    )
                    % {
                        "serial": group.serial,
                        "year": group.year,
                        "symbol": taken[(group.year, group.serial)],
                    },
                )
            )
    return groups


# --------------------------------------------------------------------------- external


@dataclass
class _ExternalRow:
    row: int
    data: services.ExternalInput
    status: str
    change_on: datetime.date | None


def _status_index() -> dict[str, str]:
    index = dict(_STATUS_WORDS)
    for value, label in ExternalDocument.Status.choices:
        index.setdefault(_norm(str(label)), value)
    return index


def _status(text: str, index: dict[str, str]) -> str | None:
    key = _norm(text)
    if not key:
        return ExternalDocument.Status.IN_FORCE
    if key in index:
        return index[key]
    for word in sorted(index, key=len, reverse=True):
        if key.startswith(word + " "):
            return index[word]
    return None


def _import_external(actor: User, agency: OrgUnit, sheet: _Sheet) -> int:
    errors: list[RowError] = []
    in_register = {
        _code_key(n)
        for n in ExternalDocument.objects.filter(
            agency=agency, archived_at__isnull=True
        ).values_list("number", flat=True)
    }
    statuses = _status_index()
    seen: dict[str, int] = {}
    parsed: list[_ExternalRow] = []
    for number, cells in sheet.rows:
        r = _Row(sheet, number, cells, errors)
        doc_number = r.text("number", max_length=80, required=True)
        subject = r.text("subject", max_length=2000, required=True)
        doc_type = r.text("doc_type", max_length=60)
        issuer = r.text("issuer", max_length=255)
        signed_on = r.date("signed_on")
        effective_on = r.date("effective_on")
        status_text = r.text("status", max_length=255)
        status = _status(status_text, statuses)
        if status is None:
            r.error(
                "status",
                _(
                    "Unknown status “%(status)s”: use Còn hiệu lực, Sửa đổi, bổ sung, "
                    "Bị thay thế or Hết hiệu lực."
                )
                % {"status": status_text},
            )
        change_on = r.date("change_on")
        if status in {_ST.AMENDED, _ST.REPLACED} and _is_empty([cells.get("change_on")]):
            r.error(
                "change_on",
                _("Enter the date the amending or replacing text takes effect (dd/mm/yyyy)."),
            )
        field_text = r.text("field", max_length=120)
        if doc_number:
            key = _code_key(doc_number)
            if key in seen:
                r.error(
                    "number",
                    _("%(number)s appears twice in the file (rows %(first)d and %(row)d).")
                    % {"number": doc_number, "first": seen[key], "row": number},
                )
            else:
                seen[key] = number
            if key in in_register:
                r.error(
                    "number",
                    _("%(number)s is already in the register.") % {"number": doc_number},
                )
        if not r.ok:
            continue
        assert status is not None  # noqa: S101
        parsed.append(
            _ExternalRow(
                row=number,
                data=services.ExternalInput(
                    number=doc_number,
                    doc_type=doc_type,
                    issuer=issuer,
                    title=subject,
                    signed_on=signed_on,
                    effective_on=effective_on,
                    field=field_text,
                ),
                status=status,
                change_on=change_on,
            )
        )
    if errors:
        raise _reject(errors)
    with transaction.atomic():
        for e in parsed:
            try:
                ext = services.external_create(actor=actor, agency=agency, data=e.data)
                if e.status != _ST.IN_FORCE:
                    services.external_mark_changed(
                        actor=actor, ext=ext, status=e.status, change_effective_on=e.change_on
                    )
            except _WRITE_ERRORS as exc:
                raise _write_failed(e.row, sheet.header("number"), exc) from exc
    return len(parsed)


# --------------------------------------------------------------------------- records


def _retention(value: Any) -> tuple[int | None, str]:
    """("05 năm" → 5, "05 năm"); ("Lâu dài" → None, "Lâu dài"); a bare 5 → (5, "05 năm")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        years = _int(value, low=1, high=100)
        return years, f"{years:02d} năm"
    text = _text(value)
    m = re.match(r"^(\d{1,3})\s*(?:nam|years?)\b", fold(text))
    if m:
        years = int(m.group(1))
        if not 1 <= years <= 100:
            raise _CellError(_("A retention period is from 1 to 100 years."))
        return years, text
    return None, text


def _import_records(actor: User, agency: OrgUnit, sheet: _Sheet) -> int:
    errors: list[RowError] = []
    units = _Units(agency)
    procedures: dict[str, tuple[Document, bool]] = {}
    for doc in Document.objects.filter(agency=agency, archived_at__isnull=True).only(
        "pk", "code", "kind", "owner_unit_id", "agency_id"
    ):
        procedures[_code_key(doc.code)] = (doc, doc.kind != Document.Kind.FORM)
    derive_unit = not sheet.has("owner")
    parsed: list[tuple[int, services.RecordInput]] = []
    for number, cells in sheet.rows:
        r = _Row(sheet, number, cells, errors)
        name = r.text("name", max_length=500, required=True)
        form_code = r.text("form_code", max_length=60)
        procedure_text = r.text("procedure", max_length=60)
        document: Document | None = None
        if procedure_text:
            found = procedures.get(_code_key(procedure_text))
            if found is None:
                r.error(
                    "procedure",
                    _("No document of the agency has the code %(code)s.")
                    % {"code": procedure_text},
                )
            elif not found[1]:
                r.error(
                    "procedure",
                    _("%(code)s is a form: enter the procedure it belongs to.")
                    % {"code": procedure_text},
                )
            else:
                document = found[0]
        location = r.text("location", max_length=255)
        keeper = r.text("keeper", max_length=255)
        combined = r.text("location_keeper", max_length=520)
        if combined and not (sheet.has("location") or sheet.has("keeper")):
            place, sep, who = combined.rpartition(" / ")
            location, keeper = (place.strip(), who.strip()) if sep else ("", combined)
            if max(len(location), len(keeper)) > 255:
                r.error(
                    "location_keeper",
                    _("At most %(n)d characters each for the place and the keeper.") % {"n": 255},
                )
        owner: OrgUnit | None = None
        if derive_unit:
            owner = units.find(keeper)
            if owner is None and document is not None:
                owner = units.by_pk.get(document.owner_unit_id)
            if owner is None and (document is not None or not procedure_text):
                r.error(
                    "owner",
                    _(
                        "Which unit keeps this record? Add the column “%(column)s”, or name a "
                        "unit in “%(keeper)s” or a procedure."
                    )
                    % {"column": H_KEEP_UNIT, "keeper": H_KEEPER},
                )
        else:
            owner_text = r.text("owner", max_length=255, required=True)
            owner = units.find(owner_text)
            if owner_text and owner is None:
                r.error(
                    "owner",
                    _("No unit of the agency is called “%(name)s”.") % {"name": owner_text},
                )
        try:
            years, retention_text = _retention(r.cells.get("retention"))
        except _CellError as exc:
            r.error("retention", str(exc))
            years, retention_text = None, ""
        if len(retention_text) > 120:
            r.error(
                "retention",
                _("At most %(n)d characters (%(m)d here).") % {"n": 120, "m": len(retention_text)},
            )
        disposal = r.text("disposal", max_length=255)
        if owner is not None and not permissions.can(actor, "documents.manage_registers", owner):
            r.error(
                "owner" if sheet.has("owner") else "name",
                _("You do not keep the records list of %(unit)s.") % {"unit": owner.name},
            )
        if not r.ok:
            continue
        assert owner is not None  # noqa: S101
        parsed.append(
            (
                number,
                services.RecordInput(
                    name=name,
                    owner_unit=owner,
                    document=document,
                    form_code=form_code,
                    keeper=keeper,
                    location=location,
                    retention_years=years,
                    retention_text=retention_text,
                    disposal_method=disposal,
                ),
            )
        )
    if errors:
        raise _reject(errors)
    with transaction.atomic():
        for number, data in parsed:
            try:
                services.record_save(actor=actor, agency=agency, data=data)
            except _WRITE_ERRORS as exc:
                raise _write_failed(number, sheet.header("name"), exc) from exc
    return len(parsed)
