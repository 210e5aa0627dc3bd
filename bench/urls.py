"""The application's URLs plus a floor page: a signed-in page that only extends base.html,
what every page costs before its own content (middleware, session, menu, top bar)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

FLOOR = engines["django"].from_string('{% extends "base.html" %}')


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR.render({}, request))


urlpatterns = [*app_urlpatterns, path("_floor/", floor, name="floor")]
