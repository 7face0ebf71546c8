"""Ayahuasca and more street names (docs/KB_REVIEW.md). Before: "ayahuasca, zoloft" checked
only Zoloft, and "tina and zoloft", "addy, tramadol" or "beans and prozac" checked one
medicine each."""

import pytest


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("ayahuasca", "ayahuasca"), ("aya", "ayahuasca"), ("tina", "methamphetamine"),
     ("ice", "methamphetamine"), ("beans", "mdma"), ("addy", "amphetamine")],
)  # fmt: skip
def test_names_are_read(resolver, typed, slug):
    assert resolver.resolve(typed).ingredients == (slug,)


@pytest.mark.parametrize("other", ["sertraline", "fluoxetine", "tramadol", "pseudoephedrine"])
def test_ayahuasca_blocks_mao_like_moclobemide(pair, other):
    finding = pair("ayahuasca", other)
    assert finding.severity == "contraindicated"
    assert finding.severity == pair("moclobemide", other).severity


def test_the_ayahuasca_ssri_finding_cites_the_report_on_it_and_no_other_pair_does(pair):
    assert "callaway-grob-1998-ayahuasca-ssri" in {
        r.id for r in pair("ayahuasca", "sertraline").references
    }
    assert "callaway-grob-1998-ayahuasca-ssri" not in {
        r.id for r in pair("phenelzine", "sertraline").references
    }


def test_no_rule_says_a_label_names_ayahuasca(pair):
    # The tramadol seizure rule quotes its label's list (MAOIs); ayahuasca is not on a label.
    finding = pair("ayahuasca", "tramadol")
    assert "label says the risk is higher with ayahuasca" not in finding.summary


@pytest.mark.django_db
@pytest.mark.parametrize("drugs", ["ayahuasca, zoloft", "aya and prozac"])
def test_patient_lists_through_the_api_and_the_page(drugs, api, checker_page):
    data = api(drugs)
    assert data["unresolved"] == [] and data["highest_severity"] == "contraindicated"
    page = checker_page(drugs)
    assert "Serotonin syndrome" in page and "naloxone (Narcan) with you" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["spice", "K2", "poppers"])
def test_recognised_but_not_checked_yet_says_so(name, api):
    [unresolved] = api(f"{name}, sertraline")["unresolved"]
    assert unresolved["reason"] == "not_covered" and unresolved["note"]
