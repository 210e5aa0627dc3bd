"""Every write to plans and tasks: one transaction, a log entry with before/after."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core import uploads
from qms.core.db import analyze_on_commit
from qms.core.models import DeadlineRule, OrgUnit
from qms.core.numbering import number_issue
from qms.core.uploads import CheckedUpload
from qms.planning import notifications
from qms.planning.models import (
    Evidence,
    Plan,
    PlanBasis,
    PlanRevision,
    PlanSection,
    PlanTask,
    ProgressUpdate,
)
from qms.planning.timing import TimingKind, parse_timing, shift_timing_text, shift_years_in_text

if TYPE_CHECKING:
    from qms.accounts.models import User


class PlanningError(Exception):
    """A change was refused; the message is for users."""


class StaleEdit(PlanningError):
    """Someone else saved the record since the form was loaded."""


PLAN_FIELDS = (
    "status",
    "parent_body",
    "issuer_name",
    "number",
    "place",
    "issued_on",
    "title",
    "intro",
    "closing",
    "contact_email",
    "recipients",
    "signer_prefix",
    "signer_authority",
    "signer_position",
    "signer_name",
    "appendix_title",
    "appendix_subtitle",
    "appendix_note",
    "revision",
)
TASK_FIELDS = (
    "number",
    "content",
    "lead_units",
    "partner_units",
    "lead_text",
    "partner_text",
    "timing_text",
    "timing_kind",
    "start_date",
    "due_date",
    "review_cadence_months",
    "regulation_key",
    "timing_flagged",
    "depends_on",
    "status",
    "percent",
    "cancel_reason",
)


def _log(
    actor: User | None,
    action: str,
    obj: Plan | PlanTask,
    before: Snapshot | None,
    after: Snapshot | None = None,
    note: str = "",
) -> None:
    agency = obj.agency if isinstance(obj, Plan) else obj.plan.agency
    logentry_create(
        actor=actor, action=action, obj=obj, unit=agency, before=before, after=after, note=note
    )


# ---------------------------------------------------------------- plans


def plan_create(
    *, actor: User | None, agency: OrgUnit, year: int, title: str, **fields: Any
) -> Plan:
    """A new draft plan with the agency's header filled in."""
    with transaction.atomic():
        plan = Plan.objects.create(
            agency=agency,
            year=year,
            title=title,
            created_by=actor,
            **{**Plan.header_for(agency), **fields},
        )
        _log(actor, "planning.plan.created", plan, {}, snapshot(plan, PLAN_FIELDS))
    return plan


def plan_snapshot(plan: Plan) -> Snapshot:
    """The whole plan (header, bases, sections, tasks) as JSON, kept with an amendment."""
    data = snapshot(plan, PLAN_FIELDS)
    data["bases"] = [
        snapshot(b, ["order", "verb", "continues_previous", "text"]) for b in plan.bases.all()
    ]
    data["sections"] = [snapshot(s, ["order", "heading", "body"]) for s in plan.sections.all()]
    data["tasks"] = [snapshot(t, TASK_FIELDS) for t in plan.tasks.all()]
    return data


def plan_update(
    *,
    actor: User,
    plan: Plan,
    data: dict[str, Any],
    loaded_version: int,
    amendment_reason: str = "",
) -> Plan:
    """Change the plan's header. An issued plan changes only by amendment (new revision).

    Raises StaleEdit if the plan changed since ``loaded_version``; PlanningError if the
    plan is issued and no reason is given, or it is submitted or closed.
    """
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.version != loaded_version:
            raise StaleEdit(
                _(
                    "Someone else saved this plan while you were editing. "
                    "Your changes were not saved; review them and save again."
                )
            )
        if plan.status in {Plan.Status.SUBMITTED, Plan.Status.CLOSED}:
            raise PlanningError(_("A submitted or closed plan cannot be edited."))
        amending = plan.status == Plan.Status.ISSUED
        if amending and not amendment_reason.strip():
            raise PlanningError(_("An issued plan is changed by an amendment: give the reason."))
        before = snapshot(plan, PLAN_FIELDS)
        if amending:
            _plan_amend(actor=actor, plan=plan, reason=amendment_reason)
        for key, value in data.items():
            setattr(plan, key, value)
        plan.version += 1
        plan.save()
        _log(
            actor,
            "planning.plan.amended" if amending else "planning.plan.updated",
            plan,
            before,
            note=amendment_reason,
        )
    return plan


def _plan_amend(*, actor: User | None, plan: Plan, reason: str) -> None:
    if actor is None:
        raise PlanningError(_("An issued plan can only be amended by a signed-in person."))
    PlanRevision.objects.create(
        plan=plan,
        revision=plan.revision + 1,
        reason=reason,
        snapshot=plan_snapshot(plan),
        created_by=actor,
    )
    plan.revision += 1


def plan_set_content(
    *,
    actor: User,
    plan: Plan,
    bases: Sequence[dict[str, Any]],
    sections: Sequence[dict[str, Any]],
    amendment_reason: str = "",
) -> Plan:
    """Replace the legal bases and sections (edited as one list each)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_editable(plan, amendment_reason)
        before = {
            "bases": [b.text for b in plan.bases.all()],
            "sections": [f"{s.heading}\n{s.body}" for s in plan.sections.all()],
        }
        if plan.status == Plan.Status.ISSUED:
            _plan_amend(actor=actor, plan=plan, reason=amendment_reason)
        plan.bases.all().delete()
        plan.sections.all().delete()
        PlanBasis.objects.bulk_create(
            PlanBasis(plan=plan, order=i, **b) for i, b in enumerate(bases, 1)
        )
        PlanSection.objects.bulk_create(
            PlanSection(plan=plan, order=i, **s) for i, s in enumerate(sections, 1)
        )
        plan.version += 1
        plan.save(update_fields=["version", "revision"])
        after = {
            "bases": [b["text"] for b in bases],
            "sections": [f"{s['heading']}\n{s['body']}" for s in sections],
        }
        _log(actor, "planning.plan.content_changed", plan, before, after, note=amendment_reason)
    return plan


def _check_editable(plan: Plan, amendment_reason: str) -> None:
    if plan.status in {Plan.Status.SUBMITTED, Plan.Status.CLOSED}:
        raise PlanningError(_("A submitted or closed plan cannot be edited."))
    if plan.status == Plan.Status.ISSUED and not amendment_reason.strip():
        raise PlanningError(_("An issued plan is changed by an amendment: give the reason."))


def _transition(plan: Plan, allowed_from: set[str], message: str) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in allowed_from:
        raise PlanningError(message)
    return plan


def plan_submit(*, actor: User, plan: Plan) -> Plan:
    """Send a draft to leadership for approval. Raises PlanningError without tasks."""
    with transaction.atomic():
        plan = _transition(plan, {Plan.Status.DRAFT}, _("Only a draft can be submitted."))
        if not plan.tasks.exists():
            raise PlanningError(_("Add at least one task before submitting the plan."))
        before = snapshot(plan, ["status", "submitted_by", "submitted_at"])
        plan.status = Plan.Status.SUBMITTED
        plan.submitted_by, plan.submitted_at = actor, timezone.now()
        plan.version += 1
        plan.save()
        _log(actor, "planning.plan.submitted", plan, before)
        notifications.notify_plan_submitted(actor=actor, plan=plan)
    return plan


def plan_return(*, actor: User, plan: Plan, comment: str) -> Plan:
    """Leadership sends a submitted plan back to draft with a comment."""
    if not comment.strip():
        raise PlanningError(_("Say what needs to change."))
    with transaction.atomic():
        plan = _transition(
            plan, {Plan.Status.SUBMITTED}, _("Only a submitted plan can be returned.")
        )
        before = snapshot(plan, ["status", "return_comment"])
        plan.status, plan.return_comment = Plan.Status.DRAFT, comment.strip()
        plan.version += 1
        plan.save()
        _log(actor, "planning.plan.returned", plan, before, note=comment)
        notifications.notify_plan_decided(
            actor=actor, plan=plan, approved=False, comment=comment.strip()
        )
    return plan


def plan_approve(*, actor: User, plan: Plan, issued_on: datetime.date | None = None) -> Plan:
    """Approve and issue: the number comes from the agency register for the year."""
    with transaction.atomic():
        plan = _transition(
            plan, {Plan.Status.SUBMITTED}, _("Only a submitted plan can be approved.")
        )
        before = snapshot(plan, ["status", "number", "issued_on", "approved_by", "approved_at"])
        issued_on = issued_on or timezone.localdate()
        issued = number_issue(
            agency=plan.agency,
            doc_type=plan.doc_type,
            issued_on=issued_on,
            subject=plan.title,
            actor=actor,
        )
        plan.issued_number, plan.number, plan.issued_on = issued, issued.symbol, issued_on
        plan.status = Plan.Status.ISSUED
        plan.approved_by, plan.approved_at = actor, timezone.now()
        plan.return_comment = ""
        if not plan.appendix_note:
            plan.appendix_note = default_appendix_note(plan)
        plan.version += 1
        plan.save()
        _log(actor, "planning.plan.issued", plan, before)
        notifications.notify_plan_decided(actor=actor, plan=plan, approved=True)
    return plan


def default_appendix_note(plan: Plan) -> str:
    date = plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else "…"
    return f"(Kèm theo Kế hoạch số {plan.number or '…'} ngày {date} của {plan.issuer_name.title()})"


def plan_close(*, actor: User, plan: Plan) -> Plan:
    """Close an issued plan at year end; it becomes read-only."""
    with transaction.atomic():
        plan = _transition(plan, {Plan.Status.ISSUED}, _("Only an issued plan can be closed."))
        before = snapshot(plan, ["status"])
        plan.status = Plan.Status.CLOSED
        plan.version += 1
        plan.save()
        _log(actor, "planning.plan.closed", plan, before)
    return plan


def plan_copy(*, actor: User, plan: Plan, year: int) -> Plan:
    """A new draft for ``year``: dates and school years move forward, tasks reset."""
    shift = year - plan.year
    if shift <= 0:
        raise PlanningError(_("Copy a plan to a later year."))
    with transaction.atomic():
        new = Plan.objects.create(
            agency=plan.agency,
            year=year,
            copied_from=plan,
            created_by=actor,
            parent_body=plan.parent_body,
            issuer_name=plan.issuer_name,
            doc_type=plan.doc_type,
            place=plan.place,
            title=shift_years_in_text(plan.title, shift),
            intro=shift_years_in_text(plan.intro, shift),
            closing=plan.closing,
            contact_email=plan.contact_email,
            recipients=list(plan.recipients),
            signer_prefix=plan.signer_prefix or "KT.",
            signer_authority=plan.signer_authority,
            signer_position=plan.signer_position,
            signer_name=plan.signer_name,
            appendix_title=plan.appendix_title,
            appendix_subtitle=shift_years_in_text(plan.appendix_subtitle, shift),
        )
        _copy_bases_and_sections(plan, new, shift)
        _copy_tasks(plan, new, shift)
        _log(
            actor,
            "planning.plan.created",
            new,
            {},
            snapshot(new, PLAN_FIELDS),
            note=_("Copied from %(plan)s") % {"plan": plan},
        )
    return new


def _copy_bases_and_sections(plan: Plan, new: Plan, shift: int) -> None:
    """The legal bases as they are; the sections' years moved ``shift`` years on."""
    PlanBasis.objects.bulk_create(
        PlanBasis(
            plan=new,
            order=b.order,
            verb=b.verb,
            continues_previous=b.continues_previous,
            doc_kind=b.doc_kind,
            doc_number=b.doc_number,
            doc_date=b.doc_date,
            doc_issuer=b.doc_issuer,
            text=b.text,
        )
        for b in plan.bases.all()
    )
    PlanSection.objects.bulk_create(
        PlanSection(
            plan=new, order=s.order, heading=s.heading, body=shift_years_in_text(s.body, shift)
        )
        for s in plan.sections.all()
    )


def _copy_tasks(plan: Plan, new: Plan, shift: int) -> None:
    """Each task reset to its first state, timing moved on, units and dependencies kept."""
    mapping: dict[int, PlanTask] = {}
    old_tasks = list(plan.tasks.prefetch_related("lead_units", "partner_units", "depends_on"))
    for t in old_tasks:
        timing_text = shift_timing_text(t.timing_text, shift)
        nt = PlanTask(
            plan=new,
            number=t.number,
            content=shift_years_in_text(t.content, shift),
            lead_text=t.lead_text,
            partner_text=t.partner_text,
            regulation_key=t.regulation_key,
        )
        _apply_timing(nt, timing_text, new.year, t.review_cadence_months)
        nt.save()
        nt.lead_units.set(t.lead_units.all())
        nt.partner_units.set(t.partner_units.all())
        mapping[t.pk] = nt
    for t in old_tasks:
        mapping[t.pk].depends_on.set([mapping[d.pk] for d in t.depends_on.all() if d.pk in mapping])


# ---------------------------------------------------------------- tasks


def _apply_timing(task: PlanTask, text: str, year: int, cadence: int | None = None) -> None:
    timing = parse_timing(text, default_year=year)
    task.timing_text = text.strip()
    task.timing_kind = timing.kind.value
    task.start_date, task.due_date = timing.start, timing.due
    task.timing_flagged = timing.flagged
    if timing.kind in {TimingKind.CONTINUOUS, TimingKind.RECURRING}:
        task.review_cadence_months = cadence or timing.cadence_months
    if timing.kind == TimingKind.PER_REGULATION:
        task.due_date = resolve_regulation_date(task, year)


def resolve_regulation_date(task: PlanTask, year: int) -> datetime.date | None:
    """The due date of a "Theo quy định" task from the agency's rule, or None (not set)."""
    key = task.regulation_key or "iso_report"
    rule = DeadlineRule.objects.filter(agency_id=task.plan.agency_id, year=year, key=key).first()
    return rule.due_date if rule else None


@dataclass
class TaskInput:
    number: int
    content: str
    timing_text: str
    lead_units: list[OrgUnit]
    partner_units: list[OrgUnit]
    lead_text: str = ""
    partner_text: str = ""
    start_date: datetime.date | None = None
    due_date: datetime.date | None = None
    review_cadence_months: int | None = None
    regulation_key: str = ""
    depends_on: list[PlanTask] | None = None


def _check_task_editable(plan: Plan, amendment_reason: str) -> None:
    if plan.status in {Plan.Status.SUBMITTED, Plan.Status.CLOSED}:
        raise PlanningError(_("Tasks of a submitted or closed plan cannot be changed."))
    if plan.status == Plan.Status.ISSUED and not amendment_reason.strip():
        raise PlanningError(_("An issued plan is changed by an amendment: give the reason."))


def _fill_task(task: PlanTask, data: TaskInput) -> None:
    task.number, task.content = data.number, data.content.strip()
    task.lead_text = data.lead_text or ", ".join(u.display_name for u in data.lead_units)
    task.partner_text = data.partner_text or ", ".join(u.display_name for u in data.partner_units)
    task.regulation_key = data.regulation_key
    _apply_timing(task, data.timing_text, task.plan.year, data.review_cadence_months)
    # Dates typed by a person win over the parsed ones (and clear the flag).
    if data.start_date or data.due_date:
        task.start_date = data.start_date or task.start_date
        task.due_date = data.due_date or task.due_date
        task.timing_flagged = False
    if task.start_date and task.due_date and task.start_date > task.due_date:
        raise PlanningError(_("The start date must not be after the due date."))


def task_create(
    *, actor: User | None, plan: Plan, data: TaskInput, amendment_reason: str = ""
) -> PlanTask:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_task_editable(plan, amendment_reason)
        if plan.tasks.filter(number=data.number).exists():
            raise PlanningError(
                _("Task number %(n)s already exists in this plan.") % {"n": data.number}
            )
        if plan.status == Plan.Status.ISSUED:
            _plan_amend(actor=actor, plan=plan, reason=amendment_reason)
            plan.save(update_fields=["revision"])
        task = PlanTask(plan=plan)
        _fill_task(task, data)
        task.save()
        task.lead_units.set(data.lead_units)
        task.partner_units.set(data.partner_units)
        task.depends_on.set(data.depends_on or [])
        _log(
            actor,
            "planning.task.created",
            task,
            {},
            snapshot(task, TASK_FIELDS),
            note=amendment_reason,
        )
    return task


def task_update(
    *, actor: User, task: PlanTask, data: TaskInput, amendment_reason: str = ""
) -> PlanTask:
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
        plan = task.plan
        _check_task_editable(plan, amendment_reason)
        if plan.tasks.filter(number=data.number).exclude(pk=task.pk).exists():
            raise PlanningError(
                _("Task number %(n)s already exists in this plan.") % {"n": data.number}
            )
        if data.depends_on and task in data.depends_on:
            raise PlanningError(_("A task cannot depend on itself."))
        before = snapshot(task, TASK_FIELDS)
        old_leads = set(task.lead_units.values_list("pk", flat=True))
        if plan.status == Plan.Status.ISSUED:
            _plan_amend(actor=actor, plan=plan, reason=amendment_reason)
            plan.save(update_fields=["revision"])
        _fill_task(task, data)
        task.save()
        task.lead_units.set(data.lead_units)
        if plan.status == Plan.Status.ISSUED:
            new_leads = {u.pk for u in data.lead_units} - old_leads
            notifications.notify_task_reassigned(actor=actor, task=task, new_unit_ids=new_leads)
        task.partner_units.set(data.partner_units)
        task.depends_on.set(data.depends_on or [])
        _log(actor, "planning.task.updated", task, before, note=amendment_reason)
    return task


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Check an evidence file with the shared upload checks (qms.core.uploads).

    PDF, Word (.docx), Excel (.xlsx), PNG and JPEG are accepted, judged by content.
    Raises PlanningError with a message naming the file.
    """
    try:
        return uploads.check_upload(upload, kinds=uploads.EVIDENCE_KINDS)
    except uploads.FileRejected as exc:
        raise PlanningError(exc.message) from exc


def check_evidence_files(files: Sequence[UploadedFile]) -> list[CheckedUpload]:
    """Every file of one request checked, within the per-request count and total size."""
    try:
        uploads.check_request_files(files)
    except uploads.FileRejected as exc:
        raise PlanningError(exc.message) from exc
    return [check_upload(f) for f in files]


def task_post_progress(
    *,
    actor: User,
    task: PlanTask,
    percent: int,
    comment: str,
    files: Sequence[UploadedFile] = (),
    report_done: bool = False,
) -> ProgressUpdate:
    """Record progress with optional evidence; ``report_done`` asks for confirmation.

    Raises PlanningError for a closed task, a bad percent or a rejected file (then
    nothing is saved).
    """
    if not 0 <= percent <= 100:
        raise PlanningError(_("Progress must be between 0 and 100%."))
    if not comment.strip():
        raise PlanningError(_("Describe what was done."))
    checked = list(zip(files, check_evidence_files(files), strict=True))
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if not task.is_open() or task.plan.status != Plan.Status.ISSUED:
            raise PlanningError(_("Progress can be posted only on open tasks of an issued plan."))
        before = snapshot(task, ["status", "percent", "reported_done_by"])
        _task_set_progress(task, actor=actor, percent=percent, report_done=report_done)
        update = ProgressUpdate.objects.create(
            task=task,
            author=actor,
            percent=task.percent,
            comment=comment.strip(),
            status_after=task.status,
        )
        for upload, file in checked:
            _evidence_add(actor=actor, update=update, upload=upload, file=file)
        logentry_create(
            actor=actor,
            action="planning.progress.posted",
            obj=update,
            unit=task.plan.agency,
            before={},
            after={"percent": update.percent, "comment": update.comment},
        )
        _log(
            actor,
            "planning.task.done_reported" if report_done else "planning.task.progress",
            task,
            before,
        )
        notifications.notify_progress_posted(
            actor=actor, task=task, percent=update.percent, comment=update.comment
        )
    return update


def _task_set_progress(task: PlanTask, *, actor: User, percent: int, report_done: bool) -> None:
    """In progress at ``percent``, or reported done (100 %) by ``actor``; saved."""
    if report_done:
        task.status, task.percent = PlanTask.Status.DONE_REPORTED, 100
        task.reported_done_by, task.reported_done_at = actor, timezone.now()
    else:
        task.percent = percent
        task.status = PlanTask.Status.IN_PROGRESS
    task.save(update_fields=["status", "percent", "reported_done_by", "reported_done_at"])


def _evidence_add(
    *, actor: User, update: ProgressUpdate, upload: UploadedFile, file: CheckedUpload
) -> Evidence:
    """Store one checked evidence file of a progress update, with its log entry."""
    sha = file.sha256
    ev = Evidence(
        update=update,
        original_name=file.name,
        content_type=file.content_type,
        size=file.size,
        sha256=sha,
        uploaded_by=actor,
    )
    ev.file.save(file.name or "evidence", upload, save=False)
    ev.save()
    logentry_create(
        actor=actor,
        action="planning.evidence.added",
        obj=ev,
        unit=update.task.plan.agency,
        before={},
        after={"file": ev.original_name, "sha256": sha, "size": ev.size},
    )
    return ev


def task_confirm(*, actor: User, task: PlanTask) -> PlanTask:
    """Confirm a task reported done. Raises PlanningError unless DONE_REPORTED."""
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if task.status != PlanTask.Status.DONE_REPORTED:
            raise PlanningError(_("Only a task reported done can be confirmed."))
        before = snapshot(task, ["status", "confirmed_by", "completed_on"])
        task.status = PlanTask.Status.DONE
        task.confirmed_by, task.confirmed_at = actor, timezone.now()
        task.completed_on = (
            timezone.localdate(task.reported_done_at)
            if task.reported_done_at
            else timezone.localdate()
        )
        task.save(update_fields=["status", "confirmed_by", "confirmed_at", "completed_on"])
        _log(actor, "planning.task.confirmed", task, before)
        notifications.notify_task_decided(actor=actor, task=task, confirmed=True)
    return task


def task_reject(*, actor: User, task: PlanTask, comment: str) -> PlanTask:
    """Send a task reported done back to in progress, saying why."""
    if not comment.strip():
        raise PlanningError(_("Say why the task is not done yet."))
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if task.status != PlanTask.Status.DONE_REPORTED:
            raise PlanningError(_("Only a task reported done can be sent back."))
        before = snapshot(task, ["status", "percent"])
        task.status, task.percent = PlanTask.Status.IN_PROGRESS, 90
        task.save(update_fields=["status", "percent"])
        ProgressUpdate.objects.create(
            task=task,
            author=actor,
            percent=task.percent,
            comment=comment.strip(),
            status_after=task.status,
        )
        _log(actor, "planning.task.rejected", task, before, note=comment)
        notifications.notify_task_decided(
            actor=actor, task=task, confirmed=False, comment=comment.strip()
        )
    return task


def task_cancel(*, actor: User, task: PlanTask, reason: str) -> PlanTask:
    """Cancel an open task with a reason; it stays in the plan, marked cancelled."""
    if not reason.strip():
        raise PlanningError(_("Give the reason for cancelling."))
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if not task.is_open():
            raise PlanningError(_("This task is already closed."))
        before = snapshot(task, ["status", "cancel_reason"])
        task.status, task.cancel_reason = PlanTask.Status.CANCELLED, reason.strip()
        task.save(update_fields=["status", "cancel_reason"])
        _log(actor, "planning.task.cancelled", task, before, note=reason)
    return task


def plan_import_tasks(
    *, actor: User | None, plan: Plan, tasks: Sequence[TaskInput]
) -> list[PlanTask]:
    """Add imported tasks to a draft plan, all or nothing (numbers must be free)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT:
            raise PlanningError(_("Tasks can be imported into a draft plan only."))
        taken = set(plan.tasks.values_list("number", flat=True))
        clash = sorted(t.number for t in tasks if t.number in taken)
        if clash:
            raise PlanningError(
                _("Task numbers already in the plan: %(n)s.") % {"n": ", ".join(map(str, clash))}
            )
        created = [task_create(actor=actor, plan=plan, data=t) for t in tasks]
        _log(actor, "planning.plan.tasks_imported", plan, {}, {"tasks": len(created)})
        analyze_on_commit(PlanTask)
    return created


def deadline_rule_save(
    *,
    actor: User | None,
    agency: OrgUnit,
    year: int,
    key: str,
    label: str,
    due_date: datetime.date | None,
    source: str = "",
) -> DeadlineRule:
    """Set a "Theo quy định" date; open tasks using it in that year's plans follow."""
    with transaction.atomic():
        rule, _created = DeadlineRule.objects.get_or_create(
            agency=agency, year=year, key=key, defaults={"label": label}
        )
        before = snapshot(rule, ["label", "due_date", "source"])
        rule.label, rule.due_date, rule.source = label, due_date, source
        rule.save()
        logentry_create(
            actor=actor, action="core.deadline_rule.saved", obj=rule, unit=agency, before=before
        )
        tasks = (
            PlanTask.objects.select_related("plan")
            .filter(plan__agency=agency, plan__year=year, timing_kind=TimingKind.PER_REGULATION)
            .exclude(status__in=PlanTask.CLOSED_STATUSES)
        )
        for task in tasks:
            if (task.regulation_key or "iso_report") == key and task.due_date != due_date:
                t_before = snapshot(task, ["due_date"])
                task.due_date = due_date
                task.save(update_fields=["due_date"])
                _log(actor, "planning.task.updated", task, t_before, note=rule.label)
    return rule


def plan_register_paper_issue(
    *,
    actor: User | None,
    plan: Plan,
    serial: int,
    issued_on: datetime.date,
) -> Plan:
    """Record that a draft plan was issued on paper under ``serial`` (registered number).

    Raises NumberingError when the number is taken, PlanningError unless a draft.
    """
    from qms.core.numbering import number_register_external

    with transaction.atomic():
        plan = _transition(
            plan,
            {Plan.Status.DRAFT, Plan.Status.SUBMITTED},
            _("Only a plan not yet issued can be registered."),
        )
        before = snapshot(plan, ["status", "number", "issued_on"])
        issued = number_register_external(
            agency=plan.agency,
            doc_type=plan.doc_type,
            serial=serial,
            issued_on=issued_on,
            subject=plan.title,
            actor=actor,
        )
        plan.issued_number, plan.number, plan.issued_on = issued, issued.symbol, issued_on
        plan.status = Plan.Status.ISSUED
        plan.approved_at = timezone.now()
        if not plan.appendix_note:
            plan.appendix_note = default_appendix_note(plan)
        plan.version += 1
        plan.save()
        _log(actor, "planning.plan.registered", plan, before)
    return plan
