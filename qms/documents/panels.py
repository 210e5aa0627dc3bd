"""What document control shows on planning's pages (slots of ``qms.planning.panels``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from qms.core.models import OrgUnit
from qms.documents import selectors
from qms.documents.selectors import TaskDocumentStats
from qms.planning import selectors as planning_selectors
from qms.planning.models import Plan, PlanTask


def task_documents(request: HttpRequest, task: PlanTask) -> dict[str, Any]:
    """The documents linked to a task, with this year's counts and the link button."""
    user = request.user
    linked = [link.document for link in task.document_links.select_related("document")]
    return {
        "task": task,
        "linked_documents": linked,
        "openable_documents": selectors.documents_openable_by(user, [d.pk for d in linked]),  # type: ignore[arg-type]
        "doc_stats": selectors.task_document_stats([task.pk], task.plan.year)[task.pk],
        "can_link_documents": planning_selectors.can_edit_plan(user, task.plan),  # type: ignore[arg-type]
    }


def task_document_rows(
    request: HttpRequest, plan: Plan, tasks: Sequence[PlanTask]
) -> Mapping[int, TaskDocumentStats]:
    """For each task of the plan's table with linked documents, this year's counts (a task
    without any shows nothing, so it gets no entry and its row renders no template)."""
    stats = selectors.task_document_stats([t.pk for t in tasks], plan.year)
    return {pk: st for pk, st in stats.items() if st.linked}


def dashboard_card(request: HttpRequest, agency: OrgUnit | None) -> dict[str, Any]:
    """The agency's document control at a glance: in force, reviews overdue, unaligned."""
    summary = selectors.review_summary(request.user, timezone.localdate(), agency)  # type: ignore[arg-type]
    return {"doc_summary": summary}


# Slots of documents' pages that other areas fill (``{% panels DOCUMENT_DETAIL document %}``).
# Right column of a document's page; the panel gets the document.
DOCUMENT_DETAIL = "documents.document_detail"
