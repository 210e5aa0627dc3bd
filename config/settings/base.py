"""Settings shared by every environment; per-install values come from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "qms.core",
    "qms.accounts",
    "qms.audittrail",
    "qms.planning",
    "qms.documents",
    "qms.objectives",
    "qms.nonconformities",
    "qms.audits",
    "qms.reports",
    "qms.notifications",
    "qms.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qms.accounts.middleware.MFAMiddleware",
    "qms.audittrail.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qms.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qms.core.context_processors.navigation",
                "qms.notifications.context_processors.unread_notifications",
                "qms.reports.context_processors.reports",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked" (Django 5.1+).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["qms.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Account protection (configurable per install).
LOGIN_MAX_FAILED_ATTEMPTS = env.int("LOGIN_MAX_FAILED_ATTEMPTS", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Throttles (qms/accounts/throttle.py): per account on one IP (above), per IP, per account.
LOGIN_IP_MAX_FAILED_ATTEMPTS = env.int("LOGIN_IP_MAX_FAILED_ATTEMPTS", default=30)
LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS = env.int("LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS", default=100)
PASSWORD_RESET_IP_MAX_REQUESTS = env.int("PASSWORD_RESET_IP_MAX_REQUESTS", default=10)
PASSWORD_RESET_ADDRESS_MAX_REQUESTS = env.int("PASSWORD_RESET_ADDRESS_MAX_REQUESTS", default=3)
# TOTP second step (qms/accounts/mfa.py): required for system/agency admins and superusers.
EISO_MFA_REQUIRED_FOR_ADMINS = env.bool("EISO_MFA_REQUIRED_FOR_ADMINS", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="eISO")
MFA_RECOVERY_CODES = 10
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=15)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules/chart.js/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded evidence is private: never under STATIC/a public URL, always served by a view
# that checks permissions.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Forms render through the project's templates (templates/core/forms/), so ``{{ form }}``
# uses the shared field layout: label, help and error ids wired to aria-describedby.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# A TrueType font with Vietnamese letters for the obsolete stamp on PDFs; empty: look for
# Liberation/DejaVu on the system (qms.documents.files.stamp_font_path).
DOCUMENT_STAMP_FONT = env("DOCUMENT_STAMP_FONT", default="")
# Uploads (qms.core.uploads): one file at most UPLOAD_MAX_BYTES, lowered per kind ("pdf",
# "docx", "xlsx", "png", "jpeg"); one request at most UPLOAD_MAX_FILES_PER_REQUEST files
# and UPLOAD_MAX_REQUEST_BYTES in all. Imports (master-list XLSX, plan DOCX) are parsed
# in memory, so they get a lower limit and a lower uncompressed allowance.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_BYTES_PER_KIND = {"png": 10 * 1024 * 1024, "jpeg": 10 * 1024 * 1024}
UPLOAD_MAX_FILES_PER_REQUEST = env.int("UPLOAD_MAX_FILES_PER_REQUEST", default=10)
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=60 * 1024 * 1024)
UPLOAD_IMPORT_MAX_BYTES = env.int("UPLOAD_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
UPLOAD_IMPORT_MAX_UNCOMPRESSED = 16 * 1024 * 1024
# An obsolete XLSX is stamped (openpyxl, whole workbook in memory) only up to this many
# uncompressed bytes; above it the file is not served (never unstamped).
STAMP_XLSX_MAX_UNCOMPRESSED = 32 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# django-environ puts unknown query options of EMAIL_URL under OPTIONS: take the SMTP
# timeout from there (smtp+tls://user:pw@host:587/?timeout=20) or from EMAIL_TIMEOUT.
# Seconds per socket operation; must stay well below NOTIFY_STALE_SECONDS.
_EMAIL_URL_OPTIONS = EMAIL_CONFIG.pop("OPTIONS", {}) or {}
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=int(_EMAIL_URL_OPTIONS.get("TIMEOUT", 20)))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="eISO <no-reply@eiso.local>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated in the
# environment). Empty: the audit trail and sign-in throttling use REMOTE_ADDR only.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Content-Security-Policy (django-csp 4): scripts and styles only from our own files, no
# inline code, no 'unsafe-inline' (templates pass data with json_script, behaviour lives
# in static/js/app.js, looks in static/css/app.css). data: images are for Bootstrap's own
# SVG icons in its stylesheet (select arrows, close buttons, check marks). Sent in every
# environment, Django admin included; no report-only policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

SOFFICE_BINARY = env("SOFFICE_BINARY", default="")  # default: soffice/libreoffice on PATH
# PDF through LibreOffice (qms.reports.pdf): conversions at once on this host, seconds
# before one is killed, seconds to wait for a free slot. Keep gunicorn's --timeout above
# PDF_SLOT_WAIT + PDF_TIMEOUT plus rendering (90 s for the defaults).
PDF_MAX_CONCURRENT = env.int("PDF_MAX_CONCURRENT", default=2)
PDF_TIMEOUT = env.float("PDF_TIMEOUT", default=60)
PDF_SLOT_WAIT = env.float("PDF_SLOT_WAIT", default=10)
PDF_LOCK_DIR = env("PDF_LOCK_DIR", default="")  # default: <tmp>/eiso-pdflocks
ADMIN_URL = env("ADMIN_URL", default="django-admin/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Notifications: the outbox is sent by `manage.py run_periodic` (cron / systemd timer).
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
# A row whose attempt started this long ago without an outcome is marked dead (its pass
# died); a claimed row never attempted for this long goes back to pending.
NOTIFY_STALE_SECONDS = env.int("NOTIFY_STALE_SECONDS", default=15 * 60)
NOTIFY_CLAIM_BATCH = env.int("NOTIFY_CLAIM_BATCH", default=10)  # rows claimed at once
NOTIFY_PASS_SECONDS = env.int("NOTIFY_PASS_SECONDS", default=4 * 60)  # sending time per pass
# Webhooks: https only, public addresses only (see qms/notifications/webhooks.py).
NOTIFY_WEBHOOK_ALLOW_HTTP = env.bool("NOTIFY_WEBHOOK_ALLOW_HTTP", default=False)
NOTIFY_WEBHOOK_ALLOWED_HOSTS = env.list("NOTIFY_WEBHOOK_ALLOWED_HOSTS", default=[])
