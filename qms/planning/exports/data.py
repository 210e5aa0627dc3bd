"""Plain data for plan documents, read through the planning selectors."""

from __future__ import annotations

from qms.planning import selectors
from qms.planning.models import Plan
from qms.reports.nd30 import AppendixRow, OfficialDocData, Paragraph, place_date


def plan_doc_data(plan: Plan) -> OfficialDocData:
    """Everything the DOCX template prints, from one plan (tasks in number order)."""
    preamble = [Paragraph(p) for p in selectors.basis_paragraphs(plan.bases.all())]
    if plan.intro:
        preamble.append(Paragraph(plan.intro))
    body: list[Paragraph] = []
    for section in plan.sections.all():
        body.append(Paragraph(section.heading, bold=True))
        body.extend(Paragraph(text, bold=is_heading) for text, is_heading in section.paragraphs())
    body.extend(Paragraph(line.strip()) for line in plan.closing.splitlines() if line.strip())
    rows = [
        AppendixRow(
            no=str(t.number),
            content=t.content,
            lead=t.lead_text,
            partner=t.partner_text,
            timing=t.timing_text,
        )
        for t in plan.tasks.order_by("number")
    ]
    symbol = f"{plan.doc_type}-{plan.agency.doc_symbol or plan.agency.code}"
    return OfficialDocData(
        parent_body=plan.parent_body,
        issuer=plan.issuer_name,
        number=plan.number,
        symbol=symbol,
        place_date=place_date(plan.place, plan.issued_on, year=plan.year),
        doc_type="KẾ HOẠCH",
        title=plan.title,
        preamble=preamble,
        body=body,
        recipients=list(plan.recipients),
        signer_authority=plan.signing_line,
        signer_position=plan.signer_position,
        signer_name=plan.signer_name,
        appendix_title=plan.appendix_title,
        appendix_subtitle=plan.appendix_subtitle,
        appendix_note=plan.appendix_note,
        rows=rows,
        watermark="" if plan.status in {Plan.Status.ISSUED, Plan.Status.CLOSED} else "DỰ THẢO",
    )
