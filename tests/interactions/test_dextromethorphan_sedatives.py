"""Dextromethorphan (DM) with medicines that make people sleepy (docs/KB_REVIEW.md).

Before: "Xanax, Robitussin DM", "Ambien, dextromethorphan" and "Lyrica, dxm" read "no
interaction", although ANSM lists DM with sedatives and opioids and the partners' labels
warn of additive effects ("silence is a claim"). The floors loop over every ingredient with
the property, so a new benzodiazepine or sleep medicine is held to them too.
"""

import pytest

from tests.interactions.floors import assert_floor, members

DM = ["dextromethorphan"]


def _depressants(snap, level):
    return members(snap, lambda i: i.properties.get("cns_depressant") == {level})


def test_dm_with_a_strong_depressant_is_at_least_use_with_caution(snap, pair):
    strong = _depressants(snap, "strong")
    assert {"alprazolam", "zolpidem", "pregabalin", "oxycodone", "heroin"} <= set(strong)
    assert_floor(pair, DM, strong, "moderate", "cns-depression")


def test_dm_with_a_moderate_depressant_is_never_silent(snap, pair):
    moderate = _depressants(snap, "moderate")
    assert {"diphenhydramine", "quetiapine", "mirtazapine", "trazodone"} <= set(moderate)
    assert_floor(pair, DM, moderate, "minor", "cns-depression")


def test_alcohol_and_oxybate_keep_their_own_rules(pair):
    assert pair("alcohol", "dextromethorphan").rule_ids == ("alcohol-dextromethorphan",)
    for oxybate in ("sodium-oxybate", "ghb"):
        finding = pair(oxybate, "dextromethorphan")
        assert finding.severity == "contraindicated"
        assert not {r for r in finding.rule_ids if r.startswith("dextromethorphan-")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("drugs", "severity"),
    [
        ("Xanax, Robitussin DM", "moderate"),
        ("ambien and delsym", "moderate"),
        ("lyrica + dxm", "moderate"),
        ("heroin and dxm", "moderate"),
        ("NyQuil Cold & Flu, Klonopin", "moderate"),
        ("benadryl, dextromethorphan", "minor"),
    ],
)
def test_patient_lists_through_the_api(drugs, severity, api):
    data = api(drugs)
    assert data["unresolved"] == [], data["unresolved"]
    assert data["highest_severity"] == severity, (drugs, data["findings"][:1])
    assert "cns-depression" in data["findings"][0]["mechanisms"]


@pytest.mark.django_db
def test_one_product_with_dm_and_a_sleep_aid_is_not_paired_with_itself(api):
    data = api("NyQuil Cold & Flu")
    assert data["findings"] == []
