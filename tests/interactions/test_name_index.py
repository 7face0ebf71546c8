"""Name look-ups come from an index: the same answers as scanning every name, without the
scan (prefixes and word starts by bisection; spelling only over a capped candidate set)."""

import importlib
import random

import pytest
from rapidfuzz import process
from rapidfuzz.distance import OSA

from medicines import knowledge
from medicines import resolver as resolver_module
from medicines.resolver import Resolver

synthetic_kb = importlib.import_module("bench.synthetic_kb")
queries = importlib.import_module("bench.queries")


@pytest.fixture(scope="module")
def big():
    """A formulary-sized resolver: 1,000 ingredients, about 13,000 names."""
    import tempfile
    from pathlib import Path

    out = Path(tempfile.mkdtemp()) / "data"
    synthetic_kb.build(1000, out, seed=11)
    return Resolver(knowledge.load(out))


def typed_prefixes(resolver, count=150, seed=1):
    rng = random.Random(seed)
    names = queries.known_names(resolver.snap)
    typed = [queries.as_typed(rng, n) for n in rng.sample(names, count)]
    return [knowledge.normalise_name(t[:n]) for t in typed for n in range(1, len(t) + 1)]


def test_prefix_and_word_lookups_equal_a_scan(big):
    index, keys = big._covered, big._covered_keys
    for key in dict.fromkeys(typed_prefixes(big)):
        if not key:
            continue
        prefix = sorted((k for k in keys if k.startswith(key)), key=lambda k: (len(k), k))
        words = sorted(
            (k for k in keys if not k.startswith(key) and f" {key}" in f" {k}"),
            key=lambda k: (len(k), k),
        )
        assert index.starting_with(key, 40) == prefix[:40]
        assert index.word_starting_with(key, 40) == words[:40]


def test_spelling_distance_equals_a_scan(big):
    index, keys = big._names, big._keys
    rng = random.Random(5)
    for name in rng.sample(keys, 300):
        typo = queries.typo(rng, name)
        for allowed in (1, 2, 3):
            hits = process.extract(
                typo, keys, scorer=OSA.distance, score_cutoff=allowed, limit=None
            )
            expected = sorted((d, keys.index(k), k) for k, d, _ in hits)[:8]
            assert index.within_distance(typo, allowed) == [(k, d) for d, _, k in expected]


def test_typos_are_scored_natively_over_a_capped_candidate_set(big, monkeypatch):
    calls = []
    extract = process.extract

    def counting(query, choices, **kwargs):
        assert kwargs.get("processor", "unset") is None  # rapidfuzz's own scorer, no Python
        calls.append((query, list(choices)))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(resolver_module.process, "extract", counting)
    names = len(big._covered_keys)
    for text in ("sertaline", "tramadal", "zoloftt", "ambein"):
        assert big.autocomplete(text)
    assert calls
    for query, choices in calls:
        # Whole names: only lengths that can reach the cutoff (80) ...
        if all(0.66 * len(query) <= len(c) <= 1.5 * len(query) for c in choices):
            continue
        # ... starts of names: only those sharing a first or second letter with the text.
        assert len(choices) < names / 2
        assert all(c[:1] in query[:2] or c[1:2] in query[:2] for c in choices)


def test_one_slip_at_the_start_still_finds_the_name(resolver):
    for typed, expected in (
        ("dertraline", "sertraline"),  # first letter wrong
        ("esrtraline", "sertraline"),  # first two swapped
        ("ertraline", "sertraline"),  # first letter dropped
        ("ssertraline", "sertraline"),  # a letter too many
        ("tramadal", "tramadol"),
    ):
        assert expected in [label for label, _ in resolver.autocomplete(typed)][:3], typed
