"""The master lists as XLSX, and their round trip through the import."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import make_user
from qms.accounts.models import Role, User
from qms.core.models import OrgUnit
from qms.core.services import orgunit_create
from qms.documents import imports, services
from qms.documents.exports.lists import (
    EXTERNAL_HEADERS,
    INTERNAL_HEADERS,
    RECORD_HEADERS,
    build_list_xlsx,
)
from qms.documents.models import Document, ExternalDocument, RetainedRecord

D = datetime.date


def sheet_of(content: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(content)).active
    assert isinstance(ws, Worksheet)
    return ws


def values(ws: Worksheet, row: int) -> list[Any]:
    return [c.value for c in ws[row]]


def test_layout_title_headers_and_cells():
    rows = [
        ("1", "QT.ISO.01", "Quy trình kiểm soát tài liệu", "01", "06/11/2020", "Ban ISO"),
        ("2", "BM.01-QT-GDTRH-01", "Đơn xin chuyển trường", "02", "", "Phòng GDTrH"),
    ]
    content = build_list_xlsx(
        title="DANH MỤC TÀI LIỆU NỘI BỘ",
        subtitle="Cập nhật đến ngày 02/03/2026",
        headers=INTERNAL_HEADERS,
        rows=rows,
        sheet="DANH MỤC TÀI LIỆU NỘI BỘ",
    )

    ws = sheet_of(content)
    assert ws.title == "DANH MỤC TÀI LIỆU NỘI BỘ"
    assert ws["A1"].value == "DANH MỤC TÀI LIỆU NỘI BỘ" and ws["A1"].font.b
    assert ws["A2"].value == "Cập nhật đến ngày 02/03/2026"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:F1", "A2:F2"}
    assert all(v is None for v in values(ws, 3))
    assert values(ws, 4) == list(INTERNAL_HEADERS)
    assert all(c.font.b and c.border.left.style == "thin" and c.alignment.wrap_text for c in ws[4])
    assert ws["A4"].fill.fgColor.rgb.endswith("D9E1F2")
    assert values(ws, 5) == [
        1,
        "QT.ISO.01",
        "Quy trình kiểm soát tài liệu",
        "01",
        "06/11/2020",
        "Ban ISO",
    ]
    assert values(ws, 6)[1:4] == ["BM.01-QT-GDTRH-01", "Đơn xin chuyển trường", "02"]
    assert values(ws, 6)[4] in ("", None)
    assert ws["C5"].alignment.wrap_text and ws["C5"].border.bottom.style == "thin"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    # print and view setup
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(Worksheet.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


@pytest.mark.parametrize("headers", [EXTERNAL_HEADERS, RECORD_HEADERS])
def test_other_lists_have_their_headers(headers):
    content = build_list_xlsx(
        title="T", subtitle="S", headers=headers, rows=[("1", "a", "b", "c", "d", "e")], sheet="x"
    )

    ws = sheet_of(content)
    assert values(ws, 4) == list(headers)
    assert values(ws, 5) == [1, "a", "b", "c", "d", "e"]


def test_short_rows_and_an_empty_list():
    ws = sheet_of(
        build_list_xlsx(
            title="T", subtitle="", headers=RECORD_HEADERS, rows=[("1", "a")], sheet="s"
        )
    )
    assert values(ws, 5)[:2] == [1, "a"]
    empty = sheet_of(
        build_list_xlsx(title="T", subtitle="", headers=RECORD_HEADERS, rows=[], sheet="s")
    )
    assert empty.max_row == 4


def test_two_thousand_rows():
    rows = (
        (
            str(i),
            f"QT-{i:04d}",
            f"Tài liệu số {i} " + "dài " * 20,
            "01",
            "06/11/2020",
            "Phòng GDTrH",
        )
        for i in range(1, 2001)
    )
    content = build_list_xlsx(
        title="DANH MỤC TÀI LIỆU NỘI BỘ",
        subtitle="",
        headers=INTERNAL_HEADERS,
        rows=rows,
        sheet="DM",
    )

    ws = sheet_of(content)
    assert ws.max_row == 2004
    assert values(ws, 2004)[:2] == [2000, "QT-2000"]


# --------------------------------------------------------------------------- round trip


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("danh-muc.xlsx", content)


def vn(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@pytest.fixture
def source(org: Any, personas: dict[str, Any]) -> Any:
    """Agency A's lists, entered through the import."""
    header = [
        "Mã hiệu",
        "Tên tài liệu",
        "Loại",
        "Đơn vị chủ trì",
        "Lần ban hành",
        "Ngày ban hành",
        "Quyết định ban hành",
        "Thuộc quy trình",
    ]
    rows = [
        [
            "QT.ISO.01",
            "Quy trình kiểm soát tài liệu",
            "Quy trình hệ thống",
            "Ban ISO",
            1,
            "06/11/2020",
            "2862/QĐ-SGDĐT",
            "",
        ],
        [
            "QT-GDTRH-01",
            "Quy trình chuyển trường",
            "Quy trình TTHC",
            "Phòng GDTrH",
            2,
            "06/11/2020",
            "2862/QĐ-SGDĐT",
            "",
        ],
        [
            "BM.01-QT-GDTRH-01",
            "Đơn xin chuyển trường",
            "Biểu mẫu",
            "Phòng GDTrH",
            1,
            "06/11/2020",
            "2862/QĐ-SGDĐT",
            "QT-GDTRH-01",
        ],
    ]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in [header, *rows]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    imports.import_list(
        actor=personas["iso_office"],
        agency=org.agency,
        list_kind="internal",
        upload=upload(buf.getvalue()),
    )
    actor = personas["iso_office"]
    for number, title, status, change_on in [
        ("101/2020/QĐ-TTg", "Ban hành Mô hình khung HTQLCL", "in_force", None),
        ("110/2004/NĐ-CP", "Về công tác văn thư", "expired", D(2020, 3, 5)),
    ]:
        ext = services.external_create(
            actor=actor,
            agency=org.agency,
            data=services.ExternalInput(
                number=number,
                doc_type="",
                issuer="Chính phủ",
                title=title,
                signed_on=None,
                effective_on=D(2021, 2, 15),
            ),
        )
        if status != "in_force":
            services.external_mark_changed(
                actor=actor, ext=ext, status=status, change_effective_on=change_on
            )
    procedure = Document.objects.get(agency=org.agency, code="QT-GDTRH-01")
    for name, keeper, location, years, text in [
        ("Đơn xin chuyển trường", "", "Tủ hồ sơ", 5, "05 năm"),
        ("Sổ theo dõi", "Chuyên viên", "", None, ""),
    ]:
        services.record_save(
            actor=actor,
            agency=org.agency,
            data=services.RecordInput(
                name=name,
                owner_unit=org.div_a,
                document=procedure,
                form_code="BM.01-QT-GDTRH-01",
                keeper=keeper,
                location=location,
                retention_years=years,
                retention_text=text,
            ),
        )
    return org


def target_keeper(agency: OrgUnit) -> Any:
    """The ISO officer of the receiving agency: imports are decided on that agency."""
    existing = User.objects.filter(username="syt.iso").first()
    return existing or make_user("syt.iso", agency, Role.ISO_OFFICER, agency)


@pytest.fixture
def target(org: Any) -> OrgUnit:
    """Agency B, with units named like A's."""
    K = OrgUnit.Kind
    orgunit_create(
        actor=None, code="SYT-ISO", name="Ban ISO", kind=K.COMMITTEE, parent=org.other_agency
    )
    orgunit_create(
        actor=None,
        code="SYT-GDTRH",
        name="Phòng Giáo dục Trung học",
        short_name="Phòng GDTrH",
        kind=K.DIVISION,
        parent=org.other_agency,
    )
    return org.other_agency


def test_internal_list_round_trip(source, target, personas, client_as):
    """The XLSX the list page downloads imports again into another agency unchanged."""
    url = reverse("documents:internal_list_export", kwargs={"fmt": "xlsx"})
    content = client_as("iso_office").get(url, {"agency": source.agency.pk}).content
    result = imports.import_list(
        actor=target_keeper(target), agency=target, list_kind="internal", upload=upload(content)
    )
    assert result.created == 3
    copied = {d.code: d for d in Document.objects.filter(agency=target)}
    original = {d.code: d for d in Document.objects.filter(agency=source.agency)}
    assert set(copied) == set(original)
    for code, doc in copied.items():
        assert doc.title == original[code].title
        assert doc.kind == original[code].kind  # guessed from the codes
        assert doc.owner_unit.display_name == original[code].owner_unit.display_name
        assert doc.owner_unit.agency_id == target.pk
        assert doc.current_version.issue_no == original[code].current_version.issue_no
        assert doc.current_version.issued_on == D(2020, 11, 6)
        # Same serial, in the target agency's own symbol.
        assert (
            doc.current_version.decision.number.split("/")[0]
            == (original[code].current_version.decision.number.split("/")[0])
        )
    assert copied["BM.01-QT-GDTRH-01"].parent == copied["QT-GDTRH-01"]


def test_external_list_round_trip(source, target, personas):
    rows = [
        (str(i), e.number, e.title, e.issuer, vn(e.effective_on), str(e.get_status_display()))
        for i, e in enumerate(ExternalDocument.objects.filter(agency=source.agency), 1)
    ]
    content = build_list_xlsx(
        title="DANH MỤC TÀI LIỆU BÊN NGOÀI",
        subtitle="",
        headers=EXTERNAL_HEADERS,
        rows=rows,
        sheet="DANH MỤC TÀI LIỆU BÊN NGOÀI",
    )

    result = imports.import_list(
        actor=target_keeper(target), agency=target, list_kind="external", upload=upload(content)
    )

    assert result.created == 2
    copied = {e.number: e for e in ExternalDocument.objects.filter(agency=target)}
    for e in ExternalDocument.objects.filter(agency=source.agency):
        twin = copied[e.number]
        assert (twin.title, twin.issuer, twin.effective_on, twin.status) == (
            e.title,
            e.issuer,
            e.effective_on,
            e.status,
        )


def test_records_list_round_trip(source, target, personas, client_as):
    # The procedures first (as in the internal round trip), then the records.
    url = reverse("documents:internal_list_export", kwargs={"fmt": "xlsx"})
    content = client_as("iso_office").get(url, {"agency": source.agency.pk}).content
    imports.import_list(
        actor=target_keeper(target), agency=target, list_kind="internal", upload=upload(content)
    )
    records = RetainedRecord.objects.filter(agency=source.agency).select_related(
        "owner_unit", "document"
    )
    rows = [
        (
            str(i),
            r.name,
            r.form_code,
            " / ".join(x for x in (r.location, r.keeper or r.owner_unit.display_name) if x),
            r.retention_label,
            r.document.code if r.document else "",
        )
        for i, r in enumerate(records, 1)
    ]
    content = build_list_xlsx(
        title="DANH MỤC HỒ SƠ",
        subtitle="",
        headers=RECORD_HEADERS,
        rows=rows,
        sheet="DANH MỤC HỒ SƠ",
    )

    result = imports.import_list(
        actor=target_keeper(target), agency=target, list_kind="records", upload=upload(content)
    )

    assert result.created == 2
    copied = {r.name: r for r in RetainedRecord.objects.filter(agency=target)}
    first = copied["Đơn xin chuyển trường"]
    assert (first.location, first.keeper, first.retention_years, first.retention_text) == (
        "Tủ hồ sơ",
        "Phòng GDTrH",
        5,
        "05 năm",
    )
    assert first.owner_unit.agency_id == target.pk and first.owner_unit.code == "SYT-GDTRH"
    assert first.document.agency_id == target.pk and first.document.code == "QT-GDTRH-01"
    assert first.form_code == "BM.01-QT-GDTRH-01"
    second = copied["Sổ theo dõi"]
    assert (second.keeper, second.retention_years) == ("Chuyên viên", None)
    assert second.owner_unit.code == "SYT-GDTRH"  # the procedure's owner unit
