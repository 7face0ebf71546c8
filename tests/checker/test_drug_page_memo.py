"""Drug pages are built once per knowledge version (functools.lru_cache on the snapshot)."""

from interactions import views
from medicines import knowledge


def test_a_drug_page_is_built_once_per_knowledge_version(db):
    first, reloaded = knowledge.load(), knowledge.load()  # two objects, one version
    page = views._drug_page(first, "sertraline")
    assert page["name"] == first.ingredients["sertraline"].name
    assert views._drug_page(reloaded, "sertraline") is page
    assert views._drug_index(reloaded) is views._drug_index(first)


def test_unknown_names_are_not_memoised():
    snap = knowledge.snapshot()
    before = views._built_drug_page.cache_info().currsize
    for n in range(50):
        assert views._drug_page(snap, f"no-such-medicine-{n}") is None
    assert views._built_drug_page.cache_info().currsize == before
