"""NC rows for the analytics, export and permission tests of the reports part: built
straight on the models (numbered through ``NCCounter``, the gates' invariants kept) so
that a test states exactly the states and dates it counts."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, Nonconformity, Verification

S = Nonconformity.Status
AFTER_ANALYSIS = {S.PLANNED, S.IN_PROGRESS, S.AWAITING_VERIFICATION, S.CLOSED}


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def make_nc(
    *,
    agency: OrgUnit,
    unit: OrgUnit,
    raised_on: datetime.date,
    status: str = S.OPEN,
    clause: str = "8.5",
    severity: str = "minor",
    source_key: str = "",
    owner: User | None = None,
    verifier: User | None = None,
    analysed_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
    actions: list[dict[str, Any]] | None = None,
    title: str = "Hồ sơ không đầy đủ",
) -> Nonconformity:
    """One NC in ``status``; past analysis it gets a root cause and ``actions`` (default:
    one, open while in progress, done from awaiting verification on)."""
    year = raised_on.year
    serial = services.next_serial(agency, year)
    analysed = status != S.OPEN
    if analysed and analysed_on is None:
        analysed_on = raised_on + datetime.timedelta(days=5)
    nc = Nonconformity.objects.create(
        agency=agency,
        year=year,
        serial=serial,
        number=services.format_number(year=year, serial=serial),
        source_key=source_key,
        title=title,
        description=f"{title} ({unit.name}).",
        clause=clause,
        unit=unit,
        owner=owner,
        severity=severity,
        raised_on=raised_on,
        root_cause="Chưa phân công người kiểm tra hồ sơ." if analysed else "",
        analysed_at=at(analysed_on) if analysed and analysed_on else None,
    )
    if status in AFTER_ANALYSIS:
        wanted = actions or [{}]
        done_all = status in {S.AWAITING_VERIFICATION, S.CLOSED}
        open_n = 0
        for i, spec in enumerate(wanted):
            done = spec.get("done", done_all)
            if not done:
                open_n += 1
            CorrectiveAction.objects.create(
                nc=nc,
                description=spec.get("description", f"Hành động {i + 1}"),
                owner=spec.get("owner") or owner,  # type: ignore[misc]
                unit=unit,
                due=spec.get("due", raised_on + datetime.timedelta(days=30)),
                status=CorrectiveAction.Status.DONE if done else CorrectiveAction.Status.OPEN,
                done_on=spec.get("done_on", raised_on + datetime.timedelta(days=20))
                if done
                else None,
                done_by=(spec.get("owner") or owner) if done else None,
                result="Đã thực hiện." if done else "",
            )
        nc.actions_total = len(wanted)
        nc.actions_open = open_n
    if status == S.CLOSED:
        closed_on = closed_on or raised_on + datetime.timedelta(days=40)
        Verification.objects.create(
            nc=nc,
            verified_by=verifier,  # type: ignore[misc]
            verified_on=closed_on,
            effective=True,
            note="Đạt.",
        )
        nc.verified_by = verifier
        nc.verified_at = nc.closed_at = at(closed_on)
    nc.status = status
    nc.save()
    return nc
