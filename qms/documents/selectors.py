"""Reads for document control: lists, search, the document page, dashboards."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from qms.accounts import permissions
from qms.accounts.models import User
from qms.core import selectors as core_selectors
from qms.core.models import OrgUnit
from qms.core.text import fold
from qms.documents.models import (
    Acknowledgement,
    Document,
    DocumentVersion,
    ExternalDocument,
    IssuingDecision,
    RetainedRecord,
    ReviewTask,
    TaskDocumentLink,
)

S = DocumentVersion.Status
# Master lists read top-down: policy, manual, system procedures, work procedures, guidelines,
# then forms.
KIND_ORDER = Case(
    *(When(kind=k, then=Value(i)) for i, k in enumerate(Document.Kind.values)),
    default=Value(99),
)


def sees_drafts(user: User, document: Document) -> bool:
    """Drafts are for the people who write, review, approve or issue them."""
    return (
        permissions.can(user, "documents.edit", document.owner_unit)
        or permissions.can(user, "documents.review", document.agency)
        or permissions.can(user, "documents.approve", document.agency)
        or permissions.can(user, "documents.issue", document.agency)
    )


def may_request_change(user: User, document: Document) -> bool:
    """A change may be proposed by those holding the role over the owner unit or over a unit
    the document is distributed to (the people who apply it), not by anyone of the agency."""
    action = "documents.request_change"
    if permissions.can(user, action, document.owner_unit):
        return True
    return permissions.can_any(user, action, document.distribution_units.all())


def get_document_for_user(user: User, pk: int) -> Document:
    """A document the user may see: 404 outside the user's agencies or for a stranger's
    draft that was never in force."""
    document = get_object_or_404(
        _visible_documents(user).select_related(
            "agency", "owner_unit", "parent", "current_version", "current_version__decision"
        ),
        pk=pk,
    )
    if document.status == Document.Status.DRAFT and not sees_drafts(user, document):
        raise Http404
    return document


def get_version_for_user(user: User, pk: int) -> DocumentVersion:
    version = get_object_or_404(
        DocumentVersion.objects.select_related(
            "document",
            "document__agency",
            "document__owner_unit",
            "author",
            "submitted_by",
            "reviewer",
            "approver",
            "decision",
            "new_owner_unit",
        ),
        pk=pk,
    )
    document = get_document_for_user(user, version.document_id)
    version.document = document
    if version.status not in {S.IN_FORCE, S.OBSOLETE} and not sees_drafts(user, document):
        raise Http404
    return version


def require(user: User, action: str, unit: OrgUnit) -> None:
    if not permissions.can(user, action, unit):
        raise PermissionDenied


def agencies_for(user: User, action: str = "documents.view") -> QuerySet[OrgUnit]:
    """Agencies whose documents the user may see (or act on, for ``action``)."""
    return core_selectors.agencies_for_reading(user, action)


# Past this many units in the user's reading scope (a province-wide role) the filter keeps
# its subquery: a list of thousands of literals costs more to plan than it saves.
_LITERAL_SCOPE_MAX = 200


def _visible_documents(user: User) -> QuerySet[Document]:
    """``Document.objects.visible_to(user)``, the scope's unit ids fetched first (one small
    query, once per request's user) and given to PostgreSQL as literals. With the
    ``IN (subquery)`` it cannot tell that one agency's documents are meant: the master list
    walked every unit of the province in path order for its sort (6.3 -> 2.6 ms with
    planning) and the TTHC fields scanned every document of the province (4.3 -> 0.2 ms)."""
    scope = permissions.agency_scope_q_for_reading(user, "documents.view")
    child = scope.children[0] if len(scope.children) == 1 and not scope.negated else None
    if not isinstance(child, tuple) or not isinstance(child[1], QuerySet):
        return Document.objects.filter(scope)  # a superuser's empty Q, or another shape
    lookup, units = child
    ids = permissions.memo(
        user,
        ("documents.view", "scope_unit_ids"),
        lambda: tuple(units.values_list("pk", flat=True)[: _LITERAL_SCOPE_MAX + 1]),
    )
    if len(ids) > _LITERAL_SCOPE_MAX:
        return Document.objects.filter(scope)
    return Document.objects.filter(**{lookup: ids})


def agencies_to_change(user: User, action: str) -> list[OrgUnit]:
    """Agencies whose agency-wide registers ``user`` may change by ``action``: a role held
    over the agency itself, not on one of its schools or divisions."""
    return [a for a in agencies_for(user, action) if permissions.can(user, action, a)]


# --------------------------------------------------------------------------- lists, search


@dataclass
class DocumentFilters:
    q: str = ""
    agency: int | None = None
    kind: str = ""
    unit: int | None = None
    status: str = ""
    tthc_field: str = ""
    tthc_only: bool = False


def search_terms(q: str) -> list[str]:
    return [t for t in fold(q).split(" ") if t]


def _draft_scope_q(user: User) -> Q:
    """Documents whose drafts ``user`` sees (the query form of ``sees_drafts``)."""
    return (
        permissions.unit_scope_q(user, "documents.edit", prefix="owner_unit__")
        | permissions.unit_scope_q(user, "documents.review", prefix="agency__")
        | permissions.unit_scope_q(user, "documents.approve", prefix="agency__")
        | permissions.unit_scope_q(user, "documents.issue", prefix="agency__")
    )


def documents_openable_by(user: User, ids: Iterable[int]) -> set[int]:
    """Which of the documents ``ids`` ``user`` may open (their page does not answer 404):
    the same rule as ``get_document_for_user``, in one query whatever the number of ids.
    Pages show a link only for these, the title and why otherwise."""
    wanted = {i for i in ids if i}
    if not wanted:
        return set()
    return set(
        Document.objects.visible_to(user)
        .filter(pk__in=wanted)
        .filter(~Q(status=Document.Status.DRAFT) | _draft_scope_q(user))
        .values_list("pk", flat=True)
    )


def document_list(user: User, filters: DocumentFilters) -> QuerySet[Document]:
    """The master list as the user may see it, filtered; drafts only for those who write,
    review, approve or issue documents of that unit (the same rule as ``sees_drafts``, so
    no row links to a page that answers 404)."""
    qs = _visible_documents(user).filter(archived_at__isnull=True)
    qs = qs.filter(~Q(status=Document.Status.DRAFT) | _draft_scope_q(user))
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.unit:
        qs = qs.filter(owner_unit_id=filters.unit)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.tthc_only:
        qs = qs.filter(is_tthc=True)
    if filters.tthc_field:
        qs = qs.filter(tthc_field=filters.tthc_field)
    for term in search_terms(filters.q):
        qs = qs.filter(search_text__contains=term)
    return qs.select_related("owner_unit", "agency", "current_version", "parent").order_by(
        "agency__path", KIND_ORDER, "code"
    )


def tthc_fields(user: User) -> list[str]:
    return list(
        _visible_documents(user)
        .exclude(tthc_field="")
        .order_by("tthc_field")
        .values_list("tthc_field", flat=True)
        .distinct()
    )


def external_list(
    user: User, *, q: str = "", agency: int | None = None, status: str = ""
) -> QuerySet[ExternalDocument]:
    qs = ExternalDocument.objects.visible_to(user).active()
    if agency:
        qs = qs.filter(agency_id=agency)
    if status:
        qs = qs.filter(status=status)
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    return (
        qs.select_related("agency", "replaced_by", "owner_unit")
        .annotate(citing=Count("cited_by", distinct=True))
        .order_by("agency__path", "-signed_on", "number")
    )


def get_external_for_user(user: User, pk: int) -> ExternalDocument:
    return get_object_or_404(
        ExternalDocument.objects.visible_to(user).select_related("agency", "replaced_by"), pk=pk
    )


def record_list(
    user: User, *, agency: int | None = None, unit: int | None = None, q: str = ""
) -> QuerySet[RetainedRecord]:
    qs = RetainedRecord.objects.visible_to(user).filter(archived_at__isnull=True)
    if agency:
        qs = qs.filter(agency_id=agency)
    if unit:
        qs = qs.filter(owner_unit_id=unit)
    for term in q.split():
        qs = qs.filter(Q(name__icontains=term) | Q(form_code__icontains=term))
    return qs.select_related("owner_unit", "document", "agency").order_by(
        "agency__path", "owner_unit__path", "document__code", "id"
    )


def get_record_for_user(user: User, pk: int) -> RetainedRecord:
    return get_object_or_404(
        RetainedRecord.objects.visible_to(user).select_related("agency", "owner_unit"), pk=pk
    )


def get_decision_for_user(user: User, pk: int) -> IssuingDecision:
    decision = get_object_or_404(IssuingDecision.objects.select_related("agency"), pk=pk)
    if not permissions.can_read_agency_wide(user, "documents.view", decision.agency):
        raise Http404
    return decision


def decision_list(user: User) -> QuerySet[IssuingDecision]:
    return (
        IssuingDecision.objects.filter(
            permissions.agency_scope_q_for_reading(user, "documents.view")
        )
        .select_related("agency")
        .annotate(n_versions=Count("versions"))
        .order_by("-issued_on", "-id")
    )


def approved_versions(agency: OrgUnit) -> QuerySet[DocumentVersion]:
    return (
        DocumentVersion.objects.filter(document__agency=agency, status=S.APPROVED)
        .select_related("document", "approver")
        .order_by("document__code")
    )


# --------------------------------------------------------------------------- one document


_PERSON = ("first_name", "last_name", "username")  # what display_name reads
_UNIT = ("name", "short_name")


def _of(relation: str, fields: Iterable[str]) -> list[str]:
    return [f"{relation}__{f}" for f in fields]


def document_page(user: User, document: Document) -> dict[str, Any]:
    """Everything the document page shows, in a fixed number of queries, each reading only
    the columns the page prints (not the versions' content and file text, nor the
    people's and units' other columns)."""
    drafts = sees_drafts(user, document)
    versions = document.versions.select_related("author", "approver").only(
        "document",
        "issue_no",
        "status",
        "issued_on",
        "approved_on_paper",
        "paper_signers",
        "change_description",
        *_of("author", _PERSON),
        *_of("approver", _PERSON),
    )
    if not drafts:
        versions = versions.filter(status__in=[S.IN_FORCE, S.OBSOLETE])
    current = document.current_version
    acks: list[Acknowledgement] = []
    if current is not None:
        acks = list(
            current.acknowledgements.select_related("user", "user__unit")
            .only("version", "read_at", *_of("user", _PERSON), *_of("user__unit", _UNIT))
            .order_by("read_at", "user__last_name", "user__first_name")
        )
    return {
        "versions": list(versions),
        "open_version": next((v for v in versions if v.status in DocumentVersion.OPEN), None)
        if drafts
        else None,
        **_document_registers(document),
        "acks": acks,
        "acks_read": sum(1 for a in acks if a.read_at),
        "my_ack": next((a for a in acks if a.user_id == user.pk), None),
        "sees_drafts": drafts,
    }


def _document_registers(document: Document) -> dict[str, list[Any]]:
    """The document page's lists beside its versions: what it cites, its forms, records,
    distribution, change requests, reviews and plan tasks."""
    return {
        "references": list(document.references.only("number", "status")),
        "forms": list(
            document.forms.filter(archived_at__isnull=True).only(
                "parent", "code", "title", "status"
            )
        ),
        "records": list(
            document.records.filter(archived_at__isnull=True).only(
                "document", "name", "retention_years", "retention_text"
            )
        ),
        "distribution_units": list(document.distribution_units.only(*_UNIT)),
        "distribution_users": list(document.distribution_users.only(*_PERSON)),
        "change_requests": list(
            document.change_requests.select_related("requested_by", "decided_by").only(
                "document",
                "part",
                "reason",
                "status",
                "decision_note",
                "created_at",
                *_of("requested_by", _PERSON),
                *_of("decided_by", _PERSON),
            )
        ),
        "review_tasks": list(
            document.review_tasks.select_related("external")
            .only(
                "document",
                "reason",
                "due_on",
                "status",
                "outcome",
                "note",
                "external__number",
                "external__status",
            )
            .order_by("-due_on")
        ),
        "task_links": list(
            document.task_links.select_related("task", "task__plan")
            .only("document", "task__number", "task__plan__number", "task__plan__year")
            .order_by("task__plan__year")
        ),
    }


def signature_block(version: DocumentVersion) -> list[dict[str, Any]]:
    """Soạn thảo / Soát xét / Phê duyệt: the people of the workflow, or those on paper."""
    paper = version.paper_signers or {}
    rows = []
    for key, user, position, when in (
        ("author", version.author, version.author_position, version.submitted_at),
        ("reviewer", version.reviewer, version.reviewer_position, version.reviewed_at),
        ("approver", version.approver, version.approver_position, version.approved_at),
    ):
        entry = paper.get(key, {})
        rows.append(
            {
                "name": user.display_name if user else entry.get("name", ""),
                "position": position if user else entry.get("position", ""),
                "date": when if user and key != "author" else None,
            }
        )
    return rows


def version_actors(version: DocumentVersion) -> dict[str, Any]:
    """The real people of each role of a version (shown beside the trail). One query."""
    return {
        "author": version.author,
        "editors": list(version.editors.order_by("last_name", "first_name", "pk")),
        "submitted_by": version.submitted_by,
        "reviewer": version.reviewer,
        "approver": version.approver,
    }


def version_trail(version: DocumentVersion) -> list[Any]:
    return list(version.trail.select_related("actor"))


def revision_rows(document: Document, upto: DocumentVersion) -> list[DocumentVersion]:
    """The revision table of ``upto``: every issued version up to it, with its change."""
    return list(
        document.versions.filter(
            Q(status__in=[S.IN_FORCE, S.OBSOLETE]) | Q(pk=upto.pk), issue_no__lte=upto.issue_no
        ).order_by("issue_no")
    )


# --------------------------------------------------------------------------- to read, dashboard


def to_read(user: User) -> QuerySet[Acknowledgement]:
    return (
        Acknowledgement.objects.filter(user=user, read_at__isnull=True, version__status=S.IN_FORCE)
        .select_related("version", "version__document", "version__decision")
        .order_by("-version__issued_on")
    )


def work_queue(user: User) -> dict[str, list[DocumentVersion]]:
    """Versions waiting for this user: to review, to approve, to issue, own drafts returned."""
    base = DocumentVersion.objects.select_related("document", "author").order_by("submitted_at")
    out: dict[str, list[DocumentVersion]] = {}
    out["review"] = (
        list(
            base.filter(status=S.REVIEW).filter(
                permissions.unit_scope_q(user, "documents.review", prefix="document__agency__")
            )
        )
        if permissions.has_any_role(user, "documents.review")
        else []
    )
    out["approval"] = (
        list(
            base.filter(status=S.APPROVAL).filter(
                permissions.unit_scope_q(user, "documents.approve", prefix="document__agency__")
            )
        )
        if permissions.has_any_role(user, "documents.approve")
        else []
    )
    out["issue"] = (
        list(
            base.filter(status=S.APPROVED).filter(
                permissions.unit_scope_q(user, "documents.issue", prefix="document__agency__")
            )
        )
        if permissions.has_any_role(user, "documents.issue")
        else []
    )
    out["mine"] = list(base.filter(author=user, status__in=[S.DRAFT, S.RETURNED]))
    return out


@dataclass
class ReviewSummary:
    reviews_overdue: int
    reviews_due_soon: int
    unaligned: int
    unaligned_overdue: int
    in_force: int
    drafts: int


def review_summary(
    user: User, today: datetime.date, agency: OrgUnit | None = None
) -> ReviewSummary:
    """Counts for dashboards: overdue periodic reviews and documents not yet aligned with
    changed legal texts (open legal-change reviews)."""
    docs = Document.objects.visible_to(user).filter(archived_at__isnull=True)
    tasks = ReviewTask.objects.filter(document__in=docs, status=ReviewTask.Status.OPEN)
    if agency is not None:
        docs = docs.filter(agency=agency)
        tasks = tasks.filter(document__agency=agency)
    soon = today + datetime.timedelta(days=30)
    counts = docs.aggregate(
        in_force=Count("pk", filter=Q(status=Document.Status.IN_FORCE)),
        drafts=Count("pk", filter=Q(status=Document.Status.DRAFT)),
        overdue=Count("pk", filter=Q(status=Document.Status.IN_FORCE, next_review_on__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(
                status=Document.Status.IN_FORCE,
                next_review_on__gte=today,
                next_review_on__lte=soon,
            ),
        ),
    )
    legal = tasks.filter(reason=ReviewTask.Reason.LEGAL_CHANGE).aggregate(
        docs=Count("document", distinct=True),
        late=Count("document", distinct=True, filter=Q(due_on__lt=today)),
    )
    return ReviewSummary(
        reviews_overdue=counts["overdue"],
        reviews_due_soon=counts["due_soon"],
        unaligned=legal["docs"],
        unaligned_overdue=legal["late"],
        in_force=counts["in_force"],
        drafts=counts["drafts"],
    )


def open_reviews(user: User, today: datetime.date) -> QuerySet[ReviewTask]:
    return (
        ReviewTask.objects.filter(
            status=ReviewTask.Status.OPEN,
            document__in=Document.objects.visible_to(user),
        )
        .select_related("document", "document__owner_unit", "external")
        .order_by("due_on", "id")
    )


# --------------------------------------------------------------------------- plan links


@dataclass
class TaskDocumentStats:
    linked: int
    created: int
    revised: int
    aligned: int


def task_document_stats(task_ids: list[int], year: int) -> dict[int, TaskDocumentStats]:
    """For each plan task, its linked documents and how many of them were created (first
    issue), revised (a later issue or a periodic review closed) or aligned with a legal change
    during ``year``. Three queries whatever the number of tasks."""
    links = list(
        TaskDocumentLink.objects.filter(task_id__in=task_ids).values_list("task_id", "document_id")
    )
    doc_ids = sorted({d for _t, d in links})
    issued = DocumentVersion.objects.filter(
        document_id__in=doc_ids,
        status__in=[S.IN_FORCE, S.OBSOLETE],
        issued_on__year=year,
    ).values_list("document_id", "issue_no")
    first: set[int] = set()
    revised: set[int] = set()
    for doc_id, issue_no in issued:
        (first if issue_no == 1 else revised).add(doc_id)
    aligned: set[int] = set()
    for doc_id, reason in ReviewTask.objects.filter(
        document_id__in=doc_ids, status=ReviewTask.Status.DONE, done_at__year=year
    ).values_list("document_id", "reason"):
        (aligned if reason == ReviewTask.Reason.LEGAL_CHANGE else revised).add(doc_id)
    by_task: dict[int, set[int]] = {}
    for task_id, doc_id in links:
        by_task.setdefault(task_id, set()).add(doc_id)
    out: dict[int, TaskDocumentStats] = {}
    for task_id in task_ids:
        docs = by_task.get(task_id, set())
        out[task_id] = TaskDocumentStats(
            linked=len(docs),
            created=len(docs & first),
            revised=len(docs & revised),
            aligned=len(docs & aligned),
        )
    return out


def linkable_documents(agency: OrgUnit) -> QuerySet[Document]:
    return Document.objects.filter(agency=agency, archived_at__isnull=True).order_by("kind", "code")


def review_counts(
    *, agency_id: int, unit_ids: list[int] | None, start: datetime.date, end: datetime.date
) -> tuple[int, int]:
    """(done on schedule, due) for the document reviews due in [start, end] of documents
    owned by ``unit_ids`` (None: the whole agency). One query."""
    qs = ReviewTask.objects.filter(document__agency_id=agency_id, due_on__range=(start, end))
    if unit_ids is not None:
        qs = qs.filter(document__owner_unit_id__in=unit_ids)
    counts = qs.aggregate(
        due=Count("pk"),
        on_time=Count(
            "pk", filter=Q(status=ReviewTask.Status.DONE, done_at__date__lte=F("due_on"))
        ),
    )
    return counts["on_time"], counts["due"]
