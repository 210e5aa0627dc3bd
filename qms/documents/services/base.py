"""Shared pieces of the document services: errors, logging, settings, codes, search text."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from qms.accounts.models import User
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.core.text import fold
from qms.documents import codes
from qms.documents.models import (
    Document,
    DocumentSettings,
    DocumentVersion,
)
from qms.documents.notifications import DocumentFacts

S = DocumentVersion.Status


class DocumentError(Exception):
    """A change was refused; the message is for users."""


class StaleEdit(DocumentError):
    """Someone else saved the draft since the form was loaded."""


DOCUMENT_FIELDS = (
    "code",
    "title",
    "kind",
    "owner_unit",
    "parent",
    "is_tthc",
    "tthc_code",
    "tthc_field",
    "status",
    "review_months",
    "next_review_on",
    "archived_at",
)
VERSION_FIELDS = (
    "status",
    "issue_no",
    "content",
    "change_request",
    "change_part",
    "change_description",
    "file_name",
    "file_sha256",
    "submitted_by",
    "reviewer",
    "approver",
    "decision",
    "issued_on",
    "effective_on",
    "obsoleted_on",
)
EXTERNAL_FIELDS = (
    "number",
    "doc_type",
    "issuer",
    "title",
    "signed_on",
    "effective_on",
    "status",
    "replaced_by",
    "change_effective_on",
    "change_note",
    "field",
    "owner_unit",
    "archived_at",
)
RECORD_FIELDS = (
    "name",
    "form_code",
    "keeper",
    "location",
    "retention_years",
    "retention_text",
    "disposal_method",
    "owner_unit",
    "document",
    "archived_at",
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (31/5 + 3 → 31/8, 30/11 + 3
    → 28 or 29/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _log(
    actor: User | None,
    action: str,
    obj: Any,
    agency: OrgUnit,
    before: Snapshot | None,
    after: Snapshot | None = None,
    note: str = "",
) -> None:
    logentry_create(
        actor=actor, action=action, obj=obj, unit=agency, before=before, after=after, note=note
    )


def settings_for(agency: OrgUnit) -> DocumentSettings:
    obj, _created = DocumentSettings.objects.get_or_create(agency=agency)
    return obj


def facts(version: DocumentVersion) -> DocumentFacts:
    doc = version.document
    return DocumentFacts(
        code=doc.code, title=doc.title, issue_no=version.issue_no, agency_name=doc.agency.name
    )


def version_url(version: DocumentVersion) -> str:
    return reverse("documents:version_detail", kwargs={"pk": version.pk})


# --------------------------------------------------------------------------- settings, codes


def settings_save(
    *,
    actor: User,
    agency: OrgUnit,
    code_patterns: dict[str, str],
    distinct_signers: int,
    review_months: int,
    legal_alignment_months: int,
) -> DocumentSettings:
    """Save an agency's code patterns and rules. Raises DocumentError for a bad pattern."""
    for kind, pattern in code_patterns.items():
        try:
            codes.validate_pattern(pattern)
        except codes.PatternError as exc:
            label = Document.Kind(kind).label
            raise DocumentError(f"{label}: {exc}") from exc
    if distinct_signers not in (2, 3):
        raise DocumentError(_("Choose two or three distinct people."))
    with transaction.atomic():
        obj = DocumentSettings.objects.select_for_update().get(pk=settings_for(agency).pk)
        fields = ["code_patterns", "distinct_signers", "review_months", "legal_alignment_months"]
        before = snapshot(obj, fields)
        obj.code_patterns = code_patterns
        obj.distinct_signers = distinct_signers
        obj.review_months = review_months
        obj.legal_alignment_months = legal_alignment_months
        obj.save()
        _log(actor, "documents.settings.updated", obj, agency, before)
    return obj


def unit_symbol(unit: OrgUnit) -> str:
    """The unit part of a code: its document symbol, else the last part of its code."""
    return unit.doc_symbol or unit.code.rsplit("-", 1)[-1]


def propose_code(
    *, agency: OrgUnit, kind: str, owner_unit: OrgUnit | None, parent: Document | None
) -> str:
    """The next free code of ``kind`` by the agency's pattern (forms count per procedure)."""
    pattern = settings_for(agency).pattern_for(kind)
    existing = list(Document.objects.filter(agency=agency).values_list("code", flat=True))
    return codes.next_code(
        pattern,
        existing,
        unit=unit_symbol(owner_unit) if owner_unit else "",
        parent=parent.code if parent else "",
    )


# --------------------------------------------------------------------------- search text


def _content_text(content: dict[str, Any]) -> str:
    parts: list[str] = []
    for value in (content or {}).values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    parts.extend(str(v) for v in item.values())
                else:
                    parts.append(str(item))
    return "\n".join(parts)


def document_search_text(document: Document, version: DocumentVersion | None) -> str:
    parts = [document.code, document.title, document.tthc_code, document.tthc_field]
    if version is not None:
        parts += [_content_text(version.content), version.file_name, version.file_text]
    return fold("\n".join(p for p in parts if p))


def _refresh_search(document: Document) -> None:
    """Index the version in force, else the newest one."""
    version = document.current_version or document.versions.order_by("-issue_no").first()
    document.search_text = document_search_text(document, version)
    document.save(update_fields=["search_text"])
