"""Duplicates, cumulative risks across three or more medicines, and recently stopped ones."""

from medicines import engine


def test_same_ingredient_in_two_products_is_a_duplicate(findings):
    result = findings(["oxycodone", "acetaminophen"], ["acetaminophen"])
    assert [f.kind for f in result] == ["duplicate-ingredient"]
    finding = result[0]
    assert finding.ingredients == ("acetaminophen",)
    assert finding.severity == "major"  # acetaminophen's duplicate_severity: liver damage
    assert finding.mechanisms == ("duplicate-ingredient", "liver-damage")
    assert finding.title == "Too much acetaminophen"
    assert "liver" in finding.summary


def test_duplicate_names_the_products(snap):
    medicines = [
        engine.Medicine("Percocet", ("oxycodone", "acetaminophen")),
        engine.Medicine("Tylenol", ("acetaminophen",)),
    ]
    finding = engine.check(snap, medicines)[0]
    assert finding.summary.startswith("Percocet and Tylenol both contain acetaminophen.")
    assert finding.medicines == ("Percocet", "Tylenol")


def test_duplicate_opioid_warns_about_breathing(findings):
    finding = findings(["hydrocodone", "acetaminophen"], ["hydrocodone"])
    kinds = {f.kind: f for f in finding}
    assert kinds["duplicate-ingredient"].ingredients == ("hydrocodone",)
    assert "duplicate-ingredient" in kinds["duplicate-ingredient"].mechanisms


def test_naloxone_twice_is_not_a_duplicate(findings):
    assert findings(["buprenorphine", "naloxone"], ["naloxone"]) == []


def test_default_duplicate_uses_the_ingredients_severity(findings):
    finding = findings(["sertraline"], ["sertraline"])
    assert [(f.kind, f.severity) for f in finding] == [("duplicate-ingredient", "moderate")]


def test_three_serotonergic_medicines_make_a_cumulative_finding(findings):
    result = findings(["sertraline"], ["tramadol"], ["trazodone"])
    cumulative = [f for f in result if f.kind == "cumulative"]
    assert len(cumulative) == 1
    finding = cumulative[0]
    assert finding.ingredients == ("sertraline", "tramadol", "trazodone")
    assert finding.severity == "major"
    assert "serotonin-toxicity" in finding.mechanisms
    assert "sertraline, tramadol and trazodone" in finding.summary


def test_cumulative_severity_is_at_least_the_worst_pair(findings):
    result = findings(["phenelzine"], ["sertraline"], ["ondansetron"])
    cumulative = [
        f for f in result if f.kind == "cumulative" and "serotonin-toxicity" in f.mechanisms
    ]
    assert cumulative[0].severity == "contraindicated"


def test_breathing_load_with_an_opioid_is_major(findings):
    result = findings(["oxycodone"], ["diphenhydramine"], ["cyclobenzaprine"])
    cumulative = [f for f in result if f.kind == "cumulative" and "cns-depression" in f.mechanisms]
    assert len(cumulative) == 1
    assert cumulative[0].severity == "major"
    assert cumulative[0].ingredients == ("cyclobenzaprine", "diphenhydramine", "oxycodone")


def test_three_mild_sedatives_make_a_moderate_cumulative_finding(findings):
    result = findings(["diphenhydramine"], ["trazodone"], ["cyclobenzaprine"])
    cumulative = [f for f in result if f.kind == "cumulative" and "cns-depression" in f.mechanisms]
    assert [f.severity for f in cumulative] == ["moderate"]


def test_qt_and_bleeding_loads(findings):
    qt = findings(["methadone"], ["citalopram"], ["ondansetron"])
    assert any(
        f.kind == "cumulative" and "qt-prolongation" in f.mechanisms and f.severity == "major"
        for f in qt
    )
    bleeding = findings(["sertraline"], ["ibuprofen"], ["warfarin"])
    load = [f for f in bleeding if f.kind == "cumulative" and "bleeding" in f.mechanisms]
    assert load and load[0].severity == "major"
    assert set(load[0].ingredients) == {"sertraline", "ibuprofen", "warfarin"}


def test_two_medicines_never_make_a_cumulative_finding(findings):
    assert not [f for f in findings(["sertraline"], ["tramadol"]) if f.kind == "cumulative"]


def test_one_product_alone_does_not_make_a_cumulative_finding(findings):
    # A cold medicine with three sedating ingredients is one medicine, not three.
    assert not [
        f
        for f in findings(["doxylamine", "diphenhydramine", "chlorpheniramine"])
        if f.kind == "cumulative"
    ]


def test_stopped_medicine_counts_within_its_washout(findings):
    result = findings(["phenelzine"], stopped=[["fluoxetine"]])
    assert len(result) == 1
    finding = result[0]
    assert finding.severity == "contraindicated"
    assert finding.stopped == ("fluoxetine",)
    assert finding.summary.startswith(
        "You stopped fluoxetine recently. It stays in the body for about 5 weeks, so this still "
        "applies if you stopped it less than 5 weeks ago."
    )


def test_stopped_maoi_counts_for_two_weeks(findings):
    finding = findings(["sertraline"], stopped=[["phenelzine"]])[0]
    assert finding.severity == "contraindicated"
    assert "about 2 weeks" in finding.summary


def test_stopped_medicine_without_washout_does_not_count(findings):
    assert findings(["alprazolam"], stopped=[["oxycodone"]]) == []


def test_two_stopped_medicines_never_pair(findings):
    assert findings(["acetaminophen"], stopped=[["phenelzine"], ["fluoxetine"]]) == []


def test_stopped_and_still_taken_is_treated_as_taken(findings):
    assert findings(["sertraline"], ["tramadol"], stopped=[["sertraline"]]) == findings(
        ["sertraline"], ["tramadol"]
    )


def test_stopping_naltrexone_lowers_opioid_tolerance(findings):
    finding = findings(["oxycodone"], stopped=[["naltrexone"]])[0]
    assert finding.severity == "major"
    assert finding.mechanisms == ("lowered-tolerance",)
    assert "overdose" in finding.summary
    assert finding.stopped == ("naltrexone",)


def test_stopping_ldn_gets_its_own_lowered_tolerance_text(findings):
    finding = findings(["morphine"], stopped=[["low-dose-naltrexone"]])[0]
    assert finding.severity == "major"
    assert "lowered-tolerance" in finding.mechanisms
    assert "low-dose naltrexone (LDN)" in finding.summary


def test_switching_between_two_ssris_is_not_duplicate_therapy(findings):
    finding = findings(["sertraline"], stopped=[["fluoxetine"]])[0]
    assert "duplicate-therapy" not in finding.mechanisms
    assert "serotonin-toxicity" in finding.mechanisms


def test_starting_naltrexone_soon_after_an_opioid_warns_of_withdrawal(findings):
    finding = findings(["naltrexone"], stopped=[["methadone"]])[0]
    assert finding.severity == "major"
    assert finding.mechanisms == ("opioid-withdrawal",)
    assert "7 to 10" in finding.summary
    assert findings(["sertraline"], stopped=[["methadone"]]) == []  # no washout otherwise
