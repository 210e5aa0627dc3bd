"""Reads for plans and tasks, always through ``visible_to`` (out of scope = 404)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from qms.accounts import permissions
from qms.core.models import OrgUnit
from qms.planning.models import (
    Evidence,
    Plan,
    PlanBasis,
    PlanTask,
    PlanTaskQuerySet,
    ProgressUpdate,
    overdue_q,
)

if TYPE_CHECKING:
    from qms.accounts.models import User


VIEW = "planning.view_plan"
# Task actions a role over one of the task's lead units may also do (its own work);
# every other change to a plan or its tasks is decided on the plan's agency alone.
LEAD_UNIT_ACTIONS = frozenset({"planning.update_task"})


def get_plan_for_user(user: User, pk: int, action: str = VIEW) -> Plan:
    """The plan if the user may see it (else 404) and do ``action`` on it (else 403).

    Reading is agency-wide; a change (any other ``action``) is decided by the strict
    ``can`` on the plan's agency: a leader of a school does not approve the Sở's plan.
    """
    plan = get_object_or_404(Plan.objects.visible_to(user).select_related("agency"), pk=pk)
    if action == VIEW:
        allowed = permissions.can_read_agency_wide(user, "planning.view_plan", plan.agency)
    else:
        allowed = permissions.can(user, action, plan.agency)
    if not allowed:
        raise PermissionDenied
    return plan


def task_queryset() -> PlanTaskQuerySet:
    qs: PlanTaskQuerySet = PlanTask.objects.select_related("plan", "plan__agency")
    return qs.prefetch_related(
        Prefetch("lead_units", queryset=OrgUnit.objects.only("id", "name", "short_name", "path")),
        Prefetch("partner_units", queryset=OrgUnit.objects.only("id", "name", "short_name")),
    )


def get_task_for_user(user: User, pk: int, action: str = VIEW) -> PlanTask:
    """The task if visible (else 404) and ``action`` allowed on it (else 403).

    Changes are decided on the plan's agency (ISO committee/office, leadership); progress
    (``planning.update_task``) also by the roles over one of the task's lead units.
    """
    task = get_object_or_404(task_queryset().visible_to(user), pk=pk)
    if action == VIEW:
        allowed = permissions.can_read_agency_wide(user, "planning.view_plan", task.plan.agency)
    elif action in LEAD_UNIT_ACTIONS:
        allowed = can_update_task(user, task)
    else:
        allowed = permissions.can(user, action, task.plan.agency)
    if not allowed:
        raise PermissionDenied
    return task


def can_update_task(user: User, task: PlanTask) -> bool:
    return permissions.can(user, "planning.update_task", task.plan.agency) or permissions.can_any(
        user, "planning.update_task", task.lead_units.all()
    )


def can_edit_plan(user: User, plan: Plan) -> bool:
    """May ``user`` change ``plan``'s content (its tasks, their links) now? A role over the
    plan's agency itself, and the plan a draft or issued (not submitted, not closed)."""
    return permissions.can(user, "planning.edit_plan", plan.agency) and plan.status in {
        Plan.Status.DRAFT,
        Plan.Status.ISSUED,
    }


def get_evidence_for_user(user: User, pk: int) -> Evidence:
    ev = get_object_or_404(
        Evidence.objects.select_related("update__task__plan__agency").filter(
            update__task__in=PlanTask.objects.visible_to(user)
        ),
        pk=pk,
    )
    if not permissions.can_read_agency_wide(user, "planning.view_plan", ev.update.task.plan.agency):
        raise PermissionDenied
    return ev


def _subquery_count(qs: QuerySet[Any]) -> Coalesce:
    return Coalesce(Subquery(qs.annotate(n=Count("pk")).values("n")[:1]), 0)


def plan_list(user: User, year: int | None = None) -> QuerySet[Plan]:
    # Counted per plan shown (correlated subqueries on the plan's index), not by grouping
    # the join of every visible plan with all its tasks; the pager's count reads plans only.
    tasks = PlanTask.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    qs = (
        Plan.objects.visible_to(user)
        .select_related("agency")
        .annotate(
            task_count=_subquery_count(tasks),
            done_count=_subquery_count(tasks.filter(status=PlanTask.Status.DONE)),
        )
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "agency__name", "-id")


def plan_years(user: User) -> list[int]:
    return sorted(plan_year_counts(user), reverse=True)


def plan_year_counts(user: User) -> dict[int, int]:
    """How many plans the user sees per year: the year buttons and the pager's count in
    one query (no ordering: the plans' default one joins their agency for nothing)."""
    rows = (
        Plan.objects.visible_to(user)
        .order_by()
        .values_list("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    return dict(rows)


def task_filter_units(plan: Plan) -> QuerySet[OrgUnit]:
    """The units offered by the task table's filter: the plan's agency and its active
    units, from the org tree (the units a task can be led by), not from the tasks."""
    return (
        OrgUnit.objects.active()
        .subtree_of(plan.agency)
        .only("id", "name", "short_name")
        .order_by("name")
    )


TASK_SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "due": ("due_date", "number"),
    "-due": ("-due_date", "number"),
    "status": ("status", "number"),
    "-status": ("-status", "number"),
    "percent": ("percent", "number"),
    "-percent": ("-percent", "number"),
}


def task_order(sort: str) -> tuple[str, ...]:
    """The task table's ordering for ``sort``, ending in the id (unique) so that a keyset
    page continues exactly where the previous one stopped."""
    return (*TASK_SORTS.get(sort, ("number",)), "id")


def filter_tasks(
    qs: PlanTaskQuerySet,
    *,
    today: datetime.date,
    unit: OrgUnit | None = None,
    status: str = "",
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    q: str = "",
    sort: str = "number",
) -> PlanTaskQuerySet:
    if unit is not None:
        # Semi-joins on the links: no DISTINCT over the task rows.
        lead = PlanTask.lead_units.through.objects.filter(orgunit=unit).values("plantask_id")
        partner = PlanTask.partner_units.through.objects.filter(orgunit=unit).values("plantask_id")
        qs = qs.filter(Q(pk__in=lead) | Q(pk__in=partner))
    if status == "overdue":
        qs = qs.overdue(today)
    elif status == "open":
        qs = qs.open()
    elif status == "flagged":
        qs = qs.filter(timing_flagged=True)
    elif status:
        qs = qs.filter(status=status)
    if due_from:
        qs = qs.filter(due_date__gte=due_from)
    if due_to:
        qs = qs.filter(due_date__lte=due_to)
    if q:
        qs = qs.filter(Q(content__icontains=q) | Q(lead_text__icontains=q))
    return qs.order_by(*TASK_SORTS.get(sort, ("number",)))


def my_task_unit_ids(user: User) -> set[int]:
    """Units whose tasks are "mine": my unit, my committees, the units I head or work in."""
    ids = set(permissions.personal_unit_ids(user, "planning.update_task"))
    if user.unit_id:
        ids.add(user.unit_id)
    ids.update(user.committee_memberships.values_list("committee_id", flat=True))
    return ids


def my_tasks(user: User, *, unit_ids: set[int] | None = None) -> PlanTaskQuerySet:
    """Tasks led by my units (or the given ones) in issued plans I can see."""
    ids = unit_ids if unit_ids is not None else my_task_unit_ids(user)
    led = PlanTask.lead_units.through.objects.filter(orgunit_id__in=ids)
    qs: PlanTaskQuerySet = PlanTask.objects.select_related("plan", "plan__agency")
    return (
        # A semi-join on the links (no DISTINCT over whole task rows); the lead units are
        # the only linked units these lists show.
        qs.prefetch_related(
            Prefetch("lead_units", queryset=OrgUnit.objects.only("id", "name", "short_name"))
        )
        .visible_to(user)
        .filter(plan__status=Plan.Status.ISSUED, pk__in=led.values("plantask_id"))
        .order_by("due_date", "plan__year", "number")
    )


def unit_names(links: type[Model], task_ids: Sequence[int]) -> dict[int, list[str]]:
    """Display names of the units linked to each task through ``links`` (the lead or
    partner through table), in the units' order: one query of plain values."""
    names: dict[int, list[str]] = {}
    if not task_ids:
        return names
    rows = (
        links.objects.filter(plantask_id__in=task_ids)  # type: ignore[attr-defined]
        .order_by("orgunit__path", "orgunit_id")
        .values_list("plantask_id", "orgunit__short_name", "orgunit__name")
    )
    for task_id, short_name, name in rows:
        names.setdefault(task_id, []).append(short_name or name)
    return names


@dataclass
class DashboardData:
    year: int
    agency: OrgUnit | None
    counts: dict[str, int]
    total: int
    overdue: list[PlanTask]
    due_soon: list[PlanTask]
    awaiting_confirmation: list[PlanTask]
    per_unit: list[dict[str, Any]] = field(default_factory=list)
    recent_updates: list[ProgressUpdate] = field(default_factory=list)


def dashboard(
    user: User, *, agency: OrgUnit | None, year: int, today: datetime.date
) -> DashboardData:
    """Counts by status, overdue and due-in-7-days lists, per-unit bars.

    A constant number of queries whatever the number of tasks or units.
    """
    tasks = PlanTask.objects.filter(
        plan__year=year, plan__status__in=[Plan.Status.ISSUED, Plan.Status.CLOSED]
    )
    if agency is None:
        tasks = tasks.visible_to(user)
    elif permissions.can_read_agency_wide(user, "planning.view_plan", agency):
        # ``visible_to`` decided once, in Python, for the one agency shown (the same rule:
        # its plans are all visible or none), not by a subquery in every query below.
        tasks = tasks.filter(plan__agency=agency)
    else:
        tasks = tasks.none()
    overdue_qs = tasks.overdue(today)
    # One aggregate for the counters (no task rows brought back to Python); the overdue
    # rule inline (``overdue_q``), not as a subquery.
    counts = tasks.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        **{s: Count("pk", filter=Q(status=s)) for s in PlanTask.Status.values},
    )
    total = counts.pop("total")
    # The lists show number, content, due date and the lead units' names only (read for
    # both lists at once, as values).
    fields = ("id", "number", "content", "due_date")
    overdue = list(overdue_qs.only(*fields).order_by("due_date")[:15])
    due_soon = list(tasks.due_within(today, 7).only(*fields).order_by("due_date")[:15])
    names = unit_names(PlanTask.lead_units.through, [t.pk for t in overdue + due_soon])
    for task in overdue + due_soon:
        task.lead_names = names.get(task.pk, [])  # type: ignore[attr-defined]
    awaiting = list(  # number and content only
        tasks.filter(status=PlanTask.Status.DONE_REPORTED)
        .only("id", "number", "content")
        .order_by("due_date")[:15]
    )
    per_unit = list(
        OrgUnit.objects.filter(led_tasks__in=tasks)
        .values("id", "name", "short_name")
        .annotate(
            total=Count("led_tasks", distinct=True),
            done=Count(
                "led_tasks", filter=Q(led_tasks__status=PlanTask.Status.DONE), distinct=True
            ),
            in_progress=Count(
                "led_tasks",
                filter=Q(
                    led_tasks__status__in=[
                        PlanTask.Status.IN_PROGRESS,
                        PlanTask.Status.DONE_REPORTED,
                    ]
                ),
                distinct=True,
            ),
            overdue=Count("led_tasks", filter=Q(led_tasks__in=overdue_qs), distinct=True),
        )
        .order_by("name")
    )
    recent = list(
        ProgressUpdate.objects.filter(task__in=tasks)
        .select_related("task", "author")
        .only(
            "created_at",
            "percent",
            "comment",
            "task__number",
            "author__first_name",
            "author__last_name",
            "author__username",
        )
        .order_by("-created_at")[:8]
    )
    return DashboardData(
        year=year,
        agency=agency,
        counts={k: v for k, v in counts.items() if v},
        total=total,
        overdue=overdue,
        due_soon=due_soon,
        awaiting_confirmation=awaiting,
        per_unit=per_unit,
        recent_updates=recent,
    )


def dashboard_agencies(user: User) -> QuerySet[OrgUnit]:
    visible = Plan.objects.visible_to(user).order_by().values("agency_id")
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.AGENCY, pk__in=visible).order_by("name")


def basis_paragraphs(bases: list[PlanBasis] | QuerySet[PlanBasis]) -> list[str]:
    """The preamble as printed: "Thực hiện A; B," then "Căn cứ C," (one basis may share
    the previous paragraph)."""
    paragraphs: list[str] = []
    for basis in bases:
        text = basis.text.strip().rstrip(",;")
        if basis.continues_previous and paragraphs:
            paragraphs[-1] = f"{paragraphs[-1]}; {text}"
        else:
            paragraphs.append(f"{basis.verb} {text}")
    return [f"{p}," for p in paragraphs]


def on_time_counts(
    *, agency_id: int, unit_ids: list[int] | None, start: datetime.date, end: datetime.date
) -> tuple[int, int]:
    """(done on time, due) for the tasks of issued or closed plans due in [start, end], led
    by ``unit_ids`` (None: the whole agency); cancelled tasks do not count. One query."""
    qs = PlanTask.objects.filter(
        plan__agency_id=agency_id,
        plan__status__in=[Plan.Status.ISSUED, Plan.Status.CLOSED],
        due_date__range=(start, end),
    ).exclude(status=PlanTask.Status.CANCELLED)
    if unit_ids is not None:
        qs = qs.filter(lead_units__in=unit_ids)
    counts = qs.aggregate(
        due=Count("pk", distinct=True),
        on_time=Count(
            "pk",
            distinct=True,
            filter=Q(status=PlanTask.Status.DONE, completed_on__lte=F("due_date")),
        ),
    )
    return counts["on_time"], counts["due"]
