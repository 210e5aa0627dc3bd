"""Import the appendix table of a Word plan into an agency's draft plan for a year."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qms.core.models import OrgUnit
from qms.planning.import_wizard import AppendixReadError, preview_plan_docx, preview_task_inputs
from qms.planning.models import Plan
from qms.planning.services import PlanningError, plan_create, plan_import_tasks


class Command(BaseCommand):
    help = "Read a plan's appendix table from a .docx file and create its tasks (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--agency", required=True, help="Agency code, e.g. SGDDT-HY")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Read and check; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the parsed tasks as JSON.")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["path"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        agency = OrgUnit.objects.filter(code=opts["agency"], kind=OrgUnit.Kind.AGENCY).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {opts['agency']}.")
        try:
            preview = preview_plan_docx(path.read_bytes(), agency=agency, year=opts["year"])
        except AppendixReadError as exc:
            lines = [f"  dòng {r}, cột {c}: {m}" for r, c, m in exc.errors] or [f"  {exc}"]
            raise CommandError("Không nhập được tệp:\n" + "\n".join(lines)) from exc
        if opts["json"]:
            self.stdout.write(
                json.dumps([r.as_json() for r in preview.rows], ensure_ascii=False, indent=2)
            )
        if preview.unmatched:
            self.stderr.write(
                "Tên đơn vị chưa khớp (sẽ chỉ lưu tên như văn bản): " + "; ".join(preview.unmatched)
            )
        if opts["dry_run"]:
            if not opts["json"]:
                self.stdout.write(f"{len(preview.rows)} nhiệm vụ đọc được; không lưu (--dry-run).")
            return
        self._save(agency, opts["year"], preview)

    def _save(self, agency: OrgUnit, year: int, preview: Any) -> None:
        with transaction.atomic():
            plan = Plan.objects.filter(agency=agency, year=year, status=Plan.Status.DRAFT).first()
            if plan is None:
                plan = plan_create(
                    actor=None,
                    agency=agency,
                    year=year,  # type: ignore[arg-type]
                    title=f"Kế hoạch duy trì, cải tiến HTQLCL năm {year}",
                )
            try:
                tasks = plan_import_tasks(
                    actor=None,
                    plan=plan,  # type: ignore[arg-type]
                    tasks=preview_task_inputs(preview, agency=agency, mapping={}),
                )
            except PlanningError as exc:
                raise CommandError(str(exc)) from exc
        self.stderr.write(f"Đã nhập {len(tasks)} nhiệm vụ vào kế hoạch #{plan.pk} ({year}).")
