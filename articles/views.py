"""Guides, topics, tags and search. Each view declares its HTTP policy (config.http)."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date

from articles import search as guide_search
from articles.models import Article, Category, Tag
from articles.reads import count_read
from config.http import private, public_page, read_only

PER_PAGE = 10


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@read_only
@public_page(query=["page"])
def article_list(request):
    articles = Article.objects.published().select_related("category")
    return render(request, "articles/article_list.html", {"page_obj": _page(request, articles)})


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


# Queries are often medicine names: nobody keeps the answer (and it is not page-cached).
@read_only
@private
def search(request):
    query = request.GET.get("q", "")
    if not isinstance(query, str):
        query = ""
    query = query.strip()
    truncated = len(query) > guide_search.MAX_QUERY_CHARS
    hits = guide_search.search(query, Article.objects.published()) if query else []
    context = {
        "query": query[: guide_search.MAX_QUERY_CHARS],
        "hits": hits,
        "truncated": truncated,
        "searched": bool(query),
        "has_terms": bool(guide_search.terms(query)),
        "drug_hits": drug_matches(query) if query else [],
    }
    return render(request, "articles/search.html", context)


def drug_matches(query):
    """Medicines whose names match the query (brand, generic or misspelt), best first."""
    from interactions.services import lookup

    return [
        {
            "name": hit["name"],
            "url": hit["url"],
            "detail": ", ".join(ingredient["name"] for ingredient in hit["ingredients"])
            if hit["kind"] != "generic"
            else "",
        }
        for hit in lookup(query[:100], limit=5)["results"]
    ]
