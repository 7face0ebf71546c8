"""What every response gets, whichever view answered: the request log, security headers,
the no-store safety net, a 503 page when the database is down, and gzip (not for the admin).

Caching, privacy and rate limits are declared on each view (web.http, web.ratelimits);
nothing here decides by URL prefix. Order in settings.MIDDLEWARE matters; it is explained there.
"""

import gzip
import logging
import re
import secrets
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from isal import igzip
from whitenoise.middleware import WhiteNoiseMiddleware

from web.http import NOINDEX, PRIVATE
from web.logs import route_of
from web.ratelimits import is_trusted_proxy

request_logger = logging.getLogger("beforeyoumix.request")
error_logger = logging.getLogger("beforeyoumix.errors")


def is_private(path: str) -> bool:
    """Whether the view answering `path` (an address, or a logged URL pattern) is @private."""
    for candidate in (path, path + "/"):
        try:
            return getattr(resolve(candidate).func, "private", False)
        except Resolver404:
            continue
    return False


_METHOD = re.compile(r"^[A-Z]{1,12}$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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
            "path": route_of(request),
            "view": match.view_name if match else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if not (response.streaming or getattr(match and match.func, "private", False)):
            # The size of a private answer nearly tells which medicines were checked.
            fields["bytes"] = len(response.content)
        if hasattr(request, "page_cache"):  # set by web.http.public_page
            fields["cache"] = request.page_cache
        if getattr(request, "limited", False):  # set by django-ratelimit and our throttle
            fields["rate_limited"] = True
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")
        if _REQUEST_ID.match(request_id):
            fields["request_id"] = request_id
        return fields


class ForwardedHeadersMiddleware:
    """X-Forwarded-* headers are believed only from settings.TRUSTED_PROXIES.

    From any other peer (gunicorn reached directly, or no proxy configured) they are
    dropped before anything reads them: Django's SECURE_PROXY_SSL_HEADER (the HTTPS
    redirect, secure cookies, absolute URLs in development) and the client address of rate
    limits and admin lockouts (web.ratelimits.client_ip).
    """

    HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR") or ""):
            for name in self.HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)


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


class PrivateAnswersMiddleware:
    """Safety net for views marked @private (web.http): whatever answers for their
    address (the view, an error page, the 429 page, the HTTPS or trailing-slash redirect,
    whose address still holds the medicine list) is sent `private, no-store` and
    `X-Robots-Tag: noindex`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.is_private(request, response):
            response["Cache-Control"] = PRIVATE
            response["X-Robots-Tag"] = NOINDEX
            for name in ("Expires", "Last-Modified", "ETag"):
                response.headers.pop(name, None)
        return response

    @staticmethod
    def is_private(request, response) -> bool:
        match = getattr(request, "resolver_match", None)
        if match is not None:
            return getattr(match.func, "private", False)
        # No view answered: only a redirect (HTTPS, trailing slash) carries the address on.
        return 300 <= response.status_code < 400 and is_private(request.path_info)


class DatabaseUnavailableMiddleware:
    """A page that needs the database while it is down: 503, a page to read, Retry-After.

    A bug in a query stays a 500 like any other. The API answers its own 503 in JSON
    (interactions/api.py); the checker needs no database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        error_logger.error(
            "database unavailable: %s", type(exception).__name__, extra={"path": route_of(request)}
        )
        try:
            body = loader.render_to_string("503.html")
        except Exception:  # the error page must never become an error itself
            error_logger.exception("the 503 page failed to render")
            body = "Sorry, we cannot answer right now. Please try again in a minute."
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise (static files when gunicorn is reached without nginx), without the
    manifest: staticfiles.json lists every file and is of use to nobody outside."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifest = settings.STATIC_URL + "staticfiles.json"
        self.files.pop(self.manifest, None)

    def find_file(self, url):  # DEBUG's autorefresh mode looks files up on each request
        return None if url == self.manifest else super().find_file(url)


def gzip_fast(data: bytes, max_random_bytes: int) -> bytes:
    """gzip with ISA-L (isal) at level 2: about 10 % larger than zlib's level 6 for about a
    tenth of the CPU (a 400 KB API answer: 0.3 ms instead of 3.6 ms). Django's BREACH
    mitigation is kept (django.utils.text.compress_string): a file name of random length
    in the header."""
    compressed = igzip.compress(data, 2, mtime=0)
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return bytes(header) + name + compressed[10:]


class GZipMiddleware(DjangoGZipMiddleware):
    """Compress pages, but never the admin: its pages hold CSRF tokens (BREACH). Whole
    answers are compressed with gzip_fast; streamed ones the way Django does."""

    def process_response(self, request, response):
        if request.path.startswith("/" + settings.ADMIN_URL):
            return response
        if response.streaming or len(response.content) < 200:
            return super().process_response(request, response)
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = gzip_fast(response.content, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # RFC 9110 8.8.1, as Django does
        response.headers["Content-Encoding"] = "gzip"
        return response
