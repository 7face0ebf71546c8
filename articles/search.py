"""Full-text search over guides. The one place that knows which database we are on.

SQLite: an FTS5 table (articles_fts) with BM25 ranking and snippet().
PostgreSQL: a weighted tsvector column (search_vector, GIN index) with ts_rank and
ts_headline. Both are created by migration 0002 for their own vendor only.

Titles weigh most, then the summary, then the body, so a title hit ranks first.
User text never reaches the query syntax: it is cut into plain words first, so quotes,
operators and emoji are harmless.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# Private-use characters mark highlights; they cannot come from escaped user text.
_START, _STOP = "\ue000", "\ue001"
_TERM = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    article: object
    snippet: str


def terms(query: str) -> list[str]:
    """The plain words of a query, lower-cased, at most MAX_TERMS of them."""
    words = _TERM.findall((query or "")[:MAX_QUERY_CHARS].lower())
    seen = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def _highlight(text: str) -> str:
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _body_text(article) -> str:
    return strip_tags(article.body_html)


def index_article(article) -> None:
    """Bring the search index up to date for one saved article."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM articles_fts WHERE rowid = %s", [article.pk])
            cursor.execute(
                "INSERT INTO articles_fts(rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                [article.pk, article.title, article.summary, _body_text(article)],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE articles_article SET search_vector ="
                " setweight(to_tsvector('english', %s), 'A') ||"
                " setweight(to_tsvector('english', %s), 'B') ||"
                " setweight(to_tsvector('english', %s), 'C')"
                " WHERE id = %s",
                [article.title, article.summary, _body_text(article), article.pk],
            )


def search(query: str, queryset, limit: int = 50) -> list[Hit]:
    """Ranked hits from `queryset` (already limited to what may be shown)."""
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        ranked = _postgres(words, limit)
    else:
        ranked = _sqlite(words, limit)
    allowed = queryset.in_bulk([pk for pk, _ in ranked])
    return [Hit(allowed[pk], _highlight(snippet)) for pk, snippet in ranked if pk in allowed]


def _sqlite(words: list[str], limit: int) -> list[tuple[int, str]]:
    # Each word quoted (so FTS5 sees no operators) and prefix-matched; every word must
    # match, and if nothing matches every word, any word will do.
    quoted = [f'"{word}"*' for word in words]
    sql = (
        "SELECT rowid, snippet(articles_fts, -1, %s, %s, '…', 24)"
        " FROM articles_fts WHERE articles_fts MATCH %s"
        " ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0) LIMIT %s"
    )
    with connection.cursor() as cursor:
        for joiner in (" AND ", " OR "):
            cursor.execute(sql, [_START, _STOP, joiner.join(quoted), limit])
            rows = cursor.fetchall()
            if rows or len(words) == 1:
                return rows
    return []


def _postgres(words: list[str], limit: int) -> list[tuple[int, str]]:
    options = f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15, MaxFragments=2"
    sql = (
        "SELECT id, ts_headline('english', title || '. ' || summary || ' ' || body, q, %s)"
        " FROM articles_article, to_tsquery('english', %s) q"
        " WHERE search_vector @@ q"
        " ORDER BY ts_rank(search_vector, q, 1) DESC, published DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        for joiner in (" & ", " | "):
            tsquery = joiner.join(f"{word}:*" for word in words)
            cursor.execute(sql, [options, tsquery, limit])
            rows = cursor.fetchall()
            if rows or len(words) == 1:
                return rows
    return []
