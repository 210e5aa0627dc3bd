"""Create what a checked list holds, in one transaction, through the documents services.

A service refusing a row (or the database) rolls the whole import back and reports that row.
Each imported internal document gets its ``documents.document.imported`` log entry; the
external and records services write their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from qms.audittrail.services import logentry_create
from qms.core.db import analyze_on_commit
from qms.core.numbering import NumberingError
from qms.documents import services
from qms.documents.imports.cells import code_key
from qms.documents.imports.errors import ImportRejected, RowError, reject
from qms.documents.imports.kinds import ST
from qms.documents.models import (
    Document,
    DocumentVersion,
    ExternalDocument,
    IssuingDecision,
    RetainedRecord,
)

if TYPE_CHECKING:
    from qms.accounts.models import User
    from qms.core.models import OrgUnit
    from qms.documents.imports.validate import (
        DecisionKey,
        DocRow,
        ExternalImport,
        InternalImport,
        RecordsImport,
    )

DECISION_TITLE = "Về việc ban hành tài liệu hệ thống quản lý chất lượng"
DECISION_SIGNER_POSITION = "GIÁM ĐỐC"

_WRITE_ERRORS = (services.DocumentError, NumberingError, IntegrityError, DataError)


def _failed(row: int, column: str, exc: Exception) -> ImportRejected:
    if isinstance(exc, services.DocumentError | NumberingError):
        message = str(exc)
    else:
        message = _("The row could not be saved (it conflicts with data already in eISO).")
    return reject([RowError(row, column, message)])


# --------------------------------------------------------------------------- internal


def internal(*, actor: User, agency: OrgUnit, checked: InternalImport) -> int:
    """Register the decisions not in eISO yet, then create each document in force."""
    with transaction.atomic():
        decisions = _decisions(actor, agency, checked)
        created: dict[str, int] = {}  # code key → pk of the document created
        for d in checked.documents:
            parent_id = None
            if d.parent_key:
                parent_id = created.get(d.parent_key) or checked.existing_ids[d.parent_key]
            decision = decisions[d.decision]
            try:
                document = _document_in_force(actor, agency, d, parent_id, decision)
            except _WRITE_ERRORS as exc:
                raise _failed(d.row, checked.code_header, exc) from exc
            created[code_key(d.code)] = document.pk
            _log_imported(actor, agency, document, d, decision, checked.documents)
        analyze_on_commit(Document, DocumentVersion, IssuingDecision)
    return len(checked.documents)


def _decisions(
    actor: User, agency: OrgUnit, checked: InternalImport
) -> dict[DecisionKey, IssuingDecision]:
    """The decision of each group: the agency's, else registered as issued on paper."""
    decisions: dict[DecisionKey, IssuingDecision] = {}
    for dkey, group in checked.decisions.items():
        if group.existing is not None:
            decisions[dkey] = group.existing
            continue
        try:
            decisions[dkey] = services.decision_register_paper(
                actor=actor,
                agency=agency,
                serial=group.serial,
                data=services.DecisionInput(
                    issued_on=group.issued_on,
                    effective_on=group.issued_on,
                    title=DECISION_TITLE,
                    bases=[],
                    proposer="",
                    executors="",
                    recipients=[],
                    signer_prefix="",
                    signer_authority="",
                    signer_position=DECISION_SIGNER_POSITION,
                    signer_name="",
                ),
            )
        except _WRITE_ERRORS as exc:
            raise _failed(group.first_row, checked.decision_header, exc) from exc
    return decisions


def _document_in_force(
    actor: User, agency: OrgUnit, d: DocRow, parent_id: int | None, decision: IssuingDecision
) -> Document:
    document = Document.objects.create(
        agency=agency,
        owner_unit=d.owner,
        kind=d.kind,
        code=d.code,
        title=d.title,
        parent_id=parent_id,
        is_tthc=d.is_tthc,
        tthc_code=d.tthc_code,
        tthc_field=d.tthc_field,
        status=Document.Status.DRAFT,
        created_by=actor,
    )
    services.version_register_paper(
        actor=actor, document=document, issue_no=d.issue_no, decision=decision
    )
    return document


def _log_imported(
    actor: User,
    agency: OrgUnit,
    document: Document,
    d: DocRow,
    decision: IssuingDecision,
    rows: list[DocRow],
) -> None:
    logentry_create(
        actor=actor,
        action="documents.document.imported",
        obj=document,
        unit=agency,
        before={},
        after={
            "code": d.code,
            "title": d.title,
            "kind": d.kind,
            "owner_unit": str(d.owner),
            "parent": _parent_code(d.parent_key, rows),
            "is_tthc": d.is_tthc,
            "tthc_code": d.tthc_code,
            "tthc_field": d.tthc_field,
            "status": Document.Status.IN_FORCE,
            "issue_no": d.issue_no,
            "decision": decision.number,
            "row": d.row,
        },
    )


def _parent_code(key: str, rows: list[DocRow]) -> str:
    if not key:
        return ""
    return next((d.code for d in rows if code_key(d.code) == key), key)


# --------------------------------------------------------------------------- external, records


def external(*, actor: User, agency: OrgUnit, checked: ExternalImport) -> int:
    """Create each entry of the register of legal texts, marked changed when it is."""
    with transaction.atomic():
        for e in checked.rows:
            try:
                ext = services.external_create(actor=actor, agency=agency, data=e.data)
                if e.status != ST.IN_FORCE:
                    services.external_mark_changed(
                        actor=actor, ext=ext, status=e.status, change_effective_on=e.change_on
                    )
            except _WRITE_ERRORS as exc:
                raise _failed(e.row, checked.number_header, exc) from exc
        analyze_on_commit(ExternalDocument)
    return len(checked.rows)


def records(*, actor: User, agency: OrgUnit, checked: RecordsImport) -> int:
    """Save each record to keep."""
    with transaction.atomic():
        for number, data in checked.rows:
            try:
                services.record_save(actor=actor, agency=agency, data=data)
            except _WRITE_ERRORS as exc:
                raise _failed(number, checked.name_header, exc) from exc
        analyze_on_commit(RetainedRecord)
    return len(checked.rows)
