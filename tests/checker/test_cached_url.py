"""{% url %} and web.reversing.url_for reverse each address once per process; the tag
otherwise behaves as Django's."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from web import reversing
from web.templatetags import cached_url


@pytest.fixture(autouse=True)
def _empty():
    cached_url.cached_reverse.cache_clear()
    yield
    cached_url.cached_reverse.cache_clear()


def render(text, **context):
    return Template(text).render(Context(context))


def test_the_same_address_as_reverse_and_reversed_once(monkeypatch):
    calls = []
    real = reversing.reverse
    monkeypatch.setattr(reversing, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    text = "{% url 'interactions:drug_detail' slug %}|{% url 'home' %}"
    first = render(text, slug="sertraline")
    assert first == f"{reverse('interactions:drug_detail', args=['sertraline'])}|{reverse('home')}"
    for _ in range(5):
        assert render(text, slug="sertraline") == first
    assert len(calls) == 2
    assert render(text, slug="tramadol").startswith(
        reverse("interactions:drug_detail", args=["tramadol"])
    )
    assert len(calls) == 3


def test_as_var_escaping_and_errors_behave_as_djangos():
    assert render("{% url 'home' as home %}[{{ home }}]") == f"[{reverse('home')}]"
    assert render("{% url 'no-such-view' as missing %}[{{ missing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-view' %}")
    assert render("{% url 'interactions:drug_detail' slug=slug %}", slug="a-b") == reverse(
        "interactions:drug_detail", kwargs={"slug": "a-b"}
    )


def test_an_argument_that_cannot_be_a_key_is_reversed_uncached():
    class Unhashable(str):
        __hash__ = None

    assert render(
        "{% url 'interactions:drug_detail' slug %}", slug=Unhashable("lithium")
    ) == reverse("interactions:drug_detail", args=["lithium"])


def test_links_built_in_python_share_the_cache(monkeypatch, db):
    from articles import linking
    from interactions import services

    calls = []
    real = reversing.reverse
    monkeypatch.setattr(reversing, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert reversing.url_for("interactions:drug_detail", "sertraline") == reverse(
        "interactions:drug_detail", args=["sertraline"]
    )
    assert reversing.url_for("interactions:drug_detail", "sertraline")
    assert len(calls) == 1
    index = [{"title": "T", "slug": "t", "mechanisms": ["serotonin"], "drugs": [], "published": 1}]
    for _ in range(3):
        [link] = linking.guides_for(["serotonin"], [], index=index)
        assert link["url"] == reverse("articles:detail", args=["t"])
    assert len(calls) == 2
    urls = {r["url"] for r in services.lookup("sertr")["results"]}
    for _ in range(3):
        services.lookup("sertr")
    # Each suggestion's drug page is reversed once; sertraline's was already known.
    new = urls - {reverse("interactions:drug_detail", args=["sertraline"])}
    assert len(calls) == 2 + len(new)


def test_a_check_page_reverses_nothing_once_its_links_are_known(monkeypatch, client, library):
    calls = []
    real = reversing.reverse
    monkeypatch.setattr(reversing, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    query = {"drugs": "Zoloft, Percocet, Xanax, tramadol"}
    assert client.get("/check/", query).status_code == 200
    assert calls  # the first page reversed its links (drug pages, the checker, guides)
    calls.clear()
    import django.urls

    direct = []
    monkeypatch.setattr(django.urls, "reverse", lambda *a, **k: direct.append(a) or real(*a, **k))
    assert client.get("/check/", query).status_code == 200
    assert calls == [] and direct == []
