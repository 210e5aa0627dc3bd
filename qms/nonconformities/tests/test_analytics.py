"""The NC analytics page: counts by clause, unit, source, severity and status; cycle
times; overdue actions with owners; repeat findings; the charts' data; the scope of what a
reader sees; and a constant number of queries whatever the number of NCs."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import shared_org
from qms.nonconformities import analytics
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.tests.nca_factories import make_nc

pytestmark = pytest.mark.django_db
org, personas = shared_org()
S = Nonconformity.Status
D = datetime.date
TODAY = D(2026, 12, 4)
URL = reverse("nonconformities:analytics")


@pytest.fixture
def ncs(org: Any, personas: Any) -> list[Nonconformity]:
    head_a, staff_a, iso = personas["head_a"], personas["staff_a"], personas["iso_office"]
    common = {"agency": org.agency, "owner": head_a, "verifier": iso}
    items = [
        # 2025: 7.5 at div_a (repeated in 2026), 8.5 at the office (not repeated).
        make_nc(unit=org.div_a, raised_on=D(2025, 7, 1), clause="7.5", **common),
        make_nc(unit=org.office, raised_on=D(2025, 7, 1), clause="8.5", **common),
        # 2026
        make_nc(
            unit=org.div_a,
            raised_on=D(2026, 6, 10),
            clause="7.5",
            severity="major",
            status=S.CLOSED,
            analysed_on=D(2026, 6, 14),
            closed_on=D(2026, 7, 20),
            source_key="audit_finding",
            **common,
        ),
        make_nc(
            unit=org.div_a,
            raised_on=D(2026, 6, 12),
            clause="7.5",
            status=S.CLOSED,
            analysed_on=D(2026, 6, 20),
            closed_on=D(2026, 8, 1),
            source_key="audit_finding",
            **common,
        ),
        make_nc(
            unit=org.div_a,
            raised_on=D(2026, 6, 15),
            clause="10.2",
            status=S.IN_PROGRESS,
            analysed_on=D(2026, 6, 25),
            actions=[
                {"owner": staff_a, "due": D(2026, 9, 30), "done": False},
                {"owner": staff_a, "due": D(2027, 1, 15), "done": False},
                {"owner": head_a, "due": D(2026, 8, 1), "done": True},
            ],
            **common,
        ),
        make_nc(unit=org.div_b, raised_on=D(2026, 9, 1), clause="8.5", **common),
        make_nc(
            unit=org.div_b,
            raised_on=D(2026, 10, 1),
            clause="",
            status=S.ANALYSED,
            analysed_on=D(2026, 10, 11),
            **common,
        ),
        # Another agency's NC never counts.
        make_nc(agency=org.other_agency, unit=org.other_div, raised_on=D(2026, 6, 1)),
    ]
    return items


def _filters(user: Any, **params: str) -> analytics.Filters:
    return analytics.parse_filters(user, {"year": "2026", **params}, TODAY)


def _bars(bars: list[analytics.Bar]) -> dict[str, int]:
    return {b.label: b.count for b in bars}


def test_counts_by_clause_unit_source_severity_status(ncs: Any, personas: Any) -> None:
    user = personas["iso_office"]
    data = analytics.analytics(user, _filters(user), TODAY)
    assert data.total == 5
    assert [(b.label, b.count) for b in data.by_clause] == [
        ("7.5", 2),
        ("8.5", 1),
        ("10.2", 1),
        ("—", 1),
    ]
    assert _bars(data.by_unit) == {"Phòng GDTrH": 3, "Phòng TCCB": 2}
    assert data.by_unit[0].label == "Phòng GDTrH"
    assert {b.key: b.count for b in data.by_source} == {"audit_finding": 2, "direct": 3}
    assert {b.key: b.count for b in data.by_severity} == {"major": 1, "minor": 4}
    statuses = {b.key: b.count for b in data.by_status}
    assert statuses == {
        "open": 1,
        "analysed": 1,
        "planned": 0,
        "in_progress": 1,
        "awaiting_verification": 0,
        "closed": 2,
    }
    assert (data.open_count, data.closed_count, data.major_count) == (3, 2, 1)


def test_cycle_times_median_and_mean(ncs: Any, personas: Any) -> None:
    user = personas["leader"]
    cycles = analytics.analytics(user, _filters(user), TODAY).cycles
    to_analysis, to_close, whole = cycles
    # Analysed: 4, 8, 10, 10 days after raised.
    assert sorted(to_analysis.days) == [4.0, 8.0, 10.0, 10.0]
    assert (to_analysis.median, to_analysis.mean) == (9.0, 8.0)
    # Closed: 36 and 42 days after analysed; 40 and 50 after raised.
    assert sorted(to_close.days) == [36.0, 42.0]
    assert (to_close.median, to_close.mean) == (39.0, 39.0)
    assert (whole.count, whole.median, whole.mean) == (2, 45.0, 45.0)


def test_overdue_actions_are_open_past_due_with_owner(ncs: Any, personas: Any) -> None:
    user = personas["iso_office"]
    data = analytics.analytics(user, _filters(user), TODAY)
    assert data.overdue_count == 1
    (action,) = data.overdue
    assert action.due == D(2026, 9, 30)
    assert action.owner == personas["staff_a"]
    assert action.days_late == 65  # type: ignore[attr-defined]


def test_repeat_findings_same_clause_and_unit_as_last_year(ncs: Any, personas: Any) -> None:
    user = personas["iso_office"]
    repeats = analytics.analytics(user, _filters(user), TODAY).repeats
    assert [(r.clause, r.unit_name, r.count, r.previous) for r in repeats] == [
        ("7.5", "Phòng GDTrH", 2, 1)
    ]


def test_filters_narrow_every_number(ncs: Any, org: Any, personas: Any) -> None:
    user = personas["iso_office"]
    data = analytics.analytics(user, _filters(user, unit=str(org.div_b.pk)), TODAY)
    assert data.total == 2
    assert data.repeats == []
    data = analytics.analytics(user, _filters(user, source="audit_finding"), TODAY)
    assert data.total == 2
    data = analytics.analytics(user, _filters(user, severity="major"), TODAY)
    assert data.total == 1
    data = analytics.analytics(user, _filters(user, status="closed"), TODAY)
    assert data.total == 2
    # Unknown values are dropped, not errors.
    f = _filters(user, source="No such!", severity="huge", status="x", unit="999999")
    assert (f.source, f.severity, f.status, f.unit) == ("", "", "", None)


def test_a_unit_role_reads_its_own_unit_only(ncs: Any, personas: Any) -> None:
    user = personas["head_b"]
    data = analytics.analytics(user, _filters(user), TODAY)
    assert data.total == 2
    assert _bars(data.by_unit) == {"Phòng TCCB": 2}
    outsider = personas["outsider"]
    f = analytics.parse_filters(outsider, {"year": "2026", "agency": str(ncs[0].agency_id)}, TODAY)
    assert f.agency.pk != ncs[0].agency_id  # falls back to the outsider's own agency
    assert analytics.analytics(outsider, f, TODAY).total == 1


def _chart(html: str, data_id: str) -> dict[str, Any]:
    text = html.split(f'id="{data_id}" type="application/json">')[1].split("</script>")[0]
    return json.loads(text)  # type: ignore[no-any-return]


def test_page_charts_and_filters_keep_their_values(
    ncs: Any, org: Any, client: Any, personas: Any
) -> None:
    client.force_login(personas["iso_office"])
    response = client.get(URL, {"year": "2026", "severity": "minor", "unit": org.div_a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    clause = _chart(html, "chart-clause-data")
    assert clause["data"]["labels"] == ["7.5", "10.2"]
    assert clause["data"]["datasets"][0]["data"] == [1, 1]
    status = _chart(html, "chart-status-data")
    assert status["data"]["datasets"][0]["data"] == [0, 0, 0, 1, 0, 1]
    assert '<option value="minor" selected>' in html
    assert f'<option value="{org.div_a.pk}" selected>' in html
    assert '<option value="2026" selected>' in html
    assert "vendor/chart.js/chart.umd.js" in html
    assert "<script>" not in html  # no inline script (CSP): data via json_script only
    assert f"severity=minor&amp;unit={org.div_a.pk}" in html or "severity=minor" in html


def test_empty_year_says_so(client: Any, personas: Any) -> None:
    client.force_login(personas["leader"])
    response = client.get(URL, {"year": "2021"})
    assert response.status_code == 200
    assert 'id="analytics-empty"' in response.content.decode()


def _count(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"year": "2026"}).status_code == 200
    return len(ctx.captured_queries)


def test_queries_are_flat_in_the_number_of_ncs(
    ncs: Any, org: Any, client: Any, personas: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(personas["iso_office"])
    client.get(URL)  # the session's first request stamps its activity
    before = _count(client)
    for i in range(40):
        make_nc(
            agency=org.agency,
            unit=[org.div_a, org.div_b, org.office][i % 3],
            raised_on=D(2026, 3, 1) + datetime.timedelta(days=i),
            clause=["4.1", "7.5", "8.2", "9.1"][i % 4],
            status=[S.OPEN, S.IN_PROGRESS, S.CLOSED][i % 3],
            owner=personas["head_a"],
            verifier=personas["iso_office"],
            actions=[{"due": D(2026, 4, 1), "done": False}] if i % 3 == 1 else None,
        )
    with django_assert_num_queries(before):
        assert client.get(URL, {"year": "2026"}).status_code == 200


def test_selector_queries(ncs: Any, personas: Any, django_assert_num_queries: Any) -> None:
    user = personas["iso_office"]
    f = _filters(user)
    # grouped counts, cycle dates, overdue actions, repeats
    with django_assert_num_queries(4):
        analytics.analytics(user, f, TODAY)


def test_many_overdue_actions_show_the_oldest_and_count_all(
    org: Any, personas: Any, django_assert_num_queries: Any
) -> None:
    for i in range(analytics.OVERDUE_SHOWN + 5):
        make_nc(
            agency=org.agency,
            unit=org.div_a,
            raised_on=D(2026, 1, 1) + datetime.timedelta(days=i),
            status=S.PLANNED,
            owner=personas["head_a"],
            actions=[{"due": D(2026, 3, 1) + datetime.timedelta(days=i), "done": False}],
        )
    user = personas["iso_office"]
    f = _filters(user)
    with django_assert_num_queries(4):
        data = analytics.analytics(user, f, TODAY)
    assert data.overdue_count == analytics.OVERDUE_SHOWN + 5
    assert len(data.overdue) == analytics.OVERDUE_SHOWN
    assert data.overdue[0].due == D(2026, 3, 1)


def test_the_figures_are_in_tables_too(ncs: Any, client: Any, personas: Any) -> None:
    """A screen reader (or a printout) gets the charts' numbers as tables."""
    client.force_login(personas["iso_office"])
    html = client.get(URL, {"year": "2026"}).content.decode()
    table = html.split('id="clause-table"')[1].split("</table>")[0]
    assert "<td>7.5</td>" in table and '<td class="text-end">2</td>' in table
    assert 'id="unit-table"' in html and 'id="source-table"' in html


def test_page_query_count(ncs: Any, client: Any, personas: Any) -> None:
    """Session, user, roles, readable agencies (ids, then the agencies once), the four
    analytics queries, the units, the unread count."""
    client.force_login(personas["iso_office"])
    client.get(URL)
    assert _count(client) == 11  # 12 before the agencies were read once
