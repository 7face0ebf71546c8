"""Site-wide request handling: logs, headers, caching, rate limits and friendly errors.

Everything here works by path, so the checker's and the API's views stay plain: they never
need to know they are rate-limited, kept out of caches or logged without their query string.
Order in settings.MIDDLEWARE matters; it is explained there.
"""

import hashlib
import ipaddress
import logging
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.template import loader
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from config import caching
from config.logs import route_of

request_logger = logging.getLogger("beforeyoumix.request")
error_logger = logging.getLogger("beforeyoumix.errors")

CHECKER_PREFIX = "/check/"
API_PREFIX = "/api/"
_METHOD = re.compile(r"^[A-Z]{1,12}$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def is_private(path: str) -> bool:
    """Checker results and API answers: personal, never cached by anyone, never logged."""
    return path.startswith((CHECKER_PREFIX, API_PREFIX))


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the trusted proxies' X-Forwarded-For entry.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the
    one the outermost trusted proxy saw; anything left of it is what the client claimed.
    """
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = hops[-count] if len(hops) >= count else hops[0]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def ratelimit_key(group, request) -> str:
    """Per client: an IPv4 address, or an IPv6 /64 (one household or phone)."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


# --------------------------------------------------------------------------- friendly answers


ERROR_MESSAGES = {
    400: ("bad_request", "The request could not be understood."),
    403: ("forbidden", "This request is not allowed."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address only answers GET requests."),
    413: ("bad_request", "The request is too large."),
    429: ("rate_limited", "Too many requests from your connection. Please wait a minute and try again."),
    500: ("server_error", "Something went wrong on our side. Please try again later."),
    503: ("unavailable", "The service is temporarily unavailable. Please try again in a minute."),
}


def json_error(status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    default_code, default_message = ERROR_MESSAGES.get(status, ("error", "The request failed."))
    response = JsonResponse(
        {"error": {"code": code or default_code, "message": message or default_message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/json; charset=utf-8"
    return response


def html_error(request, status: int, template: str, context: dict | None = None) -> HttpResponse:
    """A friendly page; if even that cannot render, a short plain one."""
    try:
        body = loader.render_to_string(template, context or {}, request=request)
        return HttpResponse(body, status=status)
    except Exception:  # the error page must never become an error itself
        error_logger.exception("error page %s failed to render", template)
        return HttpResponse(
            "Sorry, we cannot answer right now. Please try again in a minute.",
            status=status,
            content_type="text/plain; charset=utf-8",
        )


# --------------------------------------------------------------------------- middleware


class RequestLogMiddleware:
    """One JSON line per request: method, URL pattern, status, duration. No query, no address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        if request_logger.isEnabledFor(level):
            request_logger.log(level, "request", extra=self.fields(request, response, started))
        if request.method == "HEAD" and not response.streaming and response.content:
            # HEAD answers carry the headers of GET, with no body (RFC 9110).
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


    @staticmethod
    def fields(request, response, started) -> dict:
        method = request.method if _METHOD.match(request.method or "") else "OTHER"
        match = getattr(request, "resolver_match", None)
        fields = {
            "method": method,
            "path": getattr(request, "log_route", None) or route_of(request),
            "view": match.view_name if match else getattr(request, "log_view", None),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "bytes": None if response.streaming else len(response.content),
        }
        if hasattr(request, "page_cache"):
            fields["cache"] = request.page_cache
        if getattr(request, "rate_limited", False):
            fields["rate_limited"] = True
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")
        if _REQUEST_ID.match(request_id):
            fields["request_id"] = request_id
        return fields


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send, on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Cross-Origin-Resource-Policy": "same-origin",
            "X-Permitted-Cross-Domain-Policies": "none",
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response


class CacheControlMiddleware:
    """Let browsers and a CDN keep public pages; never a checker result or an API answer."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request.path):
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("Last-Modified", None)
            response.headers.pop("ETag", None)
        elif (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and "Cache-Control" not in response
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        ):
            response["Cache-Control"] = self.public
        return response


class FriendlyErrorsMiddleware:
    """JSON errors under /api/, friendly pages elsewhere, 503 when the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 (parse now: thousands of fields are refused here, not in a view)
        except SuspiciousOperation as error:
            error_logger.warning("bad request: %s", type(error).__name__, extra={"path": route_of(request)})
            if is_api(request.path):
                return json_error(400)
            return html_error(request, 400, "errors/400.html")
        response = self.get_response(request)
        status = response.status_code
        if status < 400:
            return response
        if is_api(request.path):
            if "json" not in response.get("Content-Type", ""):
                replacement = json_error(status)
                self._keep_headers(response, replacement)
                return replacement
        elif status == 405 and not response.streaming and not response.content:
            replacement = html_error(request, 405, "errors/405.html", {"allowed": response.get("Allow", "GET")})
            self._keep_headers(response, replacement)
            return replacement
        return response

    def process_exception(self, request, exception):
        # The database is down or unreachable (a bug in a query is a 500 like any other).
        if isinstance(exception, (OperationalError, InterfaceError)):
            error_logger.error(
                "database unavailable: %s", type(exception).__name__, extra={"path": route_of(request)}
            )
            if is_api(request.path):
                response = json_error(503)
            else:
                response = html_error(request, 503, "errors/503.html")
            response["Retry-After"] = "30"
            return response
        if is_api(request.path):
            error_logger.error(
                "API error", exc_info=(type(exception), exception, exception.__traceback__),
                extra={"path": route_of(request)},
            )
            return json_error(500)
        return None

    @staticmethod
    def _keep_headers(old, new):
        for name in ("Allow", "Retry-After", "Vary"):
            if name in old:
                new[name] = old[name]


class RateLimitMiddleware:
    """Per-client limits on the checker and the API (django-ratelimit, counted in the cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = self.group(request.path)
        if group and settings.RATELIMIT_ENABLED:
            from django_ratelimit.core import get_usage

            usage = get_usage(
                request, group=group, key=ratelimit_key, rate=settings.RATELIMITS[group], increment=True
            )
            if usage and usage["should_limit"]:
                return self.limited(request, group, usage)
        return self.get_response(request)

    @staticmethod
    def group(path: str) -> str | None:
        if path.startswith(CHECKER_PREFIX):
            return "check"
        if path.startswith(API_PREFIX):
            return "api"
        return None

    @staticmethod
    def limited(request, group, usage):
        wait = max(1, usage.get("time_left") or 60)
        request.rate_limited = True
        if group == "api":
            response = json_error(429)
        else:
            response = html_error(request, 429, "errors/429.html", {"wait_seconds": wait})
        response["Retry-After"] = str(wait)
        return response


class PageCacheMiddleware:
    """Serve rendered public pages (guides, topics, tags, drugs, home) from the shared cache.

    Only anonymous GET/HEAD requests with no query string (or a short plain one, such as
    ?page=2) are cached, and only 200 answers that set no cookie. The key holds the content
    generation (see config.caching), whether the client takes gzip, and whether htmx asked
    for a partial. Conditional requests are answered from the cached ETag/Last-Modified.
    """

    SIMPLE_QUERY = re.compile(r"^[A-Za-z0-9_=&.-]{0,64}$")

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = [re.compile(pattern) for pattern in settings.PAGE_CACHE_PATHS]
        self.seconds = settings.PAGE_CACHE_SECONDS
        # A small per-process copy in front of Redis: popular pages cost no round trip.
        # Keys hold the generation, so an edit still shows within the generation memo.
        self.local = LocalPages(settings.PAGE_CACHE_LOCAL_ENTRIES, settings.PAGE_CACHE_LOCAL_SECONDS)

    def cacheable(self, request) -> bool:
        return (
            self.seconds > 0
            and request.method in ("GET", "HEAD")
            and any(pattern.match(request.path) for pattern in self.paths)
            and self.SIMPLE_QUERY.match(request.META.get("QUERY_STRING", "")) is not None
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    # Request headers a cached page may vary on; each is part of the key. A response that
    # varies on anything else is not stored.
    VARY = ("HX-Request", "HX-History-Restore-Request")
    VARY_ALLOWED = {"accept-encoding", "hx-request", "hx-history-restore-request"}

    def key(self, request) -> str:
        gzip = "gz" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "id"
        varies = "".join("1" if request.headers.get(name) == "true" else "0" for name in self.VARY)
        address = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
        digest = hashlib.blake2b(address.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        return f"page:{caching.release()}:{caching.generation()}:{gzip}:{varies}:{digest}"

    def __call__(self, request):
        if not self.cacheable(request):
            return self.get_response(request)
        key = self.key(request)
        entry = self.local.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                self.local.put(key, entry)
        if entry is not None:
            request.page_cache = "hit"
            return self.from_entry(request, entry)
        request.page_cache = "miss"
        response = self.get_response(request)
        if self.storable(response):
            if not response.has_header("ETag"):
                set_response_etag(response)
            match = getattr(request, "resolver_match", None)
            entry = {
                "status": response.status_code,
                "headers": list(response.headers.items()),
                "content": response.content,
                "hook": getattr(response, "on_cached_hit", None),
                "route": route_of(request),
                "view": match.view_name if match else None,
            }
            cache.set(key, entry, self.seconds)
            self.local.put(key, entry)
        return response

    def storable(self, response) -> bool:
        cache_control = response.get("Cache-Control", "").lower()
        varies = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and varies <= self.VARY_ALLOWED
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    @staticmethod
    def from_entry(request, entry):
        request.log_route, request.log_view = entry["route"], entry["view"]
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response.headers[name] = value
        if entry["hook"]:
            path, args = entry["hook"]
            try:
                import_string(path)(*args)
            except Exception:  # a counter must never break a page
                error_logger.exception("page-cache hook %s failed", path)
        if request.method == "GET":
            last_modified = response.get("Last-Modified")
            response = get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=last_modified and parse_http_date_safe(last_modified),
                response=response,
            )
        return response


class LocalPages:
    """A bounded, short-lived LRU of page-cache entries in this process."""

    def __init__(self, size: int, seconds: float):
        self.size, self.seconds = size, seconds
        self.entries: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        if not self.size:
            return None
        with self.lock:
            item = self.entries.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return item[1]

    def put(self, key, entry):
        if not self.size:
            return
        with self.lock:
            self.entries[key] = (time.monotonic() + self.seconds, entry)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class GZipMiddleware(DjangoGZipMiddleware):
    """Compress pages, but never the admin: its pages hold CSRF tokens (BREACH)."""

    def process_response(self, request, response):
        if request.path.startswith("/" + settings.ADMIN_URL):
            return response
        return super().process_response(request, response)
