"""The API's JSON text (interactions.json_answers): each finding encoded once per process.

The answer must be exactly what the typed result gives (CheckResult.as_json, the one
definition of the shape) for any list, whether its findings come fresh or from the memo;
the memo must be keyed by the knowledge version and the published guides; and what one
person typed must never show up in another person's answer.
"""

import dataclasses
import importlib
import json
import random
from urllib.parse import quote

import pytest

from interactions import json_answers, services
from interactions.forms import CheckForm
from medicines import engine

# Names as people type them, as the load benchmark sends them (bench/queries.py).
queries = importlib.import_module("bench.queries")

# The API reads the published guides (for links to findings) from the database.
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, library):
    json_answers.clear()
    yield client
    json_answers.clear()


def random_lists(snap, count: int, seed: int = 14):
    """(drugs, recently_stopped) as people type them: brands, generics, combinations, typos,
    unknown words, names typed twice, and now and then medicines stopped recently."""
    rng = random.Random(seed)
    names = queries.known_names(snap)
    for _ in range(count):
        size = rng.choice((1, 2, 3, 5, 8, 12, 25))
        drugs = queries.pick(rng, names, size)
        if size > 2 and rng.random() < 0.3:
            drugs[-1] = drugs[0].lower()  # typed twice
        if rng.random() < 0.15:
            drugs[rng.randrange(len(drugs))] = "xyzzy"
        stopped = []
        if rng.random() < 0.3:
            stopped = queries.pick(rng, names, rng.randint(1, 3))
        yield ", ".join(drugs), ", ".join(stopped)


def expected(drugs: str, stopped: str) -> bytes:
    """The answer as the typed result gives it, built from scratch."""
    form = CheckForm({"drugs": drugs, "recently_stopped": stopped})
    assert form.is_valid(), form.errors
    result = services.check(form.cleaned_data["drugs"], form.cleaned_data["recently_stopped"])
    return json.dumps(result.as_json()).encode()


def get(client, drugs: str, stopped: str = "") -> bytes:
    url = f"/api/v1/interactions?drugs={quote(drugs)}&recently_stopped={quote(stopped)}"
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.content


def test_answers_equal_the_typed_result_for_random_lists_fresh_and_from_the_memo(api, snap):
    lists = list(random_lists(snap, 80))
    fresh = [get(api, drugs, stopped) for drugs, stopped in lists]
    hits = json_answers.memo_hits()
    again = [get(api, drugs, stopped) for drugs, stopped in reversed(lists)][::-1]
    assert json_answers.memo_hits() > hits + 500  # the memo answered
    checked = 0
    for (drugs, stopped), first, second in zip(lists, fresh, again, strict=True):
        want = expected(drugs, stopped)
        assert first == want, drugs
        assert second == want, drugs
        checked += len(json.loads(want)["findings"])
    assert checked > 1000  # the lists really had findings to get wrong


def test_a_finding_of_a_long_list_fits_the_schema_and_keeps_its_place(api):
    from interactions.api import InteractionsOut

    drugs = "Zoloft, Ultram, Xanax, Percocet, Tylenol, methadone, Celexa, Zofran, Nardil"
    data = json.loads(get(api, drugs, "Prozac"))
    InteractionsOut.model_validate(data)
    ranks = ["contraindicated", "major", "moderate", "minor"]
    order = [ranks.index(f["severity"]) for f in data["findings"]]
    assert order == sorted(order)


def test_names_typed_in_one_list_never_show_in_another(api):
    def pair(content, a, b):
        findings = json.loads(content)["findings"]
        return next(f for f in findings if f["kind"] == "pair" and set(f["ingredients"]) == {a, b})

    first = pair(get(api, "Zoloft, Ultram"), "sertraline", "tramadol")
    assert first["medicines"] == ["Zoloft", "Ultram"]
    hits = json_answers.memo_hits()
    second = pair(get(api, "tramadol, sertraline"), "sertraline", "tramadol")
    assert json_answers.memo_hits() > hits  # the same finding, from the memo
    assert second["medicines"] == ["tramadol", "sertraline"]
    third = pair(get(api, "Ultram, Zoloft, sertraline"), "sertraline", "tramadol")
    assert third["medicines"] == ["Ultram", "Zoloft", "sertraline"]
    assert {k: v for k, v in first.items() if k != "medicines"} == {
        k: v for k, v in third.items() if k != "medicines"
    }

    # A duplicate names the products typed: never those of an earlier list.
    for drugs, named, absent in (
        ("Percocet, Tylenol", "Percocet", "Vicodin"),
        ("Vicodin, Tylenol", "Vicodin", "Percocet"),
    ):
        data = json.loads(get(api, drugs))
        duplicate = next(f for f in data["findings"] if f["kind"] == "duplicate-ingredient")
        assert named in duplicate["summary"] and named in duplicate["medicines"]
        assert absent not in json.dumps(data)


def test_the_memo_is_keyed_by_the_knowledge_version(snap):
    json_answers.clear()
    finding = engine.pair_finding(snap, "sertraline", "tramadol")
    guides = json_answers._Guides(None)
    renamed = dataclasses.replace(snap.ingredients["sertraline"], name="sertraline-renamed")
    newer = dataclasses.replace(
        snap,
        version=snap.version + "-newer",
        ingredients={**snap.ingredients, "sertraline": renamed},
    )
    before = json.loads(json_answers.finding_json(snap, guides, finding, ()))
    after = json.loads(json_answers.finding_json(newer, guides, finding, ()))
    assert "sertraline" in before["ingredient_names"]
    assert "sertraline-renamed" in after["ingredient_names"]
    assert json.loads(json_answers.finding_json(snap, guides, finding, ())) == before
    json_answers.clear()


def test_the_memo_is_keyed_by_the_published_guides(library, snap):
    json_answers.clear()
    finding = engine.pair_finding(snap, "sertraline", "tramadol")
    linked = json_answers._Guides(services._guide_index())
    unlinked = json_answers._Guides(None)
    assert json.loads(json_answers.finding_json(snap, linked, finding, ()))["articles"]
    assert json.loads(json_answers.finding_json(snap, unlinked, finding, ()))["articles"] == []
    json_answers.clear()


def test_an_equal_finding_that_is_another_object_gives_the_same_text(library, snap):
    json_answers.clear()
    finding = engine.pair_finding(snap, "sertraline", "tramadol")
    copy = dataclasses.replace(finding)
    assert copy == finding and copy is not finding
    guides = json_answers._Guides(services._guide_index())
    first = json_answers.finding_json(snap, guides, finding, ("Zoloft",))
    assert json_answers.finding_json(snap, guides, copy, ("Zoloft",)) == first
    assert len(json_answers._texts(snap, guides).texts) == 2  # by identity: two entries
    json_answers.clear()


def test_the_memo_is_bounded_and_lets_the_oldest_go(monkeypatch, snap):
    json_answers.clear()
    monkeypatch.setattr(json_answers, "FINDING_MEMO_SIZE", 5)
    guides = json_answers._Guides(None)
    slugs = sorted(snap.ingredients)
    found = [f for x in slugs[:40] for y in slugs[40:80] if (f := engine.pair_finding(snap, x, y))]
    assert len(found) > 6
    for finding in found[:7]:
        json_answers.finding_json(snap, guides, finding, ())
    memo = json_answers._texts(snap, guides)
    assert len(memo.texts) == 5 and id(found[0]) not in memo.texts and id(found[6]) in memo.texts
    assert (memo.hits, memo.misses) == (0, 7)
    json_answers.finding_json(snap, guides, found[6], ())
    assert memo.hits == 1
    json_answers.clear()


def test_guide_links_from_the_memo_equal_those_of_every_guide(library, snap, findings):
    """The memo of guide links is keyed only by what guides are about; the links must be the
    ones guides_for gives for the finding's whole lists, for pairs and long cumulative risks."""
    from articles.linking import guides_for

    index = services._guide_index()
    rng = random.Random(3)
    slugs = sorted(snap.ingredients)
    found = [
        f for x, y in zip(slugs, slugs[1:] + slugs[:1], strict=True) if (f := findings([x], [y]))
    ]
    for _ in range(40):
        found.append(findings(*([s] for s in rng.sample(slugs, 12))))
    cases = {(f.mechanisms, f.ingredients) for group in found for f in group}
    assert len(cases) > 100 and any(len(ingredients) > 3 for _, ingredients in cases)
    for mechanisms, ingredients in cases:
        want = guides_for(list(mechanisms), list(ingredients), limit=3, index=index[1])
        assert services._guides(mechanisms, ingredients, index) == want, (mechanisms, ingredients)
        shuffled = rng.sample(ingredients, len(ingredients))
        assert services._guides(mechanisms, shuffled, index) == want


def test_guide_links_are_memoised_whatever_else_a_risk_involves(library, snap):
    index = services._guide_index()
    _, about_drugs = services._guide_topics(services._GuideIndexKey(*index))
    others = sorted(set(snap.ingredients) - about_drugs)[:4]
    assert len(others) == 4
    mechanisms = ("serotonin-toxicity",)
    services._guide_links.cache_clear()
    first = services._guides(mechanisms, ("sertraline", "tramadol", *others[:2]), index)
    again = services._guides(mechanisms, (others[3], "tramadol", others[2], "sertraline"), index)
    assert first == again and first
    assert services._guide_links.cache_info().misses == 1


def test_the_openapi_description_still_documents_the_answer_the_view_returns_as_text(client):
    """The view returns ready JSON text; the OpenAPI description still gives its schema."""
    response = client.get("/api/v1/openapi.json")
    schema = json.loads(response.content)
    ok = schema["paths"]["/api/v1/interactions"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InteractionsOut"
    }
    finding = schema["components"]["schemas"]["FindingOut"]["properties"]
    assert {"medicines", "ingredient_names", "what_to_do_steps", "articles"} <= set(finding)


def test_the_guide_index_is_one_copy_while_the_guides_stay_the_same(library, make_guide):
    """Every check reads the guides (a fresh copy from the cache each time); the memos keyed
    by them must keep one copy, not one per request."""
    from django.core.cache import cache

    first = services._guide_index()
    cache.clear()  # the next read builds a new list from the database
    again = services._guide_index()
    assert again is first
    make_guide(mechanisms=["serotonin-toxicity"], drugs=["sertraline"])
    cache.clear()
    changed = services._guide_index()
    assert changed is not first and changed[0] != first[0]
    assert len(changed[1]) == len(first[1]) + 1
