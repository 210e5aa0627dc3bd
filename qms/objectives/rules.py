"""Pure rules of quality objectives: achieved or not, traffic light, roll-up.

No database here: callers pass values, so the rules are easy to test by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

D = Decimal
HUNDRED = D(100)
# How close to the target still counts as "at risk" rather than "off track": 10 % of the
# target (or of the distance from the baseline when there is one).
AT_RISK_SHARE = D("0.10")


class Light(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    UNKNOWN = "unknown", _("Not measured yet")


@dataclass(frozen=True)
class Point:
    on: datetime.date
    value: Decimal


def is_met(
    direction: str,
    value: Decimal | None,
    target: Decimal | None,
    *,
    reached_on: datetime.date | None = None,
    target_date: datetime.date | None = None,
) -> bool | None:
    """Whether a result meets the target; None when there is nothing to judge."""
    if direction == "by_date":
        if target_date is None:
            return None
        if reached_on is not None:
            return reached_on <= target_date
        return None if value is None else False
    if value is None or target is None:
        return None
    if direction == "gte":
        return value >= target
    if direction == "lte":
        return value <= target
    return value == target


def _tolerance(target: Decimal, baseline: Decimal | None) -> Decimal:
    span = abs(target - baseline) if baseline is not None and baseline != target else abs(target)
    return max(span * AT_RISK_SHARE, D("0.0001"))


def projected(points: Sequence[Point], end: datetime.date) -> Decimal:
    """The value at ``end`` following the line through the last two points (or the last)."""
    if len(points) < 2:
        return points[-1].value
    a, b = points[-2], points[-1]
    days = (b.on - a.on).days
    if days <= 0:
        return b.value
    slope = (b.value - a.value) / D(days)
    return b.value + slope * D((end - b.on).days)


def light(
    *,
    direction: str,
    target: Decimal | None,
    baseline: Decimal | None,
    points: Sequence[Point],
    period_start: datetime.date,
    period_end: datetime.date,
    today: datetime.date,
    target_date: datetime.date | None = None,
) -> str:
    """Traffic light from the trend towards the target.

    ≥ / ≤: met now, or the line through the last two measurements reaches the target by the
    end of the period → on track; misses it by less than 10 % → at risk; else off track.
    = : within the tolerance → on track, within twice → at risk. Reached by a date: the
    measurements are % done, compared with the share of the time to the date elapsed.
    """
    points = sorted(points, key=lambda p: p.on)
    if not points:
        return Light.UNKNOWN
    last = points[-1].value
    if direction == "by_date":
        return _light_by_date(last, period_start, target_date, today)
    if target is None:
        return Light.UNKNOWN
    tol = _tolerance(target, baseline)
    if direction == "eq":
        gap = abs(last - target)
        return (
            Light.ON_TRACK if gap <= tol else Light.AT_RISK if gap <= 2 * tol else Light.OFF_TRACK
        )
    sign = D(1) if direction == "gte" else D(-1)
    if sign * (last - target) >= 0:
        return Light.ON_TRACK
    shortfall = sign * (target - projected(points, period_end))
    if shortfall <= 0:
        return Light.ON_TRACK
    return Light.AT_RISK if shortfall <= tol else Light.OFF_TRACK


def _light_by_date(
    done: Decimal, start: datetime.date, target_date: datetime.date | None, today: datetime.date
) -> str:
    if done >= HUNDRED:
        return Light.ON_TRACK
    if target_date is None:
        return Light.UNKNOWN
    if today > target_date:
        return Light.OFF_TRACK
    total = max((target_date - start).days, 1)
    expected = HUNDRED * D(max((today - start).days, 0)) / D(total)
    if done >= expected:
        return Light.ON_TRACK
    return Light.AT_RISK if expected - done <= HUNDRED * AT_RISK_SHARE else Light.OFF_TRACK


def aggregate(method: str, values: Sequence[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Roll the units' values up: ``values`` are (value, weight). None for manual or none."""
    if method == "manual" or not values:
        return None
    numbers = [v for v, _w in values]
    if method == "sum":
        return sum(numbers, D(0))
    if method == "mean":
        return sum(numbers, D(0)) / D(len(numbers))
    if method == "min":
        return min(numbers)
    if method == "weighted_mean":
        total = sum((w for _v, w in values), D(0))
        if total == 0:
            return None
        return sum((v * w for v, w in values), D(0)) / total
    raise ValueError(f"Unknown aggregation {method!r}")
