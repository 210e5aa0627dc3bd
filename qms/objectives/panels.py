"""What quality objectives show on planning's pages (slots of ``qms.planning.panels``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest

from qms.accounts import permissions
from qms.core.models import OrgUnit
from qms.objectives import selectors
from qms.objectives.forms import StageForm
from qms.objectives.selectors import StageStatus
from qms.planning.models import Plan, PlanTask


def task_stage(request: HttpRequest, task: PlanTask) -> dict[str, Any] | None:
    """The units' progress on the objectives stage the task stands for, and the form that
    links the task to a stage (for who may edit the plan). Nothing when neither applies."""
    stage = selectors.stage_status([task.pk]).get(task.pk)
    may_link = permissions.can(request.user, "planning.edit_plan", task.plan.agency)
    form = StageForm(initial={"year": task.plan.year}) if may_link else None
    if stage is None and form is None:
        return None
    return {"task": task, "objective_stage": stage, "stage_form": form}


def task_stage_rows(
    request: HttpRequest, plan: Plan, tasks: Sequence[PlanTask]
) -> Mapping[int, StageStatus]:
    """For each task of the plan's table linked to an objectives stage: who has submitted."""
    return selectors.stage_status([t.pk for t in tasks])


def policy_card(request: HttpRequest, agency: OrgUnit | None) -> dict[str, Any] | None:
    """The agency's quality policy in force, if one is approved."""
    policy = selectors.policy_in_force(agency)
    return {"policy": policy} if policy else None


# Slots of objectives' pages that other areas fill (``{% panels SET_DETAIL set %}``).
# Below the objectives table of a set's page; the panel gets the set.
SET_DETAIL = "objectives.set_detail"
