"""One environment-driven settings module.

Everything an operator changes is an environment variable (see docs/operations.md); nothing secret is a
constant in the repository. Without DATABASE_URL the platform runs on SQLite in WAL mode inside the data
folder, so a newcomer needs no services at all.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COCREATE_DATA", "cocreate-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Take SECRET_KEY from the environment, or generate it once into the data folder.

    The file is created with O_EXCL so two processes starting at once agree on a single key.
    """
    key = os.environ.get("SECRET_KEY") or os.environ.get("COCREATE_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("COCREATE_DEBUG", False)
TESTING = _env_bool("COCREATE_TESTING", False)

# The public address decides host checks, CSRF origins and whether cookies are TLS-only.
PUBLIC_URL = os.environ.get("COCREATE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlparse(PUBLIC_URL)
USE_TLS = _public.scheme == "https"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("COCREATE_ALLOWED_HOSTS", "").split(",") if h.strip()]
ALLOWED_HOSTS += [_public.hostname or "127.0.0.1", "127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    "cocreate.core",
    "cocreate.accounts",
    "cocreate.brand",
    "cocreate.journeys",
    "cocreate.discussions",
    "cocreate.challenges",
    "cocreate.community",
    "cocreate.insights",
    "cocreate.rewards",
    "cocreate.workshops",
    "cocreate.contests",
    "cocreate.talent",
    "cocreate.notifications",
    "cocreate.intelligence",
    "cocreate.cli",
]

MIDDLEWARE = [
    "cocreate.core.middleware.RequestIdMiddleware",
    "cocreate.core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cocreate.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cocreate.journeys.middleware.AttributionMiddleware",
]

ROOT_URLCONF = "cocreate.urls"
WSGI_APPLICATION = "cocreate.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cocreate.core.context_processors.site",
                "cocreate.brand.context_processors.brand",
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "cocreate.sqlite3"),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
                # concurrent writers queue on busy_timeout instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;PRAGMA cache_size=-20000;"
                ),
            },
            "TEST": {"NAME": os.environ.get("COCREATE_TEST_SQLITE") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cocreate",
        }
    }
else:
    # A database cache is shared by every web process, so rate limits hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cocreate_cache",
        }
    }

TASKS = {
    "default": {
        "BACKEND": os.environ.get("COCREATE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if REDIS_URL and os.environ.get("COCREATE_TASK_BACKEND") == "django_tasks_rq.RQBackend":
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}

# --- Accounts ---------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "brand:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# A duplicate address is told in place on the sign-up form (a clear answer beats a silent "check your
# inbox"); the sign-up and reset rate limits below bound how fast anyone can probe for addresses.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "cocreate.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "cocreate.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if USE_TLS else "http"
# Brute-force protection: allauth counts failed log-ins per IP and per account in the shared cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("COCREATE_LOGIN_FAILED_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Flood limits per member, counted in the shared cache: new forum threads per minute and per hour, and
# comments or replies per minute.
COCREATE_THREADS_PER_MINUTE = int(os.environ.get("COCREATE_THREADS_PER_MINUTE", "3"))
COCREATE_THREADS_PER_HOUR = int(os.environ.get("COCREATE_THREADS_PER_HOUR", "30"))
COCREATE_COMMENTS_PER_MINUTE = int(os.environ.get("COCREATE_COMMENTS_PER_MINUTE", "6"))

# --- Email ------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("COCREATE_FROM_EMAIL", "Cocreate <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("COCREATE_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["COCREATE_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("COCREATE_SMTP_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("COCREATE_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("COCREATE_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("COCREATE_SMTP_TLS", True)
elif os.environ.get("COCREATE_EMAIL") == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # Demo and development: every message is a file under the data folder.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# --- Security ---------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = USE_TLS
CSRF_COOKIE_SECURE = USE_TLS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if USE_TLS:
    SECURE_HSTS_SECONDS = int(os.environ.get("COCREATE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
if _env_bool("COCREATE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce'"],
    "style-src": ["'self'", "'nonce'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# --- Uploads ----------------------------------------------------------------------------------------
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
COCREATE_IMAGE_MAX_BYTES = int(os.environ.get("COCREATE_IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))
COCREATE_IMAGE_MAX_PIXELS = int(os.environ.get("COCREATE_IMAGE_MAX_PIXELS", str(24_000_000)))

# --- Static files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root before collectstatic has run
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the package so a fresh install needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("COCREATE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Logging ----------------------------------------------------------------------------------------
LOG_LEVEL = os.environ.get("COCREATE_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cocreate.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "cocreate.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("COCREATE_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# --- Platform ---------------------------------------------------------------------------------------
COCREATE_API_PAGE_SIZE = 25
COCREATE_API_MAX_PAGE_SIZE = 100
