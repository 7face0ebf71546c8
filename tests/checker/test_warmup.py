"""The master's warm-up (interactions/warmup.py): pairs' findings worked out before forking."""

import pytest

from interactions import services, warmup
from interactions.templatetags import checker
from medicines import knowledge
from medicines.resolver import resolver_for


def test_every_ingredient_reads_as_itself_by_its_name():
    # warm() checks pairs by the ingredients' names: each must read as that ingredient alone.
    snap = knowledge.snapshot()
    resolver = resolver_for(snap)
    wrong = []
    for slug, ingredient in snap.ingredients.items():
        [item] = resolver.parse(ingredient.name)
        if getattr(item, "ingredients", None) != (slug,):
            wrong.append((ingredient.name, item))
    assert not wrong


def test_the_most_named_ingredients_come_first():
    snap = knowledge.snapshot()
    order = warmup.by_names(snap)
    assert sorted(order) == sorted(snap.ingredients)
    assert order.index("acetaminophen") < 5 and order.index("oxycodone") < 5  # many products
    assert order.index("acetaminophen") < order.index("methylene-blue")


@pytest.mark.django_db
def test_a_warmed_pair_is_rendered_from_the_memo_on_its_first_check():
    snap = knowledge.snapshot()
    services.check(["Zoloft", "Ultram"])  # the indexes built, as gunicorn's when_ready does
    checker._pair_fragment.cache_clear()
    assert warmup.warm(0) == 0 and checker._pair_fragment.cache_info().currsize == 0

    pairs = warmup.warm(1.0)
    assert pairs > 0 and checker._pair_fragment.cache_info().currsize > 0
    order = warmup.by_names(snap)
    first = "oxycodone"  # among the first few, so warmed within any budget
    second = next(s for s in order[:10] if s != first and _has_pair_finding(snap, first, s))
    before = checker._pair_fragment.cache_info()
    # A visitor's list, typed its own way (brand names, another order, a third medicine).
    result = services.check(["Percocet", snap.ingredients[second].name, "ibuprofen"])
    found = [f for f in result.findings if set(f.ingredients) == {first, second}]
    assert found and found[0].kind == "pair"
    checker.finding_html(found[0], result.data_version)
    after = checker._pair_fragment.cache_info()
    assert after.hits > before.hits
    assert after.misses - before.misses <= len(result.findings) - 1  # this pair was no miss


def _has_pair_finding(snap, a, b):
    names = [snap.ingredients[a].name, snap.ingredients[b].name]
    return any(f.kind == "pair" for f in services.check(names).findings)
