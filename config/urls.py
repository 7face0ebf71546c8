from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("articles.urls")),
    # The JSON API (interactions/api.py) is mounted at api/v1/ below.
    path("api/v1/", include("interactions.api_urls")),
    # The checker and drug pages (interactions/urls.py).
    path("", include("interactions.urls")),
    # At an address of the operator's choosing (ADMIN_URL), so it is not where bots look.
    path(settings.ADMIN_URL, admin.site.urls),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
