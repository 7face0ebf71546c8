import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article


class LatestGuidesFeed(Feed):
    feed_type = Atom1Feed
    title = "Before You Mix: new and updated guides"
    subtitle = "Plain-language guides on mixing medicines for mood, pain and sleep."

    def link(self):
        return reverse("articles:list")

    def items(self):
        return Article.objects.published().order_by("-published", "-updated")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return datetime.datetime.combine(item.published, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.author
