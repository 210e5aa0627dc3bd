"""Acceptance 7 of issue 12: every role's main pages load under the Content-Security-Policy
with no violation in the console, and htmx still works."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.conftest import sign_in

# Demo logins, one per role (README "Demo logins").
ROLES = {
    "leader": "giamdoc",
    "iso_officer": "thukyiso",
    "unit_head": "tp.gdtrh",
    "staff": "cb.gdtrh",
    "auditor": "danhgia",
    "overseer": "skhcn",
    "agency_admin": "quantriso",
    "system_admin": "admin",
}
# The first detail page of each kind linked from a page the role can open (in order: a
# detail found first is a listing for the next pattern).
DETAILS = [
    ("/plans/", r"^/plans/\d+/$"),
    ("/plans/my-tasks/", r"^/plans/tasks/\d+/$"),
    ("/documents/list/", r"^/documents/\d+/$"),
    ("/documents/decisions/", r"^/documents/decisions/\d+/$"),
    ("/documents/records/", r"^/documents/records/\d+/$"),
    ("/documents/external/", r"^/documents/external/\d+/$"),
    ("/objectives/dashboard/?year=2022", r"^/objectives/sets/\d+/$"),
    ("/objectives/matrix/?year=2021", r"^/objectives/sets/\d+/$"),
    ("/units/", r"^/units/\d+/$"),
]
# Pages every role is sent to (those a role may not open answer 403: checked too, the
# error page must obey the policy as well).
ALWAYS = ["/", "/notifications/", "/notifications/preferences/", "/accounts/profile/"]
ADMIN_PAGES = ["/django-admin/", "/django-admin/core/orgunit/"]
VIOLATION = re.compile(r"Content Security Policy|Refused to (apply|execute|load|connect)", re.I)


class Watch:
    """Collects CSP violations and script errors reported by the browser."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if VIOLATION.search(message.text) or message.type == "error" and "eval" in message.text:
            self.problems.append(f"{message.type}: {message.text}")


def _visit(page: Page, base: str, path: str, seen: dict[str, int]) -> None:
    response = page.goto(base + path)
    assert response is not None, path
    header = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in header, (path, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (path, header)
    page.wait_for_load_state("load")
    seen[path] = response.status


def _nav_links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("#sidebar a.nav-link", "els => els.map(e => e.pathname)")
    return list(dict.fromkeys(hrefs))


def _first_detail(page: Page, pattern: str) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.pathname)")
    return next((h for h in hrefs if re.match(pattern, h)), None)


def _follow_ups(page: Page, detail: str) -> list[str]:
    if re.match(r"^/plans/\d+/$", detail):
        return [detail + "timeline/"]
    if detail.startswith("/objectives/sets/"):
        actions = _first_detail(page, r"^/objectives/objectives/\d+/actions/$")
        return [actions] if actions else []
    return []


def _walk_role(page: Page, base: str, username: str) -> dict[str, int]:
    sign_in(page, base, username)
    seen: dict[str, int] = {}
    _visit(page, base, "/", seen)
    for path in [*_nav_links(page), *ALWAYS]:
        if path not in seen:
            _visit(page, base, path, seen)
    for listing, pattern in DETAILS:
        _visit(page, base, listing, seen)
        detail = _first_detail(page, pattern)
        if detail and detail not in seen:
            _visit(page, base, detail, seen)
            for extra in _follow_ups(page, detail):
                _visit(page, base, extra, seen)
    return seen


def test_every_role_loads_its_pages_without_csp_violation(page: Page, live_server, demo_data):
    base = live_server.url
    watch = Watch(page)
    visited: dict[str, dict[str, int]] = {}
    for role, username in ROLES.items():
        visited[role] = _walk_role(page, base, username)
        assert not watch.problems, (role, watch.problems)
    for path in ADMIN_PAGES:
        _visit(page, base, path, visited["system_admin"])
        assert visited["system_admin"][path] == 200
    assert not watch.problems, watch.problems
    print({role: sorted(seen) for role, seen in visited.items()})  # noqa: T201
    for role, seen in visited.items():
        opened = [p for p, status in seen.items() if status == 200]
        assert len(opened) >= 8, (role, seen)
    system = visited["system_admin"]
    for page_path in [
        "/notifications/outbox/",
        "/notifications/reminders/",
        "/calendar/",
        "/audit-log/",
    ]:
        assert system.get(page_path) == 200, (page_path, system)
    assert any(re.match(r"^/plans/\d+/$", p) for p in visited["leader"])
    assert any(re.match(r"^/documents/\d+/$", p) for p in visited["staff"])
    assert any(re.match(r"^/objectives/sets/\d+/$", p) for p in visited["iso_officer"])


def test_htmx_filter_and_auto_submit_work_under_the_policy(page: Page, live_server, demo_data):
    base = live_server.url
    watch = Watch(page)
    sign_in(page, base, "thukyiso")
    page.goto(f"{base}/documents/list/")
    rows = page.locator("#doc-rows")
    expect(rows).to_be_visible()
    with page.expect_response(
        lambda r: "/documents/list/" in r.url and r.request.headers.get("hx-request") == "true"
    ) as info:
        page.fill("#id_q", "zzz-nothing-matches-this")
    assert info.value.status == 200
    expect(rows).to_contain_text(re.compile(r"\S"))
    assert "zzz-nothing-matches-this" in page.url  # hx-push-url
    # The year select of the calendar submits its form from app.js (was onchange="…").
    sign_in(page, base, "admin")
    page.goto(f"{base}/calendar/")
    options = page.locator("#year-select option")
    target = options.nth(0).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#year-select", target)
    assert f"year={target}" in page.url
    # Computed widths are set through the CSSOM (data-width), not style attributes.
    page.goto(f"{base}/plans/")
    bar = page.locator(".progress-bar[data-width]").first
    expect(bar).to_be_attached()
    assert bar.evaluate("el => el.style.width") == f"{bar.get_attribute('data-width')}%"
    assert not watch.problems, watch.problems
    # Control: the watch does see a violation (an injected style attribute is refused).
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("inline style" in p for p in watch.problems), watch.problems
