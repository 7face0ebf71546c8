"""The site-wide rules, applied to every state of the checker and to the drug pages."""

import re

import pytest

from medicines import knowledge

pytestmark = pytest.mark.django_db

PATHS = [
    "/check/",
    "/check/?drugs=",
    "/check/?drugs=Zoloft",
    "/check/?drugs=Zoloft,Ultram,Xanax",
    "/check/?drugs=oxycodone,Xanax,gabapentin,zolpidem",
    "/check/?drugs=oxycodone,acetaminophen",
    "/check/?drugs=xyzzy,qqqzoloft,metformin",
    "/check/?drugs=tramadol&recently_stopped=Nardil",
    "/check/?drugs=" + ",".join(f"m{n}" for n in range(26)),
    "/check/?drugs=Zoloft%00",
    "/drugs/",
    "/drugs/?by=class",
    "/drugs/sertraline/",
    "/drugs/oxycodone/",
    "/drugs/low-dose-naltrexone/",
]


@pytest.mark.parametrize("path", PATHS)
def test_page_keeps_the_site_rules(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'href="#main"' in html and 'id="main"' in html
    assert re.search(r"<title>[^<]+</title>", html)
    # strict CSP: no inline code or styles, nothing from another origin
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    # Links to follow and the canonical address (SITE_URL) are not loaded by the page.
    loaded = re.sub(r'<a [^>]*>|<link rel="canonical" [^>]*>', "", html)
    for attr in re.findall(r'(?:src|href)="([^"]+)"', loaded):
        assert not attr.startswith(("http:", "https:", "//")), attr
    # ids are unique (labels, aria-labelledby and the combobox depend on it)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # every aria reference points at an element on the page
    for refs in re.findall(r'aria-(?:labelledby|describedby|controls)="([^"]+)"', html):
        for ref in refs.split():
            assert ref in ids, ref
    # never "safe"
    words = re.sub(r"<[^>]+>", " ", html).lower()
    assert not re.search(r"\bsafe\b", words), path


def test_every_ingredient_slug_is_a_valid_url():
    for slug in knowledge.snapshot().ingredients:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), slug
