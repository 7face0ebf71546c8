"""Site-wide pages that belong to no single app: home, robots.txt, health, errors."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article, Category


@require_safe
def home(request):
    published = Article.objects.published().select_related("category")
    context = {
        "newest": published[:4],
        "most_read": published.order_by("-views", "-published")[:4],
        "topics": Category.objects.all(),
    }
    return render(request, "home.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Checker results are personal; there is nothing for a crawler to index there.
        "Disallow: /check/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database: this page must render when everything else fails.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
