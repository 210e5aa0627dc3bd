"""What the NC area shows on its sources' pages: the NCs raised from the record and, for
who may raise one, a "Raise a nonconformity" button (slots of planning, objectives and
documents, filled from ``NonconformitiesConfig.ready``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from qms.accounts import permissions
from qms.documents.models import Document
from qms.nonconformities import foundation_sources as fs
from qms.nonconformities import selectors, sources
from qms.nonconformities.models import Nonconformity
from qms.objectives.models import Objective, ObjectiveSet
from qms.planning.models import PlanTask

TEMPLATE = "nonconformities/partials/_source_panel.html"


@dataclass(frozen=True)
class SourceItem:
    label: str
    ncs: list[Nonconformity]
    raise_url: str


def _visible(request: HttpRequest, ncs: list[Nonconformity]) -> list[Nonconformity]:
    return [nc for nc in ncs if permissions.can(request.user, "nonconformities.view", nc.unit)]


def _raise_url(request: HttpRequest, key: str, obj: Any) -> str:
    if not fs.ELIGIBLE[key](obj):
        return ""
    facts = sources.get(key).describe(obj)
    if not permissions.can(request.user, "nonconformities.raise", facts.unit):
        return ""
    return reverse("nonconformities:raise", kwargs={"source_key": key, "object_id": obj.pk})


def _single(request: HttpRequest, key: str, obj: Any) -> dict[str, Any] | None:
    ncs = _visible(request, selectors.ncs_for_sources(key, [obj.pk])[obj.pk])
    url = _raise_url(request, key, obj)
    if not ncs and not url:
        return None
    return {"items": [SourceItem("", ncs, url)], "panel_id": f"nc-panel-{key}"}


def task_panel(request: HttpRequest, task: PlanTask) -> dict[str, Any] | None:
    return _single(request, fs.TASK_OVERDUE, task)


def document_panel(request: HttpRequest, document: Document) -> dict[str, Any] | None:
    return _single(request, fs.DOCUMENT_REVIEW_OVERDUE, document)


def objective_set_panel(request: HttpRequest, objective_set: ObjectiveSet) -> dict[str, Any] | None:
    """One line per objective evaluated as not achieved, or with NCs raised from it."""
    objectives = list(
        Objective.objects.filter(objective_set=objective_set)
        .select_related("objective_set__period", "objective_set__agency", "objective_set__unit")
        .select_related("owner_unit")
        .order_by("order", "pk")
    )
    found = selectors.ncs_for_sources(fs.OBJECTIVE_NOT_ACHIEVED, [o.pk for o in objectives])
    items = []
    for o in objectives:
        ncs = _visible(request, found[o.pk])
        url = _raise_url(request, fs.OBJECTIVE_NOT_ACHIEVED, o)
        if ncs or url:
            items.append(SourceItem(f"{o.order}. {' '.join(o.statement.split())}", ncs, url))
    if not items:
        return None
    return {"items": items, "panel_id": "nc-panel-objectives"}


def my_actions(request: HttpRequest, agency: Any) -> dict[str, Any] | None:
    """On "My tasks": the user's own open corrective actions, nearest deadline first."""
    if not request.user.is_authenticated:
        return None
    actions = list(selectors.open_actions_of(request.user)[:20])  # type: ignore[arg-type]
    if not actions:
        return None
    return {"my_actions": actions, "today": timezone.localdate()}
