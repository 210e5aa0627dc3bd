"""Document-control pages: overview, master list, documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.core.htmx import htmx_partial
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.documents import selectors, services
from qms.documents.forms import (
    ChangeRequestForm,
    DocumentForm,
    ReasonForm,
)
from qms.documents.models import (
    Document,
    DocumentVersion,
)
from qms.documents.services import DocumentError
from qms.documents.views import rows
from qms.documents.views.common import (
    PAGE_SIZE,
    _agency_from,
    _owner_units,
    _today,
    document_filters,
    int_param,
)

# --------------------------------------------------------------------------- home, lists


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = _today()
    return render(
        request,
        "documents/home.html",
        {
            "queue": selectors.work_queue(user),
            "to_read": list(selectors.to_read(user)[:20]),
            "summary": selectors.review_summary(user, today),
            "reviews": list(selectors.open_reviews(user, today)[:20]),
            "today": today,
            "can_create": permissions.has_any_role(user, "documents.edit"),
            "can_issue": bool(selectors.agencies_to_change(user, "documents.issue")),
        },
    )


def _options(choices: Iterable[tuple[object, str]], selected: object) -> SafeString:
    """``<option>`` elements for a filter dropdown, built once in Python: a province's
    units are a thousand options, too many for a template loop on every request."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if value == selected else "", label) for value, label in choices),
    )


SELECTED = mark_safe(" selected")  # noqa: S308 - a constant


def _list_page(qs: QuerySet[Any, Any], number: str | None) -> Page[Any]:
    """``Paginator(qs, PAGE_SIZE).get_page(number)``; the first page reads one row more
    than a page: when they all fit (a search, a filtered list, a small agency) their
    number is the count and the COUNT query is not needed."""
    paginator: Paginator[Any] = Paginator(qs, PAGE_SIZE)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    head = list(qs[: PAGE_SIZE + 1])
    if len(head) <= PAGE_SIZE:
        paginator.count = len(head)  # the cached property, known without a query
    return Page(head[:PAGE_SIZE], 1, paginator)


@require_GET
def document_list(request: AuthedRequest) -> HttpResponse:
    filters = document_filters(request)
    # Only the columns a row shows, as tuples: no model instances, no big texts.
    qs = rows.row_values(selectors.document_list(request.user, filters))
    page = _list_page(qs, request.GET.get("page"))
    page.object_list = rows.as_rows(page.object_list)
    today = _today()
    agencies = selectors.agencies_for(request.user)
    agency_choices = [(a.pk, a.display_name) for a in agencies.only("pk", "name", "short_name")]
    units = (
        OrgUnit.objects.filter(agency__in=agencies, archived_at__isnull=True)
        .order_by("path")
        .values_list("pk", "short_name", "name")
    )
    ctx = {
        "page": page,
        "filters": filters,
        "kinds": Document.Kind.choices,
        "statuses": Document.Status.choices,
        "agency_count": len(agency_choices),
        "agency_options": _options(agency_choices, filters.agency),
        "unit_options": _options(((pk, short or name) for pk, short, name in units), filters.unit),
        "tthc_fields": selectors.tthc_fields(request.user),
        "query_string": request.GET.urlencode(),
        "can_create": permissions.has_any_role(request.user, "documents.edit"),
        "can_import": permissions.has_any_role(request.user, "documents.manage_registers"),
        "today": today,
        "rows_html": rows.rows_html(page.object_list, today),
    }
    template = (
        "documents/partials/_document_rows.html"
        if htmx_partial(request)
        else "documents/document_list.html"
    )
    return render(request, template, ctx)


# --------------------------------------------------------------------------- documents


def _document_input(form: DocumentForm) -> services.DocumentInput:
    d = form.cleaned_data
    return services.DocumentInput(
        kind=d["kind"],
        code=d["code"],
        title=d["title"],
        owner_unit=d["owner_unit"],
        parent=d.get("parent"),
        is_tthc=d.get("is_tthc", False),
        tthc_code=d.get("tthc_code", ""),
        tthc_field=d.get("tthc_field", ""),
        review_months=d.get("review_months"),
        references=list(d.get("references") or []),
        distribution_units=list(d.get("distribution_units") or []),
        distribution_users=list(d.get("distribution_users") or []),
    )


@require_http_methods(["GET", "POST"])
def document_create(request: AuthedRequest) -> HttpResponse:
    agency = _agency_from(request, "documents.edit")
    units = _owner_units(request.user, agency)
    if not units.exists():
        raise PermissionDenied
    form = DocumentForm(request.POST or None, agency=agency, owner_units=units)
    if request.method == "GET":
        kind = request.GET.get("kind", Document.Kind.WORK_PROCEDURE)
        kind = kind if kind in Document.Kind.values else Document.Kind.WORK_PROCEDURE
        unit = units.filter(pk=int_param(request.GET.get("unit"))).first() or units.first()
        form.initial = {
            "kind": kind,
            "owner_unit": unit,
            "code": services.propose_code(agency=agency, kind=kind, owner_unit=unit, parent=None),
            "distribution_units": [unit] if unit else [],
        }
    elif form.is_valid():
        try:
            document = services.document_create(
                actor=request.user, agency=agency, data=_document_input(form)
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Document created with its first draft."))
            version = document.versions.get()
            return redirect("documents:version_edit", pk=version.pk)
    return render(
        request, "documents/document_form.html", {"form": form, "agency": agency, "creating": True}
    )


@require_GET
def next_code(request: AuthedRequest) -> HttpResponse:
    """The proposed code for the kind/unit/parent chosen in the form (htmx)."""
    agency = _agency_from(request, "documents.edit")
    kind = request.GET.get("kind", "")
    if kind not in Document.Kind.values:
        raise Http404
    unit = (
        OrgUnit.objects.subtree_of(agency)
        .filter(pk=int_param(request.GET.get("owner_unit")) or 0)
        .first()
    )
    parent = Document.objects.filter(
        agency=agency, pk=int_param(request.GET.get("parent")) or 0
    ).first()
    if kind == Document.Kind.FORM and parent is None:
        parent = None  # the pattern's {parent} stays empty until a procedure is chosen
    code = services.propose_code(agency=agency, kind=kind, owner_unit=unit, parent=parent)
    # Replaces the code input of the form (hx-swap="outerHTML"), keeping its attributes.
    return HttpResponse(
        format_html(
            '<input type="text" name="code" value="{}" maxlength="60" class="form-control" '
            'required id="id_code" aria-describedby="id_code_helptext">',
            code,
        )
    )


@require_GET
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    document = selectors.get_document_for_user(user, pk)
    ctx = selectors.document_page(user, document)
    owner = document.owner_unit
    ctx.update(
        {
            "document": document,
            "today": _today(),
            "can_edit": services.can_edit(user, document),
            "can_request_change": document.status == Document.Status.IN_FORCE
            and selectors.may_request_change(user, document),
            "can_decide_change": permissions.can(user, "documents.decide_change", owner),
            "can_complete_review": permissions.can(user, "documents.edit", owner),
            "openable": selectors.documents_openable_by(
                user, [document.parent_id or 0, *(f.pk for f in ctx["forms"])]
            ),
            "change_form": ChangeRequestForm(),
            "reason_form": ReasonForm(),
        }
    )
    return render(request, "documents/document_detail.html", ctx)


@require_http_methods(["GET", "POST"])
def document_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    selectors.require(request.user, "documents.edit", document.owner_unit)
    agency = document.agency
    units = _owner_units(request.user, agency) | OrgUnit.objects.filter(pk=document.owner_unit_id)
    draft = (
        document.versions.filter(status__in=DocumentVersion.EDITABLE)
        .select_related("new_owner_unit")
        .first()
        if document.current_version_id
        else None
    )
    initial = {
        "kind": document.kind,
        "owner_unit": (draft and draft.new_owner_unit) or document.owner_unit,
        "parent": document.parent,
        "code": document.code,
        "title": (draft and draft.new_title) or document.title,
        "is_tthc": document.is_tthc,
        "tthc_code": document.tthc_code,
        "tthc_field": document.tthc_field,
        "review_months": document.review_months,
        "references": list(document.references.all()),
        "distribution_units": list(document.distribution_units.all()),
        "distribution_users": list(document.distribution_users.all()),
    }
    form = DocumentForm(
        request.POST or None, agency=agency, owner_units=units.distinct(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                actor=request.user, document=document, data=_document_input(form)
            )
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Document saved."))
            return redirect("documents:document_detail", pk=document.pk)
    return render(
        request,
        "documents/document_form.html",
        {
            "form": form,
            "agency": agency,
            "document": document,
            "creating": False,
            "identity_draft": draft,
        },
    )


@require_POST
def document_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    selectors.require(request.user, "documents.decide_change", document.owner_unit)
    try:
        services.document_withdraw(
            actor=request.user, document=document, reason=request.POST.get("reason", "")
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Document withdrawn; its last version is obsolete."))
    return redirect("documents:document_detail", pk=document.pk)
