"""Rows of the NC register, prepared in Python from one page of records (no query per row:
the page is read with its unit and owner, and the overdue actions counted in the same
query)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qms.core.text import dmy
from qms.nonconformities import sources
from qms.nonconformities.models import Nonconformity


@dataclass(frozen=True)
class Row:
    nc: Nonconformity
    raised_on: str
    unit: str
    owner: str
    source: Any
    late_actions: int
    progress: str


def nc_rows(ncs: Iterable[Nonconformity], today: datetime.date) -> list[Row]:
    labels = dict(sources.choices())
    out = []
    for nc in ncs:
        done = nc.actions_total - nc.actions_open
        out.append(
            Row(
                nc=nc,
                raised_on=dmy(nc.raised_on),
                unit=nc.unit.display_name,
                owner=nc.owner.display_name if nc.owner_id and nc.owner else "",
                source=labels.get(nc.source_key, "") if nc.source_key else "",
                late_actions=getattr(nc, "late_actions", 0) or 0,
                progress=f"{done}/{nc.actions_total}" if nc.actions_total else "",
            )
        )
    return out
