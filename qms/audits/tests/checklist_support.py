"""Data for the checklist and findings tests: an audit of division A with a team, and a
procedure in force with its 5.7 steps and records to keep (rows made directly, so these
tests do not depend on the programme's or the documents' workflows)."""

from __future__ import annotations

import datetime
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qms.accounts.models import Role, User
from qms.audits.models import Audit, AuditTeamMember, Programme
from qms.documents.models import Document, RetainedRecord

STEPS = [
    {
        "action": "Tiếp nhận hồ sơ",
        "responsible": "Bộ phận Một cửa",
        "time": "0,5 ngày",
        "output": "Mẫu 01",
    },
    {
        "action": "Thẩm định hồ sơ",
        "responsible": "Phòng GDTrH",
        "time": "2 ngày",
        "output": "",
    },
    {"action": "Ký, trả kết quả", "responsible": "Lãnh đạo Sở", "time": "", "output": ""},
]


def procedure_in_force(
    org: Any,
    personas: dict[str, User],
    *,
    code: str = "QT-GDTRH-01",
    owner: Any = None,
    steps: list[dict[str, str]] | None = None,
    kind: str = Document.Kind.WORK_PROCEDURE,
) -> Document:
    """A procedure of ``owner`` (division A) put in force through document control, with
    ``steps`` in its 5.7 table."""
    from qms.documents import services
    from qms.documents.tests.conftest import decision_input

    owner = owner or org.div_a
    author = {org.div_a.pk: "head_a", org.div_b.pk: "head_b"}.get(owner.pk, "iso_writer")
    if author not in personas:
        from conftest import make_user

        personas[author] = make_user(author, org.iso, Role.ISO_OFFICER, org.agency)
    document = services.document_create(
        actor=personas[author],
        agency=org.agency,
        data=services.DocumentInput(
            kind=kind,
            code=code,
            title=f"Quy trình {code}",
            owner_unit=owner,
            is_tthc=False,
            references=[],
            distribution_units=[owner],
            distribution_users=[],
        ),
    )
    version = document.versions.get()
    services.version_save(
        actor=personas[author],
        version=version,
        content={"purpose": "", "steps": STEPS if steps is None else steps},
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
    )
    version.refresh_from_db()
    services.version_submit(actor=personas[author], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    services.version_approve(actor=personas["leader"], version=version, approve=True)
    services.decision_issue(
        actor=personas["iso_office"],
        agency=org.agency,
        versions=[version],
        data=decision_input(datetime.date(2026, 3, 2)),
    )
    document.refresh_from_db()
    return document


def record_to_keep(org: Any, document: Document, **kwargs: Any) -> RetainedRecord:
    data: dict[str, Any] = {
        "agency": org.agency,
        "owner_unit": document.owner_unit,
        "document": document,
        "name": "Sổ theo dõi hồ sơ chuyển trường",
        "form_code": "BM.01",
        "retention_years": 5,
    }
    data.update(kwargs)
    return RetainedRecord.objects.create(**data)


def audit_make(
    org: Any,
    personas: dict[str, User],
    *,
    units: list[Any] | None = None,
    clauses: list[str] | None = None,
    year: int = 2026,
    start: datetime.date | None = None,
    lead: str = "lead",
    team: tuple[str, ...] = ("auditor",),
    sequence: int = 1,
    programme: Programme | None = None,
) -> Audit:
    """An audit of division A (by default) with a lead auditor and one auditor."""
    start = start or datetime.date(year, 6, 1)
    if programme is None:
        programme = Programme.objects.filter(agency=org.agency, year=year).first()
    if programme is None:
        programme = Programme.objects.create(
            agency=org.agency,
            year=year,
            title=f"Chương trình đánh giá nội bộ năm {year}",
            start=datetime.date(year, 6, 1),
            end=datetime.date(year, 7, 30),
        )
    audit = Audit.objects.create(
        programme=programme,
        agency=org.agency,
        sequence=sequence,
        title=f"Đánh giá nội bộ {year} — Phòng GDTrH",
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        clauses=["7.5", "8.5"] if clauses is None else clauses,
        lead_auditor=personas[lead],
        status=Audit.Status.IN_PROGRESS,
    )
    audit.units.set(units or [org.div_a])
    AuditTeamMember.objects.create(audit=audit, user=personas[lead], role=AuditTeamMember.Role.LEAD)
    for name in team:
        AuditTeamMember.objects.create(
            audit=audit, user=personas[name], role=AuditTeamMember.Role.AUDITOR
        )
    return audit


def add_lead(org: Any, personas: dict[str, User]) -> User:
    """The lead auditor: an internal auditor of the agency working in division B."""
    from conftest import make_user

    user = make_user("lead", org.div_b, Role.AUDITOR, org.agency)
    personas["lead"] = user
    return user


def add_other_auditor(org: Any, personas: dict[str, User]) -> User:
    """An internal auditor of the agency who is not on the audit's team."""
    from conftest import make_user

    user = make_user("auditor2", org.office, Role.AUDITOR, org.agency)
    personas["auditor2"] = user
    return user


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG (a red square), made here rather than read from a file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_upload(name: str = "anh-bang-chung.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def fake_upload(name: str = "virus.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not an image", content_type="image/png")
