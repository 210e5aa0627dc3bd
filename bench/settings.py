"""Production settings over plain HTTP on localhost, for bench/http.py.

Everything production hardens stays (DEBUG off, manifest static files, CSP, the middleware),
except what needs HTTPS or a real host name: no redirect to https, cookies not marked
secure, localhost only. The second sign-in step is off so the bench users sign in with a
password; the URLs add the floor page and the bench's admin changelists.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from config.settings.production import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EISO_MFA_REQUIRED_FOR_ADMINS = False
ROOT_URLCONF = "bench.http_urls"
# collectstatic fills it before gunicorn starts (bench/http.py); shared by the driver's
# in-process measurements, so both serve the same manifest.
STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT", Path(tempfile.gettempdir()) / "eiso-bench-static")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Without `npm ci` the vendor directories are missing: serve what exists, and let the pages
# link the missing files unhashed instead of failing (the bench measures the server).
from config.settings.base import STATICFILES_DIRS as _DIRS  # noqa: E402

_present = [d for d in _DIRS if Path(str(d[1] if isinstance(d, tuple) else d)).exists()]
if len(_present) < len(_DIRS):
    STATICFILES_DIRS = _present
    STORAGES["staticfiles"] = {"BACKEND": "bench.storage.LenientManifestStorage"}  # noqa: F405
