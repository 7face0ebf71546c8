"""Medicines people take outside the US (docs/KB_REVIEW.md). Before: "zopiclone and
co-codamol" checked only co-codamol, "co-dydramol, diazepam" found neither opioid nor
interaction, and "etizolam and heroin" checked only heroin."""

import pytest


@pytest.mark.parametrize(
    ("typed", "slugs"),
    [("zopiclone", {"zopiclone"}), ("Zimovane", {"zopiclone"}), ("Imovane", {"zopiclone"}),
     ("Mogadon", {"nitrazepam"}), ("etizolam", {"etizolam"}), ("dothiepin", {"dosulepin"}),
     ("Prothiaden", {"dosulepin"}), ("DF118", {"dihydrocodeine"}),
     ("DHC Continus", {"dihydrocodeine"}), ("co-dydramol", {"dihydrocodeine", "acetaminophen"}),
     ("Trezix", {"dihydrocodeine", "acetaminophen"}), ("Synalgos-DC", {"dihydrocodeine", "aspirin"}),
     ("Molipaxin", {"trazodone"}), ("Aropax", {"paroxetine"}), ("Endep", {"amitriptyline"}),
     ("Endone", {"oxycodone"}), ("Longtec", {"oxycodone"}), ("Targin", {"oxycodone", "naloxone"}),
     ("Tramacet", {"tramadol", "acetaminophen"}), ("Panadeine Forte", {"codeine", "acetaminophen"}),
     ("Mersyndol", {"acetaminophen", "codeine", "doxylamine"}), ("Yentreve", {"duloxetine"})],
)  # fmt: skip
def test_names_on_boxes_outside_the_us_are_read(resolver, typed, slugs):
    assert set(resolver.resolve(typed).ingredients) == slugs


@pytest.mark.parametrize("sedative", ["zopiclone", "nitrazepam", "etizolam"])
@pytest.mark.parametrize("opioid", ["codeine", "heroin", "dihydrocodeine"])
def test_a_sleeping_pill_or_benzodiazepine_with_an_opioid_is_serious(pair, sedative, opioid):
    finding = pair(sedative, opioid)
    assert finding is not None and finding.severity == "major"
    assert "cns-depression" in finding.mechanisms


def test_dihydrocodeine_is_checked_like_codeine(pair):
    for other in ("fluoxetine", "clarithromycin", "alcohol", "oxycodone", "phenelzine"):
        mine, codeines = pair("dihydrocodeine", other), pair("codeine", other)
        assert mine is not None and mine.severity == codeines.severity, other
        assert mine.mechanisms == codeines.mechanisms, other


def test_dosulepin_is_a_tricyclic_with_an_maoi_and_tramadol(pair):
    assert pair("dosulepin", "phenelzine").severity == "contraindicated"
    assert pair("dosulepin", "tramadol").mechanisms == pair("amitriptyline", "tramadol").mechanisms


def test_zopiclone_levels_change_with_cyp3a4_inhibitors(pair):
    assert pair("zopiclone", "clarithromycin").severity == "moderate"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "drugs",
    ["zopiclone and co-codamol", "co-dydramol, diazepam", "etizolam + heroin",
     "Mogadon, Oramorph", "DHC Continus and Zimovane"],
)  # fmt: skip
def test_patient_lists_through_the_api_and_the_page(drugs, api, checker_page):
    data = api(drugs)
    assert data["unresolved"] == [] and data["highest_severity"] == "major"
    page = checker_page(drugs)
    assert "Slowed breathing" in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["agomelatine", "Valdoxan", "Circadin", "nefopam", "phenibut"])
def test_recognised_but_not_checked_yet_says_so(name, api):
    data = api(f"{name}, sertraline")
    [unresolved] = data["unresolved"]
    assert unresolved["reason"] == "not_covered" and "pharmacist" in unresolved["note"]
