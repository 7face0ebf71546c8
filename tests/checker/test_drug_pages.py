"""Drug pages: /drugs/ (A–Z and by group) and /drugs/<slug>/ for every ingredient."""

import re
from html import unescape

import pytest
from django.urls import reverse

from articles.models import Article
from medicines import knowledge

pytestmark = pytest.mark.django_db


def one_h1(html):
    return len(re.findall(r"<h1[\s>]", html)) == 1


def test_index_lists_every_ingredient_a_to_z(client):
    snap = knowledge.snapshot()
    response = client.get(reverse("interactions:drug_list"))
    html = response.content.decode()
    assert response.status_code == 200 and one_h1(html)
    assert "Medicines A–Z" in html
    for slug in snap.ingredients:
        assert f'href="/drugs/{slug}/"' in html, slug
    assert 'href="#letter-s"' in html and 'id="letter-s"' in html
    # brand names help people find what they know
    assert re.search(r'href="/drugs/sertraline/">Sertraline</a> <span class="brands">\([^)]*Zoloft', html)
    assert '<a href="/drugs/" aria-current="page">A–Z</a>' in html


def test_index_by_group(client):
    html = client.get(reverse("interactions:drug_list") + "?by=class").content.decode()
    assert one_h1(html)
    assert 'id="class-ssri"' in html
    ssri = html.split('id="class-ssri"')[1].split("</section>")[0]
    assert 'href="/drugs/sertraline/"' in ssri and 'href="/drugs/tramadol/"' not in ssri
    assert '<a href="/drugs/?by=class" aria-current="page">By group</a>' in html


def test_drug_page_has_what_a_patient_needs(client, library):
    response = client.get(reverse("interactions:drug_detail", args=["sertraline"]))
    html = response.content.decode()
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert response.status_code == 200 and one_h1(html)
    assert "<h1 id=\"page-title\">Sertraline</h1>" in html
    assert knowledge.snapshot().ingredients["sertraline"].summary in text
    assert "Brand names" in text and "Zoloft" in text
    assert 'href="/drugs/?by=class#class-ssri"' in html
    assert "What sertraline interacts with" in text
    # interactions grouped by severity, worst first, each a link to the pair in the checker
    groups = re.findall(r'<section class="interaction-group severity-group-([a-z]+)"', html)
    assert groups and groups == [s for s in knowledge.SEVERITIES if s in groups]
    assert 'href="/check/?drugs=sertraline,tramadol"' in html
    assert "Serious — talk to your prescriber before taking these together" in text
    # guides about it, and a form to check it with other medicines
    assert "Guides about sertraline" in text
    assert re.search(r'href="/articles/[a-z0-9-]+/"', html.split("Guides about sertraline")[1])
    assert 'action="/check/#result"' in html and 'value="sertraline"' in html
    assert "dailymed.nlm.nih.gov" in html


def test_combination_products_are_listed(client):
    html = client.get(reverse("interactions:drug_detail", args=["oxycodone"])).content.decode()
    assert "In combination products" in html
    assert re.search(r"<strong>Percocet</strong>: oxycodone \+ <a href=\"/drugs/acetaminophen/\">acetaminophen</a>", html)


def test_unknown_slug_is_a_friendly_404(client):
    response = client.get("/drugs/no-such-medicine/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_every_ingredient_page_answers(client):
    snap = knowledge.snapshot()
    assert len(snap.ingredients) >= 100
    for slug in snap.ingredients:
        response = client.get(f"/drugs/{slug}/")
        assert response.status_code == 200, slug
        assert one_h1(response.content.decode()), slug


def test_a_page_without_interactions_never_says_safe(client):
    snap = knowledge.snapshot()
    from medicines import engine

    table = engine.pair_table(snap)
    lonely = [s for s in snap.ingredients if not any(s in pair for pair in table.current)]
    for slug in lonely[:5]:
        html = client.get(f"/drugs/{slug}/").content.decode()
        assert "is listed in our database. That does not mean none exists — ask your pharmacist." in html
        assert " safe " not in html.lower()


def test_every_drug_a_guide_links_to_resolves(client, library):
    """Guides link /drugs/<slug>/ for the medicines they discuss: every one must exist."""
    snap = knowledge.snapshot()
    for article in Article.objects.published():
        html = client.get(article.get_absolute_url()).content.decode()
        for slug in re.findall(r'href="/drugs/([^/"]+)/"', html):
            assert slug in snap.ingredients, (article.slug, slug)
