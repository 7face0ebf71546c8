"""The page around a result is rendered once and reused: each check fills in only its own
list (the two fields and the result), escaped, and nothing from an earlier check."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from interactions import views


def field_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(drugs|recently_stopped)"[^>]*value="([^"]*)"', html))


def test_each_check_shows_its_own_list_only(client, db):
    views._page_around.cache_clear()
    url = reverse("interactions:check")
    first = client.get(url, {"drugs": "Zoloft,Ultram", "recently_stopped": "Nardil"})
    second = client.get(url, {"drugs": "Xanax,oxycodone"})
    assert views._page_around.cache_info().hits >= 1
    first_html, second_html = first.content.decode(), second.content.decode()
    assert field_values(first_html) == {"drugs": "Zoloft,Ultram", "recently_stopped": "Nardil"}
    assert field_values(second_html) == {"drugs": "Xanax,oxycodone", "recently_stopped": ""}
    for name in ("Ultram", "Nardil", "sertraline"):  # ("Zoloft" is in the form's hint)
        assert name not in second_html
    assert "\ue000" not in first_html + second_html  # every slot filled
    assert second_html.count('id="results"') == 1


def test_typed_text_is_escaped_in_the_fields(client, db):
    url = reverse("interactions:check")
    html = client.get(url, {"drugs": 'Zoloft,"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "query",
    [
        {"drugs": "citalopram,ondansetron,methadone"},
        {"drugs": "Zoloft,Ultram", "recently_stopped": "Nardil"},
        {"drugs": "blorbex"},
        {"drugs": "Percocet & <b>"},
    ],
)
@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}], ids=["page", "htmx"])
def test_the_page_is_the_page_rendered_whole(client, db, monkeypatch, query, headers):
    url = reverse("interactions:check")
    reused = client.get(url, query, **headers).content.decode()
    monkeypatch.setattr(
        views,
        "_around_result",
        lambda request, context, template: render_to_string(template, context, request),
    )
    whole = client.get(url, query, **headers).content.decode()
    assert reused == whole
    assert ("<html" in whole) is not bool(headers) and 'id="results"' in whole


@pytest.mark.parametrize(
    "typed",
    [
        "\ue000result_slot\ue001,zoloft,tramadol",
        "zoloft,\ue000stopped_value\ue001",
        "\ue000anchor\ue001 zoloft",
    ],
)
def test_a_slot_typed_in_a_field_fills_nothing(client, db, typed):
    """Slots are private-use characters; typed ones are dropped, so the result can never land
    inside a field (or a field's text inside another)."""
    url = reverse("interactions:check")
    html = client.get(url, {"drugs": typed, "recently_stopped": "\ue000drugs_value\ue001"}).content
    html = html.decode()
    assert "\ue000" not in html
    assert html.count('id="results"') == 1
    assert 'value=""' in html  # the stopped field: nothing but a slot was typed
