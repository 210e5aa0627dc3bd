"""Objectives by hand: target directions, traffic light, roll-up (no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from qms.objectives.rules import Light, Point, aggregate, is_met, light, projected

START, END = datetime.date(2022, 8, 1), datetime.date(2023, 7, 31)


@pytest.mark.parametrize(
    ("direction", "value", "target", "expected"),
    [
        ("gte", D(95), D(95), True),
        ("gte", D("94.9"), D(95), False),
        ("lte", D(2), D(3), True),
        ("lte", D(4), D(3), False),
        ("eq", D(100), D(100), True),
        ("eq", D(99), D(100), False),
        ("gte", None, D(95), None),
    ],
)
def test_target_directions(
    direction: str, value: D | None, target: D, expected: bool | None
) -> None:
    assert is_met(direction, value, target) is expected


def test_reached_by_a_date() -> None:
    due = datetime.date(2022, 12, 31)
    assert is_met("by_date", None, None, reached_on=datetime.date(2022, 12, 20), target_date=due)
    assert not is_met("by_date", None, None, reached_on=datetime.date(2023, 1, 5), target_date=due)
    assert is_met("by_date", D(60), None, target_date=due) is False
    assert is_met("by_date", None, None, target_date=due) is None


def p(day: str, value: str) -> Point:
    d, m, y = (int(x) for x in day.split("/"))
    return Point(datetime.date(y, m, d), D(value))


def lit(
    direction: str,
    target: str | None,
    points: list[Point],
    baseline: str | None = None,
    today: datetime.date = datetime.date(2023, 1, 31),
    target_date: datetime.date | None = None,
) -> str:
    return light(
        direction=direction,
        target=D(target) if target else None,
        baseline=D(baseline) if baseline else None,
        points=points,
        period_start=START,
        period_end=END,
        today=today,
        target_date=target_date,
    )


def test_traffic_light_from_the_trend() -> None:
    # ≥ 95: already there.
    assert lit("gte", "95", [p("30/11/2022", "96")]) == Light.ON_TRACK
    # 80 → 88 in two months: the line reaches 95 by 31/7 → on track.
    assert lit("gte", "95", [p("30/09/2022", "80"), p("30/11/2022", "88")]) == Light.ON_TRACK
    # 80 → 82: heading for ~91, within 10 % of 95 → at risk.
    assert lit("gte", "95", [p("30/09/2022", "80"), p("30/11/2022", "82")]) == Light.AT_RISK
    # 80 → 70: going the wrong way → off track.
    assert lit("gte", "95", [p("30/09/2022", "80"), p("30/11/2022", "70")]) == Light.OFF_TRACK
    # ≤ 2 complaints, baseline 6: 5 → 4 heads for ~0 → on track; 5 → 5 stays above → off track.
    assert lit("lte", "2", [p("30/09/2022", "5"), p("30/11/2022", "4")], "6") == Light.ON_TRACK
    assert lit("lte", "2", [p("30/09/2022", "5"), p("30/11/2022", "5")], "6") == Light.OFF_TRACK
    # = 100 %: 95 is within 10 % → on track; 85 within twice → at risk; 70 off.
    assert lit("eq", "100", [p("30/11/2022", "95")]) == Light.ON_TRACK
    assert lit("eq", "100", [p("30/11/2022", "85")]) == Light.AT_RISK
    assert lit("eq", "100", [p("30/11/2022", "70")]) == Light.OFF_TRACK
    # Nothing measured yet.
    assert lit("gte", "95", []) == Light.UNKNOWN


def test_traffic_light_for_reached_by_a_date() -> None:
    due = datetime.date(2022, 12, 31)  # 152 days after 01/08; 31/10 is 60 % of the way
    today = datetime.date(2022, 10, 31)
    assert (
        lit("by_date", None, [p("31/10/2022", "70")], today=today, target_date=due)
        == Light.ON_TRACK
    )
    assert (
        lit("by_date", None, [p("31/10/2022", "55")], today=today, target_date=due) == Light.AT_RISK
    )
    assert (
        lit("by_date", None, [p("31/10/2022", "30")], today=today, target_date=due)
        == Light.OFF_TRACK
    )
    late = datetime.date(2023, 1, 10)
    assert (
        lit("by_date", None, [p("31/12/2022", "90")], today=late, target_date=due)
        == Light.OFF_TRACK
    )
    assert (
        lit("by_date", None, [p("20/12/2022", "100")], today=late, target_date=due)
        == Light.ON_TRACK
    )


def test_projection_is_the_line_through_the_last_two_points() -> None:
    points = [p("01/09/2022", "10"), p("01/10/2022", "20"), p("31/10/2022", "30")]
    assert projected(points, datetime.date(2022, 11, 30)) == D(40)
    assert projected(points[:1], END) == D(10)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("sum", D(270)),
        ("mean", D(90)),
        ("min", D(80)),
        ("weighted_mean", (D(100) * 1 + D(90) * 2 + D(80) * 1) / 4),
        ("manual", None),
    ],
)
def test_every_aggregation(method: str, expected: D | None) -> None:
    values = [(D(100), D(1)), (D(90), D(2)), (D(80), D(1))]
    assert aggregate(method, values) == expected


def test_aggregation_of_nothing_is_none() -> None:
    assert aggregate("sum", []) is None
    assert aggregate("weighted_mean", [(D(5), D(0))]) is None
