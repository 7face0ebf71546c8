"""The guide index the checker links from: shared cache, plus a few seconds in-process."""

from articles import linking


def test_the_index_is_read_once_per_few_seconds_and_forgotten_on_save(make_guide, monkeypatch):
    reads = []
    real_get_or_set = linking.cache.get_or_set
    monkeypatch.setattr(
        linking.cache,
        "get_or_set",
        lambda *a, **k: reads.append(a[0]) or real_get_or_set(*a, **k),
    )
    clock = [1000.0]
    monkeypatch.setattr(linking.time, "monotonic", lambda: clock[0])

    make_guide(slug="first", drugs=["sertraline"])
    first = linking.published_guide_index()
    for _ in range(5):
        assert linking.published_guide_index() is first
    assert len(reads) == 1

    # Saved in this process: the next read sees it at once.
    make_guide(slug="second", drugs=["tramadol"])
    assert {g["slug"] for g in linking.published_guide_index()} == {"first", "second"}
    assert len(reads) == 2

    # Changed elsewhere (only the shared cache knows): seen once the local copy expires.
    linking.cache.set(linking.INDEX_CACHE_KEY, [], linking.INDEX_CACHE_SECONDS)
    assert len(linking.published_guide_index()) == 2
    clock[0] += linking.INDEX_LOCAL_SECONDS + 0.1
    assert linking.published_guide_index() == []
    assert len(reads) == 3


def test_the_checker_keys_one_copy_of_the_guides_and_hashes_each_copy_once(monkeypatch):
    """interactions.services._guide_index: a new copy with the same guides (read again after
    a few seconds) keeps the first copy and its key; the key is computed once per copy read;
    changed guides get a new key."""
    from interactions import services

    guide = {"slug": "a", "title": "A", "published": "2026", "mechanisms": ["x"], "drugs": ["y"]}
    copies = [[dict(guide)], [dict(guide)], [dict(guide, title="B")]]
    read = [copies[0]]
    monkeypatch.setattr(linking, "published_guide_index", lambda: read[0])
    monkeypatch.setattr(services, "_latest_index", [None, None])
    hashed = []
    real_hash = hash
    monkeypatch.setattr(services, "hash", lambda v: hashed.append(1) or real_hash(v), raising=False)

    first = services._guide_index()
    assert services._guide_index() is first and services._guide_index() is first
    assert len(hashed) == 1  # once for this copy, not once per check
    read[0] = copies[1]  # the same guides, another copy
    assert services._guide_index() is first and first[1] is copies[0]
    assert services._guide_index() is first and len(hashed) == 2
    read[0] = copies[2]  # a guide changed
    changed = services._guide_index()
    assert changed[0] != first[0] and changed[1] is copies[2]


def test_the_remembered_medicine_guides_are_the_ones_computed_afresh(library):
    """services._medicine_guides keys its memo by the medicines some guide is about only."""
    import random

    from interactions import services
    from medicines import knowledge

    index = services._guide_index()
    slugs = sorted(knowledge.snapshot().ingredients)
    rng = random.Random(7)
    for _ in range(200):
        chosen = rng.sample(slugs, rng.randint(1, 8))
        fresh = linking.guides_for([], chosen, limit=4, index=index[1])
        assert services._medicine_guides(chosen, index) == fresh
