"""Dashboards of quality objectives: the department's (every unit of a period, the matrix
units × department objectives with their lights, a chart per indicator) and a unit's
(its objectives with their period-over-period trend).

Everything is read in a fixed number of queries whatever the number of units, objectives
and measurements (asserted in tests, measured by ``bench/objectives.py``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from qms.core.models import OrgUnit
from qms.objectives import rules
from qms.objectives.models import Measurement, Objective, ObjectiveAction, ObjectiveSet, Period

L = rules.Light
LIGHTS = (L.ON_TRACK, L.AT_RISK, L.OFF_TRACK, L.UNKNOWN)
LIGHT_COLOURS = {
    L.ON_TRACK: "#198754",
    L.AT_RISK: "#ffc107",
    L.OFF_TRACK: "#dc3545",
    L.UNKNOWN: "#adb5bd",
}
HISTORY_PERIODS = 4


def light_labels() -> dict[str, str]:
    return {light: str(label) for light, label in L.choices}


@dataclass
class Row:
    """An objective with what the dashboards show of it."""

    objective: Objective
    latest: Decimal | None
    light: str
    rollup: Decimal | None = None
    contributions: list[Row] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        """The value judged: the result once evaluated, else the latest (or roll-up)."""
        if self.objective.result is not None:
            return self.objective.result
        return self.latest


POINTS = "measured_points"


def _measured(objective: Objective) -> list[rules.Point]:
    points: list[rules.Point] | None = objective.__dict__.get(POINTS)
    if points is not None:
        return points
    return [rules.Point(m.measured_on, m.value) for m in objective.measurements.all()]


# What the lights and values read of an objective's measurements: the latest value, and
# the line through the last two (rules.light, rules.projected; trends read the latest).
LAST_POINTS = 2


def with_points(objectives: Iterable[Objective]) -> list[Objective]:
    """``objectives`` with their last measurements as points in date order (the last
    ``LAST_POINTS``: all the lights and values read), in one query of bare values (building
    a Measurement per row, then every row of a year, was most of a dashboard's time)."""
    items = list(objectives)
    points: dict[int, list[rules.Point]] = {o.pk: [] for o in items}
    if points:
        rows = (
            Measurement.objects.filter(objective_id__in=list(points))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("objective_id")],
                    order_by=[F("measured_on").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=LAST_POINTS)
            .order_by("objective_id", "rank")
            .values_list("objective_id", "measured_on", "value")
        )
        for objective_id, measured_on, value in rows:
            points[objective_id].insert(0, rules.Point(measured_on, value))
    for o in items:
        o.__dict__[POINTS] = points[o.pk]
    return items


def build_rows(objectives: Iterable[Objective], period: Period, today: datetime.date) -> list[Row]:
    """Rows for objectives of one period whose measurements are prefetched in date order;
    an objective of the agency gets the roll-up of the unit objectives among
    ``objectives`` that contribute to it, and is judged on it when not measured itself."""
    items = list(objectives)
    rows = {o.pk: _row(o, _measured(o), period, today) for o in items}
    for o in items:
        if o.contributes_to_id in rows:
            rows[o.contributes_to_id].contributions.append(rows[o.pk])
    for row in rows.values():
        if not row.contributions:
            continue
        values = [(c.value, c.objective.weight) for c in row.contributions if c.value is not None]
        row.rollup = rules.aggregate(row.objective.aggregation, values)
        if row.latest is None and row.rollup is not None:
            points = [rules.Point(min(today, period.end), row.rollup)]
            judged = _row(row.objective, points, period, today)
            row.latest, row.light = judged.latest, judged.light
    return [rows[o.pk] for o in items]


def _row(obj: Objective, points: list[rules.Point], period: Period, today: datetime.date) -> Row:
    if obj.achieved is not None:
        # Evaluated: the verdict replaces the forecast.
        return Row(
            objective=obj,
            latest=points[-1].value if points else None,
            light=L.ON_TRACK if obj.achieved else L.OFF_TRACK,
        )
    return Row(
        objective=obj,
        latest=points[-1].value if points else None,
        light=rules.light(
            direction=obj.direction,
            target=obj.target,
            baseline=obj.baseline,
            points=points,
            period_start=period.start,
            period_end=period.end,
            today=today,
            target_date=obj.target_date,
        ),
    )


# What a set's page prints of a measurement and who entered it (User.display_name).
MEASUREMENT_SHOWN = (
    "id",
    "objective_id",
    "measured_on",
    "value",
    "comment",
    "computed",
    "evidence",
    "evidence_name",
    "entered_by__id",
    "entered_by__first_name",
    "entered_by__last_name",
    "entered_by__username",
)
# What a contribution is judged and shown on (rules.light, Row.value, the roll-up's weight,
# the unit's name and the set's status): 120 objectives with their sets and units on an
# agency's set, where building whole instances was most of the page's time.
CONTRIBUTION_FIELDS = (
    "id",
    "objective_set_id",
    "contributes_to_id",
    "direction",
    "target",
    "baseline",
    "target_date",
    "result",
    "achieved",
    "weight",
    "objective_set__id",
    "objective_set__status",
    "objective_set__unit__id",
    "objective_set__unit__name",
    "objective_set__unit__short_name",
)


def _with_measurements(*, full: bool = False) -> Prefetch:
    """Measurements in date order: only what the lights need, or (``full``) with comment,
    evidence and who entered them, for a set's own page. Building the User objects is most
    of the dashboard's time at province scale (bench/objectives.py), so it is left out there."""
    queryset = Measurement.objects.order_by("measured_on", "id")
    if full:
        queryset = queryset.select_related("entered_by").only(*MEASUREMENT_SHOWN)
    else:
        queryset = queryset.only("id", "objective_id", "measured_on", "value")
    return Prefetch("measurements", queryset=queryset)


# --------------------------------------------------------------------------- trends


@dataclass
class Trend:
    """Period-over-period values of one indicator, oldest first, for a line chart."""

    row: Row
    labels: list[str]
    values: list[float | None]
    targets: list[float | None]

    @property
    def chart_id(self) -> str:
        return f"trend-{self.row.objective.pk}"

    @property
    def data_id(self) -> str:
        return f"trend-{self.row.objective.pk}-data"

    def chart(self) -> dict[str, Any]:
        unit = self.row.objective.unit_of_measure
        return {
            "type": "line",
            "data": {
                "labels": self.labels,
                "datasets": [
                    {
                        "label": _("Result") + (f" ({unit})" if unit else ""),
                        "data": self.values,
                        "borderColor": "#0d6efd",
                        "backgroundColor": "#0d6efd",
                        "tension": 0.2,
                        "spanGaps": True,
                    },
                    {
                        "label": _("Target"),
                        "data": self.targets,
                        "borderColor": "#dc3545",
                        "backgroundColor": "#dc3545",
                        "borderDash": [6, 4],
                        "pointRadius": 0,
                        "stepped": True,
                    },
                ],
            },
            "options": {"plugins": {"legend": {"position": "bottom"}}},
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trends(rows: list[Row], period: Period) -> list[Trend]:
    """For each numeric objective of ``rows`` (one set), its value in up to three earlier
    periods it was carried over from, then now. One or two queries."""
    numeric = [r for r in rows if r.objective.direction != Objective.Direction.BY_DATE]
    if not numeric:
        return []
    unit_id = numeric[0].objective.objective_set.unit_id
    earlier_periods = (  # a subquery of the objectives' query, not a query of its own
        Period.objects.filter(agency_id=period.agency_id, kind=period.kind, start__lt=period.start)
        .order_by("-start")
        .values("pk")[: HISTORY_PERIODS - 1]
    )
    history = {
        o.pk: o
        for o in Objective.objects.filter(
            objective_set__unit_id=unit_id, objective_set__period_id__in=earlier_periods
        )
        .select_related("objective_set__period")
        .order_by()
    }
    # An evaluated objective shows its result: only the others need their measurements
    # (none once the earlier periods are evaluated: no query then).
    with_points([o for o in history.values() if o.result is None])
    out = []
    for row in numeric:
        chain: list[tuple[str, Decimal | None, Decimal | None]] = []
        previous = history.get(row.objective.carried_from_id or 0)
        while previous is not None and len(chain) < HISTORY_PERIODS - 1:
            value = previous.result
            if value is None and (points := _measured(previous)):
                value = points[-1].value
            chain.append((previous.objective_set.period.label, value, previous.target))
            previous = history.get(previous.carried_from_id or 0)
        chain.reverse()
        chain.append((period.label, row.value, row.objective.target))
        out.append(
            Trend(
                row=row,
                labels=[c[0] for c in chain],
                values=[_num(c[1]) for c in chain],
                targets=[_num(c[2]) for c in chain],
            )
        )
    return out


# --------------------------------------------------------------------------- department


@dataclass
class MatrixRow:
    unit: OrgUnit
    objective_set: ObjectiveSet | None
    cells: list[list[Row]]
    others: list[Row]

    @property
    def counts(self) -> list[tuple[str, int]]:
        found = Counter(r.light for cell in self.cells for r in cell)
        found.update(r.light for r in self.others)
        return [(light, found[light]) for light in LIGHTS if found[light]]


@dataclass
class Dashboard:
    agency: OrgUnit
    period: Period
    agency_set: ObjectiveSet | None
    columns: list[Row]
    matrix: list[MatrixRow]
    counts: dict[str, int]
    trends: list[Trend]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lights_chart(self) -> dict[str, Any]:
        labels = light_labels()
        return {
            "type": "doughnut",
            "data": {
                "labels": [labels[light] for light in LIGHTS],
                "datasets": [
                    {
                        "data": [self.counts.get(light, 0) for light in LIGHTS],
                        "backgroundColor": [LIGHT_COLOURS[light] for light in LIGHTS],
                    }
                ],
            },
            "options": {"plugins": {"legend": {"position": "right"}}},
        }


def dashboard_units(agency: OrgUnit) -> list[OrgUnit]:
    """The agency and its offices, divisions and committees, in the tree's order."""
    return [
        agency,
        *OrgUnit.objects.filter(
            parent=agency,
            archived_at__isnull=True,
            kind__in=[OrgUnit.Kind.OFFICE, OrgUnit.Kind.DIVISION, OrgUnit.Kind.COMMITTEE],
        ).order_by("sort_order", "name"),
    ]


def _objectives_of(
    sets: Iterable[ObjectiveSet], units: list[OrgUnit], *, with_owners: bool
) -> list[Objective]:
    """The objectives of ``sets`` (of ``units``) in set order with their points, each given
    its set and the set its unit from what is already read: joining the sets made
    PostgreSQL hash every set of every period (bench/queries.py)."""
    by_unit = {u.pk: u for u in units}
    by_id = {}
    for s in sets:
        s.unit = by_unit[s.unit_id]
        by_id[s.pk] = s
    queryset = Objective.objects.filter(objective_set_id__in=list(by_id))
    if with_owners:  # select_related() without fields would follow every foreign key
        queryset = queryset.select_related("owner_unit", "owner", "contributes_to")
    objectives = with_points(queryset.order_by("objective_set_id", "order", "id"))
    for o in objectives:
        o.objective_set = by_id[o.objective_set_id]
    return objectives


def department(
    agency: OrgUnit,
    period: Period,
    today: datetime.date,
    *,
    with_trends: bool = True,
    with_owners: bool = True,
) -> Dashboard:
    """Every unit's objectives of ``period`` with their lights, the matrix units ×
    agency objectives, and the trend of each agency indicator. Six queries.
    ``with_owners`` joins each objective's owners and the objective it contributes to
    (the exports print them; the dashboard and matrix pages do not)."""
    units = dashboard_units(agency)
    sets = {
        s.unit_id: s
        for s in ObjectiveSet.objects.filter(
            period=period, unit__in=[u.pk for u in units]
        ).order_by()
    }
    objectives = _objectives_of(sets.values(), units, with_owners=with_owners)
    rows = build_rows(objectives, period, today)
    agency_set = sets.get(agency.pk)
    columns = [r for r in rows if agency_set and r.objective.objective_set_id == agency_set.pk]
    column_index = {r.objective.pk: i for i, r in enumerate(columns)}
    by_set: dict[int, list[Row]] = {}
    for r in rows:
        by_set.setdefault(r.objective.objective_set_id, []).append(r)
    matrix = []
    for unit in units[1:]:
        unit_set = sets.get(unit.pk)
        cells: list[list[Row]] = [[] for _c in columns]
        others = []
        for r in by_set.get(unit_set.pk, []) if unit_set else []:
            index = column_index.get(r.objective.contributes_to_id or 0)
            if index is None:
                others.append(r)
            else:
                cells[index].append(r)
        matrix.append(MatrixRow(unit=unit, objective_set=unit_set, cells=cells, others=others))
    counts = Counter(r.light for r in rows)
    return Dashboard(
        agency=agency,
        period=period,
        agency_set=agency_set,
        columns=columns,
        matrix=matrix,
        counts={light: counts[light] for light in LIGHTS},
        trends=trends(columns, period) if columns and with_trends else [],
    )


def objective_row(objective: Objective, today: datetime.date) -> Row:
    """One objective with its latest value, light and the contributions of the units."""
    parts = list(
        Objective.objects.filter(contributes_to=objective)
        .select_related("objective_set__unit")
        .prefetch_related(_with_measurements())
        .order_by("objective_set__unit__sort_order", "objective_set__unit__name")
    )
    objective = (
        Objective.objects.select_related("objective_set__period")
        .prefetch_related(_with_measurements())
        .get(pk=objective.pk)
    )
    return build_rows([objective, *parts], objective.objective_set.period, today)[0]


def set_dashboard(
    objective_set: ObjectiveSet,
    today: datetime.date,
    *,
    with_trends: bool = True,
    with_owners: bool = True,
    count_actions: bool = False,
) -> tuple[list[Row], list[Trend]]:
    """A unit's (or the agency's) set: its rows with roll-ups and their trends.
    ``with_owners`` joins each objective's owners (the exports print them; the set's page
    does not); ``count_actions`` gives each objective its number of actions as
    ``action_count`` (None for none) within the same query (the set's page prints it).
    The objectives come in the set's order without joining the set (it is
    ``objective_set``); the contributions in their units' order (all of one period)."""
    period = objective_set.period
    queryset = objective_set.objectives.select_related(
        "contributes_to", *(("owner_unit", "owner") if with_owners else ())
    )
    if count_actions:
        queryset = queryset.annotate(
            action_count=Subquery(
                ObjectiveAction.objects.filter(objective=OuterRef("pk"))
                .order_by()
                .values("objective")
                .annotate(n=Count("id"))
                .values("n")
            )
        )
    objectives = list(
        queryset.prefetch_related(_with_measurements(full=True)).order_by("order", "id")
    )
    for o in objectives:
        o.objective_set = objective_set
    contributing: list[Objective] = []
    if objective_set.is_agency_set and objectives:
        contributing = with_points(
            Objective.objects.filter(contributes_to__in=objectives, objective_set__period=period)
            .select_related("objective_set__unit")
            .only(*CONTRIBUTION_FIELDS)
            .order_by("objective_set__unit__path", "order", "id")
        )
    rows = build_rows([*objectives, *contributing], period, today)[: len(objectives)]
    return rows, trends(rows, period) if with_trends else []
