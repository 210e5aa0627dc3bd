"""How the audit trail names the NC area's actions (added to the audit log's labels from
``NonconformitiesConfig.ready``, so the history reads "analysed the cause", not a code)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

LABELS = {
    "nonconformities.nc.raised": gettext_lazy("raised the nonconformity"),
    "nonconformities.nc.updated": gettext_lazy("changed the nonconformity"),
    "nonconformities.nc.corrected": gettext_lazy("recorded the correction"),
    "nonconformities.nc.analysed": gettext_lazy("analysed the cause"),
    "nonconformities.nc.actions_changed": gettext_lazy("changed the corrective actions"),
    "nonconformities.nc.planned": gettext_lazy("confirmed the action plan"),
    "nonconformities.nc.progress": gettext_lazy("moved the corrective actions on"),
    "nonconformities.nc.closed": gettext_lazy("closed the nonconformity"),
    "nonconformities.nc.reopened": gettext_lazy("reopened the nonconformity"),
    "nonconformities.nc.archived": gettext_lazy("archived the nonconformity"),
    "nonconformities.action.added": gettext_lazy("added a corrective action"),
    "nonconformities.action.updated": gettext_lazy("changed a corrective action"),
    "nonconformities.action.cancelled": gettext_lazy("cancelled a corrective action"),
    "nonconformities.action.done": gettext_lazy("completed a corrective action"),
    "nonconformities.action.to_task": gettext_lazy("made the action a task of the plan"),
    "nonconformities.evidence.added": gettext_lazy("attached evidence"),
    "nonconformities.verification.recorded": gettext_lazy("verified the effectiveness"),
    "nonconformities.settings.saved": gettext_lazy("changed the nonconformity settings"),
}


def register() -> None:
    from qms.audittrail import selectors

    selectors.ACTION_LABELS.update(LABELS)
