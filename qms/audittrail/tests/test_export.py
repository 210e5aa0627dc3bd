"""The audit log as XLSX: reopened with openpyxl and read cell by cell."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from qms.audittrail import selectors
from qms.audittrail.services import logentry_create
from qms.audittrail.views import build_log_xlsx

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/audit-log/export.xlsx"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HEADER = (
    "Time",
    "User",
    "Action",
    "Record",
    "Unit",
    "Field",
    "Before",
    "After",
    "Note",
    "IP address",
)


def open_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


@pytest.fixture
def renamed(org, personas):
    """A unit rename with two changed fields and a Vietnamese note, at a known time."""
    with time_machine.travel(datetime.datetime(2026, 2, 7, 14, 30, 5, tzinfo=HCM), tick=False):
        return logentry_create(
            actor=personas["iso_office"],
            action="core.unit.updated",
            obj=org.div_a,
            unit=org.div_a,
            before={"name": "Phòng Trung học", "short_name": "Phòng TH"},
            after={"name": "Phòng Giáo dục Trung học", "short_name": "Phòng GDTrH"},
            note="Đổi tên theo Quyết định số 12/QĐ-SGDĐT",
        )


@pytest.mark.django_db
def test_export_has_header_and_one_row_per_changed_field(client_as, renamed) -> None:
    response = client_as("leader").get(URL, {"q": "Quyết định"}, **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = open_sheet(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    local_time = datetime.datetime(2026, 2, 7, 14, 30, 5, tzinfo=HCM).replace(tzinfo=None)
    assert rows[0] == HEADER
    assert sheet["A1"].font.bold
    assert rows[1:] == [
        (
            local_time,
            "Nguyễn Iso_Office",
            "updated the unit",
            "Phòng GDTrH",
            "Phòng GDTrH",
            "Full name",
            "Phòng Trung học",
            "Phòng Giáo dục Trung học",
            "Đổi tên theo Quyết định số 12/QĐ-SGDĐT",
            None,
        ),
        (
            local_time,
            "Nguyễn Iso_Office",
            "updated the unit",
            "Phòng GDTrH",
            "Phòng GDTrH",
            "Short name",
            "Phòng TH",
            "Phòng GDTrH",
            "Đổi tên theo Quyết định số 12/QĐ-SGDĐT",
            None,
        ),
    ]
    assert sheet["A2"].number_format == "DD/MM/YYYY HH:MM:SS"


@pytest.mark.django_db
def test_export_filename_carries_todays_date(client_as, renamed) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 9, 23, 50, tzinfo=HCM), tick=False):
        response = client_as("leader").get(URL)
    assert response["Content-Disposition"] == (
        'attachment; filename="nhat-ky-he-thong-20260309.xlsx"'
    )


@pytest.mark.django_db
def test_export_applies_the_filters(client_as, org, personas, renamed) -> None:
    logentry_create(
        actor=personas["leader"],
        action="planning.plan.issued",
        obj=org.div_b,
        unit=org.div_b,
        note="Ban hành",
    )
    client = client_as("leader")
    sheet = open_sheet(client.get(URL, {"unit": org.div_b.pk}, **EN).content)
    notes = {row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Ban hành" in notes
    assert "Đổi tên theo Quyết định số 12/QĐ-SGDĐT" not in notes

    sheet = open_sheet(
        client.get(URL, {"date_from": "07/02/2026", "date_to": "07/02/2026"}, **EN).content
    )
    notes = {row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert notes == {"Đổi tên theo Quyết định số 12/QĐ-SGDĐT"}


@pytest.mark.django_db
def test_entry_without_changes_gets_one_row(org, personas) -> None:
    entry = logentry_create(
        actor=None,
        action="planning.task.confirmed",
        obj=org.div_a,
        unit=org.div_a,
        note="không đổi trường nào",
    )
    with translation.override("en"):
        sheet = open_sheet(build_log_xlsx(entries=[entry]))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1:] == (
        None,
        "confirmed the task",
        "Phòng GDTrH",
        "Phòng GDTrH",
        None,
        None,
        None,
        "không đổi trường nào",
        None,
    )


@pytest.mark.django_db
def test_export_is_cut_at_the_cap_with_a_message_row(org, personas) -> None:
    for i in range(5):
        logentry_create(
            actor=None, action="core.unit.updated", obj=org.div_a, unit=org.div_a, note=f"cap {i}"
        )
    entries = selectors.logentry_list(user=personas["sysadmin"], filters={"q": "cap"})
    with translation.override("en"):
        sheet = open_sheet(build_log_xlsx(entries=entries, max_rows=3))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    assert [r[8] for r in rows[:3]] == ["cap 4", "cap 3", "cap 2"]
    assert rows[3][0].startswith("The export stops at 3 rows.")


@pytest.mark.django_db
def test_user_text_is_never_a_formula(org) -> None:
    entry = logentry_create(
        actor=None,
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        note='=HYPERLINK("http://evil.example","bấm vào")\x07',
    )
    sheet = open_sheet(build_log_xlsx(entries=[entry]))
    cell = sheet.cell(row=2, column=9)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","bấm vào")'
