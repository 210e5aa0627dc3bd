"""Helpers shared by the document-control pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from qms.accounts import permissions
from qms.core.http import AuthedRequest, int_param
from qms.core.models import OrgUnit
from qms.documents import selectors
from qms.documents.models import (
    Document,
    DocumentVersion,
)

PAGE_SIZE = 50
FILE_KINDS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
S = DocumentVersion.Status


def _today() -> datetime.date:
    return timezone.localdate()


def _agency_from(request: AuthedRequest, action: str) -> OrgUnit:
    """The agency named by ?agency= (or the only one) where the user may do ``action``."""
    agencies = selectors.agencies_for(request.user, action)
    wanted = int_param(request.GET.get("agency") or request.POST.get("agency"))
    if wanted:
        agency = agencies.filter(pk=wanted).first()
        if agency is None:
            raise Http404
        return agency
    agency = agencies.first()
    if agency is None:
        raise PermissionDenied
    return agency


def _agency_for_change(request: AuthedRequest, action: str) -> OrgUnit:
    """Like ``_agency_from`` for a change of an agency-wide register: the user must hold a
    role for ``action`` over the agency itself (a role on a school or division is not
    enough). 404 for an agency the user cannot see, 403 without the role."""
    wanted = int_param(request.GET.get("agency") or request.POST.get("agency"))
    candidates = selectors.agencies_for(request.user, "documents.view")
    if wanted:
        agency = candidates.filter(pk=wanted).first()
        if agency is None:
            raise Http404
        if not permissions.can(request.user, action, agency):
            raise PermissionDenied
        return agency
    allowed = selectors.agencies_to_change(request.user, action)
    if not allowed:
        raise PermissionDenied
    return allowed[0]


def _owner_units(user: Any, agency: OrgUnit) -> Any:
    return (
        OrgUnit.objects.subtree_of(agency)
        .active()
        .filter(permissions.unit_scope_q(user, "documents.edit"))
    )


def document_filters(request: AuthedRequest) -> selectors.DocumentFilters:
    g = request.GET
    return selectors.DocumentFilters(
        q=g.get("q", "").strip(),
        agency=int_param(g.get("agency")),
        kind=g.get("kind", "") if g.get("kind") in Document.Kind.values else "",
        unit=int_param(g.get("unit")),
        status=g.get("status", "") if g.get("status") in Document.Status.values else "",
        tthc_field=g.get("tthc_field", ""),
        tthc_only=g.get("tthc") == "1",
    )


def _url(name: str) -> str:
    return reverse(name)
