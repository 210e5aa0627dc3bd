"""Tests: fast hashing, in-memory mail, private temporary media."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The webhook receiver of the tests listens on http://127.0.0.1 (the loopback address is
# still refused unless a test lists it in NOTIFY_WEBHOOK_ALLOWED_HOSTS).
NOTIFY_WEBHOOK_ALLOW_HTTP = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="eiso-test-media-"))  # noqa: F405
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Tests sign admins in with force_login; tests of the second step turn this on.
EISO_MFA_REQUIRED_FOR_ADMINS = False
