"""The file format: the column headers of each list and the variants agencies write.

A header is matched folded (:func:`~qms.documents.imports.cells.header_key`): accents, case,
punctuation and notes in brackets do not matter. ``COLUMNS`` is what the import page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LIST_KINDS = ("internal", "external", "records")

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
class Col:
    key: str
    header: str  # the canonical header, shown in the help table and in errors
    required: bool
    variants: tuple[str, ...]
    help: StrOrPromise = ""


SPECS: dict[str, tuple[Col, ...]] = {
    "internal": (
        Col("code", H_CODE, True, ("Mã tài liệu", "Mã số", "Mã hiệu tài liệu", "Mã")),
        Col(
            "title",
            H_TITLE,
            True,
            ("Tên quy trình", "Tên tài liệu/quy trình", "Tên văn bản", "Tên"),
        ),
        Col(
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
        Col(
            "owner",
            H_OWNER,
            True,
            ("Đơn vị", "Đơn vị soạn thảo", "Đơn vị quản lý", "Bộ phận chủ trì"),
            gettext_lazy("A unit of the agency: its name, short name or code."),
        ),
        Col(
            "issue_no",
            H_ISSUE_NO,
            True,
            ("Lần BH", "Lần ban hành/sửa đổi", "Lần ban hành sửa đổi"),
            gettext_lazy("A whole number from 1."),
        ),
        Col(
            "issued_on",
            H_ISSUED_ON,
            True,
            ("Ngày BH", "Ngày tháng ban hành"),
            gettext_lazy("dd/mm/yyyy, or an Excel date."),
        ),
        Col(
            "decision",
            H_DECISION,
            True,
            ("Số quyết định", "Quyết định", "QĐ ban hành", "Số QĐ", "Số QĐ ban hành"),
            gettext_lazy(
                "Number of the decision that issued it, e.g. 2862/QĐ-SGDĐT; registered in the "
                "agency's number register if it is not there yet."
            ),
        ),
        Col(
            "parent",
            H_PARENT,
            False,
            ("Mã quy trình", "Thuộc quy trình (mã)"),
            gettext_lazy(
                "Forms: code of the procedure they belong to, in this file or already in "
                "eISO. Empty: taken from a code like BM.01-QT.ISO.01."
            ),
        ),
        Col(
            "tthc_code",
            H_TTHC_CODE,
            False,
            ("Mã thủ tục", "Mã thủ tục hành chính", "Mã số TTHC"),
        ),
        Col("tthc_field", H_TTHC_FIELD, False, ("Lĩnh vực thủ tục hành chính",)),
    ),
    "external": (
        Col(
            "number",
            H_NUMBER,
            True,
            ("Số ký hiệu", "Số hiệu", "Số/ký hiệu", "Số hiệu văn bản", "Số văn bản", "Ký hiệu"),
        ),
        Col("doc_type", H_DOC_TYPE, False, ("Loại",)),
        Col("issuer", H_ISSUER, False, ("Nơi ban hành", "Cơ quan ban hành/Nơi ban hành")),
        Col("subject", H_SUBJECT, True, ("Trích yếu nội dung", "Tên văn bản", "Tên tài liệu")),
        Col(
            "signed_on",
            H_SIGNED_ON,
            False,
            ("Ngày ký", "Ngày tháng ban hành", "Ngày BH"),
            gettext_lazy("dd/mm/yyyy, or an Excel date."),
        ),
        Col(
            "effective_on",
            H_EFFECTIVE_ON,
            False,
            ("Ngày có hiệu lực", "Hiệu lực từ", "Ngày hiệu lực thi hành"),
            gettext_lazy("dd/mm/yyyy, or an Excel date."),
        ),
        Col(
            "status",
            H_STATUS,
            False,
            ("Tình trạng hiệu lực", "Trạng thái", "Hiệu lực"),
            gettext_lazy("Còn hiệu lực (or empty), Sửa đổi, bổ sung, Bị thay thế or Hết hiệu lực."),
        ),
        Col(
            "change_on",
            H_CHANGE_ON,
            False,
            ("Ngày thay đổi", "Ngày thay đổi hiệu lực"),
            gettext_lazy(
                "Required for a text amended or replaced: when the new text takes effect."
            ),
        ),
        Col("field", H_FIELD, False, ("Lĩnh vực áp dụng",)),
    ),
    "records": (
        Col("name", H_NAME, True, ("Hồ sơ", "Tên hồ sơ lưu", "Tên hồ sơ cần lưu")),
        Col("form_code", H_FORM_CODE, False, ("Mã hiệu biểu mẫu", "Mã số biểu mẫu", "Biểu mẫu")),
        Col(
            "procedure",
            H_PROCEDURE,
            False,
            ("Mã quy trình", "Thuộc quy trình"),
            gettext_lazy("Code of a document of the agency already in eISO (not a form)."),
        ),
        Col(
            "owner",
            H_KEEP_UNIT,
            True,
            ("Đơn vị lưu trữ", "Bộ phận lưu", "Bộ phận lưu trữ"),
            gettext_lazy(
                "A unit of the agency. Without this column, the unit named in Trách nhiệm lưu, "
                "else the procedure's owner unit."
            ),
        ),
        Col("keeper", H_KEEPER, False, ("Trách nhiệm lưu trữ", "Người lưu", "Người lưu trữ")),
        Col("location", H_LOCATION, False, ("Nơi lưu trữ", "Địa điểm lưu")),
        Col(
            "location_keeper",
            H_LOCATION_KEEPER,
            False,
            ("Nơi lưu/Trách nhiệm lưu",),
            gettext_lazy("As exported by eISO: “place / kept by”."),
        ),
        Col(
            "retention",
            H_RETENTION,
            False,
            ("Thời hạn lưu", "Thời gian lưu trữ", "Thời hạn lưu trữ"),
            gettext_lazy(
                "“05 năm” or “5 năm” (kept as written), “Lâu dài”/“Vĩnh viễn” or other text "
                "(no number of years)."
            ),
        ),
        Col("disposal", H_DISPOSAL, False, ("Phương pháp huỷ", "Cách hủy", "Hình thức hủy")),
    ),
}

COLUMNS: dict[str, list[tuple[str, bool, StrOrPromise]]] = {
    kind: [(c.header, c.required, c.help) for c in cols] for kind, cols in SPECS.items()
}
