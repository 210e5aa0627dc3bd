"""Department dashboard and matrix, trends period over period, the school-year setting,
measurement evidence, and the carry-over of contributions."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import shared_org
from qms.core.models import OrgUnit
from qms.core.services import orgunit_create
from qms.core.tests.files import pdf_bytes
from qms.objectives import dashboards, services
from qms.objectives.models import Measurement, Objective, ObjectiveSet
from qms.objectives.services import ObjectiveError, ObjectiveInput

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()

DAY = datetime.date
TODAY = DAY(2023, 3, 1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def approved(
    personas: Any, unit: Any, period: Any, objectives: list[dict[str, Any]], actor: str = "head_a"
) -> ObjectiveSet:
    objective_set = services.set_create(actor=personas[actor], unit=unit, period=period)
    for item in objectives:
        data = ObjectiveInput(statement="M", indicator="Tỷ lệ", owner_unit=unit, target=D(90))
        for key, value in item.items():
            setattr(data, key, value)
        services.objective_save(actor=personas[actor], objective_set=objective_set, data=data)
    services.set_submit(actor=personas[actor], objective_set=objective_set)
    return services.set_approve(actor=personas["leader"], objective_set=objective_set)


def measure(personas: Any, objective: Objective, *values: tuple[str, int]) -> None:
    for on, value in values:
        services.measurement_add(
            actor=personas["iso_office"],
            objective=objective,
            measured_on=DAY.fromisoformat(on),
            value=D(value),
        )


@pytest.fixture
def year(org: Any, personas: Any) -> dict[str, Any]:
    """2022-2023: the agency's on-time objective (mean of the units) and division A's
    and B's contributions, measured; division A also has an objective of its own."""
    period = services.period_for(agency=org.agency, year=2022)
    agency_set = approved(
        personas,
        org.agency,
        period,
        [{"statement": "Đúng hạn", "target": D(95), "aggregation": "mean"}],
        actor="iso_office",
    )
    parent = agency_set.objectives.get()
    set_a = approved(
        personas,
        org.div_a,
        period,
        [
            {"statement": "A đúng hạn", "target": D(95), "contributes_to": parent},
            {"statement": "A riêng", "target": D(10), "direction": "lte", "unit_of_measure": "hs"},
        ],
    )
    set_b = approved(
        personas,
        org.div_b,
        period,
        [{"statement": "B đúng hạn", "target": D(95), "contributes_to": parent}],
        actor="head_b",
    )
    a_on_time, a_own = list(set_a.objectives.order_by("order"))
    measure(personas, a_on_time, ("2022-10-31", 96), ("2023-01-31", 97))  # on track
    measure(personas, a_own, ("2022-10-31", 30), ("2023-01-31", 40))  # rising: off track
    measure(personas, set_b.objectives.get(), ("2022-10-31", 70), ("2023-01-31", 71))
    return {"period": period, "agency_set": agency_set, "parent": parent, "set_a": set_a}


def test_department_dashboard_matrix_and_counts(org: Any, year: dict[str, Any]) -> None:
    data = dashboards.department(org.agency, year["period"], TODAY)
    assert [c.objective.statement for c in data.columns] == ["Đúng hạn"]
    assert data.columns[0].rollup == D(84)  # mean of 97 and 71
    rows = {m.unit.pk: m for m in data.matrix}
    a, b = rows[org.div_a.pk], rows[org.div_b.pk]
    assert [[r.value for r in cell] for cell in a.cells] == [[D(97)]]
    assert [r.objective.statement for r in a.others] == ["A riêng"]
    assert a.cells[0][0].light == "on_track" and a.others[0].light == "off_track"
    assert b.cells[0][0].light == "off_track"
    assert rows[org.office.pk].objective_set is None
    assert data.counts == {"on_track": 1, "at_risk": 0, "off_track": 3, "unknown": 0}


def test_matrix_page_colours_each_cell(client_as: Any, year: dict[str, Any]) -> None:
    html = client_as("leader").get(reverse("objectives:matrix") + "?year=2022").content.decode()
    table = html[html.index('id="objective-matrix"') :]
    assert table.count('data-light="on_track"') == 1
    assert table.count('data-light="off_track"') == 3  # B's cell, A's own, the roll-up
    assert ">84 <" in table.replace("\n", "") or ">84<" in table


def test_dashboard_charts_carry_the_values_of_each_period(
    org: Any, personas: Any, client_as: Any
) -> None:
    """An indicator carried over two years draws three points and the targets."""
    previous = None
    for year_start, result, target in ((2020, 91, 90), (2021, 93, 95)):
        period = services.period_for(agency=org.agency, year=year_start)
        if previous is None:
            objective_set = approved(
                personas, org.agency, period, [{"target": D(target)}], actor="iso_office"
            )
        else:
            objective_set = services.set_copy_forward(
                actor=personas["iso_office"], objective_set=previous, period=period
            )
            objective_set.objectives.update(target=D(target))
            services.set_submit(actor=personas["iso_office"], objective_set=objective_set)
            services.set_approve(actor=personas["leader"], objective_set=objective_set)
        objective = objective_set.objectives.get()
        services.objective_evaluate(
            actor=personas["iso_office"],
            objective=objective,
            result=D(result),
            cause="Thiếu người" if result < target else "",
            continuing=True,
        )
        previous = services.set_evaluate(actor=personas["iso_office"], objective_set=objective_set)
    assert previous is not None
    period = services.period_for(agency=org.agency, year=2022)
    current = services.set_copy_forward(
        actor=personas["iso_office"], objective_set=previous, period=period
    )
    services.set_submit(actor=personas["iso_office"], objective_set=current)
    services.set_approve(actor=personas["leader"], objective_set=current)
    measure(personas, current.objectives.get(), ("2022-12-31", 94))
    response = client_as("leader").get(reverse("objectives:dashboard") + "?year=2022")
    trend = response.context["data"].trends[0]
    assert trend.labels == ["2020-2021", "2021-2022", "2022-2023"]
    assert trend.values == [91.0, 93.0, 94.0]
    assert trend.targets == [90.0, 95.0, 95.0]
    html = response.content.decode()
    chart = json.loads(
        html.split(f'id="{trend.data_id}" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["data"]["datasets"][0]["data"] == [91.0, 93.0, 94.0]
    assert chart["data"]["labels"] == trend.labels


def test_dashboard_and_matrix_queries_do_not_grow_with_units(
    org: Any, personas: Any, year: dict[str, Any], client_as: Any
) -> None:
    client = client_as("leader")
    urls = [reverse(f"objectives:{n}") + "?year=2022" for n in ("dashboard", "matrix")]
    client.get(urls[0])  # the first request of a session stamps its activity; measure after it
    before = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        before.append(len(ctx.captured_queries))
    for n in range(4):
        unit = orgunit_create(
            actor=personas["sysadmin"],
            parent=org.agency,
            name=f"Phòng thêm {n}",
            code=f"THEM-{n}",
            kind=OrgUnit.Kind.DIVISION,
        )
        approved(
            personas,
            unit,
            year["period"],
            [{"statement": f"Thêm {n}", "contributes_to": year["parent"]}] * 3,
            actor="iso_office",
        )
    for url, count in zip(urls, before, strict=True):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) == count, url


def test_school_year_start_is_a_setting_of_the_agency(org: Any, personas: Any) -> None:
    old = services.period_for(agency=org.agency, year=2022)
    assert (old.start, old.end) == (DAY(2022, 8, 1), DAY(2023, 7, 31))
    services.settings_save(actor=personas["iso_office"], agency=org.agency, month=9, day=5)
    # The running period keeps its dates; the next starts where it ends and follows the
    # setting from then on.
    assert services.period_for(agency=org.agency, year=2022).pk == old.pk
    nxt = services.period_for(agency=org.agency, year=2023)
    assert (nxt.start, nxt.end, nxt.label) == (DAY(2023, 8, 1), DAY(2024, 9, 4), "2023-2024")
    later = services.period_for(agency=org.agency, year=2024)
    assert (later.start, later.end) == (DAY(2024, 9, 5), DAY(2025, 9, 4))
    assert services.current_year(org.agency, DAY(2024, 9, 4)) == 2023
    assert services.current_year(org.agency, DAY(2024, 9, 5)) == 2024
    with pytest.raises(ObjectiveError):
        services.settings_save(actor=personas["iso_office"], agency=org.agency, month=13, day=1)


def test_settings_form_keeps_the_page(client_as: Any, org: Any) -> None:
    client = client_as("agency_admin")
    response = client.post(
        reverse("objectives:settings"),
        {"agency": org.agency.pk, "school_year_start_day": "40", "school_year_start_month": "9"},
        follow=True,
        **EN,
    )
    assert "less than or equal to 28" in response.content.decode()
    assert services.school_year_start(org.agency) == (8, 1)


def test_measurement_with_evidence_is_checked_stored_and_downloaded(
    org: Any, personas: Any, year: dict[str, Any], client_as: Any
) -> None:
    objective = year["set_a"].objectives.order_by("order").first()
    client = client_as("staff_a")
    url = reverse("objectives:measurement_add", args=[objective.pk])
    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(
        url, {"measured_on": "28/02/2023", "value": "98", "evidence": fake}, follow=True, **EN
    )
    assert "does not match its type" in response.content.decode()
    assert not objective.measurements.filter(value=D(98)).exists()
    pdf = SimpleUploadedFile("bien-ban.pdf", pdf_bytes(), "application/pdf")
    client.post(url, {"measured_on": "28/02/2023", "value": "98", "evidence": pdf})
    m = Measurement.objects.get(objective=objective, value=D(98))
    assert m.evidence_name == "bien-ban.pdf" and len(m.evidence_sha256) == 64
    page = client.get(reverse("objectives:set_detail", args=[year["set_a"].pk])).content.decode()
    assert reverse("objectives:evidence", args=[m.pk]) in page
    download = client.get(reverse("objectives:evidence", args=[m.pk]))
    assert b"".join(download.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert client_as("outsider").get(reverse("objectives:evidence", args=[m.pk])).status_code == 404


def test_carry_over_keeps_the_link_to_the_agency_objective(
    org: Any, personas: Any, year: dict[str, Any]
) -> None:
    for objective in Objective.objects.filter(objective_set__period=year["period"]):
        services.objective_evaluate(
            actor=personas["iso_office"],
            objective=objective,
            result=D(1),
            cause="Chưa đạt",
            continuing=True,
        )
    nxt = services.period_for(agency=org.agency, year=2023)
    agency_next = services.set_copy_forward(
        actor=personas["iso_office"], objective_set=year["agency_set"], period=nxt
    )
    a_next = services.set_copy_forward(
        actor=personas["head_a"], objective_set=year["set_a"], period=nxt
    )
    first = a_next.objectives.order_by("order").first()
    assert first is not None and first.contributes_to == agency_next.objectives.get()
    assert first.baseline == D(1)
