"""Each mechanism in CLINICAL.md produces the right finding for a pair of ingredients."""

import pytest

SEVERITY_RANK = {"minor": 1, "moderate": 2, "major": 3, "contraindicated": 4}


@pytest.mark.parametrize(
    ("a", "b", "severity", "mechanism"),
    [
        # serotonin toxicity
        ("phenelzine", "sertraline", "contraindicated", "serotonin-toxicity"),
        ("moclobemide", "venlafaxine", "contraindicated", "serotonin-toxicity"),
        ("linezolid", "sertraline", "contraindicated", "serotonin-toxicity"),
        ("methylene-blue", "duloxetine", "contraindicated", "serotonin-toxicity"),
        ("phenelzine", "dextromethorphan", "contraindicated", "serotonin-toxicity"),
        ("phenelzine", "meperidine", "contraindicated", "serotonin-toxicity"),
        ("rasagiline", "sertraline", "major", "serotonin-toxicity"),
        ("rasagiline", "tramadol", "contraindicated", "serotonin-toxicity"),
        ("selegiline", "meperidine", "contraindicated", "serotonin-toxicity"),
        ("selegiline", "dextromethorphan", "contraindicated", "serotonin-toxicity"),
        ("rasagiline", "methadone", "contraindicated", "serotonin-toxicity"),
        ("safinamide", "tapentadol", "contraindicated", "serotonin-toxicity"),
        ("safinamide", "duloxetine", "contraindicated", "serotonin-toxicity"),
        ("phenelzine", "lithium", "major", "serotonin-toxicity"),
        ("phenelzine", "amitriptyline", "contraindicated", "serotonin-toxicity"),
        ("phenelzine", "mirtazapine", "contraindicated", "serotonin-toxicity"),
        ("phenelzine", "sumatriptan", "contraindicated", "serotonin-toxicity"),
        ("phenelzine", "eletriptan", "major", "serotonin-toxicity"),
        ("phenelzine", "tranylcypromine", "contraindicated", "serotonin-toxicity"),
        ("sertraline", "tramadol", "major", "serotonin-toxicity"),
        ("fluoxetine", "duloxetine", "major", "serotonin-toxicity"),
        ("sertraline", "trazodone", "moderate", "serotonin-toxicity"),
        ("sertraline", "fentanyl", "moderate", "serotonin-toxicity"),
        ("sumatriptan", "ondansetron", "minor", "serotonin-toxicity"),
        # hypertensive crisis
        ("phenelzine", "pseudoephedrine", "contraindicated", "hypertensive-crisis"),
        ("tranylcypromine", "amphetamine", "contraindicated", "hypertensive-crisis"),
        ("selegiline", "methylphenidate", "contraindicated", "hypertensive-crisis"),
        ("phenelzine", "bupropion", "contraindicated", "hypertensive-crisis"),
        ("phenelzine", "carbamazepine", "contraindicated", "hypertensive-crisis"),
        # breathing / sedation
        ("oxycodone", "alprazolam", "major", "cns-depression"),
        ("heroin", "diazepam", "major", "cns-depression"),
        ("buprenorphine", "clonazepam", "major", "cns-depression"),
        ("oxycodone", "gabapentin", "major", "cns-depression"),
        ("morphine", "pregabalin", "major", "cns-depression"),
        ("oxycodone", "alcohol", "major", "cns-depression"),
        ("oxycodone", "morphine", "major", "cns-depression"),
        ("oxycodone", "mirtazapine", "moderate", "cns-depression"),
        ("hydrocodone", "diphenhydramine", "moderate", "cns-depression"),
        ("zolpidem", "alprazolam", "major", "cns-depression"),
        ("zolpidem", "alcohol", "major", "cns-depression"),
        ("zolpidem", "trazodone", "moderate", "cns-depression"),
        ("trazodone", "diphenhydramine", "minor", "cns-depression"),
        # seizures
        ("bupropion", "tramadol", "major", "seizure-threshold"),
        ("tramadol", "sertraline", "major", "seizure-threshold"),  # tramadol label: SSRIs
        ("bupropion", "sertraline", "moderate", "seizure-threshold"),
        # QT
        ("methadone", "citalopram", "major", "qt-prolongation"),
        ("methadone", "ondansetron", "major", "qt-prolongation"),
        ("methadone", "hydroxyzine", "moderate", "qt-prolongation"),
        (
            "hydroxyzine",
            "quetiapine",
            "moderate",
            "qt-prolongation",
        ),  # MHRA 2015: hydroxyzine with any QT drug
        ("quetiapine", "promethazine", "minor", "qt-prolongation"),  # two possible QT drugs
        # CYP2D6
        ("fluoxetine", "codeine", "moderate", "cyp2d6-inhibition"),
        ("paroxetine", "tramadol", "major", "cyp2d6-inhibition"),  # worst of the pair: serotonin
        ("paroxetine", "hydrocodone", "moderate", "cyp2d6-inhibition"),
        (
            "sertraline",
            "codeine",
            "moderate",
            "cyp2d6-inhibition",
        ),  # moderate CYP2D6 inhibitor: use with care
        ("bupropion", "dextromethorphan", "moderate", "cyp2d6-inhibition"),
        # CYP3A4
        ("clarithromycin", "fentanyl", "major", "cyp3a4-inhibition"),
        ("ketoconazole", "oxycodone", "major", "cyp3a4-inhibition"),
        ("fluvoxamine", "methadone", "major", "cyp3a4-inhibition"),  # serotonin makes it major
        ("erythromycin", "oxycodone", "moderate", "cyp3a4-inhibition"),
        ("ketoconazole", "alprazolam", "contraindicated", "cyp3a4-inhibition"),
        ("clarithromycin", "triazolam", "contraindicated", "cyp3a4-inhibition"),
        ("clarithromycin", "suvorexant", "major", "cyp3a4-inhibition"),
        ("carbamazepine", "methadone", "moderate", "cyp3a4-induction"),
        ("st-johns-wort", "oxycodone", "moderate", "cyp3a4-induction"),
        ("rifampin", "buprenorphine", "moderate", "cyp3a4-induction"),
        # CYP1A2 (labels)
        ("fluvoxamine", "tizanidine", "contraindicated", "cns-depression"),
        ("fluvoxamine", "ramelteon", "contraindicated", "cns-depression"),
        # opioid antagonists
        ("naltrexone", "oxycodone", "contraindicated", "opioid-blockade"),
        ("naltrexone", "buprenorphine", "contraindicated", "opioid-blockade"),
        ("naltrexone", "heroin", "contraindicated", "opioid-withdrawal"),
        ("low-dose-naltrexone", "oxycodone", "major", "opioid-blockade"),
        ("low-dose-naltrexone", "tramadol", "major", "opioid-blockade"),
        ("naltrexone", "loperamide", "minor", "opioid-blockade"),
        ("buprenorphine", "oxycodone", "major", "opioid-withdrawal"),  # breathing makes it major
        # bleeding
        ("sertraline", "ibuprofen", "moderate", "bleeding"),
        ("sertraline", "aspirin", "moderate", "bleeding"),
        ("venlafaxine", "warfarin", "moderate", "bleeding"),
        ("ibuprofen", "warfarin", "major", "bleeding"),
        ("clopidogrel", "apixaban", "major", "bleeding"),
        ("ibuprofen", "naproxen", "moderate", "bleeding"),
        ("warfarin", "apixaban", "major", "bleeding"),
        # lithium, liver
        ("lithium", "ibuprofen", "moderate", "lithium-levels"),
        ("lithium", "naproxen", "moderate", "lithium-levels"),
        ("acetaminophen", "alcohol", "moderate", "liver-damage"),
        # duplicate therapy
        ("sertraline", "fluoxetine", "major", "duplicate-therapy"),
        ("alprazolam", "lorazepam", "major", "duplicate-therapy"),
        ("sumatriptan", "rizatriptan", "contraindicated", "duplicate-therapy"),
        # KB-PD (issue 9, 16): stimulants with opioids, stimulant stacking
        ("fentanyl", "cocaine", "major", "cns-depression"),
        ("heroin", "cocaine", "major", "cns-depression"),
        ("heroin", "methamphetamine", "major", "cns-depression"),
        ("oxycodone", "amphetamine", "major", "cns-depression"),
        ("kratom", "methylphenidate", "major", "cns-depression"),
        ("cocaine", "methamphetamine", "moderate", "stimulant-stacking"),
        ("amphetamine", "methylphenidate", "moderate", "stimulant-stacking"),
        ("bupropion", "pseudoephedrine", "moderate", "stimulant-stacking"),
        ("methylphenidate", "phenylephrine", "moderate", "stimulant-stacking"),
        ("pseudoephedrine", "phenylephrine", "moderate", "stimulant-stacking"),
        ("bupropion", "methylphenidate", "moderate", "seizure-threshold"),
        # bupropion's seizure partners (bupropion label)
        ("bupropion", "quetiapine", "moderate", "seizure-threshold"),
        ("bupropion", "prochlorperazine", "moderate", "seizure-threshold"),
        ("bupropion", "mirtazapine", "moderate", "seizure-threshold"),
        ("bupropion", "cocaine", "moderate", "seizure-threshold"),
        # dopamine blockers (Reglan label; rasagiline/safinamide labels)
        ("metoclopramide", "quetiapine", "major", "dopamine-blockade"),
        ("metoclopramide", "prochlorperazine", "major", "dopamine-blockade"),
        ("metoclopramide", "promethazine", "major", "dopamine-blockade"),
        ("metoclopramide", "amoxapine", "major", "dopamine-blockade"),
        ("quetiapine", "selegiline", "moderate", "dopamine-blockade"),
        ("quetiapine", "rasagiline", "moderate", "dopamine-blockade"),
        ("prochlorperazine", "safinamide", "moderate", "dopamine-blockade"),
        # QT partners
        ("promethazine", "methadone", "moderate", "qt-prolongation"),
        ("promethazine", "ondansetron", "moderate", "qt-prolongation"),
        # over-call corrected: a 5-HT3 blocker with an MAO-B inhibitor is not serious
        ("rasagiline", "ondansetron", "moderate", "serotonin-toxicity"),
        ("selegiline", "granisetron", "moderate", "serotonin-toxicity"),
        ("safinamide", "ondansetron", "moderate", "serotonin-toxicity"),
        # alcohol with dextromethorphan (ANSM: avoid; NIAAA)
        ("alcohol", "dextromethorphan", "moderate", "cns-depression"),
        # TripSit walk (docs/KB_REVIEW.md)
        ("alcohol", "cocaine", "moderate", "stimulant-stacking"),
        ("oxycodone", "ketamine", "major", "cns-depression"),
        ("heroin", "ketamine", "major", "cns-depression"),
        ("tramadol", "ketamine", "major", "cns-depression"),
    ],
)
def test_pair_finding(pair, a, b, severity, mechanism):
    finding = pair(a, b)
    assert finding is not None, f"{a} + {b}: no finding"
    assert finding.severity == severity
    assert mechanism in finding.mechanisms
    assert finding == pair(b, a)  # order does not matter


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("oxycodone", "acetaminophen"),
        ("naloxone", "sertraline"),
        ("naltrexone", "sertraline"),
        ("acetaminophen", "sertraline"),
        ("low-dose-naltrexone", "sertraline"),
        ("nalmefene", "sertraline"),
        ("naloxone", "oxycodone"),  # emergency reversal is never a reason to hold back help
        ("naloxone", "buprenorphine"),
        ("naltrexone", "dextromethorphan"),  # not an opioid in this model
        ("acetaminophen", "ibuprofen"),
        # Moved to test_label_class_warnings_are_low_risk_not_silent (issue 9, CLINICAL.md
        # rewrite): SSRI + any opioid, SSRI + zolpidem are now "Low risk", never silent.
        ("guaifenesin", "sertraline"),
    ],
)
def test_pairs_with_no_finding(pair, a, b):
    finding = pair(a, b)
    assert finding is None, f"{a} + {b}: {finding.severity} {finding.title}"


def test_naloxone_and_nalmefene_never_produce_a_finding(snap, pair):
    for other in snap.ingredients:
        assert pair("naloxone", other) is None
        assert pair("nalmefene", other) is None


def test_several_rules_on_one_pair_make_one_finding(findings):
    result = findings(["sertraline"], ["tramadol"])
    assert len(result) == 1
    finding = result[0]
    assert finding.ingredients == ("sertraline", "tramadol")
    assert finding.severity == "major"
    assert finding.mechanisms[:2] == ("serotonin-toxicity", "seizure-threshold")
    assert finding.mechanisms == ("serotonin-toxicity", "seizure-threshold", "cyp2d6-inhibition")
    assert finding.title == "Serotonin syndrome, seizure risk and weaker pain relief"
    assert finding.summary.startswith("Sertraline and tramadol both raise serotonin")
    assert "seizures" in finding.summary
    assert len(finding.references) == len({r.url for r in finding.references})
    assert len(finding.warning_signs) == len(set(finding.warning_signs))
    assert len(finding.rule_ids) == 3


def test_an_override_replaces_the_general_rule_it_refines(pair):
    finding = pair("rasagiline", "tramadol")
    assert finding.severity == "contraindicated"
    assert "serotonin-maob-strong" not in finding.rule_ids
    assert "serotonin-maob-contraindicated" in finding.rule_ids
    # the general text is not repeated next to the specific one
    assert finding.summary.count("serotonin syndrome") == 1


def test_low_dose_naltrexone_has_its_own_texts(pair):
    full = pair("naltrexone", "oxycodone")
    low = pair("low-dose-naltrexone", "oxycodone")
    assert "LDN" in low.summary and "LDN" not in full.summary
    assert low.summary != full.summary
    assert low.what_to_do != full.what_to_do
    assert "pause LDN" in " ".join(low.what_to_do)


def test_every_finding_is_worst_first_and_names_its_ingredients(findings):
    result = findings(["phenelzine"], ["sertraline"], ["ibuprofen"], ["oxycodone"])
    ranks = [SEVERITY_RANK[f.severity] for f in result]
    assert ranks == sorted(ranks, reverse=True)
    assert result[0].severity == "contraindicated"
    for finding in result:
        assert finding.ingredients
        assert finding.references


def test_ingredients_of_one_product_are_not_paired_with_each_other(findings):
    # Auvelity-like: bupropion with dextromethorphan in one product is made that way.
    assert findings(["bupropion", "dextromethorphan"]) == []
    # ...but the same pair from two medicines is a finding.
    assert findings(["bupropion"], ["dextromethorphan"])


@pytest.mark.parametrize(
    ("a", "b", "mechanism", "title"),
    [
        ("oxycodone", "sertraline", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("morphine", "sertraline", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("hydromorphone", "fluoxetine", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("buprenorphine", "sertraline", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("heroin", "sertraline", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("hydrocodone", "escitalopram", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("codeine", "venlafaxine", "serotonin-toxicity", "Serotonin warning on opioid labels"),
        ("zolpidem", "sertraline", "cns-depression", "More zolpidem in the blood"),
        ("zolpidem", "escitalopram", "cns-depression", "Extra drowsiness"),
        ("alprazolam", "sertraline", "cns-depression", "Extra drowsiness"),
        ("gabapentin", "duloxetine", "cns-depression", "Extra drowsiness"),
        ("alcohol", "fluoxetine", "cns-depression", "Extra drowsiness with alcohol"),
    ],
)
def test_label_class_warnings_are_low_risk_not_silent(pair, a, b, mechanism, title):
    # Issue 9 example 4 and CLINICAL.md: at least "Low risk", saying why.
    finding = pair(a, b)
    assert finding is not None, f"{a} + {b}: silent"
    assert finding.severity == "minor"
    assert mechanism in finding.mechanisms
    assert finding.title == title


def test_the_opioid_label_warning_says_why_the_risk_is_lower(pair):
    finding = pair("oxycodone", "sertraline")
    assert "not one of the opioids known to raise serotonin" in finding.summary
    assert "2016" in finding.summary
    assert finding.warning_signs and "911" in finding.emergency
    assert {"fda-opioids-serotonin-2016", "gillman-2005"} <= {r.id for r in finding.references}


def test_higher_rules_still_win_over_the_opioid_label_warning(pair):
    assert pair("sertraline", "tramadol").severity == "major"
    assert pair("sertraline", "methadone").severity == "major"
    assert pair("sertraline", "fentanyl").severity == "moderate"
    assert "serotonin-opioid-label" not in pair("sertraline", "fentanyl").rule_ids
    assert pair("fluvoxamine", "oxycodone").severity in ("moderate", "major")


def test_the_mao_b_over_call_is_no_longer_serious(pair):
    for maob in ("selegiline", "rasagiline", "safinamide"):
        for blocker in ("ondansetron", "granisetron"):
            finding = pair(maob, blocker)
            assert finding.severity == "moderate", (maob, blocker, finding.severity)
            assert "serotonin-maoi-weak" not in finding.rule_ids
    # the nonselective MAOIs keep the stronger answer
    assert pair("phenelzine", "ondansetron").severity == "major"


def test_street_advice_meets_people_where_they_are(pair):
    finding = pair("heroin", "cocaine")
    steps = " ".join(finding.what_to_do)
    for words in ("Never use alone", "naloxone", "fentanyl test strips", "small amount"):
        assert words in steps, words
    assert "wears off" in finding.summary
    assert "911" in finding.emergency and "naloxone" in finding.emergency
    prescribed = pair("oxycodone", "amphetamine")
    assert "doctor" in " ".join(prescribed.what_to_do)
    assert "test strips" not in " ".join(prescribed.what_to_do)


def test_metoclopramide_with_a_dopamine_blocker_never_says_stop_now(pair):
    finding = pair("metoclopramide", "quetiapine")
    assert "do not stop on your own" in " ".join(finding.what_to_do)
    assert "911" in finding.emergency
