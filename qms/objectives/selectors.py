"""Reads for quality objectives: sets by period, a set with its lights and roll-ups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from qms.accounts import permissions
from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.objectives import rules
from qms.objectives.models import Measurement, Objective, ObjectiveSet, Period


def get_set_for_user(user: User, pk: int, action: str = "objectives.view") -> ObjectiveSet:
    """404 outside the user's agencies, 403 without the role for ``action`` on the unit."""
    objective_set = get_object_or_404(
        ObjectiveSet.objects.filter(
            permissions.agency_scope_q(user, "objectives.view")
        ).select_related("agency", "unit", "period", "submitted_by", "approved_by", "evaluated_by"),
        pk=pk,
    )
    if action != "objectives.view":
        unit = (
            objective_set.agency
            if action in {"objectives.review", "objectives.approve"}
            else objective_set.unit
        )
        if not permissions.can(user, action, unit):
            raise PermissionDenied
    return objective_set


def get_objective_for_user(user: User, pk: int, action: str = "objectives.view") -> Objective:
    objective = get_object_or_404(Objective.objects.select_related("objective_set"), pk=pk)
    objective.objective_set = get_set_for_user(user, objective.objective_set_id, action)
    return objective


def periods(agency: OrgUnit) -> QuerySet[Period]:
    return Period.objects.filter(agency=agency).order_by("-start")


@dataclass
class UnitRow:
    unit: OrgUnit
    objective_set: ObjectiveSet | None
    can_edit: bool


def unit_rows(user: User, agency: OrgUnit, period: Period) -> list[UnitRow]:
    """The agency and its divisions/committees/office with their set for ``period``."""
    sets = {
        s.unit_id: s
        for s in ObjectiveSet.objects.filter(period=period).annotate(n=Count("objectives"))
    }
    units = [
        agency,
        *OrgUnit.objects.filter(
            parent=agency,
            archived_at__isnull=True,
            kind__in=[OrgUnit.Kind.OFFICE, OrgUnit.Kind.DIVISION, OrgUnit.Kind.COMMITTEE],
        ).order_by("sort_order", "name"),
    ]
    return [
        UnitRow(u, sets.get(u.pk), permissions.can(user, "objectives.edit_set", u)) for u in units
    ]


@dataclass
class ObjectiveRow:
    objective: Objective
    latest: Decimal | None
    light: str
    rollup: Decimal | None
    contributions: list[Objective]


def set_rows(objective_set: ObjectiveSet, today: datetime.date) -> list[ObjectiveRow]:
    """Each objective with its latest value, traffic light and (agency set) roll-up; a fixed
    number of queries whatever the number of objectives."""
    period = objective_set.period
    measurements = Prefetch(
        "measurements", queryset=Measurement.objects.order_by("measured_on", "id")
    )
    contributions = Prefetch(
        "contributions",
        queryset=Objective.objects.select_related("objective_set__unit").prefetch_related(
            measurements
        ),
    )
    objectives = objective_set.objectives.select_related(
        "owner_unit", "owner", "contributes_to"
    ).prefetch_related(measurements, contributions)
    rows = []
    for obj in objectives:
        points = [rules.Point(m.measured_on, m.value) for m in obj.measurements.all()]
        parts = list(obj.contributions.all())
        values = []
        for part in parts:
            latest_part = part.result if part.result is not None else _last(part)
            if latest_part is not None:
                values.append((latest_part, part.weight))
        rolled = rules.aggregate(obj.aggregation, values) if parts else None
        if not points and rolled is not None:
            # An agency objective measured through its units: judge the roll-up.
            points = [rules.Point(min(today, period.end), rolled)]
        rows.append(
            ObjectiveRow(
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
                rollup=rolled,
                contributions=parts,
            )
        )
    return rows


def _last(objective: Objective) -> Decimal | None:
    items = list(objective.measurements.all())
    return items[-1].value if items else None


def agency_objectives(objective_set: ObjectiveSet) -> QuerySet[Objective]:
    """The objectives a unit's objective may contribute to."""
    return Objective.objects.filter(
        objective_set__unit=objective_set.agency, objective_set__period=objective_set.period
    ).order_by("order")


def policies(agency: OrgUnit) -> list[Any]:
    """The policy in force and the drafts waiting for approval (newest first)."""
    from qms.objectives.models import QualityPolicy

    return list(
        QualityPolicy.objects.filter(agency=agency)
        .exclude(status=QualityPolicy.Status.SUPERSEDED)
        .select_related("approved_by", "created_by")
        .order_by("-version_no")
    )
