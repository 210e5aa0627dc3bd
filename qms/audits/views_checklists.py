"""Pages of checklists and findings: helper → form → service → render.

The checklist page is made for a phone at the unit's desk as much as for a desk: one
question per card, big answer buttons, each answer saved by its own htmx POST as it is
given (``checklist_answer``), a small local script (``audits/checklist.js``) queueing
the saves that fail and sending them again when the connection is back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.accounts import permissions
from qms.audits import clauses, exports_checklists
from qms.audits import selectors_checklists as sel
from qms.audits import services_checklists as svc
from qms.audits.finding_rows import with_html
from qms.audits.forms_checklists import (
    AcknowledgeForm,
    AnswerForm,
    FindingForm,
    GenerateForm,
    ItemForm,
    QuestionForm,
)
from qms.audits.models import Audit, ChecklistItem, Finding, Question
from qms.core.downloads import stored_file_response
from qms.core.htmx import htmx_partial, htmx_redirect
from qms.core.http import AuthedRequest, int_param
from qms.core.models import OrgUnit
from qms.documents.models import Document
from qms.reports.responses import download, pdf_download

ANSWER_BUTTONS = [
    (ChecklistItem.Answer.CONFORM, "success", "bi-check-circle"),
    (ChecklistItem.Answer.OBSERVATION, "info", "bi-eye"),
    (ChecklistItem.Answer.IMPROVEMENT, "primary", "bi-lightbulb"),
    (ChecklistItem.Answer.NONCONFORM, "danger", "bi-x-octagon"),
    (ChecklistItem.Answer.NOT_APPLICABLE, "secondary", "bi-slash-circle"),
]


def audit_url(audit: Audit) -> str:
    """The audit's page (lane programme's), or its checklist while that page is absent."""
    try:
        return reverse("audits:audit_detail", args=[audit.pk])
    except NoReverseMatch:
        return reverse("audits:checklist", args=[audit.pk])


def _buttons() -> list[dict[str, str]]:
    labels = dict(ChecklistItem.Answer.choices)
    return [
        {"value": v, "label": str(labels[v]), "colour": c, "icon": i} for v, c, i in ANSWER_BUTTONS
    ]


def _fill_units(user: Any, audit: Audit, units: list[OrgUnit]) -> set[int]:
    """The audited units where ``user`` may answer (team member with the role there)."""
    return {u.pk for u in units if sel.can_conduct(user, audit, u)}


# --------------------------------------------------------------------------- question bank


def _bank_agency(request: AuthedRequest) -> OrgUnit:
    unit = request.user.unit
    agency = (unit.agency or unit) if unit else None
    if agency is None or not permissions.can(request.user, "audits.manage_programme", agency):
        raise PermissionDenied
    return agency


@require_http_methods(["GET", "POST"])
def question_list(request: AuthedRequest) -> HttpResponse:
    """The ISO committee's own questions, by clause; a form to add one."""
    agency = _bank_agency(request)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.question_create(
                actor=request.user,
                agency=agency,
                clause=form.cleaned_data["clause"],
                text=form.cleaned_data["text"],
            )
        except svc.ChecklistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The question was added to the bank."))
            return redirect("audits:question_list")
    questions = list(
        Question.objects.filter(agency=agency, archived_at__isnull=True).order_by("clause", "id")
    )
    questions.sort(key=lambda q: clauses.sort_key(q.clause))
    groups: dict[str, list[Question]] = {}
    for q in questions:
        groups.setdefault(q.clause, []).append(q)
    return render(
        request,
        "audits/checklist/question_list.html",
        {
            "agency": agency,
            "form": form,
            "groups": [(clauses.label(k), v) for k, v in groups.items()],
            "count": len(questions),
        },
    )


def _bank_question(request: AuthedRequest, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.filter(
            permissions.agency_scope_q_for_reading(request.user, "audits.view"),
            archived_at__isnull=True,
        ),
        pk=pk,
    )
    if not permissions.can(request.user, "audits.manage_programme", question.agency):
        raise PermissionDenied
    return question


@require_http_methods(["GET", "POST"])
def question_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    question = _bank_question(request, pk)
    form = QuestionForm(
        request.POST or None, initial={"clause": question.clause, "text": question.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.question_update(
                actor=request.user,
                question=question,
                clause=form.cleaned_data["clause"],
                text=form.cleaned_data["text"],
            )
        except svc.ChecklistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("audits:question_list")
    return render(
        request, "audits/checklist/question_form.html", {"form": form, "question": question}
    )


@require_POST
def question_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    question = _bank_question(request, pk)
    svc.question_archive(actor=request.user, question=question)
    messages.success(request, _("The question was taken out of the bank."))
    return redirect("audits:question_list")


# --------------------------------------------------------------------------- checklist


def _progress(audit: Audit) -> dict[str, Any]:
    rows = sel.checklist_progress(audit)
    answered = sum(r.answered for r in rows)
    total = sum(r.total for r in rows)
    return {
        "rows": rows,
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
    }


@require_GET
def checklist(request: AuthedRequest, pk: int) -> HttpResponse:
    """The checklist of an audit, one card per question; filters by unit and unanswered."""
    audit = sel.get_audit_papers_for_user(request.user, pk)
    units = list(audit.units.order_by("path"))
    unit_id = int_param(request.GET.get("unit"))
    if unit_id and unit_id not in {u.pk for u in units}:
        unit_id = None
    pending = request.GET.get("pending") == "1"
    items = list(sel.checklist_items(audit, unit_id=unit_id, pending=pending))
    fill_units = _fill_units(request.user, audit, units)
    can_generate = bool(fill_units) or permissions.can(
        request.user, "audits.manage_programme", audit.agency
    )
    return render(
        request,
        "audits/checklist/checklist.html",
        {
            "audit": audit,
            "audit_url": audit_url(audit),
            "units": units,
            "unit_id": unit_id,
            "pending": pending,
            "items": items,
            "fill_units": fill_units,
            "can_fill": bool(fill_units) and audit.status != Audit.Status.REPORTED,
            "can_generate": can_generate and audit.status != Audit.Status.REPORTED,
            "generate_form": GenerateForm(),
            "buttons": _buttons(),
            "progress": _progress(audit),
            "unit_exports": _unit_exports(audit, units),
        },
    )


def _unit_exports(audit: Audit, units: list[OrgUnit]) -> list[dict[str, str]]:
    docx = reverse("audits:checklist_export", args=[audit.pk, "docx"])
    pdf = reverse("audits:checklist_export", args=[audit.pk, "pdf"])
    return [
        {"name": u.display_name, "docx": f"{docx}?unit={u.pk}", "pdf": f"{pdf}?unit={u.pk}"}
        for u in units
    ]


@require_POST
def checklist_generate(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_papers_for_user(request.user, pk)
    form = GenerateForm(request.POST)
    copy_last = form.is_valid() and form.cleaned_data["copy_last"]
    try:
        result = svc.generate_checklist(audit=audit, actor=request.user, copy_last=copy_last)
    except svc.ChecklistError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Checklist ready: %(added)s questions added, %(kept)s kept.")
            % {"added": result.added, "kept": result.kept},
        )
        for unit in result.units_without_copy:
            messages.info(
                request,
                _("%(unit)s had no earlier checklist: its questions were generated.")
                % {"unit": unit.display_name},
            )
    return redirect("audits:checklist", pk=audit.pk)


@require_http_methods(["GET", "POST"])
def checklist_item_add(request: AuthedRequest, pk: int) -> HttpResponse:
    audit = sel.get_audit_papers_for_user(request.user, pk)
    units = audit.units.order_by("path")
    allowed = _fill_units(request.user, audit, list(units))
    if not allowed:
        raise PermissionDenied
    form = ItemForm(
        request.POST or None,
        units=units.filter(pk__in=allowed),
        initial={"unit": int_param(request.GET.get("unit"))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = svc.item_add(
                actor=request.user,
                audit=audit,
                unit=form.cleaned_data["unit"],
                clause=form.cleaned_data["clause"],
                question=form.cleaned_data["question"],
            )
        except svc.ChecklistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The question was added."))
            return redirect(reverse("audits:checklist", args=[audit.pk]) + f"#item-{item.pk}")
    return render(
        request,
        "audits/checklist/item_form.html",
        {"audit": audit, "form": form, "item": None, "audit_url": audit_url(audit)},
    )


@require_http_methods(["GET", "POST"])
def checklist_item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = sel.get_item_for_user(request.user, pk)
    audit = item.audit
    if item.unit is None or not sel.can_conduct(request.user, audit, item.unit):
        raise PermissionDenied
    form = ItemForm(
        request.POST or None,
        units=audit.units.filter(pk=item.unit.pk),
        initial={"unit": item.unit, "clause": item.clause, "question": item.question},
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.item_update(
                actor=request.user,
                item=item,
                clause=form.cleaned_data["clause"],
                question=form.cleaned_data["question"],
            )
        except svc.ChecklistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The question was saved."))
            return redirect(reverse("audits:checklist", args=[audit.pk]) + f"#item-{item.pk}")
    return render(
        request,
        "audits/checklist/item_form.html",
        {"audit": audit, "form": form, "item": item, "audit_url": audit_url(audit)},
    )


def _card(
    request: AuthedRequest,
    item: ChecklistItem,
    *,
    message: str = "",
    error: str = "",
    conflict: bool = False,
    note: str | None = None,
) -> HttpResponse:
    item = sel.checklist_items(item.audit).get(pk=item.pk)
    response = render(
        request,
        "audits/checklist/_card_response.html",
        {
            "item": item,
            "audit": item.audit,
            "fill_units": {item.unit_id}
            if sel.can_conduct(request.user, item.audit, item.unit)
            else set(),
            "can_fill": item.audit.status != Audit.Status.REPORTED,
            "buttons": _buttons(),
            "saved_message": message,
            "error": error,
            "conflict": conflict,
            "typed_note": note,
            "progress": _progress(item.audit),
            "oob": True,
        },
    )
    if conflict:
        response["X-Checklist-Conflict"] = "1"
    return response


@require_POST
def checklist_answer(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Save one card's answer (htmx): the card comes back saved, with a conflict message
    when the question was answered meanwhile, or with the reason a file was refused."""
    item = sel.get_item_for_user(request.user, pk)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        if "version" in form.errors:
            raise Http404
        return _card(request, item, error=_("The answer could not be read; choose it again."))
    try:
        svc.answer_item(
            actor=request.user,
            item=item,
            answer=form.chosen(),
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
            files=form.cleaned_data["attachments"],
        )
    except svc.StaleAnswer as exc:
        return _card(
            request, exc.item, error=exc.message, conflict=True, note=form.cleaned_data["note"]
        )
    except svc.ChecklistError as exc:
        return _card(request, item, error=exc.message, note=form.cleaned_data["note"])
    if not htmx_partial(request):
        messages.success(request, _("Answer saved."))
        return redirect(reverse("audits:checklist", args=[item.audit_id]) + f"#item-{item.pk}")
    return _card(request, item, message=_("Saved"))


@require_GET
def checklist_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The checklist (Phiếu kiểm tra đánh giá nội bộ) as DOCX or PDF, one unit or all."""
    if fmt not in {"docx", "pdf"}:
        raise Http404
    audit = sel.get_audit_papers_for_user(request.user, pk)
    unit = None
    unit_id = int_param(request.GET.get("unit"))
    if unit_id:
        unit = get_object_or_404(audit.units.all(), pk=unit_id)
    name = f"phieu-kiem-tra-{audit.programme.year}-{audit.sequence}"
    if unit is not None:
        name += f"-{slugify(unit.display_name) or unit.pk}"

    def build() -> bytes:
        return exports_checklists.checklist_docx(audit, unit=unit)

    if fmt == "docx":
        return download(build(), f"{name}.docx")
    return pdf_download(
        request, build, f"{name}.pdf", fallback=reverse("audits:checklist", args=[audit.pk])
    )


# --------------------------------------------------------------------------- findings


def _procedures(audit: Audit) -> QuerySet[Document]:
    return Document.objects.filter(
        agency_id=audit.agency_id,
        status=Document.Status.IN_FORCE,
        archived_at__isnull=True,
    ).order_by("code")


def nc_links(user: Any, finding_ids: list[int]) -> dict[int, list[Any]]:
    """The NC records raised from these findings that ``user`` may open (one query).

    Reading an audit's issued findings is agency-wide, reading NC records is decided on
    the NC's unit: a unit head sees another unit's finding without a link to its NC."""
    from qms.nonconformities import selectors as nc_selectors

    if not finding_ids:
        return {}
    found = nc_selectors.ncs_for_sources("audits.finding", finding_ids)
    return {
        pk: [nc for nc in ncs if permissions.can(user, "nonconformities.view", nc.unit)]
        for pk, ncs in found.items()
    }


@require_GET
def finding_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """The findings of an audit the user may read: the team's drafts only for the team
    and the agency's readers, the issued ones also for their own unit."""
    audit = sel.get_audit_for_user(request.user, pk)
    findings = list(sel.finding_table(request.user, audit))
    papers = sel.can_see_working_papers(request.user, audit)
    if (
        not papers
        and not findings
        and not permissions.can_any(request.user, "audits.view", audit.units.all())
    ):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    unit_id = int_param(request.GET.get("unit"))
    numbers = sel.finding_numbers(audit)
    shown = [
        f
        for f in findings
        if (not kind or f.kind == kind) and (not unit_id or f.unit_id == unit_id)
    ]
    links = nc_links(request.user, [f.pk for f in shown if f.kind == Finding.Kind.NONCONFORMITY])
    rows = with_html(
        [{"f": f, "no": numbers.get(f.pk, 0), "ncs": links.get(f.pk, [])} for f in shown]
    )
    units = list(audit.units.order_by("path"))
    return render(
        request,
        "audits/checklist/finding_list.html",
        {
            "audit": audit,
            "audit_url": audit_url(audit),
            "rows": rows,
            "count_rows": _count_rows(sel.finding_counts(findings)),
            "kinds": Finding.Kind.choices,
            "kind": kind,
            "units": units,
            "unit_id": unit_id,
            "papers": papers,
            "can_record": bool(_fill_units(request.user, audit, units))
            and audit.status != Audit.Status.REPORTED,
            "is_lead": sel.is_lead(request.user, audit),
            "drafts": sum(1 for f in findings if f.status == Finding.Status.DRAFT),
        },
    )


def _count_rows(counts: dict[str, int]) -> list[tuple[str, int]]:
    rows = [(str(label), counts.get(value, 0)) for value, label in Finding.Kind.choices]
    for severity, label in Finding.Severity.choices:
        if severity:
            rows.append(
                (
                    f"{Finding.Kind.NONCONFORMITY.label} — {label}",
                    counts.get(f"nonconformity_{severity}", 0),
                )
            )
    return rows


def _finding_form(
    request: AuthedRequest, audit: Audit, allowed: set[int], **kwargs: Any
) -> FindingForm:
    return FindingForm(
        request.POST or None,
        request.FILES or None,
        units=audit.units.filter(pk__in=allowed).order_by("path"),
        procedures=_procedures(audit),
        **kwargs,
    )


def _finding_data(form: FindingForm) -> svc.FindingData:
    d = form.cleaned_data
    return svc.FindingData(
        unit=d["unit"],
        kind=d["kind"],
        severity=d.get("severity") or "",
        clause=d.get("clause") or "",
        document=d.get("document"),
        description=d["description"],
        evidence=d.get("evidence") or "",
    )


@require_http_methods(["GET", "POST"])
def finding_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a finding directly, or from a checklist answer (``?item=``, pre-filled)."""
    audit = sel.get_audit_papers_for_user(request.user, pk)
    allowed = _fill_units(request.user, audit, list(audit.units.all()))
    if not allowed:
        raise PermissionDenied
    item = None
    item_id = int_param(request.POST.get("item") or request.GET.get("item"))
    if item_id:
        item = get_object_or_404(ChecklistItem, pk=item_id, audit=audit)
    initial = svc.finding_initial(item) if item else {}
    form = _finding_form(request, audit, allowed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finding = svc.record_finding(
                actor=request.user,
                audit=audit,
                data=_finding_data(form),
                checklist_item=item,
                files=form.cleaned_data["attachments"],
            )
        except svc.ChecklistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The finding was recorded as a draft of the team."))
            return redirect("audits:finding_detail", pk=finding.pk)
    return render(
        request,
        "audits/checklist/finding_form.html",
        {
            "audit": audit,
            "audit_url": audit_url(audit),
            "form": form,
            "item": item,
            "finding": None,
        },
    )


@require_http_methods(["GET", "POST"])
def finding_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = sel.get_finding_for_user(request.user, pk)
    audit = finding.audit
    if not sel.can_conduct(request.user, audit, finding.unit):
        raise PermissionDenied
    if finding.status != Finding.Status.DRAFT:
        messages.error(request, _("An issued finding is not edited any more."))
        return redirect("audits:finding_detail", pk=finding.pk)
    allowed = _fill_units(request.user, audit, list(audit.units.all()))
    form = _finding_form(
        request,
        audit,
        allowed,
        initial={
            "unit": finding.unit,
            "kind": finding.kind,
            "severity": finding.severity,
            "clause": finding.clause,
            "document": finding.document,
            "description": finding.description,
            "evidence": finding.evidence,
            "version": finding.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.finding_update(
                actor=request.user,
                finding=finding,
                data=_finding_data(form),
                version=form.cleaned_data.get("version") or 0,
                files=form.cleaned_data["attachments"],
            )
        except svc.ChecklistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The finding was saved."))
            return redirect("audits:finding_detail", pk=finding.pk)
    return render(
        request,
        "audits/checklist/finding_form.html",
        {
            "audit": audit,
            "audit_url": audit_url(audit),
            "form": form,
            "item": finding.checklist_item,
            "finding": finding,
        },
    )


@require_GET
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = sel.get_finding_for_user(request.user, pk)
    audit = finding.audit
    user = request.user
    is_draft = finding.status == Finding.Status.DRAFT
    open_audit = audit.status != Audit.Status.REPORTED
    can_conduct = sel.can_conduct(user, audit, finding.unit) and open_audit
    can_ack = finding.status == Finding.Status.ISSUED and permissions.can(
        user, "audits.acknowledge", finding.unit
    )
    return render(
        request,
        "audits/checklist/finding_detail.html",
        {
            "finding": finding,
            "audit": audit,
            "audit_url": audit_url(audit),
            "number": sel.finding_number(finding),
            "clause_label": clauses.label(finding.clause) if finding.clause else "",
            "files": list(finding.evidence_files.filter(archived_at__isnull=True)),
            "ncs": nc_links(request.user, [finding.pk]).get(finding.pk, []),
            "can_edit": is_draft and can_conduct,
            "can_issue": is_draft and can_conduct and sel.is_lead(user, audit),
            "can_ack": can_ack,
            "raise_nc_url": _raise_nc_url(finding)
            if finding.kind == Finding.Kind.NONCONFORMITY
            and not is_draft
            and permissions.can(user, "nonconformities.raise", finding.unit)
            else "",
            "ack_form": AcknowledgeForm() if can_ack else None,
            "papers": sel.can_see_working_papers(user, audit),
        },
    )


def _raise_nc_url(finding: Finding) -> str:
    """The NC area's "raise from a record" form for this finding (if the area has it)."""
    try:
        return reverse("nonconformities:raise", args=["audits.finding", finding.pk])
    except NoReverseMatch:
        return ""


@require_POST
def finding_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = sel.get_finding_for_user(request.user, pk)
    try:
        svc.finding_issue(actor=request.user, finding=finding)
    except svc.ChecklistError as exc:
        messages.error(request, exc.message)
    else:
        if finding.kind == Finding.Kind.NONCONFORMITY:
            messages.success(
                request, _("The finding was issued to the unit and its NC record raised.")
            )
        else:
            messages.success(request, _("The finding was issued to the unit."))
    return htmx_redirect(request, reverse("audits:finding_detail", args=[finding.pk]))


@require_POST
def findings_issue_all(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead auditor issues every draft finding of the audit (after the closing meeting)."""
    audit = sel.get_audit_papers_for_user(request.user, pk)
    if not sel.is_lead(request.user, audit):
        raise PermissionDenied
    try:
        count = svc.findings_issue(actor=request.user, audit=audit)
    except svc.ChecklistError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s findings were issued to the units.") % {"n": count})
    return redirect("audits:finding_list", pk=audit.pk)


@require_POST
def finding_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = sel.get_finding_for_user(request.user, pk)
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        svc.finding_acknowledge(
            actor=request.user, finding=finding, comment=form.cleaned_data.get("comment", "")
        )
    except svc.ChecklistError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The finding was acknowledged."))
    return redirect("audits:finding_detail", pk=finding.pk)


@require_POST
def finding_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = sel.get_finding_for_user(request.user, pk)
    try:
        svc.finding_archive(actor=request.user, finding=finding)
    except svc.ChecklistError as exc:
        messages.error(request, exc.message)
        return redirect("audits:finding_detail", pk=finding.pk)
    messages.success(request, _("The draft finding was withdrawn."))
    return redirect("audits:finding_list", pk=finding.audit_id)


@require_GET
def findings_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The findings the user may read, as XLSX."""
    audit = sel.get_audit_for_user(request.user, pk)
    findings = list(sel.finding_list(request.user, audit))
    if not findings and not sel.can_see_working_papers(request.user, audit):
        raise PermissionDenied
    content = exports_checklists.findings_xlsx(audit, findings)
    return download(content, f"phat-hien-danh-gia-{audit.programme.year}-{audit.sequence}.xlsx")


# --------------------------------------------------------------------------- evidence


@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    evidence = sel.get_evidence_for_user(request.user, pk)
    return stored_file_response(
        evidence.file, filename=evidence.file_name, content_type=evidence.file_type
    )


@require_POST
def evidence_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = sel.get_evidence_for_user(request.user, pk)
    try:
        svc.evidence_archive(actor=request.user, evidence=evidence)
    except svc.ChecklistError as exc:
        if htmx_partial(request) and evidence.checklist_item is not None:
            return _card(request, evidence.checklist_item, error=exc.message)
        messages.error(request, exc.message)
    else:
        if htmx_partial(request) and evidence.checklist_item is not None:
            return _card(request, evidence.checklist_item, message=_("The file was removed."))
        messages.success(request, _("The file was removed."))
    if evidence.finding_id:
        return redirect("audits:finding_detail", pk=evidence.finding_id)
    return redirect(
        reverse("audits:checklist", args=[evidence.audit_id])
        + f"#item-{evidence.checklist_item_id}"
    )
