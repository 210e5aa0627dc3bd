"""The master list's rows, read as tuples and rendered once in Python.

The template loop cost about half of the page: per row a URL reversal, two ``date``
filters, a ``{% status_badge %}``, the choice labels and a dozen attribute lookups through
the template engine. Here the URL is reversed once, the labels and badges are computed
once per page, and every value users typed is escaped (``html.escape``).
The markup is the one ``_document_rows.html`` rendered cell by cell.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qms.core.templatetags.qms import status_badge
from qms.core.text import dmy
from qms.documents.models import Document, DocumentVersion

# What a row shows, in DocumentRow's order: one query, no model instances.
COLUMNS = (
    "pk",
    "code",
    "title",
    "parent__code",
    "is_tthc",
    "tthc_field",
    "kind",
    "owner_unit__short_name",
    "owner_unit__name",
    "current_version_id",
    "status",
    "next_review_on",
)

_VERSION = COLUMNS.index("current_version_id")  # the version's issue and date come after
_PK = 987654321  # a placeholder id for reversing the document URL once
_DASH = "\u2014"


class DocumentRow(NamedTuple):
    """One document of the master list, as much as the row shows."""

    pk: int
    code: str
    title: str
    parent_code: str | None
    is_tthc: bool
    tthc_field: str
    kind: str
    unit_short_name: str
    unit_name: str
    current_version_id: int | None
    issue_no: int | None
    issued_on: datetime.date | None
    status: str
    next_review_on: datetime.date | None


def row_values(qs: QuerySet[Document]) -> QuerySet[Any, Any]:
    """``qs`` as the tuples of ``COLUMNS`` (the joins of the ordering stay in SQL)."""
    return qs.values_list(*COLUMNS)


def as_rows(values: Iterable[Any]) -> list[DocumentRow]:
    """The rows of one page; the versions in force in a second query by their ids (joined
    into the page's query, PostgreSQL hashed the whole versions table for one agency)."""
    values = list(values)
    wanted = [v[_VERSION] for v in values if v[_VERSION] is not None]
    issues: dict[int, tuple[int, datetime.date | None]] = {}
    if wanted:
        found = DocumentVersion.objects.filter(pk__in=wanted).values_list(
            "pk", "issue_no", "issued_on"
        )
        issues = {pk: (no, on) for pk, no, on in found}
    cut = _VERSION + 1
    return [DocumentRow(*v[:cut], *issues.get(v[_VERSION], (None, None)), *v[cut:]) for v in values]


def _title_cell(row: DocumentRow, form_of: str) -> str:
    parent = (
        f'<div class="small text-muted">{form_of} {escape(row.parent_code)}</div>'
        if row.parent_code is not None
        else ""
    )
    tthc = ""
    if row.is_tthc:
        field = f" · {escape(row.tthc_field)}" if row.tthc_field else ""
        tthc = f' <span class="badge text-bg-light border">TTHC{field}</span>'
    return f"<td>{escape(row.title)}{parent}{tthc}</td>"


def rows_html(rows: Iterable[DocumentRow], today: datetime.date) -> SafeString:
    """The ``<tr>`` of every row, as ``_document_rows.html`` rendered them. Every value
    goes through ``html.escape``, what Django's ``escape`` does without its lazy-string
    wrapper (a thousand calls a page)."""
    url = escape(reverse("documents:document_detail", args=[_PK]))
    kinds = {value: escape(str(label)) for value, label in Document.Kind.choices}
    statuses = {value: str(label) for value, label in Document.Status.choices}
    badges = {value: status_badge(value, label) for value, label in statuses.items()}
    form_of = escape(_("Form of"))
    out = []
    for row in rows:
        if row.current_version_id is not None:
            issue = f"{row.issue_no:02d}" if row.issue_no is not None else ""
            issued = f"{issue} · {dmy(row.issued_on)}"
        else:
            issued = _DASH
        review = row.next_review_on
        late = row.status == Document.Status.IN_FORCE and review is not None and review < today
        out.append(
            f'<tr><td class="text-nowrap fw-semibold"><a href="'
            f'{url.replace(str(_PK), str(row.pk))}">{escape(row.code)}</a></td>'
            f"{_title_cell(row, form_of)}"
            f'<td class="small max-w-9">{kinds.get(row.kind) or escape(row.kind)}</td>'
            f'<td class="small">{escape(row.unit_short_name or row.unit_name)}</td>'
            f'<td class="text-nowrap">{issued}</td>'
            f'<td class="text-nowrap{" text-danger fw-semibold" if late else ""}">'
            f"{dmy(review) or _DASH}</td>"
            f"<td>{badges.get(row.status) or status_badge(row.status, row.status)}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
