"""Which guides explain a finding. Used by the checker and the drug pages.

Guides declare in their front matter the mechanisms they explain and the medicines they
discuss. A guide that explains a finding's mechanism and names one of its medicines is the
best link; mechanism alone comes next; a guide about one of the medicines comes last.
"""

import re
import time

from django.core.cache import cache

from articles.models import Article
from web.reversing import url_for

INDEX_CACHE_KEY = "articles:guide-index"
INDEX_CACHE_SECONDS = 300
# Each process also keeps the index it last read for a few seconds: every check and API
# answer needs it, and reading it from the shared cache (Redis in production) is a round
# trip and an unpickle per request. A guide edited in another process shows in links
# within INDEX_LOCAL_SECONDS more; one edited in this process, at once (forget_index).
INDEX_LOCAL_SECONDS = 5
_local: list = [0.0, None]  # [expires (time.monotonic()), index]


def published_guide_index():
    """Title, slug, mechanisms and medicines of every published guide (cached briefly)."""
    now = time.monotonic()
    if _local[1] is not None and now < _local[0]:
        return _local[1]
    index = cache.get_or_set(
        INDEX_CACHE_KEY,
        lambda: list(
            Article.objects.published().values("title", "slug", "mechanisms", "drugs", "published")
        ),
        INDEX_CACHE_SECONDS,
    )
    _local[:] = [now + INDEX_LOCAL_SECONDS, index]
    return index


def forget_index(**kwargs):
    """Drop the index, shared and in this process (also a receiver for Article changes)."""
    _local[:] = [0.0, None]
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
        {"title": guide["title"], "url": url_for("articles:detail", guide["slug"])}
        for _, guide in scored[:limit]
    ]


def _words(text):
    return {_singular(w) for w in re.findall(r"[^\W_]+", text.casefold())}


def _singular(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _names_in(title_words, names):
    return any(words and words <= title_words for words in map(_words, names))


def guides_about_drug(slug, names=(), groups=(), index=None):
    """[{"title", "url"}] of every published guide that discusses the medicine, most about
    it first: its name (or a brand or other name) in the title, then its group's name
    ("SSRIs") in the title, then the guides that list it earliest among their medicines."""
    ranked = []
    for guide in index if index is not None else published_guide_index():
        if slug not in guide["drugs"]:
            continue
        title = _words(guide["title"])
        score = (
            not _names_in(title, [slug.replace("-", " "), *names]),
            not _names_in(title, groups),
            guide["drugs"].index(slug),
            guide["title"].casefold(),
        )
        ranked.append((score, guide))
    ranked.sort(key=lambda item: item[0])
    return [
        {"title": guide["title"], "url": url_for("articles:detail", guide["slug"])}
        for _, guide in ranked
    ]
