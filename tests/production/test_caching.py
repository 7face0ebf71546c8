"""The shared page cache (web.http.public_page), conditional GET and Cache-Control."""

import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article


def queries_for(client, path, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    return response, len(captured)


@override_settings(COUNTER_BATCH=20)
def test_guide_page_is_served_from_the_cache(client, make_guide):
    guide = make_guide(title="Cached guide")
    first, first_queries = queries_for(client, guide.get_absolute_url())
    second, second_queries = queries_for(client, guide.get_absolute_url())
    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content


@pytest.mark.parametrize("path", ["/", "/articles/", "/tags/", "/drugs/", "/drugs/sertraline/"])
@override_settings(COUNTER_BATCH=20)
def test_public_pages_are_cached(client, library, path):
    first, _ = queries_for(client, path)
    second, queries = queries_for(client, path)
    assert first.status_code == 200, path
    assert queries == 0, path
    assert second.content == first.content


def test_topic_and_tag_pages_are_cached(client, make_guide):
    guide = make_guide(tags=["opioids"])
    for path in (guide.category.get_absolute_url(), "/tags/opioids/"):
        client.get(path)
        _, queries = queries_for(client, path)
        assert queries == 0, path


def test_checker_search_and_api_are_never_cached(client, library, log_lines):
    paths = [
        "/check/?drugs=Zoloft,Ultram",
        "/search/?q=tramadol",
        "/api/v1/interactions?drugs=Zoloft,Ultram",
    ]
    for path in paths * 2:
        assert client.get(path).status_code == 200, path
    requests = [json.loads(line) for line in log_lines() if '"message": "request"' in line]
    assert len(requests) == 6
    assert all("cache" not in entry for entry in requests)


def test_editing_a_guide_shows_at_once(client, make_guide):
    guide = make_guide(title="Before the edit")
    assert b"Before the edit" in client.get(guide.get_absolute_url()).content
    guide.title = "After the edit"
    guide.save()
    assert b"After the edit" in client.get(guide.get_absolute_url()).content
    assert b"After the edit" in client.get("/").content


def test_unpublishing_removes_a_cached_guide(client, make_guide):
    guide = make_guide()
    assert client.get(guide.get_absolute_url()).status_code == 200
    guide.status = Article.Status.DRAFT
    guide.save()
    assert client.get(guide.get_absolute_url()).status_code == 404


def page_entries() -> int:
    cache = caches["pages"]
    if hasattr(
        cache._cache, "get_client"
    ):  # Redis (.ci/postgres.sh): pages have their own database
        return cache._cache.get_client().dbsize()
    return len(cache._cache)  # local memory


def test_unknown_query_parameters_never_reach_the_cache(client, library):
    first = client.get("/drugs/")
    entries = page_entries()
    for n in range(20):
        response, queries = queries_for(client, f"/drugs/?v={n}&utm=%ff%00")
        assert response.status_code == 200 and queries == 0
        assert response.content == first.content
    assert page_entries() == entries  # ?v=N made no new entry


def test_a_page_s_own_parameters_are_cached_apart(client, make_guide):
    for _ in range(12):
        make_guide()
    page1 = client.get("/tags/opioids/").content
    page2 = client.get("/tags/opioids/?page=2").content
    assert page1 != page2
    assert client.get("/tags/opioids/?page=2&x=1").content == page2
    by_class = client.get("/drugs/?by=class").content
    assert by_class != client.get("/drugs/").content


def test_a_forged_host_never_poisons_a_cached_page(client, make_guide):
    make_guide(title="Feed entry")
    for path in ("/feed/", "/sitemap.xml"):
        forged = client.get(path, HTTP_HOST="localhost:6666", HTTP_X_FORWARDED_PROTO="https")
        assert forged.status_code == 200
        for _ in range(2):
            honest = client.get(path)
            assert b"localhost:6666" not in honest.content, path
            assert b"http://testserver/" in honest.content, path


def test_htmx_partials_and_full_pages_are_cached_apart(client, library):
    full = client.get("/drugs/sertraline/")
    partial = client.get("/drugs/sertraline/", HTTP_HX_REQUEST="true")
    again = client.get("/drugs/sertraline/")
    assert again.content == full.content
    assert client.get("/drugs/sertraline/", HTTP_HX_REQUEST="true").content == partial.content


def test_gzip_and_plain_are_cached_apart(client, make_guide):
    guide = make_guide()
    plain = client.get(guide.get_absolute_url())
    zipped = client.get(guide.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get(guide.get_absolute_url()).headers
    assert plain.content.startswith(b"<!doctype html>")


def test_pages_are_stored_compressed_and_gzip_refused_is_respected(client, make_guide):
    url = make_guide().get_absolute_url()
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    entries = page_entries()
    for header in ("gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8, *;q=0.1", "GZIP"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=header)
        assert response.headers["Content-Encoding"] == "gzip", header
    for header in ("gzip;q=0", "gzip; q=0.000", "identity", "", "deflate, br"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=header)
        assert "Content-Encoding" not in response.headers, header
        assert response.content.startswith(b"<!doctype html>"), header
    # One compressed and one plain copy, whatever the header said: the plain one is new.
    assert page_entries() == entries + 1


@override_settings(COUNTER_BATCH=20)
def test_conditional_get_on_guides(client, make_guide):
    guide = make_guide()
    url = guide.get_absolute_url()
    first = client.get(url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    for headers in (
        {"HTTP_IF_NONE_MATCH": first.headers["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": first.headers["Last-Modified"]},
    ):
        response, queries = queries_for(client, url, **headers)
        assert response.status_code == 304
        assert response.content == b""
        assert queries == 0
    # A changed guide is not "not modified".
    guide.title = "Changed"
    guide.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 200


def test_cache_control(client, library):
    for path in (
        "/",
        "/articles/",
        "/drugs/sertraline/",
        Article.objects.published().first().get_absolute_url(),
    ):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(path)
            assert response.headers["Cache-Control"].startswith("public, max-age="), path
    for path in (
        "/check/",
        "/check/?drugs=Zoloft,Ultram",
        "/api/v1/interactions?drugs=Zoloft,Ultram",
        "/api/v1/interactions",
        "/api/v1/drugs?q=zol",
        "/api/v1/no-such-thing",
        "/api/v1/",
        "/search/?q=tramadol",
    ):
        response = client.get(path)
        assert "no-store" in response.headers["Cache-Control"], path
        assert "private" in response.headers["Cache-Control"], path
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers, path


@override_settings(PUBLIC_PAGE_MAX_AGE=900)
def test_browsers_and_cdns_keep_public_pages_for_their_own_max_age(client, make_guide):
    guide = make_guide()
    for _ in range(2):  # rendered, then from the server's cache (which keeps it 300 s)
        response = client.get(guide.get_absolute_url())
        assert response.headers["Cache-Control"] == "public, max-age=900"


def test_reads_still_count_when_served_from_the_cache(client, make_guide):
    guide = make_guide()
    for _ in range(3):
        client.get(guide.get_absolute_url())
    guide.refresh_from_db()
    assert guide.views == 3


@override_settings(COUNTER_BATCH=5)
def test_reads_are_written_in_batches(client, make_guide):
    guide = make_guide()
    for expected_after in (0, 0, 0, 0, 5, 5, 5, 5, 5, 10):
        client.get(guide.get_absolute_url())
        guide.refresh_from_db()
        assert guide.views == expected_after


def test_changing_content_clears_cached_pages(client, make_guide):
    guide = make_guide()
    client.get(guide.get_absolute_url())
    assert page_entries() > 0
    make_guide()
    assert page_entries() == 0


def test_private_answers_are_no_store_even_when_redirected(client, db, settings):
    # The trailing-slash redirect still carries the medicine list in its Location.
    response = client.get("/check?drugs=Zoloft,Ultram")
    assert response.status_code == 301 and "drugs=Zoloft" in response.headers["Location"]
    assert response.headers["Cache-Control"] == "private, no-store"
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/check/?drugs=Zoloft,Ultram")  # a new client reads the setting
    assert response.status_code == 301
    assert response.headers["Cache-Control"] == "private, no-store"
    response = client.get("/articles/")  # a public page's redirect is not marked
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_error_answers_of_private_views_are_no_store(client, db):
    for method in ("post", "put", "delete"):
        for path in ("/check/?drugs=Zoloft", "/api/v1/interactions?drugs=Zoloft"):
            response = getattr(client, method)(path)
            assert response.status_code >= 400, (method, path)
            assert response.headers["Cache-Control"] == "private, no-store", (method, path)


SITE = "https://beforeyoumix.example.org"
NAMESPACE = re.compile(r"http://www\.(w3|sitemaps)\.org/")


@pytest.fixture
def production_site(settings):
    """Production's view of addresses: SITE_URL set, behind a trusted proxy that sends
    X-Forwarded-Proto, and more than one host name allowed (so a forged Host gets through)."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["beforeyoumix.example.org", "localhost", "testserver"]
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_absolute_urls_come_from_site_url_whatever_the_request_says(
    client, make_guide, production_site
):
    guide = make_guide(title="Feed entry")
    forged = {"HTTP_HOST": "localhost:6666", "HTTP_X_FORWARDED_PROTO": "http"}
    for path in ("/feed/", "/sitemap.xml", "/robots.txt", guide.get_absolute_url()):
        body = client.get(path, **forged).content.decode()
        urls = [u for u in re.findall(r"https?://[^\"'<>\s]+", body) if not NAMESPACE.match(u)]
        own = [u for u in urls if u.startswith(SITE + "/")]
        assert own and not any(u.startswith("http://") for u in urls), (path, urls)
        assert "localhost" not in body and "testserver" not in body, path
    html = client.get(guide.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{SITE}{guide.get_absolute_url()}">' in html


def test_a_forged_host_or_scheme_never_changes_a_cached_page_for_others(
    client, make_guide, production_site
):
    make_guide(title="Feed entry")
    for path in ("/feed/", "/sitemap.xml"):
        forged = client.get(path, HTTP_HOST="localhost:6666", HTTP_X_FORWARDED_PROTO="http")
        entries = page_entries()
        honest = client.get(
            path, HTTP_HOST="beforeyoumix.example.org", HTTP_X_FORWARDED_PROTO="https"
        )
        assert honest.content == forged.content, path
        # The key depends on no header the page does not vary on: no new entry.
        assert page_entries() == entries, path
        assert f"{SITE}/".encode() in honest.content and b"localhost" not in honest.content


def test_canonical_links_keep_only_a_public_page_s_own_parameters(client, make_guide):
    for _ in range(12):
        make_guide()
    html = client.get("/tags/opioids/?page=2&utm_source=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/tags/opioids/?page=2">' in html
    html = client.get("/check/?drugs=Zoloft,Ultram").content.decode()
    assert '<link rel="canonical" href="http://testserver/check/">' in html  # never the list


TIERED = {
    alias: {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"tiered-{alias}",
        "TIMEOUT": timeout,
    }
    for alias, timeout in (("default", 300), ("pages", 300), ("pages_local", 10))
}


@override_settings(CACHES=TIERED, COUNTER_BATCH=20)
def test_with_a_local_tier_a_hit_needs_no_shared_cache_and_edits_show_at_once(client, make_guide):
    guide = make_guide(title="Tiered guide")
    first = client.get(guide.get_absolute_url())
    assert caches["pages"]._cache and caches["pages_local"]._cache  # stored in both
    # The shared copy is gone (another server cleared it, or Redis evicted it): this process
    # still answers from its own copy, without the database.
    caches["pages"]._cache.clear()
    again, queries = queries_for(client, guide.get_absolute_url())
    assert queries == 0 and again.content == first.content
    # An edit clears both tiers here: the new title shows at once.
    Article.objects.filter(pk=guide.pk).update(title="Renamed guide")
    Article.objects.get(pk=guide.pk).save()
    assert "Renamed guide" in client.get(guide.get_absolute_url()).content.decode()


@override_settings(CACHES=TIERED, COUNTER_BATCH=20)
def test_the_local_tier_keeps_a_copy_of_a_page_the_shared_cache_answered(client, make_guide):
    guide = make_guide(title="Tiered guide")
    first = client.get(guide.get_absolute_url())
    # This process's copy expired (10 s), the shared one did not: the next request is
    # answered from the shared cache, and the local tier keeps that answer again.
    caches["pages_local"].clear()
    client.get(guide.get_absolute_url())
    assert caches["pages_local"]._cache  # stored again
    # So the request after needs neither the shared cache nor the database.
    caches["pages"].clear()
    again, queries = queries_for(client, guide.get_absolute_url())
    assert queries == 0 and again.content == first.content
