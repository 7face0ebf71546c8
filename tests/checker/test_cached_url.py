"""{% url %} reverses each address once per process, and otherwise behaves as Django's tag."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

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
    real = cached_url.reverse
    monkeypatch.setattr(cached_url, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
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
