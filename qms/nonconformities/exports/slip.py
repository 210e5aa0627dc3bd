"""The NC slip: Phiếu yêu cầu hành động khắc phục / theo dõi sự không phù hợp (DOCX; PDF
through LibreOffice), in the NĐ 30 header layout: number, source, description, clause,
unit, correction, cause analysis (5 whys and the 6 M), the actions (owner, deadline, done
on, result), the verifications of effectiveness, and the signatures.

Plain data from the NC (four queries: the NC with its people and unit, its actions, its
verifications, the head of the unit) into ``docx_templates/nc_slip.docx``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.text import slugify

from qms.accounts.models import Role, User
from qms.core.models import OrgUnit
from qms.core.text import dmy
from qms.nonconformities import analytics
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.reports.docx import clean, render
from qms.reports.nd30 import number_line, place_date

TEMPLATE = Path(__file__).resolve().parent / "docx_templates" / "nc_slip.docx"
FISHBONE = (
    ("man", "Con người (Man)"),
    ("machine", "Máy móc, thiết bị (Machine)"),
    ("method", "Phương pháp (Method)"),
    ("material", "Nguyên vật liệu, hồ sơ đầu vào (Material)"),
    ("measurement", "Đo lường, kiểm tra (Measurement)"),
    ("environment", "Môi trường làm việc (Environment)"),
)
METHODS = {
    "five_whys": "Phương pháp: 5 lần “Tại sao”.",
    "fishbone": "Phương pháp: sơ đồ xương cá (6M).",
    "both": "Phương pháp: 5 lần “Tại sao” và sơ đồ xương cá (6M).",
}
SEVERITIES = {"major": "Nặng (lớn)", "minor": "Nhẹ"}
STATUSES = {
    "open": "Mới ghi nhận",
    "analysed": "Đã phân tích nguyên nhân",
    "planned": "Đã lập kế hoạch hành động",
    "in_progress": "Đang thực hiện hành động khắc phục",
    "awaiting_verification": "Chờ kiểm tra hiệu lực",
    "closed": "Đã đóng (hành động có hiệu lực)",
}
ACTION_STATUS = {"cancelled": "Đã hủy"}
BLANK = "…………………………………………………………………………………………"


def load(pk: int) -> Nonconformity:
    """The NC with what the slip prints (its unit, agency and people)."""
    return Nonconformity.objects.select_related(
        "agency", "agency__parent", "unit", "owner", "raised_by", "analysed_by", "verified_by"
    ).get(pk=pk)


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def _lines(text: str) -> list[str]:
    lines = [clean(line).strip() for line in (text or "").split("\n")]
    return [line for line in lines if line] or [BLANK]


def _day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return dmy(value)


def _unit_head(unit: OrgUnit) -> User | None:
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.UNIT_HEAD,
            role_assignments__org_unit=unit,
        )
        .order_by("id")
        .first()
    )


def _facts(nc: Nonconformity) -> list[dict[str, str]]:
    source = nc.source_label or analytics.source_label(nc.source_key)
    rows = [
        ("Số phiếu", nc.number),
        ("Nguồn phát hiện", source),
        ("Ngày phát hiện", dmy(nc.raised_on)),
        ("Người phát hiện", _name(nc.raised_by)),
        ("Đơn vị chịu trách nhiệm", nc.unit.name),
        ("Người chịu trách nhiệm", _name(nc.owner)),
        ("Điều khoản TCVN ISO 9001:2015", nc.clause or "—"),
        ("Mức độ", SEVERITIES.get(nc.severity, nc.severity)),
        ("Nội dung", nc.title),
    ]
    return [{"label": clean(k), "value": clean(v or "")} for k, v in rows]


def _whys(nc: Nonconformity) -> list[dict[str, str]]:
    out = []
    for i, item in enumerate(nc.whys or [], 1):
        text = item.get("answer") or item.get("text") or "" if isinstance(item, dict) else item
        if str(text).strip():
            out.append({"no": f"Tại sao {i}?", "text": clean(str(text).strip())})
    return out


def _fishbone(nc: Nonconformity) -> list[dict[str, str]]:
    data = nc.fishbone or {}
    out = []
    for key, label in FISHBONE:
        causes = data.get(key) or []
        if isinstance(causes, str):
            causes = [causes]
        causes = [clean(str(c)).strip() for c in causes if str(c).strip()]
        if causes:
            out.append({"category": label, "causes": "\n".join(f"- {c}" for c in causes)})
    return out


def _actions(nc: Nonconformity) -> list[dict[str, str]]:
    actions = nc.actions.select_related("owner").order_by("due", "id")
    out = []
    for i, a in enumerate(actions, 1):
        result = a.result.strip()
        if a.status == CorrectiveAction.Status.CANCELLED:
            result = f"{ACTION_STATUS['cancelled']}. {result}".strip()
        out.append(
            {
                "no": str(i),
                "description": clean(a.description.strip()),
                "owner": clean(_name(a.owner)),
                "due": dmy(a.due),
                "done_on": dmy(a.done_on),
                "result": clean(result),
            }
        )
    return out or [dict.fromkeys(("no", "description", "owner", "due", "done_on", "result"), "")]


def _verifications(nc: Nonconformity) -> list[dict[str, str]]:
    out = [
        {
            "date": dmy(v.verified_on),
            "by": clean(_name(v.verified_by)),
            "effective": "Có hiệu lực" if v.effective else "Chưa có hiệu lực",
            "note": clean(v.note.strip()),
        }
        for v in nc.verifications.select_related("verified_by").order_by("verified_on", "id")
    ]
    return out or [dict.fromkeys(("date", "by", "effective", "note"), "")]


def _conclusion(nc: Nonconformity) -> str:
    if nc.status == Nonconformity.Status.CLOSED:
        return f"Kết luận: hành động khắc phục có hiệu lực; đóng phiếu ngày {_day(nc.closed_at)}."
    if nc.reopened_count:
        return (
            f"Kết luận: chưa đóng phiếu (đã mở lại {nc.reopened_count} lần do hành động "
            "chưa có hiệu lực)."
        )
    return "Kết luận: chưa đóng phiếu."


def context(nc: Nonconformity) -> dict[str, Any]:
    agency = nc.agency
    parent = agency.parent_body_name or (agency.parent.name if agency.parent else "")
    head = _unit_head(nc.unit)
    return {
        "parent_body": clean(parent).upper(),
        "issuer": clean(agency.name).upper(),
        "number_line": clean(number_line(number=nc.number, symbol="")),
        "place_date": clean(place_date(agency.place_name or "", nc.raised_on)),
        "status_line": f"Tình trạng: {STATUSES.get(nc.status, nc.status)}",
        "facts": _facts(nc),
        "description": _lines(nc.description),
        "correction": _lines(nc.correction),
        "correction_on": f"Ngày thực hiện: {dmy(nc.correction_on)}" if nc.correction_on else "",
        "method": METHODS.get(nc.cause_method, ""),
        "whys": _whys(nc),
        "fishbone": _fishbone(nc),
        "root_cause": _lines(nc.root_cause),
        "actions": _actions(nc),
        "verifications": _verifications(nc),
        "conclusion": _conclusion(nc),
        "signers": [
            {
                "title": "NGƯỜI PHÁT HIỆN",
                "date": f"Ngày {dmy(nc.raised_on)}",
                "name": clean(_name(nc.raised_by)),
            },
            {
                "title": "TRƯỞNG ĐƠN VỊ",
                "date": f"Ngày {_day(nc.analysed_at)}" if nc.analysed_at else "Ngày …/…/……",
                "name": clean(_name(head or nc.owner)),
            },
            {
                "title": "NGƯỜI KIỂM TRA HIỆU LỰC",
                "date": f"Ngày {_day(nc.verified_at)}" if nc.verified_at else "Ngày …/…/……",
                "name": clean(_name(nc.verified_by)),
            },
        ],
    }


def build_docx(nc: Nonconformity) -> bytes:
    """The slip in Vietnamese whatever the reader's language (it is filed and signed)."""
    with translation.override("vi"):
        data = context(nc)
    return render(
        TEMPLATE,
        data,
        title=f"Phiếu yêu cầu hành động khắc phục {nc.number}",
        subject=nc.title,
    )


def filename(nc: Nonconformity, ext: str) -> str:
    number = slugify(nc.number.replace("/", "-")) or str(nc.pk)
    return f"phieu-khac-phuc-{number}.{ext}"
