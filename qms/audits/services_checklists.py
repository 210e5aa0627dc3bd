"""Writes of checklists and findings (ISO 9001:2015 clause 9.2, ISO 19011 §6.4).

* :func:`generate_checklist` builds an audit's checklist per audited unit from the clause
  library and the committee's question bank, from the steps and records of the unit's
  procedures in force, or copies the unit's last checklist; it is idempotent.
* :func:`answer_item` saves one answer as it is given on the phone: idempotent (the same
  answer posted twice is one save) and versioned (a save made on an older version is
  refused with :class:`StaleAnswer`, never overwriting a colleague's answer).
* :func:`record_finding`, :func:`finding_update`, :func:`finding_issue` and
  :func:`finding_acknowledge` take a finding from the team's draft to the unit and its
  acknowledgement; an issued nonconformity raises an NC record through
  ``qms.nonconformities.services.raise_nc`` (source ``audits.finding``).

Every change is decided on the target's own unit: a member (lead or auditor) of the
audit's team holding ``audits.conduct`` on the audited unit; issuing is the lead auditor's;
acknowledging is the audited unit's head's (``audits.acknowledge``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.accounts.models import User
from qms.audits import clauses, notifications_checklists
from qms.audits import selectors_checklists as sel
from qms.audits.models import Audit, ChecklistItem, Evidence, Finding, Question
from qms.audittrail.services import logentry_create, snapshot
from qms.core import uploads
from qms.core.models import OrgUnit
from qms.documents.models import Document, RetainedRecord

Origin = ChecklistItem.Origin
A = ChecklistItem.Answer
ITEM_FIELDS = ["answer", "note", "answered_by", "answered_at"]
FINDING_FIELDS = [
    "kind",
    "severity",
    "clause",
    "document",
    "description",
    "evidence",
    "unit",
    "status",
]
# A checklist answer and the finding kind it suggests.
ANSWER_KINDS: dict[str, str] = {
    A.CONFORM: Finding.Kind.CONFORMITY,
    A.OBSERVATION: Finding.Kind.OBSERVATION,
    A.IMPROVEMENT: Finding.Kind.IMPROVEMENT,
    A.NONCONFORM: Finding.Kind.NONCONFORMITY,
}
CLOSED_AUDIT = (Audit.Status.REPORTED,)


class ChecklistError(Exception):
    """A refused change; ``message`` is translated and shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleAnswer(ChecklistError):
    """The item was answered meanwhile (another device, another auditor)."""

    def __init__(self, message: str, item: ChecklistItem) -> None:
        super().__init__(message)
        self.item = item


# --------------------------------------------------------------------------- checks


def _require_conduct(actor: User, audit: Audit, unit: OrgUnit | None) -> None:
    if not sel.can_conduct(actor, audit, unit):
        raise permissions_denied()


def permissions_denied() -> Exception:
    from django.core.exceptions import PermissionDenied

    return PermissionDenied(_("Only the audit team may change the checklist and findings."))


def _require_open(audit: Audit) -> None:
    if audit.status in CLOSED_AUDIT or audit.archived_at is not None:
        raise ChecklistError(_("The audit is reported: its checklist and findings are closed."))


def _require_unit(audit: Audit, unit: OrgUnit) -> None:
    if not audit.units.filter(pk=unit.pk).exists():
        raise ChecklistError(_("%(unit)s is not audited by this audit.") % {"unit": unit})


def check_files(files: Sequence[UploadedFile]) -> list[uploads.CheckedUpload]:
    """Evidence photos and files, checked only by ``qms.core.uploads`` (PDF, DOCX, XLSX,
    PNG, JPEG, by content). Raises ChecklistError naming the file."""
    try:
        uploads.check_request_files(files)
        return [uploads.check_upload(f, kinds=uploads.EVIDENCE_KINDS) for f in files]
    except uploads.FileRejected as exc:
        raise ChecklistError(exc.message) from exc


# --------------------------------------------------------------------------- question bank


def question_create(*, actor: User, agency: OrgUnit, clause: str, text: str) -> Question:
    """Add a question of the committee's bank under a clause of the library."""
    if not permissions.can(actor, "audits.manage_programme", agency):
        raise permissions_denied()
    clause, text = clause.strip(), text.strip()
    if not clauses.is_known(clause):
        raise ChecklistError(_("Choose a clause of ISO 9001:2015."))
    if not text:
        raise ChecklistError(_("Write the question."))
    with transaction.atomic():
        question = Question.objects.create(
            agency=agency, clause=clause, text=text, created_by=actor
        )
        logentry_create(
            actor=actor,
            action="audits.question.created",
            obj=question,
            unit=agency,
            before={},
            after={"clause": clause, "text": text},
        )
    return question


def question_update(*, actor: User, question: Question, clause: str, text: str) -> Question:
    """Reword a question of the bank (checklists already made keep their wording)."""
    if not permissions.can(actor, "audits.manage_programme", question.agency):
        raise permissions_denied()
    if not clauses.is_known(clause.strip()):
        raise ChecklistError(_("Choose a clause of ISO 9001:2015."))
    if not text.strip():
        raise ChecklistError(_("Write the question."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = snapshot(question, ["clause", "text"])
        question.clause, question.text = clause.strip(), text.strip()
        question.save(update_fields=["clause", "text"])
        logentry_create(
            actor=actor,
            action="audits.question.updated",
            obj=question,
            unit=question.agency,
            before=before,
        )
    return question


def question_archive(*, actor: User, question: Question) -> Question:
    """Take a question out of the bank (kept for the checklists that used it)."""
    if not permissions.can(actor, "audits.manage_programme", question.agency):
        raise permissions_denied()
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = snapshot(question, ["archived_at"])
        question.archived_at = timezone.now()
        question.save(update_fields=["archived_at"])
        logentry_create(
            actor=actor,
            action="audits.question.archived",
            obj=question,
            unit=question.agency,
            before=before,
        )
    return question


# --------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class Planned:
    """One question the generator wants on the checklist."""

    unit_id: int
    origin: str
    question: str
    clause: str = ""
    document_id: int | None = None
    step_no: int | None = None

    @property
    def key(self) -> tuple[Any, ...]:
        return (
            self.unit_id,
            self.origin,
            self.clause,
            self.document_id,
            self.step_no,
            self.question,
        )


@dataclass
class GenerateResult:
    added: int = 0
    kept: int = 0
    removed: int = 0
    copied_from: dict[int, Audit] = field(default_factory=dict)
    units_without_copy: list[OrgUnit] = field(default_factory=list)


def _item_key(item: ChecklistItem) -> tuple[Any, ...]:
    return (item.unit_id, item.origin, item.clause, item.document_id, item.step_no, item.question)


def step_question(no: int, step: dict[str, Any]) -> str:
    """ "Bước 3 — Thẩm định hồ sơ — Trách nhiệm: Phòng GDTrH — Thời gian: 2 ngày: có hồ sơ
    chứng minh?" from one row of the procedure's 5.7 table; empty cells are left out."""
    parts = [_("Step %(n)s") % {"n": no}]
    action = " ".join(str(step.get("action", "")).split())
    if action:
        parts.append(action)
    responsible = str(step.get("responsible", "")).strip()
    if responsible:
        parts.append(_("Responsible: %(who)s") % {"who": responsible})
    time = str(step.get("time", "")).strip()
    if time:
        parts.append(_("Time: %(time)s") % {"time": time})
    output = str(step.get("output", "")).strip()
    if output:
        parts.append(_("Output: %(output)s") % {"output": output})
    return _("%(step)s: is there a record proving it?") % {"step": " — ".join(parts)}


def record_question(record: RetainedRecord) -> str:
    """ "Có lưu hồ sơ «Sổ theo dõi» (mẫu BM.01, lưu 05 năm)?" for a record to keep."""
    details = []
    if record.form_code:
        details.append(_("form %(code)s") % {"code": record.form_code})
    if record.retention_text:
        details.append(_("kept %(retention)s") % {"retention": record.retention_text})
    elif record.retention_years is None:
        details.append(_("kept permanently"))
    else:
        details.append(_("kept %(n)s years") % {"n": f"{record.retention_years:02d}"})
    if record.location or record.keeper:
        where = " / ".join(x for x in (record.location, record.keeper) if x)
        details.append(_("at %(where)s") % {"where": where})
    return _("Is the record «%(name)s» kept (%(details)s)?") % {
        "name": record.name,
        "details": ", ".join(details),
    }


def clause_question(number: str) -> str:
    return _("Clause %(no)s «%(title)s»: how does the unit meet it, and what shows it?") % {
        "no": number,
        "title": clauses.title(number) or number,
    }


def procedures_for_unit(audit: Audit, unit: OrgUnit, audited_ids: set[int]) -> list[Document]:
    """The procedures in force whose steps and records are checked at ``unit``.

    When the audit names its procedures: those the unit owns, and those owned by a unit
    not audited (a system procedure of the ISO committee applies to every unit). When it
    names none: every procedure in force the unit owns.
    """
    in_force = Document.objects.filter(
        agency_id=audit.agency_id,
        status=Document.Status.IN_FORCE,
        archived_at__isnull=True,
        current_version__isnull=False,
    ).select_related("current_version")
    named = list(audit.procedures.values_list("pk", flat=True))
    if named:
        qs = in_force.filter(pk__in=named).filter(
            Q(owner_unit=unit) | ~Q(owner_unit_id__in=audited_ids)
        )
    else:
        qs = in_force.filter(
            owner_unit=unit,
            kind__in=[Document.Kind.SYSTEM_PROCEDURE, Document.Kind.WORK_PROCEDURE],
        )
    return list(qs.order_by("code"))


def _planned_for_unit(audit: Audit, unit: OrgUnit, audited_ids: set[int]) -> list[Planned]:
    out: list[Planned] = []
    numbers = sorted(
        {str(c) for c in (audit.clauses or []) if str(c).strip()}, key=clauses.sort_key
    )
    bank: dict[str, list[Question]] = {}
    for q in Question.objects.filter(
        agency_id=audit.agency_id, archived_at__isnull=True, clause__in=numbers
    ):
        bank.setdefault(q.clause, []).append(q)
    for number in numbers:
        out.append(Planned(unit.pk, Origin.CLAUSE, clause_question(number), clause=number))
        for q in bank.get(number, []):
            out.append(Planned(unit.pk, Origin.BANK, q.text, clause=number))
    procedures = procedures_for_unit(audit, unit, audited_ids)
    records: dict[int, list[RetainedRecord]] = {}
    for r in RetainedRecord.objects.filter(
        document__in=procedures, archived_at__isnull=True
    ).order_by("id"):
        records.setdefault(r.document_id or 0, []).append(r)
    for doc in procedures:
        content = (doc.current_version.content if doc.current_version else None) or {}
        steps = [
            s
            for s in content.get("steps", [])
            if isinstance(s, dict) and str(s.get("action", "")).strip()
        ]
        for no, step in enumerate(steps, 1):
            out.append(
                Planned(
                    unit.pk, Origin.STEP, step_question(no, step), document_id=doc.pk, step_no=no
                )
            )
        for record in records.get(doc.pk, []):
            out.append(Planned(unit.pk, Origin.RECORD, record_question(record), document_id=doc.pk))
    return out


def _copied_for_unit(audit: Audit, unit: OrgUnit) -> tuple[Audit | None, list[Planned]]:
    last = sel.last_audit_of_unit(audit, unit)
    if last is None:
        return None, []
    items = ChecklistItem.objects.filter(audit=last, unit=unit).order_by("position")
    return last, [
        Planned(
            unit.pk,
            Origin.COPIED,
            i.question,
            clause=i.clause,
            document_id=i.document_id,
            step_no=i.step_no,
        )
        for i in items
    ]


def generate_checklist(
    *, audit: Audit, actor: User, units: Sequence[OrgUnit] | None = None, copy_last: bool = False
) -> GenerateResult:
    """Build (or bring up to date) the checklist of ``audit`` for its audited units.

    Per unit: (a) a question per clause of the audit (library title) and the bank's
    questions of those clauses, (b) a question per step of the 5.7 table of each of the
    unit's procedures in force (version in force's ``content["steps"]``) and per record
    the procedure requires to keep (``RetainedRecord``); or, with ``copy_last``, the
    questions of the unit's last audit (origin "copied", answers not carried over; a unit
    never audited before gets (a) and (b)).

    Idempotent: a question already on the checklist is kept as it is (answer, evidence,
    position); a generated question no longer wanted is removed only while unanswered and
    without evidence or finding; custom questions are never touched. New questions are
    numbered after the last. Raises PermissionDenied / ChecklistError.
    """
    audited = list(audit.units.order_by("path"))
    targets = list(units) if units is not None else audited
    if not (
        sel.can_conduct(actor, audit)
        or permissions.can(actor, "audits.manage_programme", audit.agency)
    ):
        raise permissions_denied()
    _require_open(audit)
    if not audited:
        raise ChecklistError(_("The audit has no audited unit yet."))
    audited_ids = {u.pk for u in audited}
    result = GenerateResult()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        planned: list[Planned] = []
        for unit in targets:
            if unit.pk not in audited_ids:
                raise ChecklistError(_("%(unit)s is not audited by this audit.") % {"unit": unit})
            wanted: list[Planned] = []
            if copy_last:
                last, wanted = _copied_for_unit(audit, unit)
                if last is not None:
                    result.copied_from[unit.pk] = last
                else:
                    result.units_without_copy.append(unit)
            if not wanted:
                wanted = _planned_for_unit(audit, unit, audited_ids)
            planned += wanted
        _apply(audit, actor, planned, {u.pk for u in targets}, result)
        logentry_create(
            actor=actor,
            action="audits.checklist.generated",
            obj=audit,
            unit=audit.agency,
            before={},
            after={
                "added": result.added,
                "kept": result.kept,
                "removed": result.removed,
                "copied_from": [a.title for a in result.copied_from.values()],
            },
        )
    return result


def _apply(
    audit: Audit, actor: User, planned: list[Planned], unit_ids: set[int], result: GenerateResult
) -> None:
    existing = list(
        ChecklistItem.objects.filter(audit=audit, unit_id__in=unit_ids).exclude(
            origin=Origin.CUSTOM
        )
    )
    by_key: dict[tuple[Any, ...], ChecklistItem] = {}
    for item in existing:
        by_key.setdefault(_item_key(item), item)
    wanted_keys = {p.key for p in planned}
    # Copying replaces generated questions of the unit and vice versa: an unanswered
    # question of the other kind is not wanted any more.
    stale = [i for i in existing if _item_key(i) not in wanted_keys and not i.answer and not i.note]
    if stale:
        busy = set(
            Evidence.objects.filter(checklist_item__in=stale).values_list(
                "checklist_item_id", flat=True
            )
        ) | set(
            Finding.objects.filter(checklist_item__in=stale).values_list(
                "checklist_item_id", flat=True
            )
        )
        removable = [i.pk for i in stale if i.pk not in busy]
        result.removed = len(removable)
        ChecklistItem.objects.filter(pk__in=removable).delete()
    position = ChecklistItem.objects.filter(audit=audit).aggregate(m=Max("position"))["m"] or 0
    new = []
    seen: set[tuple[Any, ...]] = set()
    for p in planned:
        if p.key in seen:
            continue
        seen.add(p.key)
        if p.key in by_key:
            result.kept += 1
            continue
        position += 1
        new.append(
            ChecklistItem(
                audit=audit,
                position=position,
                origin=p.origin,
                unit_id=p.unit_id,
                clause=p.clause,
                document_id=p.document_id,
                step_no=p.step_no,
                question=p.question,
            )
        )
    ChecklistItem.objects.bulk_create(new)
    result.added = len(new)


def item_add(
    *,
    actor: User,
    audit: Audit,
    unit: OrgUnit,
    clause: str,
    question: str,
    document: Document | None = None,
) -> ChecklistItem:
    """Add a question of the team's own to the checklist of ``unit`` (origin "custom")."""
    _require_conduct(actor, audit, unit)
    _require_open(audit)
    _require_unit(audit, unit)
    clause, question = clause.strip(), question.strip()
    if clause and not clauses.is_known(clause):
        raise ChecklistError(_("Choose a clause of ISO 9001:2015."))
    if not question:
        raise ChecklistError(_("Write the question."))
    with transaction.atomic():
        Audit.objects.select_for_update().get(pk=audit.pk)  # positions are taken one at a time
        position = (
            ChecklistItem.objects.filter(audit=audit).aggregate(m=Max("position"))["m"] or 0
        ) + 1
        item = ChecklistItem.objects.create(
            audit=audit,
            position=position,
            origin=Origin.CUSTOM,
            unit=unit,
            clause=clause,
            document=document,
            question=question,
        )
        logentry_create(
            actor=actor,
            action="audits.checklist_item.added",
            obj=item,
            unit=unit,
            before={},
            after={"clause": clause, "question": question},
        )
    return item


def item_update(*, actor: User, item: ChecklistItem, clause: str, question: str) -> ChecklistItem:
    """Reword a custom question (generated ones follow their source and are not edited)."""
    _require_conduct(actor, item.audit, item.unit)
    _require_open(item.audit)
    if item.origin != Origin.CUSTOM:
        raise ChecklistError(_("Only a question added for this audit can be edited."))
    clause, question = clause.strip(), question.strip()
    if clause and not clauses.is_known(clause):
        raise ChecklistError(_("Choose a clause of ISO 9001:2015."))
    if not question:
        raise ChecklistError(_("Write the question."))
    with transaction.atomic():
        item = (
            ChecklistItem.objects.select_for_update(of=("self",))
            .select_related("audit", "unit")
            .get(pk=item.pk)
        )
        before = snapshot(item, ["clause", "question"])
        item.clause, item.question = clause, question
        item.save(update_fields=["clause", "question"])
        logentry_create(
            actor=actor,
            action="audits.checklist_item.updated",
            obj=item,
            unit=item.unit,
            before=before,
        )
    return item


# --------------------------------------------------------------------------- answers


def answer_item(
    *,
    actor: User,
    item: ChecklistItem,
    answer: str,
    note: str,
    version: int,
    files: Sequence[UploadedFile] = (),
) -> ChecklistItem:
    """Save one answer (and its evidence files) as it is given.

    ``version`` is the item's version the form was shown with. A repeated save (the
    phone retrying after a lost response) that finds the same answer and note stored is
    accepted without change; any other save on an older version raises StaleAnswer with
    the item as stored, so nobody's answer is silently overwritten. Files are checked by
    ``qms.core.uploads`` before anything is saved; a file already attached (same name and
    size) is not attached twice. Raises PermissionDenied, ChecklistError, StaleAnswer.
    """
    if answer not in A.values:
        raise ChecklistError(_("Choose an answer."))
    note = note.strip()
    _require_conduct(actor, item.audit, item.unit)
    _require_open(item.audit)
    checked = list(zip(files, check_files(files), strict=True))
    with transaction.atomic():
        item = (
            ChecklistItem.objects.select_for_update(of=("self",))
            .select_related("audit", "unit")
            .get(pk=item.pk)
        )
        same = item.answer == answer and item.note == note
        if version != item.version and not same:
            raise StaleAnswer(
                _(
                    "This question was answered meanwhile by %(who)s (“%(answer)s”). "
                    "Check the answer shown and save again if yours is right."
                )
                % {
                    "who": item.answered_by or _("someone else"),
                    "answer": item.get_answer_display(),
                },
                item,
            )
        if not same:
            before = snapshot(item, ITEM_FIELDS)
            item.answer, item.note = answer, note
            item.answered_by = actor if answer else None
            item.answered_at = timezone.now() if answer else None
            ChecklistItem.objects.filter(pk=item.pk).update(
                answer=item.answer,
                note=item.note,
                answered_by=item.answered_by,
                answered_at=item.answered_at,
                version=F("version") + 1,
            )
            item.version += 1
            logentry_create(
                actor=actor,
                action="audits.checklist_item.answered",
                obj=item,
                unit=item.unit,
                before=before,
            )
        for upload, file in checked:
            _evidence_store(actor=actor, audit=item.audit, item=item, upload=upload, file=file)
    return item


def _evidence_store(
    *,
    actor: User,
    audit: Audit,
    upload: UploadedFile,
    file: uploads.CheckedUpload,
    item: ChecklistItem | None = None,
    finding: Finding | None = None,
) -> Evidence | None:
    """Store one checked file of an answer or a finding (not twice), with its log entry."""
    attached = Evidence.objects.filter(
        audit=audit,
        checklist_item=item,
        finding=finding,
        file_name=file.name,
        file_size=file.size,
        archived_at__isnull=True,
    )
    if attached.exists():
        return None
    ev = Evidence(
        audit=audit,
        checklist_item=item,
        finding=finding,
        file_name=file.name,
        file_type=file.content_type,
        file_size=file.size,
        uploaded_by=actor,
    )
    ev.file.save(file.name or "evidence", upload, save=False)
    ev.save()
    logentry_create(
        actor=actor,
        action="audits.evidence.added",
        obj=ev,
        unit=(finding.unit if finding else item.unit if item else None) or audit.agency,
        before={},
        after={"file": ev.file_name, "sha256": file.sha256, "size": ev.file_size},
    )
    return ev


def evidence_archive(*, actor: User, evidence: Evidence) -> Evidence:
    """Take an evidence file off an answer or a draft finding (kept, not deleted)."""
    audit = evidence.audit
    unit = (
        evidence.finding.unit
        if evidence.finding
        else evidence.checklist_item.unit
        if evidence.checklist_item
        else None
    )
    _require_conduct(actor, audit, unit)
    _require_open(audit)
    if evidence.finding and evidence.finding.status != Finding.Status.DRAFT:
        raise ChecklistError(_("The finding is issued: its evidence stays as issued."))
    with transaction.atomic():
        before = snapshot(evidence, ["archived_at"])
        evidence.archived_at = timezone.now()
        evidence.save(update_fields=["archived_at"])
        logentry_create(
            actor=actor,
            action="audits.evidence.archived",
            obj=evidence,
            unit=unit or audit.agency,
            before=before,
        )
    return evidence


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class FindingData:
    unit: OrgUnit
    kind: str
    description: str
    severity: str = ""
    clause: str = ""
    document: Document | None = None
    evidence: str = ""


def _clean_finding(audit: Audit, data: FindingData) -> FindingData:
    if data.kind not in Finding.Kind.values:
        raise ChecklistError(_("Choose the kind of finding."))
    severity = data.severity if data.kind == Finding.Kind.NONCONFORMITY else ""
    if data.kind == Finding.Kind.NONCONFORMITY and severity not in {
        Finding.Severity.MAJOR,
        Finding.Severity.MINOR,
    }:
        raise ChecklistError(_("Say whether the nonconformity is major or minor."))
    clause = data.clause.strip()
    if clause and not clauses.is_known(clause):
        raise ChecklistError(_("Choose a clause of ISO 9001:2015."))
    if data.kind == Finding.Kind.NONCONFORMITY and not clause:
        raise ChecklistError(_("A nonconformity names the clause it does not meet."))
    if not data.description.strip():
        raise ChecklistError(_("Describe the finding."))
    if data.kind == Finding.Kind.NONCONFORMITY and not data.evidence.strip():
        raise ChecklistError(_("A nonconformity states its objective evidence."))
    if data.document is not None and data.document.agency_id != audit.agency_id:
        raise ChecklistError(_("Choose a procedure of the agency."))
    _require_unit(audit, data.unit)
    return FindingData(
        unit=data.unit,
        kind=data.kind,
        description=data.description.strip(),
        severity=severity,
        clause=clause,
        document=data.document,
        evidence=data.evidence.strip(),
    )


def finding_initial(item: ChecklistItem) -> dict[str, Any]:
    """What a finding made from a checklist answer starts with."""
    return {
        "unit": item.unit,
        "kind": ANSWER_KINDS.get(item.answer, Finding.Kind.NONCONFORMITY),
        "severity": Finding.Severity.MINOR if item.answer == A.NONCONFORM else "",
        "clause": item.clause,
        "document": item.document,
        "description": item.question,
        "evidence": item.note,
    }


def record_finding(
    *,
    actor: User,
    audit: Audit,
    data: FindingData,
    checklist_item: ChecklistItem | None = None,
    files: Sequence[UploadedFile] = (),
) -> Finding:
    """Record a draft finding (the team's working copy, not shown to the unit), made from
    a checklist answer or directly, with its evidence files. Raises PermissionDenied or
    ChecklistError (nothing saved)."""
    _require_conduct(actor, audit, data.unit)
    _require_open(audit)
    data = _clean_finding(audit, data)
    if checklist_item is not None and (
        checklist_item.audit_id != audit.pk or checklist_item.unit_id != data.unit.pk
    ):
        raise ChecklistError(_("The checklist question belongs to another audit or unit."))
    checked = list(zip(files, check_files(files), strict=True))
    with transaction.atomic():
        finding = Finding.objects.create(
            audit=audit,
            agency=audit.agency,
            unit=data.unit,
            checklist_item=checklist_item,
            kind=data.kind,
            severity=data.severity,
            clause=data.clause,
            document=data.document,
            description=data.description,
            evidence=data.evidence,
            created_by=actor,
        )
        logentry_create(
            actor=actor,
            action="audits.finding.recorded",
            obj=finding,
            unit=finding.unit,
            before={},
            after=snapshot(finding, FINDING_FIELDS),
        )
        for upload, file in checked:
            _evidence_store(actor=actor, audit=audit, finding=finding, upload=upload, file=file)
    return finding


def finding_update(
    *,
    actor: User,
    finding: Finding,
    data: FindingData,
    version: int,
    files: Sequence[UploadedFile] = (),
) -> Finding:
    """Edit a draft finding; a stale form (older ``version``) is refused."""
    _require_conduct(actor, finding.audit, finding.unit)
    _require_conduct(actor, finding.audit, data.unit)
    _require_open(finding.audit)
    data = _clean_finding(finding.audit, data)
    checked = list(zip(files, check_files(files), strict=True))
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("audit", "unit")
            .get(pk=finding.pk)
        )
        if finding.status != Finding.Status.DRAFT:
            raise ChecklistError(_("An issued finding is not edited any more."))
        if finding.version != version:
            raise ChecklistError(
                _("Someone changed this finding meanwhile: reload it and edit again.")
            )
        before = snapshot(finding, FINDING_FIELDS)
        finding.unit, finding.kind, finding.severity = data.unit, data.kind, data.severity
        finding.clause, finding.document = data.clause, data.document
        finding.description, finding.evidence = data.description, data.evidence
        finding.version += 1
        finding.save()
        logentry_create(
            actor=actor,
            action="audits.finding.updated",
            obj=finding,
            unit=finding.unit,
            before=before,
        )
        for upload, file in checked:
            _evidence_store(
                actor=actor, audit=finding.audit, finding=finding, upload=upload, file=file
            )
    return finding


def finding_issue(*, actor: User, finding: Finding, notify: bool = True) -> Finding:
    """Issue a draft finding to its unit (the lead auditor's decision): the unit sees it
    from now on; a nonconformity raises its NC record (``nonconformities.raise_nc``,
    source ``audits.finding``) in the same transaction. Raises PermissionDenied or
    ChecklistError."""
    audit = finding.audit
    if not sel.is_lead(actor, audit) or not sel.can_conduct(actor, audit, finding.unit):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Findings are issued by the lead auditor."))
    _require_open(audit)
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("audit", "unit", "agency")
            .get(pk=finding.pk)
        )
        if finding.status != Finding.Status.DRAFT:
            raise ChecklistError(_("The finding is already issued."))
        before = snapshot(finding, ["status"])
        finding.status = Finding.Status.ISSUED
        finding.version += 1
        finding.save(update_fields=["status", "version"])
        logentry_create(
            actor=actor,
            action="audits.finding.issued",
            obj=finding,
            unit=finding.unit,
            before=before,
        )
        if finding.kind == Finding.Kind.NONCONFORMITY:
            _raise_nc(actor, finding)
        if notify:
            notifications_checklists.notify_findings_issued(actor=actor, findings=[finding])
    return finding


def _raise_nc(actor: User, finding: Finding) -> Any:
    from qms.nonconformities import selectors as nc_selectors
    from qms.nonconformities import services as nc_services

    if nc_selectors.ncs_for_sources("audits.finding", [finding.pk]).get(finding.pk):
        return None  # raised already (by hand from the finding's page)
    try:
        return nc_services.raise_nc(actor=actor, source_key="audits.finding", source_obj=finding)
    except nc_services.NCError as exc:
        # The finding stays a draft: issuing and raising are one decision.
        raise ChecklistError(
            _("The NC record could not be raised: %(reason)s") % {"reason": exc}
        ) from exc


def findings_issue(*, actor: User, audit: Audit, unit: OrgUnit | None = None) -> int:
    """Issue every draft finding of the audit (or of one unit); returns how many."""
    drafts = Finding.objects.filter(
        audit=audit, status=Finding.Status.DRAFT, archived_at__isnull=True
    )
    if unit is not None:
        drafts = drafts.filter(unit=unit)
    issued = []
    with transaction.atomic():
        for finding in drafts.select_related("audit", "unit", "agency").order_by("id"):
            issued.append(finding_issue(actor=actor, finding=finding, notify=False))
        # One message per unit for the whole batch.
        notifications_checklists.notify_findings_issued(actor=actor, findings=issued)
    return len(issued)


def finding_acknowledge(*, actor: User, finding: Finding, comment: str) -> Finding:
    """The audited unit's head acknowledges an issued finding, with a comment (agreeing,
    or saying what the unit disputes). Raises PermissionDenied or ChecklistError."""
    if not permissions.can(actor, "audits.acknowledge", finding.unit):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("The head of the audited unit acknowledges its findings."))
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=finding.pk)
        )
        if finding.status != Finding.Status.ISSUED:
            raise ChecklistError(_("Only an issued finding can be acknowledged."))
        before = snapshot(
            finding, ["status", "acknowledged_by", "acknowledged_at", "auditee_comment"]
        )
        finding.status = Finding.Status.ACKNOWLEDGED
        finding.acknowledged_by, finding.acknowledged_at = actor, timezone.now()
        finding.auditee_comment = comment.strip()
        finding.version += 1
        finding.save(
            update_fields=[
                "status",
                "acknowledged_by",
                "acknowledged_at",
                "auditee_comment",
                "version",
            ]
        )
        logentry_create(
            actor=actor,
            action="audits.finding.acknowledged",
            obj=finding,
            unit=finding.unit,
            before=before,
        )
        notifications_checklists.notify_finding_acknowledged(actor=actor, finding=finding)
    return finding


def finding_archive(*, actor: User, finding: Finding) -> Finding:
    """Withdraw a draft finding recorded by mistake (archived, never deleted)."""
    _require_conduct(actor, finding.audit, finding.unit)
    _require_open(finding.audit)
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=finding.pk)
        )
        if finding.status != Finding.Status.DRAFT:
            raise ChecklistError(_("An issued finding is not withdrawn."))
        before = snapshot(finding, ["archived_at"])
        finding.archived_at = timezone.now()
        finding.save(update_fields=["archived_at"])
        logentry_create(
            actor=actor,
            action="audits.finding.archived",
            obj=finding,
            unit=finding.unit,
            before=before,
        )
    return finding
