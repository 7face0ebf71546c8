"""Site-wide guards: they fail when any page, old or new, breaks a rule every page keeps."""

import re
from io import StringIO
from urllib.parse import urlparse

from django.core.management import call_command
from django.urls import reverse


def test_no_pending_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())


def sitemap_paths(client):
    xml = client.get(reverse("sitemap")).content.decode()
    return [urlparse(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


def test_every_sitemap_url_answers_200(client, library):
    paths = sitemap_paths(client)
    assert len(paths) >= 10
    for path in paths:
        assert client.get(path).status_code == 200, path


def page_paths(client):
    return sitemap_paths(client) + [
        reverse("articles:search") + "?q=tramadol",
        reverse("articles:search") + "?q=",
        "/no-such-page/",
    ]


def test_exactly_one_h1_on_every_page(client, library):
    for path in page_paths(client):
        html = client.get(path).content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, path


def test_every_page_has_a_title_skip_link_and_main_landmark(client, library):
    for path in page_paths(client):
        html = client.get(path).content.decode()
        assert re.search(r"<title>[^<]+</title>", html), path
        assert 'href="#main"' in html and 'id="main"' in html, path
        assert '<html lang="en">' in html, path


def test_no_third_party_resources_and_no_inline_code(client, library):
    for path in page_paths(client):
        html = client.get(path).content.decode()
        # Links to follow and the canonical address (SITE_URL) are not loaded by the page.
        loaded = re.sub(r'<a [^>]*>|<link rel="canonical" [^>]*>', "", html)
        for attr in re.findall(r'(?:src|href)="([^"]+)"', loaded):
            assert not attr.startswith(("http:", "https:", "//")), (path, attr)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html and ' style="' not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_csp_header_is_strict(client, library):
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_friendly_404(client, db):
    response = client.get("/articles/no-such-guide/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_500_page_renders_without_a_request(db):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "something went wrong" in response.content.decode()
    assert "988" in response.content.decode()


def test_healthz(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_healthz_503_when_database_fails(client, db, monkeypatch):
    from django.db import OperationalError, connection

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        response = client.get("/healthz")
    assert response.status_code == 503


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /check/" in response.content.decode()


def test_sitemap_lists_every_drug_page(client, db):
    from medicines import knowledge

    paths = set(sitemap_paths(client))
    for slug in knowledge.snapshot().ingredients:
        assert reverse("interactions:drug_detail", args=[slug]) in paths


def test_no_module_repeats_a_url_prefix():
    """Views carry their own policy (web.http), so no code decides by "/check/" or "/api/"."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for app in ("config", "web", "articles", "interactions"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                and node.body
                and isinstance(node.body[0], ast.Expr)
            }
            found += [
                f"{path.relative_to(root)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and ("/check/" in node.value or "/api/" in node.value)
            ]
    assert not found
