"""Issue 12, acceptance 3: every XLSX export keeps user text as text.

Text starting with ``=``, ``+``, ``-`` and ``@`` and holding a ``\\x0b`` (Shift+Enter pasted
from Word) is put into the data each export shows; the export is requested through its
real URL, re-opened with openpyxl, and the text (without the illegal character) is found
as a string cell. No cell of any export is a formula. A route that produces XLSX and is
not listed in ``EXPORTS`` fails :func:`test_every_xlsx_route_is_covered`.
"""

from __future__ import annotations

import datetime
import inspect
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from qms.accounts.models import User
from qms.audits import services_checklists as audit_checklists
from qms.audits import services_programme as audit_programme
from qms.audits.models import AuditTeamMember, Finding
from qms.core.services import orgunit_update
from qms.documents import services as doc_services
from qms.documents.models import Document
from qms.nonconformities import services as nc_services
from qms.objectives import services as obj_services
from qms.objectives.services import ObjectiveInput
from qms.planning import services as plan_services
from qms.reports.xlsx import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

# One hostile text per formula character, each with a vertical tab inside (and a U+FFFF,
# which lxml refuses, in one).
HOSTILE = (
    '=HYPERLINK("http://evil.example/x","Bấm vào")\x0bdòng 2',
    "+SUM(1;2)\x0bcộng",
    "-2+3\x0btrừ\uffff",
    "@SUM(A1:A2)\x0ba còng",
)


def expected(text: str) -> str:
    return text.replace("\x0b", "").replace("\uffff", "")


@dataclass
class World:
    plan_pk: int
    objective_set_pk: int
    agency_pk: int
    audit_pk: int


def _hostile_units(org: Any, personas: dict[str, User]) -> list[Any]:
    """Four lead units whose names are hostile (the weekly summary lists unit names)."""
    units = [org.div_a, org.div_b, org.office, org.iso]
    for unit, text in zip(units, HOSTILE, strict=True):
        orgunit_update(
            actor=personas["sysadmin"], unit=unit, data={"name": text, "short_name": text}
        )
        unit.refresh_from_db()
    return units


def _issued_plan(org: Any, personas: dict[str, User], units: list[Any]) -> int:
    year = timezone.localdate().year
    actor = personas["iso_office"]
    plan = plan_services.plan_create(
        actor=actor,
        agency=org.agency,
        year=year,
        title=HOSTILE[0],
        signer_prefix="KT.",
        signer_authority="GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_name="Đỗ Văn Khải",
    )
    for n, (text, unit) in enumerate(zip(HOSTILE, units, strict=True), 1):
        plan_services.task_create(
            actor=actor,
            plan=plan,
            data=plan_services.TaskInput(
                number=n,
                content=text,
                timing_text=f"Trước 28/12/{year}",
                lead_units=[unit],
                partner_units=[],
            ),
        )
    plan_services.plan_submit(actor=actor, plan=plan)
    plan_services.plan_approve(
        actor=personas["leader"], plan=plan, issued_on=datetime.date(year, 1, 5)
    )
    return plan.pk


def _documents(org: Any, personas: dict[str, User]) -> None:
    for n, text in enumerate(HOSTILE, 1):
        doc_services.document_create(
            actor=personas["head_a"],
            agency=org.agency,
            data=doc_services.DocumentInput(
                kind=Document.Kind.WORK_PROCEDURE,
                code=f"QT-GDTRH-{n:02d}",
                title=text,
                owner_unit=org.div_a,
                is_tthc=False,
                references=[],
                distribution_units=[org.div_a],
                distribution_users=[],
            ),
        )
        doc_services.external_create(
            actor=personas["iso_office"],
            agency=org.agency,
            data=doc_services.ExternalInput(
                number=f"{n}/2018/NĐ-CP",
                doc_type="Nghị định",
                issuer=text,
                title=text,
                signed_on=datetime.date(2018, 4, 23),
                effective_on=datetime.date(2018, 6, 21),
            ),
        )
        doc_services.record_save(
            actor=personas["iso_office"],
            agency=org.agency,
            data=doc_services.RecordInput(name=text, owner_unit=org.div_a, form_code=f"BM.{n}"),
        )


def _objectives(org: Any, personas: dict[str, User]) -> int:
    period = obj_services.period_for(agency=org.agency, year=2025)
    actor = personas["iso_office"]
    objective_set = obj_services.set_create(actor=actor, unit=org.agency, period=period)
    for text in HOSTILE:
        obj_services.objective_save(
            actor=actor,
            objective_set=objective_set,
            data=ObjectiveInput(
                owner_unit=org.agency,
                unit_of_measure="%",
                statement=text,
                indicator=text,
                target=Decimal(98),
            ),
        )
    return objective_set.pk


def _audit_findings(org: Any, personas: dict[str, User]) -> int:
    """An audit of the running year whose findings, and the NCs raised, hold the texts."""
    year = timezone.localdate().year
    programme = audit_programme.programme_create(
        actor=personas["iso_office"],
        agency=org.agency,
        data=audit_programme.ProgrammeInput(
            year=year,
            title=HOSTILE[1],
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
        ),
    )
    audit = audit_programme.audit_create(
        actor=personas["iso_office"],
        programme=programme,
        data=audit_programme.AuditInput(
            title=HOSTILE[2],
            units=[org.div_a],
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        ),
    )
    audit_programme.team_member_add(
        actor=personas["iso_office"],
        audit=audit,
        user=personas["auditor"],
        role=AuditTeamMember.Role.LEAD,
    )
    for text in HOSTILE:
        audit_checklists.record_finding(
            actor=personas["auditor"],
            audit=audit,
            data=audit_checklists.FindingData(
                unit=org.div_a, kind=Finding.Kind.OBSERVATION, description=text, evidence=text
            ),
        )
        nc_services.raise_nc(
            actor=personas["iso_office"],
            unit=org.div_a,
            title=text,
            description=text,
            severity="minor",
        )
    return audit.pk


@pytest.fixture
def world(org: Any, personas: dict[str, User]) -> World:
    with translation.override("en"):
        units = _hostile_units(org, personas)
        plan_pk = _issued_plan(org, personas, units)
        _documents(org, personas)
        set_pk = _objectives(org, personas)
        audit_pk = _audit_findings(org, personas)
    return World(
        plan_pk=plan_pk, objective_set_pk=set_pk, agency_pk=org.agency.pk, audit_pk=audit_pk
    )


# (url name, persona, reverse args from the world). Every XLSX route is here.
EXPORTS: dict[str, tuple[str, Callable[[World], list[Any]]]] = {
    "planning:plan_export_xlsx": ("iso_office", lambda w: [w.plan_pk]),
    "documents:internal_list_export": ("iso_office", lambda w: ["xlsx"]),
    "documents:external_list_export": ("iso_office", lambda w: ["xlsx"]),
    "documents:record_list_export": ("iso_office", lambda w: ["xlsx"]),
    "objectives:objectives_export": ("iso_office", lambda w: [w.objective_set_pk, "xlsx"]),
    "objectives:evaluation_export": ("iso_office", lambda w: [w.objective_set_pk, "xlsx"]),
    "planning:weekly_xlsx": ("iso_office", lambda w: [w.agency_pk]),
    "audittrail:log_export": ("agency_admin", lambda w: []),
    "audits:findings_xlsx": ("auditor", lambda w: [w.audit_pk]),
    "nonconformities:export_xlsx": ("iso_office", lambda w: []),
}

# Routes that take a format but answer only DOCX or PDF (their views write no XLSX).
NOT_XLSX = {
    "audits:programme_export",
    "audits:plan_export",
    "audits:report_export",
    "audits:checklist_export",
}


def _cells(content: bytes) -> Iterator[Any]:
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_keeps_hostile_text_as_string_cells(
    name: str, world: World, client_as: Callable[[str], Client]
) -> None:
    persona, args = EXPORTS[name]
    response = client_as(persona).get(reverse(name, args=args(world)))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    cells = list(_cells(response.content))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    strings = {c.value: c for c in cells if c.data_type == "s"}
    for text in HOSTILE:
        found = [v for v in strings if expected(text) in v]
        assert found, f"{expected(text)!r} not in {name}"
        assert all("\x0b" not in v for v in strings)
    exact = [strings[expected(t)] for t in HOSTILE if expected(t) in strings]
    assert exact and all(c.quotePrefix for c in exact)


# ---------------------------------------------------------------- coverage of the list


def _routes(
    resolver: URLResolver, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(x for x in (ns, pattern.namespace or "") if x)
            yield from _routes(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{ns}:{pattern.name}" if ns else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def _may_answer_xlsx(route: str, name: str, view: Any) -> bool:
    """The route or name says xlsx, the route takes a format, or the view's code does."""
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        source = ""
    return bool(re.search(r"xlsx", route + name + source, re.IGNORECASE)) or "fmt>" in route


# Old addresses that answer 301 to an export listed above (tested where the export lives).
MOVED = {"notifications:weekly_xlsx": "planning:weekly_xlsx"}


def test_every_xlsx_route_is_covered() -> None:
    found = {
        name for route, name, view in _routes(get_resolver()) if _may_answer_xlsx(route, name, view)
    } - set(MOVED)
    assert set(MOVED.values()) <= set(EXPORTS)
    views = {name: view for _route, name, view in _routes(get_resolver())}
    for name in NOT_XLSX:
        assert "xlsx" not in inspect.getsource(inspect.unwrap(views[name])).lower(), name
    found -= NOT_XLSX
    assert found - set(EXPORTS) == set(), "XLSX routes missing from EXPORTS"
    assert set(EXPORTS) - found == set(), "EXPORTS lists routes that no longer exist"


def test_only_the_shared_writer_creates_workbooks() -> None:
    """Every XLSX eISO writes goes through qms.reports.xlsx (load_workbook is reading)."""
    root = Path(__file__).resolve().parents[1] / "qms"
    writer = root / "reports" / "xlsx.py"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path != writer
        and re.search(r"\bWorkbook\(|WriteOnlyCell\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
