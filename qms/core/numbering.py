"""Race-free document numbers from an agency's register (NĐ 30/2020 art. 15).

A number is ``serial/TYPE-ISSUER``; serials restart at 1 on 1 January. The counter row
is bumped with ``UPDATE … SET last = last + 1`` inside the issuing transaction, which
takes a row lock on PostgreSQL and the write lock on SQLite, so two issuers never read
the same value and a rolled-back issue leaves no gap. Unique constraints on
IssuedNumber back it: one serial per series, and one serial per document type, so that
"01/QĐ" exists once a year whatever the agency's serial mode was when it was issued.

The mode ("one serial for all types" or one per type) can change only before the first
number of a year (:func:`serial_mode_locked`, checked by ``orgunit_update``). Should a
number still be taken in a year whose mode changed (a back-dated issue), the counter
continues after the highest serial of that type already in the register instead of
restarting at 01.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.models import IssuedNumber, NumberCounter, OrgUnit

if TYPE_CHECKING:
    from qms.accounts.models import User


class NumberingError(Exception):
    """A number could not be issued or registered; the message is for users."""


def format_symbol(*, serial: int, doc_type: str, agency: OrgUnit) -> str:
    """'187/KH-SGDĐT'. NĐ 30: serials below 10 get a leading zero ("05/KH-SGDĐT")."""
    issuer = agency.doc_symbol or agency.code
    return f"{serial:02d}/{doc_type}-{issuer}"


def _series(agency: OrgUnit, doc_type: str) -> str:
    return "" if agency.shared_serial else doc_type


def serial_mode_locked(agency: OrgUnit) -> int | None:
    """The current (or a later) year in which the agency has issued numbers, else None.

    While it is not None, switching ``shared_serial`` would restart a register mid-year.
    """
    return (
        IssuedNumber.objects.filter(agency=agency, year__gte=timezone.localdate().year)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )


def number_issue(
    *, agency: OrgUnit, doc_type: str, issued_on: datetime.date, subject: str, actor: User | None
) -> IssuedNumber:
    """Take the next serial of the agency's register for ``issued_on.year``.

    Must run inside the caller's transaction so a rollback returns the number.
    """
    series = _series(agency, doc_type)
    year = issued_on.year
    with transaction.atomic():
        NumberCounter.objects.get_or_create(agency=agency, year=year, series=series)
        # Never below a serial this type already holds this year (issued in the other mode).
        floor = IssuedNumber.objects.filter(agency=agency, year=year, doc_type=doc_type).aggregate(
            top=Max("serial")
        )["top"]
        NumberCounter.objects.filter(agency=agency, year=year, series=series).update(
            last=Greatest(F("last"), floor or 0) + 1
        )
        serial = NumberCounter.objects.get(agency=agency, year=year, series=series).last
        return IssuedNumber.objects.create(
            agency=agency,
            year=year,
            series=series,
            serial=serial,
            doc_type=doc_type,
            symbol=format_symbol(serial=serial, doc_type=doc_type, agency=agency),
            subject=subject[:500],
            issued_on=issued_on,
            created_by=actor,
        )


def number_register_external(
    *,
    agency: OrgUnit,
    doc_type: str,
    serial: int,
    issued_on: datetime.date,
    subject: str,
    actor: User | None,
) -> IssuedNumber:
    """Record a number issued outside eISO; later serials continue after it.

    Raises NumberingError when the serial is already taken.
    """
    series = _series(agency, doc_type)
    year = issued_on.year
    try:
        with transaction.atomic():
            counter, _created = NumberCounter.objects.select_for_update().get_or_create(
                agency=agency, year=year, series=series
            )
            issued = IssuedNumber.objects.create(
                agency=agency,
                year=year,
                series=series,
                serial=serial,
                doc_type=doc_type,
                symbol=format_symbol(serial=serial, doc_type=doc_type, agency=agency),
                subject=subject[:500],
                issued_on=issued_on,
                created_by=actor,
                external=True,
            )
            if serial > counter.last:
                NumberCounter.objects.filter(pk=counter.pk).update(last=serial)
            return issued
    except IntegrityError as exc:
        raise NumberingError(
            _("Number %(serial)s of %(year)s is already in the register.")
            % {"serial": serial, "year": year}
        ) from exc
