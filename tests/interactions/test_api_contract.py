"""The JSON API, field by field, as ../shared/contracts/checker-api.md describes it."""

import json

import pytest

from interactions.api import DrugsOut, ErrorOut, InteractionsOut

JSON = "application/json; charset=utf-8"

# The API reads the published guides (for links to findings) from the database.
pytestmark = pytest.mark.django_db
SEVERITIES = {"contraindicated", "major", "moderate", "minor"}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == JSON
    return json.loads(response.content.decode("utf-8"))


@pytest.fixture
def api(client, library):
    """A client with the real guides imported, so findings link to them."""
    return client


def test_zoloft_with_ultram(api):
    data = get_json(api, "/api/v1/interactions?drugs=Zoloft,Ultram")
    InteractionsOut.model_validate(data)
    assert [r["name"] for r in data["resolved"]] == ["Zoloft", "Ultram"]
    assert data["resolved"][0] == {
        "query": "Zoloft",
        "name": "Zoloft",
        "kind": "brand",
        "ingredients": [{"slug": "sertraline", "name": "sertraline"}],
        "recently_stopped": False,
        "match": "exact",
    }
    assert data["unresolved"] == []
    assert data["highest_severity"] == "major"
    [finding] = data["findings"]
    assert finding["ingredients"] == ["sertraline", "tramadol"]
    assert finding["severity"] == "major"
    assert finding["mechanisms"][:2] == ["serotonin-toxicity", "seizure-threshold"]
    assert finding["title"] == "Serotonin syndrome, seizure risk and weaker pain relief"
    for field in ("summary", "what_to_do", "title"):
        assert isinstance(finding[field], str) and finding[field]
    assert finding["warning_signs"] and all(isinstance(s, str) for s in finding["warning_signs"])
    assert finding["references"] and all(
        r["url"].startswith("https://") and r["title"] for r in finding["references"]
    )
    assert finding["articles"], "a finding links to at least one guide"
    assert all(a["url"].startswith("/articles/") and a["title"] for a in finding["articles"])
    assert "/articles/tramadol-and-antidepressants/" in [a["url"] for a in finding["articles"]]
    assert data["coverage_note"].startswith("We check medicines for mood, pain and sleep")
    assert "Not covered yet" in data["coverage_note"]


def test_percocet_with_tylenol_is_the_acetaminophen_duplicate(api):
    data = get_json(api, "/api/v1/interactions?drugs=Percocet,Tylenol")
    assert data["resolved"][0]["kind"] == "combination"
    assert [i["slug"] for i in data["resolved"][0]["ingredients"]] == ["oxycodone", "acetaminophen"]
    [finding] = data["findings"]
    assert finding["ingredients"] == ["acetaminophen"]
    assert finding["kind"] == "duplicate-ingredient"
    assert finding["severity"] == "major"
    assert "duplicate-ingredient" in finding["mechanisms"]
    assert finding["medicines"] == ["Percocet", "Tylenol"]
    assert finding["articles"]


def test_nardil_with_dextromethorphan_is_contraindicated(api):
    data = get_json(api, "/api/v1/interactions?drugs=Nardil,dextromethorphan")
    assert data["highest_severity"] == "contraindicated"
    assert data["findings"][0]["severity"] == "contraindicated"
    assert data["findings"][0]["severity_label"] == "Do not take together"


def test_no_finding_says_so_without_calling_it_safe(api):
    data = get_json(api, "/api/v1/interactions?drugs=oxycodone,acetaminophen")
    assert data["findings"] == []
    assert data["highest_severity"] == "none"
    assert data["message"] == (
        "No interaction between these medicines is listed in our database. "
        "That does not mean none exists — ask your pharmacist."
    )
    assert "safe" not in json.dumps(data).lower()


def test_unresolved_names_are_not_errors(api):
    data = get_json(api, "/api/v1/interactions?drugs=xyzzy,sertaline,metformin")
    InteractionsOut.model_validate(data)
    assert [r["name"] for r in data["resolved"]] == ["sertraline"]
    unknown, not_covered = data["unresolved"]
    assert unknown == {
        "query": "xyzzy",
        "suggestions": [],
        "reason": "unknown",
        "recently_stopped": False,
    }
    assert not_covered["reason"] == "not_covered"
    assert not_covered["note"].startswith("We recognise metformin but do not check it yet.")


def test_recently_stopped(api):
    data = get_json(api, "/api/v1/interactions?drugs=Nardil&recently_stopped=Prozac")
    InteractionsOut.model_validate(data)
    assert data["resolved"][1]["recently_stopped"] is True
    [finding] = data["findings"]
    assert finding["severity"] == "contraindicated"
    assert finding["recently_stopped"] == ["fluoxetine"]
    assert "You stopped fluoxetine recently" in finding["summary"]


def test_cumulative_finding_names_every_contributor(api):
    data = get_json(api, "/api/v1/interactions?drugs=oxycodone,Xanax,gabapentin")
    cumulative = [f for f in data["findings"] if f["kind"] == "cumulative"]
    assert len(cumulative) == 1
    assert sorted(cumulative[0]["ingredients"]) == ["alprazolam", "gabapentin", "oxycodone"]


def test_repeated_parameters_are_joined(api):
    data = get_json(api, "/api/v1/interactions?drugs=Zoloft&drugs=Ultram")
    assert data["highest_severity"] == "major"


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("", "empty", "Enter at least one medicine name."),
        ("?drugs=", "empty", "Enter at least one medicine name."),
        ("?drugs=,,%20,", "empty", "Enter at least one medicine name."),
        ("?recently_stopped=Prozac", "empty", "Enter at least one medicine name."),
        (
            "?drugs=" + ",".join(f"drug{i}" for i in range(26)),
            "too_many_drugs",
            "Enter at most 25 medicines.",
        ),
        ("?drugs=a&recently_stopped=" + ",".join("b" * 26), "too_many_drugs", None),
        (
            "?drugs=" + "x" * 101,
            "name_too_long",
            "Each medicine name must be 100 characters or fewer.",
        ),
        ("?drugs=zoloft%00", "bad_request", None),
        ("?drugs=zoloft%07,ultram", "bad_request", None),
        ("?drugs=%FF%FE", "bad_request", None),
    ],
)
def test_error_codes(client, query, code, message):
    data = get_json(client, f"/api/v1/interactions{query}", status=400)
    ErrorOut.model_validate(data)
    assert set(data) == {"error"}
    assert data["error"]["code"] == code
    assert data["error"]["message"]
    if message:
        assert data["error"]["message"] == message


def test_exactly_25_names_of_100_characters_are_accepted(client):
    names = ",".join(f"{i:03d}" + "x" * 97 for i in range(25))
    data = get_json(client, f"/api/v1/interactions?drugs={names}")
    assert len(data["unresolved"]) == 25


def test_drugs_autocomplete(client):
    data = get_json(client, "/api/v1/drugs?q=zolo")
    DrugsOut.model_validate(data)
    assert data["results"][0] == {
        "name": "Zoloft",
        "kind": "brand",
        "ingredients": [{"slug": "sertraline", "name": "sertraline"}],
        "url": "/drugs/sertraline/",
    }
    assert len(get_json(client, "/api/v1/drugs?q=tyl")["results"]) == 10
    assert get_json(client, "/api/v1/drugs?q=sertaline")["results"][0]["name"] == "sertraline"
    assert get_json(client, "/api/v1/drugs?q=tramadal")["results"][0]["name"] == "tramadol"
    percocet = get_json(client, "/api/v1/drugs?q=Percocet")["results"][0]
    assert percocet["kind"] == "combination" and percocet["url"] == "/drugs/oxycodone/"
    assert get_json(client, "/api/v1/drugs?q=")["results"] == []
    assert get_json(client, "/api/v1/drugs")["results"] == []
    assert (
        get_json(client, "/api/v1/drugs?q=" + "x" * 101, status=400)["error"]["code"]
        == "name_too_long"
    )
    assert get_json(client, "/api/v1/drugs?q=a%00", status=400)["error"]["code"] == "bad_request"


def test_openapi_describes_the_endpoints(client):
    schema = get_json(client, "/api/v1/openapi.json")
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths) >= {"/api/v1/interactions", "/api/v1/drugs"}
    interactions = paths["/api/v1/interactions"]["get"]
    assert {p["name"] for p in interactions["parameters"]} == {"drugs", "recently_stopped"}
    assert {"200", "400"} <= set(interactions["responses"])
    components = schema["components"]["schemas"]
    finding = components["FindingOut"]["properties"]
    for field in (
        "ingredients",
        "severity",
        "title",
        "summary",
        "mechanisms",
        "what_to_do",
        "warning_signs",
        "references",
        "articles",
    ):
        assert field in finding
    assert set(
        components["InteractionsOut"]["properties"]["highest_severity"]["enum"]
    ) == SEVERITIES | {"none"}


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing", "/api/v1/interactions/", "/api/v1/drugs/sertraline"]
)
def test_unknown_api_paths_are_json_404(client, url):
    data = get_json(client, url, status=404)
    assert data["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_json_405(client, method):
    response = getattr(client, method)("/api/v1/interactions?drugs=Zoloft")
    assert response.status_code == 405
    assert response["Content-Type"] == JSON
    assert json.loads(response.content)["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_head_is_answered_like_get_without_a_body(client):
    response = client.head("/api/v1/interactions?drugs=Zoloft,Ultram")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    assert response.content == b""


def test_api_root_lists_the_endpoints(client):
    data = get_json(client, "/api/v1/")
    assert data["endpoints"]["openapi"] == "/api/v1/openapi.json"


def test_every_finding_fits_the_schema_for_a_long_list(api):
    names = (
        "Zoloft,Ultram,Xanax,Percocet,Tylenol,ibuprofen,warfarin,methadone,Celexa,Zofran,"
        "lithium,Nardil,Sudafed,alcohol,gabapentin,LDN,Suboxone,Ambien,trazodone,Wellbutrin"
    )
    data = get_json(api, f"/api/v1/interactions?drugs={names}&recently_stopped=naltrexone,Prozac")
    InteractionsOut.model_validate(data)
    assert len(data["findings"]) > 30
    ranks = ["contraindicated", "major", "moderate", "minor"]
    order = [ranks.index(f["severity"]) for f in data["findings"]]
    assert order == sorted(order)
    for finding in data["findings"]:
        assert finding["references"], finding["title"]
        assert finding["articles"], finding["title"]


def test_every_possible_finding_links_to_a_guide(library, snap):
    """With the real guide library, no pair or stopped-pair finding is left without a guide."""
    from articles.linking import guides_for, published_guide_index
    from medicines import engine

    index = published_guide_index()
    table = engine.pair_table(snap)
    orphans = {
        finding.mechanisms
        for finding in list(table.current.values()) + list(table.stopped.values())
        if not guides_for(list(finding.mechanisms), list(finding.ingredients), index=index)
    }
    assert not orphans, f"findings with no guide to link to: {sorted(orphans)[:5]}"
