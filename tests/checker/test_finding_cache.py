"""Rendered findings are reused across lists (keyed by knowledge version and finding
identity), never across different findings, and the list-specific parts are filled per page."""

import random
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from interactions.templatetags import checker


@pytest.fixture(autouse=True)
def _empty_cache():
    checker.cache_clear()
    yield
    checker.cache_clear()


def page(client, drugs, stopped=""):
    url = reverse("interactions:check") + f"?drugs={drugs}"
    if stopped:
        url += f"&recently_stopped={stopped}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def findings_html(html: str) -> list[str]:
    return re.findall(r'<article class="finding.*?</article>', html, flags=re.S)


def test_reused_html_is_the_same_page(client, db):
    first = page(client, "Zoloft,Ultram")
    misses = checker.cache_info().misses
    assert misses == len(findings_html(first)) >= 1
    assert page(client, "Zoloft,Ultram") == first
    assert checker.cache_info().misses == misses  # every finding came from the cache


def test_a_finding_is_reused_in_another_list_at_another_position(client, db):
    page(client, "Prozac,Ultram")
    misses = checker.cache_info().misses
    # The same pair, typed as other brands, after another medicine: its position and the
    # names typed differ, its identity does not.
    html = page(client, "lithium,Sarafem,ConZip")
    pairs = [f for f in findings_html(html) if "finding-cumulative" not in f]
    assert checker.cache_info().misses == misses + len(pairs) - 1
    assert "(in Sarafem)" in html and "(in ConZip)" in html
    assert "(in Prozac)" not in html and "(in Ultram)" not in html
    anchors = re.findall(r'<article [^>]*id="(finding-\d+)"', html)
    assert anchors == [f"finding-{n}" for n in range(1, len(anchors) + 1)]
    for anchor in anchors:
        assert f'aria-labelledby="{anchor}-title"' in html and f'id="{anchor}-title"' in html
    assert "\ue000" not in html  # every slot filled


def test_what_was_entered_never_leaks_into_another_page(client, db):
    brand = page(client, "Zoloft,Ultram")
    misses = checker.cache_info().misses
    generic = page(client, "sertraline,tramadol")
    # The same findings, from the cache: typed by brand or not, one entry each.
    assert checker.cache_info().misses == misses
    assert "(in Zoloft)" in brand and "(in Zoloft)" not in generic
    assert "(in Ultram)" not in generic and "(in " not in " ".join(findings_html(generic))
    mixed = page(client, "Zoloft,tramadol")
    assert "sertraline (in Zoloft)" in mixed and "tramadol (in" not in mixed
    assert "\ue000" not in brand + generic + mixed


def test_a_stopped_medicine_is_never_served_the_current_text(client, db):
    current = page(client, "phenelzine,fluoxetine")
    stopped = page(client, "phenelzine", stopped="fluoxetine")
    assert "You stopped fluoxetine recently" in stopped
    assert "You stopped fluoxetine recently" not in current


def test_a_duplicate_names_the_medicines_of_its_own_list(client, db):
    first = page(client, "Percocet,Tylenol")
    second = page(client, "Percocet,Tylenol Extra Strength")
    assert "Percocet and Tylenol both contain acetaminophen" in first
    assert "Percocet and Tylenol Extra Strength both contain acetaminophen" in second
    assert "Percocet and Tylenol both" not in second


def test_cached_pages_equal_freshly_rendered_ones(client, db):
    """Random lists of real names: each page, rendered with a cache warmed by the other
    lists, is exactly the page rendered with an empty cache."""
    from medicines import knowledge

    snap = knowledge.snapshot()
    names = sorted({p.name for p in snap.products} | {i.name for i in snap.ingredients.values()})
    rng = random.Random(14)
    lists = [",".join(rng.sample(names, 5)) for _ in range(12)]
    lists += ["Zoloft,Ultram,Percocet,Tylenol,Xanax", "sertraline,tramadol,oxycodone"]
    warm = [page(client, drugs) for drugs in lists]
    assert checker.cache_info().hits > 0
    for drugs, html in zip(lists, warm, strict=True):
        checker.cache_clear()
        assert page(client, drugs) == html


def test_the_key_holds_identity_and_version_not_position_or_typed_names():
    finding = {
        "kind": "pair",
        "rules": ["ssri-tramadol"],
        "ingredients": ["sertraline", "tramadol"],
        "recently_stopped": [],
        "summary": "Text.",
        "articles": [],
        "anchor": "finding-1",
        "medicines": [
            {"slug": "sertraline", "name": "sertraline", "entered": ["Zoloft"], "stopped": False},
            {"slug": "tramadol", "name": "tramadol", "entered": [], "stopped": False},
        ],
    }
    elsewhere = dict(
        finding,
        anchor="finding-4",
        medicines=[dict(finding["medicines"][0], entered=["Lustral"]), finding["medicines"][1]],
    )
    assert checker.finding_key(finding, "v1") == checker.finding_key(elsewhere, "v1")
    assert checker.finding_key(finding, "v1") != checker.finding_key(finding, "v2")
    stopped = dict(finding, recently_stopped=["sertraline"])
    assert checker.finding_key(finding, "v1") != checker.finding_key(stopped, "v1")
    other_rule = dict(finding, rules=["cns-depressants"])
    assert checker.finding_key(finding, "v1") != checker.finding_key(other_rule, "v1")


def test_typed_names_are_escaped_in_their_slot(monkeypatch):
    template = Template(
        "{% for m in finding.medicines %}{% if m.entered %}(in {{ m.entered|join:', ' }}){% endif %}"
        "{% endfor %}<b id='{{ finding.anchor }}'></b>"
    )
    monkeypatch.setattr(checker, "_render_finding", lambda finding: template.render(
        Context({"finding": finding})))  # fmt: skip
    finding = {"kind": "pair", "anchor": "finding-2", "medicines": [{"entered": ["<i>X</i>"]}]}
    html = checker.finding_html(finding, "v")
    assert html == "(in &lt;i&gt;X&lt;/i&gt;)<b id='finding-2'></b>"


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(checker, "_render_finding", lambda finding: str(finding.n))
    for n in range(checker.MAX_ENTRIES + 50):
        checker.finding_html({"kind": "pair", "n": n, "rules": [str(n)]}, "v")
    assert checker.cache_info().currsize == checker.MAX_ENTRIES


def test_one_off_findings_are_rendered_for_their_page_not_kept(monkeypatch):
    """Cumulative risks and duplicates mostly name a set of medicines seen once: they are
    rendered for the page that shows them, so they neither fill the memo nor push out a
    pair's HTML, however many come up."""
    monkeypatch.setattr(checker, "_render_finding", lambda finding: str(finding.n))
    pair = {"kind": "pair", "n": -1, "rules": ["ssri-tramadol"]}
    checker.finding_html(pair, "v")
    for n in range(checker.MAX_ENTRIES + 50):  # more than the memo holds
        kind = "cumulative" if n % 2 else "duplicate-ingredient"
        assert checker.finding_html({"kind": kind, "n": n, "rules": [str(n)]}, "v") == str(n)
    misses = checker.cache_info().misses
    assert checker.finding_html(pair, "v") == "-1"
    assert checker.cache_info().misses == misses  # the pair came from its memo
    assert checker.cache_info().currsize == 1


def test_a_one_off_finding_shows_its_own_anchor_names_and_open_state(client, db):
    html = page(client, "Percocet,Tylenol,Xanax,oxycodone")
    duplicates = [f for f in findings_html(html) if "both contain acetaminophen" in f]
    assert len(duplicates) == 1
    anchor = re.search(r'id="(finding-\d+)"', duplicates[0]).group(1)
    assert f'aria-labelledby="{anchor}-title"' in duplicates[0]
    assert "acetaminophen (in Percocet, Tylenol)" in duplicates[0]
    assert "\ue000" not in html
    assert "None" not in " ".join(findings_html(html))
    alone = page(client, "Percocet,Tylenol")  # the duplicate is its risk's one finding: open
    assert '<details class="finding-why fold" open>' in " ".join(findings_html(alone))
    # A cumulative risk among the pairs it adds to: one finding of several, folded.
    several = page(client, "Xanax,oxycodone,heroin,Ambien")
    cumulative = [f for f in findings_html(several) if "finding-cumulative" in f]
    assert len(cumulative) == 1 and len(findings_html(several)) > 1
    assert '<details class="finding-why fold">' in cumulative[0]
    assert "alprazolam (in Xanax)" in cumulative[0] and "zolpidem (in Ambien)" in cumulative[0]


def test_list_items_are_escaped_as_the_template_would():
    from jinja2 import Environment

    texts = ("Ask <b>now</b> & wait.", 'Say "stop".', "Don't mix.")
    loop = Environment(autoescape=True).from_string(
        "{% for t in texts %}<li>{{ t }}</li>{% endfor %}"
    )
    assert checker.list_items(texts) == loop.render(texts=texts)
    assert checker.list_items(list(texts)) == checker.list_items(
        texts
    )  # a list, as fold_after gives
    assert "<b>" not in checker.list_items(texts) and checker.list_items(()) == ""


def test_medicine_rows_and_links_are_escaped_as_the_template_loops_were():
    """The rows made in Python (checker.medicine_rows, guide_items, sources_items) are what
    result.html's loops made, escaping included, for typed text that needs it."""
    from types import SimpleNamespace

    from jinja2 import Environment

    from interactions.services import Ingredient, ResolvedName

    env = Environment(autoescape=True)
    env.filters["short_title"] = checker.short_title
    typed = ResolvedName(
        query='Per<c>"et" & co',
        name="Percocet",
        kind="combination",
        ingredients=(Ingredient("oxycodone", "oxycodone"), Ingredient("acetaminophen", "a<b")),
        recently_stopped=False,
        match="brand",
    )
    generic = ResolvedName("zoloft", "sertraline", "generic", (Ingredient("sertraline", "sertraline"),), True, "synonym")  # fmt: skip
    result = SimpleNamespace(checked=(typed,), stopped=(generic,))
    rows = checker.medicine_rows(result)
    loops = env.from_string(
        '{% for m in result.checked %}<li data-query="{{ m.query }}" data-detail="{{ m.detail }}">'
        "{{ medicine_html(m) }}</li>{% endfor %}|"
        '{% for m in result.stopped %}<li data-query="{{ m.query }}" data-detail="{{ m.detail }}">'
        '{{ medicine_html(m) }} <span class="tag-stopped">stopped</span></li>{% endfor %}|'
        "{% for m in result.checked %}<tr><td>{{ m.name }}</td><td>{% if m.kind != 'generic' %}"
        "{% for i in m.ingredients %}{{ i.name }}{% if not loop.last %} + {% endif %}{% endfor %}"
        "{% endif %}</td><td></td><td></td></tr>{% endfor %}"
        "{% for m in result.stopped %}<tr><td>{{ m.name }} (stopped)</td><td>{% if m.kind != 'generic' %}"
        "{% for i in m.ingredients %}{{ i.name }}{% if not loop.last %} + {% endif %}{% endfor %}"
        "{% endif %}</td><td></td><td></td></tr>{% endfor %}|"
        "{% for m in result.checked %}<li>{{ m.name }}{% if m.detail and m.kind != 'generic' %}"
        " ({{ m.detail }}){% endif %} ____</li>{% endfor %}"
    ).render(result=result, medicine_html=checker.medicine_html)
    assert "|".join(rows) == loops
    assert "&lt;c&gt;&#34;et&#34; &amp; co" in rows.listed and "a&lt;b" in rows.printed

    guides = [{"url": "/articles/a/?x=1&y=2", "title": "Pain <and> mood"}]
    refs = [SimpleNamespace(title="A very long title of a <source> with many words", year=2020),
            SimpleNamespace(title="Label & more", year=None)]  # fmt: skip
    assert checker.guide_items(guides) == env.from_string(
        '{% for a in guides %}<li><a href="{{ a.url }}">{{ a.title }}</a></li>{% endfor %}'
    ).render(guides=guides)
    assert checker.sources_items(refs) == env.from_string(
        "{% for ref in refs %}<li>{{ ref.title|short_title }}"
        "{% if ref.year %}, {{ ref.year }}{% endif %}</li>{% endfor %}"
    ).render(refs=refs)
