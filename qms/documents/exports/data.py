"""Plain data for document-control outputs, read from the documents app's models."""

from __future__ import annotations

import datetime

from qms.documents import selectors
from qms.documents.exports.procedure_docx import (
    FormRow,
    ProcedureDocData,
    RecordRow,
    Revision,
    Signer,
    Step,
)
from qms.documents.models import Document, DocumentVersion, IssuingDecision
from qms.documents.steps import check_steps
from qms.reports.nd30 import AppendixRow, OfficialDocData, Paragraph, place_date, short_date

S = DocumentVersion.Status


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _signers(version: DocumentVersion) -> list[Signer]:
    paper = version.paper_signers or {}

    def person(key: str, user: object, position: str, when: datetime.datetime | None) -> Signer:
        title = {"author": "SOẠN THẢO", "reviewer": "SOÁT XÉT", "approver": "PHÊ DUYỆT"}[key]
        if user is not None:
            signed = f"Đã ký ngày {when.strftime('%d/%m/%Y')}" if when else ""
            return Signer(title, user.display_name, position, signed)  # type: ignore[attr-defined]
        entry = paper.get(key, {})
        return Signer(title, entry.get("name", ""), entry.get("position", ""), "")

    return [
        person("author", version.author, version.author_position, version.submitted_at),
        person("reviewer", version.reviewer, version.reviewer_position, version.reviewed_at),
        person("approver", version.approver, version.approver_position, version.approved_at),
    ]


def _revisions(document: Document, version: DocumentVersion) -> list[Revision]:
    rows = []
    for v in selectors.revision_rows(document, version):
        description = v.change_description or ("Ban hành lần đầu" if v.issue_no == 1 else "")
        rows.append(
            Revision(
                request=v.change_request,
                part=v.change_part,
                description=description,
                issue_no=f"{v.issue_no:02d}",
                date=short_date(v.issued_on),
            )
        )
    return rows


def procedure_data(version: DocumentVersion) -> ProcedureDocData:
    """A version as the agency prints it; drafts carry "DỰ THẢO", obsolete ones the stamp."""
    document = version.document
    content = version.content or {}
    steps = content.get("steps", [])
    check = check_steps([s.get("time", "") for s in steps], content.get("processing_time", ""))
    total = ""
    if steps and check.total is not None and not check.unreadable:
        total = f"Tổng thời gian thực hiện: {f'{check.total.normalize():f}'.replace('.', ',')} ngày làm việc."
    references = [f"{e.number} {e.title}" for e in document.references.all()]
    return ProcedureDocData(
        agency=document.agency.name.upper(),
        title=document.title.upper(),
        code=document.code,
        issue_no=f"{version.issue_no:02d}",
        issued_on=short_date(version.issued_on),
        signers=_signers(version),
        revisions=_revisions(document, version),
        purpose=_lines(content.get("purpose", "")),
        scope=_lines(content.get("scope", "")),
        references=references + _lines(content.get("references_text", "")),
        definitions=_lines(content.get("definitions", "")),
        is_tthc=document.is_tthc,
        body=[Paragraph(p) for p in _lines(content.get("body", ""))],
        legal_basis=_lines(content.get("legal_basis", "")),
        dossier_components=_lines(content.get("dossier_components", "")),
        dossier_count=content.get("dossier_count", ""),
        processing_time=content.get("processing_time", ""),
        place=content.get("place", ""),
        fees=content.get("fees", ""),
        steps=[
            Step(
                str(i),
                s.get("action", ""),
                s.get("responsible", ""),
                s.get("time", ""),
                s.get("output", ""),
            )
            for i, s in enumerate(steps, 1)
        ],
        steps_note=total,
        forms=[
            FormRow(str(i), f.code, f.title)
            for i, f in enumerate(
                document.forms.filter(archived_at__isnull=True).order_by("code"), 1
            )
        ],
        records=[
            RecordRow(
                str(i),
                f"{r.name} ({r.form_code})" if r.form_code else r.name,
                " / ".join(x for x in (r.location, r.keeper) if x),
                r.retention_label,
            )
            for i, r in enumerate(document.records.filter(archived_at__isnull=True), 1)
        ],
        obsolete=version.status == S.OBSOLETE,
        obsolete_note=f"không sử dụng từ ngày {short_date(version.obsoleted_on)}"
        if version.obsoleted_on
        else "",
        watermark="" if version.status in {S.IN_FORCE, S.OBSOLETE} else "DỰ THẢO",
    )


def decision_data(decision: IssuingDecision) -> OfficialDocData:
    """A Quyết định ban hành in the NĐ 30 layout; the documents are listed in an appendix."""
    versions = list(
        decision.versions.select_related("document", "document__owner_unit").order_by(
            "document__code"
        )
    )
    number, symbol = decision.number_parts
    authority = f"{decision.signer_prefix} {decision.signer_authority}".strip()
    preamble = [Paragraph(f"GIÁM ĐỐC {decision.issuer_name}".upper(), bold=True)]
    preamble += [Paragraph(b) for b in decision.bases]
    if decision.proposer:
        preamble.append(Paragraph(f"Xét đề nghị của {decision.proposer}."))
    body = [
        Paragraph("QUYẾT ĐỊNH:", bold=True),
        Paragraph(
            "Điều 1. Ban hành kèm theo Quyết định này "
            + (
                f"{versions[0].document.title} (mã hiệu {versions[0].document.code}, lần ban "
                f"hành {versions[0].issue_no:02d})."
                if len(versions) == 1
                else f"{len(versions):02d} tài liệu của Hệ thống quản lý chất lượng theo Tiêu "
                "chuẩn quốc gia TCVN ISO 9001:2015 (danh mục kèm theo)."
            )
        ),
        Paragraph(
            f"Điều 2. Quyết định này có hiệu lực kể từ ngày {short_date(decision.effective_on)}. "
            "Các phiên bản trước của các tài liệu nêu tại Điều 1 hết hiệu lực kể từ ngày này."
        ),
        Paragraph(f"Điều 3. {decision.executors} chịu trách nhiệm thi hành Quyết định này."),
    ]
    return OfficialDocData(
        parent_body=decision.parent_body,
        issuer=decision.issuer_name,
        number=number,
        symbol=symbol,
        place_date=place_date(decision.place or "", decision.issued_on),
        doc_type="QUYẾT ĐỊNH",
        title=decision.title,
        preamble=preamble,
        body=body,
        recipients=decision.recipients,
        signer_authority=authority if decision.signer_prefix else "",
        signer_position=decision.signer_position,
        signer_name=decision.signer_name,
        appendix_title="DANH MỤC TÀI LIỆU",
        appendix_subtitle=f"(Kèm theo Quyết định số {decision.number} ngày {short_date(decision.issued_on)})",
        appendix_note="",
        appendix_headers=("TT", "Tên tài liệu", "Mã hiệu", "Lần ban hành", "Đơn vị chủ trì"),
        rows=[
            AppendixRow(
                str(i),
                v.document.title,
                v.document.code,
                f"{v.issue_no:02d}",
                v.document.owner_unit.display_name,
            )
            for i, v in enumerate(versions, 1)
        ],
    )
