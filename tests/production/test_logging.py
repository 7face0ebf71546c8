"""Structured logs: one JSON line per request, and never a medicine name or query string."""

import json
import logging

from django.conf import settings

from config.logs import JSONFormatter, RedactRequestFilter

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
        {"name": "django.server", "msg": '"%s" %s %s', "args": ("GET /check/?drugs=Zoloft HTTP/1.1", 200, 123)}
    )
    handler_filter.filter(record)
    assert "zoloft" not in formatter.format(record).lower()

    # gunicorn: "Error handling request /drugs/sertraline/?x=Zoloft"
    record = logging.makeLogRecord(
        {"name": "gunicorn.error", "msg": "Error handling request %s", "args": ("/drugs/sertraline/?x=Zoloft",)}
    )
    handler_filter.filter(record)
    line = formatter.format(record).lower()
    assert "zoloft" not in line and "sertraline" not in line and "/drugs/<slug>" in line


def test_django_request_errors_name_the_route(rf):
    request = rf.get("/drugs/sertraline/?x=Zoloft")
    record = logging.makeLogRecord(
        {"name": "django.request", "msg": "%s: %s", "args": ("Not Found", request.path), "request": request}
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
        record = logging.makeLogRecord({"name": "x", "msg": "failed", "exc_info": __import__("sys").exc_info()})
    line = JSONFormatter().format(record)
    assert "\n" not in line
    assert "RuntimeError: boom" in json.loads(line)["exception"]
