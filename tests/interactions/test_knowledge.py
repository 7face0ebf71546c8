"""Loading and validating the knowledge-base files."""

import io
import os
import time

import pytest
from django.core.management import CommandError, call_command

from medicines import engine, knowledge
from tests.interactions.conftest import write_data


def test_real_knowledge_base_loads_with_required_coverage(snap):
    assert len(snap.ingredients) >= 120
    names = len(snap.products) + sum(len(i.synonyms) for i in snap.ingredients.values())
    assert names >= 300
    for slug in [
        "sertraline",
        "tramadol",
        "low-dose-naltrexone",
        "naltrexone",
        "naloxone",
        "nalmefene",
        "phenelzine",
        "linezolid",
        "methylene-blue",
        "acetaminophen",
        "alcohol",
        "cannabis",
        "st-johns-wort",
        "lithium",
        "ketoconazole",
    ]:
        assert slug in snap.ingredients, slug
    assert len(snap.version) == 16


def test_mini_knowledge_base_loads(mini_data):
    snap = knowledge.load(mini_data)
    assert set(snap.ingredients) == {"alpha", "beta", "gamma", "delta"}
    assert snap.ingredients["alpha"].washout_days == 14
    assert snap.ingredients["beta"].properties["opioid"] == frozenset({"agonist"})
    assert [r.id for r in snap.rules] == ["sero", "sleepy"]
    finding = engine.pair_finding(snap, "alpha", "beta")
    assert finding.severity == "major"
    assert finding.summary == "Alpha and beta both raise serotonin."


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "ingredients/mini.yaml",
            "serotonergic: strong\n  washout_days",
            "serotonergic: strongish\n  washout_days",
            "ingredients/mini.yaml, entry 'alpha', field 'serotonergic': must be one of strong, weak",
        ),
        (
            "ingredients/mini.yaml",
            "classes: [opioid]",
            "classes: [opiods]",
            "ingredients/mini.yaml, entry 'beta', field 'classes': unknown class 'opiods'",
        ),
        (
            "ingredients/mini.yaml",
            "  summary: A sedative.\n",
            "",
            "ingredients/mini.yaml, entry 'gamma', field 'summary': is required",
        ),
        (
            "ingredients/mini.yaml",
            "  cns_depressant: strong\n- slug: delta",
            "  sedating: strong\n- slug: delta",
            "ingredients/mini.yaml, entry 'gamma', field 'sedating': unknown field",
        ),
        (
            "ingredients/mini.yaml",
            "query=delta",
            "query=delta\n  washout_days: -3",
            "entry 'delta', field 'washout_days': must be a whole number",
        ),
        (
            "products.yaml",
            "ingredients: [beta, delta]",
            "ingredients: [beta, deltaa]",
            "products.yaml, entry 'Betadelt', field 'ingredients': unknown ingredient slug 'deltaa'",
        ),
        (
            "products.yaml",
            "kind: brand",
            "kind: generic",
            "products.yaml, entry 'Alphazol', field 'kind': must be brand or combination",
        ),
        (
            "rules.yaml",
            "references: [label-a]\n  - id: sleepy",
            "references: [label-b]\n  - id: sleepy",
            "rules.yaml, entry 'sero', field 'references': unknown reference id 'label-b'",
        ),
        (
            "rules.yaml",
            "mechanisms: [serotonin-toxicity]",
            "mechanisms: [serotonin]",
            "rules.yaml, entry 'sero', field 'mechanisms': unknown mechanism 'serotonin'",
        ),
        (
            "rules.yaml",
            "severity: major\n    mechanisms: [serotonin-toxicity]",
            "severity: severe\n    mechanisms: [serotonin-toxicity]",
            "rules.yaml, entry 'sero', field 'severity'",
        ),
        (
            "rules.yaml",
            "{A} and {b} both raise serotonin.",
            "{A} and {c} both raise serotonin.",
            "rules.yaml, entry 'sero', field 'summary': unknown placeholder {c}",
        ),
        (
            "rules.yaml",
            "{A} and {b} both raise serotonin.",
            "This mix is safe.",
            "rules.yaml, entry 'sero', field 'summary': must not use the word \"safe\"",
        ),
        (
            "rules.yaml",
            "a: {serotonergic: strong}",
            "a: {serotonin: strong}",
            "rules.yaml, entry 'sero', field 'match.a.serotonin': unknown condition",
        ),
        (
            "references.yaml",
            "url: https://dailymed",
            "url: http://dailymed",
            "references.yaml, entry 'label-a', field 'url': must be an https:// URL",
        ),
        (
            "not_covered.yaml",
            "name: omegamin",
            "name: betamol",
            "not_covered.yaml, entry 'betamol', field 'name': we do check this name",
        ),
        (
            "ingredients/mini.yaml",
            "synonyms: [betamol]",
            "synonyms: [betamol]\n  street_names: [bm]",
            "entry 'beta', field 'street_names': 'bm' is not one of its synonyms",
        ),
        (
            "products.yaml",
            "ingredients: [alpha]}",
            "ingredients: [alpha], synonyms: [az], street_names: [alf]}",
            "products.yaml, entry 'Alphazol', field 'street_names': 'alf' is not one of its synonyms",
        ),
    ],
)
def test_schema_errors_name_file_entry_and_field(mini_data, file, old, new, expected):
    path = mini_data / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(knowledge.KnowledgeError) as error:
        knowledge.load(mini_data)
    assert expected in str(error.value)


def test_invalid_yaml_is_reported_with_the_file(mini_data):
    (mini_data / "products.yaml").write_text("- {name: [unclosed\n")
    with pytest.raises(knowledge.KnowledgeError, match=r"^products.yaml: not valid YAML"):
        knowledge.load(mini_data)


def test_a_slug_defined_twice_is_refused(mini_data):
    write_data(
        mini_data,
        "ingredients/more.yaml",
        """
        - slug: alpha
          name: alpha again
          classes: [ssri]
          summary: Again.
          label: https://dailymed.nlm.nih.gov/x
    """,
    )
    with pytest.raises(knowledge.KnowledgeError, match="already defined in ingredients/mini.yaml"):
        knowledge.load(mini_data)


def test_snapshot_is_rebuilt_when_the_files_change(mini_data):
    knowledge.reset()
    try:
        first = knowledge.snapshot(mini_data)
        assert knowledge.snapshot(mini_data) is first  # cached while nothing changes
        path = mini_data / "ingredients" / "mini.yaml"
        path.write_text(path.read_text().replace("name: delta", "name: delta prime"))
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        second = knowledge.snapshot(mini_data)
        assert second is not first
        assert second.version != first.version
        assert second.ingredients["delta"].name == "delta prime"
    finally:
        knowledge.reset()


def test_a_broken_edit_keeps_the_last_good_snapshot(mini_data):
    knowledge.reset()
    try:
        good = knowledge.snapshot(mini_data)
        path = mini_data / "rules.yaml"
        path.write_text(path.read_text().replace("severity: major", "severity: huge", 1))
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        assert knowledge.snapshot(mini_data) is good
    finally:
        knowledge.reset()


def test_snapshot_objects_are_immutable(snap):
    ingredient = snap.ingredients["sertraline"]
    with pytest.raises(AttributeError):
        ingredient.name = "changed"


def load_knowledge(data_dir=None) -> str:
    out = io.StringIO()
    options = {"data_dir": str(data_dir)} if data_dir else {}
    call_command("load_knowledge", stdout=out, **options)
    return out.getvalue()


def test_load_knowledge_is_idempotent(mini_data):
    first = load_knowledge(mini_data)
    assert first == load_knowledge(mini_data)
    version = knowledge.load(mini_data).version
    assert first == (
        f"Knowledge base {version} loaded: 4 ingredients, 2 products, "
        "1 not covered, 1 references, 4 rules.\n"
    )


def test_load_knowledge_refuses_a_bad_file_and_keeps_what_was_loaded(mini_data):
    knowledge.reset()
    try:
        live = knowledge.snapshot(mini_data)
        load_knowledge(mini_data)
        path = mini_data / "ingredients" / "mini.yaml"
        path.write_text(
            path.read_text()
            .replace("name: gamma", "name: gamma2")
            .replace("slug: delta", "slug: Delta!")
        )
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        with pytest.raises(CommandError, match="ingredients/mini.yaml, entry #4, field 'slug'"):
            call_command("load_knowledge", data_dir=str(mini_data))
        assert knowledge.snapshot(mini_data) is live  # the site keeps its last good knowledge
        assert live.ingredients["gamma"].name == "gamma"
        assert len(live.ingredients) == 4
    finally:
        knowledge.reset()


def test_load_knowledge_reports_entries_deleted_from_the_files(mini_data):
    load_knowledge(mini_data)
    (mini_data / "products.yaml").write_text(
        "- {name: Alphazol, kind: brand, ingredients: [alpha]}\n"
    )
    assert ", 1 products," in load_knowledge(mini_data)
    assert [p.name for p in knowledge.load(mini_data).products] == ["Alphazol"]


def test_real_knowledge_base_loads():
    report = load_knowledge()
    ingredients = int(report.split("loaded: ")[1].split(" ingredients")[0])
    assert ingredients >= 120
    assert "ssri" in knowledge.load().ingredients["sertraline"].classes


def test_the_knowledge_has_no_database_copy():
    """The files are the one source; nothing in the database duplicates them (issue 11)."""
    from django.apps import apps

    assert list(apps.get_app_config("interactions").get_models()) == []


# --------------------------------------------------------------------------- KB-PD additions


def test_reference_about_topics_must_be_known(mini_data):
    path = mini_data / "references.yaml"
    path.write_text(path.read_text() + "    about: [alpha, ssri, serotonin-toxicity]\n")
    assert knowledge.load(mini_data).references["label-a"].about == {
        "alpha",
        "ssri",
        "serotonin-toxicity",
    }
    path.write_text(path.read_text().replace("serotonin-toxicity]", "no-such-topic]"))
    with pytest.raises(knowledge.KnowledgeError) as error:
        knowledge.load(mini_data)
    assert "references.yaml, entry 'label-a', field 'about': unknown topic 'no-such-topic'" in str(
        error.value
    )


def test_engine_keeps_only_the_references_about_the_pair(mini_data):
    write_data(
        mini_data,
        "references.yaml",
        """
        references:
          - id: label-a
            title: A label
            publisher: DailyMed
            url: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=a
            about: [alpha]
          - id: label-g
            title: G label
            publisher: DailyMed
            url: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=g
            about: [gamma]
          - id: review
            title: A review
            publisher: A journal
            url: https://doi.org/10.1/x
            about: [cns-depression]
        """,
    )
    path = mini_data / "rules.yaml"
    path.write_text(
        path.read_text().replace(
            "warning_signs: [Very sleepy]\n    references: [label-a]\nduplicates",
            "warning_signs: [Very sleepy]\n    references: [label-a, label-g, review]\nduplicates",
        )
    )
    snap = knowledge.load(mini_data)
    # beta + gamma: gamma's label and the mechanism review; not alpha's label
    assert [r.id for r in engine.pair_finding(snap, "beta", "gamma").references] == [
        "label-g",
        "review",
    ]


def test_a_property_can_be_required_absent_with_none(mini_data):
    path = mini_data / "rules.yaml"
    path.write_text(
        path.read_text().replace(
            "      a: {cns_depressant: strong}\n      b: {cns_depressant: strong}",
            "      a: {cns_depressant: strong}\n      b: {cns_depressant: strong, serotonergic: none}",
        )
    )
    snap = knowledge.load(mini_data)
    sleepy = [
        f for f in [engine.pair_finding(snap, "beta", "gamma")] if f and "sleepy" in f.rule_ids
    ]
    assert sleepy  # gamma is not serotonergic: matches side b
    assert engine.pair_finding(snap, "gamma", "gamma") is None
    # beta is serotonergic: with gamma on side a only
    rule = next(r for r in snap.rules if r.id == "sleepy")
    assert not rule.side_matches(rule.side_b, snap.ingredients["beta"], False)
    assert rule.side_matches(rule.side_b, snap.ingredients["gamma"], False)
    path.write_text(path.read_text().replace("serotonergic: none}", "serotonergic: [none, weak]}"))
    with pytest.raises(knowledge.KnowledgeError, match="none stands alone"):
        knowledge.load(mini_data)


ADVICE = """
advice:
  - id: food
    match: {serotonergic: strong}
    title: A food note
    text: "{names} can react with some foods."
    link: /articles/x/
    link_text: Read more.
    references: [label-a]
"""


def test_advice_notes_name_the_matching_medicines(mini_data):
    path = mini_data / "rules.yaml"
    path.write_text(path.read_text() + ADVICE)
    snap = knowledge.load(mini_data)
    notes = engine.advice(snap, ["alpha", "gamma", "beta"])
    assert [(n.id, n.ingredients, n.text) for n in notes] == [
        ("food", ("alpha", "beta"), "Alpha and beta can react with some foods.")
    ]
    assert engine.advice(snap, ["gamma", "delta"]) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("link: /articles/x/", "link: articles/x", "field 'link'"),
        ("references: [label-a]\n", "references: [label-z]\n", "unknown reference id 'label-z'"),
        ("{names} can", "{a} can", "unknown placeholder {a}"),
        ('text: "{names} can react with some foods."', "text: It is safe.", "safe"),
        ("match: {serotonergic: strong}", "match: {serotonin: strong}", "unknown condition"),
    ],
)
def test_advice_entries_are_validated(mini_data, old, new, expected):
    path = mini_data / "rules.yaml"
    path.write_text(path.read_text() + ADVICE.replace(old, new))
    with pytest.raises(knowledge.KnowledgeError, match="advice|food") as error:
        knowledge.load(mini_data)
    assert expected in str(error.value)


def test_every_maoi_shows_the_food_note(snap):
    for slug in ["phenelzine", "tranylcypromine", "isocarboxazid", "selegiline"]:
        notes = engine.advice(snap, [slug])
        assert [n.id for n in notes] == ["maoi-food"], slug
        assert (
            "cheese" in notes[0].text and notes[0].link == "/articles/maois-strictest-interactions/"
        )
    assert engine.advice(snap, ["sertraline", "oxycodone"]) == []
    food = next(a for a in snap.advice if a.id == "maoi-food")
    assert {"label-phenelzine", "label-selegiline"} <= set(food.references)


def test_snapshots_of_one_data_version_are_one_memo_key(mini_data):
    """Per-snapshot results are memoised with functools.lru_cache keyed on the version."""
    first, again = knowledge.load(mini_data), knowledge.load(mini_data)
    assert first is not again and first == again and hash(first) == hash(again)
    assert len({first, again}) == 1
    path = mini_data / "ingredients" / "mini.yaml"
    path.write_text(path.read_text().replace("name: delta", "name: delta prime"))
    changed = knowledge.load(mini_data)
    assert changed != first and len({first, changed}) == 2


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # A misspelt field is named as unknown, not as the required field it hides.
        (
            "references.yaml",
            "    title: A label",
            "    titel: A label",
            "references.yaml, entry 'label-a', field 'titel': unknown field (allowed: about, authors, id, note, publisher, title, url, year)",
        ),
        (
            "ingredients/mini.yaml",
            "  summary: A sedative.",
            "  sumary: A sedative.",
            "ingredients/mini.yaml, entry 'gamma', field 'sumary': unknown field",
        ),
        # The entry's own key first, by position while it does not read well.
        (
            "ingredients/mini.yaml",
            "slug: gamma",
            "slug: Gamma\n  sedating: strong",
            "ingredients/mini.yaml, entry #3, field 'slug': must be lowercase letters, digits and hyphens, got 'Gamma'",
        ),
        (
            "products.yaml",
            "ingredients: [beta, delta]",
            "ingredients: [beta, beta]",
            "products.yaml, entry 'Betadelt', field 'ingredients': lists an ingredient twice",
        ),
        (
            "products.yaml",
            "kind: brand",
            "kind: combination",
            "products.yaml, entry 'Alphazol', field 'kind': a combination has two or more ingredients (use brand)",
        ),
        (
            "references.yaml",
            "    publisher: DailyMed",
            "    publisher: DailyMed\n    year: 1850",
            "references.yaml, entry 'label-a', field 'year': must be a year, got 1850",
        ),
        (
            "classes.yaml",
            "slug: ssri",
            "slug: ssris",
            "classes.yaml, entry #1, field 'slug': unknown class 'ssris' (see the class vocabulary)",
        ),
        (
            "not_covered.yaml",
            "name: omegamin",
            "name: 12",
            "not_covered.yaml, entry #1, field 'name': must be text, got int",
        ),
        (
            "ingredients/mini.yaml",
            "classes: [opioid]",
            "classes: [opioid]\n  antagonist_use: full",
            "ingredients/mini.yaml, entry 'beta', field 'antagonist_use': only applies when opioid: antagonist",
        ),
    ],
)
def test_entry_shape_errors_read_like_the_editor_wrote_them(mini_data, file, old, new, expected):
    path = mini_data / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(knowledge.KnowledgeError) as error:
        knowledge.load(mini_data)
    assert expected in str(error.value)
