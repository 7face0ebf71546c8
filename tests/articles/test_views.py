import pytest
from django.urls import reverse

from articles.models import Article


def test_guide_page_shows_everything_a_reader_needs(client, make_guide):
    guide = make_guide(
        title="Tramadol and SSRIs",
        slug="tramadol-ssris",
        emergency=True,
        tags=["tramadol", "ssris"],
        body="## What to do\n\n1. Ask.\n\n## Warning signs\n\n- Shaking\n",
        references=[
            {
                "title": "Ultram label",
                "publisher": "DailyMed",
                "year": 2023,
                "url": "https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=tramadol",
            }
        ],
        drugs=["tramadol", "sertraline"],
    )
    related = make_guide(title="Serotonin syndrome", slug="serotonin-syndrome", tags=["ssris"])
    make_guide(title="Unrelated", slug="unrelated", tags=["nsaids"])
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "Tramadol and SSRIs" in html
    assert "In short" in html and guide.summary in html
    assert 'href="#what-to-do"' in html  # table of contents
    assert "min read" in html and "Last reviewed" in html
    assert "Ultram label" in html and "DailyMed" in html
    assert "Get emergency help" in html and "988" in html
    assert 'href="/tags/ssris/"' in html and 'href="/topics/drug-interactions/"' in html
    assert related.get_absolute_url() in html
    assert "/articles/unrelated/" not in html
    assert "/check/?drugs=tramadol,sertraline" in html
    assert 'href="/drugs/tramadol/"' in html


def test_emergency_box_only_when_asked(client, make_guide):
    guide = make_guide(emergency=False)
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "Get emergency help" not in html  # the footer box says "In an emergency"


def test_views_counter_and_most_read(client, make_guide):
    popular = make_guide(title="Popular", slug="popular")
    make_guide(title="Quiet", slug="quiet")
    for _ in range(3):
        client.get(popular.get_absolute_url())
    assert Article.objects.get(slug="popular").views == 3
    home = client.get(reverse("home")).content.decode()
    most_read = home.split('id="most-read"')[1]
    assert most_read.index("Popular") < most_read.index("Quiet")


def test_pagination(client, make_guide):
    for _ in range(12):
        make_guide()
    page1 = client.get(reverse("articles:list")).content.decode()
    page2 = client.get(reverse("articles:list") + "?page=2").content.decode()
    assert "Page 1 of 2" in page1 and "Page 2 of 2" in page2
    assert client.get(reverse("articles:list") + "?page=999").status_code == 200
    assert client.get(reverse("articles:list") + "?page=abc").status_code == 200


def test_tag_index_lists_only_used_tags(client, make_guide):
    make_guide(tags=["opioids"])
    html = client.get(reverse("articles:tag_list")).content.decode()
    assert 'href="/tags/opioids/"' in html and "(1 guide)" in html


def test_unknown_topic_and_tag_are_404(client, db):
    assert client.get(reverse("articles:topic", args=["nope"])).status_code == 404
    assert client.get(reverse("articles:tag", args=["nope"])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_pages_are_read_only(client, make_guide, method):
    guide = make_guide()
    response = getattr(client, method)(guide.get_absolute_url())
    assert response.status_code == 405


def test_feed_is_atom(client, make_guide):
    make_guide(title="Feed me")
    response = client.get(reverse("articles:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Feed me" in response.content.decode()
