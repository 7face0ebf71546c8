"""Hostile input against the whole site: never a 5xx; JSON errors on /api/, friendly pages elsewhere.

The API's own property tests live in tests/interactions/; these go through every page and
method, with the shapes of input that break sites: huge strings, control characters,
invalid UTF-8 percent-encoding, thousands of commas, repeated parameters.
"""

import json
from urllib.parse import quote

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
PAGES = [
    "/",
    "/articles/",
    "/check/",
    "/drugs/",
    "/drugs/sertraline/",
    "/search/",
    "/tags/",
    "/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
]
API = ["/api/v1/interactions", "/api/v1/drugs", "/api/v1/openapi.json"]
FORMS = ["/check/", "/search/", "/api/v1/interactions", "/api/v1/drugs", "/drugs/", "/articles/"]
FIELDS = ["drugs", "recently_stopped", "q", "page"]

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_well_formed(response, path, method="GET"):
    status = response.status_code
    assert status < 500, (method, path, status, response.content[:300])
    if status < 400 or method == "HEAD":
        return
    content_type = response.headers.get("Content-Type", "")
    if path.startswith("/api/"):
        assert content_type.startswith("application/json"), (method, path, content_type)
        error = json.loads(response.content)["error"]
        assert error["code"] and error["message"]
    else:
        assert content_type.startswith("text/html"), (method, path, content_type)
        assert b"<h1" in response.content, (method, path)  # a page a person can read


def call(client, method, path, query=""):
    return client.generic(method, path, QUERY_STRING=query)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_every_page(client, library, method):
    for path in PAGES + API + ["/no-such-page/", "/api/v1/no-such-thing"]:
        response = call(client, method, path, "drugs=Zoloft,Ultram&q=zol")
        assert_well_formed(response, path, method)
        if method not in ("GET", "HEAD") and response.status_code == 405:
            assert "GET" in response.headers.get("Allow", "")


EXTREMES = [
    "drugs=" + "," * 10_000,
    "drugs=" + "Zoloft," * 2_000,
    "drugs=" + "x" * 100_000,
    "&".join(["drugs=Zoloft"] * 500),
    "&".join(f"drugs={n}" for n in range(2_000)),  # more fields than Django accepts
    "drugs=%ff%fe%00%c3%28%e2%82",
    "drugs=%",
    "drugs=%zz%4",
    "drugs=Zol%00oft%0d%0aSet-Cookie:%20x=1",
    "drugs=%e2%80%ae%ef%bb%bf%f0%9f%92%8a",
    "q=" + "%ff" * 3_000,
    "page=-1",
    "page=99999999999999999999999",
    "page=%ff",
    "recently_stopped=" + "," * 10_000,
    "drugs[]=a&drugs[0]=b&drugs.x=c",
    "=&&&==&drugs",
]


@pytest.mark.parametrize("query", EXTREMES, ids=range(len(EXTREMES)))
def test_extreme_inputs_on_every_form(client, library, query):
    for path in FORMS:
        for method in ("GET", "HEAD"):
            assert_well_formed(call(client, method, path, query), path, method)


def test_hostile_paths(client, library):
    for path in [
        "/drugs/%ff/",
        "/drugs/" + "a" * 5_000 + "/",
        "/articles/%00/",
        "/check/%ff",
        "/api/v1/%ff",
        "/%ff%fe",
        "/static/%ff",
        "/drugs/..%2f..%2fetc%2fpasswd/",
        "/topics/" + "é" * 300 + "/",
        "/search/%0a",
    ]:
        assert_well_formed(client.get(path), path)


percent_junk = st.lists(
    st.one_of(
        st.text(max_size=40).map(lambda text: quote(text, safe="")),
        st.binary(max_size=8).map(lambda raw: "".join(f"%{byte:02x}" for byte in raw)),
        st.sampled_from(["%", "%f", "%zz", ",", ",,,,", "&", "=", "+", "%00", "%0a", "%e2%80%ae"]),
    ),
    max_size=12,
).map("".join)


@FUZZ
@given(
    fields=st.lists(st.tuples(st.sampled_from(FIELDS + ["x", ""]), percent_junk), max_size=6),
    path=st.sampled_from(FORMS),
)
def test_fuzzed_query_strings(client, fields, path):
    query = "&".join(f"{name}={value}" for name, value in fields)
    assert_well_formed(client.get(path, QUERY_STRING=query), path)


@FUZZ
@given(
    text=st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
        max_size=300,
    )
)
def test_fuzzed_checker_text(client, text):
    for path in ("/check/", "/api/v1/interactions"):
        query = f"drugs={quote(text)}&recently_stopped={quote(text[::-1])}"
        assert_well_formed(client.get(path, QUERY_STRING=query), path)


@override_settings(RATELIMIT_ENABLED=True, RATELIMITS={"check": "2/m", "api": "2/m"})
def test_rate_limited_answers_are_well_formed_too(client, library):
    for _ in range(3):
        for path in ("/check/", "/api/v1/interactions"):
            assert_well_formed(call(client, "GET", path, "drugs=a," * 100), path)


def test_openapi_schema_with_schemathesis(live_server, library):
    """Schemathesis drives the API from its OpenAPI description: no 5xx, and every answer
    (status, content type, body) is one the description promises."""
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.path for operation in operations} >= {"/api/v1/interactions", "/api/v1/drugs"}
    for operation in operations:

        @settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(checks=checks)

        run()
