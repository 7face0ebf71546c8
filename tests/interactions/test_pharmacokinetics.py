"""Pharmacokinetic mechanisms: P-gp, CYP3A4 graded by each label, enzyme inducers that make a
medicine fail, CYP2D6 prodrugs with moderate inhibitors, and the label pairs that ride on
them (lithium neurotoxicity, clonidine with tricyclics, alcohol's disulfiram-like reaction).

Each mechanism is tested over EVERY ingredient that carries the property, so a new ingredient
with the property is checked too; the named examples from the reviews are checked at engine
level and through the JSON API.
"""

import itertools
import json

import pytest

RANK = {"minor": 1, "moderate": 2, "major": 3, "contraindicated": 4}
ACTION_WORDS = ("911", "1-800-222-1222", "988", "urgent care")


def having(snap, prop, value=None):
    """Slugs of the ingredients with a property (and, if given, that value)."""
    return sorted(
        i.slug
        for i in snap.ingredients.values()
        if prop in i.properties and (value is None or value in i.properties[prop])
    )


def with_class(snap, drug_class):
    return sorted(i.slug for i in snap.ingredients.values() if drug_class in i.classes)


def at_least(finding, severity):
    return finding is not None and RANK[finding.severity] >= RANK[severity]


def pairs(xs, ys):
    return [(x, y) for x, y in itertools.product(xs, ys) if x != y]


# --------------------------------------------------------------------------- the properties


def test_the_properties_are_on_the_medicines_the_labels_name(snap):
    assert having(snap, "pgp_substrate") == ["apixaban", "dabigatran", "edoxaban", "rivaroxaban"]
    assert {"rifampin", "carbamazepine", "phenytoin", "st-johns-wort"} <= set(
        having(snap, "pgp_inducer")
    )
    assert {"ketoconazole", "itraconazole", "clarithromycin", "erythromycin"} <= set(
        having(snap, "pgp_inhibitor")
    )
    assert having(snap, "cyp3a4_with_moderate", "major") == ["lemborexant"]
    assert {"suvorexant", "daridorexant"} <= set(having(snap, "cyp3a4_with_moderate", "moderate"))
    assert "triazolam" in having(snap, "cyp3a4_with_strong", "contraindicated")
    assert "eletriptan" in having(snap, "cyp3a4_with_strong", "major")
    assert "buspirone" in having(snap, "cyp3a4_with_moderate", "moderate")
    assert {"sertraline", "citalopram", "bupropion", "amitriptyline", "phenytoin"} <= set(
        having(snap, "lowered_by_inducers")
    )
    assert {"carbamazepine", "phenytoin"} <= set(having(snap, "lithium_neurotoxic"))
    assert "ketoconazole" in having(snap, "disulfiram_like")
    for prop in ("pgp_substrate", "pgp_inducer", "pgp_inhibitor", "lowered_by_inducers",
                 "cyp3a4_with_moderate", "cyp3a4_with_strong", "disulfiram_like"):  # fmt: skip
        assert having(snap, prop), f"no ingredient has {prop}: the rules over it check nothing"


# --------------------------------------------------------------------------- P-gp


def test_every_pgp_inducer_with_every_pgp_blood_thinner_is_serious(snap, pair):
    inducers, thinners = having(snap, "pgp_inducer"), having(snap, "pgp_substrate")
    for inducer, thinner in pairs(inducers, thinners):
        finding = pair(inducer, thinner)
        assert at_least(finding, "major"), (inducer, thinner, finding and finding.severity)
        assert "pgp-induction" in finding.mechanisms, (inducer, thinner)
        assert "911" in finding.emergency, (inducer, thinner)
        assert "stroke" in finding.emergency, (inducer, thinner)


def test_every_inducer_with_every_blood_thinner_warns_of_clots(snap, pair):
    thinners = [
        s
        for s in with_class(snap, "anticoagulant")
        if {"cyp3a4_substrate", "pgp_substrate"} & set(snap.ingredients[s].properties)
    ]
    assert "warfarin" in thinners
    for inducer, thinner in pairs(having(snap, "cyp3a4_inducer"), thinners):
        finding = pair(inducer, thinner)
        assert at_least(finding, "moderate"), (inducer, thinner)
        assert "stroke" in finding.emergency, (inducer, thinner)
        assert {"cyp3a4-induction", "pgp-induction"} & set(finding.mechanisms), (inducer, thinner)


def test_every_pgp_inhibitor_with_every_pgp_blood_thinner_warns_of_bleeding(snap, pair):
    for inhibitor, thinner in pairs(having(snap, "pgp_inhibitor"), having(snap, "pgp_substrate")):
        finding = pair(inhibitor, thinner)
        assert at_least(finding, "moderate"), (inhibitor, thinner)
        assert "bleeding" in finding.mechanisms, (inhibitor, thinner)
        assert "911" in finding.emergency, (inhibitor, thinner)


@pytest.mark.parametrize(
    ("a", "b", "severity"),
    [
        ("edoxaban", "rifampin", "major"),  # Savaysa label: avoid rifampin
        ("dabigatran", "rifampin", "major"),  # Pradaxa label: avoid P-gp inducers
        ("dabigatran", "carbamazepine", "major"),
        ("dabigatran", "phenytoin", "major"),
        ("dabigatran", "phenobarbital", "major"),
        ("apixaban", "st-johns-wort", "major"),  # Eliquis label: combined P-gp/CYP3A4 inducers
        ("rivaroxaban", "rifampin", "major"),
        ("dabigatran", "ketoconazole", "moderate"),  # Pradaxa label: dose change with weak kidneys
        ("dabigatran", "itraconazole", "moderate"),
        ("edoxaban", "erythromycin", "moderate"),  # Savaysa label: 30 mg for DVT/PE
        ("apixaban", "erythromycin", "moderate"),
        ("rivaroxaban", "erythromycin", "moderate"),  # Xarelto label: avoid with weak kidneys
        ("apixaban", "ketoconazole", "major"),  # Eliquis label: halve the dose or avoid
    ],
)
def test_named_blood_thinner_pairs(pair, a, b, severity):
    finding = pair(a, b)
    assert finding is not None, f"{a} with {b} is silent"
    assert finding.severity == severity, (a, b, finding.severity, finding.rule_ids)


# --------------------------------------------------------------------------- CYP3A4 by label


def test_every_label_level_with_a_moderate_inhibitor_is_kept(snap, pair):
    moderate = having(snap, "cyp3a4_inhibitor", "moderate")
    assert moderate, "no moderate CYP3A4 inhibitor"
    for substrate in having(snap, "cyp3a4_with_moderate"):
        wanted = snap.ingredients[substrate].value("cyp3a4_with_moderate")
        for inhibitor in moderate:
            finding = pair(inhibitor, substrate)
            assert at_least(finding, wanted), (inhibitor, substrate, finding and finding.severity)
            assert "cyp3a4-inhibition" in finding.mechanisms


def test_every_label_level_with_a_strong_inhibitor_is_kept(snap, pair):
    strong = having(snap, "cyp3a4_inhibitor", "strong")
    for substrate in having(snap, "cyp3a4_with_strong"):
        wanted = snap.ingredients[substrate].value("cyp3a4_with_strong")
        for inhibitor in strong:
            if inhibitor == substrate:
                continue
            finding = pair(inhibitor, substrate)
            assert at_least(finding, wanted), (inhibitor, substrate, finding and finding.severity)


def test_every_cyp3a4_inhibitor_with_a_cyp3a4_blood_thinner_warns_of_bleeding(snap, pair):
    thinners = [
        s
        for s in having(snap, "cyp3a4_substrate")
        if "anticoagulant" in snap.ingredients[s].classes
    ]
    assert "warfarin" in thinners
    for inhibitor, thinner in pairs(having(snap, "cyp3a4_inhibitor"), thinners):
        finding = pair(inhibitor, thinner)
        assert at_least(finding, "moderate"), (inhibitor, thinner, finding and finding.severity)
        assert "bleeding" in finding.mechanisms, (inhibitor, thinner)


@pytest.mark.parametrize(
    ("a", "b", "severity"),
    [
        ("lemborexant", "erythromycin", "major"),  # Dayvigo label: avoid moderate inhibitors
        ("lemborexant", "fluvoxamine", "major"),
        ("lemborexant", "clarithromycin", "major"),
        ("suvorexant", "erythromycin", "moderate"),  # Belsomra label: 5 mg with moderate ones
        ("daridorexant", "fluvoxamine", "moderate"),  # Quviviq label: at most 25 mg
        ("suvorexant", "clarithromycin", "major"),
        ("triazolam", "clarithromycin", "contraindicated"),
        ("warfarin", "erythromycin", "moderate"),  # was "Low risk"
        ("warfarin", "st-johns-wort", "moderate"),  # warfarin label: INR can drop
        ("eletriptan", "clarithromycin", "major"),  # Relpax label: not within 72 hours
        ("buspirone", "erythromycin", "moderate"),  # buspirone label: low dose
        (
            "carbamazepine",
            "erythromycin",
            "moderate",
        ),  # carbamazepine label: adjust or check levels
        ("carbamazepine", "fluvoxamine", "moderate"),
    ],
)
def test_named_cyp3a4_pairs(pair, a, b, severity):
    finding = pair(a, b)
    assert finding is not None and finding.severity == severity, (
        a,
        b,
        finding and finding.severity,
    )


# --------------------------------------------------------------------------- enzyme inducers


def test_every_inducer_lowers_every_medicine_that_loses_effect(snap, pair):
    inducers, victims = having(snap, "cyp3a4_inducer"), having(snap, "lowered_by_inducers")
    for inducer, victim in pairs(inducers, victims):
        finding = pair(inducer, victim)
        assert at_least(finding, "moderate"), (inducer, victim, finding and finding.severity)
        assert {"enzyme-induction", "cyp3a4-induction"} & set(finding.mechanisms), (inducer, victim)
        if {"antidepressant", "anticonvulsant"} & snap.ingredients[victim].classes:
            assert "enzyme-induction" in finding.mechanisms, (inducer, victim, finding.mechanisms)
            assert any(w in finding.emergency for w in ACTION_WORDS), (inducer, victim)


def test_an_antidepressant_that_may_stop_working_points_to_988(snap, pair):
    for inducer, victim in pairs(
        having(snap, "cyp3a4_inducer"), having(snap, "lowered_by_inducers")
    ):
        if "antidepressant" in snap.ingredients[victim].classes:
            finding = pair(inducer, victim)
            assert "988" in finding.emergency, (inducer, victim)


def test_every_inducer_with_a_cyp3a4_opioid_warns_of_overdose_when_it_stops(snap, pair):
    opioids = [
        s for s in having(snap, "cyp3a4_substrate") if "opioid" in snap.ingredients[s].classes
    ]
    assert {"methadone", "oxycodone", "fentanyl"} <= set(opioids)
    for inducer, opioid in pairs(having(snap, "cyp3a4_inducer"), opioids):
        finding = pair(inducer, opioid)
        assert at_least(finding, "moderate"), (inducer, opioid)
        assert "opioid-withdrawal" in finding.mechanisms
        assert "911" in finding.emergency and "naloxone" in finding.emergency.lower(), (
            inducer,
            opioid,
        )
        assert "stopped" in finding.emergency, (inducer, opioid)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("sertraline", "carbamazepine"), ("sertraline", "phenytoin"),
        ("sertraline", "phenobarbital"), ("sertraline", "rifampin"),
        ("phenobarbital", "st-johns-wort"), ("phenytoin", "st-johns-wort"),
        ("methadone", "rifampin"), ("oxycodone", "carbamazepine"), ("fentanyl", "rifampin"),
        ("vortioxetine", "carbamazepine"), ("zaleplon", "rifampin"), ("ramelteon", "carbamazepine"),
    ],
)  # fmt: skip
def test_named_inducer_pairs_are_never_silent_or_low(pair, a, b):
    assert at_least(pair(a, b), "moderate"), (a, b)


# --------------------------------------------------------------------------- CYP2D6 prodrugs


def test_every_medicine_that_raises_seizure_medicine_levels_is_flagged(snap, pair):
    raisers = having(snap, "raises_anticonvulsants")
    assert "fluoxetine" in raisers
    for raiser, victim in pairs(raisers, ["phenytoin", "carbamazepine"]):
        finding = pair(raiser, victim)
        assert at_least(finding, "moderate"), (raiser, victim)
        assert "anticonvulsant-levels" in finding.mechanisms and "911" in finding.emergency


def test_every_moderate_cyp2d6_inhibitor_with_every_prodrug_is_use_with_care(snap, pair):
    moderate, prodrugs = (
        having(snap, "cyp2d6_inhibitor", "moderate"),
        having(snap, "cyp2d6_prodrug"),
    )
    assert {"duloxetine", "sertraline"} <= set(moderate)
    assert {"codeine", "hydrocodone", "tramadol"} <= set(prodrugs)
    for inhibitor, prodrug in pairs(moderate, prodrugs):
        finding = pair(inhibitor, prodrug)
        assert at_least(finding, "moderate"), (inhibitor, prodrug, finding and finding.severity)
        assert "cyp2d6-inhibition" in finding.mechanisms


# --------------------------------------------------------------------------- label pairs


def test_lithium_with_every_neurotoxic_partner(snap, pair):
    partners = set(having(snap, "lithium_neurotoxic")) | set(with_class(snap, "antipsychotic"))
    assert {"carbamazepine", "quetiapine"} <= partners
    for partner in sorted(partners):
        finding = pair("lithium", partner)
        assert at_least(finding, "moderate"), partner
        assert "lithium-neurotoxicity" in finding.mechanisms, partner
        assert "911" in finding.emergency


def test_clonidine_with_every_tricyclic(snap, pair):
    tricyclics = with_class(snap, "tricyclic")
    assert len(tricyclics) >= 5
    for tricyclic in tricyclics:
        finding = pair("clonidine", tricyclic)
        assert at_least(finding, "moderate"), tricyclic
        assert "reduced-effect" in finding.mechanisms and "cns-depression" in finding.mechanisms


def test_alcohol_with_every_disulfiram_like_medicine(snap, pair):
    for slug in having(snap, "disulfiram_like"):
        finding = pair("alcohol", slug)
        assert at_least(finding, "moderate"), slug
        assert "alcohol-reaction" in finding.mechanisms


# --------------------------------------------------------------------------- texts

PK_RULES = (
    "cyp3a4-strong-orexin", "cyp3a4-moderate-orexin-avoid", "cyp3a4-moderate-orexin-dose",
    "cyp3a4-strong-triazolam", "cyp3a4-inducer-opioid", "nefazodone-carbamazepine",
    "inducer-antidepressant", "inducer-anticonvulsant", "pgp-inducer-anticoagulant",
    "pgp-inhibitor-anticoagulant", "cyp3a4-inhibitor-anticoagulant", "cyp2d6-moderate-prodrug",
    "cyp2d6-moderate-tramadol", "lithium-neurotoxicity", "clonidine-tricyclic",
    "alcohol-disulfiram-like", "cyp3a4-strong-label-avoid", "cyp3a4-moderate-label-dose",
    "inducer-anticoagulant", "anticonvulsant-levels-raised",
)  # fmt: skip


def test_every_serious_pharmacokinetic_rule_says_what_to_do_in_an_emergency(snap):
    rules = {rule.id: rule for rule in snap.rules}
    assert set(PK_RULES) <= set(rules)
    for rid in PK_RULES:
        rule = rules[rid]
        if rule.severity in ("major", "contraindicated") or rid in ("cyp3a4-inducer-opioid",):
            assert any(word in rule.texts.emergency for word in ACTION_WORDS), rid


def test_new_rules_say_what_to_do_when_you_already_take_both(snap):
    rules = {rule.id: rule for rule in snap.rules}
    new = ("cyp3a4-moderate-orexin-avoid", "cyp3a4-moderate-orexin-dose", "inducer-antidepressant",
           "inducer-anticonvulsant", "pgp-inducer-anticoagulant", "pgp-inhibitor-anticoagulant",
           "cyp3a4-inhibitor-anticoagulant", "cyp2d6-moderate-prodrug", "lithium-neurotoxicity",
           "clonidine-tricyclic", "cyp3a4-strong-label-avoid", "cyp3a4-moderate-label-dose")  # fmt: skip
    for rid in new:
        steps = " ".join(rules[rid].texts.what_to_do).lower()
        assert "already take both" in steps and "do not stop" in steps, rid
        assert "stop now" not in steps and "stop taking" not in steps, rid


PK_MECHANISMS = {
    "cyp2d6-inhibition", "cyp3a4-inhibition", "cyp3a4-induction", "pgp-inhibition", "pgp-induction",
    "enzyme-induction", "lithium-levels", "lithium-neurotoxicity", "bleeding", "reduced-effect",
    "anticonvulsant-levels",
}  # fmt: skip


def test_every_moderate_or_worse_pharmacokinetic_rule_speaks_to_people_already_on_both(snap):
    """CLINICAL.md, "Many people already take both": never read as "stop now"."""
    for rule in snap.rules:
        if rule.severity == "minor" or not PK_MECHANISMS & set(rule.mechanisms):
            continue
        if any(
            ("slug", frozenset({"alcohol"})) in sel.conditions for sel in rule.side_a + rule.side_b
        ):
            continue  # alcohol is not a prescribed medicine: the advice is about drinking
        steps = " ".join(rule.texts.what_to_do).lower()
        assert "already take both" in steps or "told to take both" in steps, rule.id


def test_no_pair_finding_shows_an_unfilled_placeholder(snap):
    """'The problem {b} treats comes back' once reached patients as written."""
    from medicines import engine

    table = engine.pair_table(snap)
    for finding in list(table.current.values()) + list(table.stopped.values()):
        texts = [
            finding.title,
            finding.summary,
            finding.emergency,
            *finding.what_to_do,
            *finding.warning_signs,
        ]
        assert not any("{" in text or "}" in text for text in texts), (finding.rule_ids, texts)


# --------------------------------------------------------------------------- the API


def _api(client, drugs):
    response = client.get("/api/v1/interactions", {"drugs": drugs})
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content.decode("utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("drugs", "ingredients", "severity", "mechanism"),
    [
        ("edoxaban, rifampin", ["edoxaban", "rifampin"], "major", "pgp-induction"),
        ("Savaysa, Rifadin", ["edoxaban", "rifampin"], "major", "pgp-induction"),
        ("Pradaxa, Tegretol", ["carbamazepine", "dabigatran"], "major", "pgp-induction"),
        ("dabigatran, itraconazole", ["dabigatran", "itraconazole"], "moderate", "pgp-inhibition"),
        ("Eliquis, Ery-Tab", ["apixaban", "erythromycin"], "moderate", "bleeding"),
        ("Dayvigo, erythromycin", ["erythromycin", "lemborexant"], "major", "cyp3a4-inhibition"),
        ("warfarin, erythromycin", ["erythromycin", "warfarin"], "moderate", "bleeding"),
        ("Zoloft, Tegretol", ["carbamazepine", "sertraline"], "moderate", "enzyme-induction"),
        (
            "Dilantin, St John's wort",
            ["phenytoin", "st-johns-wort"],
            "moderate",
            "enzyme-induction",
        ),
        ("methadone, rifampin", ["methadone", "rifampin"], "moderate", "cyp3a4-induction"),
        (
            "lithium, carbamazepine",
            ["carbamazepine", "lithium"],
            "moderate",
            "lithium-neurotoxicity",
        ),
        ("Catapres, amitriptyline", ["amitriptyline", "clonidine"], "moderate", "reduced-effect"),
        ("codeine, duloxetine", ["codeine", "duloxetine"], "moderate", "cyp2d6-inhibition"),
        ("alcohol, ketoconazole", ["alcohol", "ketoconazole"], "moderate", "alcohol-reaction"),
    ],
)
def test_named_examples_through_the_api(client, drugs, ingredients, severity, mechanism):
    data = _api(client, drugs)
    found = [f for f in data["findings"] if sorted(f["ingredients"]) == ingredients]
    assert found, f"{drugs}: no finding ({[f['ingredients'] for f in data['findings']]})"
    [finding] = found
    assert RANK[finding["severity"]] >= RANK[severity], (drugs, finding["severity"])
    assert mechanism in finding["mechanisms"], (drugs, finding["mechanisms"])
    assert finding["what_to_do"] and finding["warning_signs"] and finding["references"]
    assert data["highest_severity"] != "minor"
