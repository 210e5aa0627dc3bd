"""NC analytics (ISO 9001:2015 clauses 9.1.3 and 10.2): what the ISO committee and
leadership read of an agency's nonconformities of a year.

* counts by clause, responsible unit, source, severity and status;
* cycle times raised → analysed → closed (median and mean, in days);
* corrective actions open past their deadline, with their owners;
* repeat findings: a clause and unit that had an NC the year before as well.

Everything is read in four queries whatever the number of NCs (asserted in
``tests/test_analytics.py``, measured by ``bench/audits.py``): counts come from one
``GROUP BY``, cycle times from one query of bare dates, the overdue actions and their
total from one query, repeats from one grouped query of the year before.

Scope (read wide, change narrow): the agency is one the user reads
(``agencies_for_reading``); a role held over the agency (or the province) reads all of its
NCs, a role held only on a unit reads that unit's (and its subunits').
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts.models import User
from qms.core import selectors as core_selectors
from qms.core.http import int_param
from qms.core.models import OrgUnit
from qms.nonconformities import selectors, sources
from qms.nonconformities.models import CorrectiveAction, Nonconformity

S = Nonconformity.Status
STATUS_ORDER = [s.value for s in S]
SEVERITY_COLOURS = {"major": "#dc3545", "minor": "#fd7e14"}
STATUS_COLOURS = {
    S.OPEN: "#dc3545",
    S.ANALYSED: "#fd7e14",
    S.PLANNED: "#ffc107",
    S.IN_PROGRESS: "#0dcaf0",
    S.AWAITING_VERIFICATION: "#6f42c1",
    S.CLOSED: "#198754",
}
BAR_COLOUR = "#0d6efd"
PALETTE = ("#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#6c757d", "#198754")
# Overdue actions shown on the page (the count says how many there are in all).
OVERDUE_SHOWN = 50
NO_CLAUSE = "—"
# A key of the sources registry (one no longer registered still filters its old NCs).
SOURCE_KEY = re.compile(r"[a-z][a-z0-9_.]{0,59}")
DIRECT_SOURCE = "direct"


def source_label(key: str) -> str:
    """The label of a key of the NC sources registry ("Phát hiện đánh giá nội bộ" …)."""
    if not key or key == DIRECT_SOURCE:
        return _("Raised directly")
    try:
        return str(sources.get(key).label)
    except sources.UnknownSource:  # a source no longer registered: its key
        return key


def source_choices() -> list[tuple[str, str]]:
    """The registered sources (key, label), then "raised directly"."""
    return [(k, str(label)) for k, label in sources.choices()] + [
        (DIRECT_SOURCE, _("Raised directly"))
    ]


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the analytics page, the NC register export and the list filter on."""

    agency: OrgUnit
    year: int
    unit: OrgUnit | None = None
    source: str = ""
    severity: str = ""
    status: str = ""

    def query(self, **override: Any) -> dict[str, Any]:
        """The filters as GET parameters (links keep them)."""
        values: dict[str, Any] = {
            "agency": self.agency.pk,
            "year": self.year,
            "unit": self.unit.pk if self.unit else "",
            "source": self.source,
            "severity": self.severity,
            "status": self.status,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v not in ("", None)}


def readable_agencies(user: User) -> QuerySet[OrgUnit]:
    return core_selectors.agencies_for_reading(user, "nonconformities.view")


def parse_filters(
    user: User,
    params: Mapping[str, str],
    today: datetime.date,
    *,
    agencies: list[OrgUnit] | None = None,
) -> Filters:
    """The filters of a request's GET parameters; the agency defaults to the user's own,
    the year to this one; a unit, source, severity or status not known is dropped.
    ``agencies``: ``readable_agencies(user)`` when the caller has read them (no query)."""
    own = user.unit.agency_id if user.unit_id and user.unit else None
    wanted = int_param(params.get("agency")) or own or 0
    if agencies is None:
        readable = readable_agencies(user)
        agency = readable.filter(pk=wanted).first() or readable.first()
    else:
        agency = next((a for a in agencies if a.pk == wanted), agencies[0] if agencies else None)
    if agency is None:
        raise PermissionDenied
    year = int_param(params.get("year")) or today.year
    if not 2000 <= year <= 2100:
        year = today.year
    unit = None
    unit_id = int_param(params.get("unit"))
    if unit_id:
        unit = OrgUnit.objects.filter(pk=unit_id, path__startswith=agency.path).first()
    source = params.get("source", "")
    if not SOURCE_KEY.fullmatch(source):
        source = ""
    severity = params.get("severity", "")
    if severity not in Nonconformity.Severity.values:
        severity = ""
    status = params.get("status", "")
    if status not in S.values:
        status = ""
    return Filters(
        agency=agency, year=year, unit=unit, source=source, severity=severity, status=status
    )


def visible_ncs(user: User, agency: OrgUnit) -> QuerySet[Nonconformity]:
    """The agency's NCs the user reads (``selectors.visible_q``: a role over the agency
    reads them all, a role on a unit that unit's)."""
    return selectors.ncs_for_user(user).filter(agency=agency)


def _apply(queryset: QuerySet[Nonconformity], f: Filters) -> QuerySet[Nonconformity]:
    if f.unit is not None:
        queryset = queryset.filter(unit__path__startswith=f.unit.path)
    if f.source == DIRECT_SOURCE:
        queryset = queryset.filter(source_key="")
    elif f.source:
        queryset = queryset.filter(source_key=f.source)
    if f.severity:
        queryset = queryset.filter(severity=f.severity)
    if f.status:
        queryset = queryset.filter(status=f.status)
    return queryset


def filtered_ncs(user: User, f: Filters) -> QuerySet[Nonconformity]:
    """The NCs of ``f``'s agency and year the user reads, filtered."""
    return _apply(visible_ncs(user, f.agency).filter(year=f.year), f)


def filter_units(agency: OrgUnit) -> list[OrgUnit]:
    """The agency's units for the filter (one query), in the tree's order."""
    return list(
        OrgUnit.objects.filter(path__startswith=agency.path, archived_at__isnull=True)
        .exclude(pk=agency.pk)
        .order_by("path")
        .only("id", "name", "short_name", "path", "kind", "parent_id")
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Cycle:
    """Days from one date to the next over the NCs that reached the second."""

    label: str
    days: list[float]

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return round(statistics.median(self.days), 1) if self.days else None

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.days), 1) if self.days else None


@dataclass(frozen=True)
class Repeat:
    clause: str
    unit_name: str
    count: int
    previous: int


@dataclass
class Analytics:
    filters: Filters
    total: int
    by_clause: list[Bar]
    by_unit: list[Bar]
    by_source: list[Bar]
    by_severity: list[Bar]
    by_status: list[Bar]
    cycles: list[Cycle]
    overdue: list[CorrectiveAction]
    overdue_count: int
    repeats: list[Repeat]
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def open_count(self) -> int:
        return sum(b.count for b in self.by_status if b.key != S.CLOSED)

    @property
    def closed_count(self) -> int:
        return sum(b.count for b in self.by_status if b.key == S.CLOSED)

    @property
    def major_count(self) -> int:
        return sum(b.count for b in self.by_severity if b.key == Nonconformity.Severity.MAJOR)


def _unit_name(name: str | None, short_name: str | None) -> str:
    return short_name or name or ""


def _grouped(queryset: QuerySet[Nonconformity]) -> list[dict[str, Any]]:
    """One GROUP BY over every dimension the page counts by."""
    return list(
        queryset.order_by()
        .values(
            "clause",
            "unit_id",
            "unit__name",
            "unit__short_name",
            "source_key",
            "severity",
            "status",
        )
        .annotate(n=Count("id"))
    )


def _clause_key(clause: str) -> tuple[int, ...]:
    parts = []
    for part in clause.split("."):
        parts.append(int(part) if part.isdigit() else 999)
    return tuple(parts) or (999,)


def _bars(groups: list[dict[str, Any]]) -> dict[str, list[Bar]]:
    clauses: Counter[str] = Counter()
    units: Counter[int] = Counter()
    unit_names: dict[int, str] = {}
    srcs: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for g in groups:
        n = g["n"]
        clauses[g["clause"] or ""] += n
        units[g["unit_id"]] += n
        unit_names[g["unit_id"]] = _unit_name(g["unit__name"], g["unit__short_name"])
        srcs[g["source_key"] or DIRECT_SOURCE] += n
        severities[g["severity"]] += n
        statuses[g["status"]] += n
    severity_labels = dict(Nonconformity.Severity.choices)
    status_labels = dict(S.choices)
    return {
        "clause": [Bar(c, c or NO_CLAUSE, clauses[c]) for c in sorted(clauses, key=_clause_key)],
        "unit": [
            Bar(str(u), unit_names[u], n)
            for u, n in sorted(units.items(), key=lambda i: (-i[1], unit_names[i[0]]))
        ],
        "source": [Bar(k, source_label(k), n) for k, n in srcs.most_common()],
        "severity": [
            Bar(k, str(severity_labels[k]), severities[k])
            for k in Nonconformity.Severity.values
            if severities[k]
        ],
        "status": [Bar(k, str(status_labels[k]), statuses[k]) for k in STATUS_ORDER],
    }


def _days(start: datetime.date, end: datetime.datetime | datetime.date | None) -> float | None:
    if end is None:
        return None
    end_date = end.date() if isinstance(end, datetime.datetime) else end
    return float(max((end_date - start).days, 0))


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None or timezone.is_naive(value):
        return value
    return timezone.localtime(value)


def _cycles(queryset: QuerySet[Nonconformity]) -> list[Cycle]:
    """Raised → analysed, analysed → closed, raised → closed: one query of bare dates."""
    to_analysis: list[float] = []
    to_close: list[float] = []
    whole: list[float] = []
    rows = (
        queryset.order_by()
        .filter(Q(analysed_at__isnull=False) | Q(closed_at__isnull=False))
        .values_list("raised_on", "analysed_at", "closed_at")
    )
    for raised_on, analysed_at, closed_at in rows:
        analysed, closed = _local(analysed_at), _local(closed_at)
        if (d := _days(raised_on, analysed)) is not None:
            to_analysis.append(d)
        if closed is not None:
            whole.append(_days(raised_on, closed) or 0.0)
            if analysed is not None:
                to_close.append(float(max((closed.date() - analysed.date()).days, 0)))
    return [
        Cycle(_("Raised → cause analysed"), to_analysis),
        Cycle(_("Cause analysed → closed"), to_close),
        Cycle(_("Raised → closed"), whole),
    ]


def overdue_actions(
    queryset: QuerySet[Nonconformity], today: datetime.date
) -> tuple[list[CorrectiveAction], int]:
    """Open actions of ``queryset``'s NCs past their deadline, oldest first (the first
    ``OVERDUE_SHOWN``), with their owner, unit and NC; and how many there are (one query)."""
    actions = CorrectiveAction.objects.filter(
        nc__in=queryset.order_by().values("pk"),
        status=CorrectiveAction.Status.OPEN,
        due__lt=today,
    )
    shown: list[CorrectiveAction] = list(
        actions.select_related("owner", "unit", "nc")
        .only(
            "id",
            "description",
            "due",
            "owner__id",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
            "unit__id",
            "unit__name",
            "unit__short_name",
            "nc__id",
            "nc__number",
            "nc__title",
        )
        # How many there are in all, on each row: no second query when there are many.
        .annotate(overdue_total=Window(Count("id")))
        .order_by("due", "id")[:OVERDUE_SHOWN]
    )
    for action in shown:
        action.days_late = (today - action.due).days  # type: ignore[attr-defined]
    total = shown[0].overdue_total if shown else 0  # type: ignore[attr-defined]
    return shown, total


def repeats(user: User, f: Filters, groups: list[dict[str, Any]]) -> list[Repeat]:
    """Clause and unit pairs of the year (``groups``: :func:`_grouped` of the year) that had
    an NC the year before too; one grouped query of the year before (a correlated
    subquery per pair cost PostgreSQL 175 ms at 200 NCs, bench/audits.py)."""
    now: Counter[tuple[str, int]] = Counter()
    names: dict[int, str] = {}
    for g in groups:
        if g["clause"]:
            now[g["clause"], g["unit_id"]] += g["n"]
            names[g["unit_id"]] = _unit_name(g["unit__name"], g["unit__short_name"])
    if not now:
        return []
    earlier = visible_ncs(user, f.agency).filter(year=f.year - 1).exclude(clause="")
    if f.unit is not None:
        earlier = earlier.filter(unit__path__startswith=f.unit.path)
    before = {
        (r["clause"], r["unit_id"]): r["n"]
        for r in earlier.order_by().values("clause", "unit_id").annotate(n=Count("id"))
    }
    found = [
        Repeat(clause=clause, unit_name=names[unit_id], count=n, previous=before[clause, unit_id])
        for (clause, unit_id), n in now.items()
        if (clause, unit_id) in before
    ]
    return sorted(found, key=lambda r: (_clause_key(r.clause), r.unit_name))


def _bar_chart(bars: Iterable[Bar], label: str, *, horizontal: bool = False) -> dict[str, Any]:
    items = list(bars)
    options: dict[str, Any] = {
        "plugins": {"legend": {"display": False}},
        "scales": {"x": {"ticks": {"precision": 0}}, "y": {"ticks": {"precision": 0}}},
    }
    if horizontal:
        options["indexAxis"] = "y"
    return {
        "type": "bar",
        "data": {
            "labels": [b.label for b in items],
            "datasets": [
                {"label": label, "data": [b.count for b in items], "backgroundColor": BAR_COLOUR}
            ],
        },
        "options": options,
    }


def _doughnut(bars: Iterable[Bar], colours: Mapping[str, str]) -> dict[str, Any]:
    items = [b for b in bars if b.count]
    return {
        "type": "doughnut",
        "data": {
            "labels": [b.label for b in items],
            "datasets": [
                {
                    "data": [b.count for b in items],
                    "backgroundColor": [colours.get(b.key, "#adb5bd") for b in items],
                }
            ],
        },
        "options": {"plugins": {"legend": {"position": "bottom"}}},
    }


def _cycle_chart(cycles: list[Cycle]) -> dict[str, Any]:
    return {
        "type": "bar",
        "data": {
            "labels": [c.label for c in cycles],
            "datasets": [
                {
                    "label": _("Median (days)"),
                    "data": [c.median for c in cycles],
                    "backgroundColor": BAR_COLOUR,
                },
                {
                    "label": _("Mean (days)"),
                    "data": [c.mean for c in cycles],
                    "backgroundColor": "#6c757d",
                },
            ],
        },
        "options": {"plugins": {"legend": {"position": "bottom"}}},
    }


def analytics(user: User, f: Filters, today: datetime.date) -> Analytics:
    """The page's numbers: five queries whatever the number of NCs and actions."""
    queryset = filtered_ncs(user, f)
    groups = _grouped(queryset)
    bars = _bars(groups)
    cycles = _cycles(queryset)
    overdue, overdue_count = overdue_actions(queryset, today)
    result = Analytics(
        filters=f,
        total=sum(b.count for b in bars["status"]),
        by_clause=bars["clause"],
        by_unit=bars["unit"],
        by_source=bars["source"],
        by_severity=bars["severity"],
        by_status=bars["status"],
        cycles=cycles,
        overdue=overdue,
        overdue_count=overdue_count,
        repeats=repeats(user, f, groups),
    )
    n = _("Nonconformities")
    result.charts = {
        "clause": _bar_chart(result.by_clause, n),
        "unit": _bar_chart(result.by_unit, n, horizontal=True),
        "source": _doughnut(
            result.by_source,
            {b.key: PALETTE[i % len(PALETTE)] for i, b in enumerate(result.by_source)},
        ),
        "severity": _doughnut(result.by_severity, SEVERITY_COLOURS),
        "status": _bar_chart(result.by_status, n),
        "cycle": _cycle_chart(cycles),
    }
    return result
