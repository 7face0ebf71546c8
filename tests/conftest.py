import datetime

import pytest
from django.core.management import call_command

from articles.models import Article, Category, Tag


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches (pages, rate limits, unsaved read counts, the
    guide index)."""
    from django.core.cache import caches

    from articles.linking import forget_index
    from articles.reads import forget_pending

    for cache in caches.all():
        cache.clear()
    forget_pending()
    forget_index()
    yield
    for cache in caches.all():
        cache.clear()
    forget_pending()
    forget_index()


@pytest.fixture
def make_guide(db):
    """Builder for guides: make_guide(title=..., status=..., tags=[...], body=...)."""
    counter = {"n": 0}

    def build(**overrides):
        counter["n"] += 1
        n = counter["n"]
        category = (
            overrides.pop("category", None)
            or Category.objects.get_or_create(
                slug="drug-interactions", defaults={"name": "Drug interactions"}
            )[0]
        )
        tag_slugs = overrides.pop("tags", ["opioids"])
        fields = {
            "title": f"Test guide {n}",
            "slug": f"test-guide-{n}",
            "summary": f"Summary of test guide {n}.",
            "body": f"## What to do\n\nRead test guide {n} slowly.\n",
            "status": Article.Status.PUBLISHED,
            "published": datetime.date(2026, 1, 1),
            "last_reviewed": datetime.date(2026, 1, 2),
            "category": category,
            "references": [{"title": "A label", "url": "https://example.org/label"}],
        }
        fields.update(overrides)
        article = Article.objects.create(**fields)
        article.tags.set(
            [
                Tag.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
                for slug in tag_slugs
            ]
        )
        return article

    return build


@pytest.fixture
def library(db):
    """The real guide library from content/, imported as `make run` does."""
    call_command("import_articles", verbosity=0)
    return Article.objects.all()
