import re

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


def test_all_guides_on_one_page_grouped_by_topic(client, make_guide):
    from articles.models import Category

    later = Category.objects.create(
        slug="medicine-safety", name="Medicine safety basics", position=9
    )
    first = Category.objects.create(slug="pain-relief", name="Pain relief", position=1)
    for n in range(12):
        make_guide(title=f"Pain guide {n:02}", category=first)
    make_guide(title="A list to keep", category=later)
    html = client.get(reverse("articles:list")).content.decode()
    assert "Older" not in html and "Page 1 of" not in html
    assert html.count('class="card"') == 13
    # topics in their set order, each with its guides (by title) under its heading
    pain = html.split('id="topic-pain-relief"')[1].split("</section>")[0]
    safety = html.split('id="topic-medicine-safety"')[1].split("</section>")[0]
    assert html.index('id="topic-pain-relief"') < html.index('id="topic-medicine-safety"')
    assert pain.count('class="card"') == 12 and "A list to keep" in safety
    assert pain.index("Pain guide 00") < pain.index("Pain guide 11")
    assert 'href="#topic-medicine-safety"' in html
    assert client.get(reverse("articles:list") + "?page=abc").status_code == 200


def test_tag_pages_still_paginate_a_long_list(client, make_guide):
    for _ in range(12):
        make_guide()
    page1 = client.get("/tags/opioids/").content.decode()
    page2 = client.get("/tags/opioids/?page=2").content.decode()
    assert "Page 1 of 2" in page1 and "Page 2 of 2" in page2


def test_plain_words_for_subjects_and_the_feed(client, make_guide):
    make_guide()
    html = client.get(reverse("articles:list")).content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Browse by subject" in text and "Get new guides in a feed reader" in text
    assert not re.search(r"\bTags\b|Atom feed", text)
    assert 'href="/about/"' in html


def test_about_page_says_how_we_write_review_and_correct(client, library):
    from medicines import knowledge

    snap = knowledge.snapshot()
    response = client.get("/about/")
    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    for heading in (
        "Who writes and reviews",
        "Where the facts come from",
        "How we review and correct",
        "Tell us about a mistake",
        "What the checker covers",
        "What changed in the checker",
    ):
        assert heading in text
    # honest about review: the team, no invented clinician, no invented contact
    assert "editorial team" in text and "No doctor or pharmacist is named as a reviewer" in text
    assert "@" not in text and "mailto:" not in html
    # the coverage note, from rules.yaml (defined once)
    for part in ("summary", "not_covered", "caution"):
        assert " ".join(snap.coverage[part].split()) in text
    # the knowledge version and the dated change log, newest first
    assert snap.version in html
    dates = re.findall(r'<h3 id="change-(\d{4}-\d{2}-\d{2})"', html)
    assert dates and dates == sorted(dates, reverse=True)


def test_knowledge_change_log_is_well_formed():
    import datetime

    from articles.views import knowledge_changes

    entries = knowledge_changes()
    assert entries
    dates = [entry["date"] for entry in entries]
    assert all(isinstance(d, datetime.date) for d in dates)
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    assert all(entry["changes"] and all(c.strip() for c in entry["changes"]) for entry in entries)


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


def test_a_guide_links_how_it_is_written_and_reviewed(client, make_guide):
    guide = make_guide()
    html = client.get(guide.get_absolute_url()).content.decode()
    assert 'href="/about/#who">how we write and review</a>' in html
