"""Safety floors over whole classes of ingredients (issue 9, Build 5).

Each test loops over EVERY ingredient carrying a property or class, not a hand-picked list,
so a new medicine with the property is checked too. A label class warning is never silent,
an opioid with a stimulant is never below "Serious", and the corrected over-calls stay
corrected. The issue's examples are checked through the engine and through the JSON API.
"""

import pytest

from tests.interactions.floors import assert_floor, members


def ssris_and_snris(snap):
    return members(snap, lambda i: i.classes & {"ssri", "snri"})


def opioids(snap):
    return members(
        snap,
        lambda i: (
            "opioid" in i.classes
            and i.properties.get("opioid", set()) & {"agonist", "partial-agonist"}
        ),
    )


def stimulants(snap):
    return members(snap, lambda i: "stimulant" in i.classes)


def test_the_classes_are_not_empty(snap):
    assert len(ssris_and_snris(snap)) >= 10
    assert len(opioids(snap)) >= 15
    assert len(stimulants(snap)) >= 6


def test_every_ssri_or_snri_with_every_opioid_gives_a_finding(snap, pair):
    # FDA Drug Safety Communication, March 2016: every opioid label warns about serotonin
    # syndrome with serotonergic drugs.
    assert_floor(pair, ssris_and_snris(snap), opioids(snap), "minor", "serotonin-toxicity")


def test_every_ssri_or_snri_with_every_cns_depressant_gives_a_finding(snap, pair):
    # SSRI and SNRI labels: care with other drugs that act on the brain, and alcohol.
    depressants = members(snap, lambda i: i.has("cns_depressant"))
    assert "alcohol" in depressants and "zolpidem" in depressants
    assert_floor(pair, ssris_and_snris(snap), depressants, "minor")
    # Opioids carry the opioid label warning (above); every other depressant says why.
    others = [d for d in depressants if "opioid" not in snap.ingredients[d].classes]
    assert_floor(pair, ssris_and_snris(snap), others, "minor", "cns-depression")


def test_an_opioid_with_a_stimulant_is_never_below_serious(snap, pair):
    assert_floor(pair, opioids(snap), stimulants(snap), "major", "cns-depression")


def test_a_street_opioid_with_any_stimulant_gets_harm_reduction_advice(snap, pair):
    street = members(snap, lambda i: "recreational" in i.classes and i.has("opioid")) + ["kratom"]
    street_stimulants = members(
        snap, lambda i: "recreational" in i.classes and i.has("sympathomimetic")
    )
    for x in opioids(snap):
        for y in stimulants(snap):
            if x in street or y in street_stimulants:
                finding = pair(x, y)
                assert (
                    "Never use alone. Make sure someone with you can call for help."
                    in finding.what_to_do
                ), (x, y)
                assert "naloxone" in finding.emergency, (x, y)


def test_two_sympathomimetics_are_at_least_use_with_caution(snap, pair):
    sympathomimetics = members(
        snap, lambda i: i.has("sympathomimetic") and not i.has("mao_inhibitor")
    )
    assert {"bupropion", "pseudoephedrine", "phenylephrine", "methylphenidate", "cocaine"} <= set(
        sympathomimetics
    )
    assert_floor(pair, sympathomimetics, sympathomimetics, "moderate", "stimulant-stacking")


def test_bupropion_with_every_label_seizure_partner(snap, pair):
    partners = members(
        snap,
        lambda i: (
            i.classes & {"antidepressant", "antipsychotic", "stimulant"} and "maoi" not in i.classes
        ),
    )
    assert_floor(pair, ["bupropion"], partners, "moderate", "seizure-threshold")


def test_metoclopramide_with_every_dopamine_blocker_is_serious(snap, pair):
    blockers = members(snap, lambda i: i.has("dopamine_blocker"))
    assert {"quetiapine", "prochlorperazine", "promethazine", "amoxapine"} <= set(blockers)
    assert_floor(pair, ["metoclopramide"], blockers, "major", "dopamine-blockade")


def test_every_dopamine_blocker_with_every_dopamine_drug_gives_a_finding(snap, pair):
    blockers = members(snap, lambda i: i.has("dopamine_blocker"))
    raisers = members(snap, lambda i: i.has("dopaminergic"))
    assert {"selegiline", "rasagiline", "safinamide"} <= set(raisers)
    assert_floor(pair, blockers, raisers, "moderate", "dopamine-blockade")


def test_every_two_qt_medicines_give_a_finding(snap, pair):
    qt = members(snap, lambda i: i.has("qt_risk"))
    assert "promethazine" in qt
    assert_floor(pair, qt, qt, "minor", "qt-prolongation")


def test_hydroxyzine_with_every_qt_medicine_is_at_least_use_with_caution(snap, pair):
    """MHRA 2015: hydroxyzine is not to be taken with other QT-prolonging medicines (the
    ANSM thesaurus contraindicates them); cocaine counts (O'Leary & Hancox 2010)."""
    qt = members(snap, lambda i: i.has("qt_risk"))
    assert "cocaine" in qt
    assert_floor(pair, ["hydroxyzine"], qt, "moderate", "qt-prolongation")


def test_a_5ht3_blocker_with_an_mao_b_inhibitor_is_never_serious(snap, pair):
    maob = members(snap, lambda i: "selective-b" in i.properties.get("mao_inhibitor", ()))
    blockers = members(snap, lambda i: i.has("five_ht3_blocker"))
    assert maob and blockers
    for x in maob:
        for y in blockers:
            assert pair(x, y).severity == "moderate", (x, y)


# --------------------------------------------------------------------------- the issue's examples

EXAMPLES = [
    ("zoloft, percocet", "minor", "Serotonin warning on opioid labels"),
    ("lexapro, hydrocodone", "minor", "Serotonin warning on opioid labels"),
    ("prozac, morphine", "minor", "Serotonin warning on opioid labels"),
    ("fentanyl, cocaine", "major", "Opioid with a stimulant (speedball)"),
    ("heroin, cocaine", "major", "Opioid with a stimulant (speedball)"),
    ("heroin, methamphetamine", "major", "Opioid with a stimulant (speedball)"),
    ("zoloft, ambien", "minor", "More zolpidem in the blood"),
    ("sertraline, alprazolam", "minor", "Extra drowsiness"),
    ("sertraline, gabapentin", "minor", "Extra drowsiness"),
    ("sertraline, alcohol", "minor", "Extra drowsiness with alcohol"),
    ("metoclopramide, quetiapine", "major", "Movement problems"),
    ("quetiapine, selegiline", "moderate", "Medicines that work against each other"),
    ("selegiline, ondansetron", "moderate", "Serotonin syndrome"),
    ("rasagiline, granisetron", "moderate", "Serotonin syndrome"),
    ("alcohol, dextromethorphan", "moderate", "Extra drowsiness and dizziness"),
    ("bupropion, quetiapine", "moderate", "Seizure risk"),
    ("bupropion, pseudoephedrine", "moderate", "Strain on the heart"),
    ("methylphenidate, phenylephrine", "moderate", "Strain on the heart"),
]


@pytest.mark.parametrize(("drugs", "severity", "title"), EXAMPLES)
def test_the_issue_examples_through_the_engine(resolver, findings, drugs, severity, title):
    medicines = []
    for name in drugs.split(", "):
        resolved = resolver.resolve(name)
        medicines.append(list(resolved.ingredients))
    result = findings(*medicines)
    assert result, drugs
    assert result[0].severity == severity, (drugs, result[0].severity, result[0].title)
    assert result[0].title.startswith(title), (drugs, result[0].title)


@pytest.mark.django_db
@pytest.mark.parametrize(("drugs", "severity", "title"), EXAMPLES)
def test_the_issue_examples_through_the_api(drugs, severity, title, api):
    data = api(drugs)
    assert data["highest_severity"] == severity, (drugs, data["findings"][:1])
    assert data["findings"][0]["title"].startswith(title)
    assert all(f["references"] for f in data["findings"])


@pytest.mark.django_db
def test_an_maoi_always_shows_the_food_note_in_the_api_and_the_page(api, checker_page):
    data = api("nardil")
    [note] = data["advice"]
    assert note["id"] == "maoi-food" and note["ingredients"] == ["phenelzine"]
    assert (
        "aged cheese" in note["text"] and note["url"] == "/articles/maois-strictest-interactions/"
    )
    assert note["references"]
    data = api("zoloft, oxycodone")
    assert data["advice"] == []
    page = checker_page("parnate, zoloft")
    assert 'data-advice="maoi-food"' in page and "aged cheese" in page
    assert "/articles/maois-strictest-interactions/" in page


@pytest.mark.django_db
@pytest.mark.parametrize("stopped", ["fentanyl", "heroin", "methadone", "oxycodone"])
def test_buprenorphine_soon_after_a_full_opioid_warns_of_sudden_withdrawal(api, stopped):
    # "Suboxone" now with fentanyl in the stopped field read "no interaction found".
    data = api("Suboxone", recently_stopped=stopped)
    assert data["highest_severity"] == "moderate"
    [finding] = data["findings"]
    assert (
        finding["rules"] == ["buprenorphine-after-opioids"] and "withdrawal" in finding["summary"]
    )
