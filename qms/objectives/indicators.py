"""Indicators eISO computes from its own data, by data source.

Each is ``fn(agency_id, unit_ids, start, end) -> Decimal | None`` (a percentage, None when
nothing was due). Later modules (audits, dossiers…) add theirs with ``register``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from qms.documents import selectors as documents
from qms.planning import selectors as planning

Indicator = Callable[[int, list[int] | None, datetime.date, datetime.date], Decimal | None]
_INDICATORS: dict[str, Indicator] = {}


def register(source: str, fn: Indicator) -> None:
    _INDICATORS[source] = fn


def sources() -> list[str]:
    return list(_INDICATORS)


def get(source: str) -> Indicator | None:
    return _INDICATORS.get(source)


def share(done: int, total: int) -> Decimal | None:
    """Percentage with one decimal ("87.5"), None when nothing was due."""
    if total == 0:
        return None
    return (Decimal(100) * done / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def plan_tasks_on_time(
    agency_id: int, unit_ids: list[int] | None, start: datetime.date, end: datetime.date
) -> Decimal | None:
    return share(
        *planning.on_time_counts(agency_id=agency_id, unit_ids=unit_ids, start=start, end=end)
    )


def documents_reviewed_on_schedule(
    agency_id: int, unit_ids: list[int] | None, start: datetime.date, end: datetime.date
) -> Decimal | None:
    return share(
        *documents.review_counts(agency_id=agency_id, unit_ids=unit_ids, start=start, end=end)
    )


register("plan_on_time", plan_tasks_on_time)
register("docs_reviewed", documents_reviewed_on_schedule)
