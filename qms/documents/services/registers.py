"""The registers around the documents: external texts and legal change, reviews, records, plan links."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.accounts.models import User
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.core.text import fold
from qms.documents import notifications
from qms.documents.models import (
    Document,
    ExternalDocument,
    RetainedRecord,
    ReviewTask,
    TaskDocumentLink,
)
from qms.documents.notifications import Kind
from qms.documents.services.base import (
    EXTERNAL_FIELDS,
    RECORD_FIELDS,
    DocumentError,
    StaleEdit,
    _log,
    add_months,
    facts,
    settings_for,
)
from qms.notifications.services import Directory

if TYPE_CHECKING:
    from qms.planning.models import PlanTask


# --------------------------------------------------------------------------- external documents


@dataclass
class ExternalInput:
    number: str
    doc_type: str
    issuer: str
    title: str
    signed_on: datetime.date | None
    effective_on: datetime.date | None
    field: str = ""
    owner_unit: OrgUnit | None = None


def _external_search(ext: ExternalDocument) -> str:
    return fold(" ".join([ext.number, ext.doc_type, ext.issuer, ext.title, ext.field]))


def _external_apply(ext: ExternalDocument, data: ExternalInput) -> None:
    ext.number = data.number.strip()
    ext.doc_type = data.doc_type.strip()
    ext.issuer = data.issuer.strip()
    ext.title = data.title.strip()
    ext.signed_on = data.signed_on
    ext.effective_on = data.effective_on
    ext.field = data.field.strip()
    ext.owner_unit = data.owner_unit
    ext.search_text = _external_search(ext)


def _external_clash(agency: OrgUnit, number: str, exclude: int | None = None) -> None:
    qs = ExternalDocument.objects.filter(
        agency=agency, number__iexact=number.strip(), archived_at__isnull=True
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise DocumentError(_("%(number)s is already in the register.") % {"number": number})


def external_create(
    *, actor: User | None, agency: OrgUnit, data: ExternalInput
) -> ExternalDocument:
    """Add a legal text or standard to the agency's register."""
    _external_clash(agency, data.number)
    with transaction.atomic():
        ext = ExternalDocument(agency=agency, created_by=actor)
        _external_apply(ext, data)
        ext.save()
        _log(actor, "documents.external.created", ext, agency, {}, snapshot(ext, EXTERNAL_FIELDS))
    return ext


def external_update(
    *, actor: User, ext: ExternalDocument, data: ExternalInput, version: int
) -> ExternalDocument:
    """Correct an entry of the register. Raises StaleEdit if someone saved since."""
    _external_clash(ext.agency, data.number, exclude=ext.pk)
    with transaction.atomic():
        ext = ExternalDocument.objects.select_for_update().get(pk=ext.pk)
        if ext.version != version:
            raise StaleEdit(_("Someone else saved this entry meanwhile. Reload it."))
        before = snapshot(ext, EXTERNAL_FIELDS)
        _external_apply(ext, data)
        ext.version += 1
        ext.save()
        _log(actor, "documents.external.updated", ext, ext.agency, before)
    return ext


def external_mark_changed(
    *,
    actor: User | None,
    ext: ExternalDocument,
    status: str,
    change_effective_on: datetime.date | None,
    replaced_by: ExternalDocument | None = None,
    note: str = "",
) -> list[ReviewTask]:
    """Mark a legal text amended, replaced or expired.

    Amended or replaced: every document citing it (in force or being drafted) gets a review
    task due ``legal_alignment_months`` (3 by QĐ 19/2014) after the new text takes effect,
    and its owner unit is told. Returns the tasks created.
    """
    status = ExternalDocument.Status(status)
    changed = status in {ExternalDocument.Status.AMENDED, ExternalDocument.Status.REPLACED}
    if changed and change_effective_on is None:
        raise DocumentError(_("Give the date the amending or replacing text takes effect."))
    if replaced_by is not None and (
        replaced_by.pk == ext.pk or replaced_by.agency_id != ext.agency_id
    ):
        raise DocumentError(_("Choose another text of the same register."))
    with transaction.atomic():
        ext = ExternalDocument.objects.select_for_update().get(pk=ext.pk)
        before = snapshot(ext, EXTERNAL_FIELDS)
        ext.status = status
        ext.change_effective_on = change_effective_on
        ext.replaced_by = replaced_by
        ext.change_note = note.strip()
        ext.version += 1
        ext.save()
        _log(actor, "documents.external.status_changed", ext, ext.agency, before)
        if status in {ExternalDocument.Status.AMENDED, ExternalDocument.Status.REPLACED}:
            assert change_effective_on is not None  # noqa: S101 - checked above
            return _legal_review_tasks(actor, ext, change_effective_on)
    return []


def _legal_review_tasks(
    actor: User | None, ext: ExternalDocument, effective_on: datetime.date
) -> list[ReviewTask]:
    months = settings_for(ext.agency).legal_alignment_months
    due = add_months(effective_on, months)
    citing = list(
        ext.cited_by.exclude(status=Document.Status.WITHDRAWN)
        .filter(archived_at__isnull=True)
        .select_related("agency", "current_version", "owner_unit")
    )
    created: list[ReviewTask] = []
    directory = Directory([ext.agency_id])
    for document in citing:
        task, new = ReviewTask.objects.get_or_create(
            document=document,
            external=ext,
            due_on=due,
            defaults={"reason": ReviewTask.Reason.LEGAL_CHANGE},
        )
        if not new:
            continue
        created.append(task)
        _log(
            actor,
            "documents.review.created",
            task,
            ext.agency,
            {},
            {
                "document": document.code,
                "external": ext.number,
                "due_on": due.isoformat(),
            },
        )
        _notify_review(task, directory, actor)
    return created


def _notify_review(task: ReviewTask, directory: Directory, actor: User | None) -> None:
    document = task.document
    version = document.current_version or document.versions.order_by("-issue_no").first()
    if version is None:
        return
    recipients = directory.heads([document.owner_unit_id]) or directory.office(document.agency_id)
    reason = (
        _("%(number)s has changed (%(status)s)")
        % {"number": task.external.number, "status": task.external.get_status_display()}
        if task.external
        else str(task.get_reason_display())
    )
    notifications.notify_document(
        kind=Kind.DOC_REVIEW_DUE,
        recipients=recipients,
        actor=actor,
        facts=facts(version),
        obj=task,
        url=reverse("documents:document_detail", kwargs={"pk": document.pk}),
        agency_id=document.agency_id,
        key=f"doc_review:{task.pk}",
        due=task.due_on,
        reason=reason,
    )


# --------------------------------------------------------------------------- reviews


def review_complete(*, actor: User, task: ReviewTask, note: str) -> ReviewTask:
    """Close a review with "no change needed"; the next periodic review is scheduled."""
    if not note.strip():
        raise DocumentError(_("Say what was reviewed and why no change is needed."))
    with transaction.atomic():
        task = (
            ReviewTask.objects.select_for_update(of=("self",))
            .select_related("document")
            .get(pk=task.pk)
        )
        if task.status != ReviewTask.Status.OPEN:
            raise DocumentError(_("This review is already closed."))
        before = snapshot(task, ["status", "outcome", "note"])
        task.status, task.outcome, task.note = (
            ReviewTask.Status.DONE,
            ReviewTask.Outcome.NO_CHANGE,
            note.strip(),
        )
        task.done_by, task.done_at = actor, timezone.now()
        task.save()
        document = task.document
        _log(actor, "documents.review.completed", task, document.agency, before)
        if (
            task.reason == ReviewTask.Reason.PERIODIC
            and document.status == Document.Status.IN_FORCE
        ):
            doc_before = snapshot(document, ["next_review_on"])
            months = document.review_months or settings_for(document.agency).review_months
            document.next_review_on = add_months(timezone.localdate(), months)
            document.save(update_fields=["next_review_on"])
            _log(actor, "documents.document.updated", document, document.agency, doc_before)
    return task


def periodic_reviews(today: datetime.date, agency_ids: Iterable[int] | None = None) -> int:
    """Open a periodic review for every document in force whose review date has come."""
    due = Document.objects.filter(
        status=Document.Status.IN_FORCE,
        archived_at__isnull=True,
        next_review_on__lte=today,
    ).select_related("agency", "current_version")
    if agency_ids is not None:
        due = due.filter(agency_id__in=list(agency_ids))
    due_list = list(due)
    if not due_list:
        return 0
    directory = Directory(sorted({d.agency_id for d in due_list}))
    created = 0
    for document in due_list:
        assert document.next_review_on is not None  # noqa: S101 - filtered above
        try:
            with transaction.atomic():
                task, new = ReviewTask.objects.get_or_create(
                    document=document,
                    reason=ReviewTask.Reason.PERIODIC,
                    due_on=document.next_review_on,
                    external=None,
                )
                if new:
                    _log(
                        None,
                        "documents.review.created",
                        task,
                        document.agency,
                        {},
                        {
                            "document": document.code,
                            "due_on": task.due_on.isoformat(),
                        },
                    )
                    _notify_review(task, directory, None)
                    created += 1
        except IntegrityError:  # another pass created it meanwhile
            continue
    return created


# --------------------------------------------------------------------------- records


@dataclass
class RecordInput:
    name: str
    owner_unit: OrgUnit
    document: Document | None = None
    form_code: str = ""
    keeper: str = ""
    location: str = ""
    retention_years: int | None = None
    retention_text: str = ""
    disposal_method: str = ""


def _record_apply(record: RetainedRecord, data: RecordInput) -> None:
    record.name = data.name.strip()
    record.owner_unit = data.owner_unit
    record.document = data.document
    record.form_code = data.form_code.strip()
    record.keeper = data.keeper.strip()
    record.location = data.location.strip()
    record.retention_years = data.retention_years
    record.retention_text = data.retention_text.strip()
    record.disposal_method = data.disposal_method.strip()


def record_save(
    *, actor: User | None, agency: OrgUnit, data: RecordInput, record: RetainedRecord | None = None
) -> RetainedRecord:
    """Create or correct an entry of the records list (Danh mục hồ sơ)."""
    if data.document is not None and data.document.agency_id != agency.pk:
        raise DocumentError(_("Choose a procedure of the same agency."))
    with transaction.atomic():
        if record is None:
            record = RetainedRecord(agency=agency, created_by=actor)
            before: Snapshot = {}
            action = "documents.record.created"
        else:
            record = RetainedRecord.objects.select_for_update().get(pk=record.pk)
            before = snapshot(record, RECORD_FIELDS)
            action = "documents.record.updated"
        _record_apply(record, data)
        record.save()
        _log(actor, action, record, agency, before, snapshot(record, RECORD_FIELDS))
    return record


def record_archive(*, actor: User, record: RetainedRecord) -> RetainedRecord:
    with transaction.atomic():
        record = RetainedRecord.objects.select_for_update().get(pk=record.pk)
        before = snapshot(record, ["archived_at"])
        record.archived_at = timezone.now()
        record.save(update_fields=["archived_at"])
        _log(actor, "documents.record.archived", record, record.agency, before)
    return record


# --------------------------------------------------------------------------- plan links


def task_link_set(
    *, actor: User, task: PlanTask, documents: Sequence[Document]
) -> list[TaskDocumentLink]:
    """Make ``documents`` the ones linked to a plan task (links are logged both ways)."""
    agency_id = task.plan.agency_id
    if any(d.agency_id != agency_id for d in documents):
        raise DocumentError(_("Link only documents of the plan's agency."))
    with transaction.atomic():
        current = {link.document_id: link for link in task.document_links.all()}
        wanted = {d.pk for d in documents}
        before = {"documents": sorted(current)}
        for doc_id, link in current.items():
            if doc_id not in wanted:
                link.delete()  # a link is not an ISO record; the log keeps its history
        for doc_id in sorted(wanted - set(current)):
            TaskDocumentLink.objects.create(task=task, document_id=doc_id, created_by=actor)
        logentry_create(
            actor=actor,
            action="documents.task_links.set",
            obj=task,
            unit=task.plan.agency,
            before=before,
            after={"documents": sorted(wanted)},
        )
        return list(task.document_links.select_related("document"))


def can_edit(user: User, document: Document) -> bool:
    return permissions.can(user, "documents.edit", document.owner_unit)
