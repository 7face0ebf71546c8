"""Guides, topics, tags, search and the about page. Each view declares its HTTP policy
(web.http)."""

from pathlib import Path

import yaml
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import http_date

from articles import search as guide_search
from articles.models import Article, Category, Tag
from articles.reads import count_read
from medicines import knowledge
from medicines.resolver import Resolved, resolver_for
from web.http import private, public_page, read_only
from web.ratelimits import limit

PER_PAGE = 10
# Written by the editorial team with every knowledge change; read at request time, no git.
CHANGELOG = Path(knowledge.DATA_DIR) / "CHANGELOG.yaml"


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@read_only
@public_page
def article_list(request):
    """Every published guide on one page, grouped by topic (topics in their set order)."""
    articles = Article.objects.published().select_related("category").order_by("title")
    by_topic: dict = {}
    for article in articles:
        by_topic.setdefault(article.category, []).append(article)
    topics = sorted(by_topic.items(), key=lambda item: (item[0].position, item[0].name))
    return render(
        request,
        "articles/article_list.html",
        {"topics": topics, "guide_count": len(articles)},
    )


@read_only
def article_detail(request, slug):
    response = _guide_page(request, slug)
    if response.status_code == 200:
        count_read(slug)  # here, outside the page cache, so cached reads count too
    return response


@public_page
def _guide_page(request, slug):
    article = get_object_or_404(
        Article.objects.published().select_related("category").prefetch_related("tags"), slug=slug
    )
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "related": article.related(), "tags": article.tags.all()},
    )
    # Conditional GET: a browser or CDN revalidating an unchanged guide gets a 304.
    response.headers["Last-Modified"] = http_date(article.updated.timestamp())
    return response


@read_only
@public_page(query=["page"])
def topic_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().filter(category=category)
    return render(
        request,
        "articles/topic_detail.html",
        {"category": category, "page_obj": _page(request, articles)},
    )


@read_only
@public_page
def tag_list(request):
    published = Q(articles__in=Article.objects.published())
    tags = Tag.objects.annotate(count=Count("articles", filter=published)).filter(count__gt=0)
    return render(request, "articles/tag_list.html", {"tags": tags})


@read_only
@public_page(query=["page"])
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag)
    return render(
        request, "articles/tag_detail.html", {"tag": tag, "page_obj": _page(request, articles)}
    )


@read_only
@public_page
def about(request):
    """How guides and the knowledge base are written, sourced, reviewed and corrected."""
    snap = knowledge.snapshot()
    published = Article.objects.published()
    context = {
        "coverage": {key: " ".join(str(text).split()) for key, text in snap.coverage.items()},
        "knowledge_version": snap.version,
        "changes": knowledge_changes(),
        "guide_count": published.count(),
        "last_reviewed": published.aggregate(last=Max("last_reviewed"))["last"],
        "ingredient_count": len(snap.ingredients),
        "product_count": len(snap.products),
    }
    return render(request, "articles/about.html", context)


def knowledge_changes() -> list[dict]:
    """The knowledge base's change log (medicines/data/CHANGELOG.yaml), newest first."""
    entries = yaml.safe_load(CHANGELOG.read_text(encoding="utf-8")) or []
    return [
        {
            "date": entry["date"],
            "changes": [" ".join(str(text).split()) for text in entry["changes"]],
        }
        for entry in entries
    ]


# Queries are often medicine names: nobody keeps or indexes the answer (not page-cached).
# Limited per client like the checker: every query costs a database search.
@private
@limit("search")
@read_only
def search(request):
    query = request.GET.get("q", "")
    if not isinstance(query, str):
        query = ""
    query = query.strip()
    truncated = len(query) > guide_search.MAX_QUERY_CHARS
    results = guide_search.search(query, Article.objects.published()) if query else None
    context = {
        "query": query[: guide_search.MAX_QUERY_CHARS],
        "hits": list(results or []),
        "suggestion": results.suggestion if results else "",
        "truncated": truncated,
        "searched": bool(query),
        "has_terms": bool(guide_search.terms(query)),
        "drug_hits": drug_matches(query) if query else [],
    }
    return render(request, "articles/search.html", context)


def drug_matches(query: str, limit: int = 5) -> list[dict]:
    """Medicines named in the query, best first: an exact name alone (no look-alike after
    it: "tramadol" never offers Toradol), else names starting like it or spelt like it;
    a list of names ("zoloft and tramadl") gives each medicine it names."""
    snap = knowledge.snapshot()
    resolver = resolver_for(snap)
    text = query[:100]
    targets = [target for _, target in resolver.autocomplete(text, limit=limit)]
    if not targets:
        named = {item.name: item for item in resolver.parse(text) if isinstance(item, Resolved)}
        targets = list(named.values())[:limit]
    return [
        {
            "name": target.name,
            "url": reverse("interactions:drug_detail", args=[target.ingredients[0]]),
            "detail": ", ".join(snap.ingredients[s].name for s in target.ingredients)
            if target.kind != "generic"
            else "",
        }
        for target in targets
    ]
