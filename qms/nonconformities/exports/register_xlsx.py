"""The NC register (Sổ theo dõi sự không phù hợp) of an agency's year as XLSX: one row per
NC with its source, clause, unit, severity, status, dates, actions and verification.

The rows are those of the NC list with the same filters (``views.filtered``), within one
agency when ``?agency=`` names one the reader reads. Two queries whatever the number of
NCs: the NCs with their unit and verifier, the actions of all of them with their owners."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.core.text import dmy
from qms.nonconformities import analytics
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.reports import xlsx

HEADERS: tuple[str, ...] = (
    "TT",
    "Số phiếu",
    "Ngày phát hiện",
    "Nguồn",
    "Nội dung không phù hợp",
    "Điều khoản",
    "Đơn vị chịu trách nhiệm",
    "Mức độ",
    "Nguyên nhân gốc",
    "Hành động khắc phục (người thực hiện — hạn — kết quả)",
    "Trạng thái",
    "Ngày đóng",
    "Người kiểm tra hiệu lực",
)
WIDTHS = {
    "Số phiếu": 14,
    "Ngày phát hiện": 13,
    "Nguồn": 28,
    "Nội dung không phù hợp": 48,
    "Điều khoản": 10,
    "Đơn vị chịu trách nhiệm": 22,
    "Mức độ": 10,
    "Nguyên nhân gốc": 36,
    "Hành động khắc phục (người thực hiện — hạn — kết quả)": 52,
    "Trạng thái": 16,
    "Ngày đóng": 12,
    "Người kiểm tra hiệu lực": 20,
}
CENTRED = ("TT", "Ngày phát hiện", "Điều khoản", "Mức độ", "Ngày đóng")


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name


def _action_line(action: CorrectiveAction) -> str:
    parts = [action.description.strip(), _person(action.owner), f"hạn {dmy(action.due)}"]
    if action.status == CorrectiveAction.Status.DONE:
        parts.append(f"xong {dmy(action.done_on)}")
    elif action.status == CorrectiveAction.Status.CANCELLED:
        parts.append(str(action.get_status_display()).lower())
    return "- " + " — ".join(p for p in parts if p)


def ncs(queryset: QuerySet[Nonconformity]) -> list[Nonconformity]:
    actions = CorrectiveAction.objects.select_related("owner").order_by("due", "id")
    return list(
        queryset.select_related("unit", "verified_by")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("agency_id", "year", "serial")
    )


def rows(queryset: QuerySet[Nonconformity]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for i, nc in enumerate(ncs(queryset), 1):
        out.append(
            [
                str(i),
                nc.number,
                nc.raised_on,
                nc.source_label or analytics.source_label(nc.source_key),
                f"{nc.title}\n{nc.description}".strip(),
                nc.clause,
                nc.unit.short_name or nc.unit.name,
                nc.get_severity_display(),
                nc.root_cause,
                "\n".join(_action_line(a) for a in nc.actions.all()),
                nc.get_status_display(),
                timezone.localtime(nc.closed_at).date() if nc.closed_at else None,
                _person(nc.verified_by),
            ]
        )
    return out


def subtitle(agencies: list[OrgUnit], values: dict[str, Any], units: dict[int, OrgUnit]) -> str:
    """What the register holds: the agencies, then each filter given, in words."""
    parts = [", ".join(a.name for a in agencies) or "—"]
    if "year" in values:
        parts.append(f"Năm {values['year']}")
    if "unit" in values and values["unit"] in units:
        parts.append(units[values["unit"]].name)
    if "source" in values:
        parts.append(analytics.source_label(values["source"]))
    if "severity" in values:
        parts.append(str(dict(Nonconformity.Severity.choices)[values["severity"]]))
    if "status" in values:
        parts.append(str(dict(Nonconformity.Status.choices)[values["status"]]))
    if "clause" in values:
        parts.append(f"Điều khoản {values['clause']}")
    if values.get("mine"):
        parts.append("Của tôi")
    if values.get("archived"):
        parts.append("Đã lưu trữ")
    return " — ".join(parts)


def workbook(queryset: QuerySet[Nonconformity], title_line: str, year: int | None) -> bytes:
    return xlsx.list_workbook(
        title="SỔ THEO DÕI SỰ KHÔNG PHÙ HỢP VÀ HÀNH ĐỘNG KHẮC PHỤC",
        subtitle=title_line,
        headers=HEADERS,
        rows=rows(queryset),
        sheet=f"NC {year}" if year else "NC",
        widths=WIDTHS,
        centred=CENTRED,
    )


def filename(agencies: list[OrgUnit], year: int | None) -> str:
    agency = slugify(agencies[0].code or agencies[0].name) if len(agencies) == 1 else ""
    parts = ["so-theo-doi-khong-phu-hop", str(year) if year else "", agency]
    return "-".join(p for p in parts if p) + ".xlsx"
