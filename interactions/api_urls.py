"""URLs of the JSON API, mounted at api/v1/ in config/urls.py.

django-ninja answers its own routes; two gaps remain that would otherwise fall through to
Django's HTML pages: a wrong method (405) and an unknown path (404). Each route is wrapped
so those become JSON too, HEAD is answered like GET without a body, and a catch-all route
sends JSON 404 for anything else under /api/v1/.
"""

import functools
import json
import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt

from interactions.api import api

JSON = "application/json; charset=utf-8"
logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps({"error": {"code": code, "message": message}})
    return HttpResponse(body, status=status, content_type=JSON)


def _json_errors(view):
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = not_found(request)
        except Exception:
            logger.exception("Unexpected error in the API")
            response = _error(500, "server_error", "Something went wrong on our side. Try again later.")
        if response.status_code == 405:
            allowed = response.get("Allow", "GET")
            response = _error(
                405, "method_not_allowed", f"This address only answers {allowed} requests."
            )
            response["Allow"] = allowed if "HEAD" in allowed else f"{allowed}, HEAD"
        elif response.get("Content-Type", "") == "application/json":
            response["Content-Type"] = JSON  # ninja's OpenAPI view leaves out the charset
        elif not response.get("Content-Type", "").startswith("application/json"):
            response = _error(response.status_code, "bad_request", "Unexpected request.")
        if head:
            response.content = b""
        return response

    return csrf_exempt(wrapped)


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return _error(
        404,
        "not_found",
        "No such API address. See /api/v1/openapi.json for the available ones.",
    )


@csrf_exempt
def index(request: HttpRequest) -> HttpResponse:
    """/api/v1/: what is here (ninja's own root page needs its interactive docs)."""
    if request.method not in ("GET", "HEAD"):
        response = _error(405, "method_not_allowed", "This address only answers GET requests.")
        response["Allow"] = "GET, HEAD"
        return response
    body = {
        "name": api.title,
        "endpoints": {
            "interactions": "/api/v1/interactions?drugs=Zoloft,Ultram",
            "drugs": "/api/v1/drugs?q=sertraline",
            "openapi": "/api/v1/openapi.json",
        },
    }
    return HttpResponse(json.dumps(body), content_type=JSON)


patterns, app_name, _namespace = api.urls
app_name = _namespace  # "api_v1": ninja reverses its own routes in this namespace
urlpatterns = []
for pattern in patterns:
    if isinstance(pattern, URLPattern):
        if pattern.name == "api-root":
            pattern.callback = index
        pattern.callback = _json_errors(pattern.callback)
    urlpatterns.append(pattern)
urlpatterns.append(re_path(r"^(?P<path>.*)$", not_found, name="not_found"))
