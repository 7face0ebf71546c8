"""Render deploy/nginx.conf.template into a run directory, from Django's own settings.

    python deploy/render_nginx.py --run-dir DIR --listen 127.0.0.1:8000 --socket DIR/gunicorn.sock

Writes DIR/nginx.conf and DIR/security_headers.conf. The hosts nginx answers to are
ALLOWED_HOSTS; the security headers it adds to the static files it serves are copied from
an answer the app gives, so they can never drift from the app's. Environment:

    NGINX_TRUSTED_PROXIES  addresses/ranges of proxies in front (load balancer, CDN) whose
                           X-Forwarded-For and X-Forwarded-Proto nginx believes; default none
    NGINX_CONN_PER_ADDRESS in-flight requests per client address (default 32)
"""

import argparse
import grp
import ipaddress
import os
import pwd
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
# Headers the app sets on every answer (tests/production/test_security.py).
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
    "X-Permitted-Cross-Domain-Policies",
)


def quote(value: str) -> str:
    """An nginx string: no variables, no way out of the quotes."""
    if any(char in value for char in "$\n\r"):
        raise ValueError(f"cannot put {value!r} in nginx.conf")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def app_security_headers(host: str) -> dict[str, str]:
    """The security headers of the app's answer for a static file (or robots.txt)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=host)
    static = sorted(Path(settings.STATIC_ROOT).glob("css/site.*.css"))
    path = f"{settings.STATIC_URL}css/{static[0].name}" if static else "/robots.txt"
    response = client.get(path, secure=True)
    headers = {
        name: response.headers[name] for name in SECURITY_HEADERS if name in response.headers
    }
    if "Content-Security-Policy" not in headers:
        raise SystemExit(f"render_nginx: the app's answer for {path} has no security headers")
    return headers


def server_names(allowed_hosts) -> str:
    names = []
    for host in allowed_hosts:
        if host == "*":
            return "_"  # any host: the app's own check decides
        names.append(host)  # ".example.org" means the domain and its subdomains, as in Django
    return " ".join(names) or "localhost"


def trusted_proxies(text: str) -> list[str]:
    return [
        str(ipaddress.ip_network(part.strip(), strict=False))
        for part in text.split(",")
        if part.strip()
    ]


def worker_user() -> str:
    """Started as root, nginx's workers drop to an unprivileged user."""
    if os.geteuid() != 0:
        return ""
    for user in ("www-data", "nobody"):
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            continue
        return f"user {user} {grp.getgrgid(entry.pw_gid).gr_name};"
    return ""


def render(run_dir: Path, listen: str, socket: str, host: str | None = None) -> str:
    from django.conf import settings

    allowed = [h for h in settings.ALLOWED_HOSTS if h]
    headers = app_security_headers(
        host or next((h.lstrip(".") for h in allowed if h != "*"), "localhost")
    )
    proxies = trusted_proxies(os.environ.get("NGINX_TRUSTED_PROXIES", ""))
    values = {
        "RUN": str(run_dir),
        "LISTEN": listen,
        "SOCKET": socket,
        "STATIC_ROOT": str(Path(settings.STATIC_ROOT).resolve()),
        "SERVER_NAMES": server_names(allowed),
        "CONN_PER_ADDRESS": str(int(os.environ.get("NGINX_CONN_PER_ADDRESS", "32"))),
        "USER": worker_user(),
        "LOAD_MODULES": f"load_module {BROTLI_MODULE};" if BROTLI_MODULE.exists() else "",
        "BROTLI": "    brotli_static on;" if BROTLI_MODULE.exists() else "",
        "REAL_IP": "\n".join(f"    set_real_ip_from {p};" for p in proxies),
        "TRUSTED_GEO": "\n".join(f"        {p} 1;" for p in proxies),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise SystemExit("render_nginx: a placeholder was left unfilled")
    (run_dir / "security_headers.conf").write_text(
        "".join(f"add_header {name} {quote(value)} always;\n" for name, value in headers.items())
    )
    (run_dir / "nginx.conf").write_text(text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--listen", required=True, help="address:port nginx listens on")
    parser.add_argument("--socket", required=True, help="gunicorn's unix socket")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    args.run_dir.mkdir(parents=True, exist_ok=True)
    render(args.run_dir.resolve(), args.listen, args.socket)


if __name__ == "__main__":
    main()
