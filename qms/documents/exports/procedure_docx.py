"""Render an ISO procedure (quy trình) as a .docx in the layout agencies print and sign.

Plain data in, bytes out: callers map their models to :class:`ProcedureDocData`; this module
knows nothing about Django. The layout lives in ``docx_templates/procedure.docx``, generated
by ``python -m qms.documents.exports.build_templates`` (see that script): a bordered
page header on every page (agency | title | Mã hiệu / Lần ban hành / Ngày ban hành /
Trang x/y), the SOẠN THẢO / SOÁT XÉT / PHÊ DUYỆT block and the revision table on page 1,
then sections 1–7 from page 2. Rendering uses docxtpl with ``autoescape=True``, so any text
is written literally; lists are expanded by docxtpl loops.

Stamps: ``obsolete`` adds a red bold "HẾT HIỆU LỰC" under the title in the page header and
"HẾT HIỆU LỰC — {obsolete_note}" at the top of the body; ``watermark`` (e.g. "DỰ THẢO") is
a red bold line at the top of the body. Texts go through :func:`qms.reports.docx.clean`:
control characters are dropped and a newline becomes a line break.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qms.reports.docx import clean as _clean
from qms.reports.docx import render
from qms.reports.nd30 import Paragraph

TEMPLATE_PATH = Path(__file__).resolve().parent / "docx_templates" / "procedure.docx"

SIGNER_TITLES = ("SOẠN THẢO", "SOÁT XÉT", "PHÊ DUYỆT")
# Empty revision rows printed when there is none, to be filled in by hand.
BLANK_REVISION_ROWS = 3


@dataclass(frozen=True)
class Signer:
    """One column of the SOẠN THẢO / SOÁT XÉT / PHÊ DUYỆT block."""

    title: str
    name: str
    position: str
    signed: str = ""  # e.g. "Đã ký ngày 12/03/2022"


@dataclass(frozen=True)
class Revision:
    request: str
    part: str
    description: str
    issue_no: str
    date: str


@dataclass(frozen=True)
class Step:
    no: str
    action: str
    responsible: str
    time: str
    output: str


@dataclass(frozen=True)
class FormRow:
    no: str
    code: str
    name: str


@dataclass(frozen=True)
class RecordRow:
    no: str
    name: str
    keeper: str
    retention: str


@dataclass(frozen=True)
class ProcedureDocData:
    agency: str
    title: str
    code: str
    issue_no: str  # "01"
    issued_on: str  # "12/03/2022", or "" for a draft
    signers: list[Signer]
    revisions: list[Revision]
    purpose: list[str]
    scope: list[str]
    references: list[str]
    definitions: list[str]
    is_tthc: bool
    body: list[Paragraph]
    legal_basis: list[str]
    dossier_components: list[str]
    dossier_count: str
    processing_time: str
    place: str
    fees: str
    steps: list[Step]
    steps_note: str
    forms: list[FormRow]
    records: list[RecordRow]
    obsolete: bool = False
    obsolete_note: str = ""  # e.g. "thay thế bởi lần ban hành 02 ngày 01/09/2022"
    watermark: str = ""  # e.g. "DỰ THẢO"


def _texts(items: list[str]) -> list[str]:
    return [_clean(item) for item in items]


def _signers(signers: list[Signer]) -> list[dict[str, str]]:
    """Exactly three columns: missing signers leave their column blank under its title."""
    padded = list(signers[:3])
    padded += [Signer(title, "", "") for title in SIGNER_TITLES[len(padded) :]]
    return [
        {
            "title": _clean(s.title).upper(),
            "name": _clean(s.name),
            "position": _clean(s.position),
            "signed": _clean(s.signed),
        }
        for s in padded
    ]


def _revisions(revisions: list[Revision]) -> list[dict[str, str]]:
    if not revisions:
        blank = dict.fromkeys(("request", "part", "description", "issue_no", "date"), "")
        return [dict(blank) for _ in range(BLANK_REVISION_ROWS)]
    return [
        {
            "request": _clean(r.request),
            "part": _clean(r.part),
            "description": _clean(r.description),
            "issue_no": _clean(r.issue_no),
            "date": _clean(r.date),
        }
        for r in revisions
    ]


def _rows(items: list[Any], fields: tuple[str, ...]) -> list[dict[str, str]]:
    return [{name: _clean(getattr(item, name)) for name in fields} for item in items]


def _context(data: ProcedureDocData) -> dict[str, Any]:
    return {
        "agency": _clean(data.agency).upper(),
        "title": _clean(data.title).upper(),
        "code": _clean(data.code),
        "issue_no": _clean(data.issue_no),
        "issued_on": _clean(data.issued_on),
        "obsolete": bool(data.obsolete),
        "obsolete_note": _clean(data.obsolete_note).strip(),
        "watermark": _clean(data.watermark).strip(),
        "signers": _signers(data.signers),
        "revisions": _revisions(data.revisions),
        "purpose": _texts(data.purpose),
        "scope": _texts(data.scope),
        "references": _texts(data.references),
        "definitions": _texts(data.definitions),
        "is_tthc": bool(data.is_tthc),
        "body": [{"text": _clean(p.text), "bold": bool(p.bold)} for p in data.body],
        "legal_basis": _texts(data.legal_basis),
        "dossier_components": _texts(data.dossier_components),
        "dossier_count": _clean(data.dossier_count),
        "processing_time": _clean(data.processing_time),
        "place": _clean(data.place),
        "fees": _clean(data.fees),
        "steps": _rows(data.steps, ("no", "action", "responsible", "time", "output")),
        "steps_note": _clean(data.steps_note).strip(),
        "forms": _rows(data.forms, ("no", "code", "name")),
        "records": _rows(data.records, ("no", "name", "keeper", "retention")),
    }


def build_procedure_docx(*, data: ProcedureDocData) -> bytes:
    """Render ``data`` into a .docx and return its bytes."""
    return render(TEMPLATE_PATH, _context(data), title=f"{data.code} {data.title}".strip())
