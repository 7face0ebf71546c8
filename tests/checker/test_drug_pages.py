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
    assert re.search(
        r'href="/drugs/sertraline/">Sertraline</a> <span class="brands">\([^)]*Zoloft', html
    )
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
    assert '<h1 id="page-title">Sertraline</h1>' in html
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
    assert re.search(
        r"<strong>Percocet</strong>: oxycodone \+ <a href=\"/drugs/acetaminophen/\">acetaminophen</a>",
        html,
    )


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
        assert (
            "is listed in our database. That does not mean none exists — ask your pharmacist."
            in html
        )
        assert " safe " not in html.lower()


def test_every_drug_a_guide_links_to_resolves(client, library):
    """Guides link /drugs/<slug>/ for the medicines they discuss: every one must exist."""
    snap = knowledge.snapshot()
    for article in Article.objects.published():
        html = client.get(article.get_absolute_url()).content.decode()
        for slug in re.findall(r'href="/drugs/([^/"]+)/"', html):
            assert slug in snap.ingredients, (article.slug, slug)


# --- issue 12: brands in the A–Z, guides by relevance, a severity filter ------------------


def test_brand_names_are_in_the_a_to_z_pointing_at_their_ingredient(client):
    html = client.get(reverse("interactions:drug_list")).content.decode()
    z = html.split('id="letter-z"')[1].split("</section>")[0]
    assert re.search(
        r'<a href="/drugs/sertraline/">Zoloft</a> <span class="brands">a brand of sertraline</span>',
        z,
    )
    # a branded combination is listed too, and links each ingredient
    p = html.split('id="letter-p"')[1].split("</section>")[0]
    assert re.search(
        r'<a href="/drugs/oxycodone/">Percocet</a> <span class="brands">a brand of oxycodone'
        r' \+ <a href="/drugs/acetaminophen/">acetaminophen</a>',
        p,
    )
    assert ">oxycodone/acetaminophen</a>" not in html
    # the by-group view lists ingredients only
    by_class = client.get(reverse("interactions:drug_list") + "?by=class").content.decode()
    assert ">Zoloft</a>" not in by_class


def test_guides_about_a_medicine_put_its_own_guide_first_and_list_all(client, library):
    html = client.get("/drugs/tramadol/").content.decode()
    section = html.split('id="guides-heading"')[1].split("</section>")[0]
    listed = re.findall(r'href="/articles/([a-z0-9-]+)/"', section)
    about = [a.slug for a in Article.objects.published() if "tramadol" in a.drugs]
    assert listed[0] == "tramadol-and-antidepressants"
    assert sorted(listed) == sorted(about) and len(listed) > 6
    # a brand in the title counts as the medicine's name: Ambien (zolpidem)
    html = client.get("/drugs/zolpidem/").content.decode()
    section = html.split('id="guides-heading"')[1].split("</section>")[0]
    assert (
        re.findall(r'href="/articles/([a-z0-9-]+)/"', section)[0]
        == "zolpidem-ambien-and-antidepressants"
    )


def test_interactions_name_brand_examples(client):
    html = client.get("/drugs/sertraline/").content.decode()
    assert re.search(
        r'href="/check/\?drugs=sertraline,tramadol">tramadol <span class="partner-brands">\([^)]+\)</span>',
        html,
    )


def test_severity_filter_works_without_javascript(client):
    everything = client.get("/drugs/sertraline/").content.decode()
    groups = re.findall(r'<section class="interaction-group severity-group-([a-z]+)"', everything)
    assert len(groups) > 1
    assert 'href="/drugs/sertraline/?severity=major#interactions"' in everything
    major = client.get("/drugs/sertraline/?severity=major").content.decode()
    assert re.findall(r'<section class="interaction-group severity-group-([a-z]+)"', major) == [
        "major"
    ]
    assert re.search(
        r'href="/drugs/sertraline/\?severity=major#interactions" aria-current="true"', major
    )
    # an unknown value shows everything
    odd = client.get("/drugs/sertraline/?severity=<script>").content.decode()
    assert re.findall(r'<section class="interaction-group severity-group-([a-z]+)"', odd) == groups
    # the parameter is part of the page cache key: the filtered page is not served for all
    assert (
        re.findall(
            r'<section class="interaction-group severity-group-([a-z]+)"',
            client.get("/drugs/sertraline/").content.decode(),
        )
        == groups
    )
