"""Reads of the internal-audit programme: scoping, pages, summaries, the plan's tasks 6 and 7.

Reading: a programme is read agency-wide (anyone with a role in the agency, the overseer);
an audit by agency-wide readers (a role over the agency), by the audited units (a role on
one of them or above), by its team and its auditees. Changing is decided by the services.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qms.accounts import permissions
from qms.accounts.models import User
from qms.audits.models import Audit, Auditor, AuditTeamMember, Finding, Programme
from qms.core.models import OrgUnit
from qms.nonconformities.models import CorrectiveAction, Nonconformity

FINDING_SOURCE = "audits.finding"
NC = Nonconformity.Status
OPEN_NC = [NC.OPEN, NC.ANALYSED, NC.PLANNED, NC.IN_PROGRESS]


# --------------------------------------------------------------------------- scope


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(
        permissions.agency_scope_q_for_reading(user, "audits.view"), archived_at__isnull=True
    )


def audits_visible_q(user: User) -> Q:
    """Audits the user reads: over the agency, on an audited unit, on the team, auditee."""
    if user.is_superuser:
        return Q()
    agency_ids = OrgUnit.objects.filter(
        permissions.unit_scope_q(user, "audits.view"),
        kind__in=[OrgUnit.Kind.AGENCY, OrgUnit.Kind.PROVINCE],
    ).values("pk")
    units = OrgUnit.objects.filter(permissions.unit_scope_q(user, "audits.view")).values("pk")
    agencies = OrgUnit.objects.filter(
        Q(pk__in=agency_ids) | Q(parent_id__in=agency_ids), kind=OrgUnit.Kind.AGENCY
    ).values("pk")
    return (
        Q(agency_id__in=agencies)
        | Q(pk__in=Audit.units.through.objects.filter(orgunit_id__in=units).values("audit_id"))
        | Q(pk__in=AuditTeamMember.objects.filter(user=user).values("audit_id"))
        | Q(pk__in=Audit.auditees.through.objects.filter(user_id=user.pk).values("audit_id"))
    )


def audits_visible_to(user: User) -> QuerySet[Audit]:
    return Audit.objects.filter(audits_visible_q(user), archived_at__isnull=True)


# What the programme's page prints of its plan tasks and its approver (with the whole
# programme and agency): not the tasks' plans nor the other columns.
PAGE_PROGRAMME_FIELDS = (
    *(f.attname for f in Programme._meta.concrete_fields),
    *(f"agency__{f.attname}" for f in OrgUnit._meta.concrete_fields),
    "plan_task__number",
    "plan_task__content",
    "action_task__number",
    "action_task__content",
    "approved_by__first_name",
    "approved_by__last_name",
    "approved_by__username",
)


def get_programme_page(user: User, pk: int) -> Programme:
    """:func:`get_programme_for_user` reading only what the programme's page prints."""
    programme = get_object_or_404(
        Programme.objects.filter(archived_at__isnull=True)
        .select_related("agency", "plan_task", "action_task", "approved_by")
        .only(*PAGE_PROGRAMME_FIELDS),
        pk=pk,
    )
    if not permissions.can_read_agency_wide(user, "audits.view", programme.agency):
        raise Http404
    return programme


def get_programme_for_user(user: User, pk: int, action: str | None = None) -> Programme:
    """The programme (404 out of reading scope; 403 without ``action`` on its agency).

    Read by its key and its agency checked in Python (``can_read_agency_wide`` decides
    what ``programmes_visible_to`` filters): the reading scope's subquery over the
    province's units cost PostgreSQL more than the rest of the page's reads together."""
    programme = get_object_or_404(
        Programme.objects.filter(archived_at__isnull=True).select_related(
            "agency", "plan_task__plan", "action_task__plan", "approved_by"
        ),
        pk=pk,
    )
    if not permissions.can_read_agency_wide(user, "audits.view", programme.agency):
        raise Http404
    if action and not permissions.can(user, action, programme.agency):
        raise PermissionDenied
    return programme


def get_audit_for_user(user: User, pk: int, action: str | None = None) -> Audit:
    """The audit (404 out of reading scope; 403 without ``action`` on its agency).

    Read by its key; a reader of the whole agency is let in on the roles already loaded,
    only others ask :func:`audits_visible_q` (its subqueries over the province's units
    cost more than the audit's own read)."""
    audit = get_object_or_404(
        Audit.objects.filter(archived_at__isnull=True).select_related(
            "programme", "agency", "lead_auditor", "issued_number", "report_approved_by"
        ),
        pk=pk,
    )
    if not _reads_agency_audits(user, audit.agency) and not (
        audits_visible_to(user).filter(pk=audit.pk).exists()
    ):
        raise Http404
    if action and not permissions.can(user, action, audit.agency):
        raise PermissionDenied
    return audit


def sees_drafts(user: User, agency: OrgUnit) -> bool:
    """The ISO office and the agency's auditors count draft findings; others only issued ones."""
    return permissions.can(user, "audits.manage_programme", agency) or permissions.can(
        user, "audits.conduct", agency
    )


def may_conduct(
    user: User,
    audit: Audit,
    units: Iterable[OrgUnit],
    members: Iterable[AuditTeamMember] | None = None,
) -> bool:
    """On the team (``members`` when already read) and ``audits.conduct`` on every unit."""
    on_team = any(m.user_id == user.pk for m in (audit.team.all() if members is None else members))
    return (on_team or user.is_superuser) and all(
        permissions.can(user, "audits.conduct", u) for u in units
    )


# --------------------------------------------------------------------------- programme pages


def programme_list(user: User, agency: OrgUnit) -> list[Programme]:
    """The agency's programmes, newest year first, with their audit counts by status."""
    return list(
        programmes_visible_to(user)
        .filter(agency=agency)
        .annotate(
            n_audits=Count("audits", filter=Q(audits__archived_at__isnull=True), distinct=True),
            n_reported=Count(
                "audits",
                filter=Q(audits__archived_at__isnull=True, audits__status=Audit.Status.REPORTED),
                distinct=True,
            ),
        )
        .order_by("-year")
    )


@dataclass
class AuditRow:
    audit: Audit
    units: list[OrgUnit]
    findings: dict[str, int]
    visible: bool


def finding_groups(
    audit_ids: list[int], *, issued_only: bool = False, by_place: bool = False
) -> list[dict[str, Any]]:
    """Findings counted by audit, kind and severity (and by unit and clause with
    ``by_place``): one query, without the joins of the model's ordering."""
    qs = Finding.objects.filter(audit_id__in=audit_ids, archived_at__isnull=True)
    if issued_only:
        qs = qs.exclude(status=Finding.Status.DRAFT)
    keys = ("audit_id", "unit_id", "clause") if by_place else ("audit_id",)
    return list(qs.order_by().values(*keys, "kind", "severity").annotate(n=Count("id")))


def finding_counts(
    audit_ids: list[int], *, issued_only: bool = False, groups: list[dict[str, Any]] | None = None
) -> dict[int, dict[str, int]]:
    """Per audit: findings by kind, NCs split major/minor (one query, none given ``groups``
    of :func:`finding_groups`)."""
    if groups is None:
        groups = finding_groups(audit_ids, issued_only=issued_only)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in groups:
        key = _kind_key(row)
        out[row["audit_id"]][key] = out[row["audit_id"]].get(key, 0) + row["n"]
    return out


def _reads_agency_audits(user: User, agency: OrgUnit) -> bool:
    """Does ``user`` read every audit of ``agency`` (the agency part of
    :func:`audits_visible_q`), decided on the user's roles without a query?"""
    if user.is_superuser and user.is_active:
        return True
    if agency.kind != OrgUnit.Kind.AGENCY:
        return False
    allowed = permissions.roles_for("audits.view")
    wide = (OrgUnit.Kind.AGENCY, OrgUnit.Kind.PROVINCE)
    for a in permissions._assignments(user):
        if a.role not in allowed:
            continue
        scope = a.org_unit
        if a.include_subunits:
            if agency.path.startswith(scope.path):
                return True
        elif scope.kind in wide and scope.pk in (agency.pk, agency.parent_id):
            return True
    return False


# The columns the programme's table prints (an export reads the whole audit).
ROW_FIELDS = (
    "programme_id",
    "agency_id",
    "sequence",
    "title",
    "start_date",
    "end_date",
    "status",
    "lead_auditor__first_name",
    "lead_auditor__last_name",
    "lead_auditor__username",
    "issued_number__symbol",
)


def programme_rows(
    user: User | None, programme: Programme, *, issued_only: bool = False
) -> list[AuditRow]:
    """The programme's audits with units, lead and findings by kind: four queries, flat
    (three for an agency-wide reader). ``user`` None (an export): every row counts as
    visible."""
    return _programme_rows(user, programme, issued_only=issued_only, page=False)[0]


def programme_page_rows(
    user: User, programme: Programme, *, issued_only: bool = False
) -> tuple[list[AuditRow], list[dict[str, Any]]]:
    """:func:`programme_rows` reading only the columns the programme's page prints, with
    the findings' groups by unit and clause too (for :func:`findings_summary`)."""
    return _programme_rows(user, programme, issued_only=issued_only, page=True)


def _programme_rows(
    user: User | None, programme: Programme, *, issued_only: bool, page: bool
) -> tuple[list[AuditRow], list[dict[str, Any]]]:
    qs = (
        programme.audits.filter(archived_at__isnull=True)
        .select_related("lead_auditor", "issued_number")
        .prefetch_related(
            Prefetch(
                "units",
                queryset=OrgUnit.objects.order_by("path").only(
                    "name", "short_name", "path", "kind", "parent_id", "agency_id"
                )
                if page
                else OrgUnit.objects.order_by("path"),
            )
        )
        .order_by("sequence")
    )
    if page:
        qs = qs.only(*ROW_FIELDS)
    audits = list(qs)
    ids = [a.pk for a in audits]
    groups = finding_groups(ids, issued_only=issued_only, by_place=page)
    counts = finding_counts(ids, groups=groups)
    if user is None or all(
        _reads_agency_audits(user, programme.agency) and a.agency_id == programme.agency_id
        for a in audits
    ):
        visible = set(ids)
    else:
        visible = set(audits_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [AuditRow(a, list(a.units.all()), counts.get(a.pk, {}), a.pk in visible) for a in audits]
    return rows, groups


# The units a programme is expected to cover (the agency's own offices, divisions, committee).
COVERED_KINDS = [OrgUnit.Kind.OFFICE, OrgUnit.Kind.DIVISION, OrgUnit.Kind.LEADERSHIP]


def coverage(programme: Programme, rows: list[AuditRow]) -> list[tuple[OrgUnit, list[int]]]:
    """Each office or division of the agency with the numbers of the programme's audits
    that cover it (empty: not audited this year). One query."""
    audited: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        for u in r.units:
            audited[u.pk].append(r.audit.sequence)
    units = (
        OrgUnit.objects.filter(
            parent=programme.agency, kind__in=COVERED_KINDS, archived_at__isnull=True
        )
        .order_by("path")
        .only("name", "short_name", "path")
    )
    return [(u, audited.get(u.pk, [])) for u in units]


# --------------------------------------------------------------------------- audit page


def team(audit: Audit) -> list[AuditTeamMember]:
    order: dict[str, int] = {"lead": 0, "auditor": 1}
    members = sorted(
        audit.team.select_related("user__unit").order_by(),
        key=lambda m: (order.get(m.role, 2), m.pk),
    )
    entries = {
        e.user_id: e
        for e in Auditor.objects.filter(
            agency=audit.agency, user_id__in=[m.user_id for m in members], archived_at__isnull=True
        )
    }
    today = timezone.localdate()
    for m in members:
        entry = entries.get(m.user_id)
        m.register_entry = entry  # type: ignore[attr-defined]
        m.certificate_expired = bool(  # type: ignore[attr-defined]
            entry and entry.valid_until and entry.valid_until < today
        )
    return members


@dataclass
class Summary:
    """Findings of an audit (or programme) by unit and by clause, for the report."""

    kinds: list[tuple[str, str]]
    by_unit: list[tuple[str, dict[str, int], int]] = field(default_factory=list)
    by_clause: list[tuple[str, dict[str, int], int]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    total: int = 0


def _clause_label(number: str) -> str:
    try:
        from qms.audits import clauses
    except ImportError:  # pragma: no cover - the library ships with the checklists part
        return number
    return clauses.label(number) if number else ""


def _kind_key(row: dict[str, Any]) -> str:
    if row["kind"] == Finding.Kind.NONCONFORMITY:
        return f"nc_{row['severity'] or 'minor'}"
    return str(row["kind"])


def summary_kinds() -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    return [
        ("nc_major", _("Major NC")),
        ("nc_minor", _("Minor NC")),
        ("observation", _("Observation")),
        ("improvement", _("Opportunity for improvement")),
        ("conformity", _("Conformity")),
    ]


def findings_summary(
    audit_ids: list[int], *, issued_only: bool = False, groups: list[dict[str, Any]] | None = None
) -> Summary:
    """Findings by unit and by clause, counted per kind (NCs split major/minor): one query
    for the counts (none given ``groups`` of :func:`finding_groups` with ``by_place``; the
    groups of other audits are left out) and one for the units' names."""
    from django.utils.translation import gettext as _

    if groups is None:
        rows = finding_groups(audit_ids, issued_only=issued_only, by_place=True)
    else:
        wanted = set(audit_ids)
        rows = [r for r in groups if r["audit_id"] in wanted]
    units = (
        {
            u.pk: u
            for u in OrgUnit.objects.filter(pk__in={r["unit_id"] for r in rows}).only(
                "name", "short_name", "path"
            )
        }
        if rows
        else {}
    )
    by_unit: dict[int, Counter[str]] = defaultdict(Counter)
    by_clause: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for r in rows:
        k = _kind_key(r)
        by_unit[r["unit_id"]][k] += r["n"]
        by_clause[r["clause"] or ""][k] += r["n"]
        totals[k] += r["n"]

    def clause_order(n: str) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in n.split(".")) if n else (999,)
        except ValueError:
            return (998,)

    unit_rows = sorted(by_unit.items(), key=lambda kv: units[kv[0]].path)
    return Summary(
        kinds=summary_kinds(),
        by_unit=[(units[u].display_name, dict(c), sum(c.values())) for u, c in unit_rows],
        by_clause=[
            (_clause_label(n) or _("No clause"), dict(c), sum(c.values()))
            for n, c in sorted(by_clause.items(), key=lambda kv: clause_order(kv[0]))
        ],
        totals=dict(totals),
        total=sum(totals.values()),
    )


def people_for_team(agency: OrgUnit) -> list[tuple[User, Auditor | None, bool]]:
    """People of the agency to form a team: register entries valid today first (with
    their certificate), then expired ones, then the rest; (user, entry, valid)."""
    today = timezone.localdate()
    entries = {
        e.user_id: e for e in Auditor.objects.filter(agency=agency, archived_at__isnull=True)
    }
    users = list(
        User.objects.filter(is_active=True)
        .filter(Q(unit=agency) | Q(unit__agency=agency))
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )

    def valid(entry: Auditor | None) -> bool:
        return entry is not None and (entry.valid_until is None or entry.valid_until >= today)

    out = [(u, entries.get(u.pk), valid(entries.get(u.pk))) for u in users]
    out.sort(key=lambda t: 0 if t[2] else 1 if t[1] else 2)
    return out


# --------------------------------------------------------------------------- plan tasks


@dataclass(frozen=True)
class Progress:
    programme: Programme
    planned: int
    notified: int
    done: int
    reported: int

    @property
    def total(self) -> int:
        return self.planned + self.notified + self.done + self.reported


def task_progress(task_ids: list[int]) -> dict[int, Progress]:
    """Per plan task linked as a programme's audit task (6): audits planned (incl. sent) /
    done (audited or in progress) / reported. Two queries."""
    programmes = list(Programme.objects.filter(plan_task_id__in=task_ids, archived_at__isnull=True))
    if not programmes:
        return {}
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = (
        Audit.objects.filter(programme__in=programmes, archived_at__isnull=True)
        .values("programme_id", "status")
        .annotate(n=Count("id"))
    )
    for r in rows:
        counts[r["programme_id"]][r["status"]] += r["n"]
    S = Audit.Status
    out = {}
    for p in programmes:
        c = counts[p.pk]
        assert p.plan_task_id is not None  # noqa: S101 - filtered above
        out[p.plan_task_id] = Progress(
            programme=p,
            planned=c[S.PLANNED],
            notified=c[S.NOTIFIED],
            done=c[S.IN_PROGRESS] + c[S.DONE],
            reported=c[S.REPORTED],
        )
    return out


@dataclass(frozen=True)
class NCCounts:
    programme: Programme
    open: int
    awaiting: int
    closed: int
    open_units: frozenset[int]


def _finding_ids(programme_ids: list[int]) -> QuerySet[Finding]:
    return Finding.objects.filter(audit__programme_id__in=programme_ids)


def action_task_counts(task_ids: list[int]) -> dict[int, NCCounts]:
    """Per plan task linked as a programme's corrective-action task (7): the NCs raised from
    the programme's findings, open / awaiting verification / closed, and the units with
    open work (the NC's unit, the units of its open actions). Four queries."""
    programmes = list(
        Programme.objects.filter(action_task_id__in=task_ids, archived_at__isnull=True)
    )
    if not programmes:
        return {}
    finding_programme = dict(
        _finding_ids([p.pk for p in programmes]).values_list("pk", "audit__programme_id")
    )
    per: dict[int, Counter[str]] = defaultdict(Counter)
    units: dict[int, set[int]] = defaultdict(set)
    ncs = list(
        Nonconformity.objects.filter(
            source_key=FINDING_SOURCE,
            source_id__in=list(finding_programme),
            archived_at__isnull=True,
        ).values_list("pk", "source_id", "status", "unit_id")
    )
    # Units owning an open corrective action of an open NC are chased too.
    action_units: dict[int, set[int]] = defaultdict(set)
    open_ids = [pk for pk, _s, status, _u in ncs if status in OPEN_NC]
    for nc_id, unit_id in CorrectiveAction.objects.filter(
        nc_id__in=open_ids, status=CorrectiveAction.Status.OPEN
    ).values_list("nc_id", "unit_id"):
        if unit_id:
            action_units[nc_id].add(unit_id)
    for nc_id, source_id, status, unit_id in ncs:
        programme_id = finding_programme.get(int(source_id or 0))
        if programme_id is None:
            continue
        if status == NC.CLOSED:
            per[programme_id]["closed"] += 1
        elif status == NC.AWAITING_VERIFICATION:
            per[programme_id]["awaiting"] += 1
        else:
            per[programme_id]["open"] += 1
            units[programme_id].add(unit_id)
            units[programme_id] |= action_units.get(nc_id, set())
    out = {}
    for p in programmes:
        c = per[p.pk]
        assert p.action_task_id is not None  # noqa: S101 - filtered above
        out[p.action_task_id] = NCCounts(
            p, c["open"], c["awaiting"], c["closed"], frozenset(units[p.pk])
        )
    return out


def action_task_leads_done(task_ids: list[int]) -> dict[int, set[int]]:
    """For the plan's reminders (``register_leads_done``): per corrective-action task, the
    lead units with no open NC of the programme in them (or below them); they are not
    chased. A task whose NCs are all awaiting verification or closed chases nobody."""
    counts = action_task_counts(task_ids)
    if not counts:
        return {}
    from qms.planning.models import PlanTask

    leads: dict[int, list[OrgUnit]] = defaultdict(list)
    for row in PlanTask.lead_units.through.objects.filter(
        plantask_id__in=list(counts)
    ).select_related("orgunit"):
        leads[row.plantask_id].append(row.orgunit)
    open_units = {
        u.pk: u
        for u in OrgUnit.objects.filter(
            pk__in={uid for c in counts.values() for uid in c.open_units}
        )
    }
    out: dict[int, set[int]] = {}
    for task_id, c in counts.items():
        mine = [open_units[uid] for uid in c.open_units if uid in open_units]
        out[task_id] = {
            lead.pk
            for lead in leads[task_id]
            if not any(u.path.startswith(lead.path) for u in mine)
        }
    return out


def today() -> datetime.date:
    return timezone.localdate()
