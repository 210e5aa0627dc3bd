"""The plan's tasks with their current status, as XLSX (write-only: flat memory)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from qms.planning.models import Plan, PlanTask
from qms.reports import xlsx

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


def build_tasks_xlsx(*, plan: Plan, tasks: Iterable[PlanTask], today: datetime.date) -> bytes:
    wb, ws = xlsx.new_workbook("Nhiem vu")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    title = f"Kế hoạch {plan.number or '(dự thảo)'} — năm {plan.year}"
    ws.append([xlsx.cell(ws, title, font=Font(bold=True, size=13))])
    xlsx.append(ws, [plan.title])
    xlsx.append(ws, [f"Số liệu đến ngày {today:%d/%m/%Y}"])
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([xlsx.cell(ws, h, font=Font(bold=True), alignment=centre) for h in HEADERS])
    for t in tasks:
        status = str(_("Overdue")) if t.is_overdue(today) else str(t.get_status_display())
        xlsx.append(
            ws,
            [
                t.number,
                t.content,
                t.lead_text,
                t.partner_text,
                t.timing_text,
                str(t.get_timing_kind_display()),
                t.start_date,
                t.due_date,
                status,
                t.percent,
                t.completed_on,
                t.confirmed_by.display_name if t.confirmed_by else "",
            ],
        )
    return xlsx.workbook_bytes(wb)
