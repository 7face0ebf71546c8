"""Which guides explain a finding. Used by the checker and the drug pages.

Guides declare in their front matter the mechanisms they explain and the medicines they
discuss. A guide that explains a finding's mechanism and names one of its medicines is the
best link; mechanism alone comes next; a guide about one of the medicines comes last.
"""

from django.core.cache import cache
from django.urls import reverse

from articles.models import Article

INDEX_CACHE_KEY = "articles:guide-index"
INDEX_CACHE_SECONDS = 300


def published_guide_index():
    """Title, slug, mechanisms and medicines of every published guide (cached briefly)."""
    return cache.get_or_set(
        INDEX_CACHE_KEY,
        lambda: list(
            Article.objects.published().values("title", "slug", "mechanisms", "drugs", "published")
        ),
        INDEX_CACHE_SECONDS,
    )


def forget_index():
    cache.delete(INDEX_CACHE_KEY)


def guides_for(mechanisms, ingredients, limit=3, index=None):
    """[{"title", "url"}] of published guides, best first."""
    mechanisms, ingredients = set(mechanisms), set(ingredients)
    scored = []
    for guide in index if index is not None else published_guide_index():
        by_mechanism = len(mechanisms & set(guide["mechanisms"]))
        by_drug = len(ingredients & set(guide["drugs"]))
        if not (by_mechanism or by_drug):
            continue
        score = (by_mechanism > 0 and by_drug > 0, by_mechanism, by_drug, guide["published"])
        scored.append((score, guide))
    scored.sort(key=lambda item: item[0], reverse=True)
    return [
        {"title": guide["title"], "url": reverse("articles:detail", args=[guide["slug"]])}
        for _, guide in scored[:limit]
    ]


def guides_about_drug(slug, limit=6):
    return guides_for([], [slug], limit=limit)
