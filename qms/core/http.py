"""Request helpers: typing of authenticated requests, parameters, the client address."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from qms.accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is authenticated (for type checking only)."""

    user: User  # type: ignore[assignment]


def int_param(value: str | None) -> int | None:
    """A whole number from a query or form parameter, None when absent or not a number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def trusted_proxy_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of ``settings.TRUSTED_PROXIES`` (IPs or CIDRs; invalid entries fail
    at start-up through the ``core`` system check)."""
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, as far as trusted proxies vouch for it.

    ``REMOTE_ADDR`` is whoever connected. Only when that is a trusted proxy is
    ``X-Forwarded-For`` read, from the right (each proxy appends the address it saw),
    skipping trusted proxies; the first untrusted address is the client. A malformed
    entry means the chain cannot be trusted: ``REMOTE_ADDR`` is kept.
    """
    remote = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = trusted_proxy_networks()
    if not _trusted(remote, networks):
        return str(remote)
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _parse_ip(hop)
        if address is None:
            return str(remote)
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> bool:
    return any(address in network for network in networks)
