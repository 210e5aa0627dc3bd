from __future__ import annotations

from typing import Any

import pytest

from qms.notifications.tests.outbox_helpers import Receiver, Redirecting, free_port, serve


@pytest.fixture
def smtp_settings(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://eiso.hungyen.gov.vn"
    return settings


@pytest.fixture
def receiver(settings: Any) -> Any:
    """A real HTTP server on 127.0.0.1 recording what it receives (``Receiver``)."""
    server = serve(Receiver, settings)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def redirecting(settings: Any) -> Any:
    """A receiver that answers every POST with a redirect to the metadata service."""
    server = serve(Redirecting, settings)
    yield server
    server.shutdown()
    server.server_close()
