"""A group's name ("benzos", "an SSRI", "painkillers") is not one medicine: it is never
checked as one, never read as "not found", and never lets a list read as fine. The site
says it is a group, offers medicines of it to choose from, and, when every one of them
would call for the same care with the rest of the list, says so."""

import pytest

from interactions import services
from medicines import knowledge
from medicines.resolver import resolver_for
from tests.interactions.conftest import write_data

pytestmark = pytest.mark.django_db


def _group(result, query):
    (item,) = [u for u in result.unresolved if u.query == query]
    return item


@pytest.mark.parametrize(
    ("typed", "query", "name", "example"),
    [
        ("heroin and benzos", "benzos", "Benzodiazepines", "Xanax"),
        ("an SSRI + tramadol", "SSRI", "SSRI antidepressants", "Zoloft"),
        ("opiates, valium", "opiates", "Opioids", "oxycodone"),
        ("sleeping pills and oxycodone", "sleeping pills", "Sleep medicines", "Ambien"),
        ("muscle relaxers / norco", "muscle relaxers", "Muscle relaxants", "Flexeril"),
        ("maoi and tramadol", "maoi", "MAO inhibitors (MAOIs)", "Nardil"),
    ],
)
def test_a_group_name_reads_as_a_group_with_medicines_to_choose(typed, query, name, example):
    result = services.check([typed])
    item = _group(result, query)
    assert (item.reason, item.name) == ("group", name)
    assert example in item.suggestions and len(item.suggestions) >= 2
    assert item.note.startswith(f"Not one medicine but a group: {name}.")
    assert "a group of medicines: which one?" in result.read_as
    assert len(result.checked) == 1  # the other medicine is checked as usual


def test_the_list_says_what_every_medicine_of_the_group_would_need():
    """Any benzodiazepine with heroin slows breathing: whichever it is, "Serious"."""
    item = _group(services.check(["heroin", "benzos"]), "benzos")
    assert item.examples_severity == "major"
    for example in item.suggestions:
        assert services.check(["heroin", example]).highest_severity == "major", example
    stopped = _group(services.check(["tramadol"], ["maoi"]), "maoi")
    assert stopped.recently_stopped and stopped.examples_severity in ("contraindicated", "major")


def test_no_shared_rating_when_the_group_mixes_differently_or_needs_no_care():
    """Tylenol and tramadol do not mix alike with Zoloft: no rating is said for
    "painkillers". Nor for a group alone, with nothing to mix with."""
    painkillers = _group(services.check(["painkillers", "zoloft"]), "painkillers")
    severities = {services.check([e, "zoloft"]).highest_severity for e in painkillers.suggestions}
    assert len(severities) > 1 and painkillers.examples_severity == ""
    assert _group(services.check(["benzos"]), "benzos").examples_severity == ""


def test_the_page_asks_which_one_and_links_each_choice(checker_page):
    html = checker_page("heroin and benzos")
    assert "Which one do you take?" in html and 'data-unknown="a group: which one?"' in html
    assert 'class="headline headline-major"' in html  # coloured as the rating says
    assert "each of the common ones we list below is rated “Serious”" in html
    assert 'href="/check/?drugs=heroin,Xanax"' in html
    assert "We couldn’t find ‘benzos’" not in html
    assert "No interaction listed" not in html and "Add another medicine" not in html
    alone = checker_page("benzos")
    assert "Which one do you take?" in alone and "is rated" not in alone
    assert 'class="headline headline-none"' in alone


def test_the_api_names_the_group_and_its_choices(api):
    answer = api("heroin, benzos")
    (item,) = answer["unresolved"]
    assert item["reason"] == "group" and item["name"] == "Benzodiazepines"
    assert item["suggestions"][:2] == ["Xanax", "Valium"]
    assert item["examples_severity"] == "major" and answer["highest_severity"] == "none"
    assert "group of medicines" in answer["message"]


def test_group_names_are_not_offered_as_medicines():
    resolver = resolver_for(knowledge.snapshot())
    assert all(target.kind != "group" for _, target in resolver.autocomplete("benzos"))
    assert "Benzodiazepines" not in resolver.suggest_names("benzoz")


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        (
            "- {slug: ssri, name: SSRIs, words: [ssri], examples: [alpha]}\n",
            "classes.yaml, entry 'ssri', field 'examples': a class people can type as a group"
            " needs 2 or more examples",
        ),
        (
            "- {slug: opioid, name: Opioids, words: [betamol], examples: [beta, Betadelt]}\n",
            "classes.yaml, entry 'opioid', field 'words': 'betamol' is a medicine's name",
        ),
        (
            "- {slug: ssri, name: SSRIs, words: [ssri], examples: [alpha, gamma]}\n",
            "classes.yaml, entry 'ssri', field 'examples': 'gamma' is not a medicine of this"
            " class we check",
        ),
        (
            "- {slug: ssri, name: SSRIs, words: [pills], examples: [alpha, Alphazol]}\n"
            "- {slug: opioid, name: Opioids, words: [pills], examples: [beta, Betadelt]}\n",
            "classes.yaml, entry 'opioid', field 'words': 'pills' is also a word of ssri",
        ),
    ],
)
def test_group_words_and_examples_are_checked_on_load(mini_data, classes, expected):
    write_data(mini_data, "classes.yaml", classes)
    with pytest.raises(knowledge.KnowledgeError) as error:
        knowledge.load(mini_data)
    assert expected in str(error.value)


def test_a_valid_group_loads(mini_data):
    write_data(
        mini_data,
        "classes.yaml",
        "- {slug: ssri, name: SSRIs, words: [ssri, ssris], examples: [Alphazol, alpha]}\n",
    )
    snap = knowledge.load(mini_data)
    assert snap.classes["ssri"].words == ("ssri", "ssris")
    assert snap.classes["ssri"].examples == ("Alphazol", "alpha")


def test_group_words_take_no_reading_from_a_medicine(snap):
    """Every medicine's name, and a slip of each, reads as the same medicines as without
    the groups: a group word never turns a unique spelling match into an ambiguous one, nor
    steals it."""
    import dataclasses
    import random
    import re

    from medicines.resolver import Resolved, Resolver

    plain = dataclasses.replace(
        snap,
        version=snap.version + "-no-groups",
        classes={k: dataclasses.replace(c, words=(), examples=()) for k, c in snap.classes.items()},
        families=(),
    )
    with_groups, without = Resolver(snap), Resolver(plain)
    names = {n for i in snap.ingredients.values() for n in (i.name, *i.synonyms)}
    names |= {n for p in snap.products for n in (p.name, *p.synonyms)}
    rng = random.Random(1)
    typed = set(names)
    # A slip in a name the parser reads in pieces ("Tylenol Cold + Flu Severf": "+" is also
    # a separator) is read piece by piece with or without groups; slips are made in names
    # read whole.
    for name in sorted(n for n in names if not re.search(r"[+&/,;]| and | with ", n)):
        k = rng.randrange(len(name))
        typed.add(name[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[k + 1 :])
        typed.add(name[:k] + name[k + 1 :])

    def medicines(resolver, text):
        return [r for r in resolver.parse(text) if isinstance(r, Resolved)]

    for text in typed:  # names not read as medicines may read as a group instead: fine
        assert medicines(with_groups, text) == medicines(without, text), text
    assert with_groups.parse("benzos")[0].reason == "group"  # the groups are there
    # Slips it found once: one slip from "SSRI"; a family's name starting a product's.
    for text, name in [
        ("Spri", "Sprix"),
        ("Theraflu Multi-Symptoo Severe Cold", "Theraflu Multi-Symptom Severe Cold"),
        ("Unisom Sleepiabs", "Unisom SleepTabs"),
    ]:
        assert [r.name for r in with_groups.parse(text)] == [name], text


@pytest.mark.parametrize(
    ("typed", "query", "example", "severity"),
    [
        ("lexapro and nyquil", "nyquil", "NyQuil Cold & Flu", "major"),  # every NyQuil has DXM
        ("tylenol cold and zoloft", "tylenol cold", "Tylenol Cold + Flu Severe", "major"),
        ("celexa + theraflu", "theraflu", "Theraflu Nighttime Severe Cold & Cough", ""),
        ("xanax and unisom", "unisom", "Unisom SleepTabs", "moderate"),
    ],
)
def test_a_product_family_name_is_a_group_of_its_products(typed, query, example, severity):
    """NyQuil is several products: not one medicine, and "Tylenol Cold" not plain Tylenol."""
    names = resolver_for(knowledge.snapshot()).split(typed)  # as the form reads the list
    item = _group(services.check(names), query)
    assert item.reason == "group" and example in item.suggestions
    assert item.examples_severity == severity
    for product in item.suggestions:  # each is a product we check
        assert services.check([product]).checked[0].name == product


@pytest.mark.parametrize(
    ("families", "expected"),
    [
        (
            "- {name: Alpha pills, words: [alphas], examples: [Alphazol, Nothing]}\n",
            "families.yaml, entry 'Alpha pills', field 'examples': 'Nothing' is not a product",
        ),
        (
            "- {name: Beta pills, words: [betamol], examples: [Alphazol, Betadelt]}\n",
            "families.yaml, entry 'Beta pills', field 'words': 'betamol' is a medicine's name",
        ),
        (
            "- {name: Some pills, words: [ssri], examples: [Alphazol, Betadelt]}\n",
            "families.yaml, entry 'Some pills', field 'words': 'ssri' is also a word of ssri",
        ),
        (
            "- {name: Few pills, words: [few], examples: [Alphazol]}\n",
            "families.yaml, entry 'Few pills', field 'examples': a family needs 2 or more",
        ),
    ],
)
def test_families_are_checked_on_load(mini_data, families, expected):
    write_data(mini_data, "classes.yaml", "- {slug: ssri, name: SSRIs, words: [ssri], examples: [alpha, Alphazol]}\n")  # fmt: skip
    write_data(mini_data, "families.yaml", families)
    with pytest.raises(knowledge.KnowledgeError) as error:
        knowledge.load(mini_data)
    assert expected in str(error.value)
