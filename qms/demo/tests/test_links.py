"""No page of the demo shows a link that answers 403 or 404 to the person who sees it.

Each demo login starts at the home page and follows every ``<a href>`` of the pages it
reaches (breadth first, within the site). A link that opens a page the viewer may not
see is a bug of the page that shows it: the title must be shown without the link.
Pages of the same route are visited a few times each (different objects of one route
render the same template); past that, a page is requested for its status only, without
rendering its template. Files and exports are requested but not parsed, Word files are
not filled in, and PDF conversion is replaced by a stub: the permission check runs
before any of that.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import django.template.loader
import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from docxtpl import DocxTemplate

from conftest import close_response
from qms.accounts.models import User
from qms.demo.loader import USERS, load_demo

pytestmark = pytest.mark.django_db

# Instances of one route visited per persona: enough to meet each template's variants
# (plan issued / draft, document in force / draft) without walking every task.
PER_ROUTE = 6
MAX_PAGES = 1500
# Routes that change state when followed by GET would be a bug of their own; these are
# the ones a crawler must not follow for another reason.
SKIP_ROUTES = {
    "set_language",  # a POST form; a GET only redirects back
    "accounts:logout",
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _internal(href: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith((settings.STATIC_URL, "/" + settings.ADMIN_URL)):
        return None
    return href


def _route(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


_RENDER = {"skip": False}


def _render_unless_skipped(real: Callable[..., str]) -> Callable[..., str]:
    def render_to_string(*args: Any, **kwargs: Any) -> str:
        return "" if _RENDER["skip"] else real(*args, **kwargs)

    return render_to_string


def _parse_only(self: DocxTemplate, _context: object, **_kw: object) -> None:
    """Stands in for docxtpl's rendering: the template is read, not filled; the crawl
    checks who may download a Word file, the export tests check what is in it."""
    self.init_docx(reload=False)


def _fake_pdf(data: bytes, **_kw: object) -> bytes:
    return b"%PDF-1.4 stub"


@pytest.fixture(scope="module")
def demo_loaded(module_db: None, django_db_blocker: Any) -> None:
    """The demo, loaded once for the module; each login's walk runs in a savepoint."""
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db: None, demo_loaded: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every PDF export converts through the one library helper.
    monkeypatch.setattr("qms.reports.responses.docx_to_pdf", _fake_pdf)
    monkeypatch.setattr("qms.reports.responses.soffice_available", lambda: True)
    monkeypatch.setattr(DocxTemplate, "render", _parse_only)
    real = django.template.loader.render_to_string
    monkeypatch.setattr(django.template.loader, "render_to_string", _render_unless_skipped(real))
    _RENDER["skip"] = False


def _crawl(client: Client) -> tuple[list[tuple[str, str, int]], int]:
    """Return (source page, link, status) of every bad link, and the pages requested.

    Every distinct link is requested; only the first PER_ROUTE pages of each route are
    read for further links.
    """
    queue: deque[tuple[str, str]] = deque([("(start)", "/")])
    seen: set[str] = {"/"}
    parsed: Counter[str | None] = Counter()
    bad: list[tuple[str, str, int]] = []
    requested = 0
    while queue and requested < MAX_PAGES:
        source, url = queue.popleft()
        route = _route(url)
        # Past PER_ROUTE, a page is requested for its status only: its template is not
        # rendered (permission checks and lookups run in the view, before rendering).
        _RENDER["skip"] = parsed[route] >= PER_ROUTE
        response = client.get(url)
        close_response(response)  # a file download (task evidence) holds its file open until closed
        requested += 1
        status = response.status_code
        if status in (403, 404):
            bad.append((source, url, status))
            continue
        if status in (301, 302) and (target := _internal(response["Location"])):
            links = [target]
        elif status == 200 and "text/html" in response.get("Content-Type", ""):
            parsed[route] += 1
            if parsed[route] > PER_ROUTE:
                continue
            parser = _Links()
            parser.feed(response.content.decode())
            links = [link for href in parser.hrefs if (link := _internal(href))]
        else:
            continue
        for link in links:
            if link not in seen and _route(link) not in (None, *SKIP_ROUTES):
                seen.add(link)
                queue.append((url, link))
    return bad, requested


@pytest.mark.parametrize("username", [u[0] for u in USERS])
def test_no_demo_page_links_to_a_page_its_viewer_cannot_open(demo: None, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    bad, requested = _crawl(client)
    assert requested > 20, f"{username} reached only {requested} pages"
    assert not bad, "\n".join(f"{src} → {link} answers {status}" for src, link, status in bad)
