"""Periodic work of document control, run by ``run_periodic`` (see qms.core.periodic)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from qms.core.workdays import WorkCalendar


def compute_document_reviews(now: datetime.datetime, cal: WorkCalendar) -> int:
    """Open periodic reviews that have come due and tell the owner units (on working days).

    Idempotent: a review is unique per document and due date, its notification per key.
    """
    from qms.documents.services import periodic_reviews

    today = timezone.localtime(now).date()
    if not cal.is_working_day(today):
        return 0
    return periodic_reviews(today)
