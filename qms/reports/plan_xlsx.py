"""The plan's tasks with their current status, as XLSX (write-only: flat memory)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from qms.planning.models import Plan, PlanTask

HEADERS = (
    "TT",
    "Nội dung",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
    "Loại thời hạn",
    "Bắt đầu",
    "Hạn",
    "Trạng thái",
    "Tiến độ (%)",
    "Ngày hoàn thành",
    "Xác nhận bởi",
)
WIDTHS = (6, 60, 28, 28, 22, 16, 12, 12, 18, 11, 14, 22)


def _date(ws: object, value: datetime.date | None) -> WriteOnlyCell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
    cell.number_format = "DD/MM/YYYY"
    return cell


def build_tasks_xlsx(*, plan: Plan, tasks: Iterable[PlanTask], today: datetime.date) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhiem vu")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    title = WriteOnlyCell(ws, value=f"Kế hoạch {plan.number or '(dự thảo)'} — năm {plan.year}")
    title.font = Font(bold=True, size=13)
    ws.append([title])
    ws.append([plan.title])
    ws.append([f"Số liệu đến ngày {today:%d/%m/%Y}"])
    header = []
    for h in HEADERS:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    for t in tasks:
        status = str(_("Overdue")) if t.is_overdue(today) else str(t.get_status_display())
        ws.append(
            [
                t.number,
                t.content,
                t.lead_text,
                t.partner_text,
                t.timing_text,
                str(t.get_timing_kind_display()),
                _date(ws, t.start_date),
                _date(ws, t.due_date),
                status,
                t.percent,
                _date(ws, t.completed_on),
                t.confirmed_by.display_name if t.confirmed_by else "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
