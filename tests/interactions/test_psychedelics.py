"""LSD and psilocybin (docs/KB_REVIEW.md). Before: "lsd and lithium" and "shrooms, lithium"
were not recognised, so only lithium was checked; lithium with a psychedelic has been linked
to seizures (Nayak 2021)."""

import pytest


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("LSD", "lsd"), ("acid", "lsd"), ("shrooms", "psilocybin"),
     ("magic mushrooms", "psilocybin"), ("psilocybin", "psilocybin")],
)  # fmt: skip
def test_street_names_are_read(resolver, typed, slug):
    assert resolver.resolve(typed).ingredients == (slug,)


@pytest.mark.parametrize("psychedelic", ["lsd", "psilocybin"])
def test_lithium_with_a_psychedelic_is_serious_for_seizures(pair, psychedelic):
    finding = pair("lithium", psychedelic)
    assert finding.severity == "major"
    assert "seizure-threshold" in finding.mechanisms
    assert "nayak-2021-lithium-psychedelics" in {r.id for r in finding.references}


@pytest.mark.django_db
@pytest.mark.parametrize("drugs", ["lsd and lithium", "shrooms, lithium carbonate"])
def test_patient_lists_through_the_api_and_the_page(drugs, api, checker_page):
    data = api(drugs)
    assert data["unresolved"] == [] and data["highest_severity"] == "major"
    page = checker_page(drugs)
    assert "Seizures" in page and "never use alone" in page.lower()
