"""The NC register as XLSX and the NC slip as DOCX (and PDF), re-opened."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from conftest import close_response, shared_org
from qms.nonconformities.exports import slip
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.tests.nca_factories import make_nc
from qms.reports.pdf import soffice_available

pytestmark = pytest.mark.django_db
org, personas = shared_org()
S = Nonconformity.Status
D = datetime.date


@pytest.fixture
def closed(org: Any, personas: Any) -> Nonconformity:
    nc = make_nc(
        agency=org.agency,
        unit=org.div_a,
        raised_on=D(2026, 6, 10),
        clause="7.5",
        severity="major",
        status=S.CLOSED,
        owner=personas["head_a"],
        verifier=personas["iso_office"],
        closed_on=D(2026, 8, 20),
        actions=[
            {"description": "Bổ sung sổ theo dõi hồ sơ", "owner": personas["staff_a"]},
            {"description": "Tập huấn lại quy trình QT.ISO.03", "owner": personas["head_a"]},
        ],
        title="Hồ sơ TTHC không lưu đủ thành phần",
    )
    nc.raised_by = personas["auditor"]
    nc.correction = "Đã bổ sung ngay 3 hồ sơ còn thiếu.\nKiểm tra lại toàn bộ hồ sơ tháng 5."
    nc.correction_on = D(2026, 6, 11)
    nc.cause_method = Nonconformity.CauseMethod.BOTH
    nc.whys = [{"answer": "Hồ sơ thiếu giấy tờ"}, {"answer": "Không ai kiểm tra trước khi lưu"}]
    nc.fishbone = {"man": ["Cán bộ mới chưa được hướng dẫn"], "method": ["Quy trình thiếu bước"]}
    nc.save()
    return nc


def test_slip_docx_has_header_number_tables_and_signatures(closed: Any, personas: Any) -> None:
    doc = Document(io.BytesIO(slip.build_docx(slip.load(closed.pk))))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    everything = text + "\n" + "\n".join(cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in everything
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in everything
    assert f"Số: {closed.number}" in everything
    assert "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC" in text
    assert "Hưng Yên, ngày 10 tháng 6 năm 2026" in everything
    assert "Hồ sơ TTHC không lưu đủ thành phần" in everything
    assert "Đã bổ sung ngay 3 hồ sơ còn thiếu." in text
    assert "Tại sao 2?" in cells and "Không ai kiểm tra trước khi lưu" in cells
    assert "Con người (Man)" in cells
    actions = next(t for t in doc.tables if t.rows[0].cells[1].text == "Nội dung hành động")
    rows = [[c.text for c in r.cells] for r in actions.rows[1:]]
    assert [r[1] for r in rows] == ["Bổ sung sổ theo dõi hồ sơ", "Tập huấn lại quy trình QT.ISO.03"]
    assert rows[0][2] == personas["staff_a"].display_name
    assert rows[0][3] == "10/07/2026" and rows[0][4] == "30/06/2026"
    verify = next(t for t in doc.tables if t.rows[0].cells[0].text == "Ngày")
    assert [c.text for c in verify.rows[1].cells][:3] == [
        "20/08/2026",
        personas["iso_office"].display_name,
        "Có hiệu lực",
    ]
    assert "Kết luận: hành động khắc phục có hiệu lực; đóng phiếu ngày 20/08/2026." in text
    for title in ("NGƯỜI PHÁT HIỆN", "TRƯỞNG ĐƠN VỊ", "NGƯỜI KIỂM TRA HIỆU LỰC"):
        assert any(c.startswith(title + "\n") for c in cells), title
    assert personas["auditor"].display_name in cells
    assert "Ngày 20/08/2026" in "\n".join(cells)
    assert "{{" not in everything and "{%" not in everything


def test_slip_of_an_open_nc_leaves_room_to_write(org: Any, personas: Any) -> None:
    nc = make_nc(agency=org.agency, unit=org.div_b, raised_on=D(2026, 11, 2), clause="")
    doc = Document(io.BytesIO(slip.build_docx(slip.load(nc.pk))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Tình trạng: Mới ghi nhận" in text
    assert "Kết luận: chưa đóng phiếu." in text
    assert slip.BLANK in text  # correction and root cause to be written in


def test_slip_download(closed: Any, client: Any, personas: Any) -> None:
    client.force_login(personas["head_a"])
    response = client.get(reverse("nonconformities:slip_docx", args=[closed.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    Document(io.BytesIO(response.content))


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice not installed")
def test_slip_pdf(closed: Any, client: Any, personas: Any) -> None:
    client.force_login(personas["iso_office"])
    response = client.get(reverse("nonconformities:slip_pdf", args=[closed.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    close_response(response)


def test_register_xlsx_follows_the_filters(
    closed: Any, org: Any, client: Any, personas: Any
) -> None:
    make_nc(agency=org.agency, unit=org.div_b, raised_on=D(2026, 9, 1), clause="8.5")
    make_nc(agency=org.agency, unit=org.div_b, raised_on=D(2025, 9, 1), clause="8.5")
    client.force_login(personas["leader"])
    url = reverse("nonconformities:export_xlsx")
    response = client.get(url, {"year": "2026"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "SỔ THEO DÕI SỰ KHÔNG PHÙ HỢP VÀ HÀNH ĐỘNG KHẮC PHỤC"
    assert "Năm 2026" in rows[1][0]
    assert rows[3][:3] == ("TT", "Số phiếu", "Ngày phát hiện")
    data = rows[4:]
    assert len(data) == 2
    first = data[0]
    assert first[1] == closed.number
    assert first[2].date() == D(2026, 6, 10)
    assert first[5] == "7.5" and first[6] == "Phòng GDTrH"
    assert "Bổ sung sổ theo dõi hồ sơ" in first[9] and "hạn 10/07/2026" in first[9]
    assert first[12] == personas["iso_office"].display_name
    response = client.get(url, {"year": "2026", "unit": org.div_b.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows[4:]) == 1 and "Phòng Tổ chức cán bộ" in rows[1][0]


def test_register_xlsx_scope_of_a_unit_head(
    closed: Any, org: Any, client: Any, personas: Any
) -> None:
    make_nc(agency=org.agency, unit=org.div_b, raised_on=D(2026, 9, 1))
    client.force_login(personas["head_b"])
    response = client.get(reverse("nonconformities:export_xlsx"), {"year": "2026"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[6] for r in rows[4:]] == ["Phòng TCCB"]


def test_register_text_stays_text(org: Any, client: Any, personas: Any) -> None:
    make_nc(agency=org.agency, unit=org.div_a, raised_on=D(2026, 9, 1), title='=HYPERLINK("x")')
    client.force_login(personas["iso_office"])
    response = client.get(reverse("nonconformities:export_xlsx"), {"year": "2026"})
    ws = load_workbook(io.BytesIO(response.content)).active
    cell = ws.cell(row=5, column=5)
    assert cell.data_type == "s" and cell.value.startswith('=HYPERLINK("x")')


def test_register_takes_the_lists_own_filters(
    closed: Any, org: Any, client: Any, personas: Any
) -> None:
    """Clause prefix and "mine" are the list's filters; the register takes them too."""
    make_nc(agency=org.agency, unit=org.div_b, raised_on=D(2026, 9, 1), clause="8.5")
    client.force_login(personas["iso_office"])
    url = reverse("nonconformities:export_xlsx")
    response = client.get(url, {"year": "2026", "clause": "7"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[5] for r in rows[4:]] == ["7.5"]
    assert "Điều khoản 7" in rows[1][0]
    client.force_login(personas["head_a"])
    response = client.get(url, {"year": "2026", "mine": "on"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[4:]] == [closed.number]
