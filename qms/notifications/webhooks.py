"""The agency's outgoing webhook: which addresses are allowed, and one signed delivery.

Rules (checked when the policy is saved *and* again at each delivery, DNS can change):

* ``https`` only, unless ``NOTIFY_WEBHOOK_ALLOW_HTTP`` (development and tests);
* the host is resolved and every address must be public: loopback, private (10/8,
  172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, the cloud metadata service),
  multicast, reserved and unspecified addresses are refused, unless the host is listed in
  ``NOTIFY_WEBHOOK_ALLOWED_HOSTS``;
* the request goes to the vetted address itself (no second lookup, so no DNS rebinding);
  TLS still verifies the certificate of the host name;
* redirects are not followed: a 3xx answer is a failure;
* ``X-Eiso-Timestamp`` (Unix seconds) and ``X-Eiso-Signature: sha256=HMAC(secret,
  "{timestamp}.{body}")``; a receiver recomputes it and rejects timestamps older than a few
  minutes, so a captured delivery cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10


class WebhookRefused(Exception):
    """The address may not receive the agency's notifications; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "NOTIFY_WEBHOOK_ALLOWED_HOSTS", [])}


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookRefused(
            _("The webhook host %(host)s cannot be found.") % {"host": host}
        ) from exc
    return sorted({str(info[4][0]) for info in infos})


def vet(url: str) -> Target:
    """Check ``url`` against the rules above; returns where to connect."""
    parts = urlsplit(url.strip())
    allow_http = bool(getattr(settings, "NOTIFY_WEBHOOK_ALLOW_HTTP", False))
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise WebhookRefused(_("The webhook URL must start with https://."))
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise WebhookRefused(_("Give a webhook URL with a host name and no user name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise WebhookRefused(_("The port of the webhook URL is not valid.")) from exc
    addresses = _resolve(host, port)
    if host not in _allowed_hosts():
        refused = [a for a in addresses if not _public(a)]
        if refused or not addresses:
            raise WebhookRefused(
                _(
                    "The webhook host %(host)s resolves to a private, loopback, link-local "
                    "or reserved address (%(address)s); only public addresses are allowed."
                )
                % {"host": host, "address": ", ".join(refused)}
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, addresses[0])


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def post(target: Target, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """POST ``body`` to the vetted address; returns (status, Location header)."""
    cls = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = cls(target, timeout=TIMEOUT_SECONDS)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(1024)
        return response.status, response.getheader("Location", "") or ""
    finally:
        conn.close()


def signed_headers(secret: str, body: bytes, *, delivery: int, event: str) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "eISO-webhook/2",
        "X-Eiso-Delivery": str(delivery),
        "X-Eiso-Event": event,
        "X-Eiso-Timestamp": str(timestamp),
        "X-Eiso-Signature": signature(secret, timestamp, body),
    }
