"""The audit log (nhật ký hệ thống): a searchable page and its XLSX export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl.styles import Font

from qms.audittrail import selectors
from qms.audittrail.forms import LogFilterForm
from qms.audittrail.models import LogEntry
from qms.core.htmx import htmx_partial
from qms.core.http import AuthedRequest
from qms.reports import responses, xlsx

EXPORT_MAX_ROWS = 100_000
# What a row of the page shows (the keyset adds created_at and id): not the actors' and
# units' other columns.
PAGE_FIELDS = (
    "created_at",
    "action",
    "content_type__app_label",
    "content_type__model",
    "object_id",
    "object_repr",
    "changes",
    "note",
    "ip_address",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
    "unit__name",
    "unit__short_name",
)
EXPORT_WIDTHS = (20, 26, 32, 40, 24, 24, 36, 36, 36, 16)


def _log_reader(request: AuthedRequest) -> Any:
    """The user, if they may read the log somewhere (rows are scoped later); else 403."""
    if not selectors.can_view_log(request.user):
        raise PermissionDenied
    return request.user


@require_GET
def log_list(request: AuthedRequest) -> HttpResponse:
    user = _log_reader(request)
    form = LogFilterForm(request.GET or None, user=user)
    entries = selectors.logentry_list(user=user, filters=form.filters()).only(*PAGE_FIELDS)
    page = selectors.logentry_page(
        entries, older=request.GET.get("older"), newer=request.GET.get("newer")
    )
    filter_query = request.GET.copy()
    for key in ("older", "newer"):
        filter_query.pop(key, None)
    template = (
        "audittrail/partials/_log_rows.html"
        if htmx_partial(request)
        else "audittrail/log_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "filter_query": filter_query.urlencode(),
        },
    )


@require_GET
def log_export(request: AuthedRequest) -> HttpResponse:
    user = _log_reader(request)
    form = LogFilterForm(request.GET or None, user=user)
    entries = selectors.logentry_list(user=user, filters=form.filters())
    content = build_log_xlsx(entries=entries.iterator(chunk_size=2000))
    filename = f"nhat-ky-he-thong-{timezone.localdate():%Y%m%d}.xlsx"
    return responses.download(content, filename)


# ---------------------------------------------------------------- XLSX


def export_rows(entries: Iterable[LogEntry]) -> Iterator[tuple[Any, ...]]:
    """One row per changed field (one row for an entry without field changes)."""
    for entry in entries:
        moment = timezone.localtime(entry.created_at).replace(tzinfo=None)
        head = (
            moment,
            entry.actor.display_name if entry.actor else "",
            selectors.action_label(entry.action),
            entry.object_repr,
            entry.unit.display_name if entry.unit else "",
        )
        tail = (entry.note, entry.ip_address or "")
        changes = selectors.entry_changes(entry) or [selectors.Change("", "", "")]
        for change in changes:
            yield (*head, *change, *tail)


def build_log_xlsx(*, entries: Iterable[LogEntry], max_rows: int = EXPORT_MAX_ROWS) -> bytes:
    """The log as XLSX, write-only (flat memory); cut after ``max_rows`` with a note row."""
    wb, ws = xlsx.new_workbook(_("Audit log")[:31])
    for index, width in enumerate(EXPORT_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    headers = (
        _("Time"),
        _("User"),
        _("Action"),
        _("Record"),
        _("Unit"),
        _("Field"),
        _("Before"),
        _("After"),
        _("Note"),
        _("IP address"),
    )
    bold = Font(bold=True)
    ws.append([xlsx.cell(ws, title, font=bold) for title in headers])
    for written, row in enumerate(export_rows(entries)):
        if written >= max_rows:
            note = _("The export stops at %(max)s rows. Narrow the filters to see the rest.")
            xlsx.append(ws, [note % {"max": f"{max_rows:,}".replace(",", ".")}])
            break
        time_cell = xlsx.cell(ws, row[0], number_format=xlsx.DATETIME_FORMAT)
        ws.append([time_cell, *(xlsx.cell(ws, str(v)) if v else None for v in row[1:])])
    return xlsx.workbook_bytes(wb)
