"""The client address comes from trusted proxies only (issue 12, M6)."""

from __future__ import annotations

import pytest
from django.core.checks import Error
from django.test import RequestFactory, override_settings
from django.urls import reverse

from qms.audittrail.models import LogEntry
from qms.core.checks import check_trusted_proxies
from qms.core.http import client_ip

PROXIES = ["10.0.0.0/8", "192.0.2.7"]


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert _ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert _ip("203.0.113.9") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # A client not behind our proxy cannot choose its address.
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # Behind one proxy: the address the proxy saw.
        ("10.0.0.2", "198.51.100.20", "198.51.100.20"),
        # The client prepends a fake address: the rightmost untrusted one wins.
        ("10.0.0.2", "1.2.3.4, 198.51.100.20", "198.51.100.20"),
        # Two trusted proxies in a row are skipped.
        ("10.0.0.2", "6.6.6.6, 198.51.100.20, 192.0.2.7", "198.51.100.20"),
        ("10.0.0.2", "2001:db8::5", "2001:db8::5"),
        # Garbage in the chain: nothing in it is believed.
        ("10.0.0.2", "198.51.100.20, not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "<script>", "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
        # Only trusted hops: the leftmost of them.
        ("10.0.0.2", "10.1.1.1", "10.1.1.1"),
        # REMOTE_ADDR itself invalid.
        ("bogus", "198.51.100.20", None),
    ],
)
def test_walk_from_the_right_skipping_trusted_proxies(remote, forwarded, expected) -> None:
    assert _ip(remote, forwarded) == expected


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "nonsense"])
def test_invalid_trusted_proxy_entry_is_a_system_check_error() -> None:
    errors = check_trusted_proxies()
    assert [e.id for e in errors] == ["core.E001"]
    assert isinstance(errors[0], Error)


@override_settings(TRUSTED_PROXIES=PROXIES)
@pytest.mark.django_db
def test_spoofed_header_does_not_reach_the_audit_trail(client_as, org) -> None:
    client = client_as("school_iso")
    url = reverse("notifications:ics_token")
    direct = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "8.8.8.8"}
    proxied = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "8.8.8.8, 198.51.100.20"}
    assert client.post(url, **direct).status_code == 302  # type: ignore[arg-type]
    assert client.post(url, **proxied).status_code == 302  # type: ignore[arg-type]
    entries = LogEntry.objects.filter(action="notifications.ics.regenerated").order_by("id")
    assert list(entries.values_list("ip_address", flat=True)) == ["203.0.113.9", "198.51.100.20"]
