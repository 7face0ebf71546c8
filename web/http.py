"""The HTTP policy a view declares: who may keep its answer, and which methods it takes.

    @read_only                       GET and HEAD; anything else (PUT, DELETE, POST) gets
                                     the friendly 405 page, not a CSRF 403
    @public_page(query=["page"])     anyone may keep it: cached in the "pages" cache for every
                                     visitor, and by browsers and CDNs (Cache-Control: public)
    @private                         about one person's medicines: nobody keeps it

Rate limits are declared the same way (web.ratelimits.limit). Absolute URLs come from
site_url(), never from a request's Host or X-Forwarded-Proto.
"""

import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import QueryDict
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.cache import cache_page
from django.views.decorators.gzip import gzip_page

PAGES = "pages"  # the cache alias for rendered public pages (settings.CACHES)
PAGES_LOCAL = "pages_local"  # with Redis: each process's copy for a few seconds in front
PRIVATE = "private, no-store"
NOINDEX = "noindex, nofollow"  # X-Robots-Tag on private answers: search engines skip them
SAFE_METHODS = ("GET", "HEAD")
# A value a page's own parameters can take (a page number, "class"); anything else is dropped.
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# "gzip" in Accept-Encoding, unless refused with q=0.
_TAKES_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q\s*=\s*0(?:\.0*)?(?![.\d]))", re.IGNORECASE)


def site_url(request=None) -> str:
    """The site's address, "https://example.org" (no trailing slash): settings.SITE_URL,
    which production requires; in development, unset, the request's own scheme and host."""
    if settings.SITE_URL or request is None:
        return settings.SITE_URL
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # the 400 page for that very Host must still render
        return ""


def absolute(request, path: str) -> str:
    """An absolute URL for a site path ("/feed/"): site_url() + path."""
    return site_url(request) + path


def read_only(view):
    """Like Django's require_safe, but a person who lands here gets a page to read.

    Exempt from CSRF: a view that only reads has nothing to protect, and the CSRF check
    (middleware, before any view) would otherwise answer PUT or DELETE with its 403 page
    instead of this 405.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            response = render(request, "405.html", status=405)
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = True
    return wrapped


def _as_site_request(request) -> None:
    """Make the request read as one for SITE_URL: its Host and scheme become the site's.

    A public page is the same for every visitor, so whatever it builds from the request
    (Django's feed and sitemap take the host and scheme from it) must come from SITE_URL,
    and its cache key (Django's: scheme, host, path) then depends on no header the page
    does not vary on: a forged Host or X-Forwarded-Proto can neither poison an entry nor
    make a new one. In development (no SITE_URL) the request's own address is used and is
    part of the key.
    """
    if not settings.SITE_URL:
        return
    site = urlsplit(settings.SITE_URL)
    meta = request.META
    meta["HTTP_HOST"] = site.netloc
    meta.pop("HTTP_X_FORWARDED_HOST", None)
    meta["wsgi.url_scheme"] = site.scheme
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        meta[header] = secure if site.scheme == "https" else "http"
    request.__dict__.pop("_current_scheme_host", None)  # Django's cached_property


def public_page(view=None, *, query=()):
    """Cache a public page for every visitor in the "pages" cache (Django's cache_page).

    Only the parameters named in `query`, with plain values, reach the view and the cache
    key; any other parameter is ignored, so `?utm=…` or `?v=N` never makes a new entry.
    The page is rendered, and keyed, as a request for SITE_URL (_as_site_request): the key
    is Django's, the address (SITE_URL, path, kept parameters) plus the request headers the
    response varies on, and no other header. Pages are stored compressed, so a hit costs no gzip; Accept-Encoding
    is first reduced to "gzip" or nothing, so it makes two entries at most. Entries are dropped when content changes (clear_pages) and keyed
    by the release (settings.CACHES["pages"]["KEY_PREFIX"]).
    """
    if view is None:
        return functools.partial(public_page, query=query)
    allowed = frozenset(query)

    @functools.wraps(view)
    def rendered(request, *args, **kwargs):
        request.page_cache = "miss"  # logged by web.middleware.RequestLogMiddleware
        return view(request, *args, **kwargs)

    shared = cache_page(settings.PAGE_CACHE_SECONDS, cache=PAGES)(gzip_page(rendered))

    def shared_then_local(request, *args, **kwargs):
        response = shared(request, *args, **kwargs)
        # A hit in the shared cache tells Django's cache middleware not to store the page
        # (request._cache_update_cache = False), which would also stop the local tier
        # around it from keeping a copy: once its first copy expired, every request went
        # to Redis again. The local tier stores what the shared one answered, hit or not.
        request._cache_update_cache = request.method in SAFE_METHODS
        return response

    local_seconds = settings.CACHES.get(PAGES_LOCAL, {}).get("TIMEOUT", 10)
    # With Redis (production), each process first looks in its own copy (PAGES_LOCAL).
    tiered = cache_page(local_seconds, cache=PAGES_LOCAL)(shared_then_local)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        kept = [
            (name, value)
            for name, value in sorted(request.GET.items())
            if name in allowed and _PLAIN_VALUE.match(value)
        ]
        request.META["QUERY_STRING"] = urlencode(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"])
        _as_site_request(request)
        takes_gzip = _TAKES_GZIP.search(request.headers.get("Accept-Encoding", ""))
        request.META["HTTP_ACCEPT_ENCODING"] = "gzip" if takes_gzip else ""
        request.page_cache = "hit"
        cached = tiered if PAGES_LOCAL in settings.CACHES else shared
        response = cached(request, *args, **kwargs)
        if response.status_code == 200:
            # What browsers and CDNs may keep, whatever the server cache keeps.
            response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
            response.headers.pop("Expires", None)
        return response

    return wrapped


def private(view):
    """An answer about someone's medicines: no browser, proxy or cache may keep it, and
    no search engine may index it (X-Robots-Tag).

    The mark is also read by web.middleware.PrivateAnswersMiddleware, which keeps
    `no-store` on every answer for this view's address, errors and redirects included.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = PRIVATE
        response["X-Robots-Tag"] = NOINDEX
        return response

    wrapped.private = True
    return wrapped


def clear_pages(sender, **kwargs):
    """A guide, topic, tag or knowledge row changed: every cached page may show it."""
    if sender._meta.app_label in ("articles", "interactions"):
        caches[PAGES].clear()
        if PAGES_LOCAL in settings.CACHES:
            caches[PAGES_LOCAL].clear()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(clear_pages, dispatch_uid="clear-pages-save")
    post_delete.connect(clear_pages, dispatch_uid="clear-pages-delete")
    m2m_changed.connect(clear_pages, dispatch_uid="clear-pages-m2m")
