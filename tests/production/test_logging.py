"""Structured logs: one JSON line per request, and never a medicine name or query string."""

import json
import logging

from django.conf import settings

from web.logs import JSONFormatter, RedactRequestFilter

NAMES = ["zoloft", "ultram", "sertraline", "tramadol", "xanax", "percocet", "sertaline"]


def requests_in(lines):
    return [json.loads(line) for line in lines if json.loads(line)["message"] == "request"]


def test_one_json_line_per_request(client, library, log_lines):
    client.get("/")
    client.get("/articles/")
    client.get("/no-such-page/")
    entries = requests_in(log_lines())
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/", 200),
        ("GET", "/articles/", 200),
        ("GET", "(unmatched)", 404),
    ]
    for entry in entries:
        assert entry["level"] == "INFO" and entry["logger"] == "beforeyoumix.request"
        assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
        assert entry["time"].endswith("+00:00")


def test_no_medicine_names_or_query_strings_in_any_log_line(client, library, log_lines):
    guide = library.filter(slug__contains="tramadol").first() or library.first()
    paths = [
        "/check/?drugs=Zoloft,Ultram",
        "/check/?drugs=Zoloft,Ultram&recently_stopped=Xanax",
        "/check/?drugs=" + "x" * 500,
        "/api/v1/interactions?drugs=Zoloft,Ultram,Percocet",
        "/api/v1/interactions?drugs=sertaline",
        "/api/v1/drugs?q=sertraline",
        "/drugs/sertraline/",
        "/drugs/tramadol-xyz/",
        "/search/?q=tramadol",
        guide.get_absolute_url(),
        "/Zoloft-and-Ultram",
        "/api/v1/Zoloft",
    ]
    for path in paths:
        client.get(path)
        client.post(path, {"drugs": "Zoloft"})
    lines = log_lines()
    assert len(requests_in(lines)) == 2 * len(paths)
    text = "\n".join(lines).lower()
    for name in NAMES:
        assert name not in text, name
    for query in ("drugs=", "q=", "recently_stopped", "xxxxxxxx"):
        assert query not in text, query


def test_routes_are_logged_as_url_patterns(client, library, log_lines):
    client.get("/drugs/sertraline/")
    client.get("/check/?drugs=Zoloft")
    client.get("/api/v1/interactions?drugs=Zoloft")
    paths = [entry["path"] for entry in requests_in(log_lines())]
    assert paths[0] == "/drugs/<slug:slug>/"
    assert paths[1] == "/check/"
    assert paths[2].startswith("/api/v1/")


def test_cache_hits_are_logged_as_such(client, make_guide, log_lines):
    guide = make_guide()
    client.get(guide.get_absolute_url())
    client.get(guide.get_absolute_url())
    entries = requests_in(log_lines())
    assert [entry["cache"] for entry in entries] == ["miss", "hit"]
    assert entries[0]["path"] == entries[1]["path"] == "/articles/<slug:slug>/"
    assert entries[1]["view"] == "articles:detail"


def test_errors_in_django_and_server_loggers_are_redacted():
    handler_filter = RedactRequestFilter()
    formatter = JSONFormatter()

    # runserver: '"GET /check/?drugs=Zoloft HTTP/1.1" 200 123'
    record = logging.makeLogRecord(
        {
            "name": "django.server",
            "msg": '"%s" %s %s',
            "args": ("GET /check/?drugs=Zoloft HTTP/1.1", 200, 123),
        }
    )
    handler_filter.filter(record)
    assert "zoloft" not in formatter.format(record).lower()

    # gunicorn: "Error handling request /drugs/sertraline/?x=Zoloft"
    record = logging.makeLogRecord(
        {
            "name": "gunicorn.error",
            "msg": "Error handling request %s",
            "args": ("/drugs/sertraline/?x=Zoloft",),
        }
    )
    handler_filter.filter(record)
    line = formatter.format(record).lower()
    assert "zoloft" not in line and "sertraline" not in line and "/drugs/<slug>" in line


def test_django_request_errors_name_the_route(rf):
    request = rf.get("/drugs/sertraline/?x=Zoloft")
    record = logging.makeLogRecord(
        {
            "name": "django.request",
            "msg": "%s: %s",
            "args": ("Not Found", request.path),
            "request": request,
        }
    )
    RedactRequestFilter().filter(record)
    message = record.getMessage()
    assert "sertraline" not in message and message == "Not Found: /drugs/<slug:slug>/"


def test_runserver_request_lines_are_silenced():
    server = settings.LOGGING["loggers"]["django.server"]
    assert server["handlers"] == ["null"] and server["propagate"] is False


def test_exceptions_are_one_json_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.makeLogRecord(
            {"name": "x", "msg": "failed", "exc_info": __import__("sys").exc_info()}
        )
    line = JSONFormatter().format(record)
    assert "\n" not in line
    assert "RuntimeError: boom" in json.loads(line)["exception"]


# --------------------------------------------------------------------------- issue 13, item 7


def configured_lines(*logger_names):
    """Attach a handler built like settings.LOGGING's console handler; return (lines, detach)."""
    import io

    from django.utils.module_loading import import_string

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    console = settings.LOGGING["handlers"]["console"]
    handler.setFormatter(
        import_string(settings.LOGGING["formatters"][console["formatter"]]["()"])()
    )
    for name in console["filters"]:
        handler.addFilter(import_string(settings.LOGGING["filters"][name]["()"])())
    loggers = [logging.getLogger(name) for name in logger_names]
    for logger in loggers:
        logger.addHandler(handler)

    def lines():
        return [line for line in stream.getvalue().splitlines() if line.strip()]

    def detach():
        for logger in loggers:
            logger.removeHandler(handler)

    return lines, detach


def test_gunicorn_invalid_request_lines_keep_neither_address_nor_request_line():
    lines, detach = configured_lines("gunicorn.error")
    try:
        log = logging.getLogger("gunicorn.error")
        # What gunicorn's worker logs (workers/base.py handle_error), pre-formatted.
        log.warning(
            "Invalid request from ip=203.0.113.77: Invalid HTTP Version: 'GET /check/?drugs=Zoloft,Ultram HTTP/9'"
        )
        log.warning(
            "Invalid request from ip=2001:db8::1: Invalid HTTP request line: 'GET /drugs/sertraline/ x y'"
        )
        log.warning("Invalid request from ip=198.51.100.2: Invalid HTTP Header: 'X-Percocet\\x00'")
    finally:
        detach()
    entries = [json.loads(line) for line in lines()]
    assert [e["message"] for e in entries] == [
        "invalid request: Invalid HTTP Version",
        "invalid request: Invalid HTTP request line",
        "invalid request: Invalid HTTP Header",
    ]
    text = "\n".join(lines()).lower()
    for leak in (
        "203.0.113",
        "2001:db8",
        "198.51.100",
        "zoloft",
        "sertraline",
        "percocet",
        "/check/",
        "/drugs/",
    ):
        assert leak not in text, leak


def test_gunicorn_uses_the_same_log_filters_as_django():
    import runpy

    from tests.production.test_security import ROOT

    gunicorn = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["logconfig_dict"]
    assert (
        gunicorn["handlers"]["console"]["filters"]
        == settings.LOGGING["handlers"]["console"]["filters"]
    )
    assert gunicorn["filters"] == settings.LOGGING["filters"]
    assert "gunicorn.error" in gunicorn["loggers"]


def test_a_disallowed_host_is_one_short_warning_without_traceback(client, db):
    lines, detach = configured_lines("django.security")
    host = "zoloft-and-ultram.example<script>alert(1)</script>" + "x" * 2000
    try:
        response = client.get("/", HTTP_HOST=host)
        client.get("/", HTTP_HOST="evil.example:6666")
    finally:
        detach()
    assert response.status_code == 400
    entries = [json.loads(line) for line in lines()]
    assert len(entries) == 2
    first, second = entries
    assert first["level"] == second["level"] == "WARNING"
    assert "exception" not in first and "Traceback" not in lines()[0]
    assert len(lines()[0]) < 400
    assert (
        "<script>" not in lines()[0]
        and "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" not in lines()[0]
    )
    assert first["message"].startswith("disallowed host: zoloft-and-ultram.example?script?")
    assert second["message"] == "disallowed host: evil.example:6666"


def test_other_suspicious_operations_are_one_line_with_no_visitor_text():
    lines, detach = configured_lines("django.security")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("django.security.SuspiciousFileOperation").error(
                "Detected path traversal attempt in '/drugs/sertraline/../../etc'", exc_info=True
            )
    finally:
        detach()
    (entry,) = [json.loads(line) for line in lines()]
    assert entry == {
        **entry,
        "level": "WARNING",
        "message": "suspicious request: SuspiciousFileOperation",
    }
    assert "exception" not in entry and "sertraline" not in lines()[0]


def test_private_request_lines_carry_no_response_size(client, db):
    lines, detach = configured_lines("beforeyoumix.request")
    try:
        client.get("/robots.txt")
        client.get("/check/?drugs=Zoloft,Ultram")
        client.get("/api/v1/interactions?drugs=Zoloft,Ultram")
    finally:
        detach()
    entries = {e["path"]: e for e in map(json.loads, lines()) if e["message"] == "request"}
    sized = {path for path, entry in entries.items() if "bytes" in entry}
    assert sized == {"/robots.txt"}  # public answers keep their size
    private = [path for path in entries if path.startswith(("/check/", "/api/"))]
    assert len(private) == 2 and not sized.intersection(private)
