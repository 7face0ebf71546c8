"""URLs of the JSON API, mounted at api/v1/ in config/urls.py.

django-ninja answers its own routes; two gaps remain that would otherwise fall through to
Django's HTML pages: a wrong method (405) and an unknown path (404). Each route is wrapped
so those become JSON too (interactions.api.error_response), HEAD is answered like GET
without a body, and a catch-all route sends JSON 404 for anything else under the API.
Every API address is @private: whatever it answers, nobody stores it.
"""

import functools
import json
import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path, reverse
from django.views.decorators.csrf import csrf_exempt

from interactions.api import api, error_response
from web.http import private

JSON = "application/json; charset=utf-8"
logger = logging.getLogger(__name__)


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
            response = error_response(request, "server_error")
        if response.status_code == 405:
            allowed = response.get("Allow", "GET")
            response = error_response(request, "method_not_allowed")
            response["Allow"] = allowed if "HEAD" in allowed else f"{allowed}, HEAD"
        elif response.get("Content-Type", "") == "application/json":
            response["Content-Type"] = JSON  # ninja's OpenAPI view leaves out the charset
        elif not response.get("Content-Type", "").startswith("application/json"):
            response = error_response(request, "bad_request")
        if head:
            # HEAD again: web.middleware.RequestLogMiddleware drops the body and keeps its
            # length in Content-Length, as for every HEAD answer.
            request.method = "HEAD"
        return response

    return private(csrf_exempt(wrapped))


@private
@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return error_response(request, "not_found")


@csrf_exempt
def index(request: HttpRequest) -> HttpResponse:
    """The API root: what is here (ninja's own root page needs its interactive docs)."""
    if request.method not in ("GET", "HEAD"):
        response = error_response(request, "method_not_allowed")
        response["Allow"] = "GET, HEAD"
        return response
    body = {
        "name": api.title,
        "endpoints": {
            "interactions": reverse("api_v1:interactions") + "?drugs=Zoloft,Ultram",
            "drugs": reverse("api_v1:drugs") + "?q=sertraline",
            "openapi": reverse("api_v1:openapi-json"),
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
