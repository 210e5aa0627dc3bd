"""Read the appendix of a plan written in Word into tasks, for review before saving."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.utils.translation import gettext

from qms.core.models import OrgUnit
from qms.core.services import match_unit_names
from qms.core.text import split_unit_names
from qms.planning.services import TaskInput
from qms.planning.timing import parse_timing
from qms.reports.docx_tables import AppendixReadError, read_plan_appendix

__all__ = ["AppendixReadError", "ImportPreview", "PreviewRow", "preview_plan_docx"]


@dataclass
class PreviewRow:
    row: int
    no: int
    content: str
    lead: list[str]
    support: list[str]
    timing_text: str
    timing_kind: str
    start: str | None
    due: str | None
    lead_raw: str = ""
    support_raw: str = ""
    lead_ids: list[int] = field(default_factory=list)
    support_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        keys = ("no", "content", "lead", "support", "timing_text", "timing_kind", "start", "due")
        return {k: getattr(self, k) for k in keys}


@dataclass
class ImportPreview:
    rows: list[PreviewRow]
    unmatched: list[str]
    errors: list[tuple[int, str, str]]

    def to_session(self) -> dict[str, Any]:
        return {"rows": [asdict(r) for r in self.rows], "unmatched": self.unmatched}

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> ImportPreview:
        return cls(
            rows=[PreviewRow(**r) for r in data["rows"]], unmatched=data["unmatched"], errors=[]
        )


def preview_plan_docx(
    fileobj: IO[bytes] | bytes | str, *, agency: OrgUnit | None, year: int
) -> ImportPreview:
    """Parse the appendix; match unit names when an agency is given.

    Raises AppendixReadError (with ``errors``: row, column, message) when the file or a
    row cannot be read; nothing is kept then.
    """
    raw = read_plan_appendix(fileobj)
    rows: list[PreviewRow] = []
    errors: list[tuple[int, str, str]] = []
    unmatched: list[str] = []
    for index, r in enumerate(raw, 1):
        digits = "".join(ch for ch in r.no if ch.isdigit())
        if not digits:
            errors.append(
                (index, "TT", gettext("The number “%(no)s” is not a number.") % {"no": r.no})
            )
            continue
        timing = parse_timing(r.timing, default_year=year)
        lead, support = split_unit_names(r.lead), split_unit_names(r.partner)
        row = PreviewRow(
            row=index,
            no=int(digits),
            content=r.content,
            lead=lead,
            support=support,
            timing_text=r.timing,
            timing_kind=timing.kind.value,
            start=_iso(timing.start),
            due=_iso(timing.due),
            lead_raw=r.lead,
            support_raw=r.partner,
        )
        if agency is not None:
            lead_units, lead_missing = match_unit_names(agency=agency, names=lead)
            support_units, support_missing = match_unit_names(agency=agency, names=support)
            row.lead_ids = [u.pk for u in lead_units]
            row.support_ids = [u.pk for u in support_units]
            unmatched.extend(n for n in lead_missing + support_missing if n not in unmatched)
        rows.append(row)
    numbers = [r.no for r in rows]
    for done in rows:
        if numbers.count(done.no) > 1:
            errors.append(
                (done.row, "TT", gettext("Number %(no)s is used twice.") % {"no": done.no})
            )
    if errors:
        raise AppendixReadError(errors=errors)
    return ImportPreview(rows=rows, unmatched=unmatched, errors=[])


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def preview_task_inputs(
    preview: ImportPreview, *, agency: OrgUnit, mapping: dict[str, list[OrgUnit]]
) -> list[TaskInput]:
    """Tasks to create, with unmatched names resolved through ``mapping`` (name → units)."""
    units = {u.pk: u for u in OrgUnit.objects.filter(path__startswith=agency.path)}
    out = []
    for r in preview.rows:
        lead = [units[i] for i in r.lead_ids if i in units]
        support = [units[i] for i in r.support_ids if i in units]
        for name in r.lead:
            lead.extend(u for u in mapping.get(name, []) if u not in lead)
        for name in r.support:
            support.extend(u for u in mapping.get(name, []) if u not in support)
        out.append(
            TaskInput(
                number=r.no,
                content=r.content,
                timing_text=r.timing_text,
                lead_units=lead,
                partner_units=support,
                lead_text=r.lead_raw,
                partner_text=r.support_raw,
            )
        )
    return out
