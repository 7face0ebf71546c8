"""One settings module, read from the environment.

Safe for development by default. With DEBUG off it refuses to start unless a real
SECRET_KEY and ALLOWED_HOSTS are given, so a misconfigured production server fails
loudly at boot instead of quietly running with a development key.
"""

import datetime
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from web.logs import logging_config

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

# The site's public address (scheme and host, no path), e.g. https://beforeyoumix.example.org.
# Every absolute URL the site writes (feed, sitemap, robots.txt, canonical links, share
# links, printed results) starts with it, never with what a request's Host or
# X-Forwarded-Proto claims (web.http.site_url). Required with DEBUG off; in development,
# unset, it is taken from each request.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL:
    _site = urlsplit(SITE_URL)
    if _site.scheme not in ("http", "https") or not _site.hostname or _site.path or _site.query:
        raise ImproperlyConfigured(
            f"SITE_URL must be a scheme and host only, like https://example.org (got {SITE_URL!r})."
        )
elif not DEBUG:
    raise ImproperlyConfigured("Set SITE_URL (like https://example.org) when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The admin lives at an address of the operator's choosing ("ADMIN_URL=staff-7f3a/").
# Unset or empty: the default admin/, which check --deploy reports (beforeyoumix.W002).
ADMIN_URL = (os.environ.get("ADMIN_URL", "").strip("/") or "admin") + "/"

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
    "web.apps.WebConfig",
    "articles",
    "interactions",
]

# Order matters. Top to bottom a request passes through; bottom to top the response.
# - The request log wraps everything, so its duration and status are what the client saw.
# - X-Forwarded-* headers from a peer that is not a trusted proxy are dropped next, before
#   anything reads them.
# - Security headers, the CSP and the no-store safety net sit above SecurityMiddleware and
#   WhiteNoise, so the HTTPS redirect and static files get them too.
# - Caching, privacy and rate limits are declared on each view (web.http,
#   web.ratelimits); ConditionalGetMiddleware answers 304s for public pages.
MIDDLEWARE = [
    "web.middleware.RequestLogMiddleware",
    "web.middleware.ForwardedHeadersMiddleware",
    "web.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "web.middleware.PrivateAnswersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.StaticFilesMiddleware",  # WhiteNoise, without its manifest
    "web.middleware.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.middleware.DatabaseUnavailableMiddleware",
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
                "web.context_processors.site",
            ],
            # {% url %} that keeps what it reversed (web/templatetags/cached_url.py).
            "builtins": ["web.templatetags.cached_url"],
        },
    },
    {
        # The checker's result only (interactions/jinja2.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "interactions.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or stuck fails the request quickly instead of hanging a worker.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5")))
    _options.setdefault(
        "options", f"-c statement_timeout={int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', '15000'))}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a locked-out client before a password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
# Locked out per client (the rate limiter's key: an IPv4 address or an IPv6 /64, so
# rotating addresses inside one /64 does not help) and, separately, per username (so
# failures spread over many addresses still lock the account being guessed).
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "web.ratelimits.client_key_for_axes"
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
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# The proxies in front of Django (nginx, a load balancer), as address ranges; "unix" is a
# proxy on the local unix socket gunicorn listens on (REMOTE_ADDR is empty there), as
# deploy/serve.sh runs it. Only from these peers are X-Forwarded-For (the client's address:
# rate limits, admin lockouts) and X-Forwarded-Proto (HTTPS) believed; from anyone else
# both headers are dropped (web.middleware.ForwardedHeadersMiddleware). Empty: no proxy.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
BEHIND_PROXY = bool(TRUSTED_PROXIES)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Two caches: "default" holds rate-limit counters, "pages" the rendered public pages
# (web.http.public_page), so evicting pages never resets a limit. In production two
# Redis instances, because maxmemory and the eviction policy are per instance: REDIS_URL
# (counters; maxmemory-policy noeviction, nothing is ever evicted) and REDIS_PAGES_URL
# (pages; maxmemory with allkeys-lru, so flooding it evicts old pages and never grows it).
# Without REDIS_PAGES_URL, pages go in REDIS_URL's next database (check --deploy warns,
# beforeyoumix.W005). Local memory without Redis. A Redis outage degrades to "no cache"
# (web.cache): slower, never down.
REDIS_URL = os.environ.get("REDIS_URL", "")


def _release() -> str:
    """What this server renders from: RELEASE, else a hash of the knowledge files and the
    static manifest. Part of every page key, so during a rolling deploy old and new servers
    never serve each other's pages."""
    if os.environ.get("RELEASE"):
        return os.environ["RELEASE"][:40]
    digest = hashlib.blake2b(digest_size=8)
    files = sorted((BASE_DIR / "medicines" / "data").rglob("*.yaml"))
    for path in [*files, STATIC_ROOT / "staticfiles.json"]:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _next_database(url: str) -> str:
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{number + 1}").geturl()


PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
if REDIS_URL:
    _redis = {
        "BACKEND": "web.cache.FaultTolerantRedisCache",
        "TIMEOUT": 300,
        "OPTIONS": {"RETRY_AFTER_SECONDS": float(os.environ.get("CACHE_RETRY_AFTER_SECONDS", "5"))},
    }
    CACHES = {
        "default": {
            **_redis,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "bym"),
        },
        # The rate limiter's counters: the same Redis and keys as "default", counted in
        # one round trip per request (web.cache.RateCounterCache; RATELIMIT_USE_CACHE).
        "ratelimit": {
            **_redis,
            "BACKEND": "web.cache.RateCounterCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "bym"),
        },
        "pages": {
            **_redis,
            "LOCATION": os.environ.get("REDIS_PAGES_URL") or _next_database(REDIS_URL),
            "KEY_PREFIX": f"{os.environ.get('CACHE_KEY_PREFIX', 'bym')}:{_release()}",
            "TIMEOUT": PAGE_CACHE_SECONDS,
        },
        # Each process's own copy of the pages it served in the last few seconds, in front
        # of Redis (web.http.public_page): a hit costs no round trip. `make bench`: a guide
        # at 69-74 % of the ceiling with it, 46-51 % while Redis answered (target 50 %;
        # docs/BENCHMARKS.md). A page changed in another process shows here within
        # PAGES_LOCAL_SECONDS; in this one, at once (clear_pages).
        "pages_local": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "beforeyoumix-pages-local",
            "KEY_PREFIX": _release(),
            "TIMEOUT": int(os.environ.get("PAGES_LOCAL_SECONDS", "10")),
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "beforeyoumix",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "ratelimit": {  # the same store as "default" (one LOCATION, one process's memory)
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "beforeyoumix",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "beforeyoumix-pages",
            "KEY_PREFIX": _release(),
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

# How long browsers and a CDN may keep a public page (Cache-Control: public, max-age).
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "300"))
# Guide reads are written to the database once every COUNTER_BATCH reads (articles.reads).
COUNTER_BATCH = int(os.environ.get("COUNTER_BATCH", "1" if DEBUG else "20"))

# The knowledge folder the site reads (empty: the real one in the repository). The benchmark
# points it at synthetic knowledge (bench/synthetic_kb.py); the domain never reads settings,
# the interactions app hands this to the snapshot loader at start-up.
KNOWLEDGE_DIR = os.environ.get("KNOWLEDGE_DIR", "")

# Per-client limits on the checker, the API and search, declared on their views
# (web.ratelimits).
# Off by default in development and tests; always on in production.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", not DEBUG)
RATELIMITS = {
    "check": os.environ.get("RATELIMIT_CHECK", "60/m"),
    "api": os.environ.get("RATELIMIT_API", "180/m"),
    "search": os.environ.get("RATELIMIT_SEARCH", "30/m"),
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True  # a cache outage must not lock everyone out of the checker

# One JSON line per request and per event (web.logs). Request paths are logged as their
# URL pattern and never with a query string: what people check is health data.
LOGGING = logging_config(os.environ.get("LOG_LEVEL", "INFO"))
