"""Writes to the official calendar notices. Every change is logged with before and after;
a notice is archived, never deleted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.audittrail.services import logentry_create
from qms.core.models import CalendarNotice, CalendarNoticeDay

if TYPE_CHECKING:
    from qms.accounts.models import User


class CalendarNoticeError(Exception):
    """A change to the notices was refused; the message is for users."""


@dataclass(frozen=True)
class NoticeInput:
    year: int
    number: str
    issued_on: datetime.date
    issuer: str
    summary: str
    days: list[tuple[datetime.date, str, str]]  # (date, kind, reason)


def _record(notice: CalendarNotice) -> dict[str, object]:
    return {
        "year": notice.year,
        "number": notice.number,
        "issued_on": notice.issued_on.isoformat(),
        "issuer": notice.issuer,
        "summary": notice.summary,
        "days": [
            {"date": d.date.isoformat(), "kind": d.kind, "reason": d.reason}
            for d in notice.days.order_by("date")
        ],
        "archived": notice.archived_at is not None,
    }


def calendar_notice_create(*, actor: User, data: NoticeInput) -> CalendarNotice:
    """Record an official notice and its days; they take effect at once."""
    number = data.number.strip()
    with transaction.atomic():
        taken = CalendarNotice.objects.select_for_update().filter(
            year=data.year, number__iexact=number, archived_at__isnull=True
        )
        if taken.exists():
            raise CalendarNoticeError(_("This notice is already recorded for that year."))
        notice = CalendarNotice.objects.create(
            year=data.year,
            number=number,
            issued_on=data.issued_on,
            issuer=data.issuer.strip(),
            summary=data.summary.strip(),
            created_by=actor,
        )
        CalendarNoticeDay.objects.bulk_create(
            CalendarNoticeDay(notice=notice, date=d, kind=k, reason=r.strip())
            for d, k, r in data.days
        )
        logentry_create(
            actor=actor,
            action="core.calendar_notice.created",
            obj=notice,
            unit=None,
            before={},
            after=_record(notice),
        )
    return notice


def calendar_notice_archive(*, actor: User, notice: CalendarNotice) -> CalendarNotice:
    """The notice no longer counts (e.g. replaced by a corrected one); it stays listed."""
    with transaction.atomic():
        notice = CalendarNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.archived_at is not None:
            raise CalendarNoticeError(_("This notice is already archived."))
        before = _record(notice)
        notice.archived_at, notice.archived_by = timezone.now(), actor
        notice.save(update_fields=["archived_at", "archived_by"])
        logentry_create(
            actor=actor,
            action="core.calendar_notice.archived",
            obj=notice,
            unit=None,
            before=before,
            after=_record(notice),
        )
    return notice
