"""Settings for Recovery Directory, configured by environment variables.

Every variable is listed in `.env.example` and in the README's configuration table. Values are
parsed strictly: a bad value stops the process at start with a message naming the variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# DEMO_MODE is what `make run` sets: a local demonstration that runs like production
# (DEBUG off, gunicorn, WhiteNoise) but keeps a generated secret key in the data folder.
DEMO_MODE = env_bool("DEMO_MODE", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if DEBUG or DEMO_MODE:
        key_file = DATA_DIR / "secret_key"
        if not key_file.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or DEMO_MODE else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public base address (https://directory.example.org). Empty: pages link to the address
# each request came to; emails and links made outside a request (commands, the API's record
# addresses) use this machine on PORT, which is right for `make run` only (services.links).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
SITE_URL_FALLBACK = f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"

INSTALLED_APPS = [
    "services.apps.DirectoryAdminConfig",  # django.contrib.admin with our home page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "services",
    "engagement",
]

MIDDLEWARE = [
    # First: request ids and the request log, bounded database waits, then /healthz and
    # /readyz, answered before the host check and the HTTPS redirect (services/health.py).
    "services.logs.RequestLogMiddleware",
    "services.faults.DatabaseDeadlineMiddleware",
    "services.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for pages holding no secret (BREACH): see services/compression.py.
    "services.compression.CompressionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "engagement.middleware.PrivatePagesMiddleware",
    "engagement.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "services.middleware.PermissionsPolicyMiddleware",
    # Last: turns a sign-in lock-out (django-axes) into our lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "recovery_directory.urls"
WSGI_APPLICATION = "recovery_directory.wsgi.application"

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
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "recovery_directory.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# A database that is down or hung must not hold a page for long (services/faults.py): a
# connection attempt gives up after DB_CONNECT_TIMEOUT seconds and a statement after
# DB_STATEMENT_TIMEOUT (PostgreSQL's statement_timeout; SQLite's wait for a lock). Web requests
# also stop waiting for a server that no longer answers at all (processes stopped) at that time.
# 0 switches the statement limit off, e.g. for `migrate` on a large database.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3, minimum=1)
DB_STATEMENT_TIMEOUT = env_int("DB_STATEMENT_TIMEOUT", 4)
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "services.database"  # no second wait in one request
    _db_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if DB_STATEMENT_TIMEOUT:
        _limit = f"-c statement_timeout={DB_STATEMENT_TIMEOUT}s"
        _db_options["options"] = " ".join(filter(None, [_db_options.get("options"), _limit]))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _db_options.setdefault("timeout", DB_STATEMENT_TIMEOUT or DB_CONNECT_TIMEOUT)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SQLite cannot enforce "NULLs not distinct" on the search-insight counter's unique cell. The
# counters are summed when read, so a rare duplicate row on SQLite changes no figure;
# PostgreSQL enforces the constraint.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def _cache() -> dict:
    """The one cache every worker and server shares: rate limits, sign-in failures, the
    vocabulary registry's version. CACHE_URL=redis://host:port/db selects Redis; without it,
    a table in the database (created by a migration). `locmem://` (one process only) is for
    the test suite."""
    url = os.environ.get("CACHE_URL", "").strip()
    seconds = env_int("CACHE_TIMEOUT_SECONDS", 2, minimum=1)
    if url.startswith(("redis://", "rediss://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "rd",
            "OPTIONS": {"socket_connect_timeout": seconds, "socket_timeout": seconds},
        }
    if url == "locmem://":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "recovery-directory",
        }
    if url:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis:// or rediss:// (or be empty), not {url!r}."
        )
    return {
        "BACKEND": "services.cache.DatabaseCache",
        "LOCATION": "rd_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    }


CACHES = {"default": _cache()}

# Email. The console backend prints messages locally; set EMAIL_HOST for real delivery.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds an SMTP connection may wait; a request's first try at its email waits no longer.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Tries per queued email (engagement/outbox.py) before it is marked failed in the admin.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 10, minimum=1)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Recovery Directory <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the public can write to the directory team (shown on the accessibility and privacy
# pages). Empty: those pages point people to the organisation named on a listing.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")

# HTTPS hardening is on whenever DEBUG is off, unless HTTPS=false (local `make run` only).
HTTPS = env_bool("HTTPS", not DEBUG and not DEMO_MODE)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many proxies in front of the app append to X-Forwarded-For (services.clients).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1 if BEHIND_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Messages ("Added to your list") travel in their own signed cookie only, never in the session:
# every page shows them, and /help-now/ and the error pages must not need the database.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: everything comes from us; no inline scripts or styles, no third
# parties (no fonts, tiles, analytics or CDNs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logging: requests are not logged with their query strings (searches hold postcodes).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
# LOG_FORMAT=json: one JSON object a line, with the request id, and one line per request
# (services/logs.py) in place of gunicorn's access log.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "services.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # django.request logs the full path (with ?near=...) of 4xx responses: keep only errors.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # JSON for every API error, including a database that cannot be reached (503).
    "EXCEPTION_HANDLER": "services.api.errors.exception_handler",
    # The throttles' client address (services.clients.client_ip): REMOTE_ADDR, or the
    # address TRUSTED_PROXIES hops from the right of X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Recovery Directory API",
    "DESCRIPTION": "Community mental-health recovery supports in Scotland.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# API rate limits (DRF throttle rates, e.g. "120/minute") and how long clients may cache reads.
def env_rate(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    number, _, period = value.partition("/")
    if not (number.isdigit() and period in {"second", "minute", "hour", "day"}):
        raise ImproperlyConfigured(f"{name} must look like 120/minute, not {value!r}.")
    return value


API_ANON_THROTTLE_RATE = env_rate("API_ANON_THROTTLE_RATE", "120/minute")
API_TOKEN_THROTTLE_RATE = env_rate("API_TOKEN_THROTTLE_RATE", "600/minute")
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 300)

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Location search: an optional postcodes.io-compatible lookup for postcodes missing from the
# imported table. Off (empty) by default; the directory never needs it.
POSTCODE_LOOKUP_URL = os.environ.get("POSTCODE_LOOKUP_URL", "").rstrip("/")

# Directory behaviour.
REVIEW_OVERDUE_MONTHS = env_int("REVIEW_OVERDUE_MONTHS", 6, minimum=1)
STALE_LISTING_MONTHS = env_int("STALE_LISTING_MONTHS", 12, minimum=1)
# Search: after a bulk change, each process rebuilds its index in a background thread while
# its searches go on (services/search/live.py). Off in tests, which need a settled index.
SEARCH_BACKGROUND_REBUILD = env_bool("SEARCH_BACKGROUND_REBUILD", True)
# How long the search change log keeps its rows; a process that has not searched for half of
# it rebuilds its index rather than trust a log that may have been pruned.
SEARCH_CHANGES_KEPT_MINUTES = env_int("SEARCH_CHANGES_KEPT_MINUTES", 60, minimum=10)
MODERATORS_GROUP = "Directory moderators"

# Engagement: referrals (special-category health data) and public forms.
REFERRAL_REMINDER_DAYS = env_int("REFERRAL_REMINDER_DAYS", 7, minimum=1)
REFERRAL_AUTO_DECLINE_DAYS = env_int("REFERRAL_AUTO_DECLINE_DAYS", 14, minimum=1)
REFERRAL_PURGE_AFTER_CLOSED_DAYS = env_int("REFERRAL_PURGE_AFTER_CLOSED_DAYS", 30, minimum=0)
REFERRAL_MAX_AGE_DAYS = env_int("REFERRAL_MAX_AGE_DAYS", 180, minimum=1)
SHORTLIST_SHARE_DAYS = env_int("SHORTLIST_SHARE_DAYS", 90, minimum=1)
SHORTLIST_EMAILS_PER_HOUR = env_int("SHORTLIST_EMAILS_PER_HOUR", 10, minimum=1)
PUBLIC_FORMS_PER_HOUR = env_int("PUBLIC_FORMS_PER_HOUR", 5, minimum=1)
SIGN_IN_ATTEMPTS_PER_HOUR = env_int("SIGN_IN_ATTEMPTS_PER_HOUR", 20, minimum=1)
REVIEW_REMINDER_INTERVAL_DAYS = env_int("REVIEW_REMINDER_INTERVAL_DAYS", 7, minimum=1)
REVIEW_LINK_DAYS = env_int("REVIEW_LINK_DAYS", 30, minimum=1)
# Email alerts about new support (engagement/alerts.py): how long a confirmation link works
# (an unconfirmed sign-up is deleted then), and how long a confirmed alert lasts unless renewed.
ALERT_CONFIRM_DAYS = env_int("ALERT_CONFIRM_DAYS", 7, minimum=1)
ALERT_RETENTION_MONTHS = env_int("ALERT_RETENTION_MONTHS", 12, minimum=1)


# Search on partner sites: who may frame /embed/ (CSP frame-ancestors sources). "https:" means
# any site served over HTTPS; or list origins such as https://www.example-practice.scot.
# Every other page refuses framing.
def env_frame_sources(name: str, default: list[str]) -> list[str]:
    import re

    sources = env_list(name, default)
    pattern = re.compile(r"(https?:|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)")
    for source in sources:
        if not pattern.fullmatch(source):
            raise ImproperlyConfigured(
                f"{name} must list origins like https://example.org (or https:), not {source!r}."
            )
    return sources


EMBED_ALLOWED_ORIGINS = env_frame_sources("EMBED_ALLOWED_ORIGINS", ["https:"])
LOGIN_URL = "login"

# Sign-in protection (README "Sign-in protection"). django-axes counts failed sign-ins on
# /accounts/login/ and /admin/login/ in the shared cache, per username and address together,
# and refuses further tries (before any password is hashed) for a cool-off period.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env_int("SIGN_IN_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "services.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "engagement.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-step sign-in (TOTP) for everyone who can see referral personal details, and for
# moderators. Off in DEBUG and DEMO_MODE so the published demo sign-ins keep working.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", not DEBUG and not DEMO_MODE)
OTP_TOTP_ISSUER = "Recovery Directory"
# Invitations to join an organisation (a signed link) work for this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
SHARED_LISTS_PER_HOUR = env_int("SHARED_LISTS_PER_HOUR", 30, minimum=1)
LINK_WORKERS_GROUP = "Link workers"
