"""The objectives decision and evaluation report: DOCX/XLSX re-opened with the right rows
and values, PDF through LibreOffice, scope, and queries flat in the number of objectives."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as DocxDocument
from openpyxl import load_workbook

from conftest import PERSONAS, shared_org
from qms.objectives import services
from qms.objectives.exports.urls import urlpatterns as objectives_urlpatterns
from qms.objectives.models import ObjectiveSet
from qms.objectives.services import ObjectiveInput
from qms.reports.pdf import soffice_available

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


def _set(personas: Any, actor: str, unit: Any, period: Any, items: list[dict]) -> ObjectiveSet:
    objective_set = services.set_create(actor=personas[actor], unit=unit, period=period)
    for item in items:
        services.objective_save(
            actor=personas[actor],
            objective_set=objective_set,
            data=ObjectiveInput(owner_unit=unit, unit_of_measure="%", **item),
        )
    services.set_submit(actor=personas[actor], objective_set=objective_set)
    return services.set_approve(actor=personas["leader"], objective_set=objective_set)


@pytest.fixture
def evaluated(org: Any, personas: Any) -> dict[str, Any]:
    """2021-2022: the Sở's on-time objective (weighted mean) and division A's two
    objectives, one missed with its cause, all evaluated."""
    period = services.period_for(agency=org.agency, year=2021)
    agency_set = _set(
        personas,
        "iso_office",
        org.agency,
        period,
        [
            {
                "statement": "Giải quyết hồ sơ đúng hạn",
                "indicator": "Tỷ lệ đúng hạn",
                "target": D(98),
                "aggregation": "weighted_mean",
            }
        ],
    )
    parent = agency_set.objectives.get()
    set_a = _set(
        personas,
        "head_a",
        org.div_a,
        period,
        [
            {
                "statement": "Hồ sơ chuyển trường đúng hạn",
                "indicator": "Tỷ lệ",
                "target": D(100),
                "contributes_to": parent,
            },
            {"statement": "Kiểm tra trường THPT", "indicator": "Số trường", "target": D(12)},
        ],
    )
    missed, met = list(set_a.objectives.order_by("order"))
    services.objective_evaluate(
        actor=personas["head_a"],
        objective=missed,
        result=D("97.5"),
        cause="Học bạ gửi bổ sung muộn",
        proposed_action="Nhắc hạn trên eISO",
    )
    services.objective_evaluate(actor=personas["head_a"], objective=met, result=D(13))
    services.set_evaluate(actor=personas["head_a"], objective_set=set_a)
    services.objective_evaluate(
        actor=personas["iso_office"], objective=parent, result=D("97.5"), cause="Phòng A chậm"
    )
    services.set_evaluate(actor=personas["iso_office"], objective_set=agency_set)
    return {"agency_set": agency_set, "set_a": set_a}


def _docx(response: Any) -> Any:
    assert response.status_code == 200, response
    return DocxDocument(io.BytesIO(response.content))


def _table_rows(doc: Any) -> list[list[str]]:
    return [[c.text.strip() for c in row.cells] for row in doc.tables[-1].rows]


def test_decision_docx_lists_the_department_then_each_unit(
    client_as: Any, evaluated: dict[str, Any], org: Any
) -> None:
    url = reverse("objectives:objectives_export", args=[evaluated["agency_set"].pk, "docx"])
    doc = _docx(client_as("leader").get(url))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "QUYẾT ĐỊNH" in text
    assert "Mục tiêu chất lượng năm học 2021-2022" in text
    assert "Điều 1. Ban hành kèm theo Quyết định này" in text
    rows = _table_rows(doc)
    assert rows[0][:2] == ["TT", "Mục tiêu chất lượng"]
    assert rows[1][0] == "I" and rows[1][1] == org.agency.display_name
    assert any(r[1] == "Giải quyết hồ sơ đúng hạn" and "≥ 98 %" in r[2] for r in rows)
    group = next(i for i, r in enumerate(rows) if r[0] == "II")
    assert org.div_a.display_name in rows[group][1]
    assert [r[1] for r in rows[group + 1 : group + 3]] == [
        "Hồ sơ chuyển trường đúng hạn",
        "Kiểm tra trường THPT",
    ]
    assert "Số trường: ≥ 12 %" in rows[group + 2][2]


def test_evaluation_docx_has_results_causes_and_contributions(
    client_as: Any, evaluated: dict[str, Any], org: Any
) -> None:
    url = reverse("objectives:evaluation_export", args=[evaluated["agency_set"].pk, "docx"])
    doc = _docx(client_as("iso_office").get(url))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text
    assert (
        "01 mục tiêu chất lượng năm học 2021-2022: 00 mục tiêu đạt, 01 mục tiêu không đạt" in text
    )
    assert f"{org.div_a.display_name}: 97,5" in text  # the unit's contribution
    rows = _table_rows(doc)
    department = next(r for r in rows if r[1] == "Giải quyết hồ sơ đúng hạn")
    assert department[3].startswith("97,5 %") and department[4] == "Không đạt — Phòng A chậm"
    missed = next(r for r in rows if r[1] == "Hồ sơ chuyển trường đúng hạn")
    assert missed[4] == "Không đạt — Học bạ gửi bổ sung muộn"
    met = next(r for r in rows if r[1] == "Kiểm tra trường THPT")
    assert (met[3], met[4]) == ("13 %", "Đạt")


def test_xlsx_outputs_hold_numbers_and_verdicts(
    client_as: Any, evaluated: dict[str, Any], org: Any
) -> None:
    for name in ("objectives_export", "evaluation_export"):
        url = reverse(f"objectives:{name}", args=[evaluated["agency_set"].pk, "xlsx"])
        response = client_as("leader").get(url)
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content)).active
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(values) if r[0] == "Đơn vị")
        cols = {h: i for i, h in enumerate(values[header])}
        rows = values[header + 1 :]
        assert len(rows) == 3
        by_statement = {r[cols["Mục tiêu chất lượng"]]: r for r in rows}
        missed = by_statement["Hồ sơ chuyển trường đúng hạn"]
        assert missed[cols["Đơn vị"]] == org.div_a.display_name
        assert missed[cols["Chỉ tiêu"]] == 100 and missed[cols["Kết quả"]] == 97.5
        assert missed[cols["Đánh giá"]] == "Không đạt"
        assert missed[cols["Nguyên nhân"]] == "Học bạ gửi bổ sung muộn"
        assert missed[cols["Đóng góp vào mục tiêu"]] == "Giải quyết hồ sơ đúng hạn"
        assert by_statement["Kiểm tra trường THPT"][cols["Đánh giá"]] == "Đạt"


def test_a_unit_set_exports_only_its_objectives(client_as: Any, evaluated: dict[str, Any]) -> None:
    url = reverse("objectives:objectives_export", args=[evaluated["set_a"].pk, "docx"])
    doc = _docx(client_as("head_a").get(url))
    assert "phê duyệt Mục tiêu chất lượng" in "\n".join(p.text for p in doc.paragraphs)
    rows = _table_rows(doc)
    assert [r[1] for r in rows[1:]] == ["Hồ sơ chuyển trường đúng hạn", "Kiểm tra trường THPT"]


def test_draft_is_marked_and_scope_is_kept(
    client_as: Any, org: Any, personas: Any, evaluated: dict[str, Any]
) -> None:
    period = services.period_for(agency=org.agency, year=2022)
    draft = services.set_create(actor=personas["head_b"], unit=org.div_b, period=period)
    url = reverse("objectives:objectives_export", args=[draft.pk, "docx"])
    doc = _docx(client_as("head_b").get(url))
    headers = "".join(s.header._element.xml for s in doc.sections)
    assert "DỰ THẢO" in headers or "DỰ THẢO" in doc.element.xml
    other = reverse("objectives:objectives_export", args=[evaluated["set_a"].pk, "docx"])
    assert client_as("outsider").get(other).status_code == 404
    assert (
        client_as("leader")
        .get(reverse("objectives:objectives_export", args=[draft.pk, "odt"]))
        .status_code
        == 404
    )


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice is not installed")
def test_pdf_through_libreoffice(client_as: Any, evaluated: dict[str, Any]) -> None:
    from pypdf import PdfReader

    url = reverse("objectives:evaluation_export", args=[evaluated["agency_set"].pk, "pdf"])
    response = client_as("leader").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    assert "KẾT QUẢ THỰC HIỆN" in "".join(p.extract_text() for p in reader.pages)


def test_queries_do_not_grow_with_objectives(
    client_as: Any, org: Any, personas: Any, evaluated: dict[str, Any]
) -> None:
    client = client_as("leader")
    url = reverse("objectives:evaluation_export", args=[evaluated["agency_set"].pk, "xlsx"])
    client.get(url)  # the first request of a session stamps its activity; measure after it
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    period = evaluated["agency_set"].period
    set_b = services.set_create(actor=personas["head_b"], unit=org.div_b, period=period)
    for n in range(8):
        services.objective_save(
            actor=personas["head_b"],
            objective_set=set_b,
            data=ObjectiveInput(
                statement=f"B {n}",
                indicator="%",
                owner_unit=org.div_b,
                target=D(1),
                contributes_to=evaluated["agency_set"].objectives.get(),
            ),
        )
    services.set_submit(actor=personas["head_b"], objective_set=set_b)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("name", [p.name for p in objectives_urlpatterns])
def test_permission_matrix_every_export_route(
    client_as: Any, evaluated: dict[str, Any], persona: str, name: str
) -> None:
    """Every export reads like the set's page: everyone in the agency, 404 outside."""
    url = reverse(f"objectives:{name}", args=[evaluated["set_a"].pk, "xlsx"])
    expected = 404 if persona == "outsider" else 200
    assert client_as(persona).get(url).status_code == expected
