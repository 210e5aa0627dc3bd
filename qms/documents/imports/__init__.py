"""Import an agency's existing master list from XLSX, all or nothing.

Three lists can be imported (``list_kind``):

* ``internal`` — Danh mục tài liệu nội bộ: each row becomes a document in force whose
  version was approved on paper and put in force by its Quyết định ban hành (registered
  in the agency's number register when it is not there yet);
* ``external`` — Danh mục tài liệu bên ngoài: entries of the register of legal texts;
* ``records`` — Danh mục hồ sơ: the records procedures require to keep.

An import runs in three steps, a module each:

1. :mod:`.parse` reads the upload (after the shared checks of :mod:`qms.core.uploads`) with
   openpyxl (read-only, first sheet). The header row is looked for in the first 10 rows,
   matching folded header names (accents, case, punctuation and notes in brackets do not
   matter, and common variants are accepted: "Mã hiệu"/"Mã tài liệu"/"Mã số"…, listed in
   :mod:`.columns`); other columns (e.g. "TT") are ignored, fully empty rows are skipped.
2. :mod:`.validate` checks every row first and reports **all** errors (Excel row number,
   column header as in the file, message); if there is one, nothing is written. Cell values
   are read by :mod:`.cells`, the words for types and statuses are in :mod:`.kinds`.
3. :mod:`.write` creates everything in one transaction through the documents services; a
   service refusing a row rolls it all back.

The lists exported by :mod:`qms.documents.exports.lists` can be imported again (their "TT"
column is ignored); an exported internal list lacks the issuing decision, which a document
in force cannot do without, so its "Quyết định ban hành" column must be added first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.core.models import OrgUnit
from qms.documents.imports import parse, validate, write
from qms.documents.imports.columns import COLUMNS, LIST_KINDS, SPECS
from qms.documents.imports.errors import ImportRejected, RowError
from qms.documents.imports.write import DECISION_TITLE

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from qms.accounts.models import User

__all__ = [
    "COLUMNS",
    "DECISION_TITLE",
    "LIST_KINDS",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "import_list",
    "may_import",
]


@dataclass(frozen=True)
class ImportResult:
    created: int


# Who may import what (decided on the agency itself, never "a role somewhere in it"):
# the internal list puts documents in force and registers issuing decisions in the agency's
# number register, so it needs the issuing role (the ISO committee) over the agency; the
# external register is agency-wide; a records list may be imported by whoever keeps the
# records of a unit, each row being checked against the row's own unit.
IMPORT_ACTIONS = {
    "internal": "documents.issue",
    "external": "documents.manage_registers",
    "records": "documents.manage_registers",
}


def may_import(user: User, agency: OrgUnit, list_kind: str) -> bool:
    """May ``user`` import ``list_kind`` into ``agency``? (records: at least one own unit)."""
    action = IMPORT_ACTIONS.get(list_kind)
    if action is None:
        return False
    if permissions.can(user, action, agency):
        return True
    if list_kind != "records":
        return False
    return (
        OrgUnit.objects.subtree_of(agency).filter(permissions.unit_scope_q(user, action)).exists()
    )


def import_list(
    *, actor: User, agency: OrgUnit, list_kind: str, upload: UploadedFile
) -> ImportResult:
    """Check the whole file, then create every row, or raise ImportRejected and write nothing.

    Raises PermissionDenied unless ``may_import`` (records: a row of a unit the actor does
    not keep is a row error).
    """
    if list_kind not in SPECS:
        raise ImportRejected(_("Choose the list to import."), [])
    if not may_import(actor, agency, list_kind):
        raise PermissionDenied
    sheet = parse.read_sheet(parse.read_upload(upload), SPECS[list_kind])
    if list_kind == "internal":
        created = write.internal(
            actor=actor, agency=agency, checked=validate.internal(agency, sheet)
        )
    elif list_kind == "external":
        created = write.external(
            actor=actor, agency=agency, checked=validate.external(agency, sheet)
        )
    else:
        created = write.records(
            actor=actor, agency=agency, checked=validate.records(actor, agency, sheet)
        )
    return ImportResult(created=created)
