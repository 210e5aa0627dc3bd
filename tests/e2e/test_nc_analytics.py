"""The NC analytics page in a real browser: the ISO office opens the analytics of the
year; every chart is drawn (pixels painted) with the numbers the database holds; a filter
redraws them and keeps its value."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from qms.nonconformities.models import Nonconformity
from qms.nonconformities.tests.nca_factories import make_nc
from tests.e2e.conftest import sign_in

D = datetime.date
S = Nonconformity.Status
CHARTS = ("chart-clause", "chart-status", "chart-unit", "chart-source", "chart-severity")


@pytest.fixture
def ncs(transactional_db: None, org: Any, personas: Any) -> list[Nonconformity]:
    common = {"agency": org.agency, "owner": personas["head_a"], "verifier": personas["iso_office"]}
    specs = [
        (org.div_a, "7.5", "major", S.CLOSED),
        (org.div_a, "7.5", "minor", S.IN_PROGRESS),
        (org.div_a, "8.5", "minor", S.OPEN),
        (org.div_b, "8.5", "minor", S.AWAITING_VERIFICATION),
        (org.div_b, "10.2", "minor", S.ANALYSED),
        (org.office, "7.5", "minor", S.CLOSED),
    ]
    return [
        make_nc(
            unit=unit,
            raised_on=D(2026, 6, 10) + datetime.timedelta(days=i),
            clause=clause,
            severity=severity,
            status=status,
            **common,
        )
        for i, (unit, clause, severity, status) in enumerate(specs)
    ]


def chart(page: Page, canvas_id: str) -> Any:
    return page.evaluate(
        """(id) => {
            const c = document.getElementById(id);
            const chart = window.Chart.getChart(c);
            const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
            return {painted: painted, labels: chart.data.labels,
                    values: chart.data.datasets.map(d => d.data)};
        }""",
        canvas_id,
    )


def _by(ncs: list[Nonconformity], key: Any) -> dict[str, int]:
    return dict(Counter(key(nc) for nc in ncs))


def test_charts_show_the_database_numbers(
    page: Page, live_server: Any, ncs: list[Nonconformity], org: Any, shot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "iso_office")
    page.goto(f"{base}{reverse('nonconformities:analytics')}?year=2026")
    expect(page.locator("#total-count")).to_have_text(str(len(ncs)))
    for canvas in CHARTS:
        assert chart(page, canvas)["painted"] > 0, canvas
    clause = chart(page, "chart-clause")
    assert dict(zip(clause["labels"], clause["values"][0], strict=True)) == _by(
        ncs, lambda nc: nc.clause
    )
    status = chart(page, "chart-status")
    labels = dict(Nonconformity.Status.choices)
    db = Counter(nc.status for nc in Nonconformity.objects.filter(agency=org.agency, year=2026))
    assert status["labels"] == [str(labels[s]) for s in Nonconformity.Status.values]
    assert status["values"][0] == [db[s] for s in Nonconformity.Status.values]
    unit = chart(page, "chart-unit")
    assert dict(zip(unit["labels"], unit["values"][0], strict=True)) == {
        "Phòng GDTrH": 3,
        "Phòng TCCB": 2,
        "Văn phòng": 1,
    }
    severity = chart(page, "chart-severity")
    assert sorted(severity["values"][0]) == [1, 5]
    cycle = chart(page, "chart-cycle")
    assert cycle["painted"] > 0 and len(cycle["labels"]) == 3
    shot(page, "nc-analytics")

    # A filter redraws the charts with the filtered numbers and keeps its value.
    page.select_option("#f-unit", str(org.div_b.pk))
    expect(page.locator("#total-count")).to_have_text("2")
    expect(page.locator("#f-unit")).to_have_value(str(org.div_b.pk))
    clause = chart(page, "chart-clause")
    assert dict(zip(clause["labels"], clause["values"][0], strict=True)) == {"8.5": 1, "10.2": 1}
