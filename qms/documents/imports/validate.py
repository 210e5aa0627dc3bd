"""Check every row of a read sheet before anything is written.

Each list has its checker: it reads each row's cells into the values the documents
services take, records **every** error (Excel row number, column header as in the file,
message in the user's language) and raises them all together, or returns what
:mod:`~qms.documents.imports.write` creates. Nothing is written here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.core.models import IssuedNumber, OrgUnit, OrgUnitName, UnitAlias
from qms.core.text import fold, normalise_space
from qms.documents import services
from qms.documents.imports import cells
from qms.documents.imports.cells import SERIAL, code_key, decision_key, norm
from qms.documents.imports.columns import H_KEEP_UNIT, H_KEEPER
from qms.documents.imports.errors import RowError, reject
from qms.documents.imports.kinds import (
    PROCEDURES,
    ST,
    TTHC_WORDS,
    guess_kind,
    kind_index,
    status_index,
    status_of,
)
from qms.documents.imports.parse import Sheet, SheetRow
from qms.documents.models import Document, ExternalDocument, IssuingDecision

if TYPE_CHECKING:
    from collections.abc import Callable

    from qms.accounts.models import User

DecisionKey = tuple[str, int]  # (folded number, year)


# --------------------------------------------------------------------------- shared


class RowReader:
    """Reads one row's cells, recording errors against the column headers of the file."""

    def __init__(self, sheet: Sheet, row: SheetRow, errors: list[RowError]):
        self.sheet = sheet
        self.number = row.number
        self.cells = row.cells
        self.errors = errors
        self.ok = True

    def error(self, key: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.number, self.sheet.header(key), message))

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        value = cells.as_text(self.cells.get(key))
        if required and not value:
            self.error(key, _("This column is required."))
        elif len(value) > max_length:
            self.error(
                key,
                _("At most %(n)d characters (%(m)d here).") % {"n": max_length, "m": len(value)},
            )
        return value

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        try:
            value = cells.as_date(self.cells.get(key))
        except cells.CellError as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("Enter a date as dd/mm/yyyy."))
        return value

    def integer(self, key: str, *, low: int, high: int, required: bool = False) -> int | None:
        try:
            value = cells.as_int(self.cells.get(key), low=low, high=high)
        except cells.CellError as exc:
            self.error(key, str(exc))
            return None
        if value is None and required:
            self.error(key, _("This column is required."))
        return value

    def unit(self, key: str, units: Units) -> OrgUnit | None:
        """The agency's unit named in the (required) column ``key``."""
        name = self.text(key, max_length=255, required=True)
        unit = units.find(name)
        if name and unit is None:
            self.error(key, _("No unit of the agency is called “%(name)s”.") % {"name": name})
        return unit


class Units:
    """The agency's units (and the agency), by folded name, short name, code, single-unit
    alias or former name."""

    def __init__(self, agency: OrgUnit):
        units = list(
            OrgUnit.objects.active().filter(Q(pk=agency.pk) | Q(agency=agency)).order_by("path")
        )
        self.by_pk = {u.pk: u for u in units}
        self.index: dict[str, OrgUnit] = {}
        for u in units:
            for name in (u.name, u.short_name, u.code):
                if name:
                    self.index.setdefault(fold(name), u)
        for alias in UnitAlias.objects.filter(agency=agency).prefetch_related("units"):
            members = [u for u in alias.units.all() if u.pk in self.by_pk]
            if len(members) == 1:
                self.index.setdefault(fold(alias.name), members[0])
        for former in OrgUnitName.objects.filter(unit_id__in=list(self.by_pk)):
            for name in (former.name, former.short_name):
                if name:
                    self.index.setdefault(fold(name), self.by_pk[former.unit_id])

    def find(self, name: str) -> OrgUnit | None:
        return self.index.get(fold(name)) if name else None


# --------------------------------------------------------------------------- internal


@dataclass
class DocRow:
    row: int
    code: str
    title: str
    kind: str
    is_tthc: bool
    owner: OrgUnit
    issue_no: int
    issued_on: datetime.date
    decision: DecisionKey
    parent_key: str = ""
    tthc_code: str = ""
    tthc_field: str = ""


@dataclass
class DecisionGroup:
    number: str  # as first written
    serial: int
    year: int
    first_row: int
    issued_on: datetime.date
    existing: IssuingDecision | None = None


@dataclass(frozen=True)
class InternalImport:
    """A checked internal list: the documents (procedures before forms) and decisions."""

    documents: list[DocRow]
    decisions: dict[DecisionKey, DecisionGroup]
    existing_ids: dict[str, int]  # code key → pk of the agency's document with that code
    code_header: str
    decision_header: str


def internal(agency: OrgUnit, sheet: Sheet) -> InternalImport:
    """Check a Danh mục tài liệu nội bộ; raises ImportRejected listing every error."""
    check = _InternalCheck(agency, sheet)
    for row in sheet.rows:
        check.row(row)
    check.link_forms()
    # Issuing decisions: reuse the agency's, else register them (checked against the register).
    groups = _decision_groups(
        agency, check.parsed, check.decisions_written, sheet.header("decision"), check.errors
    )
    if check.errors:
        raise reject(check.errors)
    return InternalImport(
        documents=sorted(check.parsed, key=lambda d: (d.kind == Document.Kind.FORM, d.row)),
        decisions=groups,
        existing_ids={key: pk for key, (pk, _kind, _active) in check.existing.items()},
        code_header=sheet.header("code"),
        decision_header=sheet.header("decision"),
    )


class _InternalCheck:
    """Checks an internal list row by row, remembering what the later rows and steps need."""

    def __init__(self, agency: OrgUnit, sheet: Sheet):
        self.sheet = sheet
        self.errors: list[RowError] = []
        self.units = Units(agency)
        self.existing = {
            code_key(code): (pk, kind, archived is None)
            for pk, code, kind, archived in Document.objects.filter(agency=agency).values_list(
                "pk", "code", "kind", "archived_at"
            )
        }
        self.kinds = kind_index()
        self.parsed: list[DocRow] = []
        self.file_codes: dict[str, int] = {}  # code key → first row, for every row with a code
        self.file_kinds: dict[str, str] = {}
        self.raw_parents: dict[int, tuple[str, str]] = {}  # form's row → (parent as written, code)
        self.decisions_written: dict[DecisionKey, str] = {}

    def row(self, row: SheetRow) -> None:
        r = RowReader(self.sheet, row, self.errors)
        code = r.text("code", max_length=60, required=True)
        title = r.text("title", max_length=500, required=True)
        kind, is_tthc = self._kind(r, code)
        owner = r.unit("owner", self.units)
        issue_no = r.integer("issue_no", low=1, high=999, required=True)
        issued_on = r.date("issued_on", required=True)
        decision_text = r.text("decision", max_length=80, required=True)
        if decision_text and SERIAL.match(decision_text) is None:
            r.error(
                "decision",
                _("The decision number must start with its serial, e.g. 2862/QĐ-SGDĐT."),
            )
        parent_text = r.text("parent", max_length=60)
        tthc_code = r.text("tthc_code", max_length=40)
        tthc_field = r.text("tthc_field", max_length=120)
        work = kind == Document.Kind.WORK_PROCEDURE
        if code:
            self._code_once(r, code, kind)
        if kind == Document.Kind.FORM:
            self.raw_parents[r.number] = (parent_text, code)
        if not r.ok:
            return
        assert owner is not None and issue_no is not None and issued_on is not None  # noqa: S101
        dkey = (decision_key(decision_text), issued_on.year)
        self.decisions_written.setdefault(dkey, decision_text)
        self.parsed.append(
            DocRow(
                row=r.number,
                code=normalise_space(code),
                title=title,
                kind=kind,
                is_tthc=(is_tthc or bool(tthc_code)) and work,
                owner=owner,
                issue_no=issue_no,
                issued_on=issued_on,
                decision=dkey,
                tthc_code=tthc_code if work else "",
                tthc_field=tthc_field if work else "",
            )
        )

    def _kind(self, r: RowReader, code: str) -> tuple[str, bool]:
        """The row's kind (written, else guessed from the code) and whether it says TTHC."""
        kind_text = r.text("kind", max_length=120)
        if not kind_text:
            return (guess_kind(code) if code else ""), False
        kind = self.kinds.get(norm(kind_text), "")
        if not kind:
            r.error("kind", _("Unknown type “%(kind)s”.") % {"kind": kind_text})
        return kind, norm(kind_text) in TTHC_WORDS

    def _code_once(self, r: RowReader, code: str, kind: str) -> None:
        key = code_key(code)
        if key in self.file_codes:
            r.error(
                "code",
                _("Code %(code)s appears twice in the file (rows %(first)d and %(row)d).")
                % {"code": code, "first": self.file_codes[key], "row": r.number},
            )
        else:
            self.file_codes[key] = r.number
            self.file_kinds[key] = kind
        if key in self.existing:
            r.error("code", _("Code %(code)s is already used in this agency.") % {"code": code})

    def kind_of(self, key: str) -> str | None:
        """The kind of the document with this code in the file or the agency ("" when the
        file's row has no valid kind), None when there is none."""
        if key in self.file_kinds:
            return self.file_kinds[key]
        if key in self.existing and self.existing[key][2]:
            return self.existing[key][1]
        return None

    def link_forms(self) -> None:
        """Each form to the procedure it belongs to, in the file or the agency."""
        by_row = {d.row: d for d in self.parsed}
        header = self.sheet.header("parent")
        for number, (parent_text, code) in self.raw_parents.items():
            message = ""
            if parent_text:
                key = code_key(parent_text)
                kind_found = self.kind_of(key)
                if kind_found is None:
                    message = _(
                        "Procedure %(code)s is neither in this file nor among the agency's "
                        "documents."
                    ) % {"code": parent_text}
                elif kind_found and kind_found not in PROCEDURES:
                    message = _("%(code)s is not a procedure: a form belongs to a procedure.") % {
                        "code": parent_text
                    }
            else:
                key = _parent_from_code(code, lambda k: self.kind_of(k) in PROCEDURES)
                if not key:
                    message = _("A form belongs to a procedure: enter the procedure's code.")
            if message:
                self.errors.append(RowError(number, header, message))
            elif number in by_row:
                by_row[number].parent_key = key


def _parent_from_code(code: str, is_procedure: Callable[[str], bool]) -> str:
    """The procedure named in a form's code ("BM.01-QT.ISO.01" → "qt.iso.01"), or ""."""
    for i, char in enumerate(code):
        if char == "-":
            key = code_key(code[i + 1 :])
            if key and is_procedure(key):
                return key
    return ""


def _decision_groups(
    agency: OrgUnit,
    parsed: list[DocRow],
    written: dict[DecisionKey, str],
    header: str,
    errors: list[RowError],
) -> dict[DecisionKey, DecisionGroup]:
    """The file's decisions, each the agency's decision of that number (or serial) when there
    is one, else checked to be free in the agency's number register."""
    groups = _group_by_decision(parsed, written)
    if not groups:
        return groups
    by_number, by_serial = _agency_decisions(agency)
    taken = _taken_serials(agency, sorted({g.year for g in groups.values()}))
    new: dict[tuple[int, int], DecisionGroup] = {}
    for dkey, group in groups.items():
        group.existing = by_number.get(dkey) or by_serial.get((group.year, group.serial))
        if group.existing is not None:
            continue
        twin = new.setdefault((group.year, group.serial), group)
        if twin is not group:
            message = _(
                "%(number)s and %(other)s (row %(row)d) have the same serial in %(year)s."
            ) % {
                "number": group.number,
                "other": twin.number,
                "row": twin.first_row,
                "year": group.year,
            }
            errors.append(RowError(group.first_row, header, message))
        elif (group.year, group.serial) in taken:
            message = _(
                "Number %(serial)s of %(year)s is already in the register (%(symbol)s), "
                "for another document."
            ) % {
                "serial": group.serial,
                "year": group.year,
                "symbol": taken[(group.year, group.serial)],
            }
            errors.append(RowError(group.first_row, header, message))
    return groups


def _group_by_decision(
    parsed: list[DocRow], written: dict[DecisionKey, str]
) -> dict[DecisionKey, DecisionGroup]:
    """One group per decision of the file, dated by its earliest document."""
    groups: dict[DecisionKey, DecisionGroup] = {}
    for d in parsed:
        group = groups.get(d.decision)
        if group is None:
            number = written[d.decision]
            match = SERIAL.match(number)
            assert match is not None  # noqa: S101 - checked per row
            groups[d.decision] = DecisionGroup(
                number=number,
                serial=int(match.group(1)),
                year=d.decision[1],
                first_row=d.row,
                issued_on=d.issued_on,
            )
        elif d.issued_on < group.issued_on:
            group.issued_on = d.issued_on
    return groups


def _agency_decisions(
    agency: OrgUnit,
) -> tuple[dict[DecisionKey, IssuingDecision], dict[tuple[int, int], IssuingDecision]]:
    """The agency's decisions by (folded number, year) and by (year, serial)."""
    by_number: dict[DecisionKey, IssuingDecision] = {}
    by_serial: dict[tuple[int, int], IssuingDecision] = {}
    for decision in IssuingDecision.objects.filter(agency=agency).select_related("issued_number"):
        by_number.setdefault((decision_key(decision.number), decision.issued_on.year), decision)
        num = decision.issued_number
        if num is not None:
            by_serial.setdefault((num.year, num.serial), decision)
    return by_number, by_serial


def _taken_serials(agency: OrgUnit, years: list[int]) -> dict[tuple[int, int], str]:
    """(year, serial) → symbol of the numbers already in the decisions' register."""
    series = "" if agency.shared_serial else "QĐ"
    return {
        (year, serial): symbol
        for year, serial, symbol in IssuedNumber.objects.filter(
            agency=agency, year__in=years, series=series
        ).values_list("year", "serial", "symbol")
    }


# --------------------------------------------------------------------------- external


@dataclass(frozen=True)
class ExternalRow:
    row: int
    data: services.ExternalInput
    status: str
    change_on: datetime.date | None


@dataclass(frozen=True)
class ExternalImport:
    """A checked external list: the entries of the register of legal texts."""

    rows: list[ExternalRow]
    number_header: str


def external(agency: OrgUnit, sheet: Sheet) -> ExternalImport:
    """Check a Danh mục tài liệu bên ngoài; raises ImportRejected listing every error."""
    check = _ExternalCheck(agency, sheet)
    for row in sheet.rows:
        check.row(row)
    if check.errors:
        raise reject(check.errors)
    return ExternalImport(rows=check.parsed, number_header=sheet.header("number"))


class _ExternalCheck:
    def __init__(self, agency: OrgUnit, sheet: Sheet):
        self.sheet = sheet
        self.errors: list[RowError] = []
        self.in_register = {
            code_key(n)
            for n in ExternalDocument.objects.filter(
                agency=agency, archived_at__isnull=True
            ).values_list("number", flat=True)
        }
        self.statuses = status_index()
        self.seen: dict[str, int] = {}  # number key → first row
        self.parsed: list[ExternalRow] = []

    def row(self, row: SheetRow) -> None:
        r = RowReader(self.sheet, row, self.errors)
        doc_number = r.text("number", max_length=80, required=True)
        subject = r.text("subject", max_length=2000, required=True)
        doc_type = r.text("doc_type", max_length=60)
        issuer = r.text("issuer", max_length=255)
        signed_on = r.date("signed_on")
        effective_on = r.date("effective_on")
        status = self._status(r)
        change_on = r.date("change_on")
        if status in {ST.AMENDED, ST.REPLACED} and cells.is_empty([r.cells.get("change_on")]):
            r.error(
                "change_on",
                _("Enter the date the amending or replacing text takes effect (dd/mm/yyyy)."),
            )
        field_text = r.text("field", max_length=120)
        if doc_number:
            self._number_once(r, doc_number)
        if not r.ok:
            return
        assert status is not None  # noqa: S101
        data = services.ExternalInput(
            number=doc_number,
            doc_type=doc_type,
            issuer=issuer,
            title=subject,
            signed_on=signed_on,
            effective_on=effective_on,
            field=field_text,
        )
        self.parsed.append(ExternalRow(row=r.number, data=data, status=status, change_on=change_on))

    def _status(self, r: RowReader) -> str | None:
        status_text = r.text("status", max_length=255)
        status = status_of(status_text, self.statuses)
        if status is None:
            r.error(
                "status",
                _(
                    "Unknown status “%(status)s”: use Còn hiệu lực, Sửa đổi, bổ sung, "
                    "Bị thay thế or Hết hiệu lực."
                )
                % {"status": status_text},
            )
        return status

    def _number_once(self, r: RowReader, doc_number: str) -> None:
        key = code_key(doc_number)
        if key in self.seen:
            r.error(
                "number",
                _("%(number)s appears twice in the file (rows %(first)d and %(row)d).")
                % {"number": doc_number, "first": self.seen[key], "row": r.number},
            )
        else:
            self.seen[key] = r.number
        if key in self.in_register:
            r.error("number", _("%(number)s is already in the register.") % {"number": doc_number})


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordsImport:
    """A checked records list: (Excel row, record) pairs."""

    rows: list[tuple[int, services.RecordInput]]
    name_header: str


def records(actor: User, agency: OrgUnit, sheet: Sheet) -> RecordsImport:
    """Check a Danh mục hồ sơ; raises ImportRejected listing every error (a row of a unit
    whose records the actor does not keep is one)."""
    check = _RecordsCheck(actor, agency, sheet)
    for row in sheet.rows:
        check.row(row)
    if check.errors:
        raise reject(check.errors)
    return RecordsImport(rows=check.parsed, name_header=sheet.header("name"))


class _RecordsCheck:
    def __init__(self, actor: User, agency: OrgUnit, sheet: Sheet):
        self.actor = actor
        self.sheet = sheet
        self.errors: list[RowError] = []
        self.units = Units(agency)
        self.procedures: dict[str, tuple[Document, bool]] = {}  # code key → (doc, not a form)
        for doc in Document.objects.filter(agency=agency, archived_at__isnull=True).only(
            "pk", "code", "kind", "owner_unit_id", "agency_id"
        ):
            self.procedures[code_key(doc.code)] = (doc, doc.kind != Document.Kind.FORM)
        self.derive_unit = not sheet.has("owner")
        self.parsed: list[tuple[int, services.RecordInput]] = []

    def row(self, row: SheetRow) -> None:
        r = RowReader(self.sheet, row, self.errors)
        name = r.text("name", max_length=500, required=True)
        form_code = r.text("form_code", max_length=60)
        procedure_text = r.text("procedure", max_length=60)
        document = self._procedure(r, procedure_text)
        location, keeper = self._place_and_keeper(r)
        if self.derive_unit:
            owner = self._derived_unit(r, keeper, document, procedure_text)
        else:
            owner = r.unit("owner", self.units)
        years, retention_text = _retention(r)
        disposal = r.text("disposal", max_length=255)
        if owner is not None and not permissions.can(
            self.actor, "documents.manage_registers", owner
        ):
            r.error(
                "owner" if self.sheet.has("owner") else "name",
                _("You do not keep the records list of %(unit)s.") % {"unit": owner.name},
            )
        if not r.ok:
            return
        assert owner is not None  # noqa: S101
        data = services.RecordInput(
            name=name,
            owner_unit=owner,
            document=document,
            form_code=form_code,
            keeper=keeper,
            location=location,
            retention_years=years,
            retention_text=retention_text,
            disposal_method=disposal,
        )
        self.parsed.append((r.number, data))

    def _procedure(self, r: RowReader, procedure_text: str) -> Document | None:
        if not procedure_text:
            return None
        found = self.procedures.get(code_key(procedure_text))
        if found is None:
            r.error(
                "procedure",
                _("No document of the agency has the code %(code)s.") % {"code": procedure_text},
            )
        elif not found[1]:
            r.error(
                "procedure",
                _("%(code)s is a form: enter the procedure it belongs to.")
                % {"code": procedure_text},
            )
        else:
            return found[0]
        return None

    def _place_and_keeper(self, r: RowReader) -> tuple[str, str]:
        """Nơi lưu and Trách nhiệm lưu, or both read from eISO's combined column."""
        location = r.text("location", max_length=255)
        keeper = r.text("keeper", max_length=255)
        combined = r.text("location_keeper", max_length=520)
        if combined and not (self.sheet.has("location") or self.sheet.has("keeper")):
            place, sep, who = combined.rpartition(" / ")
            location, keeper = (place.strip(), who.strip()) if sep else ("", combined)
            if max(len(location), len(keeper)) > 255:
                r.error(
                    "location_keeper",
                    _("At most %(n)d characters each for the place and the keeper.") % {"n": 255},
                )
        return location, keeper

    def _derived_unit(
        self, r: RowReader, keeper: str, document: Document | None, procedure_text: str
    ) -> OrgUnit | None:
        """Without a unit column: the unit named as keeper, else the procedure's owner."""
        owner = self.units.find(keeper)
        if owner is None and document is not None:
            owner = self.units.by_pk.get(document.owner_unit_id)
        if owner is None and (document is not None or not procedure_text):
            r.error(
                "owner",
                _(
                    "Which unit keeps this record? Add the column “%(column)s”, or name a "
                    "unit in “%(keeper)s” or a procedure."
                )
                % {"column": H_KEEP_UNIT, "keeper": H_KEEPER},
            )
        return owner


def _retention(r: RowReader) -> tuple[int | None, str]:
    try:
        years, text = cells.as_retention(r.cells.get("retention"))
    except cells.CellError as exc:
        r.error("retention", str(exc))
        years, text = None, ""
    if len(text) > 120:
        r.error(
            "retention",
            _("At most %(n)d characters (%(m)d here).") % {"n": 120, "m": len(text)},
        )
    return years, text
