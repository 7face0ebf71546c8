"""Loading and validating the knowledge-base files."""

import os
import time

import pytest
from django.core.management import CommandError, call_command

from interactions import engine, knowledge, models
from tests.interactions.conftest import write_data


def test_real_knowledge_base_loads_with_required_coverage(snap):
    assert len(snap.ingredients) >= 120
    names = len(snap.products) + sum(len(i.synonyms) for i in snap.ingredients.values())
    assert names >= 300
    for slug in ["sertraline", "tramadol", "low-dose-naltrexone", "naltrexone", "naloxone",
                 "nalmefene", "phenelzine", "linezolid", "methylene-blue", "acetaminophen",
                 "alcohol", "cannabis", "st-johns-wort", "lithium", "ketoconazole"]:
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
        ("ingredients/mini.yaml", "serotonergic: strong\n  washout_days", "serotonergic: strongish\n  washout_days",
         "ingredients/mini.yaml, entry 'alpha', field 'serotonergic': must be one of strong, weak"),
        ("ingredients/mini.yaml", "classes: [opioid]", "classes: [opiods]",
         "ingredients/mini.yaml, entry 'beta', field 'classes': unknown class 'opiods'"),
        ("ingredients/mini.yaml", "  summary: A sedative.\n", "",
         "ingredients/mini.yaml, entry 'gamma', field 'summary': is required"),
        ("ingredients/mini.yaml", "  cns_depressant: strong\n- slug: delta", "  sedating: strong\n- slug: delta",
         "ingredients/mini.yaml, entry 'gamma', field 'sedating': unknown field"),
        ("ingredients/mini.yaml", "query=delta", "query=delta\n  washout_days: -3",
         "entry 'delta', field 'washout_days': must be a whole number"),
        ("products.yaml", "ingredients: [beta, delta]", "ingredients: [beta, deltaa]",
         "products.yaml, entry 'Betadelt', field 'ingredients': unknown ingredient slug 'deltaa'"),
        ("products.yaml", "kind: brand", "kind: generic",
         "products.yaml, entry 'Alphazol', field 'kind': must be brand or combination"),
        ("rules.yaml", "references: [label-a]\n  - id: sleepy", "references: [label-b]\n  - id: sleepy",
         "rules.yaml, entry 'sero', field 'references': unknown reference id 'label-b'"),
        ("rules.yaml", "mechanisms: [serotonin-toxicity]", "mechanisms: [serotonin]",
         "rules.yaml, entry 'sero', field 'mechanisms': unknown mechanism 'serotonin'"),
        ("rules.yaml", "severity: major\n    mechanisms: [serotonin-toxicity]", "severity: severe\n    mechanisms: [serotonin-toxicity]",
         "rules.yaml, entry 'sero', field 'severity'"),
        ("rules.yaml", "{A} and {b} both raise serotonin.", "{A} and {c} both raise serotonin.",
         "rules.yaml, entry 'sero', field 'summary': unknown placeholder {c}"),
        ("rules.yaml", "{A} and {b} both raise serotonin.", "This mix is safe.",
         "rules.yaml, entry 'sero', field 'summary': must not use the word \"safe\""),
        ("rules.yaml", "a: {serotonergic: strong}", "a: {serotonin: strong}",
         "rules.yaml, entry 'sero', field 'match.a.serotonin': unknown condition"),
        ("references.yaml", "url: https://dailymed", "url: http://dailymed",
         "references.yaml, entry 'label-a', field 'url': must be an https:// URL"),
        ("not_covered.yaml", "name: omegamin", "name: betamol",
         "not_covered.yaml, entry 'betamol', field 'name': we do check this name"),
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
    write_data(mini_data, "ingredients/more.yaml", """
        - slug: alpha
          name: alpha again
          classes: [ssri]
          summary: Again.
          label: https://dailymed.nlm.nih.gov/x
    """)
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


@pytest.mark.django_db
def test_load_knowledge_is_idempotent(mini_data):
    call_command("load_knowledge", data_dir=str(mini_data), stdout=open(os.devnull, "w"))
    counts = (models.Ingredient.objects.count(), models.Product.objects.count(),
              models.Rule.objects.count(), models.KnowledgeVersion.objects.count())
    call_command("load_knowledge", data_dir=str(mini_data), stdout=open(os.devnull, "w"))
    assert counts == (4, 2, 4, 1)
    assert (models.Ingredient.objects.count(), models.Product.objects.count(),
            models.Rule.objects.count(), models.KnowledgeVersion.objects.count()) == counts
    betadelt = models.Product.objects.get(name="Betadelt")
    assert sorted(betadelt.ingredients.values_list("slug", flat=True)) == ["beta", "delta"]


@pytest.mark.django_db
def test_load_knowledge_refuses_a_bad_file_and_keeps_what_was_loaded(mini_data):
    call_command("load_knowledge", data_dir=str(mini_data), stdout=open(os.devnull, "w"))
    path = mini_data / "ingredients" / "mini.yaml"
    path.write_text(path.read_text().replace("name: gamma", "name: gamma2").replace("slug: delta", "slug: Delta!"))
    with pytest.raises(CommandError, match="ingredients/mini.yaml, entry #4, field 'slug'"):
        call_command("load_knowledge", data_dir=str(mini_data))
    assert models.Ingredient.objects.get(slug="gamma").name == "gamma"
    assert models.Ingredient.objects.count() == 4


@pytest.mark.django_db
def test_load_knowledge_removes_entries_deleted_from_the_files(mini_data):
    call_command("load_knowledge", data_dir=str(mini_data), stdout=open(os.devnull, "w"))
    (mini_data / "products.yaml").write_text("- {name: Alphazol, kind: brand, ingredients: [alpha]}\n")
    call_command("load_knowledge", data_dir=str(mini_data), stdout=open(os.devnull, "w"))
    assert list(models.Product.objects.values_list("name", flat=True)) == ["Alphazol"]


@pytest.mark.django_db
def test_real_knowledge_base_loads_into_the_database():
    call_command("load_knowledge", stdout=open(os.devnull, "w"))
    assert models.Ingredient.objects.count() >= 120
    assert models.Ingredient.objects.get(slug="sertraline").classes.filter(slug="ssri").exists()
