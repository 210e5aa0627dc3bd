"""Plan and task pages: helper → form → service → render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from qms.accounts import permissions
from qms.audittrail.models import LogEntry
from qms.core import downloads, keyset, transitions
from qms.core import panels as core_panels
from qms.core.htmx import htmx_partial
from qms.core.http import AuthedRequest
from qms.core.models import DeadlineRule, OrgUnit
from qms.planning import panels as planning_panels
from qms.planning import rows as task_rows
from qms.planning import selectors, services
from qms.planning.forms import (
    ApproveForm,
    BasisFormSet,
    CopyForm,
    DeadlineRuleForm,
    PlanCreateForm,
    PlanHeaderForm,
    ProgressForm,
    ReasonForm,
    SectionFormSet,
    TaskFilterForm,
    TaskForm,
)
from qms.planning.models import Plan, PlanTask
from qms.planning.services import PlanningError, StaleEdit, TaskInput

PAGE_SIZE = 25


def _today() -> datetime.date:
    return timezone.localdate()


def _plan_actions(user: Any, plan: Plan) -> dict[str, bool]:
    edit = permissions.can(user, "planning.edit_plan", plan.agency)
    approve = permissions.can(user, "planning.approve_plan", plan.agency)
    return {
        "edit": edit and plan.status in {Plan.Status.DRAFT, Plan.Status.ISSUED},
        "submit": edit and plan.status == Plan.Status.DRAFT,
        "approve": approve and plan.status == Plan.Status.SUBMITTED,
        "close": permissions.can(user, "planning.close_plan", plan.agency)
        and plan.status == Plan.Status.ISSUED,
        "copy": edit,
        "import": edit and plan.status == Plan.Status.DRAFT,
    }


def _plan_ctx(request: AuthedRequest, plan: Plan, tab: str) -> dict[str, Any]:
    """What every tab of a plan shows: header, actions and the dialogs behind them."""
    return {
        "plan": plan,
        "tab": tab,
        "actions": _plan_actions(request.user, plan),
        "approve_form": ApproveForm(initial={"issued_on": _today()}),
        "copy_form": CopyForm(initial={"year": plan.year + 1}),
        "reason_form": ReasonForm(),
        "today": _today(),
    }


# ---------------------------------------------------------------- plans


@require_GET
def plan_list(request: AuthedRequest) -> HttpResponse:
    counts = selectors.plan_year_counts(request.user)
    years = sorted(counts, reverse=True)
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() else None
    plans = selectors.plan_list(request.user, year).only(*task_rows.PLAN_LIST_FIELDS)
    paginator = Paginator(plans, PAGE_SIZE)
    # The pager's count is the years' (same plans, same filter): no COUNT query of its own.
    paginator.count = counts.get(year, 0) if year else sum(counts.values())  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    rows_html = task_rows.plan_list_rows(page.object_list)
    can_create = _edit_agencies(request.user).exists()
    return render(
        request,
        "planning/plan_list.html",
        {
            "page": page,
            "years": years,
            "year": year,
            "can_create": can_create,
            "rows_html": rows_html,
        },
    )


def _edit_agencies(user: Any) -> Any:
    return (
        OrgUnit.objects.active()
        .filter(kind=OrgUnit.Kind.AGENCY)
        .filter(permissions.unit_scope_q(user, "planning.edit_plan"))
        .order_by("name")
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest) -> HttpResponse:
    agencies = _edit_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None, agencies=agencies, initial={"year": _today().year})
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(
            actor=request.user,
            agency=form.cleaned_data["agency"],
            year=form.cleaned_data["year"],
            title=form.cleaned_data["title"],
            signer_prefix="KT.",
            signer_authority="GIÁM ĐỐC",
        )
        messages.success(request, _("Draft plan created. Add its content and tasks."))
        return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "creating": True})


@require_GET
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    # The appendix shows the tasks' own texts (lead, partners, timing as written), so no
    # linked units are read; the plan instance is shared by every row.
    tasks = task_rows.decorate(plan.tasks.order_by("number").only(*task_rows.ROW_FIELDS), _today())
    return render(
        request,
        "planning/plan_detail.html",
        {
            **_plan_ctx(request, plan, "document"),
            "tasks": tasks,
            # Other areas' lines under each task (linked documents, objectives): one read each.
            "task_panels": core_panels.rows(planning_panels.TASK_ROWS, request, plan, tasks),
            "basis_paragraphs": selectors.basis_paragraphs(plan.bases.all()),
            "sections": list(plan.sections.all()),
            # The amendments list shows no snapshot (a copy of the whole plan each).
            "revisions": plan.revisions.select_related("created_by").defer("snapshot"),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    if plan.status not in {Plan.Status.DRAFT, Plan.Status.ISSUED}:
        messages.error(request, _("A submitted or closed plan cannot be edited."))
        return redirect("planning:plan_detail", pk=plan.pk)
    form = (
        PlanHeaderForm(request.POST or None, plan=plan)
        if request.method == "POST"
        else PlanHeaderForm(plan=plan)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                data=form.header_data(),
                loaded_version=form.cleaned_data["version"],
                amendment_reason=form.cleaned_data.get("amendment_reason", ""),
            )
        except PlanningError as exc:
            form.add_error(None, str(exc))
            if isinstance(exc, StaleEdit):
                data = form.data.copy()  # type: ignore[attr-defined]
                data["version"] = str(Plan.objects.get(pk=plan.pk).version)
                form.data = data
        else:
            messages.success(request, _("Plan saved."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def plan_content_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    if plan.status not in {Plan.Status.DRAFT, Plan.Status.ISSUED}:
        messages.error(request, _("A submitted or closed plan cannot be edited."))
        return redirect("planning:plan_detail", pk=plan.pk)
    amending = plan.status == Plan.Status.ISSUED
    if request.method == "POST":
        bases = BasisFormSet(request.POST, prefix="bases")
        sections = SectionFormSet(request.POST, prefix="sections")
        reason = request.POST.get("amendment_reason", "")
        if bases.is_valid() and sections.is_valid():
            keep = [
                f.cleaned_data for f in bases if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            secs = [
                f.cleaned_data
                for f in sections
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.plan_set_content(
                    actor=request.user,
                    plan=plan,
                    amendment_reason=reason,
                    bases=[{k: b[k] for k in ("verb", "continues_previous", "text")} for b in keep],
                    sections=[{"heading": s["heading"], "body": s["body"]} for s in secs],
                )
            except PlanningError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Plan content saved."))
                return redirect("planning:plan_detail", pk=plan.pk)
    else:
        bases = BasisFormSet(
            prefix="bases",
            initial=[
                {"verb": b.verb, "continues_previous": b.continues_previous, "text": b.text}
                for b in plan.bases.all()
            ],
        )
        sections = SectionFormSet(
            prefix="sections",
            initial=[{"heading": s.heading, "body": s.body} for s in plan.sections.all()],
        )
        reason = ""
    return render(
        request,
        "planning/plan_content_form.html",
        {
            "plan": plan,
            "bases": bases,
            "sections": sections,
            "amending": amending,
            "amendment_reason": reason,
        },
    )


def _transition_view(
    request: AuthedRequest, pk: int, action: str, run: Any, ok: str
) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, action)
    return transitions.run_transition(
        request,
        lambda: run(plan),
        success=ok,
        error=PlanningError,
        then=reverse("planning:plan_detail", kwargs={"pk": plan.pk}),
    )


@require_POST
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition_view(
        request,
        pk,
        "planning.edit_plan",
        lambda p: services.plan_submit(actor=request.user, plan=p),
        _("Plan submitted for approval."),
    )


@require_POST
def plan_return(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    comment = form.data.get("reason", "")
    return _transition_view(
        request,
        pk,
        "planning.approve_plan",
        lambda p: services.plan_return(actor=request.user, plan=p, comment=comment),
        _("Plan returned to its authors."),
    )


@require_POST
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        plan = selectors.get_plan_for_user(request.user, pk, "planning.approve_plan")
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("planning:plan_detail", pk=plan.pk)
    issued_on = form.cleaned_data["issued_on"]
    return _transition_view(
        request,
        pk,
        "planning.approve_plan",
        lambda p: services.plan_approve(actor=request.user, plan=p, issued_on=issued_on),
        _("Plan approved and issued."),
    )


@require_POST
def plan_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _transition_view(
        request,
        pk,
        "planning.close_plan",
        lambda p: services.plan_close(actor=request.user, plan=p),
        _("Plan closed."),
    )


@require_POST
def plan_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid year."))
        return redirect("planning:plan_detail", pk=plan.pk)
    try:
        new = services.plan_copy(actor=request.user, plan=plan, year=form.cleaned_data["year"])
    except PlanningError as exc:
        messages.error(request, str(exc))
        return redirect("planning:plan_detail", pk=plan.pk)
    messages.success(request, _("Plan copied to %(year)s as a draft.") % {"year": new.year})
    return redirect("planning:plan_detail", pk=new.pk)


@require_GET
def plan_history(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    task_ids = [str(i) for i in plan.tasks.values_list("pk", flat=True)]
    entries = (
        LogEntry.objects.filter(
            Q(
                content_type__model="plan",
                content_type__app_label="planning",
                object_id=str(plan.pk),
            )
            | Q(
                content_type__model="plantask",
                content_type__app_label="planning",
                object_id__in=task_ids,
            )
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/plan_history.html",
        {
            **_plan_ctx(request, plan, "history"),
            "page": page,
        },
    )


# ---------------------------------------------------------------- tasks


@require_GET
def task_list(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    form = TaskFilterForm(request.GET or None, units=selectors.task_filter_units(plan))
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    # The table reads the tasks' own fields; the units' names come as values (rows.py).
    qs = selectors.filter_tasks(
        PlanTask.objects.filter(plan=plan).only(*task_rows.ROW_FIELDS), today=_today(), **filters
    )
    sort = filters.get("sort", "number")
    # Seek pages (no OFFSET, no COUNT): the filters stay in the query string, cursors move.
    page = keyset.keyset_page(
        qs,
        selectors.task_order(sort),
        older=request.GET.get("older"),
        newer=request.GET.get("newer"),
        size=PAGE_SIZE,
    )
    page.rows = task_rows.decorate(page.rows, _today(), leads=True, partners=True)
    filter_query = request.GET.copy()
    for key in ("older", "newer", "page"):
        filter_query.pop(key, None)
    ctx = {
        **_plan_ctx(request, plan, "tasks"),
        "page": page,
        "form": form,
        "sort": sort,
        "filter_query": filter_query.urlencode(),
        "rows_html": task_rows.task_table_rows(page.rows),
    }
    template = (
        "planning/partials/_task_table.html" if htmx_partial(request) else "planning/task_list.html"
    )
    return render(request, template, ctx)


@require_GET
def plan_timeline(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    year_start, year_end = datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31)
    span = (year_end - year_start).days + 1
    today = _today()
    rows = []
    for task in selectors.task_queryset().filter(plan=plan):
        start = task.start_date or (year_start if task.is_continuous else task.due_date)
        end = task.due_date or (year_end if task.is_continuous else None)
        bar = None
        if start and end:
            s, e = max(start, year_start), min(end, year_end)
            if s <= e:
                left = (s - year_start).days / span * 100
                width = max(((e - s).days + 1) / span * 100, 0.6)
                kind = (
                    "done"
                    if task.status == PlanTask.Status.DONE
                    else (
                        "overdue"
                        if task.is_overdue(today)
                        else "continuous"
                        if task.is_continuous
                        else "window"
                        if task.start_date
                        else "deadline"
                    )
                )
                bar = {"left": f"{left:.2f}", "width": f"{width:.2f}", "kind": kind}
        rows.append({"task": task, "bar": bar})
    today_left = None
    if year_start <= today <= year_end:
        today_left = f"{(today - year_start).days / span * 100:.2f}"
    return render(
        request,
        "planning/plan_timeline.html",
        {
            **_plan_ctx(request, plan, "timeline"),
            "rows": rows,
            "today_left": today_left,
            "months": range(1, 13),
        },
    )


def _task_input(form: TaskForm) -> TaskInput:
    d = form.cleaned_data
    return TaskInput(
        number=d["number"],
        content=d["content"],
        timing_text=d["timing_text"],
        lead_units=list(d["lead_units"]),
        partner_units=list(d["partner_units"]),
        start_date=d.get("start_date"),
        due_date=d.get("due_date"),
        review_cadence_months=d.get("review_cadence_months"),
        regulation_key=d.get("regulation_key") or "",
        depends_on=list(d.get("depends_on") or []),
    )


@require_http_methods(["GET", "POST"])
def task_create(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "planning.edit_plan")
    next_no = (plan.tasks.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = TaskForm(request.POST or None, plan=plan, initial={"number": next_no})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(
                actor=request.user,
                plan=plan,
                data=_task_input(form),
                amendment_reason=form.cleaned_data.get("amendment_reason", ""),
            )
        except PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Task %(n)s added.") % {"n": task.number})
            return redirect("planning:task_list", pk=plan.pk)
    return render(request, "planning/task_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    plan = task.plan
    if not permissions.can(request.user, "planning.edit_plan", plan.agency):
        raise PermissionDenied
    form = (
        TaskForm(request.POST or None, plan=plan, task=task)
        if request.method == "POST"
        else TaskForm(plan=plan, task=task)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(
                actor=request.user,
                task=task,
                data=_task_input(form),
                amendment_reason=form.cleaned_data.get("amendment_reason", ""),
            )
        except PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Task saved."))
            return redirect("planning:task_detail", pk=task.pk)
    return render(request, "planning/task_form.html", {"form": form, "plan": plan, "task": task})


@require_GET
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    user = request.user
    agency = task.plan.agency
    updates = task.updates.select_related("author").prefetch_related("evidence")
    depends_on = list(task.depends_on.all())
    history = LogEntry.objects.for_object(task).select_related("actor")[:100]
    return render(
        request,
        "planning/task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "updates": updates,
            "history": history,
            "today": _today(),
            "progress_form": ProgressForm(initial={"percent": task.percent}),
            "reason_form": ReasonForm(),
            "can_update": selectors.can_update_task(user, task)
            and task.is_open()
            and task.plan.status == Plan.Status.ISSUED
            and task.status != PlanTask.Status.DONE_REPORTED,
            "can_confirm": permissions.can(user, "planning.confirm_task", agency)
            and task.status == PlanTask.Status.DONE_REPORTED,
            "can_cancel": permissions.can(user, "planning.cancel_task", agency) and task.is_open(),
            "can_edit": selectors.can_edit_plan(user, task.plan),
            "dependants": task.dependants.all(),
            "depends_on": depends_on,
            # Dependencies warn, never block (DOMAIN.md §2: store as data, warn rather than block).
            "open_dependencies": [d for d in depends_on if d.is_open()],
        },
    )


@require_POST
def task_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, "planning.update_task")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.task_post_progress(
                actor=request.user,
                task=task,
                percent=form.cleaned_data["percent"],
                comment=form.cleaned_data["comment"],
                files=form.cleaned_data["files"],
                report_done=form.cleaned_data["report_done"],
            )
        except PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Progress recorded."))
            if htmx_partial(request):
                return HttpResponseClientRedirect(task_url(task))
            return redirect("planning:task_detail", pk=task.pk)
    return render(
        request,
        "planning/partials/_progress_form.html",
        {"task": task, "progress_form": form},
        status=200,
    )


def task_url(task: PlanTask) -> str:
    from django.urls import reverse

    return reverse("planning:task_detail", kwargs={"pk": task.pk})


def _task_action(request: AuthedRequest, pk: int, action: str, run: Any, ok: str) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, action)
    return transitions.run_transition(
        request, lambda: run(task), success=ok, error=PlanningError, then=task_url(task)
    )


@require_POST
def task_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _task_action(
        request,
        pk,
        "planning.confirm_task",
        lambda t: services.task_confirm(actor=request.user, task=t),
        _("Completion confirmed."),
    )


@require_POST
def task_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _task_action(
        request,
        pk,
        "planning.confirm_task",
        lambda t: services.task_reject(actor=request.user, task=t, comment=reason),
        _("Task sent back to the lead unit."),
    )


@require_POST
def task_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _task_action(
        request,
        pk,
        "planning.cancel_task",
        lambda t: services.task_cancel(actor=request.user, task=t, reason=reason),
        _("Task cancelled."),
    )


@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponse | FileResponse:
    ev = selectors.get_evidence_for_user(request.user, pk)
    return downloads.stored_file_response(
        ev.file, filename=ev.original_name, content_type=ev.content_type
    )


@require_GET
def my_tasks(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit_ids = selectors.my_task_unit_ids(user)
    units = list(OrgUnit.objects.filter(pk__in=unit_ids).only("id", "name").order_by("name"))
    unit_param = request.GET.get("unit", "")
    # The unit asked for, if it is one of mine (found among those read for the select).
    chosen = (
        next((u for u in units if u.pk == int(unit_param)), None) if unit_param.isdigit() else None
    )
    qs = (
        selectors.my_tasks(user, unit_ids={chosen.pk} if chosen else unit_ids)
        # The rows show the plan's number or year and the lead names (values, rows.py).
        .prefetch_related(None)
        .select_related(None)
        .select_related("plan")
        .only(*task_rows.ROW_FIELDS, "plan__number", "plan__year")
    )
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.open()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = task_rows.decorate(page.object_list, _today(), leads=True)
    rows_html = task_rows.my_task_rows(page.object_list)
    return render(
        request,
        "planning/my_tasks.html",
        {
            "agency": user.unit.agency if user.unit else None,
            "page": page,
            "units": units,
            "chosen": chosen,
            "show": show,
            "today": _today(),
            "rows_html": rows_html,
        },
    )


@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not permissions.has_any_role(user, "planning.view_dashboard"):
        raise PermissionDenied
    agencies = list(selectors.dashboard_agencies(user))
    agency_param = request.GET.get("agency", "")
    agency = next((a for a in agencies if str(a.pk) == agency_param), None)
    own_agency_id = user.unit.agency_id if user.unit else None
    if agency is None and own_agency_id is not None:
        agency = next((a for a in agencies if a.pk == own_agency_id), None)
    if agency is None and agencies:
        agency = agencies[0]
    if agency is not None and not permissions.can(user, "planning.view_dashboard", agency):
        raise PermissionDenied
    today = _today()
    years = selectors.plan_years(user)
    year_param = request.GET.get("year", "")
    year = (
        int(year_param)
        if year_param.isdigit()
        else (today.year if today.year in years else (years[0] if years else today.year))
    )
    data = selectors.dashboard(user, agency=agency, year=year, today=today)
    chart = {
        "type": "bar",
        "data": {
            "labels": [u["short_name"] or u["name"] for u in data.per_unit],
            "datasets": [
                {
                    "label": _("Done"),
                    "data": [u["done"] for u in data.per_unit],
                    "backgroundColor": "#198754",
                },
                {
                    "label": _("In progress"),
                    "data": [u["in_progress"] for u in data.per_unit],
                    "backgroundColor": "#0d6efd",
                },
                {
                    "label": _("Overdue"),
                    "data": [u["overdue"] for u in data.per_unit],
                    "backgroundColor": "#c8102e",
                },
                {
                    "label": _("Other"),
                    "data": [
                        max(u["total"] - u["done"] - u["in_progress"] - u["overdue"], 0)
                        for u in data.per_unit
                    ],
                    "backgroundColor": "#adb5bd",
                },
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"stacked": True, "ticks": {"precision": 0}}, "y": {"stacked": True}},
        },
    }
    return render(
        request,
        "planning/dashboard.html",
        {
            "data": data,
            "agencies": agencies,
            "agency": agency,
            "years": years,
            "year": year,
            "chart": chart,
            "today": today,
            # The lists' items, rendered in Python (rows.py).
            "lists": task_rows.dashboard_lists(
                data.overdue, data.due_soon, data.awaiting_confirmation, data.recent_updates
            ),
        },
    )


# ---------------------------------------------------------------- regulation dates


def _rule_agencies(user: Any) -> Any:
    return (
        OrgUnit.objects.active()
        .filter(kind=OrgUnit.Kind.AGENCY)
        .filter(permissions.unit_scope_q(user, "core.manage_rules"))
        .order_by("name")
    )


@require_http_methods(["GET", "POST"])
def rule_list(request: AuthedRequest) -> HttpResponse:
    agencies = _rule_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    form = DeadlineRuleForm(
        request.POST or None, agencies=agencies, initial={"year": _today().year}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.deadline_rule_save(
            actor=request.user,
            agency=d["agency"],
            year=d["year"],
            key=d["key"],
            label=d["label"],
            due_date=d["due_date"],
            source=d["source"],
        )
        messages.success(request, _("Regulation date saved; tasks using it were updated."))
        return redirect("planning:rule_list")
    rules = (
        DeadlineRule.objects.filter(agency__in=agencies)
        .select_related("agency")
        .order_by("-year", "agency__name", "key")
    )
    return render(request, "planning/rule_list.html", {"form": form, "rules": rules})
