"""Home, organisation tree, number register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.audittrail.models import LogEntry
from qms.audittrail.services import logentry_create
from qms.core.forms import BaseForm, VNDateField
from qms.core.http import AuthedRequest
from qms.core.models import IssuedNumber, OrgUnit
from qms.core.numbering import NumberingError, number_register_external
from qms.core.services import OrgUnitError, orgunit_archive, orgunit_create, orgunit_update
from qms.core.text import fold


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if permissions.has_any_role(user, "planning.view_dashboard"):
        return redirect("planning:dashboard")
    if permissions.has_any_role(user, "planning.update_task"):
        return redirect("planning:my_tasks")
    return redirect("planning:plan_list")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return f"{'— ' * obj.depth}{obj.name}"


class UnitForm(BaseForm):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=255)
    short_name = forms.CharField(label=gettext_lazy("Short name"), max_length=120, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=OrgUnit.Kind.choices)
    parent = UnitChoiceField(label=gettext_lazy("Parent unit"), queryset=OrgUnit.objects.none())
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    doc_symbol = forms.CharField(
        label=gettext_lazy("Document symbol"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("For agencies: SGDĐT in 187/KH-SGDĐT."),
    )
    shared_serial = forms.BooleanField(
        label=gettext_lazy("One serial for all document types"), required=False, initial=True
    )
    parent_body_name = forms.CharField(
        label=gettext_lazy("Governing body (in headers)"), max_length=255, required=False
    )
    place_name = forms.CharField(
        label=gettext_lazy("Place name in dates"), max_length=80, required=False
    )
    sort_order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=0)

    def __init__(
        self, *args: Any, parents: QuerySet[OrgUnit], unit: OrgUnit | None = None, **kwargs: Any
    ) -> None:
        if unit is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {f: getattr(unit, f) for f in self.base_fields}
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        if unit is not None and unit.parent_id is None:
            self.fields["parent"].required = False

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        qs = OrgUnit.objects.filter(code__iexact=code)
        if self.unit is not None:
            qs = qs.exclude(pk=self.unit.pk)
        if qs.exists():
            raise forms.ValidationError(_("Another unit already has this code."))
        return code


class ArchiveForm(BaseForm):
    merged_into = UnitChoiceField(
        label=gettext_lazy("Merged into (optional)"),
        required=False,
        queryset=OrgUnit.objects.none(),
    )

    def __init__(self, *args: Any, targets: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = targets  # type: ignore[attr-defined]


def _manage_scope(user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.active().filter(permissions.unit_scope_q(user, "core.manage_units"))


def _get_unit_for_user(user: Any, pk: int, action: str = "core.view_unit") -> OrgUnit:
    unit = get_object_or_404(
        OrgUnit.objects.visible_to(user).select_related("parent", "merged_into"), pk=pk
    )
    if action != "core.view_unit" and not permissions.can(user, action, unit):
        raise PermissionDenied
    return unit


@require_GET
def unit_list(request: AuthedRequest) -> HttpResponse:
    units = OrgUnit.objects.visible_to(request.user).annotate(member_count=Count("members"))
    show_archived = request.GET.get("archived") == "1"
    if not show_archived:
        units = units.filter(archived_at__isnull=True)
    rows = list(units.select_related("merged_into").order_by("path"))
    q = request.GET.get("q", "").strip()
    if q:
        key = fold(q)
        rows = [u for u in rows if key in fold(f"{u.code} {u.name} {u.short_name}")]
    base_depth = min((u.depth for u in rows), default=0)
    for u in rows:
        u.indent = u.depth - base_depth  # type: ignore[attr-defined]
    return render(
        request,
        "core/unit_list.html",
        {
            "units": rows,
            "q": q,
            "show_archived": show_archived,
            "can_manage": permissions.has_any_role(request.user, "core.manage_units"),
        },
    )


@require_GET
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_user(request.user, pk)
    return render(
        request,
        "core/unit_detail.html",
        {
            "unit": unit,
            "children": unit.children.order_by("sort_order", "name"),
            "members": unit.members.filter(is_active=True).order_by("last_name", "first_name"),
            "committee": unit.committee_members.select_related("user"),
            "role_holders": unit.role_assignments.select_related("user"),
            "former_names": unit.former_names.all(),
            "history": LogEntry.objects.for_object(unit).select_related("actor")[:50],
            "can_manage": permissions.can(request.user, "core.manage_units", unit),
            "archive_form": ArchiveForm(
                targets=_manage_scope(request.user)
                .exclude(path__startswith=unit.path)
                .order_by("path")
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_create(request: AuthedRequest) -> HttpResponse:
    parents = _manage_scope(request.user).order_by("path")
    if not parents.exists():
        raise PermissionDenied
    initial = {"parent": request.GET.get("parent"), "sort_order": 0, "shared_serial": True}
    form = UnitForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = orgunit_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Unit created."))
        return redirect("core:unit_detail", pk=unit.pk)
    return render(request, "core/unit_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_user(request.user, pk, "core.manage_units")
    parents = _manage_scope(request.user).exclude(path__startswith=unit.path).order_by("path")
    form = (
        UnitForm(request.POST or None, parents=parents, unit=unit)
        if request.method == "POST"
        else UnitForm(parents=parents, unit=unit)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("parent") is None:
            data.pop("parent")
        try:
            orgunit_update(actor=request.user, unit=unit, data=data)
        except OrgUnitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Unit saved."))
            return redirect("core:unit_detail", pk=unit.pk)
    return render(request, "core/unit_form.html", {"form": form, "unit": unit})


@require_POST
def unit_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_user(request.user, pk, "core.manage_units")
    form = ArchiveForm(
        request.POST, targets=_manage_scope(request.user).exclude(path__startswith=unit.path)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a unit in your scope."))
        return redirect("core:unit_detail", pk=unit.pk)
    try:
        orgunit_archive(actor=request.user, unit=unit, merged_into=form.cleaned_data["merged_into"])
    except OrgUnitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Unit archived; its records keep their names."))
    return redirect("core:unit_detail", pk=unit.pk)


class NumberForm(BaseForm):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=OrgUnit.objects.none())
    doc_type = forms.CharField(
        label=gettext_lazy("Document type"),
        max_length=10,
        help_text=gettext_lazy("KH, QĐ, BC, TB…"),
    )
    serial = forms.IntegerField(label=gettext_lazy("Serial"), min_value=1)
    issued_on = VNDateField(label=gettext_lazy("Date"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=500)

    def __init__(self, *args: Any, agencies: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


def _number_agencies(user: Any) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.active()
        .filter(kind=OrgUnit.Kind.AGENCY)
        .filter(permissions.unit_scope_q(user, "core.register_number"))
        .order_by("name")
    )


@require_http_methods(["GET", "POST"])
def number_list(request: AuthedRequest) -> HttpResponse:
    agencies = _number_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    form = NumberForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            issued = number_register_external(
                agency=d["agency"],
                doc_type=d["doc_type"].strip(),
                serial=d["serial"],
                issued_on=d["issued_on"],
                subject=d["subject"],
                actor=request.user,
            )
        except NumberingError as exc:
            form.add_error("serial", str(exc))
        else:
            logentry_create(
                actor=request.user,
                action="core.number.registered",
                obj=issued,
                unit=issued.agency,
                before={},
                after={"symbol": issued.symbol, "subject": issued.subject},
            )
            messages.success(request, _("Number %(n)s registered.") % {"n": issued.symbol})
            return redirect("core:number_list")
    numbers = IssuedNumber.objects.filter(agency__in=agencies).select_related(
        "agency", "created_by"
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        numbers = numbers.filter(year=int(year))
    page = Paginator(numbers.order_by("-year", "-serial"), 50).get_page(request.GET.get("page"))
    return render(request, "core/number_list.html", {"form": form, "page": page, "year": year})
