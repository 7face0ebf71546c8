import datetime

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from articles.models import Article, Category, Tag


class _OneRequestAtATime(WSGIServer):
    """The live server (browser and schema tests), answering one request at a time. With
    the test database in SQLite's memory, Django hands every request thread the test's one
    connection; two browser requests at once (a page's htmx call and its API call) could
    then meet on it and fail at random (a CI run saw an InterfaceError there). Django's
    server closes each connection after its answer when it is not threaded, so a browser
    waits for nothing but its turn."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the server's own thread already has them


LiveServerThread.server_class = _OneRequestAtATime


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
