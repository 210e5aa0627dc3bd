"""Reads of checklists and findings, and who may see the team's working papers.

Reading follows the house rule "read wide, change narrow", with one limit that ISO 19011
asks for: the checklist and the draft findings are the audit team's working papers. They
are read by the team and by those who read the whole agency (the ISO committee, the
leadership, the overseer); the people of an audited unit see only the findings issued to
their own unit. Changes are decided in ``services_checklists`` on the item's or the
finding's own unit, and only for members of the audit's team.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from qms.accounts import permissions
from qms.accounts.models import User
from qms.audits.models import Audit, AuditTeamMember, ChecklistItem, Evidence, Finding
from qms.core.models import OrgUnit

CONDUCTING_ROLES = (AuditTeamMember.Role.LEAD, AuditTeamMember.Role.AUDITOR)
VISIBLE_TO_UNIT = (Finding.Status.ISSUED, Finding.Status.ACKNOWLEDGED)


def team_role(user: Any, audit: Audit) -> str:
    """The user's role on the audit's team ("lead", "auditor", "observer"), or ""."""
    if not getattr(user, "is_authenticated", False):
        return ""

    def compute() -> str:
        if audit.lead_auditor_id == user.pk:
            return AuditTeamMember.Role.LEAD
        role = (
            AuditTeamMember.objects.filter(audit=audit, user=user)
            .values_list("role", flat=True)
            .first()
        )
        return role or ""

    return permissions.memo(user, ("audits.team_role", audit.pk), compute)


def is_lead(user: Any, audit: Audit) -> bool:
    return team_role(user, audit) == AuditTeamMember.Role.LEAD


def can_conduct(user: Any, audit: Audit, unit: OrgUnit | None = None) -> bool:
    """A lead auditor or auditor of this audit's team holding ``audits.conduct`` on the
    unit concerned (the audited unit of the item or finding; the agency by default)."""
    if team_role(user, audit) not in CONDUCTING_ROLES:
        return False
    return permissions.can(user, "audits.conduct", unit or audit.agency)


def can_see_working_papers(user: Any, audit: Audit) -> bool:
    """The checklist and the draft findings: the team, and the agency's own readers."""
    if team_role(user, audit):
        return True
    return permissions.can(user, "audits.view", audit.agency)


def get_audit_for_user(user: User, pk: int) -> Audit:
    """An audit the user may read (404 outside the user's agencies): read by its key and
    its agency checked in Python (``can_read_agency_wide`` decides what
    ``agency_scope_q_for_reading`` filters, without its subquery over the units)."""
    audit = get_object_or_404(
        Audit.objects.filter(archived_at__isnull=True).select_related(
            "agency", "programme", "lead_auditor"
        ),
        pk=pk,
    )
    if not permissions.can_read_agency_wide(user, "audits.view", audit.agency):
        raise Http404
    return audit


def get_audit_papers_for_user(user: User, pk: int) -> Audit:
    """An audit whose working papers the user may read: 404 outside, 403 for the unit."""
    audit = get_audit_for_user(user, pk)
    if not can_see_working_papers(user, audit):
        raise PermissionDenied
    return audit


def get_item_for_user(user: User, pk: int) -> ChecklistItem:
    """A checklist item of an audit whose working papers the user reads (404 / 403)."""
    item = get_object_or_404(
        ChecklistItem.objects.filter(
            permissions.agency_scope_q_for_reading(user, "audits.view", "audit__agency"),
            audit__archived_at__isnull=True,
        ).select_related("audit", "audit__agency", "unit", "document"),
        pk=pk,
    )
    if not can_see_working_papers(user, item.audit):
        raise PermissionDenied
    return item


def findings_visible_q(user: User, audit: Audit) -> Q:
    """The findings of ``audit`` the user may read (a filter on Finding)."""
    if can_see_working_papers(user, audit):
        return Q(audit=audit)
    units = OrgUnit.objects.filter(permissions.unit_scope_q(user, "audits.view")).values("pk")
    return Q(audit=audit, status__in=VISIBLE_TO_UNIT, unit__in=units)


def get_finding_for_user(user: User, pk: int) -> Finding:
    """A finding the user may read: drafts only for the working papers' readers, an
    issued finding also for its own unit. 404 otherwise (a draft's existence is not told)."""
    finding = get_object_or_404(
        Finding.objects.filter(
            permissions.agency_scope_q_for_reading(user, "audits.view"),
            archived_at__isnull=True,
            audit__archived_at__isnull=True,
        ).select_related(
            "audit",
            "audit__agency",
            "audit__programme",
            "agency",
            "unit",
            "document",
            "checklist_item",
            "acknowledged_by",
            "created_by",
        ),
        pk=pk,
    )
    if can_see_working_papers(user, finding.audit):
        return finding
    if finding.status in VISIBLE_TO_UNIT and permissions.can(user, "audits.view", finding.unit):
        return finding
    raise PermissionDenied


def get_evidence_for_user(user: User, pk: int) -> Evidence:
    """An evidence file: the answer's evidence for the working papers' readers, a finding's
    for whoever reads the finding."""
    evidence = get_object_or_404(
        Evidence.objects.filter(
            permissions.agency_scope_q_for_reading(user, "audits.view", "audit__agency"),
            archived_at__isnull=True,
        ).select_related("audit", "audit__agency", "finding", "finding__unit"),
        pk=pk,
    )
    if can_see_working_papers(user, evidence.audit):
        return evidence
    finding = evidence.finding
    if (
        finding is not None
        and finding.status in VISIBLE_TO_UNIT
        and permissions.can(user, "audits.view", finding.unit)
    ):
        return evidence
    raise PermissionDenied


def checklist_items(
    audit: Audit, *, unit_id: int | None = None, pending: bool = False
) -> QuerySet[ChecklistItem]:
    """The audit's checklist in order, with what a card shows (one query + evidence)."""
    qs = (
        ChecklistItem.objects.filter(audit=audit)
        .select_related("unit", "document", "answered_by")
        .prefetch_related("evidence")
        .annotate(finding_count=Count("findings", filter=Q(findings__archived_at__isnull=True)))
        .order_by("position")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if pending:
        qs = qs.filter(answer="")
    return qs


@dataclass(frozen=True)
class UnitProgress:
    unit: OrgUnit | None
    answered: int
    total: int
    nonconformities: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def checklist_progress(audit: Audit) -> list[UnitProgress]:
    """Answered / total questions by audited unit, in the order of the audit's units."""
    rows = (
        ChecklistItem.objects.filter(audit=audit)
        .order_by()
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=~Q(answer="")),
            ncs=Count("pk", filter=Q(answer=ChecklistItem.Answer.NONCONFORM)),
        )
    )
    by_unit = {r["unit_id"]: r for r in rows}
    units = list(audit.units.all())  # in path order; the audit page has them prefetched
    out = []
    for unit in units:
        r = by_unit.pop(unit.pk, None)
        if r:
            out.append(UnitProgress(unit, r["answered"], r["total"], r["ncs"]))
    for r in by_unit.values():  # items of a unit no longer audited, or of none
        other = OrgUnit.objects.filter(pk=r["unit_id"]).first() if r["unit_id"] else None
        out.append(UnitProgress(other, r["answered"], r["total"], r["ncs"]))
    return out


def finding_list(user: User, audit: Audit) -> QuerySet[Finding]:
    """The findings of ``audit`` the user may read, with what the table shows."""
    return (
        Finding.objects.filter(findings_visible_q(user, audit), archived_at__isnull=True)
        .select_related("unit", "document", "acknowledged_by", "checklist_item")
        .annotate(
            file_count=Count("evidence_files", filter=Q(evidence_files__archived_at__isnull=True))
        )
        .order_by("id")
    )


# What the findings table (``qms.audits.finding_rows``) and its counts read of a finding.
TABLE_FIELDS = (
    "audit_id",
    "unit_id",
    "kind",
    "severity",
    "clause",
    "description",
    "status",
    "document_id",
    "unit__name",
    "unit__short_name",
    "document__code",
)


def finding_table(user: User, audit: Audit) -> QuerySet[Finding]:
    """:func:`finding_list` with only what the findings table shows: no evidence count
    (its GROUP BY over every column), no acknowledging person nor checklist question."""
    return (
        Finding.objects.filter(findings_visible_q(user, audit), archived_at__isnull=True)
        .select_related("unit", "document")
        .only(*TABLE_FIELDS)
        .order_by("id")
    )


def finding_numbers(audit: Audit) -> dict[int, int]:
    """Phát hiện số 1, 2 …: each finding's number in its audit (in the order recorded)."""
    ids = Finding.objects.filter(audit=audit).order_by("id").values_list("pk", flat=True)
    return {pk: i for i, pk in enumerate(ids, 1)}


def finding_number(finding: Finding) -> int:
    return Finding.objects.filter(audit_id=finding.audit_id, pk__lte=finding.pk).count()


def finding_counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each kind (nonconformities split major / minor)."""
    counts: Counter[str] = Counter()
    for f in findings:
        counts[f.kind] += 1
        if f.severity:
            counts[f"nonconformity_{f.severity}"] += 1
    return dict(counts)


def last_audit_of_unit(audit: Audit, unit: OrgUnit) -> Audit | None:
    """The agency's latest earlier audit of ``unit`` that has a checklist for it."""
    return (
        Audit.objects.filter(
            agency_id=audit.agency_id,
            units=unit,
            archived_at__isnull=True,
            checklist__unit=unit,
            start_date__lte=audit.start_date,
        )
        .exclude(pk=audit.pk)
        .order_by("-start_date", "-pk")
        .distinct()
        .first()
    )
