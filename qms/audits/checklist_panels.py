"""The checklist and findings block of the audit's page (lane programme's audit_detail):
the page calls :func:`audit_block` and includes ``audits/checklist/_audit_block.html``
with its result as ``checklist_block`` (nothing is shown when it is None)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qms.accounts import permissions
from qms.audits import selectors_checklists as sel
from qms.audits.finding_rows import with_html
from qms.audits.models import Audit, Finding


def audit_block(request: HttpRequest, audit: Audit) -> dict[str, Any] | None:
    """What the block shows to ``request.user``: for the team and the agency's readers the
    checklist's progress by unit, the buttons to make and fill it, every finding (drafts
    included) by kind; for an audited unit only the findings issued to it. None when
    the user sees neither (another unit's people)."""
    user = request.user
    papers = sel.can_see_working_papers(user, audit)
    findings = list(sel.finding_table(user, audit))  # type: ignore[arg-type]
    if not papers and not findings:
        return None
    numbers = sel.finding_numbers(audit) if findings else {}
    from qms.audits.views_checklists import nc_links

    links = nc_links(user, [f.pk for f in findings if f.kind == Finding.Kind.NONCONFORMITY])
    by_kind = []
    for value, label in Finding.Kind.choices:
        rows = with_html(
            [
                {"f": f, "no": numbers.get(f.pk, 0), "ncs": links.get(f.pk, [])}
                for f in findings
                if f.kind == value
            ]
        )
        by_kind.append({"kind": value, "label": label, "rows": rows})
    progress = sel.checklist_progress(audit) if papers else []
    units = list(audit.units.all())
    can_fill = any(sel.can_conduct(user, audit, u) for u in units)
    return {
        "audit": audit,
        "papers": papers,
        "progress": progress,
        "answered": sum(p.answered for p in progress),
        "total": sum(p.total for p in progress),
        "can_fill": can_fill and audit.status != Audit.Status.REPORTED,
        "can_generate": (can_fill or permissions.can(user, "audits.manage_programme", audit.agency))
        and audit.status != Audit.Status.REPORTED,
        "by_kind": by_kind,
        "findings_total": len(findings),
        "drafts": sum(1 for f in findings if f.status == Finding.Status.DRAFT),
        "is_lead": sel.is_lead(user, audit),
    }
