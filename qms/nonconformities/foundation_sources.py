"""The sources of NCs in the foundation areas, registered by this app (they know nothing of
nonconformities): an overdue plan task, an objective evaluated as not achieved, a
document past its review date.

Each source has a *describe* (the facts an NC raised from the record is pre-filled with)
and an *eligible* test (the record is in the state the source names: only then does its
page offer "Raise a nonconformity"). The facts are written in Vietnamese: they become the
text of the NC record (a quality record), not interface text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core.models import OrgUnit
from qms.documents.models import Document
from qms.nonconformities import sources
from qms.nonconformities.sources import Source, SourceFacts
from qms.objectives.models import Objective
from qms.planning.models import PlanTask

TASK_OVERDUE = "planning.task_overdue"
OBJECTIVE_NOT_ACHIEVED = "objectives.not_achieved"
DOCUMENT_REVIEW_OVERDUE = "documents.review_overdue"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dmy(value: object) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- plan task


def task_unit(task: PlanTask) -> OrgUnit:
    """The task's (first) lead unit; the plan's agency when it names none."""
    leads = sorted(task.lead_units.all(), key=lambda u: u.path)
    return leads[0] if leads else task.plan.agency


def task_overdue(task: PlanTask) -> bool:
    return task.is_overdue(timezone.localdate())


def describe_task(task: PlanTask) -> SourceFacts:
    plan = task.plan
    unit = task_unit(task)
    plan_name = f"Kế hoạch {plan}"
    description = "\n".join(
        [
            f"Nhiệm vụ số {task.number} của {plan_name} chưa hoàn thành đúng hạn.",
            f"Nội dung: {' '.join(task.content.split())}",
            f"Thời hạn: {_dmy(task.due_date)} ({task.timing_text}); "
            f"tiến độ {task.percent}%, trạng thái: {task.get_status_display()}.",
        ]
    )
    return SourceFacts(
        agency=plan.agency,
        unit=unit,
        title=f"Nhiệm vụ quá hạn: {_short(task.content, 150)}",
        description=description,
        url=reverse("planning:task_detail", kwargs={"pk": task.pk}),
        label=f"Nhiệm vụ số {task.number} — {plan_name} ({unit.display_name})"[:500],
        clause="6.2",
    )


# --------------------------------------------------------------------------- objective


def objective_not_achieved(objective: Objective) -> bool:
    return objective.achieved is False


def describe_objective(objective: Objective) -> SourceFacts:
    objective_set = objective.objective_set
    unit = objective.owner_unit
    period = objective_set.period.label
    lines = [
        f"Mục tiêu chất lượng năm học/năm {period} không đạt: {' '.join(objective.statement.split())}",
        f"Chỉ số: {objective.indicator}; chỉ tiêu: {objective.target if objective.target is not None else '—'}"
        f"{(' ' + objective.unit_of_measure) if objective.unit_of_measure else ''}; "
        f"kết quả: {objective.result if objective.result is not None else '—'}.",
    ]
    if objective.cause.strip():
        lines.append(f"Nguyên nhân (theo đánh giá): {objective.cause.strip()}")
    if objective.proposed_action.strip():
        lines.append(f"Hành động đề xuất (theo đánh giá): {objective.proposed_action.strip()}")
    return SourceFacts(
        agency=objective_set.agency,
        unit=unit,
        title=f"Mục tiêu không đạt: {_short(objective.statement, 150)}",
        description="\n".join(lines),
        url=reverse("objectives:set_detail", kwargs={"pk": objective_set.pk})
        + f"#objective-{objective.pk}",
        label=(
            f"Mục tiêu số {objective.order} — Mục tiêu chất lượng {period} "
            f"({objective_set.unit.display_name})"
        )[:500],
        clause="6.2",
    )


# --------------------------------------------------------------------------- document


def document_review_overdue(document: Document) -> bool:
    return (
        document.next_review_on is not None
        and document.next_review_on < timezone.localdate()
        and document.archived_at is None
    )


def describe_document(document: Document) -> SourceFacts:
    unit = document.owner_unit
    return SourceFacts(
        agency=document.agency,
        unit=unit,
        title=f"Tài liệu quá hạn xem xét: {document.code} {_short(document.title, 150)}",
        description=(
            f"Tài liệu {document.code} «{' '.join(document.title.split())}» đến hạn xem xét "
            f"định kỳ ngày {_dmy(document.next_review_on)} nhưng chưa được xem xét, cập nhật."
        ),
        url=reverse("documents:document_detail", kwargs={"pk": document.pk}),
        label=f"Tài liệu {document.code} — {_short(document.title, 120)} ({unit.display_name})"[
            :500
        ],
        clause="7.5.3",
    )


ELIGIBLE: dict[str, Callable[[Any], bool]] = {
    TASK_OVERDUE: task_overdue,
    OBJECTIVE_NOT_ACHIEVED: objective_not_achieved,
    DOCUMENT_REVIEW_OVERDUE: document_review_overdue,
}


def _task_url(task: PlanTask) -> str:
    return reverse("planning:task_detail", kwargs={"pk": task.pk})


def _objective_url(objective: Objective) -> str:
    return (
        reverse("objectives:set_detail", kwargs={"pk": objective.objective_set_id})
        + f"#objective-{objective.pk}"
    )


def _document_url(document: Document) -> str:
    return reverse("documents:document_detail", kwargs={"pk": document.pk})


def register() -> None:
    sources.register(
        Source(TASK_OVERDUE, _("Overdue plan task"), PlanTask, describe_task, _task_url)
    )
    sources.register(
        Source(
            OBJECTIVE_NOT_ACHIEVED,
            _("Quality objective not achieved"),
            Objective,
            describe_objective,
            _objective_url,
        )
    )
    sources.register(
        Source(
            DOCUMENT_REVIEW_OVERDUE,
            _("Document review overdue"),
            Document,
            describe_document,
            _document_url,
        )
    )
