from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles import search as guide_search
from articles.models import Article, Category, Tag
from config.caching import batched_increment, on_cached_hit

PER_PAGE = 10


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@require_safe
def article_list(request):
    articles = Article.objects.published().select_related("category")
    return render(request, "articles/article_list.html", {"page_obj": _page(request, articles)})


@require_safe
def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.published().select_related("category").prefetch_related("tags"), slug=slug
    )
    count_read(article.pk)
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "related": article.related(), "tags": article.tags.all()},
    )
    # Conditional GET: a browser or CDN revalidating an unchanged guide gets a 304.
    response.headers["Last-Modified"] = http_date(article.updated.timestamp())
    # The page cache serves repeat reads without this view; they still count.
    return on_cached_hit(response, count_read, article.pk)


def count_read(pk):
    """A plain counter for "most read": no cookie, no visitor data, just a number.

    Counted in the shared cache and written to the database in batches (COUNTER_BATCH),
    so a popular guide costs no database write per read.
    """
    batched_increment(
        f"guide-reads:{pk}", lambda n: Article.objects.filter(pk=pk).update(views=F("views") + n)
    )


@require_safe
def topic_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().filter(category=category)
    return render(
        request, "articles/topic_detail.html", {"category": category, "page_obj": _page(request, articles)}
    )


@require_safe
def tag_list(request):
    published = Q(articles__in=Article.objects.published())
    tags = Tag.objects.annotate(count=Count("articles", filter=published)).filter(count__gt=0)
    return render(request, "articles/tag_list.html", {"tags": tags})


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag)
    return render(request, "articles/tag_detail.html", {"tag": tag, "page_obj": _page(request, articles)})


@require_safe
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
