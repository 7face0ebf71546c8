"""Security headers on every kind of response, deploy checks, cookies, admin lockout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# One of each kind of answer the site gives: pages, errors, JSON, health, text.
PATHS = [
    "/",
    "/articles/",
    "/check/",
    "/check/?drugs=Zoloft,Ultram",
    "/drugs/",
    "/drugs/sertraline/",
    "/api/v1/interactions?drugs=Zoloft,Ultram",
    "/api/v1/interactions",
    "/api/v1/drugs?q=sertaline",
    "/api/v1/no-such-thing",
    "/search/?q=tramadol",
    "/healthz",
    "/robots.txt",
    "/feed/",
    "/no-such-page/",
]

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response, where):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, where
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, where
    # 'self', 'none' and data: images only: no other origin anywhere in the policy.
    for token in csp.replace(";", " ").split():
        assert not token.startswith(("http:", "https:", "*")) and "." not in token, (where, token)
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy, where


def test_security_headers_on_every_kind_of_response(client, library):
    for path in PATHS:
        response = client.get(path)
        assert response.status_code < 500, path
        assert_security_headers(response, path)


def test_security_headers_on_errors_and_other_methods(client, library):
    for method in ("post", "put", "delete", "options", "trace", "head"):
        for path in ("/", "/check/?drugs=a", "/api/v1/interactions?drugs=a"):
            response = getattr(client, method)(path)
            assert response.status_code < 500, (method, path)
            assert_security_headers(response, f"{method} {path}")


def test_security_headers_on_static_files(client, db, settings):
    # WhiteNoise answers before the view layer; the headers must still be there.
    static_file = next(Path(settings.STATIC_ROOT).glob("css/site*.css"), None)
    if static_file is None:
        pytest.skip("static files not collected (make static)")
    response = client.get(f"/static/css/{static_file.name}")
    assert response.status_code == 200
    assert_security_headers(response, "static")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_security_headers_on_the_https_redirect(client, db):
    response = client.get("/check/?drugs=Zoloft")
    assert response.status_code == 301 and response.headers["Location"].startswith("https://")
    assert_security_headers(response, "redirect")


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_in_production(client, db):
    response = client.get("/", secure=True)
    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "REDIS_PAGES_URL",
            "SECURE_SSL_REDIRECT",
            "ADMIN_URL",
            "SITE_URL",
            "TRUSTED_PROXIES",
            "GUNICORN_BIND",
            "NGINX_TRUSTED_PROXIES",
            "FORWARDED_ALLOW_IPS",
        }
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="k3v9-Jq2Lr8wXz4Tn6Yb1Pc7Hd5Fg0Ms3Ve8Ua2Oi9Wy6Rt4Ep1Zl7Kx5Qj3Nh",
        ALLOWED_HOSTS="beforeyoumix.example.org",
        SITE_URL="https://beforeyoumix.example.org",
        ADMIN_URL="staff-7f3a",
        REDIS_URL="redis://127.0.0.1:6379/0",
        REDIS_PAGES_URL="redis://127.0.0.1:6380/0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key_hosts_or_site_url():
    for missing in (
        {"SECRET_KEY": ""},
        {"SECRET_KEY": "short"},
        {"ALLOWED_HOSTS": ""},
        {"SITE_URL": ""},
        {"SITE_URL": "beforeyoumix.example.org"},  # no scheme
        {"SITE_URL": "https://beforeyoumix.example.org/guides"},  # a path
        {"SITE_URL": "ftp://beforeyoumix.example.org"},
    ):
        result = manage("check", env=production_env(**missing))
        assert result.returncode != 0, missing
        assert "ImproperlyConfigured" in result.stderr, missing


def test_production_settings_secure_cookies_and_https():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG, s.RATELIMIT_ENABLED)"
    )
    result = manage("shell", "--verbosity", "0", "-c", code, env=production_env())
    assert result.stdout.split() == ["True"] * 5 + ["False", "True"], result.stderr


def test_x_forwarded_proto_is_honoured_only_behind_a_configured_proxy():
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    alone = manage("shell", "--verbosity", "0", "-c", code, env=production_env())
    assert alone.stdout.strip() == "None", alone.stderr
    proxied = manage(
        "shell", "--verbosity", "0", "-c", code, env=production_env(TRUSTED_PROXIES="unix")
    )
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr


def test_no_cookie_for_anonymous_visitors(client, library):
    for path in PATHS:
        response = client.get(path)
        assert not response.cookies, (path, response.cookies)
        assert "Set-Cookie" not in response.headers, path


@pytest.fixture
def login(client, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "a-long-correct-password"
    )

    def attempt(address, username="editor", password="wrong"):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    return attempt


def test_admin_login_attempts_are_locked_out_per_client(login, settings):
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        # Different usernames each time: the client's failures still add up.
        response = login("203.0.113.7", username=f"guess{n}")
        # The form again with an error, until the limit: then locked out.
        assert response.status_code == (429 if n == settings.AXES_FAILURE_LIMIT else 200)
    # Locked: even the right password is refused from this client.
    assert login("203.0.113.7", password="a-long-correct-password").status_code == 429
    # Another client is not affected.
    assert login("198.51.100.9", password="a-long-correct-password").status_code == 302


def test_admin_lockout_covers_an_ipv6_64_like_the_rate_limiter(login, settings):
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        login(f"2001:db8:1:2::{n:x}", username=f"guess{n}")  # a new address each time
    assert login("2001:db8:1:2:ffff::1", password="a-long-correct-password").status_code == 429
    assert login("2001:db8:1:3::1", password="a-long-correct-password").status_code == 302


def test_admin_lockout_per_username_across_addresses(login, settings):
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        login(f"198.51.100.{n}")  # the same account guessed from many addresses
    assert login("192.0.2.200", password="a-long-correct-password").status_code == 429
    # Other accounts are not locked from a fresh address.
    assert login("192.0.2.201", username="someone-else").status_code == 200


def test_admin_address_comes_from_the_environment():
    code = "from django.conf import settings; print(settings.ADMIN_URL)"
    result = manage(
        "shell", "--verbosity", "0", "-c", code, env=production_env(ADMIN_URL="/staff-7f3a")
    )
    assert result.stdout.strip() == "staff-7f3a/", result.stderr


def test_admin_is_served_at_the_configured_address():
    # Routing only: rendering a page here would need the production static manifest.
    code = "\n".join(
        [
            "from django.urls import Resolver404, resolve, reverse",
            "print(reverse('admin:index'))",
            "try:",
            "    resolve('/admin/')",
            "    print('admin-found')",
            "except Resolver404:",
            "    print('admin-404')",
        ]
    )
    result = manage(
        "shell", "--verbosity", "0", "-c", code, env=production_env(ADMIN_URL="staff-7f3a")
    )
    assert result.stdout.split() == ["/staff-7f3a/", "admin-404"], result.stderr


def test_robots_txt_does_not_reveal_the_admin_address(client, db):
    assert "admin" not in client.get("/robots.txt").content.decode().lower()


def test_deploy_checks(settings, monkeypatch):
    from web import checks

    for name in ("GUNICORN_BIND", "NGINX_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    settings.ADMIN_URL = "admin/"
    assert [m.id for m in checks.admin_url(None)] == ["beforeyoumix.W002"]
    settings.ADMIN_URL = "staff-7f3a/"
    assert checks.admin_url(None) == []

    settings.SITE_URL = ""
    assert [m.id for m in checks.site_url(None)] == ["beforeyoumix.W003"]
    settings.SITE_URL = "https://beforeyoumix.example.org"
    assert checks.site_url(None) == []
    settings.ALLOWED_HOSTS = ["other.example.org"]
    assert [m.id for m in checks.site_url_host_allowed(None)] == ["beforeyoumix.E001"]
    settings.ALLOWED_HOSTS = [".example.org"]
    assert checks.site_url_host_allowed(None) == []

    settings.TRUSTED_PROXIES = []
    assert checks.trusted_proxies(None) == []  # no proxy, nothing to trust
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/beforeyoumix/gunicorn.sock")
    assert [m.id for m in checks.trusted_proxies(None)] == ["beforeyoumix.W004"]
    settings.TRUSTED_PROXIES = ["unix"]
    assert checks.trusted_proxies(None) == []

    redis = {"BACKEND": "web.cache.FaultTolerantRedisCache"}
    settings.CACHES = {
        "default": {**redis, "LOCATION": "redis://cache:6379/0"},
        "pages": {**redis, "LOCATION": "redis://cache:6379/1"},
    }
    assert [m.id for m in checks.separate_redis(None)] == ["beforeyoumix.W005"]
    settings.CACHES["pages"]["LOCATION"] = "redis://pages-cache:6379/0"
    assert checks.separate_redis(None) == []


def test_check_deploy_reports_a_default_admin_and_an_untrusted_proxy():
    env = production_env(ADMIN_URL="", GUNICORN_BIND="unix:/tmp/x.sock", REDIS_PAGES_URL="")
    result = manage("check", "--deploy", env=env)
    for check in ("beforeyoumix.W002", "beforeyoumix.W004", "beforeyoumix.W005"):
        assert check in result.stderr + result.stdout, check


def test_put_and_delete_on_pages_get_the_friendly_405_not_a_csrf_403(db, library):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as browsers and curl meet it
    for method in ("put", "delete", "post", "patch"):
        for path in ("/", "/articles/", "/drugs/sertraline/", "/feed/", "/sitemap.xml", "/check/"):
            response = getattr(client, method)(path)
            assert response.status_code == 405, (method, path)
            assert response.headers["Allow"] == "GET, HEAD", (method, path)
            assert b"CSRF" not in response.content, (method, path)
    # The admin's forms still need their token.
    assert (
        client.post(reverse("admin:login"), {"username": "a", "password": "b"}).status_code == 403
    )


def test_the_static_manifest_is_not_served(client, db, settings, tmp_path):
    # nginx refuses it (deploy/nginx.conf.template); so does the app when reached directly.
    # A collected folder of our own, with a manifest as production's collectstatic writes it.
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body{}")
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    settings.STATIC_ROOT = tmp_path
    from django.test import Client

    response = Client().get("/static/staticfiles.json")  # a new client: WhiteNoise's files
    assert response.status_code == 404
    assert Client().get("/static/css/site.css").status_code == 200


def test_head_on_the_api_has_the_get_s_length_and_no_body(client, db):
    for path in (
        "/api/v1/interactions?drugs=Zoloft,Ultram",
        "/api/v1/drugs?q=zol",
        "/",
        "/check/?drugs=Zoloft",
    ):
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"", path
        assert int(head.headers["Content-Length"]) == len(get.content) > 0, path
