"""The checker's one parser: a typed list read as medicines (medicines.resolver.parse).

Issue 9: "phenelzine and prozac" used to be read as one made-up combination product, so the
pair was never checked. These tests go through the parser, the form, the JSON API and the
autocomplete, and property-based tests join real names with every separator people type.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from interactions.forms import CheckForm
from medicines.resolver import Resolved, Unresolved, name_tokens


def read(resolver, text):
    """[(query, name, ingredients)] for each medicine read from `text`."""
    out = []
    for item in resolver.parse(text):
        if isinstance(item, Resolved):
            out.append((item.query, item.name, tuple(sorted(item.ingredients))))
        else:
            out.append((item.query, item.name or None, item.reason))
    return out


# ---------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # issue 9: separators never make a product
        (
            "phenelzine and prozac",
            [("phenelzine", "phenelzine", ("phenelzine",)), ("prozac", "Prozac", ("fluoxetine",))],
        ),
        (
            "xanax and oxycontin",
            [("xanax", "Xanax", ("alprazolam",)), ("oxycontin", "OxyContin", ("oxycodone",))],
        ),
        (
            "ultram with zoloft",
            [("ultram", "Ultram", ("tramadol",)), ("zoloft", "Zoloft", ("sertraline",))],
        ),
        (
            "zoloft/tramadol",
            [("zoloft", "Zoloft", ("sertraline",)), ("tramadol", "tramadol", ("tramadol",))],
        ),
        (
            "naltrexone + oxycodone",
            [
                ("naltrexone", "naltrexone", ("naltrexone",)),
                ("oxycodone", "oxycodone", ("oxycodone",)),
            ],
        ),
        (
            "Nardil + Demerol",
            [("Nardil", "Nardil", ("phenelzine",)), ("Demerol", "Demerol", ("meperidine",))],
        ),
        (
            "zoloft & tramadol plus xanax; percocet",
            [
                ("zoloft", "Zoloft", ("sertraline",)),
                ("tramadol", "tramadol", ("tramadol",)),
                ("xanax", "Xanax", ("alprazolam",)),
                ("percocet", "Percocet", ("acetaminophen", "oxycodone")),
            ],
        ),
        (
            "zoloft w/ tramadol",
            [("zoloft", "Zoloft", ("sertraline",)), ("tramadol", "tramadol", ("tramadol",))],
        ),
        (
            "zoloft\ntramadol\r\nxanax",
            [
                ("zoloft", "Zoloft", ("sertraline",)),
                ("tramadol", "tramadol", ("tramadol",)),
                ("xanax", "Xanax", ("alprazolam",)),
            ],
        ),
        # known names separated only by spaces are several medicines
        (
            "zoloft tramadol",
            [("zoloft", "Zoloft", ("sertraline",)), ("tramadol", "tramadol", ("tramadol",))],
        ),
        (
            "xanax oxycodone 10mg",
            [("xanax", "Xanax", ("alprazolam",)), ("oxycodone 10mg", "oxycodone", ("oxycodone",))],
        ),
        # real products that contain a separator stay whole
        (
            "Tylenol with Codeine",
            [("Tylenol with Codeine", "Tylenol with Codeine", ("acetaminophen", "codeine"))],
        ),
        (
            "tylenol w/ codeine and zoloft",
            [
                ("tylenol w/ codeine", "Tylenol with Codeine", ("acetaminophen", "codeine")),
                ("zoloft", "Zoloft", ("sertraline",)),
            ],
        ),
        (
            "Tylenol #3 and xanax",
            [
                ("Tylenol #3", "Tylenol #3", ("acetaminophen", "codeine")),
                ("xanax", "Xanax", ("alprazolam",)),
            ],
        ),
        (
            "oxycodone/acetaminophen 5/325",
            [
                (
                    "oxycodone/acetaminophen 5/325",
                    "oxycodone/acetaminophen",
                    ("acetaminophen", "oxycodone"),
                )
            ],
        ),
        (
            "Percocet 10mg/325mg with xanax",
            [
                ("Percocet 10mg/325mg", "Percocet", ("acetaminophen", "oxycodone")),
                ("xanax", "Xanax", ("alprazolam",)),
            ],
        ),
        (
            "Advil Cold and Sinus with zoloft",
            [
                ("Advil Cold and Sinus", "Advil Cold & Sinus", ("ibuprofen", "pseudoephedrine")),
                ("zoloft", "Zoloft", ("sertraline",)),
            ],
        ),
        # a bracketed alias is the same medicine; a bracketed other medicine is not
        ("sertraline (Zoloft)", [("sertraline (Zoloft)", "sertraline", ("sertraline",))]),
        (
            "Zoloft (sertraline) 50 mg and tramadol",
            [
                ("Zoloft (sertraline) 50 mg", "Zoloft", ("sertraline",)),
                ("tramadol", "tramadol", ("tramadol",)),
            ],
        ),
        (
            "Percocet (oxycodone/acetaminophen)",
            [("Percocet (oxycodone/acetaminophen)", "Percocet", ("acetaminophen", "oxycodone"))],
        ),
        (
            "zoloft (tramadol)",
            [("zoloft", "Zoloft", ("sertraline",)), ("tramadol", "tramadol", ("tramadol",))],
        ),
        # doses that change identity
        (
            "naltrexone 4.5mg",
            [("naltrexone 4.5mg", "low-dose naltrexone", ("low-dose-naltrexone",))],
        ),
        (
            "naltrexone 4.5 mg and oxycodone",
            [
                ("naltrexone 4.5 mg", "low-dose naltrexone", ("low-dose-naltrexone",)),
                ("oxycodone", "oxycodone", ("oxycodone",)),
            ],
        ),
        (
            "naltrexone 50 mg + oxycodone",
            [
                ("naltrexone 50 mg", "naltrexone", ("naltrexone",)),
                ("oxycodone", "oxycodone", ("oxycodone",)),
            ],
        ),
        # misspellings per piece, street names
        (
            "sertaline and tramadal",
            [("sertaline", "sertraline", ("sertraline",)), ("tramadal", "tramadol", ("tramadol",))],
        ),
        (
            "sertaline tramadal",
            [("sertaline", "sertraline", ("sertraline",)), ("tramadal", "tramadol", ("tramadol",))],
        ),
        ("dope and coke", [("dope", "heroin", ("heroin",)), ("coke", "cocaine", ("cocaine",))]),
        (
            "percs and xanax",
            [
                ("percs", "Percocet", ("acetaminophen", "oxycodone")),
                ("xanax", "Xanax", ("alprazolam",)),
            ],
        ),
        (
            "percs, xanax bars",
            [
                ("percs", "Percocet", ("acetaminophen", "oxycodone")),
                ("xanax bars", "Xanax", ("alprazolam",)),
            ],
        ),
        # unknown and not-covered pieces stay visible, on their own
        (
            "metformin and zoloft",
            [("metformin", "metformin", "not_covered"), ("zoloft", "Zoloft", ("sertraline",))],
        ),
        ("zoloft and xyzzy", [("zoloft", "Zoloft", ("sertraline",)), ("xyzzy", None, "unknown")]),
        (
            "Tylenol #2 and zoloft",
            [("Tylenol #2", None, "unknown"), ("zoloft", "Zoloft", ("sertraline",))],
        ),
        ("---", [("---", None, "unknown")]),
        # words around a list are not medicines; dose words stay with their medicine
        (
            "I take zoloft and tramadol",
            [("zoloft", "Zoloft", ("sertraline",)), ("tramadol", "tramadol", ("tramadol",))],
        ),
        (
            "xanax 0.5mg 2x daily, tramadol 50mg every 6 hours",
            [
                ("xanax 0.5mg 2x daily", "Xanax", ("alprazolam",)),
                ("tramadol 50mg every 6 hours", "tramadol", ("tramadol",)),
            ],
        ),
        (
            "zoloft and/or prozac",
            [("zoloft", "Zoloft", ("sertraline",)), ("prozac", "Prozac", ("fluoxetine",))],
        ),
        (
            "zoloft for anxiety",
            [("zoloft", "Zoloft", ("sertraline",)), ("anxiety", None, "unknown")],
        ),
        # who takes it or gave it is not a medicine ("We couldn't find 'mom'" before)
        (
            "my mom takes xanax and oxycodone",
            [("xanax", "Xanax", ("alprazolam",)), ("oxycodone", "oxycodone", ("oxycodone",))],
        ),
        (
            "my doctor gave me tramadol, i use zoloft",
            [("tramadol", "tramadol", ("tramadol",)), ("zoloft", "Zoloft", ("sertraline",))],
        ),
        # drinking is alcohol: "xanax, drinks" read "We couldn't find 'drinks'" before
        (
            "xanax and a few drinks",
            [("xanax", "Xanax", ("alprazolam",)), ("drinks", "alcohol", ("alcohol",))],
        ),
        (
            "half a klonopin + a norco",
            [
                ("klonopin", "Klonopin", ("clonazepam",)),
                ("norco", "Norco", ("acetaminophen", "hydrocodone")),
            ],
        ),
        (
            "klonopin, drinking",
            [("klonopin", "Klonopin", ("clonazepam",)), ("drinking", "alcohol", ("alcohol",))],
        ),
        ("energy drinks", [("energy drinks", "caffeine", "not_covered")]),
        # cannabis as sold now; "gummies" and "oil" are forms, like "tablets"
        (
            "delta 8 and edibles",
            [("delta 8", "cannabis", ("cannabis",)), ("edibles", "cannabis", ("cannabis",))],
        ),
        ("thc gummies", [("thc gummies", "cannabis", ("cannabis",))]),
        ("cbd oil", [("cbd oil", "CBD", "not_covered")]),
        (" , ;\n", []),
    ],
)
def test_a_typed_list_is_read_as_medicines(resolver, text, expected):
    assert read(resolver, text) == expected


def test_the_separators_never_make_up_a_product(resolver):
    for text in ("phenelzine and prozac", "zoloft/tramadol", "naltrexone + oxycodone"):
        for item in resolver.parse(text):
            assert " / " not in item.name
            assert len(item.ingredients) == 1


def test_an_exact_name_always_beats_a_close_spelling(resolver):
    # "tramadol" is one edit from nothing else, but Toradol looks alike: never offered.
    assert read(resolver, "tramadol") == [("tramadol", "tramadol", ("tramadol",))]
    assert resolver.parse("tramadol")[0].match == "exact"
    assert [label for label, _ in resolver.autocomplete("tramadol")] == ["tramadol"]
    assert "Toradol" not in [label for label, _ in resolver.autocomplete("tramadol")]
    # a close spelling still works where no exact name exists
    assert [label for label, _ in resolver.autocomplete("tramadal")][0] == "tramadol"


def test_a_misspelling_never_reads_as_a_medicine_that_starts_differently(resolver):
    # "Lustral" (sertraline in the UK) was read, by spelling, as Abstral (fentanyl), and
    # "Zamadol" (tramadol) as Panadol (acetaminophen). Now they are known names...
    assert read(resolver, "Lustral, Zamadol") == [
        ("Lustral", "Lustral", ("sertraline",)),
        ("Zamadol", "Zamadol", ("tramadol",)),
    ]
    # ...and a spelling reads as a medicine only if it is one slip from it at the start
    # (both first letters differ: another word) and, up to 8 letters, one slip in all.
    for typed in ("xyragesic", "pexocet"):
        [item] = resolver.parse(typed)
        assert isinstance(item, Unresolved), typed
    # One slip at the start still reads: a letter missing, added, wrong or swapped.
    for typed in ("ertraline", "ssertraline", "zertraline", "esrtraline", "sertaline"):
        assert read(resolver, typed) == [(typed, "sertraline", ("sertraline",))], typed
    # Two slips in a longer name still read.
    assert read(resolver, "amitryptaline") == [
        ("amitryptaline", "amitriptyline", ("amitriptyline",))
    ]


def test_a_spelling_as_close_to_a_brand_as_to_its_generic_reads_as_the_generic(resolver):
    # "tramadl" is one slip from tramadol and from Tramal (tramadol outside the US).
    assert read(resolver, "tramadl") == [("tramadl", "tramadol", ("tramadol",))]


def test_autocomplete_offers_products_with_separators_but_never_half_a_list(resolver):
    assert [label for label, _ in resolver.autocomplete("Tylenol with")] == ["Tylenol with Codeine"]
    # picking a suggestion replaces the box: "tramadol" here would drop phenelzine
    assert resolver.autocomplete("phenelzine and trama") == []


def test_unknown_pieces_get_suggestions(resolver):
    item = resolver.parse("zoloft and hydro")[1]
    assert isinstance(item, Unresolved)
    assert "hydrocodone" in item.suggestions


def test_a_long_paste_is_read_quickly_and_whole(resolver):
    import time

    text = " ".join(["qwzx"] * 3000)
    started = time.perf_counter()
    items = resolver.parse(text)
    assert time.perf_counter() - started < 2
    assert len(items) == 1 and isinstance(items[0], Unresolved)


# ---------------------------------------------------------------------------- property tests

SEPARATORS = [", ", " and ", " with ", " + ", " / ", "; ", "\n", " & ", " plus ", " w/ ", " "]


def _names(resolver, snap):
    """Names a person might type for one medicine, with no separator inside them, that
    read as that medicine on their own."""
    names = {i.name for i in snap.ingredients.values()}
    names |= {s for i in snap.ingredients.values() for s in i.synonyms}
    names |= {p.name for p in snap.products} | {s for p in snap.products for s in p.synonyms}
    separators = {",", "&", "/", "with", "plus"}
    good = []
    for name in sorted(names):
        tokens = name_tokens(name)
        if not tokens or separators & set(tokens):
            continue
        items = resolver.parse(name)
        if len(items) == 1 and isinstance(items[0], Resolved) and items[0].match == "exact":
            good.append(name)
    return good


@pytest.fixture(scope="module")
def names(resolver, snap):
    found = _names(resolver, snap)
    assert len(found) > 500  # ingredients, synonyms, brands, products
    return found


def _crosses(resolver, left: str, separator: str, right: str) -> bool:
    """Whether some known name runs across the join (then the join is not a separator
    there: "Tylenol" + " " + "3" is Tylenol #3, "Lorcet" + " plus " is Lorcet Plus). Uses the
    name index only, not the parser."""
    a, s, b = name_tokens(left), name_tokens(separator), name_tokens(right)
    joined = a + s + b
    index, compact = resolver.index.tokens, resolver.index.compact
    for i in range(len(a)):
        for j in range(len(a) + 1, len(joined) + 1):  # ends in the separator or after it
            span = joined[i:j]
            if span in index or ("," not in span and "".join(span) in compact and not s):
                return True
    return False


def _medicines(resolver, text):
    return [(item.name, item.kind, item.ingredients) for item in resolver.parse(text)]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_separator_reads_like_commas(resolver, names, data):
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=6), label="names")
    joins = data.draw(
        st.lists(st.sampled_from(SEPARATORS), min_size=len(chosen) - 1, max_size=len(chosen) - 1),
        label="separators",
    )
    for left, join, right in zip(chosen, joins, chosen[1:], strict=False):
        assume(not _crosses(resolver, left, join, right))
    text = chosen[0] + "".join(join + name for join, name in zip(joins, chosen[1:], strict=True))
    expected = _medicines(resolver, ", ".join(chosen))
    assert len(expected) == len(chosen)
    assert _medicines(resolver, text) == expected, text


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_each_piece_reads_the_same_on_its_own(resolver, names, data):
    """The form splits, the service reads each piece again: both must agree."""
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=5))
    joins = data.draw(st.lists(st.sampled_from(SEPARATORS[:-1]), min_size=4, max_size=4))
    dose = data.draw(st.sampled_from(["", " 50 mg", " 4.5mg", " tablets", " 10/325", " (x)"]))
    text = "".join(name + dose + join for name, join in zip(chosen, joins, strict=False))
    for item in resolver.parse(text):
        again = resolver.parse(item.query)
        assert [(i.query, i.name) for i in again] == [(item.query, item.name)], item.query


def _separator_products(snap):
    found = []
    for product in snap.products:
        for name in (product.name, *product.synonyms):
            if {"&", "/", "with", "plus"} & set(name_tokens(name)):
                found.append((name, product.name, product.ingredients))
    return found


def test_there_are_real_products_with_separators(snap):
    names = [name for name, _, _ in _separator_products(snap)]
    assert "Tylenol with Codeine" in names and "oxycodone/acetaminophen" in names
    assert "Capital and Codeine" in names and "Advil Cold & Sinus" in names


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_real_products_with_a_separator_stay_whole(resolver, snap, names, data):
    name, product, ingredients = data.draw(st.sampled_from(_separator_products(snap)))
    before = data.draw(st.lists(st.sampled_from(names), max_size=2))
    after = data.draw(st.lists(st.sampled_from(names), max_size=2))
    join = data.draw(st.sampled_from(SEPARATORS[:-1]))
    text = join.join([*before, name, *after])
    items = resolver.parse(text)
    assert len(items) == len(before) + 1 + len(after), text
    middle = items[len(before)]
    assert (middle.name, middle.ingredients) == (product, ingredients)
    assert middle.query == name


# ---------------------------------------------------------------------------- form and API


@pytest.mark.parametrize(
    ("drugs", "pieces"),
    [
        ("phenelzine and prozac", ["phenelzine", "prozac"]),
        ("zoloft tramadol", ["zoloft", "tramadol"]),
        ("Tylenol with Codeine, zoloft/tramadol", ["Tylenol with Codeine", "zoloft", "tramadol"]),
        ("naltrexone 4.5mg + oxycodone", ["naltrexone 4.5mg", "oxycodone"]),
        ("sertraline (Zoloft)", ["sertraline (Zoloft)"]),
    ],
)
def test_the_form_splits_with_the_same_parser(drugs, pieces):
    form = CheckForm({"drugs": drugs, "recently_stopped": "prozac and paxil"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"drugs": pieces, "recently_stopped": ["prozac", "paxil"]}


def test_the_form_counts_medicines_after_splitting():
    assert CheckForm({"drugs": " and ".join(["zoloft"] * 25)}).is_valid()
    form = CheckForm({"drugs": " and ".join(["zoloft"] * 26)})
    assert not form.is_valid() and form.first_error()[0] == "too_many_drugs"
    form = CheckForm({"drugs": "zoloft, " + "y" * 101})
    assert not form.is_valid() and form.first_error()[0] == "name_too_long"
    form = CheckForm({"drugs": "zoloft", "recently_stopped": " / ".join(["paxil"] * 26)})
    assert not form.is_valid() and form.first_error()[0] == "too_many_drugs"


def _api(client, drugs, stopped=""):
    url = f"/api/v1/interactions?drugs={quote(drugs)}"
    if stopped:
        url += f"&recently_stopped={quote(stopped)}"
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("drugs", "queries", "pair", "worst"),
    [
        (
            "phenelzine and prozac",
            ["phenelzine", "prozac"],
            ["fluoxetine", "phenelzine"],
            "contraindicated",
        ),
        ("xanax and oxycontin", ["xanax", "oxycontin"], ["alprazolam", "oxycodone"], None),
        ("ultram with zoloft", ["ultram", "zoloft"], ["sertraline", "tramadol"], None),
        ("zoloft/tramadol", ["zoloft", "tramadol"], ["sertraline", "tramadol"], None),
        ("zoloft tramadol", ["zoloft", "tramadol"], ["sertraline", "tramadol"], None),
        ("naltrexone + oxycodone", ["naltrexone", "oxycodone"], ["naltrexone", "oxycodone"], None),
        (
            "naltrexone 4.5mg + oxycodone",
            ["naltrexone 4.5mg", "oxycodone"],
            ["low-dose-naltrexone", "oxycodone"],
            None,
        ),
    ],
)
def test_the_api_checks_the_pair_inside_a_typed_list(client, drugs, queries, pair, worst):
    data = _api(client, drugs)
    assert [r["query"] for r in data["resolved"]] == queries
    assert all(r["kind"] != "combination" for r in data["resolved"])
    found = [f for f in data["findings"] if sorted(f["ingredients"]) == pair]
    assert found, data["findings"]
    assert found[0]["severity"] in ("contraindicated", "major")
    if worst:
        assert data["highest_severity"] == worst


@pytest.mark.django_db
def test_the_api_says_how_it_read_the_text(client):
    data = _api(client, "phenelzine and prozac")
    assert data["read_as"] == "We read this as 2 medicines: phenelzine and fluoxetine (Prozac)."
    data = _api(client, "Percocet, metformin and xyzzy", "paxil")
    assert data["read_as"] == (
        "We read this as 3 medicines: Percocet (oxycodone + acetaminophen), metformin "
        "(not checked) and ‘xyzzy’ (not found). Stopped in the last 5 weeks: paroxetine (Paxil)."
    )
    assert _api(client, "naltrexone 4.5mg")["read_as"] == (
        "We read this as 1 medicine: low-dose naltrexone."
    )


@pytest.mark.django_db
def test_the_api_keeps_real_products_whole(client):
    data = _api(client, "Tylenol with Codeine and zoloft")
    assert [(r["query"], r["name"]) for r in data["resolved"]] == [
        ("Tylenol with Codeine", "Tylenol with Codeine"),
        ("zoloft", "Zoloft"),
    ]


@pytest.mark.django_db
def test_the_api_limits_count_medicines_after_splitting(client):
    response = client.get("/api/v1/interactions?drugs=" + quote(" and ".join(["zoloft"] * 26)))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_drugs"


@pytest.mark.django_db
def test_recently_stopped_uses_the_same_parser(client):
    data = _api(client, "phenelzine", "prozac and paxil")
    stopped = [
        (r["query"], r["recently_stopped"]) for r in data["resolved"] if r["recently_stopped"]
    ]
    assert stopped == [("prozac", True), ("paxil", True)]


@pytest.mark.django_db
def test_the_drug_lookup_never_offers_a_look_alike_for_an_exact_name(client):
    names = [r["name"] for r in client.get("/api/v1/drugs?q=tramadol").json()["results"]]
    assert names[0] == "tramadol" and "Toradol" not in names


# ---------------------------------------------------------------------------- dose rules in data


def _with_dose_rule(mini_data, rule: str):
    from tests.interactions.conftest import MINI_INGREDIENTS, write_data

    text = MINI_INGREDIENTS.replace(
        "  serotonergic: strong\n  washout_days: 14\n",
        f"  serotonergic: strong\n  washout_days: 14\n  dose_reads_as:\n    - {rule}\n",
        1,
    )
    write_data(mini_data, "ingredients/mini.yaml", text)
    return mini_data


def test_a_dose_rule_in_the_data_changes_what_is_read(mini_data):
    from medicines import knowledge
    from medicines.resolver import Resolver

    snap = knowledge.load(_with_dose_rule(mini_data, "{min_mg: 1, max_mg: 5, ingredient: gamma}"))
    assert snap.ingredients["alpha"].dose_reads_as == ((1.0, 5.0, "gamma"),)
    resolver = Resolver(snap)
    assert [i.ingredients for i in resolver.parse("alpha 2 mg, Alphazol 2000 mcg")] == [
        ("gamma",),
        ("gamma",),
    ]
    assert [i.ingredients for i in resolver.parse("alpha 10 mg, alpha, alpha 0.5mg")] == [
        ("alpha",),
        ("alpha",),
        ("alpha",),
    ]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("{min_mg: 5, max_mg: 1, ingredient: gamma}", "min_mg <= max_mg"),
        ("{min_mg: 0, max_mg: 1, ingredient: gamma}", "min_mg <= max_mg"),
        ("{min_mg: 1, max_mg: 5}", "min_mg <= max_mg"),
        ("{min_mg: 1, max_mg: 5, ingredient: alpha}", "another ingredient"),
        ("{min_mg: 1, max_mg: 5, ingredient: nosuch}", "unknown ingredient 'nosuch'"),
    ],
)
def test_a_bad_dose_rule_is_a_data_error(mini_data, rule, problem):
    from medicines import knowledge

    with pytest.raises(knowledge.KnowledgeError, match="dose_reads_as") as error:
        knowledge.load(_with_dose_rule(mini_data, rule))
    assert problem in str(error.value)


def test_every_known_name_typed_alone_reads_as_itself(resolver, snap):
    """An exact name is never split, joined, re-read by spelling or taken for another."""
    names = {}
    for ingredient in snap.ingredients.values():
        for name in (ingredient.name, *ingredient.synonyms):
            names[name] = ("generic", (ingredient.slug,))
    for product in snap.products:
        for name in (product.name, *product.synonyms):
            names[name] = (product.kind, product.ingredients)
    for item in snap.not_covered:
        for name in (item.name, *item.synonyms):
            names[name] = ("not_covered", ())
    wrong = []
    for name, (kind, ingredients) in names.items():
        items = resolver.parse(name)
        item = items[0] if len(items) == 1 else None
        if kind == "not_covered":
            ok = isinstance(item, Unresolved) and item.reason == "not_covered"
        else:
            ok = (
                isinstance(item, Resolved)
                and item.match == "exact"
                and (item.ingredients == ingredients)
            )
        if not ok:
            wrong.append((name, items))
    assert len(names) > 800
    assert not wrong, wrong[:5]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300)
    | st.text(alphabet=" ,;/+&()#.-\nandwithplus0123456789mgzoloft", max_size=120)
)
def test_any_text_is_read_without_error(resolver, text):
    items = resolver.parse(text)
    assert [item.query for item in items] == resolver.split(text)
    for item in items:
        assert item.query and item.query == " ".join(item.query.split())
        assert isinstance(item, Resolved | Unresolved)


JUNK = ["", " 50 mg", " 4.5mg", " tablets", " 10/325", " (x)", " (Zoloft)", " [old]", " ---", "  "]


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_list_reads_the_same_whole_as_cut_at_its_hard_separators(resolver, names, data):
    """Resolver.parse memoises each comma-, semicolon- or line-separated chunk on its own:
    the list must read exactly as the uncut parse reads it, whatever is around the cuts."""
    words = st.sampled_from(names) | st.text(alphabet="abcxyz()[],;\n /+-.#0123456789", max_size=12)
    chosen = data.draw(st.lists(words, min_size=1, max_size=6), label="pieces")
    extras = data.draw(st.lists(st.sampled_from(JUNK), min_size=6, max_size=6), label="extras")
    joins = data.draw(
        st.lists(
            st.sampled_from([*SEPARATORS, ",", ",,", " ,\n", "; ", "(", ")"]),
            min_size=6,
            max_size=6,
        ),
        label="joins",
    )
    text = "".join(n + e + j for n, e, j in zip(chosen, extras, joins, strict=False))
    uncut = resolver._parse(text)
    resolver._read.cache_clear()
    assert resolver.parse(text) == uncut, repr(text)
    # The form's split reads the same chunks, without suggestions.
    assert resolver.split(text) == [i.query for i in resolver._parse(text, suggest=False)]
