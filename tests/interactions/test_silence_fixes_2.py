"""The last open silences between core classes, closed by rules over properties (silence review 2).

Each test loops over EVERY ingredient carrying the class or property the rule is written over,
so a new medicine with it inherits the finding. Sources: the rule comments in
medicines/data/rules.yaml and docs/KB_REVIEW.md ("TripSit walk").
"""

from medicines.knowledge import SEVERITY_RANK
from tests.interactions.floors import members


def level(finding):
    return SEVERITY_RANK[finding.severity] if finding else -1


def stimulants(snap):
    found = members(snap, lambda i: "stimulant" in i.classes)
    assert {
        "amphetamine",
        "lisdexamfetamine",
        "methylphenidate",
        "methamphetamine",
        "cocaine",
        "mdma",
    } <= set(found)
    return found


def test_every_stimulant_with_alcohol_is_never_silent_and_street_meth_is_use_with_caution(
    snap, pair
):
    # Patrick 2007 (methylphenidate levels up), Mendelson 1995 (meth: more work for the heart,
    # feels less drunk), Barkla 2015 (prescribed doses: small rise in side effects).
    for slug in stimulants(snap):
        finding = pair(slug, "alcohol")
        assert level(finding) >= SEVERITY_RANK["minor"], slug
        assert {"stimulant-stacking", "cns-depression"} & set(finding.mechanisms), slug
    street = members(snap, lambda i: "recreational" in i.classes and i.has("sympathomimetic"))
    assert "methamphetamine" in street
    for slug in street:
        if slug != "mdma":  # controlled study: no added heart strain (alcohol-mdma, minor)
            assert level(pair(slug, "alcohol")) >= SEVERITY_RANK["moderate"], slug
    for slug in ("amphetamine", "lisdexamfetamine", "methylphenidate"):
        assert "alcohol-stimulant" in pair(slug, "alcohol").rule_ids
    assert pair("cocaine", "alcohol").rule_ids == ("alcohol-cocaine",)
    assert pair("mdma", "alcohol").rule_ids == ("alcohol-mdma",)


def test_every_stimulant_with_cannabis_or_ketamine_is_use_with_caution(snap, pair):
    # Evans 1976, Foltin 1987 (heart rate above either alone); esketamine label (blood pressure).
    cannabinoids = members(snap, lambda i: "cannabinoid" in i.classes)
    anesthetics = members(
        snap, lambda i: "anesthetic" in i.classes and "benzodiazepine" not in i.classes
    )
    assert "cannabis" in cannabinoids and anesthetics == ["ketamine"]
    for stimulant in stimulants(snap):
        for other in cannabinoids + anesthetics:
            finding = pair(stimulant, other)
            assert level(finding) >= SEVERITY_RANK["moderate"], (stimulant, other)
            assert "stimulant-stacking" in finding.mechanisms, (stimulant, other)


def test_every_stimulant_with_xylazine_is_serious_with_naloxone_and_never_alone(snap, pair):
    # FDA alert 2022: xylazine mostly in street fentanyl, also in meth and cocaine; CLINICAL.md.
    sedatives = members(snap, lambda i: "veterinary-sedative" in i.classes)
    assert sedatives == ["xylazine"]
    for stimulant in stimulants(snap):
        finding = pair(stimulant, "xylazine")
        assert finding.severity in ("major", "contraindicated"), stimulant
        steps = " ".join(finding.what_to_do)
        assert "Never use alone" in steps and "naloxone" in steps, stimulant
        assert "911" in finding.emergency


def test_every_tricyclic_is_lowered_by_every_inducer(snap, pair):
    # Carbamazepine label 7: tricyclic antidepressants (amoxapine and maprotiline included).
    tricyclics = members(snap, lambda i: "tricyclic" in i.classes)
    assert {"amoxapine", "maprotiline"} <= set(tricyclics)
    inducers = members(snap, lambda i: i.has("cyp3a4_inducer"))
    assert "carbamazepine" in inducers
    for tricyclic in tricyclics:
        for inducer in inducers:
            finding = pair(inducer, tricyclic)
            assert level(finding) >= SEVERITY_RANK["moderate"], (inducer, tricyclic)
            assert "enzyme-induction" in finding.mechanisms, (inducer, tricyclic)


def test_every_inducer_with_kratom_says_it_may_wear_off(snap, pair):
    # Kamble 2019: CYP3A4 clears most mitragynine (lab study only, so "Low risk").
    herbal_opioids = members(
        snap, lambda i: "herbal" in i.classes and "agonist" in i.properties.get("opioid", ())
    )
    assert herbal_opioids == ["kratom"]
    for inducer in members(snap, lambda i: i.has("cyp3a4_inducer")):
        finding = pair(inducer, "kratom")
        assert level(finding) >= SEVERITY_RANK["minor"], inducer
        assert "cyp3a4-induction" in finding.mechanisms, inducer


def test_every_non_sedating_anticonvulsant_with_alcohol_is_never_silent(snap, pair):
    # Carbamazepine and phenytoin labels: dizziness, drowsiness; NIAAA.
    anticonvulsants = members(
        snap, lambda i: "anticonvulsant" in i.classes and not i.has("cns_depressant")
    )
    assert "carbamazepine" in anticonvulsants
    for slug in anticonvulsants:
        finding = pair(slug, "alcohol")
        assert level(finding) >= SEVERITY_RANK["minor"], slug
        assert "cns-depression" in finding.mechanisms, slug
