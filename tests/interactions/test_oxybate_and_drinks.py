"""GHB and sodium oxybate, and names as patients type them: drinks, street names, brands of
medicines we do not check yet (docs/KB_REVIEW.md, "Changes made after the review").

Before: "ghb" was not recognised, sodium oxybate was "recognised, not checked",
"Klonopin, vodka" checked one medicine, "oxy and bars" none, and "Abilify" read as a typo. The floors loop over every ingredient of a class, so
a new sleep medicine, barbiturate or opioid is held to the sodium oxybate label too.
"""

import pytest

from tests.interactions.floors import assert_floor, members

OXYBATES = ["sodium-oxybate", "ghb"]


def test_the_same_drug_twice_is_checked_under_both_names(snap):
    for slug in OXYBATES:
        assert snap.ingredients[slug].properties["cns_depressant"] == {"strong"}
    assert "recreational" in snap.ingredients["ghb"].classes  # harm reduction first
    assert "recreational" not in snap.ingredients["sodium-oxybate"].classes


def test_oxybate_with_alcohol_sleep_medicines_barbiturates_or_opioids_is_contraindicated(
    snap, pair
):
    # Sodium oxybate labels (4): contraindicated with sedative hypnotics and alcohol; ANSM:
    # with opioids and barbiturates.
    partners = members(
        snap,
        lambda i: (
            i.slug == "alcohol"
            or i.classes & {"sleep-medicine", "barbiturate"}
            or (
                i.properties.get("opioid", set()) & {"agonist", "partial-agonist"}
                and i.properties.get("cns_depressant") == {"strong"}
            )
        ),
    )
    assert {"alcohol", "zolpidem", "phenobarbital", "oxycodone", "heroin"} <= set(partners)
    assert_floor(pair, OXYBATES, partners, "contraindicated", "cns-depression")


def test_oxybate_with_any_strong_depressant_is_at_least_serious(snap, pair):
    strong = members(snap, lambda i: i.properties.get("cns_depressant") == {"strong"})
    assert "alprazolam" in strong and "pregabalin" in strong
    assert_floor(pair, OXYBATES, strong, "major", "cns-depression")


def test_street_ghb_with_a_stimulant_is_never_silent(snap, pair):
    stimulants = members(snap, lambda i: "stimulant" in i.classes)
    assert "methamphetamine" in stimulants and "mdma" in stimulants
    assert_floor(pair, ["ghb"], stimulants, "moderate", rules=["ghb-stimulant"])


PATIENT_LISTS = [
    # (typed, highest severity, ingredients read)
    ("ghb + alcohol", "contraindicated", {"ghb", "alcohol"}),
    ("liquid ecstasy and beer", "contraindicated", {"ghb", "alcohol"}),
    ("GBL, vodka", "contraindicated", {"ghb", "alcohol"}),
    ("Xyrem and Ambien", "contraindicated", {"sodium-oxybate", "zolpidem"}),
    ("Xywav, oxycodone", "contraindicated", {"sodium-oxybate", "oxycodone"}),
    ("xyrem + robitussin dm", "contraindicated", {"sodium-oxybate", "dextromethorphan"}),
    ("Lumryz + Xanax", "major", {"sodium-oxybate", "alprazolam"}),
    ("GHB and ketamine", "major", {"ghb", "ketamine"}),
    ("ghb and molly", "moderate", {"ghb", "mdma"}),
    ("Klonopin, vodka", "major", {"clonazepam", "alcohol"}),
    ("whiskey and percocet", "major", {"alcohol", "oxycodone", "acetaminophen"}),
    ("xanax, tequila", "major", {"alprazolam", "alcohol"}),
    ("crystal and heroin", "major", {"methamphetamine", "heroin"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("drugs", "severity", "read"), PATIENT_LISTS)
def test_patient_lists_through_the_api(drugs, severity, read, api):
    data = api(drugs)
    assert data["unresolved"] == [], (drugs, data["unresolved"])
    assert {i for f in data["findings"] for i in f["ingredients"]} <= read
    assert data["highest_severity"] == severity, (drugs, data["findings"][:1])
    assert all(f["references"] for f in data["findings"])


@pytest.mark.django_db
def test_the_page_says_do_not_take_together_and_how_to_get_help(checker_page):
    page = checker_page("ghb, alcohol")
    assert "Do not take together" in page
    assert "never use alone" in page
    assert "not found" not in page and "Not checked" not in page


@pytest.mark.django_db
def test_sodium_oxybate_is_no_longer_only_recognised(api):
    data = api("sodium oxybate")
    assert data["unresolved"] == []


@pytest.mark.parametrize(
    ("typed", "name", "ingredients"),
    [
        ("oxy", "oxycodone", ("oxycodone",)),
        ("roxies", "oxycodone", ("oxycodone",)),
        ("fetty", "fentanyl", ("fentanyl",)),
        ("bars", "Xanax", ("alprazolam",)),
        ("xans", "Xanax", ("alprazolam",)),
        ("lean", "Phenergan with Codeine", ("promethazine", "codeine")),
        ("purple drank", "Phenergan with Codeine", ("promethazine", "codeine")),
        ("crystal", "methamphetamine", ("methamphetamine",)),
        ("bourbon", "alcohol", ("alcohol",)),
        ("benadryl allergy", "Benadryl", ("diphenhydramine",)),  # was Benadryl + "allergy"
    ],
)
def test_street_names_and_drinks_are_read(resolver, typed, name, ingredients):
    result = resolver.resolve(typed)
    assert (result.name, tuple(sorted(result.ingredients))) == (name, tuple(sorted(ingredients)))


@pytest.mark.parametrize(
    ("brand", "generic"),
    [("Abilify", "aripiprazole"), ("Lamictal", "lamotrigine"), ("Depakote", "valproate"),
     ("Strattera", "atomoxetine"), ("Cipro", "ciprofloxacin"), ("Diflucan", "fluconazole"),
     ("Pepto-Bismol", "bismuth subsalicylate")],
)  # fmt: skip
def test_brands_of_medicines_not_checked_yet_are_recognised_with_their_note(
    resolver, brand, generic
):
    result = resolver.resolve(brand)
    assert result.reason == "not_covered" and result.name == generic
    assert brand in result.note  # the note names the brand, so the reader knows it was read


@pytest.mark.django_db
def test_a_brand_not_checked_yet_is_never_answered_as_one_medicine_or_as_no_interaction(api):
    data = api("Abilify, Zoloft")
    assert data["findings"] == [] and data["highest_severity"] == "none"
    assert [u["query"] for u in data["unresolved"]] == ["Abilify"]
    assert "not a sign that they mix well" in data["message"]
    assert "at least two" not in data["message"]  # two were entered
    data = api("Zoloft")
    assert data["message"] == "Enter at least two medicines to check how they mix."
