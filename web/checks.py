"""System checks (registered in web.apps). `manage.py check --deploy` must report none
in production; docs/DEPLOY.md says what each one means and how to fix it.

    beforeyoumix.E001  SITE_URL's host is not in ALLOWED_HOSTS         (always checked)
    beforeyoumix.W001  the cache is local memory                       (--deploy)
    beforeyoumix.W002  the admin is at the default /admin/             (--deploy)
    beforeyoumix.W003  SITE_URL is not set                             (--deploy)
    beforeyoumix.W004  a proxy is in front, but TRUSTED_PROXIES is empty (--deploy)
    beforeyoumix.W005  pages and rate-limit counters share one Redis   (--deploy)
"""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host


def site_url_host_allowed(app_configs, **kwargs):
    """Public pages are rendered as requests for SITE_URL (web.http): Django must
    accept its host, or every public page would answer 400."""
    if not settings.SITE_URL:
        return []
    host = urlsplit(settings.SITE_URL).hostname or ""
    allowed = settings.ALLOWED_HOSTS or (
        [".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else []
    )
    if validate_host(host if ":" not in host else f"[{host}]", allowed):
        return []
    return [
        checks.Error(
            f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS.",
            hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
            id="beforeyoumix.E001",
        )
    ]


def shared_cache(app_configs, **kwargs):
    """Rate limits and cached pages must be shared by every worker and server."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is local memory: rate limits and cached pages are per process.",
                hint="Set REDIS_URL (and REDIS_PAGES_URL) in production.",
                id="beforeyoumix.W001",
            )
        ]
    return []


def admin_url(app_configs, **kwargs):
    if settings.ADMIN_URL.strip("/") == "admin":
        return [
            checks.Warning(
                "The admin is at the default address /admin/, where bots look first.",
                hint="Set ADMIN_URL to an unguessable path, e.g. staff-4f9c2a/.",
                id="beforeyoumix.W002",
            )
        ]
    return []


def site_url(app_configs, **kwargs):
    if not settings.SITE_URL:
        return [
            checks.Warning(
                "SITE_URL is not set: absolute URLs (feed, sitemap, canonical and share "
                "links) are taken from each request's Host header.",
                hint="Set SITE_URL to the public address, e.g. https://beforeyoumix.example.org.",
                id="beforeyoumix.W003",
            )
        ]
    return []


def trusted_proxies(app_configs, **kwargs):
    """A proxy in front whose forwarded headers are not believed: every visitor then has
    the proxy's address (one rate limit and one admin lockout for everybody) and HTTPS
    is not recognised."""
    in_front = [
        name
        for name, present in (
            ("GUNICORN_BIND=unix:…", os.environ.get("GUNICORN_BIND", "").startswith("unix:")),
            ("NGINX_TRUSTED_PROXIES", bool(os.environ.get("NGINX_TRUSTED_PROXIES"))),
            ("FORWARDED_ALLOW_IPS", bool(os.environ.get("FORWARDED_ALLOW_IPS"))),
        )
        if present
    ]
    if in_front and not settings.TRUSTED_PROXIES:
        return [
            checks.Warning(
                f"A proxy is configured in front ({', '.join(in_front)}), but TRUSTED_PROXIES "
                "is empty: X-Forwarded-For and X-Forwarded-Proto are ignored, so every "
                "visitor has the proxy's address.",
                hint="Set TRUSTED_PROXIES to the proxies' address ranges; 'unix' for nginx "
                "on gunicorn's unix socket (deploy/serve.sh does).",
                id="beforeyoumix.W004",
            )
        ]
    return []


def separate_redis(app_configs, **kwargs):
    """maxmemory and the eviction policy are per Redis instance: pages must live in an
    evicting instance, rate-limit counters in one that never evicts them."""
    caches = settings.CACHES
    if caches["default"]["BACKEND"].endswith("LocMemCache"):
        return []
    counters = urlsplit(caches["default"]["LOCATION"])
    pages = urlsplit(caches["pages"]["LOCATION"])
    if counters.netloc == pages.netloc:
        return [
            checks.Warning(
                "Cached pages and rate-limit counters are in the same Redis instance: when "
                "pages fill its memory, evicting keys can reset a rate limit.",
                hint="Set REDIS_PAGES_URL to a second Redis instance with maxmemory and "
                "maxmemory-policy allkeys-lru; keep REDIS_URL's at noeviction (docs/DEPLOY.md).",
                id="beforeyoumix.W005",
            )
        ]
    return []
