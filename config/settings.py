"""One settings module, read from the environment.

Safe for development by default. With DEBUG off it refuses to start unless a real
SECRET_KEY and ALLOWED_HOSTS are given, so a misconfigured production server fails
loudly at boot instead of quietly running with a development key.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("Set SECRET_KEY (at least 40 characters) when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) when DEBUG is off.")

# The site's own address, used in printed results and the feed.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The admin lives at an address of the operator's choosing ("ADMIN_URL=staff-7f3a/").
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "axes",
    "config.apps.SiteConfig",
    "articles",
    "interactions",
]

# Order matters. Top to bottom a request passes through; bottom to top the response.
# - The request log wraps everything, so its duration and status are what the client saw.
# - Security headers and the CSP sit above SecurityMiddleware and WhiteNoise, so the HTTPS
#   redirect and static files get them too.
# - Cache-Control, friendly errors and rate limits come before the page cache, so they
#   apply to cached pages as well; rate-limited requests cost no rendering.
# - The page cache sits above gzip and ETags, so it stores pages compressed and tagged once.
MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.CacheControlMiddleware",
    "config.middleware.FriendlyErrorsMiddleware",
    "config.middleware.RateLimitMiddleware",
    "config.middleware.PageCacheMiddleware",
    "config.middleware.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "config.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Optional read replicas (comma-separated URLs): reads go there, writes to "default".
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_n}"] = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 60), conn_health_checks=True
    )
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # A database that is down or stuck fails the request quickly instead of hanging a worker.
        _db.setdefault("OPTIONS", {}).setdefault("connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5")))
        _db["OPTIONS"].setdefault(
            "options", f"-c statement_timeout={int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', '15000'))}"
        )
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["config.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a locked-out client before a password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
# Failures are logged as JSON lines by our handler; no HTML in the log.
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
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

# Content and knowledge live in version-controlled files.
CONTENT_DIR = BASE_DIR / "content"
GUIDES_DIR = CONTENT_DIR / "guides"

# A strict policy: no inline scripts or styles, nothing from another origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "usb",
        "xr-spatial-tracking",
    )
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The shared cache: Redis in production (REDIS_URL), local memory otherwise. It holds
# rendered public pages, rate-limit counters and read counters. A Redis outage degrades
# to "no cache" (config.cache): slower, never down.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "bym"),
            "TIMEOUT": 300,
            "OPTIONS": {"RETRY_AFTER_SECONDS": float(os.environ.get("CACHE_RETRY_AFTER_SECONDS", "5"))},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "beforeyoumix",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Rendered pages kept in the shared cache (config.middleware.PageCacheMiddleware), and how
# long browsers and a CDN may keep a public page (Cache-Control: public, max-age).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_PATHS = [
    r"^/$",
    r"^/articles/",
    r"^/topics/",
    r"^/tags/",
    r"^/drugs/",
    r"^/feed/$",
    r"^/sitemap\.xml$",
]
# Each process also keeps its most-read pages for a few seconds, saving the Redis round
# trip. Off in development and tests, where the cache is cleared under its feet.
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", "0" if DEBUG else "256"))
PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("PAGE_CACHE_LOCAL_SECONDS", "10"))
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "300"))
# Read counters are written to the database once every COUNTER_BATCH reads.
COUNTER_BATCH = int(os.environ.get("COUNTER_BATCH", "1" if DEBUG else "20"))

# Per-client limits on the checker and the API (config.middleware.RateLimitMiddleware).
# Off by default in development and tests; always on in production.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", not DEBUG)
RATELIMITS = {
    "check": os.environ.get("RATELIMIT_CHECK", "60/m"),
    "api": os.environ.get("RATELIMIT_API", "180/m"),
}
RATELIMIT_FAIL_OPEN = True  # a cache outage must not lock everyone out of the checker
# How many proxies (load balancer, CDN) put the client's address in X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# One JSON line per request and per event (config.logs). Request paths are logged as their
# URL pattern and never with a query string: what people check is health data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logs.RedactRequestFilter"}},
    "formatters": {"json": {"()": "config.logs.JSONFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger repeats what our request log says, with the address.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # runserver's own lines carry the full address and query: our request log replaces them.
        "django.server": {"handlers": ["null"], "level": "ERROR", "propagate": False},
        # django-axes logs each admin login failure; keep warnings, not every access.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
