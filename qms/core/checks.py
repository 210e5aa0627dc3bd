"""System checks of the foundation's security settings."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every ``TRUSTED_PROXIES`` entry is an IP address or a network (CIDR)."""
    errors = []
    for entry in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"TRUSTED_PROXIES entry {entry!r} is not an IP address or CIDR network.",
                    id="core.E001",
                )
            )
    return errors
