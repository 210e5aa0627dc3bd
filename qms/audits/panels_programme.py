"""What the internal-audit programme shows on planning's pages (slots of qms.planning.panels).

Task 6 of the plan (Đánh giá nội bộ) shows the linked programme's live progress; task 7
(Khắc phục sau đánh giá nội bộ) the NCs raised from the programme's findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest

from qms.audits import selectors_programme as sel
from qms.planning.models import Plan, PlanTask


def task_panel(request: HttpRequest, task: PlanTask) -> dict[str, Any] | None:
    """The programme's progress (task 6) or its NC counts (task 7); nothing otherwise."""
    progress = sel.task_progress([task.pk]).get(task.pk)
    ncs = sel.action_task_counts([task.pk]).get(task.pk)
    if progress is None and ncs is None:
        return None
    return {"task": task, "audit_progress": progress, "audit_ncs": ncs}


def task_rows(request: HttpRequest, plan: Plan, tasks: Sequence[PlanTask]) -> Mapping[int, Any]:
    """Per row of the plan's table: the same, read for every task at once (four queries)."""
    ids = [t.pk for t in tasks]
    out: dict[int, Any] = {}
    for task_id, progress in sel.task_progress(ids).items():
        out[task_id] = {"progress": progress}
    for task_id, ncs in sel.action_task_counts(ids).items():
        out.setdefault(task_id, {})["ncs"] = ncs
    return out
