from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article, Category, Tag
from medicines import knowledge


class GuideSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published()

    def lastmod(self, item):
        return item.last_reviewed


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.filter(articles__in=Article.objects.published()).distinct()


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Tag.objects.filter(articles__in=Article.objects.published()).distinct()


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["home", "articles:list", "articles:tag_list", "interactions:drug_list"]

    def location(self, item):
        return reverse(item)


class DrugSitemap(Sitemap):
    """One page per ingredient the checker covers, read from the knowledge snapshot."""

    changefreq = "monthly"

    def items(self):
        return sorted(knowledge.snapshot().ingredients)

    def location(self, item):
        return reverse("interactions:drug_detail", args=[item])


SITEMAPS = {
    "static": StaticSitemap,
    "guides": GuideSitemap,
    "topics": TopicSitemap,
    "tags": TagSitemap,
    "drugs": DrugSitemap,
}
