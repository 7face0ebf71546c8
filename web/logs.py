"""Structured logs: one JSON object per line, with nothing a reader typed in them.

What people check is health data. So no log line carries a query string, and request paths
are logged as their URL pattern ("/drugs/<slug:slug>/"), never as the address itself: a
drug page's or a guide's address names a medicine. `RequestLogMiddleware` writes the one
line per request; the filters here scrub what Django, runserver and gunicorn log on their
own.
"""

import datetime
import json
import logging
import re

# Attributes every LogRecord has; anything else was passed in `extra` and is logged as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_QUERY = re.compile(r"\?[^\s\"']*")


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                entry[key] = (
                    value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
                )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


_SLUG_PATH = re.compile(r"/(drugs|articles|topics|tags)/[^\s/\"']+")


def strip_query(text: str) -> str:
    """Free text with no query strings and no drug or guide slugs in addresses."""
    return _SLUG_PATH.sub(r"/\1/<slug>", _QUERY.sub("", text))


def route_of(request) -> str:
    """A request's URL pattern, which names no medicine: "/drugs/<slug:slug>/"."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    if request.path_info.startswith(settings.STATIC_URL):
        return settings.STATIC_URL + "…"
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        except Exception:  # a path Django cannot even parse
            match = None
    if match is not None:
        return "/" + match.route.lstrip("^").rstrip("$").replace("\\Z", "")
    return "(unmatched)"


class RedactRequestFilter(logging.Filter):
    """Replace request paths in log arguments by their URL pattern; drop query strings.

    Django's request loggers ("Not Found: %s", "Internal Server Error: %s") and runserver's
    ("\"GET /check/?drugs=… HTTP/1.1\" 200 123") both pass the address as an argument.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = (
            getattr(request, "path", None)
            if request is not None and not isinstance(request, str)
            else None
        )
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            cleaned = []
            for arg in args:
                if isinstance(arg, str):
                    if path and arg in (path, getattr(request, "path_info", None)):
                        arg = route_of(request)
                    else:
                        arg = _redact_request_line(arg)
                cleaned.append(arg)
            record.args = tuple(cleaned)
        if isinstance(record.msg, str):
            record.msg = _redact_request_line(record.msg)
        return True


_REQUEST_LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<target>\S+)(?P<rest> HTTP/[\d.]+)?$")


def _redact_request_line(text: str) -> str:
    """A request line without its address ("GET (address redacted) HTTP/1.1"); other text
    without query strings."""
    match = _REQUEST_LINE.match(text.strip('"'))
    if match:
        return f"{match['method']} (address redacted){match['rest'] or ''}"
    return strip_query(text)


def logging_config(level: str = "INFO", *, gunicorn: bool = False) -> dict:
    """The one logging configuration: Django's LOGGING, and gunicorn's logconfig_dict.

    One JSON line per request and per event, request paths as URL patterns, never a query
    string. Under gunicorn its error log joins ours and its access log is silenced: its lines
    would carry the query string, which is health data.
    """
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact": {"()": "web.logs.RedactRequestFilter"},
            # gunicorn's invalid-request lines, django.security events, sizes of private
            # answers: text a visitor chose, or a size that tells their medicines apart.
            "privacy": {"()": "web.log_filters.PrivacyFilter"},
        },
        "formatters": {"json": {"()": "web.logs.JSONFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["redact", "privacy"],
                "stream": "ext://sys.stderr",
            },
            "null": {"class": "logging.NullHandler"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's request logger repeats what our request log says, with the address.
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            # runserver's own lines carry the full address and query: our request log replaces them.
            "django.server": {"handlers": ["null"], "level": "ERROR", "propagate": False},
            # django-axes logs each admin login failure; keep warnings, not every access.
            "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }
    if gunicorn:
        config["loggers"]["gunicorn.error"] = {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
        }
        config["loggers"]["gunicorn.access"] = {
            "handlers": ["null"],
            "level": "CRITICAL",
            "propagate": False,
        }
    return config
