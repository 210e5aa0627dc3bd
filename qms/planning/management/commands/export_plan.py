"""Write a plan as DOCX (NĐ 30/2020 layout), PDF or its tasks as XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qms.planning.exports.data import plan_doc_data
from qms.planning.exports.xlsx import build_tasks_xlsx
from qms.planning.models import Plan
from qms.planning.selectors import task_queryset
from qms.reports.nd30 import build_official_docx
from qms.reports.pdf import PdfConversionError, docx_to_pdf


class Command(BaseCommand):
    help = "Export a plan: --format docx|pdf|xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="Agency code, e.g. SGDDT-HY")
        parser.add_argument("--number", required=True, help='e.g. "187/KH-SGDĐT"')
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["docx", "pdf", "xlsx"], default="docx")
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        plan = (
            Plan.objects.select_related("agency")
            .filter(agency__code=opts["agency"], number=opts["number"], year=opts["year"])
            .first()
        )
        if plan is None:
            raise CommandError(
                f"Không có kế hoạch {opts['number']} năm {opts['year']} của {opts['agency']}."
            )
        fmt = opts["format"]
        if fmt == "xlsx":
            data = build_tasks_xlsx(
                plan=plan, tasks=task_queryset().filter(plan=plan), today=timezone.localdate()
            )
        else:
            data = build_official_docx(data=plan_doc_data(plan))
            if fmt == "pdf":
                try:
                    data = docx_to_pdf(data)
                except PdfConversionError as exc:
                    raise CommandError(str(exc)) from exc
        opts["output"].write_bytes(data)
        self.stderr.write(f"Đã ghi {opts['output']} ({len(data):,} bytes).")
