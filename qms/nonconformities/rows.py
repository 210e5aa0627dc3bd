"""Rows of the NC register, prepared in Python from one page of records (no query per row:
the page is read with its unit and owner, and the overdue actions counted in the same
query), and rendered once in Python (``rows_html``): the template loop cost a URL
reversal, a ``{% nc_badge %}``, a ``{% blocktranslate %}`` and some twenty attribute
lookups through the template engine per row. Every value users typed is escaped with
``html.escape`` (what Django's ``escape`` does, without its lazy-string wrapper)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qms.core.text import dmy
from qms.nonconformities import sources
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.templatetags.nonconformities import COLOURS, badge

# The columns a row shows (with the keyset's raised_on and id), read with the page.
COLUMNS = (
    "id",
    "number",
    "title",
    "severity",
    "clause",
    "source_key",
    "raised_on",
    "status",
    "actions_total",
    "actions_open",
    "unit__name",
    "unit__short_name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)
_PK = 987654321  # a placeholder id for reversing the NC's URL once


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


def rows_html(rows: Iterable[Row]) -> SafeString:
    """The ``<tr>`` of every row, as ``_list_rows.html`` rendered them cell by cell."""
    url = escape(reverse("nonconformities:detail", args=[_PK]))
    badges = {
        value: badge(COLOURS.get(value, "secondary"), value, label)
        for value, label in Nonconformity.Status.choices
    }
    major = f'<span class="text-danger">{escape(_("Major"))}</span> ·'
    clause = escape(_("Clause"))
    direct = escape(_("Raised directly"))
    sources_: dict[Any, str] = {}
    out = []
    for r in rows:
        nc = r.nc
        meta = []
        if nc.severity == "major":
            meta.append(major)
        if nc.clause:
            meta.append(f"{clause} {escape(nc.clause)} ·")
        if r.source:
            label = sources_.get(r.source)
            if label is None:
                label = sources_[r.source] = escape(str(r.source))
            meta.append(label)
        else:
            meta.append(direct)
        if r.owner:
            meta.append(f"· {escape(r.owner)}")
        late = ""
        if r.late_actions:
            n = r.late_actions
            text = ngettext("%(n)s late", "%(n)s late", n) % {"n": n}
            late = f' <span class="badge text-bg-danger">{escape(text)}</span>'
        status = badges.get(nc.status) or badge("secondary", nc.status, nc.get_status_display())
        out.append(
            f'<tr class="nc-row" id="nc-{nc.pk}"><td class="text-nowrap">'
            f'<a href="{url.replace(str(_PK), str(nc.pk))}">{escape(nc.number)}</a></td>'
            f'<td>{escape(nc.title)} <div class="small text-muted">{" ".join(meta)}</div></td>'
            f"<td>{escape(r.unit)}</td>"
            f'<td class="text-nowrap">{r.raised_on}</td>'
            f'<td class="text-nowrap">{escape(r.progress) or "—"}{late}</td>'
            f"<td>{status}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
