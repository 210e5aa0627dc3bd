"""Notifications of checklists and findings: the audited unit is told when findings are
issued to it (drafts are never announced). Registered from ``wiring_checklists``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from qms.notifications import kinds
from qms.notifications.messages import MessageData
from qms.notifications.services import Directory, notify


class Kind(models.TextChoices):
    FINDINGS_ISSUED = "audit_findings_issued", gettext_lazy("Audit findings issued to the unit")
    FINDING_ACKNOWLEDGED = (
        "audit_finding_acknowledged",
        gettext_lazy("Audit finding acknowledged by the unit"),
    )


@dataclass(frozen=True)
class IssuedFacts:
    audit_title: str
    unit_name: str
    findings: tuple[str, ...]  # "Không phù hợp (Nhẹ) — 7.5: …"


def _render(data: MessageData) -> tuple[str, list[str]]:
    f: IssuedFacts = data.facts
    n = len(f.findings)
    subject = _("Audit findings for your unit: %(audit)s") % {"audit": f.audit_title}
    lines = [
        ngettext(
            "%(actor)s issued %(n)d finding of the internal audit to %(unit)s:",
            "%(actor)s issued %(n)d findings of the internal audit to %(unit)s:",
            n,
        )
        % {"actor": data.actor_name, "n": n, "unit": f.unit_name},
        *("• " + line for line in f.findings),
        _("Read them and acknowledge each one, with your comment if the unit disagrees."),
    ]
    return subject, lines


def _render_acknowledged(data: MessageData) -> tuple[str, list[str]]:
    f: IssuedFacts = data.facts
    lines = [
        _("%(actor)s acknowledged the finding of %(unit)s:")
        % {"actor": data.actor_name, "unit": f.unit_name},
        *("• " + line for line in f.findings),
    ]
    if data.comment:
        lines += [_("Comment of the unit:"), "  " + data.comment]
    return _("Finding acknowledged: %(audit)s") % {"audit": f.audit_title}, lines


def register() -> None:
    kinds.register(Kind.FINDINGS_ISSUED.value, Kind.FINDINGS_ISSUED.label, render=_render)
    kinds.register(
        Kind.FINDING_ACKNOWLEDGED.value,
        Kind.FINDING_ACKNOWLEDGED.label,
        render=_render_acknowledged,
    )


def _line(finding: Any) -> str:
    kind = str(finding.get_kind_display())
    if finding.severity:
        kind += f" ({finding.get_severity_display()})"
    text = " ".join(finding.description.split())
    text = text if len(text) <= 120 else text[:117].rstrip() + "…"
    clause = f" — {finding.clause}" if finding.clause else ""
    return f"{kind}{clause}: {text}"


def notify_findings_issued(*, actor: Any, findings: list[Any]) -> int:
    """Tell the heads of each unit about the findings just issued to it (one message per
    unit); the actor is not told."""
    by_unit: dict[int, list[Any]] = {}
    for f in findings:
        by_unit.setdefault(f.unit_id, []).append(f)
    if not by_unit:
        return 0
    first = findings[0]
    directory = Directory([first.agency_id])
    sent = 0
    for unit_id, items in by_unit.items():
        facts = IssuedFacts(
            audit_title=first.audit.title,
            unit_name=items[0].unit.display_name,
            findings=tuple(_line(f) for f in items),
        )
        url = (
            reverse("audits:finding_detail", args=[items[0].pk])
            if len(items) == 1
            else reverse("audits:finding_list", args=[first.audit_id])
        )
        data = MessageData(
            kind=Kind.FINDINGS_ISSUED.value,
            url=url,
            actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
            facts=facts,
        )
        sent += notify(
            recipients=directory.heads([unit_id]),
            data=data,
            obj=items[0],
            agency_id=first.agency_id,
            exclude=actor.pk if actor else None,
        )
    return sent


def notify_finding_acknowledged(*, actor: Any, finding: Any) -> int:
    """Tell the lead auditor that the unit acknowledged a finding (with its comment)."""
    audit = finding.audit
    if not audit.lead_auditor_id:
        return 0
    data = MessageData(
        kind=Kind.FINDING_ACKNOWLEDGED.value,
        url=reverse("audits:finding_detail", args=[finding.pk]),
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        comment=finding.auditee_comment,
        facts=IssuedFacts(
            audit_title=audit.title,
            unit_name=finding.unit.display_name,
            findings=(_line(finding),),
        ),
    )
    return notify(
        recipients=[audit.lead_auditor_id],
        data=data,
        obj=finding,
        agency_id=finding.agency_id,
        exclude=actor.pk if actor else None,
    )
