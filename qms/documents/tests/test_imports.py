"""Importing existing master lists from XLSX: all rows or nothing."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from conftest import shared_org
from qms.audittrail.models import LogEntry
from qms.core.models import IssuedNumber
from qms.core.numbering import number_register_external
from qms.documents import imports, services
from qms.documents.models import (
    Document,
    DocumentVersion,
    ExternalDocument,
    IssuingDecision,
    RetainedRecord,
)

D = datetime.date
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INTERNAL_HEADER = [
    "TT",
    "Mã hiệu",
    "Tên tài liệu",
    "Loại",
    "Đơn vị chủ trì",
    "Lần ban hành",
    "Ngày ban hành",
    "Quyết định ban hành",
    "Thuộc quy trình",
    "Mã TTHC",
    "Lĩnh vực TTHC",
]
DECISION = "2862/QĐ-SGDĐT"


# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


def internal_rows() -> list[list[Any]]:
    # fmt: off
    return [
        [1, "QT.ISO.01", "Quy trình kiểm soát tài liệu", "Quy trình hệ thống", "Ban ISO", 1, "06/11/2020", DECISION, "", "", ""],
        [2, "QT.ISO.02", "Quy trình kiểm soát hồ sơ", "", "Ban ISO Sở", "01", D(2020, 11, 6), DECISION, "", "", ""],
        [3, "QT.ISO.03", "Quy trình đánh giá nội bộ", "quy trinh he thong", "Văn phòng Sở", 2, "6/11/2020", DECISION, "", "", ""],
        [4, "QT-GDTRH-01", "Quy trình chuyển trường đối với học sinh trung học phổ thông", "Quy trình TTHC", "Phòng GDTrH", 1, "06/11/2020", DECISION, "", "1.005090", "Giáo dục trung học"],
        [5, "BM.01-QT-GDTRH-01", "Đơn xin chuyển trường", "Biểu mẫu", "SGDDT-GDTRH", 1, "06/11/2020", DECISION, "QT-GDTRH-01", "", ""],
        [6, "BM.02-QT-GDTRH-01", "Giấy giới thiệu chuyển trường", "", "phong giao duc trung hoc", 1, "06/11/2020", DECISION, "", "", ""],
    ]
    # fmt: on


def xlsx(
    rows: Sequence[Sequence[Any]], *, name: str = "danh-muc.xlsx", title: str | None = None
) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=XLSX_TYPE)


def counts() -> dict[str, int]:
    return {
        "documents": Document.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "external": ExternalDocument.objects.count(),
        "records": RetainedRecord.objects.count(),
        "decisions": IssuingDecision.objects.count(),
        "numbers": IssuedNumber.objects.count(),
        "log": LogEntry.objects.count(),
    }


@pytest.fixture
def run(org: Any, personas: dict[str, Any]) -> Callable[..., imports.ImportResult]:
    def _run(kind: str, upload: SimpleUploadedFile, agency: Any = None) -> imports.ImportResult:
        return imports.import_list(
            actor=personas["iso_office"],
            agency=agency or org.agency,
            list_kind=kind,
            upload=upload,
        )

    return _run


@pytest.fixture
def rejected(run: Callable[..., imports.ImportResult]) -> Callable[..., imports.ImportRejected]:
    """Run an import that must fail, and check that nothing at all was written."""

    def _rejected(kind: str, upload: SimpleUploadedFile) -> imports.ImportRejected:
        before = counts()
        with pytest.raises(imports.ImportRejected) as info:
            run(kind, upload)
        assert counts() == before
        return info.value

    return _rejected


def cells(exc: imports.ImportRejected) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in exc.errors}


# --------------------------------------------------------------------------- internal


def test_internal_list_imports_documents_in_force_with_their_decision(org, run):
    result = run("internal", xlsx([INTERNAL_HEADER, *internal_rows()], title="DANH MỤC TÀI LIỆU"))

    assert result.created == 6
    docs = {d.code: d for d in Document.objects.filter(agency=org.agency)}
    assert set(docs) == {
        "QT.ISO.01",
        "QT.ISO.02",
        "QT.ISO.03",
        "QT-GDTRH-01",
        "BM.01-QT-GDTRH-01",
        "BM.02-QT-GDTRH-01",
    }
    decision = IssuingDecision.objects.get(agency=org.agency)
    assert decision.number == DECISION
    assert decision.registered_from_paper
    assert decision.issued_on == decision.effective_on == D(2020, 11, 6)
    assert decision.signer_position == "GIÁM ĐỐC"
    assert decision.title == imports.DECISION_TITLE
    assert decision.issued_number is not None and decision.issued_number.serial == 2862
    for doc in docs.values():
        assert doc.status == Document.Status.IN_FORCE
        version = doc.current_version
        assert version is not None
        assert version.status == DocumentVersion.Status.IN_FORCE
        assert version.approved_on_paper
        assert version.decision == decision
        assert version.issued_on == D(2020, 11, 6)
    assert docs["QT.ISO.01"].kind == Document.Kind.SYSTEM_PROCEDURE
    assert docs["QT.ISO.02"].kind == Document.Kind.SYSTEM_PROCEDURE  # guessed from the code
    assert docs["QT.ISO.02"].owner_unit == org.iso  # through the alias "Ban ISO Sở"
    assert docs["QT.ISO.03"].current_version.issue_no == 2
    assert docs["QT.ISO.03"].owner_unit == org.office
    tthc = docs["QT-GDTRH-01"]
    assert tthc.kind == Document.Kind.WORK_PROCEDURE
    assert tthc.is_tthc and tthc.tthc_code == "1.005090" and tthc.tthc_field == "Giáo dục trung học"
    assert tthc.owner_unit == org.div_a
    for code in ("BM.01-QT-GDTRH-01", "BM.02-QT-GDTRH-01"):
        assert docs[code].kind == Document.Kind.FORM
        assert docs[code].parent == tthc  # given, then taken from the code
        assert docs[code].owner_unit == org.div_a
    logged = LogEntry.objects.filter(action="documents.document.imported")
    assert logged.count() == 6
    entry = logged.get(object_id=str(tthc.pk))
    assert entry.unit == org.agency
    assert entry.changes["code"] == [None, "QT-GDTRH-01"]
    assert entry.changes["decision"] == [None, DECISION]


def test_an_existing_decision_is_reused(org, run):
    run("internal", xlsx([INTERNAL_HEADER, *internal_rows()[:2]]))
    more = [
        [
            1,
            "QT.ISO.04",
            "Quy trình khắc phục",
            "",
            "Ban ISO",
            1,
            "06/11/2020",
            "2862/QĐ-SGDĐT",
            "",
            "",
            "",
        ]
    ]

    run("internal", xlsx([INTERNAL_HEADER, *more]))

    decision = IssuingDecision.objects.get(agency=org.agency)
    assert Document.objects.get(code="QT.ISO.04").current_version.decision == decision


def test_rows_of_one_decision_with_different_dates_use_the_earliest(org, run):
    rows = internal_rows()[:2]
    rows[0][6] = "10/11/2020"
    rows[1][6] = "06/11/2020"

    run("internal", xlsx([INTERNAL_HEADER, *rows]))

    assert IssuingDecision.objects.get(agency=org.agency).issued_on == D(2020, 11, 6)


def test_several_errors_are_reported_at_once_and_nothing_is_written(rejected):
    rows = internal_rows()
    rows[1][6] = "31/02/2020"  # Excel row 3
    rows[3][4] = "Phòng Không Có"  # Excel row 5

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *rows]))

    assert cells(exc) == {(3, "Ngày ban hành"), (5, "Đơn vị chủ trì")}
    assert "2 error" in exc.message
    assert "Phòng Không Có" in next(e.message for e in exc.errors if e.row == 5)


def test_errors_name_the_column_as_written_in_the_file_below_a_title_row(rejected):
    header = [h if h != "Ngày ban hành" else "Ngày BH" for h in INTERNAL_HEADER]
    rows = internal_rows()[:2]
    rows[0][6] = "hôm qua"

    exc = rejected("internal", xlsx([header, *rows], title="DANH MỤC TÀI LIỆU NỘI BỘ"))

    assert cells(exc) == {(3, "Ngày BH")}


def test_bad_issue_number_and_decision_without_serial_are_errors(rejected):
    rows = internal_rows()[:3]
    rows[0][5] = 0
    rows[1][5] = "một"
    rows[2][7] = "QĐ-SGDĐT"

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *rows]))

    assert cells(exc) == {(2, "Lần ban hành"), (3, "Lần ban hành"), (4, "Quyết định ban hành")}


def test_missing_required_column_is_named(rejected):
    header = [h for h in INTERNAL_HEADER if h != "Quyết định ban hành"]
    rows = [r[:7] + r[8:] for r in internal_rows()]

    exc = rejected("internal", xlsx([header, *rows]))

    assert "Quyết định ban hành" in exc.message
    assert cells(exc) == {(1, "Quyết định ban hành")}


def test_duplicate_code_in_the_file(rejected):
    rows = internal_rows()
    rows[3][1] = "qt.iso.01"

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *rows]))

    assert (5, "Mã hiệu") in cells(exc)
    assert "qt.iso.01" in exc.errors[0].message


def test_code_already_in_the_agency(rejected, make_document):
    make_document(code="QT-GDTRH-01")

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *internal_rows()]))

    assert cells(exc) == {(5, "Mã hiệu")}
    assert "QT-GDTRH-01" in exc.errors[0].message


def test_forms_need_a_known_procedure(rejected):
    rows = internal_rows()
    rows[4][8] = "QT-KHONG-CO"  # unknown
    rows[5][8] = "QT.ISO.01"  # fine
    extra = [7, "BM.01", "Mẫu lạc", "Biểu mẫu", "Ban ISO", 1, "06/11/2020", DECISION, "", "", ""]
    extra2 = [
        8,
        "BM.02",
        "Mẫu của mẫu",
        "Biểu mẫu",
        "Ban ISO",
        1,
        "06/11/2020",
        DECISION,
        "BM.01",
        "",
        "",
    ]

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *rows, extra, extra2]))

    assert cells(exc) == {(6, "Thuộc quy trình"), (8, "Thuộc quy trình"), (9, "Thuộc quy trình")}


def test_a_form_may_belong_to_a_procedure_already_in_eiso(org, run, make_document):
    procedure = make_document(code="QT-GDTRH-09")
    rows = [
        [
            1,
            "BM.01-QT-GDTRH-09",
            "Mẫu đơn",
            "Biểu mẫu",
            "Phòng GDTrH",
            1,
            "06/11/2020",
            DECISION,
            "",
            "",
            "",
        ]
    ]

    run("internal", xlsx([INTERNAL_HEADER, *rows]))

    assert Document.objects.get(code="BM.01-QT-GDTRH-09").parent == procedure


def test_decision_serial_taken_by_another_document_of_the_register(org, personas, rejected):
    number_register_external(
        agency=org.agency,
        doc_type="KH",
        serial=2862,
        issued_on=D(2020, 10, 1),
        subject="Kế hoạch",
        actor=personas["iso_office"],
    )

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *internal_rows()]))

    assert cells(exc) == {(2, "Quyết định ban hành")}
    assert "2862" in exc.errors[0].message


def test_a_service_refusing_a_row_rolls_everything_back(org, rejected, monkeypatch):
    real = services.version_register_paper
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> DocumentVersion:
        calls["n"] += 1
        if calls["n"] == 3:
            raise services.DocumentError("Refused for the test.")
        return real(**kwargs)

    monkeypatch.setattr(services, "version_register_paper", flaky)

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *internal_rows()]))

    assert [(e.row, e.column, e.message) for e in exc.errors] == [
        (4, "Mã hiệu", "Refused for the test.")
    ]


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("danh-muc.xlsx", b"this is not a spreadsheet at all"),
        ("danh-muc.xlsx", b""),
        ("danh-muc.xlsx", b"PK\x03\x04 broken zip"),
        ("danh-muc.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel"),
        ("danh-muc.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel"),
        ("danh-muc.csv", "Mã hiệu,Tên tài liệu\n".encode()),
    ],
)
def test_files_that_are_not_xlsx_are_rejected(rejected, name, content):
    exc = rejected("internal", SimpleUploadedFile(name, content))

    assert exc.message
    assert exc.errors == []


def test_a_zip_that_is_not_a_workbook_is_rejected(rejected):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")

    exc = rejected("internal", SimpleUploadedFile("danh-muc.xlsx", buf.getvalue()))

    assert exc.errors == []


def test_a_damaged_workbook_is_rejected(rejected):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<<< not xml")

    exc = rejected("internal", SimpleUploadedFile("danh-muc.xlsx", buf.getvalue()))

    assert exc.errors == []


def test_an_empty_sheet_is_rejected(rejected):
    exc = rejected("internal", xlsx([]))

    assert "empty" in exc.message


def test_a_header_without_rows_is_rejected(rejected):
    exc = rejected("internal", xlsx([INTERNAL_HEADER, [None] * 5]))

    assert exc.errors == []


def test_a_sheet_without_a_header_row_is_rejected(rejected):
    exc = rejected("internal", xlsx([["a", "b"], [1, 2]]))

    assert cells(exc) == {
        (1, "Mã hiệu"),
        (1, "Tên tài liệu"),
        (1, "Đơn vị chủ trì"),
        (1, "Lần ban hành"),
        (1, "Ngày ban hành"),
        (1, "Quyết định ban hành"),
    }


def test_a_file_over_the_size_limit_is_rejected(rejected, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    upload = xlsx([INTERNAL_HEADER, *internal_rows()])
    assert upload.size > 1000

    exc = rejected("internal", upload)

    assert "MB" in exc.message


def test_unknown_list_kind(rejected):
    exc = rejected("plans", xlsx([INTERNAL_HEADER, *internal_rows()]))

    assert exc.errors == []


def test_empty_rows_are_skipped(org, run):
    rows = internal_rows()[:2]

    result = run("internal", xlsx([INTERNAL_HEADER, rows[0], [None] * 11, ["", " "], rows[1]]))

    assert result.created == 2


def test_columns_are_described_for_the_help_table():
    assert set(imports.COLUMNS) == {"internal", "external", "records"}
    internal = {name: required for name, required, _help in imports.COLUMNS["internal"]}
    assert internal["Mã hiệu"] and internal["Quyết định ban hành"] and not internal["Loại"]
    assert all(str(help_text) is not None for _n, _r, help_text in imports.COLUMNS["records"])


def test_importing_50_rows_uses_a_bounded_number_of_queries(org, run):
    rows = []
    for i in range(1, 26):
        rows.append(
            [
                i,
                f"QT-GDTRH-{i:02d}",
                f"Quy trình {i}",
                "Quy trình nội bộ",
                "Phòng GDTrH",
                1,
                "06/11/2020",
                DECISION,
                "",
                "",
                "",
            ]
        )
        rows.append(
            [
                i,
                f"BM.01-QT-GDTRH-{i:02d}",
                f"Mẫu {i}",
                "Biểu mẫu",
                "Phòng GDTrH",
                1,
                "06/11/2020",
                DECISION,
                "",
                "",
                "",
            ]
        )
    upload = xlsx([INTERNAL_HEADER, *rows])

    with CaptureQueriesContext(connection) as ctx:
        result = run("internal", upload)

    assert result.created == 50
    # Measured: about 18 per row (the services' own writes, logs and checks).
    assert len(ctx.captured_queries) <= 50 * 25


# --------------------------------------------------------------------------- external


EXTERNAL_HEADER = [
    "TT",
    "Số, ký hiệu",
    "Loại văn bản",
    "Cơ quan ban hành",
    "Trích yếu",
    "Ngày ban hành",
    "Ngày hiệu lực",
    "Tình trạng",
    "Ngày thay đổi có hiệu lực",
    "Lĩnh vực",
]


def external_rows() -> list[list[Any]]:
    # fmt: off
    return [
        [1, "19/2014/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", "Về việc áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2008", "05/03/2014", "20/04/2014", "Bị thay thế", "15/02/2021", "ISO"],
        [2, "101/2020/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", "Ban hành Mô hình khung HTQLCL", "22/12/2020", "15/02/2021", "Còn hiệu lực", "", "ISO"],
        [3, "TCVN ISO 9001:2015", "Tiêu chuẩn", "Bộ Khoa học và Công nghệ", "Hệ thống quản lý chất lượng — Các yêu cầu", "", "", "", "", ""],
        [4, "30/2020/NĐ-CP", "Nghị định", "Chính phủ", "Về công tác văn thư", D(2020, 3, 5), "05/03/2020", "Sửa đổi, bổ sung", "01/01/2025", "Văn thư"],
        [5, "110/2004/NĐ-CP", "Nghị định", "Chính phủ", "Về công tác văn thư", "08/04/2004", "", "Hết hiệu lực", "", "Văn thư"],
    ]
    # fmt: on


def test_external_list_imports_with_changed_statuses(org, run):
    result = run("external", xlsx([EXTERNAL_HEADER, *external_rows()]))

    assert result.created == 5
    ext = {e.number: e for e in ExternalDocument.objects.filter(agency=org.agency)}
    replaced = ext["19/2014/QĐ-TTg"]
    assert replaced.status == ExternalDocument.Status.REPLACED
    assert replaced.change_effective_on == D(2021, 2, 15)
    assert replaced.signed_on == D(2014, 3, 5) and replaced.effective_on == D(2014, 4, 20)
    assert replaced.issuer == "Thủ tướng Chính phủ" and replaced.doc_type == "Quyết định"
    assert replaced.field == "ISO"
    assert ext["101/2020/QĐ-TTg"].status == ExternalDocument.Status.IN_FORCE
    assert ext["TCVN ISO 9001:2015"].status == ExternalDocument.Status.IN_FORCE
    assert ext["TCVN ISO 9001:2015"].signed_on is None
    assert ext["30/2020/NĐ-CP"].status == ExternalDocument.Status.AMENDED
    assert ext["30/2020/NĐ-CP"].signed_on == D(2020, 3, 5)
    assert ext["110/2004/NĐ-CP"].status == ExternalDocument.Status.EXPIRED
    assert LogEntry.objects.filter(action="documents.external.created").count() == 5


def test_external_errors(rejected, external):
    rows = external_rows()
    rows[0][8] = ""  # replaced without the date of the change: row 2
    rows[1][1] = "61/2018/NĐ-CP"  # already in the register: row 3
    rows[2][7] = "Không rõ"  # unknown status: row 4
    rows[4][1] = "30/2020/nđ-cp"  # twice in the file: row 6

    exc = rejected("external", xlsx([EXTERNAL_HEADER, *rows]))

    assert cells(exc) == {
        (2, "Ngày thay đổi có hiệu lực"),
        (3, "Số, ký hiệu"),
        (4, "Tình trạng"),
        (6, "Số, ký hiệu"),
    }


def test_external_list_with_header_variants(org, run):
    header = ["STT", "Số ký hiệu", "Trích yếu nội dung", "Ngày có hiệu lực (dd/mm/yyyy)"]
    result = run("external", xlsx([header, [1, "01/2024/TT-BGDĐT", "Thông tư", "01/02/2024"]]))

    assert result.created == 1
    assert ExternalDocument.objects.get(agency=org.agency).effective_on == D(2024, 2, 1)


# --------------------------------------------------------------------------- records


RECORD_HEADER = [
    "TT",
    "Tên hồ sơ",
    "Mã biểu mẫu",
    "Quy trình",
    "Đơn vị lưu",
    "Trách nhiệm lưu",
    "Nơi lưu",
    "Thời gian lưu",
    "Phương pháp hủy",
]


def test_records_list_imports_with_retention_parsed(org, run, make_document):
    procedure = make_document(code="QT-GDTRH-01")
    rows = [
        [
            1,
            "Đơn xin chuyển trường",
            "BM.01-QT-GDTRH-01",
            "QT-GDTRH-01",
            "Phòng GDTrH",
            "Chuyên viên",
            "Tủ hồ sơ phòng",
            "05 năm",
            "Tiêu hủy theo quy định",
        ],
        [2, "Sổ theo dõi chuyển trường", "", "qt-gdtrh-01", "Phòng GDTrH", "", "", "Lâu dài", ""],
        [3, "Biên bản họp", "", "", "Văn phòng", "Văn thư", "Kho lưu trữ", "5 năm", ""],
        [4, "Kế hoạch", "", "", "SGDDT-VP", "", "", 10, ""],
        [5, "Hồ sơ khác", "", "", "Văn phòng Sở", "", "", "Theo quy định", ""],
        [6, "Hồ sơ vĩnh viễn", "", "", "Ban ISO", "", "", "Vĩnh viễn", ""],
    ]

    result = run("records", xlsx([RECORD_HEADER, *rows]))

    assert result.created == 6
    records = {r.name: r for r in RetainedRecord.objects.filter(agency=org.agency)}
    first = records["Đơn xin chuyển trường"]
    assert (first.retention_years, first.retention_text) == (5, "05 năm")
    assert first.document == procedure and first.owner_unit == org.div_a
    assert first.form_code == "BM.01-QT-GDTRH-01"
    assert (first.keeper, first.location) == ("Chuyên viên", "Tủ hồ sơ phòng")
    assert first.disposal_method == "Tiêu hủy theo quy định"
    assert records["Sổ theo dõi chuyển trường"].document == procedure
    assert (
        records["Sổ theo dõi chuyển trường"].retention_years,
        records["Sổ theo dõi chuyển trường"].retention_text,
    ) == (None, "Lâu dài")
    assert (records["Biên bản họp"].retention_years, records["Biên bản họp"].retention_text) == (
        5,
        "5 năm",
    )
    assert records["Biên bản họp"].owner_unit == org.office
    assert (records["Kế hoạch"].retention_years, records["Kế hoạch"].retention_text) == (
        10,
        "10 năm",
    )
    assert (records["Hồ sơ khác"].retention_years, records["Hồ sơ khác"].retention_text) == (
        None,
        "Theo quy định",
    )
    assert records["Hồ sơ vĩnh viễn"].retention_years is None
    assert LogEntry.objects.filter(action="documents.record.created").count() == 6


def test_records_errors(rejected, make_document):
    make_document(code="QT-GDTRH-01")
    rows = [
        [1, "Hồ sơ A", "", "QT-KHONG-CO", "Phòng GDTrH", "", "", "05 năm", ""],
        [2, "Hồ sơ B", "", "", "Phòng Ma", "", "", "", ""],
        [3, "Hồ sơ C", "", "", "Phòng GDTrH", "", "", "0 năm", ""],
        [4, "", "BM.01", "", "Phòng GDTrH", "", "", "", ""],
    ]

    exc = rejected("records", xlsx([RECORD_HEADER, *rows]))

    assert cells(exc) == {
        (2, "Quy trình"),
        (3, "Đơn vị lưu"),
        (4, "Thời gian lưu"),
        (5, "Tên hồ sơ"),
    }


def test_records_without_unit_column_take_it_from_the_keeper_or_the_procedure(
    org, run, rejected, make_document
):
    procedure = make_document(code="QT-GDTRH-01")
    header = ["TT", "Tên hồ sơ", "Nơi lưu / Trách nhiệm lưu", "Thời gian lưu", "Quy trình"]
    rows = [
        [1, "Hồ sơ A", "Tủ 1 / Phòng GDTrH", "05 years", ""],
        [2, "Hồ sơ B", "Chuyên viên", "Permanent", "QT-GDTRH-01"],
    ]

    run("records", xlsx([header, *rows]))

    a = RetainedRecord.objects.get(name="Hồ sơ A")
    assert (a.owner_unit, a.location, a.keeper, a.retention_years) == (
        org.div_a,
        "Tủ 1",
        "Phòng GDTrH",
        5,
    )
    b = RetainedRecord.objects.get(name="Hồ sơ B")
    assert (b.owner_unit, b.document, b.keeper, b.retention_years) == (
        org.div_a,
        procedure,
        "Chuyên viên",
        None,
    )

    exc = rejected("records", xlsx([header, [1, "Hồ sơ C", "Văn thư", "", ""]]))
    assert cells(exc) == {(2, "Đơn vị lưu")}


def test_column_numbers_and_repeated_headers_are_skipped(org, run):
    numbers = [f"({i})" for i in range(1, 12)]
    rows = internal_rows()[:2]

    result = run("internal", xlsx([INTERNAL_HEADER, numbers, rows[0], INTERNAL_HEADER, rows[1]]))

    assert result.created == 2


def test_two_decisions_with_one_serial_in_the_same_year(rejected):
    rows = internal_rows()[:2]
    rows[1][7] = "2862/QĐ-UBND"

    exc = rejected("internal", xlsx([INTERNAL_HEADER, *rows]))

    assert cells(exc) == {(3, "Quyết định ban hành")}


def test_one_decision_number_in_two_years_is_two_decisions(org, run):
    rows = internal_rows()[:2]
    rows[1][6] = "06/11/2021"

    run("internal", xlsx([INTERNAL_HEADER, *rows]))

    years = sorted(d.issued_on.year for d in IssuingDecision.objects.filter(agency=org.agency))
    assert years == [2020, 2021]


def test_a_bad_change_date_is_reported_once(rejected):
    rows = external_rows()
    rows[0][8] = "sau này"

    exc = rejected("external", xlsx([EXTERNAL_HEADER, *rows]))

    assert [(e.row, e.column) for e in exc.errors] == [(2, "Ngày thay đổi có hiệu lực")]
