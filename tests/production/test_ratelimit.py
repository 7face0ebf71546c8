"""Per-client limits on the checker and the API: 429 with a friendly page or JSON."""

import json

import pytest
from django.test import override_settings

from tests.production.test_faults import redis_cache
from web.ratelimits import client_ip

LIMITED = override_settings(RATELIMIT_ENABLED=True, RATELIMITS={"check": "3/m", "api": "3/m"})


@pytest.fixture
def visitor():
    return {"REMOTE_ADDR": "203.0.113.10"}


@LIMITED
def test_checker_answers_429_with_a_friendly_page(client, db, visitor):
    for _ in range(3):
        assert client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code == 200
    response = client.get("/check/?drugs=Zoloft,Ultram", **visitor)
    assert response.status_code == 429
    assert response.headers["Content-Type"].startswith("text/html")
    assert int(response.headers["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert "pharmacist" in html and "911" in html
    assert "no-store" in response.headers["Cache-Control"]
    assert not response.cookies


@LIMITED
def test_api_answers_429_with_json(client, db, visitor):
    for _ in range(3):
        assert client.get("/api/v1/interactions?drugs=Zoloft,Ultram", **visitor).status_code == 200
    response = client.get("/api/v1/drugs?q=zol", **visitor)
    assert response.status_code == 429
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert body["error"]["code"] == "rate_limited"
    assert body["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0


@LIMITED
def test_limits_are_per_client_and_per_group(client, db, visitor):
    for _ in range(4):
        client.get("/check/?drugs=a", **visitor)
    assert client.get("/check/?drugs=a", **visitor).status_code == 429
    # Another client, and the same client's API budget, are untouched.
    assert client.get("/check/?drugs=a", REMOTE_ADDR="198.51.100.20").status_code == 200
    assert client.get("/api/v1/interactions?drugs=a", **visitor).status_code == 200


@LIMITED
def test_guides_are_not_limited(client, make_guide, visitor):
    guide = make_guide()
    for _ in range(10):
        assert client.get(guide.get_absolute_url(), **visitor).status_code == 200


@LIMITED
def test_ipv6_clients_are_limited_per_64(client, db):
    for n in range(3):
        client.get("/check/?drugs=a", REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")
    assert client.get("/check/?drugs=a", REMOTE_ADDR="2001:db8:1:2::99").status_code == 429
    assert client.get("/check/?drugs=a", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_client_address_behind_trusted_proxies(rf, settings):
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 10.0.0.1"
    )
    settings.TRUSTED_PROXIES = []
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # From the right, the first address that is not ours; 1.2.3.4 was only claimed.
    assert client_ip(request) == "203.0.113.5"
    # A client reaching the app directly: its X-Forwarded-For is never read.
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert client_ip(direct) == "198.51.100.7"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.1")
    assert client_ip(request) == "10.0.0.1"  # nothing left of the bad entry is believed


def test_nginx_on_the_unix_socket_is_trusted_only_when_configured(rf, settings):
    request = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="2001:db8:5:6::7")
    settings.TRUSTED_PROXIES = ["unix"]
    assert client_ip(request) == "2001:db8:5:6::7"
    settings.TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128"]
    assert client_ip(request) == "0.0.0.0"  # the socket is not a configured proxy


def test_a_rotated_x_forwarded_for_never_beats_a_limit(client, db, settings):
    settings.RATELIMIT_ENABLED = True  # all through `settings`: see the cache-outage test
    settings.RATELIMITS = {"check": "3/m", "api": "3/m"}
    settings.TRUSTED_PROXIES = ["unix", "10.0.0.0/8"]
    # Straight to the app, claiming a new address each time.
    for n in range(3):
        client.get(
            "/check/?drugs=a", REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
    response = client.get(
        "/check/?drugs=a", REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429
    # Through nginx and a load balancer that appends: what the client claimed is ignored.
    for n in range(3):
        client.get(
            "/api/v1/drugs?q=zol",
            REMOTE_ADDR="",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.20, 10.0.0.5",
        )
    response = client.get(
        "/api/v1/drugs?q=zol",
        REMOTE_ADDR="",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.20, 10.0.0.5",
    )
    assert response.status_code == 429
    # Another client behind the same proxies is not affected.
    response = client.get(
        "/api/v1/drugs?q=zol", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.21, 10.0.0.5"
    )
    assert response.status_code == 200


def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(db, settings):
    from django.test import Client

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # reads SECURE_SSL_REDIRECT
    forged = client.get("/check/", REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301 and forged.headers["Location"].startswith("https://")
    proxied = client.get("/check/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_a_cache_outage_does_not_lock_anyone_out(client, db, visitor, settings):
    # All through the `settings` fixture: mixing it with override_settings restores out of order.
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = {"check": "3/m", "api": "3/m"}
    settings.CACHES = redis_cache(9)  # nothing listens on the discard port
    for _ in range(6):
        assert client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code == 200


@override_settings(RATELIMIT_ENABLED=False, RATELIMITS={"check": "1/m", "api": "1/m"})
def test_limits_can_be_turned_off(client, db, visitor):
    # make bench measures the site, not the limiter.
    for _ in range(5):
        assert client.get("/check/?drugs=a", **visitor).status_code == 200
        assert client.get("/api/v1/drugs?q=zol", **visitor).status_code == 200


@LIMITED
def test_clearing_cached_pages_never_resets_a_limit(client, make_guide, visitor):
    from django.core.cache import caches

    for _ in range(3):
        client.get("/check/?drugs=a", **visitor)
        client.get("/api/v1/drugs?q=zol", **visitor)
    make_guide()  # content changed: the page cache is cleared
    caches["pages"].clear()
    assert client.get("/check/?drugs=a", **visitor).status_code == 429
    assert client.get("/api/v1/drugs?q=zol", **visitor).status_code == 429


@LIMITED
def test_rate_limited_requests_are_logged_as_such(client, db, visitor, log_lines):
    for _ in range(4):
        client.get("/check/?drugs=a", **visitor)
        client.get("/api/v1/drugs?q=zol", **visitor)
    entries = [json.loads(line) for line in log_lines() if '"message": "request"' in line]
    limited = [(entry["path"], entry["status"]) for entry in entries if entry.get("rate_limited")]
    assert limited == [("/check/", 429), ("/api/v1/drugs", 429)]


@override_settings(
    RATELIMIT_ENABLED=True, RATELIMITS={"check": "3/m", "api": "3/m", "search": "3/m"}
)
def test_search_is_limited_private_and_not_indexed(client, library, visitor):
    for _ in range(3):
        response = client.get("/search/?q=tramadol", **visitor)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]
    response = client.get("/search/?q=sertraline", **visitor)
    assert response.status_code == 429 and "Please wait a moment" in response.content.decode()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    # Its own budget: the checker is untouched.
    assert client.get("/check/?drugs=a", **visitor).status_code == 200


def test_a_huge_search_query_does_bounded_work(client, library, monkeypatch):
    import time

    from articles import search as guide_search

    seen = []
    original = guide_search.search

    def spy(query, queryset, **kwargs):
        seen.append(guide_search.terms(query))
        return original(query, queryset, **kwargs)

    monkeypatch.setattr(guide_search, "search", spy)
    query = " ".join(f"word{n}" for n in range(20000))  # ~190 KB, 20,000 terms
    started = time.monotonic()
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert seen and len(seen[0]) <= guide_search.MAX_TERMS


def test_private_answers_are_not_indexed(client, db):
    for path in (
        "/check/?drugs=Zoloft,Ultram",
        "/api/v1/interactions?drugs=Zoloft",
        "/check?drugs=Zoloft",
    ):
        assert "noindex" in client.get(path).headers["X-Robots-Tag"], path
    assert "X-Robots-Tag" not in client.get("/drugs/").headers
