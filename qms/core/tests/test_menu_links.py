"""The menu offers only pages its viewer may open (issue 12: no link answers 403/404).

The demo walk (``qms/demo/tests/test_links.py``) covers the demo logins; this covers the
test personas, including roles held only on a school or a division under the agency. The
sidebar is what the apps registered in ``qms.core.menu``, no more, no less.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import PERSONAS, shared_org
from qms.accounts.models import User
from qms.core import menu

pytestmark = pytest.mark.django_db

NAV = re.compile(r'id="sidebar".*?</nav>', re.S)


# One organisation per module; each case runs in a savepoint.
org, personas = shared_org()


def _menu_links(html: str) -> list[str]:
    menu = NAV.search(html)
    assert menu, "the page has no sidebar menu"
    return sorted(set(re.findall(r'href="(/[^"#?]*)"', menu.group(0))))


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_menu_entry_opens_for_its_viewer(
    client_as, personas: dict[str, User], persona: str
) -> None:
    client = client_as(persona)
    home = client.get("/", follow=True)
    links = _menu_links(home.content.decode())
    assert links
    registered = {
        reverse(i.url_name) for _, group in menu.items_for(personas[persona]) for i in group
    }
    assert set(links) == registered
    bad = {link: client.get(link).status_code for link in links}
    assert not {k: v for k, v in bad.items() if v in (403, 404)}
