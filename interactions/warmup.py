"""The findings of pairs of medicines, worked out once in gunicorn's master before it forks.

Each worker keeps memos of what a check works out for a pair of ingredients: the engine's
finding, its guide links, its steps, its HTML fragment (interactions/templatetags/checker.py).
None of them depends on the list a visitor sent, only on the two ingredients and the
knowledge version, but each worker used to learn them one check at a time, from nothing,
after every start and every restart (max_requests): over random lists of real names a new
worker's first thousand checks cost about a fifth more CPU than its later ones
(docs/BENCHMARKS.md). Filled in the master, the workers share them (copy-on-write, frozen out
of the collector's sight) and start where a worker that has served a while would be.

The pairs go most-named ingredient first (the ones behind the most brands and products, so
the most likely to be typed), every pair among the first k before the k+1st, until the time
budget runs out: all 11,781 pairs of the 154 ingredients take about 2.5 s; a formulary of
thousands warms its commonest ingredients only (config/gunicorn.conf.py, START_BUDGET).
"""

from __future__ import annotations

import time
from collections import Counter

from interactions import services
from interactions.templatetags import checker
from medicines import knowledge


def by_names(snap) -> list[str]:
    """Ingredient slugs, those behind the most names (synonyms, brands, products) first."""
    names = Counter({slug: 1 + len(i.synonyms) for slug, i in snap.ingredients.items()})
    for product in snap.products:
        for slug in product.ingredients:
            names[slug] += 1 + len(product.synonyms)
    return sorted(snap.ingredients, key=lambda slug: (-names[slug], slug))


def warm(budget: float) -> int:
    """Check pairs of ingredients and render their findings until `budget` seconds have
    passed (or every pair is done). Returns the number of pairs checked."""
    snap = knowledge.snapshot()
    order = by_names(snap)
    deadline = time.monotonic() + budget
    checked = 0
    for k, second in enumerate(order):
        for first in order[:k]:
            if time.monotonic() >= deadline:
                return checked
            result = services.check([snap.ingredients[first].name, snap.ingredients[second].name])
            for finding in result.findings:
                checker.finding_html(finding, result.data_version)
            checked += 1
    return checked
