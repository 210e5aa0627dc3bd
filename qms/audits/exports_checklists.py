"""Outputs of checklists and findings, built from plain data through ``qms.reports``.

* :func:`checklist_docx`: the checklist (Phiếu kiểm tra đánh giá nội bộ) in the NĐ 30/2020
  layout of ``qms.reports.nd30``: header, the audit's facts, then the table (Bảng kiểm
  tra: TT, clause, question, answer, evidence seen) and the signatures of the auditee and
  the lead auditor side by side under it. The shared template's signature block is moved
  below the table and given a second signer in ``_prepare``; the number line is blanked (a
  checklist is a working record, not a numbered document).
* :func:`findings_xlsx`: the findings as an XLSX list (``qms.reports.xlsx``).
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from docxtpl import DocxTemplate

from qms.audits import clauses
from qms.audits.models import Audit, AuditTeamMember, ChecklistItem, Finding
from qms.core.models import OrgUnit
from qms.reports import nd30, xlsx
from qms.reports.docx import render

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Bảng kiểm tra on A4 portrait: 9 355 twips between the NĐ 30 margins (30 mm / 15 mm).
COLUMN_WIDTHS = (600, 900, 4355, 1250, 2250)
ALIGN = ("center", "center", "left", "center", "left")
ANSWER_TEXT: dict[str, str] = {
    "": "",
    ChecklistItem.Answer.CONFORM: "Phù hợp",
    ChecklistItem.Answer.OBSERVATION: "Điểm lưu ý",
    ChecklistItem.Answer.IMPROVEMENT: "Cơ hội cải tiến",
    ChecklistItem.Answer.NONCONFORM: "Không phù hợp",
    ChecklistItem.Answer.NOT_APPLICABLE: "Không áp dụng",
}
KIND_TEXT: dict[str, str] = {
    Finding.Kind.CONFORMITY: "Phù hợp",
    Finding.Kind.OBSERVATION: "Điểm lưu ý",
    Finding.Kind.IMPROVEMENT: "Cơ hội cải tiến",
    Finding.Kind.NONCONFORMITY: "Không phù hợp",
}
SEVERITY_TEXT: dict[str, str] = {"": "", "major": "Nặng", "minor": "Nhẹ"}
STATUS_TEXT: dict[str, str] = {
    Finding.Status.DRAFT: "Dự thảo của đoàn",
    Finding.Status.ISSUED: "Đã gửi đơn vị",
    Finding.Status.ACKNOWLEDGED: "Đơn vị đã xác nhận",
}


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _date_range(audit: Audit) -> str:
    start, end = nd30.short_date(audit.start_date), nd30.short_date(audit.end_date)
    return start if start == end else f"{start} – {end}"


def _row_question(item: ChecklistItem) -> str:
    if item.document is not None:
        return f"[{item.document.code}] {item.question}"
    return item.question


def _note(item: ChecklistItem) -> str:
    names = [e.file_name for e in item.evidence.all() if e.archived_at is None]
    if names:
        return "\n".join(x for x in (item.note, "Tệp: " + ", ".join(names)) if x)
    return item.note


def checklist_data(audit: Audit, *, unit: OrgUnit | None = None) -> nd30.OfficialDocData:
    """The checklist of ``audit`` (one unit's, or every unit's) as NĐ 30 plain data."""
    agency = audit.agency
    items = list(
        ChecklistItem.objects.filter(audit=audit, **({"unit": unit} if unit else {}))
        .select_related("unit", "document")
        .prefetch_related("evidence")
        .order_by("position")
    )
    units = [unit] if unit else list(audit.units.order_by("path"))
    team = list(
        AuditTeamMember.objects.filter(audit=audit).select_related("user").order_by("role", "id")
    )
    lead = audit.lead_auditor
    members = [_person(m.user) for m in team if m.user_id != (lead.pk if lead else None)]
    auditees = [_person(u) for u in audit.auditees.order_by("last_name", "first_name")]
    criteria = ", ".join(
        clauses.label(c) for c in sorted(audit.clauses or [], key=clauses.sort_key)
    )
    counts = Counter(i.answer for i in items)
    answered = len(items) - counts.get("", 0)
    preamble = [
        nd30.Paragraph(f"Cuộc đánh giá: {audit.title}"),
        nd30.Paragraph("Đơn vị được đánh giá: " + "; ".join(u.name for u in units)),
        nd30.Paragraph(f"Thời gian đánh giá: {_date_range(audit)}"),
        nd30.Paragraph(
            "Chuẩn mực đánh giá: "
            + "; ".join(x for x in (clauses.standard().split(" — ")[0], criteria) if x)
        ),
        nd30.Paragraph(f"Trưởng đoàn đánh giá: {_person(lead)}"),
    ]
    if members:
        preamble.append(nd30.Paragraph("Thành viên đoàn đánh giá: " + ", ".join(members)))
    if auditees:
        preamble.append(nd30.Paragraph("Người được đánh giá: " + ", ".join(auditees)))
    body = [
        nd30.Paragraph(
            f"Tổng số nội dung kiểm tra: {len(items)}; đã kiểm tra: {answered}; "
            f"phù hợp: {counts.get('conform', 0)}; điểm lưu ý: {counts.get('observation', 0)}; "
            f"cơ hội cải tiến: {counts.get('improvement', 0)}; "
            f"không phù hợp: {counts.get('nonconform', 0)}; "
            f"không áp dụng: {counts.get('na', 0)}."
        )
    ]
    rows = []
    for no, item in enumerate(items, 1):
        unit_prefix = (
            f"{item.unit.display_name}: " if item.unit and unit is None and len(units) > 1 else ""
        )
        rows.append(
            nd30.AppendixRow(
                no=str(no),
                content=unit_prefix + _row_question(item),
                lead=item.clause,
                partner=ANSWER_TEXT.get(item.answer, item.answer),
                timing=_note(item),
            )
        )
    return nd30.OfficialDocData(
        parent_body=agency.parent_body_name,
        issuer=agency.name,
        number="",
        symbol="",
        place_date=nd30.place_date(agency.place_name, audit.start_date),
        doc_type="Phiếu kiểm tra đánh giá nội bộ",
        title=audit.title if unit is None else f"{audit.title} — {unit.name}",
        preamble=preamble,
        body=body,
        recipients=[],
        signer_authority="",
        signer_position="Trưởng đoàn đánh giá",
        signer_name=_person(lead),
        appendix_title="BẢNG KIỂM TRA",
        appendix_subtitle="",
        appendix_note="Kết quả: Phù hợp / Điểm lưu ý / Cơ hội cải tiến / Không phù hợp / Không áp dụng.",
        # Columns: TT, question, clause, answer, evidence — shown as TT, clause, question,
        # answer, evidence by _prepare (the template's columns: no, content, lead, partner, timing).
        appendix_headers=(
            "TT",
            "Nội dung kiểm tra",
            "Điều khoản",
            "Kết quả",
            "Bằng chứng / ghi chú",
        ),
        rows=rows,
    )


def _texts(element: Any) -> list[Any]:
    return list(element.iter(f"{W}t"))


def _replace_text(element: Any, old: str, new: str) -> None:
    for t in _texts(element):
        if t.text and old in t.text:
            t.text = t.text.replace(old, new)


def _set_width(tc: Any, width: int) -> None:
    tcw = tc.find(f"{W}tcPr/{W}tcW")
    if tcw is not None:
        tcw.set(f"{W}w", str(width))


def _set_align(tc: Any, value: str) -> None:
    for jc in tc.iter(f"{W}jc"):
        jc.set(f"{W}val", value)


def _one_portrait_section(body: Any) -> None:
    """The checklist flows on A4 portrait pages: the section break before the table goes,
    and the last section takes the first one's (portrait) page settings."""
    last = body.find(f"{W}sectPr")
    for p in body.iterchildren(f"{W}p"):
        ppr = p.find(f"{W}pPr")
        first = ppr.find(f"{W}sectPr") if ppr is not None else None
        if first is not None and last is not None:
            # Page size, margins, the page-number header from page 2 on: all the first's.
            for child in list(last):
                last.remove(child)
            for child in first:
                last.append(copy.deepcopy(child))
            body.remove(p)
            return


def _prepare(template: DocxTemplate) -> None:
    """Blank the number line, one portrait section, the table's columns (TT | clause |
    question | answer | evidence) and widths, the signatures under the table with the
    auditee's beside the lead auditor's."""
    body = template.docx.element.body
    children = list(body.iterchildren())
    header = next(c for c in children if c.tag == f"{W}tbl" and "{{ number_line }}" in c.xml)
    _replace_text(header, "{{ number_line }}", "")
    signature = next(c for c in children if c.tag == f"{W}tbl" and "{{ signer_name }}" in c.xml)
    table = next(c for c in children if c.tag == f"{W}tbl" and "{%tr for r in rows %}" in c.xml)
    _one_portrait_section(body)
    # The template's cells are no, content, lead, partner, timing: the 3rd (the clause)
    # moves before the 2nd (the question) in the header row and the looped row.
    for index, tr in enumerate(table.iter(f"{W}tr")):
        cells = [tc for tc in tr.iterchildren() if tc.tag == f"{W}tc"]
        if len(cells) != 5:
            continue
        cells[1].addprevious(cells[2])
        cells = [cells[0], cells[2], cells[1], cells[3], cells[4]]
        for tc, width in zip(cells, COLUMN_WIDTHS, strict=True):
            _set_width(tc, width)
        if index:  # data row: question and evidence read from the left
            for tc, align in zip(cells, ALIGN, strict=True):
                _set_align(tc, align)
    grid = table.find(f"{W}tblGrid")
    for col, width in zip(grid.iterchildren(), COLUMN_WIDTHS, strict=False):
        col.set(f"{W}w", str(width))
    table.find(f"{W}tblPr/{W}tblW").set(f"{W}w", str(sum(COLUMN_WIDTHS)))
    # The left cell (Nơi nhận) becomes the auditee's signature: a copy of the right one.
    left, right = list(signature.iter(f"{W}tc"))[:2]
    for child in list(left):
        if child.tag != f"{W}tcPr":
            left.remove(child)
    for child in right:
        if child.tag != f"{W}tcPr":
            left.append(copy.deepcopy(child))
    _replace_text(left, "signer_authority", "auditee_authority")
    _replace_text(left, "signer_position", "auditee_position")
    _replace_text(left, "signer_name", "auditee_name")
    half = sum(COLUMN_WIDTHS) // 2
    for col in signature.find(f"{W}tblGrid").iterchildren():
        col.set(f"{W}w", str(half))
    for tc in (left, right):
        _set_width(tc, half)
    signature.find(f"{W}tblPr/{W}tblW").set(f"{W}w", str(2 * half))
    # Two tables side by side would be merged into one by Word: a paragraph between.
    gap = copy.deepcopy(next(body.iterchildren(f"{W}p")))
    for child in list(gap):
        if child.tag != f"{W}pPr":
            gap.remove(child)
    signature.getparent().remove(signature)
    table.addnext(gap)
    gap.addnext(signature)


def checklist_docx(audit: Audit, *, unit: OrgUnit | None = None) -> bytes:
    """The checklist as a .docx (see the module's docstring)."""
    data = checklist_data(audit, unit=unit)
    context: dict[str, Any] = _context(data)
    auditee = None
    if unit is not None:
        auditee = next((u for u in audit.auditees.filter(unit=unit).order_by("id")), None)
    context.update(
        {
            "auditee_authority": "",
            "auditee_position": "ĐƠN VỊ ĐƯỢC ĐÁNH GIÁ",
            "auditee_name": _person(auditee),
        }
    )
    return render(
        nd30.TEMPLATE_PATH,
        context,
        title=f"Phiếu kiểm tra đánh giá nội bộ — {audit.title}",
        subject=data.title,
        prepare=_prepare,
    )


def _context(data: nd30.OfficialDocData) -> dict[str, Any]:
    # The NĐ 30 template's own context (header in capitals, texts cleaned), as
    # build_official_docx makes it; this output adds the auditee's signature to it.
    return nd30._context(data)  # noqa: SLF001


# --------------------------------------------------------------------------- XLSX

FINDING_HEADERS = (
    "TT",
    "Đơn vị được đánh giá",
    "Loại phát hiện",
    "Mức độ",
    "Điều khoản",
    "Quy trình",
    "Phát hiện",
    "Bằng chứng khách quan",
    "Trạng thái",
    "Ý kiến của đơn vị",
    "Ngày xác nhận",
)
FINDING_WIDTHS = {
    "Phát hiện": 50,
    "Bằng chứng khách quan": 40,
    "Ý kiến của đơn vị": 30,
    "Đơn vị được đánh giá": 24,
    "Quy trình": 18,
}


def finding_rows(findings: list[Finding], numbers: dict[int, int]) -> list[list[Any]]:
    return [
        [
            str(numbers.get(f.pk, i)),
            f.unit.name,
            KIND_TEXT.get(f.kind, f.kind),
            SEVERITY_TEXT.get(f.severity, f.severity),
            clauses.label(f.clause) if f.clause else "",
            f.document.code if f.document else "",
            f.description,
            f.evidence,
            STATUS_TEXT.get(f.status, f.status),
            f.auditee_comment,
            nd30.short_date(f.acknowledged_at.date()) if f.acknowledged_at else "",
        ]
        for i, f in enumerate(findings, 1)
    ]


def findings_xlsx(audit: Audit, findings: list[Finding]) -> bytes:
    """The findings (as the reader may see them) as an XLSX list."""
    from qms.audits.selectors_checklists import finding_numbers

    return xlsx.list_workbook(
        title=f"PHÁT HIỆN ĐÁNH GIÁ NỘI BỘ — {audit.title}".upper(),
        subtitle=f"{audit.agency.name} — {_date_range(audit)}",
        headers=FINDING_HEADERS,
        rows=finding_rows(findings, finding_numbers(audit)),
        sheet=f"Phat hien {audit.programme.year}",
        widths=FINDING_WIDTHS,
    )
