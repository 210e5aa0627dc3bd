"""What the audits area's checklists part registers with the foundation (called from ready()).

* the NC source ``audits.finding``: an issued nonconformity of an audit raises an NC
  record through ``qms.nonconformities.services.raise_nc``; the record links back to
  the finding's page;
* the menu entry of the ISO committee's question bank;
* the notification kind "audit findings issued to the unit".
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SOURCE_KEY = "audits.finding"


def describe_finding(finding: Any) -> Any:
    """The facts an NC record takes from a finding (SourceFacts of the NC area)."""
    from qms.audits import selectors_checklists as sel
    from qms.nonconformities.sources import SourceFacts

    audit = finding.audit
    number = sel.finding_number(finding)
    unit = finding.unit
    label = f"Phát hiện số {number} — {audit.title} ({unit.display_name})"
    first_line = " ".join(finding.description.split())
    title = first_line if len(first_line) <= 200 else first_line[:199] + "…"
    parts = [finding.description.strip()]
    if finding.evidence.strip():
        parts.append(f"Bằng chứng khách quan: {finding.evidence.strip()}")
    if finding.document is not None:
        parts.append(f"Quy trình: {finding.document.code} — {finding.document.title}")
    return SourceFacts(
        agency=finding.agency,
        unit=unit,
        title=title,
        description="\n\n".join(parts),
        url=reverse("audits:finding_detail", args=[finding.pk]),
        label=label,
        clause=finding.clause,
        severity=finding.severity or "minor",
        owner=None,
    )


def _register_source() -> None:
    try:
        from qms.nonconformities import sources
    except ImportError:  # the NC area's registry is not there (yet): nothing to plug into
        return
    from qms.audits.models import Finding

    sources.register(
        sources.Source(
            key=SOURCE_KEY,
            label=_("Internal audit finding"),
            model=Finding,
            describe=describe_finding,
            url=lambda finding: reverse("audits:finding_detail", args=[finding.pk]),
        )
    )


def _register_menu() -> None:
    from qms.accounts import permissions
    from qms.core import menu

    # In the "Audit and improvement" section the NC area registers.
    menu.register(
        menu.MenuItem(
            key="audits.question_bank",
            label=_("Checklist question bank"),
            url_name="audits:question_list",
            icon="bi-patch-question",
            section="improvement",
            order=30,
            visible=lambda user: permissions.has_agency_role(user, "audits.manage_programme"),
            active=lambda match: match.view_name.startswith("audits:question_"),
        )
    )


def register() -> None:
    from qms.audits import notifications_checklists

    _register_source()
    _register_menu()
    notifications_checklists.register()
