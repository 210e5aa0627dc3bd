"""The programme's official documents in NĐ 30/2020 layout, as DOCX or PDF.

* Chương trình đánh giá nội bộ năm … (the programme; appendix: its audits);
* Kế hoạch đánh giá nội bộ (an audit's plan, with its KH number; appendix: time slots);
* Báo cáo đánh giá nội bộ (the report: meetings, conclusions; appendix: findings by unit,
  then a second table by clause).

Each maps the records onto :class:`qms.reports.nd30.OfficialDocData`; scoped like the pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from qms.audits import selectors_programme as sel
from qms.audits.models import Audit, Programme
from qms.core.http import AuthedRequest
from qms.core.models import OrgUnit
from qms.reports.nd30 import (
    AppendixRow,
    OfficialDocData,
    Paragraph,
    build_official_docx,
    place_date,
    short_date,
)
from qms.reports.responses import download, pdf_download

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
RECIPIENTS = [
    "Lãnh đạo Sở;",
    "Các phòng, đơn vị được đánh giá;",
    "Thành viên đoàn đánh giá;",
    "Lưu: VT, Ban ISO.",
]


def _header(agency: OrgUnit) -> dict[str, str]:
    return {
        "parent_body": agency.parent_body_name or (agency.parent.name if agency.parent else ""),
        "issuer": agency.name,
    }


def _signer(user: object | None, default: str) -> tuple[str, str, str]:
    position = getattr(user, "position_title", "") or default
    authority = "KT. GIÁM ĐỐC" if "phó giám đốc" in position.lower() else ""
    name = getattr(user, "display_name", "") if user else ""
    return authority, position, name


def _clauses(numbers: list[str]) -> str:
    return "; ".join(sel._clause_label(n) for n in numbers)


def _dates(start: object, end: object) -> str:
    a, b = short_date(start), short_date(end)  # type: ignore[arg-type]
    return a if a == b else f"{a} – {b}"


# --------------------------------------------------------------------------- programme


def programme_data(programme: Programme) -> OfficialDocData:
    agency = programme.agency
    rows = sel.programme_rows(None, programme)
    day = programme.approved_at.date() if programme.approved_at else None
    purpose = programme.objective or (
        "Đánh giá sự phù hợp và hiệu lực của hệ thống quản lý chất lượng theo TCVN ISO "
        "9001:2015 tại các đơn vị."
    )
    body = [Paragraph("I. MỤC ĐÍCH, PHẠM VI", bold=True), Paragraph(f"1. Mục đích: {purpose}")]
    body.append(
        Paragraph(f"2. Phạm vi: {programme.scope or 'các đơn vị và quá trình nêu tại Phụ lục.'}")
    )
    body.append(Paragraph("II. CHUẨN MỰC ĐÁNH GIÁ", bold=True))
    criteria = [
        "TCVN ISO 9001:2015: " + (_clauses(programme.clauses) or "toàn bộ các điều khoản áp dụng.")
    ]
    procs = list(programme.procedures.order_by("code"))
    if procs:
        criteria.append(
            "Các quy trình của cơ quan: " + "; ".join(f"{d.code} {d.title}" for d in procs) + "."
        )
    if programme.legal_criteria:
        criteria.append(f"Yêu cầu pháp luật: {programme.legal_criteria}")
    body += [Paragraph(f"{i}. {text}") for i, text in enumerate(criteria, 1)]
    body.append(Paragraph("III. THỜI GIAN VÀ CÁC CUỘC ĐÁNH GIÁ", bold=True))
    body.append(
        Paragraph(
            f"Chương trình thực hiện từ ngày {short_date(programme.start)} đến ngày "
            f"{short_date(programme.end)}, gồm {len(rows)} cuộc đánh giá (chi tiết tại Phụ lục kèm theo)."
        )
    )
    body.append(Paragraph("IV. TỔ CHỨC THỰC HIỆN", bold=True))
    body.append(
        Paragraph(
            "Ban ISO xây dựng kế hoạch đánh giá cho từng cuộc, gửi đoàn đánh giá và đơn vị được "
            "đánh giá; trưởng đoàn báo cáo kết quả cho Lãnh đạo Sở. Các đơn vị có sự không phù "
            "hợp thực hiện hành động khắc phục theo quy định."
        )
    )
    authority, position, name = _signer(programme.approved_by, "Giám đốc")
    return OfficialDocData(
        **_header(agency),
        number="",
        symbol=f"CTr-{agency.doc_symbol or agency.code}",
        place_date=place_date(agency.place_name, day, year=programme.year),
        doc_type="Chương trình",
        title=f"Đánh giá nội bộ hệ thống quản lý chất lượng năm {programme.year}",
        preamble=[],
        body=body,
        recipients=RECIPIENTS,
        signer_authority=authority,
        signer_position=position,
        signer_name=name,
        appendix_title="PHỤ LỤC: CÁC CUỘC ĐÁNH GIÁ NỘI BỘ",
        appendix_subtitle=programme.title,
        appendix_note="",
        appendix_headers=(
            "TT",
            "Cuộc đánh giá, phạm vi",
            "Đơn vị được đánh giá",
            "Trưởng đoàn",
            "Thời gian",
        ),
        rows=[
            AppendixRow(
                str(r.audit.sequence),
                r.audit.title + (f" — {r.audit.scope}" if r.audit.scope else ""),
                ", ".join(u.display_name for u in r.units),
                r.audit.lead_auditor.display_name if r.audit.lead_auditor else "",
                _dates(r.audit.start_date, r.audit.end_date),
            )
            for r in rows
        ],
        watermark="" if programme.status != Programme.Status.DRAFT else "DỰ THẢO",
    )


# --------------------------------------------------------------------------- audit plan


def _team_lines(audit: Audit) -> list[Paragraph]:
    out = []
    for m in sel.team(audit):
        role = {"lead": "Trưởng đoàn", "auditor": "Thành viên", "observer": "Quan sát viên"}[m.role]
        unit = m.user.unit.display_name if m.user.unit else ""
        line = f"- {m.user.display_name} ({unit}) — {role}"
        if m.independence_reason:
            line += f"; chấp nhận dù chưa độc lập: {m.independence_reason}"
        out.append(Paragraph(line))
    return out


def plan_data(audit: Audit) -> OfficialDocData:
    agency = audit.agency
    units = list(audit.units.order_by("path"))
    number = audit.issued_number.symbol if audit.issued_number else ""
    day = audit.issued_number.issued_on if audit.issued_number else None
    body = [
        Paragraph("1. Mục đích", bold=True),
        Paragraph(
            "Đánh giá sự phù hợp và hiệu lực của hệ thống quản lý chất lượng tại đơn vị được đánh giá."
        ),
        Paragraph("2. Đơn vị được đánh giá và phạm vi", bold=True),
        Paragraph(", ".join(u.name for u in units) + "."),
    ]
    if audit.scope:
        body.append(Paragraph(audit.scope))
    procs = list(audit.procedures.order_by("code"))
    if procs:
        body.append(
            Paragraph(
                "Quy trình trong phạm vi: " + "; ".join(f"{d.code} {d.title}" for d in procs) + "."
            )
        )
    body += [
        Paragraph("3. Chuẩn mực đánh giá", bold=True),
        Paragraph(audit.criteria or "TCVN ISO 9001:2015."),
    ]
    if audit.clauses:
        body.append(Paragraph("Điều khoản: " + _clauses(audit.clauses) + "."))
    body += [
        Paragraph("4. Thời gian", bold=True),
        Paragraph(
            f"Từ ngày {short_date(audit.start_date)} đến ngày {short_date(audit.end_date)} (lịch chi tiết tại Phụ lục)."
        ),
        Paragraph("5. Đoàn đánh giá", bold=True),
        *_team_lines(audit),
    ]
    auditees = list(audit.auditees.select_related("unit"))
    if auditees:
        body.append(Paragraph("6. Người được đánh giá", bold=True))
        body += [
            Paragraph(f"- {p.display_name} ({p.unit.display_name if p.unit else ''})")
            for p in auditees
        ]
    authority, position, name = _signer(audit.lead_auditor, "Trưởng đoàn đánh giá")
    return OfficialDocData(
        **_header(agency),
        number=number,
        symbol=f"KH-{agency.doc_symbol or agency.code}",
        place_date=place_date(agency.place_name, day, year=audit.start_date.year),
        doc_type="Kế hoạch",
        title=f"Đánh giá nội bộ hệ thống quản lý chất lượng — {', '.join(u.display_name for u in units)}",
        preamble=[],
        body=body,
        recipients=RECIPIENTS,
        signer_authority=authority,
        signer_position="Trưởng đoàn đánh giá",
        signer_name=name or position,
        appendix_title="PHỤ LỤC: LỊCH ĐÁNH GIÁ",
        appendix_subtitle=f"Kèm theo Kế hoạch số {number}" if number else audit.title,
        appendix_note="",
        appendix_headers=("TT", "Nội dung đánh giá", "Đơn vị", "Người đánh giá", "Thời gian"),
        rows=[
            AppendixRow(
                str(i),
                s.activity,
                s.unit.display_name if s.unit else "",
                s.auditors,
                f"{short_date(s.date)} {s.start_time:%H:%M}–{s.end_time:%H:%M}",
            )
            for i, s in enumerate(audit.slots.select_related("unit"), 1)
        ],
        watermark="" if number else "DỰ THẢO",
    )


# --------------------------------------------------------------------------- report


def _counts(c: dict[str, int]) -> str:
    parts = []
    labels = {
        "nc_major": "KPH lớn",
        "nc_minor": "KPH nhỏ",
        "observation": "điểm lưu ý",
        "improvement": "cơ hội cải tiến",
        "conformity": "phù hợp",
    }
    for key, label in labels.items():
        if c.get(key):
            parts.append(f"{c[key]} {label}")
    return ", ".join(parts)


def report_data(audit: Audit) -> tuple[OfficialDocData, sel.Summary]:
    agency = audit.agency
    units = list(audit.units.order_by("path"))
    summary = sel.findings_summary([audit.pk], issued_only=True)
    plan_no = audit.issued_number.symbol if audit.issued_number else ""
    day = audit.report_sent_at.date() if audit.report_sent_at else None
    body = [
        Paragraph(
            f"Thực hiện Kế hoạch số {plan_no} về đánh giá nội bộ, đoàn đánh giá đã tiến hành "
            f"đánh giá tại {', '.join(u.name for u in units)} từ ngày {short_date(audit.start_date)} "
            f"đến ngày {short_date(audit.end_date)}. Kết quả như sau:"
        ),
        Paragraph("1. Họp khai mạc", bold=True),
        Paragraph(audit.opening_notes or "—"),
        Paragraph("2. Đoàn đánh giá", bold=True),
        *_team_lines(audit),
        Paragraph("3. Kết quả đánh giá", bold=True),
        Paragraph(
            f"Tổng số phát hiện: {summary.total}"
            + (f" ({_counts(summary.totals)})" if summary.total else "")
            + ". Tổng hợp theo đơn vị tại Phụ lục, theo điều khoản tại bảng kèm theo."
        ),
        Paragraph("4. Họp kết thúc", bold=True),
        Paragraph(audit.closing_notes or "—"),
        Paragraph("5. Kết luận", bold=True),
        Paragraph(audit.conclusions or "—"),
    ]
    authority, _position, name = _signer(
        audit.report_approved_by or audit.lead_auditor, "Trưởng đoàn"
    )
    rows = [
        AppendixRow(
            str(i),
            unit,
            str(c.get("nc_major", 0) + c.get("nc_minor", 0)),
            str(c.get("observation", 0) + c.get("improvement", 0)),
            str(total),
        )
        for i, (unit, c, total) in enumerate(summary.by_unit, 1)
    ]
    data = OfficialDocData(
        **_header(agency),
        number="",
        symbol=f"BC-{agency.doc_symbol or agency.code}",
        place_date=place_date(agency.place_name, day, year=audit.end_date.year),
        doc_type="Báo cáo",
        title=f"Kết quả đánh giá nội bộ — {', '.join(u.display_name for u in units)}",
        preamble=[],
        body=body,
        recipients=["Lãnh đạo Sở;", "Ban ISO;", "Các đơn vị được đánh giá;", "Lưu: VT."],
        signer_authority=authority,
        signer_position="Trưởng đoàn đánh giá",
        signer_name=name,
        appendix_title="PHỤ LỤC: TỔNG HỢP PHÁT HIỆN THEO ĐƠN VỊ",
        appendix_subtitle=f"Kèm theo Báo cáo đánh giá nội bộ — Kế hoạch số {plan_no}",
        appendix_note="",
        appendix_headers=(
            "TT",
            "Đơn vị",
            "Sự không phù hợp",
            "Điểm lưu ý, cơ hội cải tiến",
            "Tổng số phát hiện",
        ),
        rows=rows,
        watermark="" if audit.report_approved_at else "DỰ THẢO",
    )
    return data, summary


def _cell(cell: Any, text: str, *, bold: bool = False, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.text = ""
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.name = "Times New Roman"
    run.font.size = Pt(12)


def add_clause_table(docx: bytes, summary: sel.Summary) -> bytes:
    """Append the findings-by-clause table after the appendix (few rows: python-docx)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document(io.BytesIO(docx))
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(18)
    heading.paragraph_format.space_after = Pt(6)
    run = heading.add_run("TỔNG HỢP PHÁT HIỆN THEO ĐIỀU KHOẢN TCVN ISO 9001:2015")
    run.bold = True
    run.font.name = "Times New Roman"
    run.font.size = Pt(13)
    headers = [
        "Điều khoản",
        "KPH lớn",
        "KPH nhỏ",
        "Điểm lưu ý",
        "Cơ hội cải tiến",
        "Phù hợp",
        "Tổng",
    ]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True, center=True)
    keys = ["nc_major", "nc_minor", "observation", "improvement", "conformity"]
    for label, c, total in summary.by_clause:
        cells = table.add_row().cells
        _cell(cells[0], label)
        for cell, key in zip(cells[1:6], keys, strict=True):
            _cell(cell, str(c.get(key, 0)), center=True)
        _cell(cells[6], str(total), center=True)
    if not summary.by_clause:
        _cell(table.add_row().cells[0], "Không có phát hiện.")
    widths = [Cm(9), *([Cm(2.4)] * 6)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_docx(audit: Audit) -> bytes:
    data, summary = report_data(audit)
    return add_clause_table(build_official_docx(data=data), summary)


# --------------------------------------------------------------------------- views


def _respond(
    request: AuthedRequest, build: Callable[[], bytes], name: str, fmt: str, back: str
) -> HttpResponse:
    if fmt == "docx":
        return download(build(), f"{name}.docx")
    if fmt == "pdf":
        return pdf_download(request, build, f"{name}.pdf", fallback=back)
    raise Http404


@require_GET
def programme_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    programme = sel.get_programme_for_user(request.user, pk)
    name = f"chuong-trinh-danh-gia-noi-bo-{programme.year}-{slugify(programme.agency.code)}"
    return _respond(
        request,
        lambda: build_official_docx(data=programme_data(programme)),
        name,
        fmt,
        reverse("audits:programme_detail", args=[pk]),
    )


@require_GET
def plan_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk)
    name = f"ke-hoach-danh-gia-noi-bo-{audit.programme.year}-{audit.sequence}"
    return _respond(
        request,
        lambda: build_official_docx(data=plan_data(audit)),
        name,
        fmt,
        reverse("audits:audit_detail", args=[pk]),
    )


@require_GET
def report_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    audit = sel.get_audit_for_user(request.user, pk)
    name = f"bao-cao-danh-gia-noi-bo-{audit.programme.year}-{audit.sequence}"
    return _respond(
        request, lambda: report_docx(audit), name, fmt, reverse("audits:audit_detail", args=[pk])
    )
