"""Open silences between core classes closed by rules over properties (docs/kb_silence.yaml).

Each test loops over EVERY ingredient carrying the property or class the rule is written
over, not a hand-picked pair, so a new medicine with the property inherits the finding. The
sources behind each level are in the rule comments of medicines/data/rules.yaml and in
docs/KB_REVIEW.md ("TripSit walk").
"""

from medicines.knowledge import SEVERITY_RANK
from tests.interactions.floors import assert_floor, members


def prop(ingredient, name):
    return ingredient.properties.get(name, set())


def maoi_antidepressants(snap, kinds=("nonselective", "reversible-a")):
    return members(
        snap, lambda i: "antidepressant" in i.classes and prop(i, "mao_inhibitor") & set(kinds)
    )


def opioid_depressants(snap):
    return members(
        snap,
        lambda i: (
            prop(i, "opioid") & {"agonist", "partial-agonist"}
            and "strong" in prop(i, "cns_depressant")
        ),
    )


def test_an_maoi_antidepressant_with_any_sedative_is_at_least_use_with_caution(snap, pair):
    # Nardil and Marplan labels: CNS depressants and sedatives among the drugs not to combine.
    maois = maoi_antidepressants(snap)
    assert {"phenelzine", "tranylcypromine", "isocarboxazid", "moclobemide"} <= set(maois)
    sedatives = members(
        snap,
        lambda i: (
            (
                i.has("cns_depressant")
                and not i.classes & {"opioid", "antidepressant"}
                and i.slug != "alcohol"
            )
            or ("strong" in prop(i, "cns_depressant") and "antidepressant" in i.classes)
            or ("sleep-medicine" in i.classes and not i.has("cns_depressant"))
        ),
    )
    assert {
        "clonazepam",
        "zolpidem",
        "gabapentin",
        "cannabis",
        "ketamine",
        "zuranolone",
        "ramelteon",
    } <= set(sedatives)
    assert_floor(
        pair, maois, sedatives, "moderate", rules=["maoi-cns-depressant", "maoi-antihistamine"]
    )


def test_a_nonselective_maoi_antidepressant_with_an_older_antihistamine_is_do_not_take(snap, pair):
    # Parnate label 4.1: non-selective H1 antagonists contraindicated; Marplan, Nardil alike.
    maois = maoi_antidepressants(snap, kinds=("nonselective",))
    antihistamines = members(snap, lambda i: "antihistamine" in i.classes)
    assert "diphenhydramine" in antihistamines and "linezolid" not in maois
    assert_floor(pair, maois, antihistamines, "contraindicated", rules=["maoi-antihistamine"])


def test_an_mao_b_inhibitor_with_alcohol_names_tyramine(snap, pair):
    maobs = members(snap, lambda i: "selective-b" in prop(i, "mao_inhibitor"))
    assert set(maobs) == {"selegiline", "rasagiline", "safinamide"}
    assert_floor(pair, maobs, ["alcohol"], "minor", "hypertensive-crisis")


def test_every_mao_inhibitor_with_carbamazepine_is_do_not_take(snap, pair):
    # Carbamazepine label: contraindicated with MAOIs, with no exception for MAO-B inhibitors.
    maois = members(snap, lambda i: i.has("mao_inhibitor"))
    assert "rasagiline" in maois
    assert_floor(pair, maois, ["carbamazepine"], "contraindicated")


def test_bupropion_with_every_sedative_or_sleep_medicine_names_the_seizure_risk(snap, pair):
    # Bupropion label: heavy use or a sudden stop of sedatives, barbiturates, antiepileptics;
    # opiate addiction.
    sedatives = members(
        snap,
        lambda i: (
            ("strong" in prop(i, "cns_depressant") or "sleep-medicine" in i.classes)
            and i.slug != "alcohol"
        ),
    )
    assert {"alprazolam", "pregabalin", "morphine", "suvorexant", "ramelteon", "doxylamine"} <= set(
        sedatives
    )
    assert_floor(pair, ["bupropion"], sedatives, "moderate", "seizure-threshold")


def test_a_stimulant_that_is_not_serotonergic_with_any_serotonergic_drug_is_never_silent(
    snap, pair
):
    # US methylphenidate labels: serotonin syndrome reported with serotonergic drugs.
    stimulants = members(snap, lambda i: "stimulant" in i.classes and not i.has("serotonergic"))
    assert "methylphenidate" in stimulants
    serotonergic = members(snap, lambda i: i.has("serotonergic"))
    assert_floor(pair, stimulants, serotonergic, "minor", "serotonin-toxicity")


def test_a_serotonergic_atypical_antidepressant_with_any_depressant_is_never_silent(snap, pair):
    # Vilazodone and vortioxetine act like SSRIs; same floor as ssri-cns-depressant.
    modulators = members(
        snap,
        lambda i: "atypical-antidepressant" in i.classes and "strong" in prop(i, "serotonergic"),
    )
    assert {"vilazodone", "vortioxetine"} <= set(modulators)
    depressants = members(snap, lambda i: i.has("cns_depressant") and "opioid" not in i.classes)
    assert "alcohol" in depressants
    assert_floor(pair, modulators, depressants, "minor", "cns-depression")


def test_a_sleep_medicine_that_is_not_a_depressant_with_an_opioid_or_alcohol(snap, pair):
    # Opioid boxed warning names sedative-hypnotics; the ramelteon label warns about alcohol.
    sleep = members(snap, lambda i: "sleep-medicine" in i.classes and not i.has("cns_depressant"))
    assert sleep == ["ramelteon"]
    assert_floor(pair, sleep, opioid_depressants(snap) + ["alcohol"], "moderate", "cns-depression")
    assert_floor(pair, sleep, ["doxepin"], "minor")


def test_full_dose_and_low_dose_naltrexone_together_is_a_duplicate(snap, pair):
    full = members(snap, lambda i: "full" in prop(i, "antagonist_use"))
    low = members(snap, lambda i: "low-dose" in prop(i, "antagonist_use"))
    assert full and low
    assert_floor(pair, full, low, "moderate", "duplicate-ingredient")
    assert_floor(pair, ["lofexidine"], full + low, "minor")


def test_mdma_with_alcohol_is_never_silent(pair):
    # Hernandez-Lopez 2002: MDMA hides the sleepiness of alcohol, not its impairment.
    finding = pair("alcohol", "mdma")
    assert finding is not None and SEVERITY_RANK[finding.severity] >= SEVERITY_RANK["minor"]
    assert "alcohol-mdma" in finding.rule_ids and "drive" in " ".join(finding.what_to_do)
