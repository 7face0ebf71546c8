from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from web import views
from web.http import public_page, read_only

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "sitemap.xml",
        read_only(public_page(sitemap, query=["p"])),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("", include("articles.urls")),
    # The JSON API (interactions/api.py).
    path("api/v1/", include("interactions.api_urls")),
    # The checker and drug pages (interactions/urls.py).
    path("", include("interactions.urls")),
    # At an address of the operator's choosing (ADMIN_URL), so it is not where bots look.
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "web.views.permission_denied"
