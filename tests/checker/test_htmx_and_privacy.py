"""htmx gets only the #results partial; nothing about the medicines leaks (cookies, logs)."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/check/"}


def check(client, query, **headers):
    return client.get(reverse("interactions:check") + query, headers=headers)


def vary(response):
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


def test_htmx_request_gets_only_the_results_partial(client):
    response = check(client, "?drugs=Zoloft,Ultram", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert html.rstrip().endswith("</section>")
    assert "<html" not in html and "<h1" not in html and "<form" not in html
    assert "Serotonin syndrome" in html
    assert "hx-request" in vary(response)


def test_htmx_pushes_the_tidy_shareable_url(client):
    response = check(client, "?drugs=Zoloft%2C+Ultram&recently_stopped=Nardil", **HTMX)
    assert response.headers["HX-Push-Url"] == "/check/?drugs=Zoloft,Ultram&recently_stopped=Nardil"


def test_full_page_also_varies_on_hx_request(client):
    for query in ("", "?drugs=Zoloft,Ultram", "?drugs="):
        response = check(client, query)
        assert "<html" in response.content.decode()
        assert "hx-request" in vary(response)


def test_htmx_error_is_shown_in_the_partial(client):
    response = check(client, "?drugs=", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "Enter at least one medicine name." in html
    assert "HX-Push-Url" not in response.headers


def test_htmx_empty_form_gets_the_start_state(client):
    html = check(client, "", **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "How it works" in html


def test_history_restore_gets_the_whole_page(client):
    # hx-history="false" keeps results out of localStorage; going back re-fetches the page.
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = check(client, "?drugs=Zoloft,Ultram", **headers)
    html = response.content.decode()
    assert "<html" in html and "<h1" in html
    assert "hx-history-restore-request" in vary(response)


def test_checker_page_opts_out_of_the_htmx_history_cache(client):
    assert 'hx-history="false"' in check(client, "?drugs=Zoloft,Ultram").content.decode()


def test_the_form_is_wired_for_htmx_only_on_the_checker(client):
    html = check(client, "").content.decode()
    assert 'hx-get="/check/" hx-target="#results" hx-swap="outerHTML" hx-push-url="true"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/check/",
        "/check/?drugs=Zoloft,Ultram",
        "/check/?drugs=",
        "/check/?drugs=xyzzy",
        "/drugs/",
        "/drugs/sertraline/",
        "/",
    ],
)
def test_no_cookie_for_anonymous_visitors(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    htmx = client.get(path, headers=HTMX)
    assert not htmx.cookies


def test_no_csrf_token_in_the_forms(client):
    for path in ("/check/", "/drugs/sertraline/", "/"):
        assert "csrfmiddlewaretoken" not in client.get(path).content.decode()


def test_referrer_policy_keeps_result_urls_on_this_site(client):
    response = check(client, "?drugs=Zoloft,Ultram")
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_outbound_source_links_send_no_referrer(client):
    html = check(client, "?drugs=Zoloft,Ultram").content.decode()
    for link in html.split('href="https://')[1:]:
        assert 'rel="noopener noreferrer"' in link.split(">")[0]


def test_medicine_names_are_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    names = ["Zoloft", "Ultram", "qqqzoloft", "Nardil", "sertraline", "tramadol"]
    check(client, "?drugs=Zoloft,Ultram,qqqzoloft&recently_stopped=Nardil")
    check(client, "?drugs=Zoloft,Ultram", **HTMX)
    check(client, "?drugs=" + "Zoloft," * 30)
    client.get("/drugs/sertraline/")
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    logged += " ".join(str(getattr(r, "__dict__", "")) for r in caplog.records)
    for name in names:
        assert name.lower() not in logged.lower(), name
