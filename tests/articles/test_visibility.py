"""Drafts and future-dated guides appear nowhere: lists, topic, tag, search, feed, sitemap, home."""

import datetime

import pytest
from django.urls import reverse

SECRET = "Zanzibarquokka"  # a word that appears only in the hidden guides


@pytest.fixture
def guides(make_guide):
    public = make_guide(title="Public guide about tramadol", slug="public-guide", tags=["opioids"])
    draft = make_guide(
        title=f"Draft {SECRET}",
        slug="draft-guide",
        status="draft",
        tags=["opioids"],
        body=f"## What to do\n\n{SECRET} text.\n",
    )
    future = make_guide(
        title=f"Future {SECRET}",
        slug="future-guide",
        tags=["opioids"],
        published=datetime.date.today() + datetime.timedelta(days=30),
        last_reviewed=datetime.date.today() + datetime.timedelta(days=30),
        body=f"## What to do\n\n{SECRET} text.\n",
    )
    return public, draft, future


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("articles:list"),
        reverse("articles:topic", args=["drug-interactions"]),
        reverse("articles:tag", args=["opioids"]),
        reverse("articles:tag_list"),
        reverse("articles:search") + f"?q={SECRET}",
        reverse("articles:search") + "?q=guide",
        reverse("articles:feed"),
        reverse("sitemap"),
    ],
)
def test_hidden_guides_leak_nowhere(client, guides, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    # The search page echoes the query itself, so look for the hidden guides' own text.
    assert f"Draft {SECRET}" not in content and f"Future {SECRET}" not in content
    assert f"<mark>{SECRET}</mark>" not in content
    assert "draft-guide" not in content
    assert "future-guide" not in content


def test_public_guide_is_listed(client, guides):
    assert "public-guide" in client.get(reverse("articles:list")).content.decode()
    assert "public-guide" in client.get(reverse("sitemap")).content.decode()
    assert "public-guide" in client.get(reverse("articles:feed")).content.decode()


@pytest.mark.parametrize("slug", ["draft-guide", "future-guide"])
def test_hidden_guide_page_is_404(client, guides, slug):
    assert client.get(reverse("articles:detail", args=[slug])).status_code == 404


def test_related_guides_exclude_drafts(client, guides):
    content = client.get(reverse("articles:detail", args=["public-guide"])).content.decode()
    assert SECRET not in content


def test_guide_links_from_linking_exclude_drafts(guides):
    from articles.linking import guides_for

    urls = [link["url"] for link in guides_for([], ["x"]) + guides_for(["serotonin-toxicity"], [])]
    assert all("draft" not in url and "future" not in url for url in urls)
