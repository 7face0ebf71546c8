"""Site-wide pages that belong to no single app: home, robots.txt, health, the 429 page.

The other error pages are Django's own handlers with their templates in templates/
(400.html, 403.html, 404.html, 500.html); 405.html comes from web.http.read_only and
503.html from web.middleware.DatabaseUnavailableMiddleware.
"""

from django.db import Error, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django_ratelimit.exceptions import Ratelimited

from articles.models import Article, Category
from web.http import absolute, public_page, read_only
from web.ratelimits import retry_after


@read_only
@public_page
def home(request):
    published = Article.objects.published().select_related("category")
    context = {
        "newest": published[:4],
        "most_read": published.order_by("-views", "-published")[:4],
        "topics": Category.objects.all(),
    }
    return render(request, "home.html", context)


@read_only
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Checker results are personal; there is nothing for a crawler to index there.
        f"Disallow: {reverse('interactions:check')}",
        f"Disallow: {reverse('api_v1:api-root')}",
        f"Sitemap: {absolute(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@read_only
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error:  # any database failure, a connection it closed (InterfaceError) too
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    """handler403: over a rate limit (web.ratelimits.limit) is a 429 page, not a 403."""
    if isinstance(exception, Ratelimited):
        wait = retry_after(request)
        response = render(request, "429.html", {"wait_seconds": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    return defaults.permission_denied(request, exception)
