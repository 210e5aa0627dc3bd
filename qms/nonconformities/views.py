"""Pages of nonconformity records (list, detail, raise, each workflow step)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from qms.core.http import AuthedRequest
from qms.nonconformities import selectors


def nc_list(request: AuthedRequest) -> HttpResponse:
    ncs = selectors.ncs_for_user(request.user).select_related("unit")[:50]
    return render(request, "nonconformities/list.html", {"ncs": ncs})


def nc_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    nc = selectors.get_nc_for_user(request.user, pk)
    if nc is None:
        raise Http404
    return render(request, "nonconformities/detail.html", {"nc": nc})
