"""deploy/: the nginx config `make serve` renders (the running stack is checked by bench/faults.sh)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production.test_security import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
import render_nginx

NGINX = shutil.which("nginx") or next((p for p in ["/usr/sbin/nginx"] if Path(p).exists()), None)


@pytest.fixture
def rendered(tmp_path, db, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["beforeyoumix.example", ".beforeyoumix.example"]
    monkeypatch.setenv("NGINX_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32")
    text = render_nginx.render(tmp_path, "127.0.0.1:8999", str(tmp_path / "gunicorn.sock"))
    return tmp_path, text


def directive(text, name):
    return [m.group(1).strip() for m in re.finditer(rf"^\s*{name}\s+([^;]*);", text, re.M)]


def test_slow_clients_are_cut_off_and_requests_bounded(rendered):
    _, text = rendered
    for name, value in {
        "client_header_timeout": "10s",
        "client_body_timeout": "10s",
        "send_timeout": "10s",
        "keepalive_timeout": "15s",
        "client_max_body_size": "1m",
        "large_client_header_buffers": "4 8k",
        "proxy_request_buffering": "on",
        "proxy_buffering": "on",
        "server_tokens": "off",
    }.items():
        assert directive(text, name) == [value], name
    assert directive(text, "limit_conn") == ["per_address 32"]
    assert "@@" not in text


def test_gunicorn_is_reached_on_its_unix_socket_with_forwarded_headers_set_by_nginx(rendered):
    run, text = rendered
    assert (
        re.findall(r"^\s*server (unix:.*);", text, re.M)
        == [f"unix:{run}/gunicorn.sock max_fails=0"] * 2
    )
    assert directive(text, "proxy_set_header X-Forwarded-For") == [
        "$remote_addr"
    ]  # replaced, not appended
    assert directive(text, "proxy_set_header X-Forwarded-Proto") == ["$forwarded_proto"]
    assert directive(text, "set_real_ip_from") == ["10.0.0.0/8", "2001:db8::/32"]
    assert "listen 127.0.0.1:8999 default_server;" in text


def test_logs_carry_no_request_line_or_address(rendered):
    _, text = rendered
    assert directive(text, "error_log") == ["stderr crit"]
    (log_format,) = re.findall(r"log_format privacy escape=json(.*?);", text, re.S)
    variables = set(re.findall(r"\$\w+", log_format))
    assert variables == {"$time_iso8601", "$status", "$upstream_status", "$request_time"}
    assert directive(text, "access_log") == ["/dev/stderr privacy if=$log_it"]


def test_static_files_hashed_forever_manifest_hidden_hosts_from_settings(rendered):
    run, text = rendered
    assert "location = /static/staticfiles.json" in text
    assert 'add_header Cache-Control "public, max-age=315360000, immutable" always;' in text
    assert directive(text, "gzip_static") == ["on"]
    assert directive(text, "server_name") == ["_", "beforeyoumix.example .beforeyoumix.example"]


def test_nginx_adds_the_apps_own_security_headers(rendered, client):
    run, _ = rendered
    headers = dict(
        re.findall(
            r'^add_header (\S+) "(.*)" always;$', (run / "security_headers.conf").read_text(), re.M
        )
    )
    answer = client.get("/robots.txt", secure=True, HTTP_HOST="beforeyoumix.example")
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert headers[name] == answer.headers[name], name


def test_header_values_cannot_escape_the_config():
    with pytest.raises(ValueError):
        render_nginx.quote("default-src $host")
    with pytest.raises(ValueError):
        render_nginx.quote("a\nload_module x")
    assert render_nginx.quote('a "b"') == '"a \\"b\\""'


@pytest.mark.skipif(NGINX is None, reason="nginx not installed (make nginx-deps)")
def test_nginx_accepts_the_rendered_config(rendered):
    run, _ = rendered
    result = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
