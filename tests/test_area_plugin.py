"""A new area plugs in without editing the foundation.

``tests.area_plugin`` is installed next to the real apps for these tests only: Django runs
every app's ``ready()`` again, the plugin registers a menu entry, a panel on a plan task,
a periodic job and a notification kind, and brings its own URLs with an XLSX export. Afterwards the registries
are put back, so that no other test sees the plugin.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from django.conf import settings
from django.test import override_settings
from openpyxl import load_workbook

from conftest import Org
from qms.accounts.models import User
from qms.core import menu, panels, periodic
from qms.notifications import kinds
from qms.notifications.models import Channel, Notification
from qms.notifications.periodic import run_pass
from qms.planning.tests.factories import make_plan
from tests.area_plugin import jobs
from tests.area_plugin import notifications as plugin_notifications

pytestmark = pytest.mark.django_db

# Every registry the plugin fills.
REGISTRIES = (
    menu.sections,
    menu.items,
    panels.page_panels,
    panels.row_panels,
    periodic.registry,
    kinds.registry,
)
SIDEBAR = re.compile(r'id="sidebar".*?</nav>', re.S)


@contextmanager
def installed_plugin() -> Iterator[None]:
    """The project with ``tests.area_plugin`` installed; the registries restored after."""
    with ExitStack() as stack:
        for registry in REGISTRIES:
            stack.enter_context(registry.isolated())
        stack.enter_context(
            override_settings(
                INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.area_plugin"],
                ROOT_URLCONF="tests.area_plugin.root_urls",
            )
        )
        yield
    jobs.RUNS.clear()


@pytest.fixture
def plugin() -> Iterator[None]:
    with installed_plugin():
        yield


def test_the_plugin_menu_entry_shows_in_the_sidebar(plugin: None, client_as) -> None:
    html = client_as("leader").get("/plans/").content.decode()
    sidebar = SIDEBAR.search(html)
    assert sidebar
    assert "Plugin area" in sidebar.group(0)
    assert 'href="/area-plugin/"><i class="bi bi-puzzle"></i> Plugin register' in sidebar.group(0)
    # Its own page marks the entry as the current one.
    page = client_as("leader").get("/area-plugin/").content.decode()
    assert re.search(r'<a class="nav-link active"\s+href="/area-plugin/">', page)


def test_the_plugin_panel_shows_on_a_real_task_page(
    plugin: None, org: Org, personas: dict[str, User], client_as
) -> None:
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=1, lead=org.div_a)
    task = plan.tasks.get()
    html = client_as("iso_office").get(f"/plans/tasks/{task.pk}/").content.decode()
    assert 'id="area-plugin-panel"' in html
    assert f"Task {task.number} has 1 lead units." in html
    # After the documents panel (order 20), as its order (30) says.
    assert html.index("btn-link-documents") < html.index('id="area-plugin-panel"')


def test_the_plugin_job_runs_in_the_periodic_pass(
    plugin: None, org: Org, personas: dict[str, User]
) -> None:
    make_plan(actor=personas["iso_office"], agency=org.agency, tasks=2, lead=org.div_a)
    stats = run_pass()
    assert len(jobs.RUNS) == 1
    assert stats["area_plugin.tally"] == 2


def test_the_plugin_export_downloads_a_valid_workbook(
    plugin: None, org: Org, personas: dict[str, User], client_as
) -> None:
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=1)
    response = client_as("leader").get("/area-plugin/plans.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Year", "Title"],
        [plan.year, plan.title],
    ]


def test_the_plugin_notification_kind_is_written_rendered_and_offered(
    plugin: None, personas: dict[str, User], client_as
) -> None:
    user = personas["iso_office"]
    assert plugin_notifications.notify_tally(recipient=user, count=2) >= 1
    row = Notification.objects.get(
        recipient=user, kind=plugin_notifications.TALLY, channel=Channel.IN_APP
    )
    assert row.subject == "[eISO] Open tasks: 2"
    assert row.body == "The plugin counted 2 open plan tasks.\n/area-plugin/"
    assert "Open tasks: 2" in client_as("iso_office").get("/notifications/").content.decode()
    # A switchable kind: the user may turn it off per channel like any other.
    preferences = client_as("iso_office").get("/notifications/preferences/").content.decode()
    assert "Plugin tally" in preferences


def test_after_the_plugin_the_registries_are_as_before() -> None:
    before = [registry.entries() for registry in REGISTRIES]
    with installed_plugin():
        assert "area_plugin.home" in menu.items.entries()
        assert "area_plugin.task_note" in panels.page_panels.entries()
        assert "area_plugin.tally" in periodic.jobs()
        assert kinds.get(plugin_notifications.TALLY).label == "Plugin tally"
    assert [registry.entries() for registry in REGISTRIES] == before
