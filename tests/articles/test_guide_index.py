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
