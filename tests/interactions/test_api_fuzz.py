"""Property-based fuzzing of the API: whatever is sent, the answer is JSON and never a 5xx."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = "application/json; charset=utf-8"

# The API reads the published guides (for links to findings) from the database.
pytestmark = pytest.mark.django_db

names = st.one_of(
    st.sampled_from(
        [
            "Zoloft",
            "ultram 50mg",
            "Percocet",
            "LDN",
            "sertaline",
            "Tylenol #3",
            "metformin",
            "naloxone",
            "alcohol",
            "St. John's Wort",
            "x" * 100,
            "",
        ]
    ),
    st.text(min_size=0, max_size=120),
)
name_lists = st.lists(names, min_size=0, max_size=30).map(lambda items: ",".join(items))
raw_query = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
    max_size=200,
)


def assert_json(response, allowed=(200, 400)):
    assert response.status_code in allowed, (response.status_code, response.content[:200])
    assert response["Content-Type"] == JSON
    data = json.loads(response.content.decode("utf-8"))
    if response.status_code == 400:
        assert set(data["error"]) == {"code", "message"}
        assert data["error"]["code"] in {"empty", "too_many_drugs", "name_too_long", "bad_request"}
    return data


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(drugs=name_lists, stopped=name_lists)
def test_interactions_never_fails(client, drugs, stopped):
    url = f"/api/v1/interactions?drugs={quote(drugs)}&recently_stopped={quote(stopped)}"
    data = assert_json(client.get(url))
    if "findings" in data:
        assert data["highest_severity"] in {"contraindicated", "major", "moderate", "minor", "none"}
        for finding in data["findings"]:
            assert finding["references"]


@FUZZ
@given(query=raw_query)
def test_raw_query_strings_never_fail(client, query):
    response = client.get("/api/v1/interactions?" + quote(query, safe="=&%,"))
    assert_json(response)


@FUZZ
@given(raw=st.binary(max_size=60))
def test_invalid_percent_encoding_never_fails(client, raw):
    encoded = "".join(f"%{byte:02X}" for byte in raw)
    assert_json(client.get(f"/api/v1/interactions?drugs={encoded}"))
    assert_json(client.get(f"/api/v1/drugs?q={encoded}"))


@FUZZ
@given(q=st.text(max_size=120))
def test_autocomplete_never_fails(client, q):
    data = assert_json(client.get(f"/api/v1/drugs?q={quote(q)}"))
    if "results" in data:
        assert len(data["results"]) <= 10


@FUZZ
@given(path=st.text(alphabet="abcdefghijklmnopqrstuvwxyz/._-", max_size=30))
def test_unknown_paths_are_json(client, path):
    response = client.get(f"/api/v1/{path}")
    assert_json(response, allowed=(200, 400, 404))
