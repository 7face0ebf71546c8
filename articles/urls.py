from django.urls import path

from articles import views
from articles.feeds import LatestGuidesFeed
from web.http import public_page, read_only

app_name = "articles"

urlpatterns = [
    path("articles/", views.article_list, name="list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("feed/", read_only(public_page(LatestGuidesFeed())), name="feed"),
]
