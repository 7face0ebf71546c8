"""Full-text search over guides. The one place that knows which database we are on.

SQLite: an FTS5 table (articles_fts, porter stemming) with BM25 ranking and snippet().
PostgreSQL: a weighted tsvector column (search_vector, 'english' stemming, GIN index) with
ts_rank and ts_headline. Both are created by migration 0002 for their own vendor only.

A query is read the way a patient means it, in this order:

1. Cut into plain words (at most MAX_QUERY_CHARS characters and MAX_TERMS words), so
   quotes, operators and emoji never reach the query syntax.
2. Misspellings are corrected against the published guides' words and the medicine names
   ("oxycodne" -> "oxycodone"): a word that is neither a known word nor the start of one
   gets the closest known spelling, if one is close enough, and the corrected query is
   searched (the page says "Did you mean oxycodone?").
3. Each word or phrase becomes a *concept*: itself or any of its synonyms
   (content/search_synonyms.yaml: "symptoms" is also "signs"), and a brand name is also
   its ingredient ("Zoloft" is also "sertraline", from the knowledge base).
4. Guides matching every concept come first; if none does, any concept will do. Guides
   whose title holds more of the words as typed rank first, then more of the concepts in
   any spelling, then those matching more concepts, then BM25 / ts_rank (title > summary
   > body).

The work is bounded: MAX_TERMS concepts of at most MAX_ALTERNATIVES spellings each, and
the spelling index is built once per set of published guides.
"""

import bisect
import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from medicines import knowledge

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_ALTERNATIVES = 8  # spellings of one concept (the word, its synonyms, a brand's ingredients)
MAX_PHRASE_WORDS = 3  # the longest synonym phrase looked for in a query
SYNONYMS_FILE = Path(settings.BASE_DIR) / "content" / "search_synonyms.yaml"
# Private-use characters mark highlights; they cannot come from escaped user text.
_START, _STOP = "\ue000", "\ue001"
# Letters and digits only: no underscore, apostrophe or operator reaches either query syntax.
_TERM = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    article: object
    snippet: str


@dataclass(frozen=True)
class Results:
    """What a search found. Iterating gives the hits (best first).

    `suggestion` is the corrected query ("oxycodone") when a word looked misspelt; the
    hits are then that query's.
    """

    hits: list = field(default_factory=list)
    suggestion: str = ""

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)

    def __getitem__(self, index):
        return self.hits[index]


def terms(query: str) -> list[str]:
    """The plain words of a query, lower-cased, at most MAX_TERMS of them."""
    words = _TERM.findall((query or "")[:MAX_QUERY_CHARS].lower())
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _highlight(text: str) -> str:
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _body_text(article) -> str:
    return strip_tags(article.body_html)


def _words(text: str) -> list[str]:
    return _TERM.findall(text.lower())


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


# --------------------------------------------------------------------------- vocabulary


@functools.cache
def synonym_groups() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """phrase (as words) -> every phrase of its group, from content/search_synonyms.yaml."""
    groups = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or []
    table = {}
    for group in groups:
        phrases = tuple(dict.fromkeys(tuple(_words(str(p))) for p in group if _words(str(p))))
        for phrase in phrases:
            table[phrase] = phrases
    return table


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _other_number(word: str) -> str:
    """ "ssri" -> "ssris", "signs" -> "sign": the word's plural or singular."""
    singular = _singular(word)
    return singular if singular != word else word + "s"


@functools.lru_cache(maxsize=2)
def _medicine_names(snap) -> dict:
    """From the knowledge snapshot: brand word -> its ingredients' names (as words), and
    every word of every medicine name (for spelling). Built once per knowledge version (a
    snapshot hashes as its version)."""
    brands: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    words: set[str] = set()
    for ingredient in snap.ingredients.values():
        for name in (ingredient.name, *ingredient.synonyms):
            words.update(_words(name))
    for product in snap.products:
        for name in (product.name, *product.synonyms):
            words.update(_words(name))
            if product.kind == "brand" and len(product.ingredients) <= 3:
                brands[tuple(_words(name))] = tuple(
                    tuple(_words(snap.ingredients[s].name))
                    for s in product.ingredients
                    if s in snap.ingredients
                )
    return {"brands": brands, "words": frozenset(words)}


class _Spelling:
    """Known words (published guides + medicine names), for "Did you mean"."""

    def __init__(self, guide_words: dict[str, int], medicine_words: frozenset[str]):
        self.count = dict(guide_words)
        for word in medicine_words:
            # A medicine name wins a tie: it is what people most often misspell.
            self.count[word] = self.count.get(word, 0) + 1000
        self.sorted = sorted(self.count)
        self.by_length: dict[int, list[str]] = {}
        for word in self.sorted:
            self.by_length.setdefault(len(word), []).append(word)

    def known(self, word: str) -> bool:
        """A known word, or the start of one (someone still typing: "zolpi")."""
        if word in self.count:
            return True
        at = bisect.bisect_left(self.sorted, word)
        return at < len(self.sorted) and self.sorted[at].startswith(word)

    def correct(self, word: str) -> str | None:
        if len(word) < 4 or word.isdigit() or self.known(word):
            return None
        allowed = 1 if len(word) < 7 else 2
        window = [
            w
            for length in range(len(word) - allowed, len(word) + allowed + 1)
            for w in self.by_length.get(length, ())
        ]
        found = process.extract(
            word, window, scorer=OSA.distance, processor=None, score_cutoff=allowed, limit=None
        )
        if not found:
            return None
        best = min(found, key=lambda hit: (hit[1], -self.count[hit[0]], hit[0]))
        return best[0]


@dataclass(frozen=True)
class _Guides:
    """The published guides as a cache key: their count and last change (the queryset rides
    along, outside the key, to be read on a miss)."""

    count: int
    last: datetime | None
    queryset: QuerySet = field(compare=False, hash=False)


def _spelling(queryset, snap) -> _Spelling:
    state = queryset.aggregate(n=Count("pk"), last=Max("updated"))
    return _spelling_for(_Guides(state["n"], state["last"], queryset), snap)


@functools.lru_cache(maxsize=2)
def _spelling_for(guides: _Guides, snap) -> _Spelling:
    """Built once per (guide count, last change, knowledge version)."""
    counts: dict[str, int] = {}
    for title, summary, body_html in guides.queryset.values_list("title", "summary", "body_html"):
        for word in _words(f"{title} {summary} {strip_tags(body_html)}"):
            counts[word] = counts.get(word, 0) + 1
    return _Spelling(counts, _medicine_names(snap)["words"])


# --------------------------------------------------------------------------- concepts


def concepts(words: list[str], snap=None) -> list[tuple[tuple[str, ...], ...]]:
    """Each word or synonym phrase of the query as its spellings (each a tuple of words).

    The longest synonym phrase wins at each word ("pain reliever" is one concept). A
    brand name is also its ingredients' names."""
    table = synonym_groups()
    brands = _medicine_names(snap)["brands"] if snap is not None else {}
    found = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + size])
            singular = (*phrase[:-1], _singular(phrase[-1]))
            group = table.get(phrase) or table.get(singular)
            if group or size == 1:
                break
        alternatives = [phrase, *(group or ())]
        alternatives += brands.get(phrase, ())
        found.append(tuple(dict.fromkeys(alternatives))[:MAX_ALTERNATIVES])
        i += size
    return found[:MAX_TERMS]


# --------------------------------------------------------------------------- searching


def search(query: str, queryset, limit: int = 50) -> Results:
    """Ranked hits from `queryset` (already limited to what may be shown)."""
    words = terms(query)
    if not words:
        return Results()
    snap = knowledge.snapshot()
    spelling = _spelling(queryset, snap)
    fixed = [spelling.correct(word) or word for word in words]
    suggestion = " ".join(fixed) if fixed != words else ""
    # A corrected word is in no guide and starts no word of one: searching for it as typed
    # could only find nothing, so the corrected query is searched instead.
    return Results(_ranked(concepts(fixed, snap), spelling, queryset, limit), suggestion)


def _ranked(found, spelling, queryset, limit) -> list[Hit]:
    # A word nobody wrote in full is someone still typing: match names starting with it.
    # The last word's other number too: stemmers keep some plurals apart ('english' keeps
    # "ssris" from "ssri"), so "ssri" must also look for "SSRIs".
    prefixed = [
        list(
            dict.fromkeys(
                (spelling_, len(spelling_) == 1 and spelling_[0] not in spelling.count)
                for words in concept
                for spelling_ in (words, (*words[:-1], _other_number(words[-1])))
            )
        )
        for concept in found
    ]
    if connection.vendor == "postgresql":
        ranked = _postgres(prefixed, limit)
    else:
        ranked = _sqlite(prefixed, limit)
    allowed = queryset.in_bulk([pk for pk, _ in ranked])
    return [Hit(allowed[pk], _highlight(snippet)) for pk, snippet in ranked if pk in allowed]


def _fts_concept(concept) -> str:
    # Each spelling quoted (so FTS5 sees no operators): one word, or a phrase.
    return "(" + " OR ".join(f'"{" ".join(w)}"' + ("*" if p else "") for w, p in concept) + ")"


def _sqlite(found, limit: int) -> list[tuple[int, str]]:
    parts = [_fts_concept(concept) for concept in found]
    typed = [_fts_concept(concept[:1]) for concept in found]
    # One row per (guide, concept it matches): with the words as typed in its title (2),
    # with any spelling in its title (1), anywhere (0).
    counted = " UNION ALL ".join(
        f"SELECT rowid, {kind} AS k FROM articles_fts WHERE articles_fts MATCH %s"
        for kind in (2, 1, 0)
        for _ in parts
    )
    sql = (
        f"WITH counted AS ({counted}),"
        " hits AS (SELECT rowid, snippet(articles_fts, -1, %s, %s, '…', 24) AS snip,"
        " bm25(articles_fts, 10.0, 4.0, 1.0) AS score FROM articles_fts"
        " WHERE articles_fts MATCH %s)"
        " SELECT hits.rowid, hits.snip FROM hits"
        " LEFT JOIN (SELECT rowid, SUM(k = 2) AS typed, SUM(k = 1) AS title, SUM(k = 0) AS n"
        " FROM counted GROUP BY rowid) c ON c.rowid = hits.rowid"
        " ORDER BY c.typed DESC, c.title DESC, c.n DESC, hits.score LIMIT %s"
    )
    params = [f"title : {p}" for p in typed] + [f"title : {p}" for p in parts] + parts
    with connection.cursor() as cursor:
        for joiner in (" AND ", " OR "):
            cursor.execute(sql, [*params, _START, _STOP, joiner.join(parts), limit])
            rows = cursor.fetchall()
            if rows or len(parts) == 1:
                return rows
    return []


def _lexeme(word: str, prefix: bool, weight: str) -> str:
    # "tram:*" matches words starting with tram; "pain:A" only title words.
    return f"{word}:{'*' if prefix else ''}{weight}" if prefix or weight else word


def _ts_concept(concept, weight: str = "") -> str:
    spellings = [
        " <-> ".join(_lexeme(w, prefix, weight) for w in words) for words, prefix in concept
    ]
    return "(" + " | ".join(spellings) + ")"


def _postgres(found, limit: int) -> list[tuple[int, str]]:
    options = f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15, MaxFragments=2"
    matches = "CASE WHEN search_vector @@ to_tsquery('english', %s) THEN 1 ELSE 0 END"
    total = " + ".join([matches] * len(found))
    # Concepts with the words as typed in the title, with any spelling in the title,
    # anywhere; then ts_rank (title A > summary B > body C).
    sql = (
        "SELECT id, ts_headline('english', title || '. ' || summary || ' ' || body, q, %s)"
        " FROM articles_article, to_tsquery('english', %s) q"
        " WHERE search_vector @@ q"
        f" ORDER BY ({total}) DESC, ({total}) DESC, ({total}) DESC,"
        " ts_rank(search_vector, q, 1) DESC, published DESC LIMIT %s"
    )
    typed = [_ts_concept(concept[:1], "A") for concept in found]
    titles = [_ts_concept(concept, "A") for concept in found]
    anywhere = [_ts_concept(concept) for concept in found]
    with connection.cursor() as cursor:
        for joiner in (" & ", " | "):
            tsquery = joiner.join(anywhere)
            cursor.execute(sql, [options, tsquery, *typed, *titles, *anywhere, limit])
            rows = cursor.fetchall()
            if rows or len(found) == 1:
                return rows
    return []
