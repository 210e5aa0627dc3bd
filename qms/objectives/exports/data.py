"""Quality objectives as official documents: the decision issuing a school year's objectives
(NĐ 30/2020 layout, the objectives as appendix), the evaluation report, and both as XLSX.

Read through the objectives dashboards (one fixed number of queries), mapped onto the NĐ 30
layout (:mod:`qms.reports.nd30`) and the list workbook (:func:`qms.reports.xlsx.list_workbook`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from qms.objectives import dashboards, selectors
from qms.objectives.models import Objective, ObjectiveSet
from qms.reports.nd30 import AppendixRow, OfficialDocData, Paragraph, place_date, short_date

S = ObjectiveSet.Status
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV")
SYMBOL = {">=": "≥", "gte": "≥", "lte": "≤", "eq": "="}
FREQUENCY = {"monthly": "Hằng tháng", "quarterly": "Hằng quý", "semester": "Mỗi học kỳ"}
LIGHT_VI = {
    "on_track": "Đúng tiến độ",
    "at_risk": "Có nguy cơ",
    "off_track": "Chệch hướng",
    "unknown": "Chưa đo",
}


def number(value: Decimal | None) -> str:
    """96,5 — Vietnamese decimal comma, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return text.replace(".", ",")


def target_text(o: Objective) -> str:
    if o.direction == Objective.Direction.BY_DATE:
        return f"Hoàn thành trước {short_date(o.target_date)}"
    unit = f" {o.unit_of_measure}" if o.unit_of_measure else ""
    return f"{SYMBOL.get(o.direction, '')} {number(o.target)}{unit}".strip()


def _frequency(o: Objective) -> str:
    return FREQUENCY.get(o.frequency, "Hằng năm")


def _owner(o: Objective) -> str:
    name = o.owner_unit.display_name if o.owner_unit_id else ""
    return f"{name}; {o.owner.display_name}" if o.owner_id and o.owner else name


def _result(row: dashboards.Row) -> str:
    o = row.objective
    if o.direction == Objective.Direction.BY_DATE and o.reached_on:
        return f"Hoàn thành ngày {short_date(o.reached_on)}"
    if o.result is not None:
        return f"{number(o.result)} {o.unit_of_measure}".strip()
    if row.latest is not None:
        return f"{number(row.latest)} {o.unit_of_measure} (chưa đánh giá)".strip()
    return "Chưa có số liệu"


def _verdict(o: Objective) -> str:
    if o.achieved is True:
        return "Đạt"
    if o.achieved is False:
        return f"Không đạt — {o.cause}" if o.cause else "Không đạt"
    return "Chưa đánh giá"


def _contributions(row: dashboards.Row) -> str:
    if not row.contributions:
        return ""
    parts = "; ".join(
        f"{c.objective.objective_set.unit.display_name}: {number(c.value) or '—'}"
        for c in row.contributions
    )
    rolled = f" → {row.objective.get_aggregation_display().lower()}: {number(row.rollup)}"
    return f"{parts}{rolled if row.rollup is not None else ''}"


def _groups(objective_set: ObjectiveSet, today: datetime.date) -> list[tuple[str, list[Any]]]:
    """(unit name, rows) — the set itself, then (for the agency) each unit's set of the
    period that has been submitted."""
    if not objective_set.is_agency_set:
        rows, _t = dashboards.set_dashboard(objective_set, today, with_trends=False)
        return [(objective_set.unit.display_name, rows)]
    data = dashboards.department(
        objective_set.agency, objective_set.period, today, with_trends=False
    )
    groups: list[tuple[str, list[Any]]] = [(objective_set.unit.display_name, data.columns)]
    for m in data.matrix:
        if m.objective_set is None or m.objective_set.status == S.DRAFT:
            continue
        rows = sorted(
            [r for cell in m.cells for r in cell] + m.others, key=lambda r: r.objective.order
        )
        if rows:
            groups.append((m.unit.display_name, rows))
    return groups


def _signer(user: Any) -> tuple[str, str, str]:
    """(authority line, position, name) of who signs, else blank to be signed by hand."""
    position = (user.position_title or "Giám đốc") if user else "Giám đốc"
    authority = "KT. GIÁM ĐỐC" if "phó" in position.lower() else ""
    return authority, position, user.display_name if user else ""


def _day(objective_set: ObjectiveSet, today: datetime.date) -> datetime.date:
    return objective_set.approved_at.date() if objective_set.approved_at else today


def _heading_rows(groups: list[tuple[str, list[Any]]], make: Any) -> list[AppendixRow]:
    rows: list[AppendixRow] = []
    several = len(groups) > 1
    for g, (unit, items) in enumerate(groups):
        if several:
            rows.append(AppendixRow(ROMAN[g] if g < len(ROMAN) else str(g + 1), unit, "", "", ""))
        rows.extend(make(i, r) for i, r in enumerate(items, 1))
    return rows


def decision_data(objective_set: ObjectiveSet, today: datetime.date) -> OfficialDocData:
    """QUYẾT ĐỊNH ban hành (or, for a unit, phê duyệt) the objectives of a school year."""
    agency = objective_set.agency
    period = objective_set.period
    label = f"năm học {period.label}" if period.kind == "school_year" else f"năm {period.label}"
    whose = agency.name if objective_set.is_agency_set else objective_set.unit.name
    verb = "ban hành" if objective_set.is_agency_set else "phê duyệt"
    policy = selectors.policy_in_force(agency)
    preamble = [
        Paragraph(f"GIÁM ĐỐC {agency.name}".upper(), bold=True),
        Paragraph(
            "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về "
            "việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO "
            "9001:2008 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà "
            "nước;"
        ),
        Paragraph(
            "Căn cứ Tiêu chuẩn quốc gia TCVN ISO 9001:2015 Hệ thống quản lý chất lượng — "
            "Các yêu cầu;"
        ),
    ]
    if policy is not None:
        preamble.append(
            Paragraph(
                f"Căn cứ Chính sách chất lượng (phiên bản {policy.version_no}) của {agency.name};"
            )
        )
    preamble.append(Paragraph("Theo đề nghị của Trưởng Ban ISO."))
    body = [
        Paragraph("QUYẾT ĐỊNH:", bold=True),
        Paragraph(
            f"Điều 1. {verb.capitalize()} kèm theo Quyết định này Mục tiêu chất lượng {label} "
            f"của {whose} (phụ lục kèm theo)."
        ),
        Paragraph(
            "Điều 2. Các đơn vị, cá nhân được giao xây dựng kế hoạch thực hiện, theo dõi, đo "
            "lường và báo cáo kết quả thực hiện mục tiêu theo tần suất quy định; cuối năm học "
            "đánh giá mức độ đạt được và đề xuất cải tiến."
        ),
        Paragraph(
            f"Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng, Trưởng Ban ISO, "
            f"Trưởng các phòng và các đơn vị, cá nhân có liên quan thuộc {agency.name} chịu "
            "trách nhiệm thi hành Quyết định này."
        ),
    ]
    authority, position, name = _signer(objective_set.approved_by)
    day = _day(objective_set, today)
    return OfficialDocData(
        parent_body=agency.parent.name if agency.parent_id and agency.parent else "",
        issuer=agency.name,
        number="",
        symbol=f"QĐ-{agency.doc_symbol or agency.code}",
        place_date=place_date(agency.place_name, day),
        doc_type="QUYẾT ĐỊNH",
        title=f"Về việc {verb} Mục tiêu chất lượng {label} của {whose}",
        preamble=preamble,
        body=body,
        recipients=["Như Điều 3;", "Lãnh đạo Sở;", "Lưu: VT, Ban ISO."],
        signer_authority=authority,
        signer_position=position,
        signer_name=name,
        appendix_title=f"MỤC TIÊU CHẤT LƯỢNG {label.upper()}",
        appendix_subtitle=f"(Kèm theo Quyết định số      /QĐ-{agency.doc_symbol or agency.code} "
        f"ngày {short_date(day)} của {agency.name})",
        appendix_note="",
        appendix_headers=(
            "TT",
            "Mục tiêu chất lượng",
            "Chỉ tiêu (cách đo)",
            "Đơn vị, người thực hiện",
            "Tần suất theo dõi",
        ),
        rows=_heading_rows(
            _groups(objective_set, today),
            lambda i, r: AppendixRow(
                str(i),
                r.objective.statement,
                f"{r.objective.indicator}: {target_text(r.objective)}",
                _owner(r.objective),
                _frequency(r.objective),
            ),
        ),
        watermark="" if objective_set.status in {S.APPROVED, S.EVALUATED} else "DỰ THẢO",
    )


def evaluation_data(objective_set: ObjectiveSet, today: datetime.date) -> OfficialDocData:
    """BÁO CÁO kết quả thực hiện mục tiêu chất lượng of a period."""
    agency = objective_set.agency
    period = objective_set.period
    label = f"năm học {period.label}" if period.kind == "school_year" else f"năm {period.label}"
    whose = agency.name if objective_set.is_agency_set else objective_set.unit.name
    groups = _groups(objective_set, today)
    own = groups[0][1]
    achieved = [r for r in own if r.objective.achieved is True]
    missed = [r for r in own if r.objective.achieved is False]
    pending = [r for r in own if r.objective.achieved is None]
    body = [
        Paragraph("I. KẾT QUẢ THỰC HIỆN", bold=True),
        Paragraph(
            f"{whose} có {len(own):02d} mục tiêu chất lượng {label}: {len(achieved):02d} mục tiêu "
            f"đạt, {len(missed):02d} mục tiêu không đạt"
            + (f", {len(pending):02d} mục tiêu chưa đánh giá." if pending else ".")
        ),
    ]
    for r in own:
        if r.contributions:
            body.append(Paragraph(f"Mục tiêu {r.objective.order}: {_contributions(r)}."))
    if missed:
        body.append(Paragraph("II. MỤC TIÊU KHÔNG ĐẠT, NGUYÊN NHÂN VÀ ĐỀ XUẤT", bold=True))
        for r in missed:
            o = r.objective
            body.append(
                Paragraph(
                    f"- {o.statement} (chỉ tiêu {target_text(o)}, đạt {_result(r)}): nguyên nhân: "
                    f"{o.cause}"
                    + (f"; đề xuất: {o.proposed_action}" if o.proposed_action else "")
                    + "."
                )
            )
    continuing = [r for r in own if r.objective.continuing or r.objective.achieved is False]
    if continuing:
        body.append(Paragraph("III. MỤC TIÊU CHUYỂN SANG KỲ SAU", bold=True))
        body.extend(Paragraph(f"- {r.objective.statement}.") for r in continuing)
    authority, position, name = _signer(objective_set.evaluated_by)
    return OfficialDocData(
        parent_body=agency.parent.name if agency.parent_id and agency.parent else "",
        issuer=agency.name,
        number="",
        symbol=f"BC-{agency.doc_symbol or agency.code}",
        place_date=place_date(
            agency.place_name,
            objective_set.evaluated_at.date() if objective_set.evaluated_at else today,
        ),
        doc_type="BÁO CÁO",
        title=f"Kết quả thực hiện mục tiêu chất lượng {label} của {whose}",
        preamble=[],
        body=body,
        recipients=["Lãnh đạo Sở;", "Ban ISO;", "Lưu: VT."],
        signer_authority=authority,
        signer_position=position,
        signer_name=name,
        appendix_title=f"KẾT QUẢ THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG {label.upper()}",
        appendix_subtitle=f"(Kèm theo Báo cáo của {agency.name})",
        appendix_note="",
        appendix_headers=("TT", "Mục tiêu chất lượng", "Chỉ tiêu", "Kết quả", "Đánh giá"),
        rows=_heading_rows(
            groups,
            lambda i, r: AppendixRow(
                str(i),
                r.objective.statement,
                target_text(r.objective),
                _result(r) + (f"\n{_contributions(r)}" if r.contributions else ""),
                _verdict(r.objective),
            ),
        ),
        watermark="" if objective_set.status == S.EVALUATED else "DỰ THẢO",
    )


XLSX_HEADERS = (
    "Đơn vị",
    "TT",
    "Mục tiêu chất lượng",
    "Chỉ số",
    "Đơn vị tính",
    "Chiều",
    "Chỉ tiêu",
    "Phải đạt trước",
    "Giá trị cơ sở",
    "Tần suất",
    "Nguồn số liệu",
    "Đơn vị thực hiện",
    "Đóng góp vào mục tiêu",
    "Giá trị mới nhất",
    "Trạng thái",
    "Kết quả",
    "Đánh giá",
    "Nguyên nhân",
    "Đề xuất",
)


def xlsx_rows(objective_set: ObjectiveSet, today: datetime.date) -> list[list[Any]]:
    """One row per objective, numbers as numbers, for both XLSX outputs."""
    out: list[list[Any]] = []
    for unit, rows in _groups(objective_set, today):
        for r in rows:
            o = r.objective
            out.append(
                [
                    unit,
                    o.order,
                    o.statement,
                    o.indicator,
                    o.unit_of_measure,
                    SYMBOL.get(o.direction, "trước ngày"),
                    float(o.target) if o.target is not None else None,
                    short_date(o.target_date) if o.target_date else "",
                    float(o.baseline) if o.baseline is not None else None,
                    _frequency(o),
                    o.get_source_display(),
                    _owner(o),
                    o.contributes_to.statement if o.contributes_to_id and o.contributes_to else "",
                    float(r.latest) if r.latest is not None else None,
                    LIGHT_VI.get(r.light, r.light),
                    float(o.result) if o.result is not None else None,
                    {True: "Đạt", False: "Không đạt"}.get(o.achieved, "Chưa đánh giá")
                    if o.achieved is not None
                    else "Chưa đánh giá",
                    o.cause,
                    o.proposed_action,
                ]
            )
    return out
