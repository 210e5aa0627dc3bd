"""The action plan of one objective (6.2.2): list, add, change, turn into a plan task.

Who may do what is explained in :mod:`qms.objectives.action_services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qms.accounts import permissions
from qms.accounts.models import User
from qms.core.http import AuthedRequest
from qms.objectives import action_services, selectors
from qms.objectives.action_forms import ActionForm
from qms.objectives.models import Objective, ObjectiveAction, ObjectiveSet
from qms.objectives.services import ObjectiveError

EDIT = "objectives.edit_set"


def _actions(objective: Objective) -> QuerySet[ObjectiveAction]:
    return objective.actions.select_related("task__plan").order_by("deadline", "id")


def _can_edit(user: User, objective_set: ObjectiveSet) -> bool:
    allowed = permissions.can(user, EDIT, objective_set.unit)
    return allowed and action_services.can_change_actions(objective_set)


def _can_make_tasks(user: User, objective_set: ObjectiveSet) -> bool:
    return (
        permissions.can(user, EDIT, objective_set.unit)
        and permissions.can(user, "planning.edit_plan", objective_set.agency)
        and objective_set.status == ObjectiveSet.Status.APPROVED
    )


def _page(
    request: AuthedRequest,
    objective: Objective,
    form: ActionForm | None = None,
    editing: ObjectiveAction | None = None,
) -> HttpResponse:
    objective_set = objective.objective_set
    can_edit = _can_edit(request.user, objective_set)
    if form is None and can_edit:
        form = ActionForm()
    return render(
        request,
        "objectives/actions.html",
        {
            "objective": objective,
            "set": objective_set,
            "actions": _actions(objective),
            "form": form,
            "editing": editing,
            "can_edit": can_edit,
            "can_make_tasks": _can_make_tasks(request.user, objective_set),
            "may_edit_set": permissions.can(request.user, EDIT, objective_set.unit),
            "today": timezone.localdate(),
        },
    )


def _save(
    request: AuthedRequest,
    objective: Objective,
    form: ActionForm,
    action: ObjectiveAction | None = None,
) -> HttpResponse | None:
    """Run the service; a redirect on success, None (errors on the form) otherwise."""
    if not form.is_valid():
        return None
    try:
        action_services.action_save(
            actor=request.user, objective=objective, data=form.to_input(), action=action
        )
    except ObjectiveError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _("Action saved."))
    return redirect("objectives:actions", objective_pk=objective.pk)


@require_http_methods(["GET", "POST"])
def action_list(request: AuthedRequest, objective_pk: int) -> HttpResponse:
    """The objective's action plan (GET); add an action (POST)."""
    if request.method == "GET":
        return _page(request, selectors.get_objective_for_user(request.user, objective_pk))
    objective = selectors.get_objective_for_user(request.user, objective_pk, EDIT)
    form = ActionForm(request.POST)
    return _save(request, objective, form) or _page(request, objective, form)


def _action_of(objective: Objective, action_pk: int) -> ObjectiveAction:
    action = objective.actions.filter(pk=action_pk).first()
    if action is None:
        raise Http404
    return action


@require_http_methods(["GET", "POST"])
def action_edit(request: AuthedRequest, objective_pk: int, action_pk: int) -> HttpResponse:
    """Change an action (a draft or approved set, not yet a plan task)."""
    objective = selectors.get_objective_for_user(request.user, objective_pk, EDIT)
    action = _action_of(objective, action_pk)
    if request.method == "GET":
        refusal = _edit_refusal(objective.objective_set, action)
        if refusal:
            messages.error(request, refusal)
            return redirect("objectives:actions", objective_pk=objective.pk)
        initial: dict[str, Any] = {f: getattr(action, f) for f in ActionForm.base_fields}
        return _page(request, objective, ActionForm(initial=initial), editing=action)
    form = ActionForm(request.POST)
    return _save(request, objective, form, action) or _page(
        request, objective, form, editing=action
    )


def _edit_refusal(objective_set: ObjectiveSet, action: ObjectiveAction) -> str:
    if not action_services.can_change_actions(objective_set):
        return _("The action plan cannot be changed in this state of the objectives.")
    if action.task_id is not None:
        return _("This action is followed as a task of the yearly plan: change the task.")
    return ""


@require_POST
def action_to_task(request: AuthedRequest, objective_pk: int, action_pk: int) -> HttpResponse:
    """The ISO committee adds the action to the issued yearly plan as a task."""
    objective = selectors.get_objective_for_user(request.user, objective_pk, EDIT)
    if not permissions.can(request.user, "planning.edit_plan", objective.objective_set.agency):
        raise PermissionDenied
    action = _action_of(objective, action_pk)
    try:
        task = action_services.action_to_task(actor=request.user, action=action)
    except ObjectiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Task %(number)d added to plan %(plan)s; its lead unit will be reminded.")
            % {"number": task.number, "plan": task.plan},
        )
    return redirect("objectives:actions", objective_pk=objective.pk)
