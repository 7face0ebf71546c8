"""Log filters for what other code logs with text a visitor chose (docs/DEPLOY.md, issue 13).

`PrivacyFilter` sits on the console handler, after `web.logs.RedactRequestFilter`:

- gunicorn's "Invalid request from ip=…: Invalid HTTP Version 'GET /check/?drugs=… HTTP/9'"
  keeps the kind of error only: no address, no request line.
- Django's "Invalid HTTP_HOST header: '<anything>'" (and every other django.security.*
  event) is logged at WARNING as one short line, without the traceback, and with the host
  cut to a short, harmless form: anyone can send any Host, so it is attacker text.
- Request lines of private paths (the checker, the API) lose their `bytes` field: the size
  of a result is almost unique for each combination of medicines.
"""

import logging
import re

_INVALID_REQUEST = re.compile(r"^Invalid request from ip=\S*: (?P<error>.*)$", re.DOTALL)
_HOST = re.compile(r"^Invalid HTTP_HOST header: (?P<host>'.*?'|\".*?\")", re.DOTALL)
_HOST_CHARS = re.compile(r"[^a-z0-9.:\-\[\]]")
HOST_LENGTH = 40


def short_host(text: str) -> str:
    """At most HOST_LENGTH of letters, digits and . : - [ ], lower case; others become '?'."""
    host = _HOST_CHARS.sub("?", text.strip("'\"").lower())
    return host[:HOST_LENGTH] + ("…" if len(host) > HOST_LENGTH else "")


def error_kind(text: str) -> str:
    """'Invalid HTTP Version: "GET /x HTTP/9"' → 'Invalid HTTP Version': never what was sent."""
    kind = re.split(r"[:'\"(%]", text, maxsplit=1)[0].strip()
    return re.sub(r"[^A-Za-z0-9 .,-]", "", kind)[:60] or "unreadable"


class PrivacyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "gunicorn.error":
            self._invalid_request(record)
        elif record.name.startswith("django.security."):
            self._suspicious(record)
        elif record.name == "beforeyoumix.request" and hasattr(record, "bytes"):
            from web.middleware import is_private

            if is_private(str(getattr(record, "path", ""))):
                del record.bytes
        return True

    @staticmethod
    def _invalid_request(record):
        match = _INVALID_REQUEST.match(record.getMessage())
        if match:
            record.msg, record.args = "invalid request: %s", (error_kind(match["error"]),)

    @staticmethod
    def _suspicious(record):
        message = record.getMessage()
        kind = record.name.removeprefix("django.security.")
        host = _HOST.match(message)
        if host:
            record.msg, record.args = "disallowed host: %s", (short_host(host["host"]),)
        else:
            record.msg, record.args = "suspicious request: %s", (error_kind(kind),)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = record.stack_info = None
