"""Action plans of quality objectives (ISO 9001:2015 clause 6.2.2): what will be done,
with what resources, by whom, by when, and how the result is evaluated.

Who may do what (the views check it; the services check the state):

* Adding or changing an action needs ``objectives.edit_set`` on the set's unit (its head
  or the ISO committee), like the objectives themselves. ``objectives.measure`` (which
  staff hold) is not enough: an action plan commits the unit's people, resources and
  deadlines, which is the head's decision; staff record what was achieved.
* States: while the set is a *draft* (prepared with the objectives) and once it is
  *approved* (plans evolve during the year); not while *submitted* (leadership is reading
  what was sent) nor once *evaluated* (the period is closed).
* Actions are never deleted (they are part of the ISO record) and carry no state of
  their own: once one becomes a task of the yearly plan, its progress is followed there,
  and the action no longer changes (its task is changed through the plan).
* Turning an action into a plan task additionally needs ``planning.edit_plan`` on the
  agency (the ISO committee): the task is an amendment of the agency's *issued* plan, a
  document only the committee edits. Only actions of an approved set become tasks: the
  plan carries out objectives leadership has approved.

The new task is an ordinary open task of an issued plan, so ``run_periodic`` reminds its
lead unit (the objective's owner unit) like any other (``qms.planning.reminders``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qms.accounts.models import User
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.objectives.models import Objective, ObjectiveAction, ObjectiveSet
from qms.objectives.services import ObjectiveError
from qms.planning import services as planning
from qms.planning.models import Plan, PlanTask

S = ObjectiveSet.Status
ACTION_FIELDS = ("action", "resources", "responsible", "deadline", "evaluation_method", "task")
EDITABLE_STATES = frozenset({S.DRAFT, S.APPROVED})


@dataclass
class ActionInput:
    action: str
    resources: str = ""
    responsible: str = ""
    deadline: datetime.date | None = None
    evaluation_method: str = ""


def can_change_actions(objective_set: ObjectiveSet) -> bool:
    """Whether the set's state lets its action plans change (draft or approved)."""
    return objective_set.status in EDITABLE_STATES


def _check_state(objective_set: ObjectiveSet) -> None:
    if objective_set.status == S.SUBMITTED:
        raise ObjectiveError(
            _("The objectives are waiting for approval: their action plans change once approved.")
        )
    if objective_set.status == S.EVALUATED:
        raise ObjectiveError(_("The period is evaluated: its action plans no longer change."))


def _check_action(objective_set: ObjectiveSet, data: ActionInput) -> None:
    if not data.action.strip():
        raise ObjectiveError(_("Write the action."))
    period = objective_set.period
    if data.deadline is not None and data.deadline > period.end:
        raise ObjectiveError(
            _("The deadline must be on or before the end of %(period)s (%(end)s).")
            % {"period": period.label, "end": period.end.strftime("%d/%m/%Y")}
        )


def action_save(
    *,
    actor: User,
    objective: Objective,
    data: ActionInput,
    action: ObjectiveAction | None = None,
) -> ObjectiveAction:
    """Add (``action`` None) or change an action of ``objective``'s plan."""
    with transaction.atomic():
        locked = (
            ObjectiveSet.objects.select_for_update()
            .select_related("period", "agency")
            .get(pk=objective.objective_set_id)
        )
        _check_state(locked)
        _check_action(locked, data)
        if action is None:
            action = ObjectiveAction(objective=objective)
            before: Snapshot = {}
        else:
            action = ObjectiveAction.objects.select_for_update().get(
                pk=action.pk, objective=objective
            )
            if action.task_id is not None:
                raise ObjectiveError(
                    _("This action is followed as a task of the yearly plan: change the task.")
                )
            before = snapshot(action, ACTION_FIELDS)
        action.action = data.action.strip()
        action.resources = data.resources.strip()
        action.responsible = data.responsible.strip()
        action.deadline = data.deadline
        action.evaluation_method = data.evaluation_method.strip()
        action.save()
        logentry_create(
            actor=actor,
            action="objectives.action.saved",
            obj=action,
            unit=locked.agency,
            before=before,
            after=snapshot(action, ACTION_FIELDS),
        )
    return action


def issued_plan(agency_id: int, year: int) -> Plan | None:
    """The agency's issued yearly plan of ``year`` (the latest one if there are several)."""
    return (
        Plan.objects.filter(
            agency_id=agency_id, year=year, status=Plan.Status.ISSUED, archived_at__isnull=True
        )
        .order_by("-issued_on", "-pk")
        .first()
    )


def amendment_reason(objective: Objective, objective_set: ObjectiveSet) -> str:
    # Part of the plan's amendment record, an official document in Vietnamese (like the
    # appendix note of the planning app): not interface text, so not translated.
    unit = objective_set.unit.display_name
    statement = " ".join(objective.statement.split())
    if len(statement) > 200:
        statement = statement[:199] + "…"
    period = objective_set.period.label
    return f"Thực hiện mục tiêu chất lượng {period} của {unit}: {statement}"


def action_to_task(*, actor: User, action: ObjectiveAction) -> PlanTask:
    """Add the action as a task of the agency's issued plan of its deadline's year: led by
    the objective's owner unit, due on the deadline; the action then links to it."""
    with transaction.atomic():
        action = (
            ObjectiveAction.objects.select_for_update()
            .select_related("objective__owner_unit")
            .get(pk=action.pk)
        )
        objective = action.objective
        objective_set = ObjectiveSet.objects.select_related("period", "agency", "unit").get(
            pk=objective.objective_set_id
        )
        if action.task_id is not None:
            raise ObjectiveError(_("This action is already a task of the yearly plan."))
        if objective_set.status != S.APPROVED:
            raise ObjectiveError(
                _("Only actions of approved objectives become tasks of the yearly plan.")
            )
        if action.deadline is None:
            raise ObjectiveError(_("Give the action a deadline first: it becomes the due date."))
        plan = issued_plan(objective_set.agency_id, action.deadline.year)
        if plan is None:
            raise ObjectiveError(
                _("There is no issued yearly plan for %(year)d to add the task to.")
                % {"year": action.deadline.year}
            )
        # Lock the plan before numbering, so two tasks added at once get two numbers.
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        last = plan.tasks.aggregate(n=Max("number"))["n"] or 0
        before = snapshot(action, ACTION_FIELDS)
        try:
            task = planning.task_create(
                actor=actor,
                plan=plan,
                data=planning.TaskInput(
                    number=last + 1,
                    content=action.action,
                    timing_text=f"Trước {action.deadline:%d/%m/%Y}",
                    due_date=action.deadline,
                    lead_units=[objective.owner_unit],
                    partner_units=[],
                ),
                amendment_reason=amendment_reason(objective, objective_set),
            )
        except planning.PlanningError as exc:
            raise ObjectiveError(str(exc)) from exc
        action.task = task
        action.save(update_fields=["task"])
        logentry_create(
            actor=actor,
            action="objectives.action.to_task",
            obj=action,
            unit=objective_set.agency,
            before=before,
            after=snapshot(action, ACTION_FIELDS),
            note=str(plan),
        )
    return task
