"""The site's URLs plus a *floor* page: a signed-in empty page on ``base.html``.

The floor is what every page costs before it does anything of its own (session, user,
roles, menu, unread count, the layout): benchmarks put each page beside it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as site_patterns

_FLOOR = engines["django"].from_string('{% extends "base.html" %}')


def floor(request: HttpRequest) -> HttpResponse:
    """An empty page on the layout: the per-request cost shared by every page."""
    return HttpResponse(_FLOOR.render(request=request))


urlpatterns = [*site_patterns, path("_floor/", floor, name="floor")]
