"""Reads for quality objectives: sets by period, a set with its lights and roll-ups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from qms.accounts import permissions
from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.objectives import dashboards
from qms.objectives.models import (
    Objective,
    ObjectiveSet,
    Period,
    PlanStage,
    QualityPolicy,
)
from qms.planning.models import PlanTask

S = ObjectiveSet.Status


def get_set_for_user(
    user: User, pk: int, action: str = "objectives.view", *, signers: bool = False
) -> ObjectiveSet:
    """404 outside the user's agencies, 403 without the role for ``action`` on the unit.
    ``signers`` joins who approved and evaluated the set (the exports print them): three
    more joins that cost more to plan than the rest of the query (bench/queries.py)."""
    objective_set = get_object_or_404(
        ObjectiveSet.objects.filter(
            permissions.agency_scope_q_for_reading(user, "objectives.view")
        ).select_related(
            "agency", "unit", "period", *(("approved_by", "evaluated_by") if signers else ())
        ),
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


def get_policy_for_user(user: User, pk: int, action: str) -> QualityPolicy:
    """404 outside the user's agencies, 403 without ``action`` on the policy's agency."""
    policy = get_object_or_404(
        QualityPolicy.objects.filter(
            permissions.agency_scope_q_for_reading(user, "objectives.view")
        ).select_related("agency"),
        pk=pk,
    )
    if not permissions.can(user, action, policy.agency):
        raise PermissionDenied
    return policy


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
    units = dashboards.dashboard_units(agency)
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
    rows, _trends = dashboards.set_dashboard(objective_set, today, with_trends=False)
    return [
        ObjectiveRow(
            objective=r.objective,
            latest=r.latest,
            light=r.light,
            rollup=r.rollup,
            contributions=[c.objective for c in r.contributions],
        )
        for r in rows
    ]


def agency_objectives(objective_set: ObjectiveSet) -> QuerySet[Objective]:
    """The objectives a unit's objective may contribute to."""
    return Objective.objects.filter(
        objective_set__unit=objective_set.agency, objective_set__period=objective_set.period
    ).order_by("order")


def policies(agency: OrgUnit) -> list[Any]:
    """The policy in force and the drafts waiting for approval (newest first)."""
    return list(
        QualityPolicy.objects.filter(agency=agency)
        .exclude(status=QualityPolicy.Status.SUPERSEDED)
        .select_related("approved_by", "created_by")
        .order_by("-version_no")
    )


# --------------------------------------------------------------------------- plan tasks 2 and 3

DONE_SUBMITTING = {ObjectiveSet.Status.SUBMITTED, ObjectiveSet.Status.APPROVED, S.EVALUATED}


@dataclass
class StageRow:
    """One unit expected to act in a linked task: last period evaluated, new set submitted."""

    unit: OrgUnit
    evaluated: ObjectiveSet | None
    new: ObjectiveSet | None

    @property
    def evaluated_done(self) -> bool:
        # A unit that had no objectives last period has nothing to evaluate.
        return self.evaluated is None or self.evaluated.status == S.EVALUATED

    @property
    def submitted(self) -> bool:
        return self.new is not None and self.new.status in DONE_SUBMITTING

    @property
    def done(self) -> bool:
        return self.evaluated_done and self.submitted


@dataclass
class StageStatus:
    link: PlanStage
    rows: list[StageRow]
    lead_ids: set[int]

    @property
    def done_count(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def missing(self) -> list[StageRow]:
        return [r for r in self.rows if not r.done]


def stage_status(task_ids: list[int]) -> dict[int, StageStatus]:
    """For each linked task: which units have evaluated and submitted. Three queries
    whatever the number of tasks and units."""
    links = list(
        PlanStage.objects.filter(task_id__in=task_ids).select_related(
            "task__plan__agency", "evaluated_period", "new_period"
        )
    )
    if not links:
        return {}
    through = PlanTask.lead_units.through
    leads: dict[int, list[OrgUnit]] = {}
    for row in (
        through.objects.filter(plantask_id__in=[link.task_id for link in links])
        .select_related("orgunit")
        .order_by("orgunit__sort_order", "orgunit__name")
    ):
        leads.setdefault(row.plantask_id, []).append(row.orgunit)
    period_ids = {link.new_period_id for link in links} | {
        link.evaluated_period_id for link in links if link.evaluated_period_id
    }
    sets = {
        (s.unit_id, s.period_id): s
        for s in ObjectiveSet.objects.filter(period_id__in=period_ids).only(
            "id", "unit_id", "period_id", "status", "submitted_at", "evaluated_at"
        )
    }
    out = {}
    for link in links:
        agency = link.task.plan.agency
        if link.stage == PlanStage.Stage.AGENCY:
            units = [agency]
        else:
            units = [u for u in leads.get(link.task_id, []) if u.pk != agency.pk]
        rows = [
            StageRow(
                unit=u,
                evaluated=sets.get((u.pk, link.evaluated_period_id))
                if link.evaluated_period_id
                else None,
                new=sets.get((u.pk, link.new_period_id)),
            )
            for u in units
        ]
        out[link.task_id] = StageStatus(
            link=link, rows=rows, lead_ids={u.pk for u in leads.get(link.task_id, [])}
        )
    return out


def lead_units_done(task_ids: list[int]) -> dict[int, set[int]]:
    """For the reminders: per linked task, the lead units that need no reminder (their
    part is done). An agency-stage task is done for all its leads once the agency is."""
    out: dict[int, set[int]] = {}
    for task_id, status in stage_status(task_ids).items():
        if status.link.stage == PlanStage.Stage.AGENCY:
            out[task_id] = set(status.lead_ids) if status.done_count else set()
        else:
            out[task_id] = {r.unit.pk for r in status.rows if r.done}
    return out


def linked_tasks(agency: OrgUnit, period: Period) -> list[StageStatus]:
    """The plan tasks that stand for setting ``period``'s objectives, with their units."""
    task_ids = list(
        PlanStage.objects.filter(new_period=period, task__plan__agency=agency).values_list(
            "task_id", flat=True
        )
    )
    statuses = stage_status(task_ids)
    return sorted(statuses.values(), key=lambda s: (s.link.task.plan.year, s.link.task.number))


def policy_in_force(agency: OrgUnit | None) -> QualityPolicy | None:
    if agency is None:
        return None
    return (
        QualityPolicy.objects.filter(agency=agency, status=QualityPolicy.Status.APPROVED)
        .select_related("approved_by")
        .first()
    )
