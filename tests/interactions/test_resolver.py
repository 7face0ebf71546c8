"""From what people type to ingredients."""

import pytest

from medicines.resolver import Resolved, Unresolved


@pytest.mark.parametrize(
    ("query", "name", "kind", "ingredients"),
    [
        # brands and generics, any case and spacing
        ("Zoloft", "Zoloft", "brand", ("sertraline",)),
        ("  zOLOFT  ", "Zoloft", "brand", ("sertraline",)),
        ("ZOLOFT!!", "Zoloft", "brand", ("sertraline",)),
        ("sertraline", "sertraline", "generic", ("sertraline",)),
        ("Ultram", "Ultram", "brand", ("tramadol",)),
        ("Nardil", "Nardil", "brand", ("phenelzine",)),
        ("Narcan", "Narcan", "brand", ("naloxone",)),
        # combinations resolve to every ingredient
        ("Percocet", "Percocet", "combination", ("oxycodone", "acetaminophen")),
        ("Vicodin", "Vicodin", "combination", ("hydrocodone", "acetaminophen")),
        ("Norco", "Norco", "combination", ("hydrocodone", "acetaminophen")),
        (
            "Tylenol with Codeine",
            "Tylenol with Codeine",
            "combination",
            ("codeine", "acetaminophen"),
        ),
        ("Tylenol #3", "Tylenol #3", "combination", ("codeine", "acetaminophen")),
        ("tylenol 3", "Tylenol #3", "combination", ("codeine", "acetaminophen")),
        ("Suboxone", "Suboxone", "combination", ("buprenorphine", "naloxone")),
        ("Advil PM", "Advil PM", "combination", ("ibuprofen", "diphenhydramine")),
        ("advil p.m.", "Advil PM", "combination", ("ibuprofen", "diphenhydramine")),
        # synonyms
        ("paracetamol", "acetaminophen", "generic", ("acetaminophen",)),
        ("pethidine", "meperidine", "generic", ("meperidine",)),
        ("diamorphine", "heroin", "generic", ("heroin",)),
        ("LDN", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("low dose naltrexone", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("St. John's Wort", "St John's wort", "generic", ("st-johns-wort",)),
        ("APAP", "acetaminophen", "generic", ("acetaminophen",)),
        # dose and form text
        ("sertraline 50 mg", "sertraline", "generic", ("sertraline",)),
        ("Zoloft 100mg tablets", "Zoloft", "brand", ("sertraline",)),
        ("zolpidem er", "zolpidem", "generic", ("zolpidem",)),
        ("Wellbutrin XL 150", "Wellbutrin XL", "brand", ("bupropion",)),
        ("Norco 10/325", "Norco", "combination", ("hydrocodone", "acetaminophen")),
        ("gabapentin 300mg caps", "gabapentin", "generic", ("gabapentin",)),
        ("LDN 4.5 mg", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("Effexor XR 75 mg", "Effexor XR", "brand", ("venlafaxine",)),
        # misspellings
        ("sertaline", "sertraline", "generic", ("sertraline",)),
        ("tramadal", "tramadol", "generic", ("tramadol",)),
        ("oxycodon", "oxycodone", "generic", ("oxycodone",)),
        ("trazadone", "trazodone", "generic", ("trazodone",)),
        ("Xanex", "Xanax", "brand", ("alprazolam",)),
        ("Adderal", "Adderall", "brand", ("amphetamine",)),
        ("sertaline 50mg", "sertraline", "generic", ("sertraline",)),
        # generic combination products listed in products.yaml (never made up from parts)
        (
            "oxycodone/acetaminophen 5/325",
            "oxycodone/acetaminophen",
            "combination",
            ("oxycodone", "acetaminophen"),
        ),
        (
            "hydrocodone-acetaminophen",
            "hydrocodone/acetaminophen",
            "combination",
            ("hydrocodone", "acetaminophen"),
        ),
        ("percs", "Percocet", "combination", ("oxycodone", "acetaminophen")),
        # doses that change identity (dose_reads_as in the knowledge base)
        ("naltrexone 4.5mg", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("naltrexone 4.5 mg", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("naltrexone 1.5 MG", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("Naltrexone 0.5 milligrams", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("naltrexone 3000 mcg", "low-dose naltrexone", "generic", ("low-dose-naltrexone",)),
        ("naltrexone 50mg", "naltrexone", "generic", ("naltrexone",)),
        ("naltrexone 50 mg tablets", "naltrexone", "generic", ("naltrexone",)),
        ("naltrexone", "naltrexone", "generic", ("naltrexone",)),
        ("naltrexone 4.5", "naltrexone", "generic", ("naltrexone",)),  # no unit: not guessed
        # a bracketed alias is the same medicine
        ("sertraline (Zoloft)", "sertraline", "generic", ("sertraline",)),
        ("Zoloft (sertraline) 50 mg", "Zoloft", "brand", ("sertraline",)),
    ],
)
def test_names_resolve(resolver, query, name, kind, ingredients):
    result = resolver.resolve(query)
    assert isinstance(result, Resolved), result
    assert (result.name, result.kind, tuple(sorted(result.ingredients))) == (
        name,
        kind,
        tuple(sorted(ingredients)),
    )
    assert result.query == query


def test_how_a_name_was_matched_is_reported(resolver):
    assert resolver.resolve("Zoloft").match == "exact"
    assert resolver.resolve("Zoloft 50 mg").match == "dose"
    assert resolver.resolve("Zolof").match == "fuzzy"


@pytest.mark.parametrize("query", ["xyzzy", "qqqqqqqq", "a", "12345", "", "---"])
def test_unknown_names_are_unresolved_not_errors(resolver, query):
    result = resolver.resolve(query)
    assert isinstance(result, Unresolved)
    assert result.reason == "unknown"
    assert len(result.suggestions) <= 5


def test_unknown_names_get_useful_suggestions(resolver):
    result = resolver.resolve("hydro")  # ("oxy" was the example until it became a street name)
    assert isinstance(result, Unresolved)
    assert {"hydrocodone", "hydromorphone"} <= set(result.suggestions)
    assert len(result.suggestions) == 5


def test_a_numbered_product_is_never_read_as_the_plain_brand(resolver):
    # Tylenol #2 (with codeine) must not silently become plain Tylenol (no codeine).
    result = resolver.resolve("Tylenol #2")
    assert isinstance(result, Unresolved)
    assert "Tylenol #3" in result.suggestions
    assert resolver.resolve("Tylenol No. 4").ingredients == ("codeine", "acetaminophen")


def test_a_typo_equally_close_to_two_medicines_is_not_guessed(resolver):
    # "Tylenol #5" is one keystroke from both Tylenol #3 and Tylenol #4.
    assert isinstance(resolver.resolve("Tylenol #5"), Unresolved)


def test_not_covered_names_are_recognised_honestly(resolver):
    result = resolver.resolve("Metformin 500 mg")
    assert isinstance(result, Unresolved)
    assert result.reason == "not_covered"
    assert result.name == "metformin"
    assert "diabetes" in result.note.lower()
    assert resolver.resolve("lisinopril").reason == "not_covered"


@pytest.mark.parametrize("typed", ["birth control", "birth control pills", "the pill"])
def test_birth_control_is_recognised_with_its_note(resolver, typed):
    # "St John's wort, birth control": the wort makes the pill work less well; before, "birth
    # control" was not found and "the pill" was offered as MDMA.
    result = resolver.resolve(typed)
    assert result.reason == "not_covered" and "St John's" in result.note


def test_products_with_unchecked_ingredients_say_so(resolver):
    result = resolver.resolve("Symbyax")
    assert isinstance(result, Resolved)
    assert result.ingredients == ("fluoxetine",)
    assert result.also_contains == ("olanzapine",)
    assert "olanzapine" in result.note and "do not check" in result.note


def test_autocomplete_prefers_prefix_matches_and_tolerates_typos(resolver):
    names = [label for label, _ in resolver.autocomplete("tyl")]
    assert names[:2] == ["Tylox", "Tylenol"] or names[0].startswith("Tyl")
    assert all(name.lower().startswith("tyl") for name in names)
    assert len(names) <= 10
    assert [label for label, _ in resolver.autocomplete("sertaline")][0] == "sertraline"
    assert [label for label, _ in resolver.autocomplete("tramadal")][0] == "tramadol"
    assert resolver.autocomplete("") == []
    assert resolver.autocomplete("metformin") == []  # not covered: not offered
