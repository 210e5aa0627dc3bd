"""Every write of the internal-audit programme (ISO 9001:2015 clause 9.2).

Programme (agency, year) → audits (plan, slots, team, auditees) → report. Each service
checks the actor's right on the target's own unit (the programme's agency; for the
report, the audited units), runs in one transaction with its log entry and outbox rows,
and refuses a stale edit (``version``). Nothing is deleted: programmes, audits and
register entries are archived.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.accounts.models import Role, RoleAssignment, User
from qms.audits.models import (
    Audit,
    Auditor,
    AuditSettings,
    AuditSlot,
    AuditTeamMember,
    Programme,
)
from qms.audits.notifications_programme import AuditFacts, Kind, notify_audit
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.core.numbering import number_issue
from qms.documents.models import Document
from qms.notifications.services import Directory
from qms.planning.models import Plan, PlanTask

P = Programme.Status
A = Audit.Status

PROGRAMME_FIELDS = (
    "year",
    "title",
    "objective",
    "scope",
    "clauses",
    "legal_criteria",
    "start",
    "end",
    "plan_task",
    "action_task",
    "procedures",
)
AUDIT_FIELDS = (
    "title",
    "units",
    "procedures",
    "scope",
    "clauses",
    "criteria",
    "start_date",
    "end_date",
    "auditees",
)
REPORT_FIELDS = ("opening_notes", "closing_notes", "conclusions")
# Words that pick the plan's tasks 6 and 7 out of its table by their content.
AUDIT_TASK_WORDS = "đánh giá nội bộ"
ACTION_TASK_WORDS = "khắc phục"


class AuditError(Exception):
    """A change was refused; the message is for users."""


class StaleEdit(AuditError):
    """Someone saved the record since the form was loaded."""


# --------------------------------------------------------------------------- helpers


def _require(actor: User, action: str, unit: OrgUnit) -> None:
    if not permissions.can(actor, action, unit):
        raise AuditError(_("You may not do this for %(unit)s.") % {"unit": unit.display_name})


def _check_version(obj: Programme | Audit, loaded: int | None) -> None:
    if loaded is not None and loaded != obj.version:
        raise StaleEdit(
            _("Someone else saved this record since you opened it. Reload and apply again.")
        )


def _log(
    actor: User | None,
    action: str,
    obj: models.Model,
    agency: OrgUnit,
    before: Snapshot | None,
    after: Snapshot | None = None,
    note: str = "",
) -> None:
    logentry_create(
        actor=actor, action=action, obj=obj, unit=agency, before=before, after=after, note=note
    )


def audit_settings(agency: OrgUnit) -> AuditSettings:
    """The agency's audit settings (defaults when none are saved: refuse)."""
    return AuditSettings.objects.filter(agency=agency).first() or AuditSettings(agency=agency)


def clean_clauses(numbers: Iterable[str]) -> list[str]:
    """Clause numbers, stripped, without repeats, in the standard's order when known."""
    seen = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))

    def key(n: str) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in n.split("."))
        except ValueError:
            return (999,)

    return sorted(seen, key=key)


def _facts(obj: Programme | Audit) -> AuditFacts:
    if isinstance(obj, Programme):
        return AuditFacts(obj.title, "", "", obj.start, obj.end, "")
    return AuditFacts(
        title=obj.title,
        number=obj.issued_number.symbol if obj.issued_number_id and obj.issued_number else "",
        units=", ".join(u.display_name for u in obj.units.all()),
        start=obj.start_date,
        end=obj.end_date,
        lead=obj.lead_auditor.display_name if obj.lead_auditor else "",
    )


# --------------------------------------------------------------------------- plan tasks


def plan_tasks_for(agency: OrgUnit, year: int) -> list[PlanTask]:
    """The tasks of the agency's plan of ``year`` (the newest plan not archived)."""
    plan = (
        Plan.objects.filter(agency=agency, year=year, archived_at__isnull=True)
        .order_by("-status", "-pk")
        .first()
    )
    if plan is None:
        return []
    return list(plan.tasks.order_by("number"))


def guess_plan_tasks(tasks: Sequence[PlanTask]) -> tuple[PlanTask | None, PlanTask | None]:
    """(task 6, task 7): the audit task and the corrective-action task, by their words."""
    audit_task = action_task = None
    for task in tasks:
        text = task.content.casefold()
        if ACTION_TASK_WORDS in text and AUDIT_TASK_WORDS in text:
            action_task = action_task or task
        elif AUDIT_TASK_WORDS in text:
            audit_task = audit_task or task
    return audit_task, action_task


def default_dates(year: int, plan_task: PlanTask | None) -> tuple[datetime.date, datetime.date]:
    """The programme's default window: the audit task's, else the whole year."""
    start = plan_task.start_date if plan_task and plan_task.start_date else None
    end = plan_task.due_date if plan_task and plan_task.due_date else None
    return start or datetime.date(year, 1, 1), end or datetime.date(year, 12, 31)


# --------------------------------------------------------------------------- programme


@dataclass
class ProgrammeInput:
    year: int
    title: str
    start: datetime.date
    end: datetime.date
    objective: str = ""
    scope: str = ""
    clauses: list[str] = field(default_factory=list)
    legal_criteria: str = ""
    procedures: list[Document] = field(default_factory=list)
    plan_task: PlanTask | None = None
    action_task: PlanTask | None = None


def _check_programme(agency: OrgUnit, data: ProgrammeInput, pk: int | None = None) -> None:
    if not data.title.strip():
        raise AuditError(_("Give the programme a title."))
    if data.start > data.end:
        raise AuditError(_("The programme starts before it ends."))
    if data.start.year != data.year and data.end.year != data.year:
        raise AuditError(_("The programme's dates fall in its year."))
    for task in (data.plan_task, data.action_task):
        if task is not None and task.plan.agency_id != agency.pk:
            raise AuditError(_("The plan task belongs to another agency."))
    if data.plan_task and data.action_task and data.plan_task.pk == data.action_task.pk:
        raise AuditError(_("The audit task and the corrective-action task are two tasks."))
    for doc in data.procedures:
        if doc.agency_id != agency.pk:
            raise AuditError(_("A procedure belongs to another agency."))
    taken = Programme.objects.filter(agency=agency, year=data.year, archived_at__isnull=True)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise AuditError(_("The agency already has an audit programme this year."))
    for attr in ("plan_task", "action_task"):
        task = getattr(data, attr)
        if task is None:
            continue
        linked = Programme.objects.filter(**{attr: task})
        other = (linked.exclude(pk=pk) if pk is not None else linked).first()
        if other is not None:
            raise AuditError(
                _("This plan task is already linked to %(programme)s.") % {"programme": other}
            )


def _apply_programme(programme: Programme, data: ProgrammeInput) -> None:
    programme.year = data.year
    programme.title = data.title.strip()
    programme.objective = data.objective.strip()
    programme.scope = data.scope.strip()
    programme.clauses = clean_clauses(data.clauses)
    programme.legal_criteria = data.legal_criteria.strip()
    programme.start, programme.end = data.start, data.end
    programme.plan_task, programme.action_task = data.plan_task, data.action_task


def programme_create(*, actor: User, agency: OrgUnit, data: ProgrammeInput) -> Programme:
    """A draft programme of ``agency`` for ``data.year``. Raises AuditError."""
    _require(actor, "audits.manage_programme", agency)
    _check_programme(agency, data)
    with transaction.atomic():
        programme = Programme(agency=agency, created_by=actor)
        _apply_programme(programme, data)
        try:
            programme.save()
        except IntegrityError as exc:
            raise AuditError(_("The agency already has an audit programme this year.")) from exc
        programme.procedures.set(data.procedures)
        _log(
            actor,
            "audits.programme.created",
            programme,
            agency,
            {},
            snapshot(programme, PROGRAMME_FIELDS),
        )
    return programme


def programme_update(
    *, actor: User, programme: Programme, data: ProgrammeInput, loaded_version: int | None
) -> Programme:
    """Edit a draft programme. Raises StaleEdit, AuditError."""
    _require(actor, "audits.manage_programme", programme.agency)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        _check_version(programme, loaded_version)
        if programme.status != P.DRAFT:
            raise AuditError(_("Only a draft programme can be edited."))
        _check_programme(programme.agency, data, programme.pk)
        before = snapshot(programme, PROGRAMME_FIELDS)
        _apply_programme(programme, data)
        programme.version += 1
        programme.save()
        programme.procedures.set(data.procedures)
        _log(actor, "audits.programme.updated", programme, programme.agency, before)
    return programme


def programme_approve(*, actor: User, programme: Programme) -> Programme:
    """Leadership approves a draft programme (audits.approve_programme on the agency)."""
    _require(actor, "audits.approve_programme", programme.agency)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != P.DRAFT:
            raise AuditError(_("Only a draft programme can be approved."))
        if programme.created_by_id == actor.pk:
            raise AuditError(_("Whoever drafted the programme does not approve it."))
        before = snapshot(programme, ["status", "approved_by", "approved_at"])
        programme.status = P.APPROVED
        programme.approved_by, programme.approved_at = actor, timezone.now()
        programme.version += 1
        programme.save()
        _log(actor, "audits.programme.approved", programme, programme.agency, before)
        office = Directory([programme.agency_id]).office(programme.agency_id)
        notify_audit(
            kind=Kind.AUDIT_PROGRAMME_APPROVED,
            recipients=office | ({programme.created_by_id} if programme.created_by_id else set()),
            actor=actor,
            facts=_facts(programme),
            obj=programme,
            url=reverse("audits:programme_detail", args=[programme.pk]),
            agency_id=programme.agency_id,
        )
    return programme


def programme_close(*, actor: User, programme: Programme) -> Programme:
    """Close an approved programme once every audit of it is reported."""
    _require(actor, "audits.manage_programme", programme.agency)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != P.APPROVED:
            raise AuditError(_("Only an approved programme can be closed."))
        pending = programme.audits.filter(archived_at__isnull=True).exclude(status=A.REPORTED)
        if pending.exists():
            raise AuditError(
                _("%(n)d audit(s) of the programme are not reported yet.") % {"n": pending.count()}
            )
        before = snapshot(programme, ["status"])
        programme.status = P.CLOSED
        programme.version += 1
        programme.save()
        _log(actor, "audits.programme.closed", programme, programme.agency, before)
    return programme


def programme_archive(*, actor: User, programme: Programme) -> Programme:
    """Archive a draft programme with no audit sent (kept, hidden from the lists)."""
    _require(actor, "audits.manage_programme", programme.agency)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != P.DRAFT or programme.archived_at:
            raise AuditError(_("Only a draft programme can be archived."))
        if programme.audits.filter(archived_at__isnull=True).exclude(status=A.PLANNED).exists():
            raise AuditError(_("A plan of this programme was already sent."))
        before = snapshot(programme, ["archived_at"])
        programme.archived_at = timezone.now()
        programme.version += 1
        programme.save()
        _log(actor, "audits.programme.archived", programme, programme.agency, before)
    return programme


# --------------------------------------------------------------------------- independence


def _under(unit: OrgUnit, units: Iterable[OrgUnit]) -> OrgUnit | None:
    for audited in units:
        if unit.path.startswith(audited.path):
            return audited
    return None


def independence_conflicts(
    user: User, units: Sequence[OrgUnit], procedures: Sequence[Document]
) -> list[str]:
    """Why ``user`` is not independent of what an audit covers (empty: independent).

    Belongs to an audited unit (or a unit below it), heads one (unit-head role on it or
    above it), or drafted the version in force of a procedure in scope."""
    out: list[str] = []
    if user.unit_id and user.unit is not None:
        audited = _under(user.unit, units)
        if audited is not None:
            out.append(_("belongs to the audited unit %(unit)s") % {"unit": audited.display_name})
    heads = RoleAssignment.objects.filter(user=user, role=Role.UNIT_HEAD).select_related("org_unit")
    for a in heads:
        for audited in units:
            covered = (
                audited.path.startswith(a.org_unit.path)
                if a.include_subunits
                else audited.pk == a.org_unit_id
            )
            if covered:
                out.append(_("heads the audited unit %(unit)s") % {"unit": audited.display_name})
    ids = [d.pk for d in procedures]
    authored = Document.objects.filter(pk__in=ids, current_version__author=user).order_by("code")
    for doc in authored:
        out.append(
            _("drafted the procedure in scope %(code)s %(title)s")
            % {"code": doc.code, "title": doc.title}
        )
    return list(dict.fromkeys(out))


def _conflict_text(user: User, conflicts: list[str]) -> str:
    return _("%(person)s is not independent: %(why)s.") % {
        "person": user.display_name,
        "why": "; ".join(conflicts),
    }


def _independence_gate(
    setting: AuditSettings, user: User, conflicts: list[str], reason: str
) -> str:
    """The reason to record, or AuditError when the setting refuses or no reason is given."""
    if not conflicts:
        return ""
    if setting.independence == AuditSettings.Independence.REFUSE:
        raise AuditError(_conflict_text(user, conflicts))
    if not reason.strip():
        raise AuditError(
            _conflict_text(user, conflicts)
            + " "
            + _("Give the reason this auditor is accepted nonetheless.")
        )
    return reason.strip()


def settings_save(*, actor: User, agency: OrgUnit, independence: str) -> AuditSettings:
    """Save the agency's rule for auditors who are not independent."""
    _require(actor, "audits.manage_settings", agency)
    if independence not in AuditSettings.Independence.values:
        raise AuditError(_("Choose refuse or warn."))
    with transaction.atomic():
        found, _created = AuditSettings.objects.select_for_update().get_or_create(agency=agency)
        before = snapshot(found, ["independence"])
        found.independence = independence
        found.save()
        _log(actor, "audits.settings.saved", found, agency, before)
    return found


# --------------------------------------------------------------------------- audits


@dataclass
class AuditInput:
    title: str
    units: list[OrgUnit]
    start_date: datetime.date
    end_date: datetime.date
    procedures: list[Document] = field(default_factory=list)
    scope: str = ""
    clauses: list[str] = field(default_factory=list)
    criteria: str = ""
    auditees: list[User] = field(default_factory=list)


def _check_audit(programme: Programme, data: AuditInput) -> None:
    if not data.title.strip():
        raise AuditError(_("Give the audit a title."))
    if not data.units:
        raise AuditError(_("Choose at least one audited unit."))
    agency = programme.agency
    for unit in data.units:
        if unit.pk != agency.pk and unit.agency_id != agency.pk:
            raise AuditError(_("An audited unit belongs to another agency."))
    for doc in data.procedures:
        if doc.agency_id != agency.pk:
            raise AuditError(_("A procedure belongs to another agency."))
    if data.start_date > data.end_date:
        raise AuditError(_("The audit starts before it ends."))
    if data.start_date < programme.start or data.end_date > programme.end:
        raise AuditError(
            _("The audit's dates fall within the programme (%(start)s – %(end)s).")
            % {
                "start": programme.start.strftime("%d/%m/%Y"),
                "end": programme.end.strftime("%d/%m/%Y"),
            }
        )
    for person in data.auditees:
        if person.unit is None or not _under(person.unit, data.units):
            raise AuditError(
                _("%(person)s does not work in an audited unit.") % {"person": person.display_name}
            )


def _apply_audit(audit: Audit, data: AuditInput) -> None:
    audit.title = data.title.strip()
    audit.scope = data.scope.strip()
    audit.clauses = clean_clauses(data.clauses)
    audit.criteria = data.criteria.strip()
    audit.start_date, audit.end_date = data.start_date, data.end_date


def audit_create(*, actor: User, programme: Programme, data: AuditInput) -> Audit:
    """A planned audit in the programme (numbered next). Raises AuditError."""
    _require(actor, "audits.manage_programme", programme.agency)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status == P.CLOSED or programme.archived_at:
            raise AuditError(_("The programme is closed."))
        _check_audit(programme, data)
        top = programme.audits.aggregate(top=Max("sequence"))["top"] or 0
        audit = Audit(
            programme=programme, agency=programme.agency, sequence=top + 1, created_by=actor
        )
        _apply_audit(audit, data)
        audit.save()
        audit.units.set(data.units)
        audit.procedures.set(data.procedures)
        audit.auditees.set(data.auditees)
        _log(
            actor,
            "audits.audit.created",
            audit,
            programme.agency,
            {},
            snapshot(audit, AUDIT_FIELDS),
        )
    return audit


def _recheck_team(audit: Audit, data: AuditInput, reason: str) -> list[AuditTeamMember]:
    """Members newly not independent of the audit's new units or procedures; refused,
    or recorded with ``reason`` when the agency warns."""
    setting = audit_settings(audit.agency)
    changed: list[AuditTeamMember] = []
    for member in audit.team.select_related("user__unit"):
        conflicts = independence_conflicts(member.user, data.units, data.procedures)
        if not conflicts or member.independence_reason:
            continue
        member.independence_reason = _independence_gate(setting, member.user, conflicts, reason)
        changed.append(member)
    return changed


def audit_update(
    *,
    actor: User,
    audit: Audit,
    data: AuditInput,
    loaded_version: int | None,
    independence_reason: str = "",
) -> Audit:
    """Edit an audit's plan before it is conducted; the team's independence is checked
    again against the new units and procedures. Raises StaleEdit, AuditError."""
    _require(actor, "audits.manage_programme", audit.agency)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().select_related("programme").get(pk=audit.pk)
        _check_version(audit, loaded_version)
        if audit.status not in (A.PLANNED, A.NOTIFIED):
            raise AuditError(_("The audit is under way; its plan can no longer change."))
        _check_audit(audit.programme, data)
        outside = audit.slots.exclude(date__gte=data.start_date, date__lte=data.end_date)
        if outside.exists():
            raise AuditError(_("A time slot falls outside the new dates; change it first."))
        changed = _recheck_team(audit, data, independence_reason)
        before = snapshot(audit, AUDIT_FIELDS)
        _apply_audit(audit, data)
        audit.version += 1
        audit.save()
        audit.units.set(data.units)
        audit.procedures.set(data.procedures)
        audit.auditees.set(data.auditees)
        for member in changed:
            member.save(update_fields=["independence_reason"])
            _log(
                actor,
                "audits.team.reason_recorded",
                member,
                audit.agency,
                {"independence_reason": ""},
                {"independence_reason": member.independence_reason},
            )
        _log(actor, "audits.audit.updated", audit, audit.agency, before)
    return audit


def audit_archive(*, actor: User, audit: Audit) -> Audit:
    """Archive an audit whose plan was not sent (kept, hidden from the programme)."""
    _require(actor, "audits.manage_programme", audit.agency)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if audit.status != A.PLANNED or audit.archived_at:
            raise AuditError(_("Only an audit whose plan was not sent can be archived."))
        before = snapshot(audit, ["archived_at"])
        audit.archived_at = timezone.now()
        audit.version += 1
        audit.save()
        _log(actor, "audits.audit.archived", audit, audit.agency, before)
    return audit


def _editable_plan(audit: Audit) -> None:
    if audit.archived_at or audit.status not in (A.PLANNED, A.NOTIFIED):
        raise AuditError(_("The audit is under way; its plan can no longer change."))


# --------------------------------------------------------------------------- team


@dataclass(frozen=True)
class MemberAdded:
    member: AuditTeamMember
    in_register: bool
    certificate_valid: bool


def register_entry(agency: OrgUnit, user: User) -> Auditor | None:
    return Auditor.objects.filter(agency=agency, user=user, archived_at__isnull=True).first()


def team_member_add(
    *, actor: User, audit: Audit, user: User, role: str, reason: str = ""
) -> MemberAdded:
    """Add ``user`` to the team. One lead auditor; independence checked per the agency's
    setting (refused, or accepted with ``reason`` recorded). Raises AuditError."""
    _require(actor, "audits.manage_programme", audit.agency)
    if role not in AuditTeamMember.Role.values:
        raise AuditError(_("Choose a role in the team."))
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        _editable_plan(audit)
        if (
            not user.is_active
            or user.unit is None
            or (user.unit.pk != audit.agency_id and user.unit.agency_id != audit.agency_id)
        ):
            raise AuditError(_("Choose a person of the agency."))
        if audit.team.filter(user=user).exists():
            raise AuditError(
                _("%(person)s is already in the team.") % {"person": user.display_name}
            )
        if role == AuditTeamMember.Role.LEAD and audit.team.filter(role=role).exists():
            raise AuditError(_("An audit has one lead auditor."))
        conflicts = independence_conflicts(
            user, list(audit.units.all()), list(audit.procedures.all())
        )
        recorded = _independence_gate(audit_settings(audit.agency), user, conflicts, reason)
        member = AuditTeamMember.objects.create(
            audit=audit, user=user, role=role, independence_reason=recorded, created_by=actor
        )
        if role == AuditTeamMember.Role.LEAD:
            audit.lead_auditor = user
        audit.version += 1
        audit.save(update_fields=["lead_auditor", "version"])
        _log(
            actor,
            "audits.team.added",
            member,
            audit.agency,
            {},
            {"user": user.display_name, "role": role, "independence_reason": recorded},
        )
    entry = register_entry(audit.agency, user)
    today = timezone.localdate()
    valid = entry is not None and (entry.valid_until is None or entry.valid_until >= today)
    return MemberAdded(member, entry is not None, valid)


def team_member_remove(*, actor: User, member: AuditTeamMember) -> None:
    """Take a member off the team while the plan can change (logged with who they were)."""
    audit = member.audit
    _require(actor, "audits.manage_programme", audit.agency)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        _editable_plan(audit)
        member = AuditTeamMember.objects.select_related("user").get(pk=member.pk, audit=audit)
        before = {
            "user": member.user.display_name,
            "role": member.role,
            "independence_reason": member.independence_reason,
        }
        if member.role == AuditTeamMember.Role.LEAD:
            audit.lead_auditor = None
        audit.version += 1
        audit.save(update_fields=["lead_auditor", "version"])
        _log(actor, "audits.team.removed", audit, audit.agency, before, {})
        member.delete()


# --------------------------------------------------------------------------- slots


def _slot_snapshot(slot: AuditSlot) -> Snapshot:
    return {
        "date": slot.date.isoformat(),
        "start_time": slot.start_time.strftime("%H:%M"),
        "end_time": slot.end_time.strftime("%H:%M"),
        "unit": str(slot.unit) if slot.unit_id else None,
        "activity": slot.activity,
        "auditors": slot.auditors,
    }


@dataclass
class SlotInput:
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    activity: str
    unit: OrgUnit | None = None
    auditors: str = ""


def slot_add(*, actor: User, audit: Audit, data: SlotInput) -> AuditSlot:
    """A time slot of the plan, within the audit's dates. Raises AuditError."""
    _require(actor, "audits.manage_programme", audit.agency)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        _editable_plan(audit)
        if not (audit.start_date <= data.date <= audit.end_date):
            raise AuditError(_("The time slot falls within the audit's dates."))
        if data.start_time >= data.end_time:
            raise AuditError(_("A time slot starts before it ends."))
        if not data.activity.strip():
            raise AuditError(_("Say what is audited in this time slot."))
        if data.unit is not None and not audit.units.filter(pk=data.unit.pk).exists():
            raise AuditError(_("The slot's unit is one of the audited units."))
        slot = AuditSlot.objects.create(
            audit=audit,
            date=data.date,
            start_time=data.start_time,
            end_time=data.end_time,
            unit=data.unit,
            activity=data.activity.strip(),
            auditors=data.auditors.strip(),
        )
        audit.version += 1
        audit.save(update_fields=["version"])
        _log(actor, "audits.slot.added", slot, audit.agency, {}, _slot_snapshot(slot))
    return slot


def slot_remove(*, actor: User, slot: AuditSlot) -> None:
    """Take a time slot off the plan while it can change (logged)."""
    _require(actor, "audits.manage_programme", slot.audit.agency)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=slot.audit_id)
        _editable_plan(audit)
        before = _slot_snapshot(slot)
        audit.version += 1
        audit.save(update_fields=["version"])
        _log(actor, "audits.slot.removed", audit, audit.agency, before, {})
        slot.delete()


# --------------------------------------------------------------------------- sending


def audit_send(*, actor: User, audit: Audit, on: datetime.date | None = None) -> Audit:
    """Send the plan: it takes a KH number of the agency's register and goes to the team
    and the heads of the audited units. Raises AuditError."""
    _require(actor, "audits.manage_programme", audit.agency)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().select_related("programme").get(pk=audit.pk)
        if audit.status != A.PLANNED or audit.archived_at:
            raise AuditError(_("This plan was already sent."))
        if audit.programme.status != P.APPROVED:
            raise AuditError(
                _("The programme is approved by leadership before its plans are sent.")
            )
        if audit.lead_auditor_id is None:
            raise AuditError(_("Name the lead auditor before sending the plan."))
        if not audit.slots.exists():
            raise AuditError(_("Add the plan's time slots before sending it."))
        before = snapshot(audit, ["status", "issued_number", "notified_at"])
        audit.issued_number = number_issue(
            agency=audit.agency,
            doc_type="KH",
            issued_on=on or timezone.localdate(),
            subject=audit.title,
            actor=actor,
        )
        audit.status = A.NOTIFIED
        audit.notified_at = timezone.now()
        audit.version += 1
        audit.save()
        _log(actor, "audits.audit.notified", audit, audit.agency, before)
        _notify_plan(actor, audit)
    return audit


def _notify_plan(actor: User, audit: Audit) -> None:
    facts = _facts(audit)
    url = reverse("audits:audit_detail", args=[audit.pk])
    for member in audit.team.all():
        notify_audit(
            kind=Kind.AUDIT_PLAN_TEAM,
            recipients=[member.user_id],
            actor=actor,
            facts=facts,
            obj=audit,
            url=url,
            agency_id=audit.agency_id,
            role=member.get_role_display(),
        )
    units = [u.pk for u in audit.units.all()]
    heads = Directory([audit.agency_id]).heads(units) | {p.pk for p in audit.auditees.all()}
    notify_audit(
        kind=Kind.AUDIT_PLAN_UNIT,
        recipients=heads,
        actor=actor,
        facts=facts,
        obj=audit,
        url=url,
        agency_id=audit.agency_id,
    )


# --------------------------------------------------------------------------- conduct, report


def _require_team(actor: User, audit: Audit) -> None:
    """The actor is on the team and may conduct the audit on every audited unit."""
    units = list(audit.units.all())
    on_team = audit.team.filter(user=actor).exists()
    if not (on_team or actor.is_superuser) or not all(
        permissions.can(actor, "audits.conduct", u) for u in units
    ):
        raise AuditError(_("Only the audit team writes the audit's record."))


def _transition(actor: User, audit: Audit, frm: str, to: str, action: str) -> Audit:
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        _require_team(actor, audit)
        if audit.status != frm:
            raise AuditError(
                _("The audit is %(status)s.") % {"status": audit.get_status_display().lower()}
            )
        before = snapshot(audit, ["status"])
        audit.status = to
        audit.version += 1
        audit.save(update_fields=["status", "version"])
        _log(actor, action, audit, audit.agency, before)
    return audit


def audit_start(*, actor: User, audit: Audit) -> Audit:
    """The team starts the audit (opening meeting held): notified → in progress."""
    return _transition(actor, audit, A.NOTIFIED, A.IN_PROGRESS, "audits.audit.started")


def audit_finish(*, actor: User, audit: Audit) -> Audit:
    """The team has finished auditing (closing meeting held): in progress → audited."""
    return _transition(actor, audit, A.IN_PROGRESS, A.DONE, "audits.audit.finished")


@dataclass
class ReportInput:
    opening_notes: str
    closing_notes: str
    conclusions: str


def report_save(
    *, actor: User, audit: Audit, data: ReportInput, loaded_version: int | None
) -> Audit:
    """The team writes the report's meetings and conclusions until it is approved."""
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        _require_team(actor, audit)
        _check_version(audit, loaded_version)
        if audit.status not in (A.IN_PROGRESS, A.DONE) or audit.report_approved_at:
            raise AuditError(_("The report is written once the audit started, until approved."))
        before = snapshot(audit, REPORT_FIELDS)
        audit.opening_notes = data.opening_notes.strip()
        audit.closing_notes = data.closing_notes.strip()
        audit.conclusions = data.conclusions.strip()
        audit.version += 1
        audit.save()
        _log(actor, "audits.report.saved", audit, audit.agency, before)
    return audit


def report_approve(*, actor: User, audit: Audit) -> Audit:
    """The lead auditor (only) approves the report of an audited audit."""
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if audit.lead_auditor_id != actor.pk:
            raise AuditError(_("Only the lead auditor approves the report."))
        _require_team(actor, audit)
        if audit.status != A.DONE:
            raise AuditError(_("The report is approved once the audit is finished."))
        if audit.report_approved_at:
            raise AuditError(_("The report is already approved."))
        if not audit.conclusions.strip():
            raise AuditError(_("Write the conclusions before approving the report."))
        before = snapshot(audit, ["report_approved_by", "report_approved_at"])
        audit.report_approved_by, audit.report_approved_at = actor, timezone.now()
        audit.version += 1
        audit.save()
        _log(actor, "audits.report.approved", audit, audit.agency, before)
    return audit


def report_send(*, actor: User, audit: Audit) -> Audit:
    """Send the approved report to leadership: status reported (lead auditor or office)."""
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if audit.lead_auditor_id != actor.pk and not permissions.can(
            actor, "audits.manage_programme", audit.agency
        ):
            raise AuditError(_("The lead auditor or the ISO office sends the report."))
        if audit.report_approved_at is None:
            raise AuditError(_("The lead auditor approves the report before it is sent."))
        if audit.status != A.DONE:
            raise AuditError(_("The report was already sent."))
        before = snapshot(audit, ["status", "report_sent_at"])
        audit.status = A.REPORTED
        audit.report_sent_at = timezone.now()
        audit.version += 1
        audit.save()
        _log(actor, "audits.report.sent", audit, audit.agency, before)
        notify_audit(
            kind=Kind.AUDIT_REPORT_SENT,
            recipients=Directory([audit.agency_id]).approvers(audit.agency_id),
            actor=actor,
            facts=_facts(audit),
            obj=audit,
            url=reverse("audits:audit_detail", args=[audit.pk]),
            agency_id=audit.agency_id,
        )
    return audit


# --------------------------------------------------------------------------- register


@dataclass
class AuditorInput:
    user: User
    certificate: str = ""
    certificate_no: str = ""
    trained_by: str = ""
    trained_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    note: str = ""


AUDITOR_FIELDS = (
    "certificate",
    "certificate_no",
    "trained_by",
    "trained_on",
    "valid_until",
    "note",
)


def _apply_auditor(entry: Auditor, data: AuditorInput) -> None:
    for name in AUDITOR_FIELDS:
        value: Any = getattr(data, name)
        setattr(entry, name, value.strip() if isinstance(value, str) else value)


def _check_auditor(agency: OrgUnit, data: AuditorInput) -> None:
    unit = data.user.unit
    if unit is None or (unit.pk != agency.pk and unit.agency_id != agency.pk):
        raise AuditError(_("Choose a person of the agency."))
    if data.trained_on and data.valid_until and data.valid_until < data.trained_on:
        raise AuditError(_("The certificate is valid until a date after it was issued."))


def auditor_add(*, actor: User, agency: OrgUnit, data: AuditorInput) -> Auditor:
    """Put a person in the agency's auditor register. Raises AuditError."""
    _require(actor, "audits.manage_auditors", agency)
    _check_auditor(agency, data)
    if register_entry(agency, data.user):
        raise AuditError(_("This person is already in the auditor register."))
    with transaction.atomic():
        entry = Auditor(agency=agency, user=data.user, created_by=actor)
        _apply_auditor(entry, data)
        entry.save()
        _log(
            actor,
            "audits.auditor.added",
            entry,
            agency,
            {},
            snapshot(entry, ("user", *AUDITOR_FIELDS)),
        )
    return entry


def auditor_update(*, actor: User, entry: Auditor, data: AuditorInput) -> Auditor:
    """Edit a register entry (certificate, dates); the person stays."""
    _require(actor, "audits.manage_auditors", entry.agency)
    data.user = entry.user
    _check_auditor(entry.agency, data)
    with transaction.atomic():
        entry = Auditor.objects.select_for_update().get(pk=entry.pk)
        if entry.archived_at:
            raise AuditError(_("This entry is archived."))
        before = snapshot(entry, AUDITOR_FIELDS)
        _apply_auditor(entry, data)
        entry.save()
        _log(actor, "audits.auditor.updated", entry, entry.agency, before)
    return entry


def auditor_archive(*, actor: User, entry: Auditor) -> Auditor:
    """Take a person off the register (the entry is kept, archived)."""
    _require(actor, "audits.manage_auditors", entry.agency)
    with transaction.atomic():
        entry = Auditor.objects.select_for_update().get(pk=entry.pk)
        if entry.archived_at:
            raise AuditError(_("This entry is archived."))
        before = snapshot(entry, ["archived_at"])
        entry.archived_at = timezone.now()
        entry.save()
        _log(actor, "audits.auditor.archived", entry, entry.agency, before)
    return entry
